package dev.callscope.dissect.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.dissect.Severity;
import dev.callscope.dissect.sdp.SdpBody.Media;
import dev.callscope.dissect.sdp.SdpFakes.Run;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded mutations of real SDP bodies (truncation, bit flips, byte insertions, random and repeated
 * lines): no exception escapes the session, exactly one event comes out, every list stays within
 * the caps, and the output is the same for the same seed. The seed is in every assertion message.
 */
class SdpFuzzTest {
    private static final List<byte[]> CORPUS = List.of(
        bytes(SdpParserTest.RFC8866),
        bytes(SdpParserTest.WEBRTC),
        bytes("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1/127/2\r\nt=0 0\r\n"
            + "m=audio 49170/2 RTP/SAVP 0 8 101\r\na=rtcp:49200 IN IP4 10.0.0.2\r\n"
            + "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32\r\n"
            + "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\n"
            + "m=image 4000 udptl t38\r\nc=IN IP6 2001:db8::7\r\na=T38FaxVersion:0\r\n"));

    private static final String[] RANDOM_LINES = {
        "a=rtpmap:", "a=rtpmap:96 x/", "a=candidate:", "a=candidate:1 1 udp 1 1.2.3.4 99999 typ host",
        "m=", "m=audio", "m=audio 1/0 RTP/AVP", "c=IN IP6 ::ffff:1.2.3.4", "c=IN IP4 ", "a=rtcp:1 IN IP6 ::1",
        "a=fingerprint:", "a=setup:", "a=crypto:1", "a=fmtp:1", "a=ptime:.", "a=maxptime:99999999999",
        "o=", "v=", "a=rtcp-mux", "a=sendonly", "\u0000=\u00ff", "a=:", "c=IN IP4 999.1.1.1", "m=video 0 RTP/AVP 96"};

