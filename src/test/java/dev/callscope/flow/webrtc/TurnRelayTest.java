package dev.callscope.flow.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callscope.dissect.sdp.SdpDissector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two Chromium peers relayed through coturn (samples/webrtc-turn, recorded on the server's loopback,
 * so every packet shows three times: client to server, relayed address to relayed address, server to
 * the other client), against the recording's truth: the pages' getStats() and the TURN messages as
 * the recording's own parser, tshark and coturn's counters agree on them.
 */
class TurnRelayTest {
    private static final Path DIR = Path.of("samples/webrtc-turn");

    private static String ep(final String flowSide) {
        return flowSide.replaceFirst("^(udp|tcp) ", "");
    }

    /** Frames from and to TCP port {@code port} in which tshark found a STUN message or ChannelData. */
    private static long[] tsharkTcpFrames(final Path tsv, final int port) throws java.io.IOException {
        final List<String> lines = Files.readAllLines(tsv);
        final List<String> head = List.of(lines.get(0).split("\t", -1));
        final int src = head.indexOf("tcp.srcport");
        final int dst = head.indexOf("tcp.dstport");
        final int type = head.indexOf("stun.type");
        final int channel = head.indexOf("is_channeldata");
        final long[] n = new long[2];
        for (final String line : lines.subList(1, lines.size())) {
            final String[] f = line.split("\t", -1);
            if (f[type].isEmpty() && !f[channel].equals("1")) {
                continue;
            }
            if (f[src].equals(Integer.toString(port))) {
                n[0]++;
            } else if (f[dst].equals(Integer.toString(port))) {
                n[1]++;
            }
        }
        return n;
    }

