package dev.callscope.flow.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.tap.Tap;
import dev.callscope.dissect.webrtc.StunMessage;
import dev.callscope.testutil.SharedCaptures;
import dev.callscope.testutil.Tshark;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * STUN transactions counted once however often they are sent: for every capture under webrtc/, the
 * tracker's transactions, retransmitted requests, answered transactions and repeated responses equal
 * what tshark's transaction ids give. tshark does not look inside TURN Send/Data indications or
 * ChannelData, so relayed messages are left out on our side too; RFC 3489 messages (no magic
 * cookie) are another protocol to tshark and are left out as well.
 */
class StunTransactionsTest {
    static java.util.stream.Stream<String> captures() throws java.io.IOException {
        return WebrtcDifferentialTest.captures();
    }

    /** {transactions, retransmissions, answered, repeated responses} from tshark's stun.type and stun.id. */
    static long[] tshark(final Path file) throws Exception {
        final String out = Tshark.run(file, "-Y", "stun && !icmp && !icmpv6", "-T", "fields", "-e", "stun.type", "-e", "stun.id");
        final Map<String, Integer> requests = new HashMap<>();
        final Map<String, Integer> responses = new HashMap<>();
        for (final String line : out.split("\n")) {
            final String[] f = line.split("\t", -1);
            if (f.length < 2 || f[0].isEmpty()) {
                continue;
            }
            final String[] types = f[0].split(",");
            final String[] ids = f[1].split(",");
            for (int i = 0; i < types.length && i < ids.length; i++) {
                final int t = Integer.decode(types[i]);
                final int cls = (t >> 4 & 1) | (t >> 7 & 2);
                if (cls == 0) {
                    requests.merge(ids[i], 1, Integer::sum);
                } else if (cls >= 2) {
                    responses.merge(ids[i], 1, Integer::sum);
                }
            }
        }
        long answered = 0;
        long repeated = 0;
        for (final Map.Entry<String, Integer> r : responses.entrySet()) {
            if (requests.containsKey(r.getKey())) {
                answered++;
                repeated += r.getValue() - 1;
            }
        }
        final long sent = requests.values().stream().mapToLong(Integer::longValue).sum();
        return new long[] {requests.size(), sent - requests.size(), answered, repeated};
    }

    static long[] ours(final Path file) throws Exception {
        final WebrtcTracker t = new WebrtcTracker();
        WebrtcDifferentialTest.run(file, new Tap() {
            @Override
            public void onEvent(final ProtocolEvent e) {
                if (!(e instanceof StunMessage m) || !m.relayed() && !m.classic()) {
                    t.onEvent(e);
                }
            }

            @Override
            public void onEnd() {
                t.onEnd();
            }
        });
        final long[] n = new long[4];
        for (final WebrtcSession s : t.sessions()) {
            n[0] += s.stunTransactions();
            n[1] += s.stunRetransmissions();
            n[2] += s.stunAnswered();
            n[3] += s.stunDuplicateResponses();
        }
        return n;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void transactionsEqualTshark(final String name) throws Exception {
        assumeTrue(Tshark.sameAsTruth(), "tshark " + Tshark.TRUTH_VERSION + "x is not installed");
        final Path file = SharedCaptures.file("webrtc/" + name);
        assertThat(ours(file)).as("transactions, resent requests, answered, repeated responses").containsExactly(tshark(file));
    }

    @Test
    void aResentCheckIsOneCheckAndItsLateErrorsAreKeptApart() throws Exception {
        // arkime__stun-ice-testcall.pcap frames 17, 31, 41: one Binding request sent three times by
        // 155.212.214.188:23130, answered with success (18), then 401 twice (32, 42)
        final WebrtcTracker t = new WebrtcTracker();
        WebrtcDifferentialTest.run(SharedCaptures.file("webrtc/arkime__stun-ice-testcall.pcap"), t);
        final WebrtcSession.Pair p = t.sessions().stream().flatMap(s -> s.pairs().stream())
            .filter(x -> x.local().toString().equals("155.212.214.188:23130") && x.remote().toString().equals("192.168.43.155:59977"))
            .findFirst().orElseThrow();
        assertThat(p.bindingRequests()).isEqualTo(1);
        assertThat(p.retransmissions()).isEqualTo(2);
        assertThat(p.bindingSuccesses()).isEqualTo(1);
        assertThat(p.bindingErrors()).isZero();
        assertThat(p.duplicateResponses()).isEqualTo(2);
        assertThat(p.repeatedErrorCodes()).containsExactly(Map.entry(401, 2));
        // the STUN server query of frames 3 and 4 (one request sent twice, answered twice in 5 and 6)
        final WebrtcSession server = t.sessions().get(0);
        assertThat(server.ufragPair()).isNull();
        assertThat(server.stunTransactions()).isEqualTo(3);
        assertThat(server.stunRetransmissions()).isEqualTo(1);
        assertThat(server.stunDuplicateResponses()).isEqualTo(1);
    }

    @Test
    void iceTcpChecksWithPaddedUsernamesStayOneSession() throws Exception {
        // ndpi__stun.pcap frames 3-14: ICE-TCP (RFC 6544) checks whose USERNAME length sometimes
        // counts the padding ("/pI0:ToEd" then "/pI0:ToEd\0\0\0"); each check is sent three times
        final WebrtcTracker t = new WebrtcTracker();
        WebrtcDifferentialTest.run(SharedCaptures.file("webrtc/ndpi__stun.pcap"), t);
        assertThat(t.sessions()).filteredOn(s -> s.ufragPair() != null && s.ufragPair().contains("pI0")).singleElement()
            .satisfies(s -> {
                assertThat(s.ufragPair()).isEqualTo("/pI0:ToEd");
                assertThat(s.pairs()).hasSize(2).allSatisfy(p -> {
                    assertThat(p.bindingRequests()).isEqualTo(1);
                    assertThat(p.retransmissions()).isEqualTo(2);
                    assertThat(p.bindingSuccesses()).isEqualTo(1);
                    assertThat(p.duplicateResponses()).isEqualTo(2);
                });
            });
    }
}