    static LongStream seeds() {
        return LongStream.range(0, 300);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void mutatedBodiesNeverThrowAndStayBounded(final long seed) {
        final byte[] input = mutate(new Random(seed));
        final Run first;
        try {
            first = SdpFakes.run(input, 1);
        } catch (RuntimeException e) {
            throw new AssertionError("seed " + seed + " threw", e);
        }
        final SdpBody b = first.body();
        assertThat(b.media().size()).as("seed %d", seed).isLessThanOrEqualTo(SdpDissector.MAX_MEDIA);
        assertThat(b.attributes().size()).as("seed %d", seed).isLessThanOrEqualTo(SdpDissector.MAX_ATTRIBUTES);
        for (final Media m : b.media()) {
            assertThat(m.formats().size()).as("seed %d", seed).isLessThanOrEqualTo(SdpDissector.MAX_FORMATS);
            assertThat(m.candidates().size()).as("seed %d", seed).isLessThanOrEqualTo(SdpDissector.MAX_CANDIDATES);
            assertThat(m.attributes().size() + m.rtpMaps().size() + m.fmtp().size() + m.crypto().size())
                .as("seed %d", seed).isLessThanOrEqualTo(SdpDissector.MAX_ATTRIBUTES);
            assertThat(m.summary()).as("seed %d", seed).isNotNull();
        }
        assertThat(b.summary()).as("seed %d", seed).isNotNull();
        assertThat(first.expected().size()).as("seed %d", seed)
            .isLessThanOrEqualTo(b.media().size() * 2 * SdpDissector.MAX_PORT_COUNT);
        assertThat(first.sink().anomalies).as("seed %d", seed)
            .allSatisfy(a -> assertThat(a.code()).startsWith("sdp.").doesNotContain("dissector_bug"));
        // deterministic
        final Run again = SdpFakes.run(input, 1);
        assertThat(again.body()).as("seed %d", seed).isEqualTo(b);
        assertThat(again.sink().anomalies).as("seed %d", seed).isEqualTo(first.sink().anomalies);
        assertThat(again.expected()).as("seed %d", seed).isEqualTo(first.expected());
    }

    @Test
    void capsAreEnforcedWithOneAnomalyEach() {
        final StringBuilder sb = new StringBuilder("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n");
        for (int i = 0; i < 300; i++) {
            sb.append("a=x-session-").append(i).append("\r\n");
        }
        sb.append("m=audio 4000 RTP/AVP");
        for (int i = 0; i < 200; i++) {
            sb.append(' ').append(i % 128);
        }
        sb.append("\r\n");
        for (int i = 0; i < 100; i++) {
            sb.append("a=candidate:").append(i).append(" 1 udp 1 10.0.0.1 ").append(5000 + i).append(" typ host\r\n");
        }
        sb.append("a=").append("z".repeat(SdpDissector.MAX_LINE_LENGTH + 1)).append("\r\n");
        for (int i = 0; i < 100; i++) {
            sb.append("m=audio ").append(6000 + 2 * i).append(" RTP/AVP 0\r\n");
        }
        for (int i = 0; i < SdpDissector.MAX_LINES; i++) {
            sb.append("a=filler\r\n");
        }
        final Run r = SdpFakes.run(sb.toString(), 1);
        assertThat(r.codes()).containsExactly("sdp.too_many_attributes", "sdp.too_many_formats", "sdp.too_many_candidates",
            "sdp.line_too_long", "sdp.too_many_media", "sdp.too_many_attributes", "sdp.too_many_lines");
        assertThat(r.sink().anomalies).allSatisfy(a -> assertThat(a.severity()).isEqualTo(Severity.WARN));
        assertThat(r.body().attributes()).hasSize(SdpDissector.MAX_ATTRIBUTES);
        assertThat(r.body().media()).hasSize(SdpDissector.MAX_MEDIA);
        assertThat(r.body().media().get(0).formats()).hasSize(SdpDissector.MAX_FORMATS);
        assertThat(r.body().media().get(0).candidates()).hasSize(SdpDissector.MAX_CANDIDATES);
        // one RTP and one RTCP flow per kept m= line
        assertThat(r.expected()).hasSize(2 * SdpDissector.MAX_MEDIA);
    }

    private static byte[] mutate(final Random rnd) {
        byte[] b = CORPUS.get(rnd.nextInt(CORPUS.size())).clone();
        final int ops = 1 + rnd.nextInt(6);
        for (int op = 0; op < ops; op++) {
            switch (rnd.nextInt(6)) {
                case 0 -> b = Arrays.copyOf(b, b.length == 0 ? 0 : rnd.nextInt(b.length + 1)); // truncate
                case 1 -> { // bit flips
                    for (int i = 0, n = 1 + rnd.nextInt(8); i < n && b.length > 0; i++) {
                        b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                    }
                }
                case 2 -> { // random bytes inserted
                    final int at = b.length == 0 ? 0 : rnd.nextInt(b.length);
                    final byte[] junk = new byte[1 + rnd.nextInt(16)];
                    rnd.nextBytes(junk);
                    b = splice(b, at, junk);
                }
                case 3 -> { // a random SDP-ish line
                    final int at = lineStart(b, rnd);
                    final String line = RANDOM_LINES[rnd.nextInt(RANDOM_LINES.length)] + (rnd.nextBoolean() ? "\r\n" : "\n");
                    b = splice(b, at, line.getBytes(StandardCharsets.ISO_8859_1));
                }
                case 4 -> { // a line repeated many times (caps)
                    final int at = lineStart(b, rnd);
                    final String line = RANDOM_LINES[rnd.nextInt(RANDOM_LINES.length)] + " " + rnd.nextInt(100) + "\r\n";
                    final ByteArrayOutputStream rep = new ByteArrayOutputStream();
                    final int n = 50 + rnd.nextInt(3000);
                    for (int i = 0; i < n; i++) {
                        rep.writeBytes(line.getBytes(StandardCharsets.ISO_8859_1));
                    }
                    b = splice(b, at, rep.toByteArray());
                }
                default -> { // line ends stripped to LF, or CR alone
                    final String s = new String(b, StandardCharsets.ISO_8859_1);
                    b = (rnd.nextBoolean() ? s.replace("\r\n", "\n") : s.replace("\r\n", "\r"))
                        .getBytes(StandardCharsets.ISO_8859_1);
                }
            }
        }
        return b;
    }

    private static int lineStart(final byte[] b, final Random rnd) {
        if (b.length == 0) {
            return 0;
        }
        int at = rnd.nextInt(b.length);
        while (at > 0 && b[at - 1] != '\n') {
            at--;
        }
        return at;
    }

    private static byte[] splice(final byte[] b, final int at, final byte[] insert) {
        final byte[] out = new byte[b.length + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at, out, at + insert.length, b.length - at);
        return out;
    }

    private static byte[] bytes(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
