package dev.callscope.dissect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.callscope.core.Direction;
import dev.callscope.core.FlowKey;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shared RFC 6455 frame decoder: masking, fragments, control frames, limits, malformed input. */
class WebSocketFramesTest {
    static final class Sink implements EventSink {
        final List<Anomaly> anomalies = new ArrayList<>();

        @Override
        public void emit(final ProtocolEvent event) {
        }

        @Override
        public void anomaly(final Anomaly anomaly) {
            anomalies.add(anomaly);
        }

        @Override
        public void confirm() {
        }
    }

    static PacketContext ctx() {
        final FlowKey k = new FlowKey();
        k.set(6, new byte[] {10, 0, 0, 1}, 40000, new byte[] {10, 0, 0, 2}, 80, 4);
        return new PacketContext().set(1, 1_000_000L, k, Direction.A_TO_B, Transport.TCP, false);
    }

    static byte[] frame(final byte[] data, final boolean mask, final boolean fin, final int opcode, final boolean rsv1,
                        final boolean force64) {
        final ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode);
        final int m = mask ? 0x80 : 0;
        if (force64 || data.length >= 65536) {
            o.write(m | 127);
            for (int i = 7; i >= 0; i--) {
                o.write((int) ((long) data.length >>> (8 * i)) & 0xFF);
            }
        } else if (data.length >= 126) {
            o.write(m | 126);
            o.write(data.length >>> 8);
            o.write(data.length & 0xFF);
        } else {
            o.write(m | data.length);
        }
        final byte[] d = data.clone();
        if (mask) {
            final byte[] key = {(byte) 0x9a, 0x01, (byte) 0xf0, 0x55};
            o.writeBytes(key);
            for (int i = 0; i < d.length; i++) {
                d[i] ^= key[i & 3];
            }
        }
        o.writeBytes(d);
        return o.toByteArray();
    }

    static byte[] frame(final String text, final boolean mask, final boolean fin, final int opcode) {
        return frame(text.getBytes(StandardCharsets.UTF_8), mask, fin, opcode, false, false);
    }

    static byte[] cat(final byte[]... parts) {
        final ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (final byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    /** Feeds {@code stream} in pieces of {@code chunk} bytes as the engine would (unconsumed bytes kept). */
    static List<String> decode(final WebSocketFrames f, final byte[] stream, final int chunk, final Sink sink) {
        final List<String> out = new ArrayList<>();
        byte[] buffered = new byte[0];
        for (int at = 0; at < stream.length; at += chunk) {
            buffered = cat(buffered, Arrays.copyOfRange(stream, at, Math.min(stream.length, at + chunk)));
            int used;
            do {
                used = f.feed(Payload.of(buffered), ctx(), sink, (op, compressed, msg, c, o) ->
                    out.add(op + (compressed ? "z" : "") + ":" + msg.utf8(0, msg.length())));
                buffered = Arrays.copyOfRange(buffered, used, buffered.length);
            } while (used > 0 && buffered.length > 0);
        }
        return out;
    }

    @Test
    void maskedUnmaskedFragmentedAndControlFramesBetween() {
        final String big = "x".repeat(300);
        final byte[] stream = cat(frame("{\"a\":1}", true, true, 1), frame("bin", false, true, 2),
            frame("hel", true, false, 1), frame("", false, true, 9), frame("lo ", false, false, 0), frame("", true, true, 10),
            frame("world", true, true, 0), frame(big, false, true, 1),
            frame("long".getBytes(StandardCharsets.US_ASCII), true, true, 1, false, true),
            frame("z".getBytes(StandardCharsets.US_ASCII), false, true, 1, true, false), frame("", false, true, 8));
        for (final int chunk : new int[] {1, 2, 3, 7, 64, stream.length}) {
            final Sink sink = new Sink();
            final WebSocketFrames f = new WebSocketFrames(1024);
            assertThat(decode(f, stream, chunk, sink)).as("chunk %d", chunk)
                .containsExactly("1:{\"a\":1}", "2:bin", "1:hello world", "1:" + big, "1:long", "1z:z");
            assertThat(sink.anomalies).isEmpty();
            assertThat(f.messages()).isEqualTo(6);
        }
    }

    @Test
    void framesAndMessagesOverTheLimitAreDropped() {
        final Sink sink = new Sink();
        final WebSocketFrames f = new WebSocketFrames(16);
        // fragments adding up over the limit, then a good message
        final byte[] s1 = cat(frame("0123456789", true, false, 1), frame("0123456789", true, true, 0), frame("ok", true, true, 1));
        assertThat(decode(f, s1, s1.length, sink)).containsExactly("1:ok");
        assertThat(sink.anomalies).extracting(Anomaly::code).containsExactly("websocket.message_too_large");
        // one frame over the limit: what is buffered is dropped
        final byte[] s2 = frame("x".repeat(40), false, true, 1);
        assertThat(decode(f, s2, s2.length, sink)).isEmpty();
        assertThat(sink.anomalies).extracting(Anomaly::code).endsWith("websocket.frame_too_large");
        // a 64-bit length with the top bit set is negative: rejected, not allocated
        final byte[] s3 = {(byte) 0x81, 127, (byte) 0x80, 0, 0, 0, 0, 0, 0, 1, 'a'};
        assertThat(decode(f, s3, s3.length, sink)).isEmpty();
        assertThat(sink.anomalies).extracting(Anomaly::code).endsWith("websocket.frame_too_large");
    }

    @Test
    void reservedOpcodesAreReported() {
        final Sink sink = new Sink();
        final byte[] s = cat(frame("?", false, true, 3), frame("ok", false, true, 1));
        assertThat(decode(new WebSocketFrames(64), s, s.length, sink)).containsExactly("1:ok");
        assertThat(sink.anomalies).extracting(Anomaly::code).containsExactly("websocket.bad_opcode");
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 1234, 99991})
    void mutatedStreamsNeverThrow(final long seed) {
        final Random r = new Random(seed);
        final byte[] base = cat(frame("{\"type\":\"offer\",\"sdp\":\"v=0\\r\\n\"}", true, true, 1), frame("ab", false, false, 1),
            frame("", false, true, 9), frame("cd", true, true, 0), frame("y".repeat(200), true, true, 2));
        for (int i = 0; i < 300; i++) {
            final byte[] m = base.clone();
            for (int k = r.nextInt(6); k > 0; k--) {
                m[r.nextInt(m.length)] = (byte) r.nextInt(256);
            }
            final byte[] cut = Arrays.copyOf(m, 1 + r.nextInt(m.length));
            final int chunk = 1 + r.nextInt(40);
            assertThatCode(() -> decode(new WebSocketFrames(128), cut, chunk, new Sink())).as("seed %d run %d", seed, i)
                .doesNotThrowAnyException();
        }
    }
}