    @ParameterizedTest
    @ValueSource(strings = {"webrtc-turn-relay", "webrtc-turn-tcp"})
    void relayedSessionIsCountedOncePerPairAndPacket(final String name) throws Exception {
        final JsonNode truth = new ObjectMapper().readTree(DIR.resolve(name + ".turn.truth.json").toFile()).path("summary");
        final WebrtcTracker t = new WebrtcTracker();
        t.addSdp(SdpDissector.parseText(Files.readAllBytes(DIR.resolve(name + ".offer.sdp"))), "offer");
        t.addSdp(SdpDissector.parseText(Files.readAllBytes(DIR.resolve(name + ".answer.sdp"))), "answer");
        WebrtcDifferentialTest.run(DIR.resolve(name + ".pcap"), t);

        // one ICE session; no session of its own for either allocation
        final List<WebrtcSession> ice = t.sessions().stream().filter(s -> s.ufragPair() != null).toList();
        assertThat(ice).hasSize(1);
        assertThat(t.sessions()).filteredOn(s -> s.ufragPair() == null).allSatisfy(s -> assertThat(s.allocations()).isEmpty());
        final WebrtcSession s = ice.get(0);

        // ICE pairs between the relayed candidates, with getStats' counts
        final JsonNode a = truth.path("peers").path("A");
        final JsonNode b = truth.path("peers").path("B");
        final String relayA = a.path("relayed_address").asText();
        final String relayB = b.path("relayed_address").asText();
        assertThat(s.pairs()).hasSize(2);
        for (final JsonNode peer : List.of(a, b)) {
            final String local = peer.path("relayed_address").asText();
            final WebrtcSession.Pair p = s.pairs().stream().filter(x -> x.local().toString().equals(local)).findFirst().orElseThrow();
            assertThat(p.remote().toString()).isEqualTo(local.equals(relayA) ? relayB : relayA);
            assertThat(p.relayed()).isTrue();
            assertThat(p.bindingRequests()).as("checks from %s", local).isEqualTo(peer.path("ice_checks_getstats").path("requestsSent").asInt());
            assertThat(p.bindingSuccesses()).isEqualTo(peer.path("ice_checks_getstats").path("responsesReceived").asInt());
            assertThat(p.retransmissions()).isEqualTo(peer.path("ice_checks_on_client_leg").path("request_retransmissions").asInt());
        }
        // A offers and controls: its checks nominate
        assertThat(s.nominated().local().toString()).isEqualTo(relayA);
        assertThat(List.of(s.dtls().client().toString(), s.dtls().server().toString())).containsExactlyInAnyOrder(relayA, relayB);

        // each allocation with what its client asked for, channels per allocation
        assertThat(s.allocations()).hasSize(truth.path("allocations").size());
        for (final JsonNode want : truth.path("allocations")) {
            final WebrtcSession.Allocation got = s.allocations().stream()
                .filter(x -> x.client().toString().equals(ep(want.path("client").asText()))).findFirst().orElseThrow();
            assertThat(got.server().toString()).isEqualTo("127.0.0.1:3478");
            assertThat(got.relayed().toString()).isEqualTo(want.path("relayed_address").asText());
            assertThat(got.lifetime()).isEqualTo(want.path("lifetime").asLong());
            assertThat(got.allocateRequests()).isEqualTo(want.path("allocate_requests").asInt());
            assertThat(got.errorCodes()).containsExactly(Map.entry(401, want.path("allocate_responses").path("error 401").asInt()));
            assertThat(got.released()).isTrue();
            assertThat(got.sendIndications()).isEqualTo(want.path("send_indications").asLong());
            assertThat(got.dataIndications()).isEqualTo(want.path("data_indications").asLong());
            for (final JsonNode bind : want.path("channel_bindings")) {
                final int ch = Integer.decode(bind.path("channel").asText());
                assertThat(got.channels().get(ch).toString()).isEqualTo(bind.path("peer").asText());
                final JsonNode n = want.path("channeldata").path(bind.path("channel").asText());
                assertThat(got.channelData().get(ch)).containsExactly(n.path("client->server").asLong(), n.path("server->client").asLong());
            }
            // the client's leg counts every frame that carried TURN, each way: one message per datagram
            // over UDP; over TCP a segment may carry several, so tshark's frames with STUN or ChannelData
            final WebrtcSession.Leg leg = s.legs().stream().filter(l -> l.allocation() == got).findFirst().orElseThrow();
            final boolean clientIsA = leg.flow().endpointA().equals(got.client());
            final long[] frames = name.endsWith("tcp") ? tsharkTcpFrames(DIR.resolve(name + ".tshark.tsv"), got.client().port())
                : new long[] {want.path("messages").path("client->server").asLong(), want.path("messages").path("server->client").asLong()};
            assertThat(clientIsA ? leg.framesAtoB() : leg.framesBtoA()).isEqualTo(frames[0]);
            assertThat(clientIsA ? leg.framesBtoA() : leg.framesAtoB()).isEqualTo(frames[1]);
        }
        assertThat(s.legs()).filteredOn(l -> l.allocation() == null).singleElement()
            .satisfies(l -> assertThat(List.of(l.flow().endpointA().toString(), l.flow().endpointB().toString()))
                .containsExactlyInAnyOrder(relayA, relayB));

        // every RTP packet once, between the relayed addresses; RTX as repair of its media SSRC
        final Iterator<Map.Entry<String, JsonNode>> it = truth.path("ssrcs").fields();
        int streams = 0;
        while (it.hasNext()) {
            final Map.Entry<String, JsonNode> e = it.next();
            final long ssrc = Long.parseLong(e.getKey());
            final JsonNode want = e.getValue();
            final String from = want.path("sender").asText().equals("A") ? relayA : relayB;
            final WebrtcSession.SrtpStream st = s.srtpStreams().stream().filter(x -> !x.rtcp() && x.ssrc() == ssrc).findFirst().orElseThrow();
            assertThat(st.src().toString()).isEqualTo(from);
            assertThat(st.packets()).as("SSRC %d", ssrc).isEqualTo(want.path("rtp_on_wire").path("sender->server (ChannelData)").asLong());
            if (want.path("role").asText().equals("rtx")) {
                assertThat(st.repairKind()).isEqualTo("rtx");
                assertThat(st.repairOf()).isEqualTo(want.path("media_ssrc").asLong());
            } else {
                assertThat(st.repairKind()).isNull();
            }
            streams++;
        }
        assertThat(s.srtpStreams().stream().filter(x -> !x.rtcp()).count()).isEqualTo(streams);
        assertThat(s.mediaCopies()).isPositive();
    }
}
