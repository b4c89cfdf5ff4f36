package dev.callscope.dissect.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.dissect.DissectorSession;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.Transport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded mutations (truncation, bit flips, inflated lengths and counts, random bytes) of RTP and
 * RTCP packets through both dissectors' accept and sessions (UDP and TCP): nothing escapes, and
 * the same seed gives the same events.
 */
class RtpFuzzTest {
    private static final byte[][] SEEDS = {
        RtpFakes.rtp(0, false, 1, 160, 5, new byte[160]), RtpFakes.rtp(101, true, 7, 8000, 5, new byte[] {5, (byte) 0x8A, 3, 32}),
        RtpFakes.compound(), RtpFakes.xrVoip()};

    static byte[] mutate(final byte[] seed, final Random r) {
        byte[] b = seed.clone();
        switch (r.nextInt(5)) {
            case 0 -> b = Arrays.copyOf(b, r.nextInt(b.length + 1));
            case 1 -> {
                for (int i = 0, n = 1 + r.nextInt(8); i < n; i++) {
                    b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 2 -> {
                final int at = r.nextInt(Math.max(1, b.length - 1));
                b[at] = (byte) 0xFF;
                if (at + 1 < b.length) {
                    b[at + 1] = (byte) 0xFF;
                }
            }
            case 3 -> b[0] = (byte) (0x80 | r.nextInt(64)); // random CC, X and P bits / RTCP counts
            default -> {
                b = new byte[r.nextInt(80)];
                r.nextBytes(b);
            }
        }
        return b;
    }

    private static List<String> run(final long seed) {
        final Random r = new Random(seed);
        final RtpDissector rtp = new RtpDissector();
        rtp.configure(Map.of(RtpDissector.PREF_HEURISTIC, "true", RtpDissector.PREF_KEEP_PAYLOAD, "true"));
        final RtcpDissector rtcp = new RtcpDissector();
        final var udp = RtpFakes.flow(4001, 5001, 17);
        final var tcp = RtpFakes.flow(4001, 5001, 6);
        final DissectorSession rs = rtp.open(new RtpFakes.Conversation(udp));
        final DissectorSession cs = rtcp.open(new RtpFakes.Conversation(udp));
        final DissectorSession ts = rtp.open(new RtpFakes.Conversation(tcp));
        final RtpFakes.Sink sink = new RtpFakes.Sink();
        for (int i = 0; i < 2000; i++) {
            final byte[] b = mutate(SEEDS[r.nextInt(SEEDS.length)], r);
            final Payload p = Payload.of(b);
            rtp.accept(p, RtpFakes.ctx(udp, i, Transport.UDP));
            rtcp.accept(p, RtpFakes.ctx(udp, i, Transport.UDP));
            rs.onDatagram(p, RtpFakes.ctx(udp, i, Transport.UDP), sink);
            cs.onDatagram(p, RtpFakes.ctx(udp, i, Transport.UDP), sink);
            final int n = ts.onStream(p, RtpFakes.ctx(tcp, i, Transport.TCP), sink);
            assertThat(n).isBetween(0, b.length);
        }
        final List<String> out = new ArrayList<>();
        sink.events.forEach(e -> out.add(e.getClass().getSimpleName() + e.frame()));
        sink.anomalies.forEach(a -> out.add(a.code() + a.frame()));
        return out;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 4733, 3550})
    void noExceptionEscapesAndSeedsAreDeterministic(final long seed) {
        final List<String> first = run(seed);
        assertThat(run(seed)).as("seed %d", seed).isEqualTo(first);
        assertThat(first).isNotEmpty();
    }
}
