package dev.callscope.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.api.Capture;
import dev.callscope.flow.rtp.RtpStream;
import dev.callscope.flow.sip.CallState;
import dev.callscope.flow.sip.SipCall;
import dev.callscope.verify.Evidence;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generator's capture, read back through the library: every call and stream where {@link SyntheticCalls#call} says. */
class SyntheticCallsTest {
    private static final SyntheticCalls.Config SMALL = new SyntheticCalls.Config(30, 100, 400, 7);

    @Test
    void everyCallAndStreamIsWhereTheApiSays(@TempDir final Path dir) throws IOException {
        final Path f = dir.resolve("calls.pcap");
        final SyntheticCalls.Summary s = SyntheticCalls.write(f, SMALL);
        assertThat(s.packets()).isEqualTo(SMALL.packets()).isEqualTo(30L * (7 + 2 * 20));
        assertThat(s.sipMessages()).isEqualTo(30L * 7);
        assertThat(Files.size(f)).isEqualTo(s.bytes());

        final Evidence e = Capture.read(f);
        assertThat(e.calls()).hasSize(SMALL.calls());
        assertThat(e.streams()).hasSize(2 * SMALL.calls());
        final Map<String, SipCall> calls = new HashMap<>();
        e.calls().forEach(c -> calls.put(c.callId(), c));
        final Map<Long, RtpStream> streams = new HashMap<>();
        e.streams().forEach(r -> streams.put(r.ssrc(), r));
        for (int i = 0; i < SMALL.calls(); i++) {
            final SyntheticCalls.Call c = SyntheticCalls.call(SMALL, i);
            final SipCall sip = calls.get(c.callId());
            assertThat(sip).as("call %d", i).isNotNull();
            assertThat(sip.entries()).hasSize(SyntheticCalls.SIP_PER_CALL);
            assertThat(sip.state()).isEqualTo(CallState.COMPLETED);
            assertThat(sip.startNanos()).isEqualTo(c.startMicros() * 1000);
            final RtpStream out = streams.get(c.callerSsrc());
            final RtpStream back = streams.get(c.calleeSsrc());
            assertThat(out.src().toString()).isEqualTo(c.callerMedia().toString());
            assertThat(out.dst().toString()).isEqualTo(c.calleeMedia().toString());
            assertThat(back.src().toString()).isEqualTo(c.calleeMedia().toString());
            assertThat(back.dst().toString()).isEqualTo(c.callerMedia().toString());
            for (final RtpStream r : new RtpStream[] {out, back}) {
                assertThat(r.packets()).isEqualTo(SMALL.rtpPerDirection());
                assertThat(r.lost()).isZero();
            }
        }
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherIds() throws IOException {
        final ByteArrayOutputStream a = new ByteArrayOutputStream();
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        SyntheticCalls.write(a, SMALL);
        SyntheticCalls.write(b, SMALL);
        assertThat(a.toByteArray()).isEqualTo(b.toByteArray());
        final SyntheticCalls.Config other = new SyntheticCalls.Config(30, 100, 400, 8);
        assertThat(SyntheticCalls.call(other, 3).callId()).isNotEqualTo(SyntheticCalls.call(SMALL, 3).callId());
        assertThat(SyntheticCalls.call(other, 3).callerMedia()).isEqualTo(SyntheticCalls.call(SMALL, 3).callerMedia());
    }

    @Test
    void mediaAddressesAreDistinctAndInLoopback() {
        final SyntheticCalls.Config big = SyntheticCalls.Config.preset("200k");
        final Set<String> seen = new HashSet<>();
        for (final int i : new int[] {0, 1, 249, 250, 62_499, 62_500, 199_999}) {
            final SyntheticCalls.Call c = SyntheticCalls.call(big, i);
            assertThat(c.callerMedia().ip()).startsWith("127.");
            assertThat(c.calleeMedia().ip()).startsWith("127.");
            assertThat(seen.add(c.callerMedia().toString())).isTrue();
            assertThat(seen.add(c.calleeMedia().toString())).isTrue();
            assertThat(c.callerSsrc()).isNotEqualTo(c.calleeSsrc());
        }
    }
}
