package dev.callscope.dissect.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.callscope.dissect.DissectorSession;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded mutations (truncation, bit flips, inflated lengths) of STUN and DTLS datagrams through
 * a WebRTC session: no exception escapes, and the same seed gives the same events.
 */
class WebrtcFuzzTest {
    /** A DTLS 1.2 ClientHello (use_srtp, supported_groups) in two fragments, then a CCS and an alert. */
    static byte[] dtls() {
        final byte[] body = WebrtcFakes.hex("fefd" + "11".repeat(32) + "00" + "00" + "0004c02bc02f" + "0100"
            + "0012" + "000e00050002000100" + "000a0006000400170018" + "");
        final StringBuilder h = new StringBuilder();
        final int half = body.length / 2;
        h.append(record(22, handshake(1, body.length, 0, 0, java.util.Arrays.copyOfRange(body, 0, half))));
        h.append(record(22, handshake(1, body.length, 0, half, java.util.Arrays.copyOfRange(body, half, body.length))));
        h.append(record(20, "01"));
        h.append(record(21, "0228"));
        return WebrtcFakes.hex(h.toString());
    }

    private static String handshake(final int type, final int len, final int seq, final int off, final byte[] frag) {
        return String.format("%02x%06x%04x%06x%06x", type, len, seq, off, frag.length) + java.util.HexFormat.of().formatHex(frag);
    }

    private static String record(final int type, final String hex) {
        return String.format("%02xfefd000000000000000%01x%04x", type, 0, hex.length() / 2) + hex;
    }

    static String run(final long seed) {
        final Random r = new Random(seed);
        final byte[][] seeds = {WebrtcFakes.hex(StunRfc5769Test.REQUEST), WebrtcFakes.hex(StunRfc5769Test.IPV4_RESPONSE),
            WebrtcFakes.hex(StunRfc5769Test.IPV6_RESPONSE), dtls(),
            WebrtcFakes.hex("4000 0008 16fefd0000000000")};
        final PacketContext ctx = WebrtcFakes.udp(1);
        final DissectorSession s = new WebrtcDissector().open(WebrtcFakes.conversation(ctx));
        final WebrtcFakes.Sink sink = new WebrtcFakes.Sink();
        for (int i = 0; i < 400; i++) {
            final byte[] b = seeds[r.nextInt(seeds.length)].clone();
            switch (r.nextInt(4)) {
                case 0 -> b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[Math.min(b.length - 1, 2 + r.nextInt(4))] = (byte) 0xFF;
                case 2 -> {
                    for (int k = 0; k < 5; k++) {
                        b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                    }
                }
                default -> {
                }
            }
            final int len = r.nextInt(4) == 0 ? r.nextInt(b.length + 1) : b.length;
            s.onDatagram(new Payload(b, 0, len), ctx, sink);
        }
        return sink.events.size() + " " + sink.anomalies.size() + " " + sink.events.hashCode();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 1234, 99991})
    void noExceptionAndDeterministic(final long seed) {
        assertThatCode(() -> run(seed)).as("seed %d", seed).doesNotThrowAnyException();
        assertThat(run(seed)).as("seed %d", seed).isEqualTo(run(seed));
    }

    @org.junit.jupiter.api.Test
    void fragmentedClientHelloIsReassembled() {
        final PacketContext ctx = WebrtcFakes.udp(1);
        final WebrtcFakes.Sink sink = new WebrtcFakes.Sink();
        final byte[] d = dtls();
        new WebrtcDissector().open(WebrtcFakes.conversation(ctx)).onDatagram(Payload.of(d), ctx, sink);
        assertThat(sink.of(DtlsRecord.class)).extracting(DtlsRecord::contentType).containsExactly(22, 22, 20, 21);
        final DtlsHandshake ch = sink.of(DtlsHandshake.class).get(0);
        assertThat(ch.typeName()).isEqualTo("ClientHello");
        assertThat(ch.fragments()).isEqualTo(2);
        assertThat(ch.srtpProfiles()).containsExactly(1);
        assertThat(ch.cipherSuites()).containsExactly(0xC02B, 0xC02F);
        assertThat(sink.of(DtlsAlert.class).get(0).summary()).isEqualTo("fatal handshake_failure");
    }
}
