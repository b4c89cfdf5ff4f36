package dev.callscope.dissect;

import static org.assertj.core.api.Assertions.assertThat;

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

class StreamFramerTest {
    /** A Dubbo-like framing: 16-byte header, magic 0xdabb, 4-byte body length at 12. */
    private static StreamFramer dubboLike(final int max) {
        return StreamFramer.lengthPrefixed("test", 16, 12, 4, 0, max,
            (p, n) -> (n < 1 || p.u8(0) == 0xda) && (n < 2 || p.u8(1) == 0xbb));
    }

    private static byte[] frame(final int id, final int bodyLen) {
        final byte[] f = new byte[16 + bodyLen];
        f[0] = (byte) 0xda;
        f[1] = (byte) 0xbb;
        f[2] = (byte) 0xc2;
        f[11] = (byte) id;
        f[12] = (byte) (bodyLen >>> 24);
        f[13] = (byte) (bodyLen >>> 16);
        f[14] = (byte) (bodyLen >>> 8);
        f[15] = (byte) bodyLen;
        for (int i = 0; i < bodyLen; i++) {
            f[16 + i] = (byte) (id + i);
        }
        return f;
    }

    private static byte[] concat(final byte[]... parts) {
        final ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (final byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    /** Collects PDUs and anomalies. */
    private static final class Collector implements EventSink {
        final List<byte[]> pdus = new ArrayList<>();
        final List<Anomaly> anomalies = new ArrayList<>();

        @Override
        public void emit(final ProtocolEvent event) {
        }

        @Override
        public void anomaly(final Anomaly a) {
            anomalies.add(a);
        }

        @Override
        public void confirm() {
        }
    }

    private static final PacketContext CTX = new PacketContext().set(1, 0, new FlowKey(), Direction.A_TO_B, Transport.TCP, false);

    /** Feeds {@code stream} in chunks of the given sizes the way the engine does (keeping unconsumed bytes). */
    private static Collector feed(final StreamFramer framer, final byte[] stream, final int[] cuts) {
        final Collector c = new Collector();
        byte[] pending = new byte[0];
        int pos = 0;
        for (int i = 0; i <= cuts.length; i++) {
            final int end = i < cuts.length ? cuts[i] : stream.length;
            if (end <= pos) {
                continue;
            }
            pending = concat(pending, Arrays.copyOfRange(stream, pos, end));
            pos = end;
            int used;
            do {
                used = framer.feed(new Payload(pending, 0, pending.length), CTX, c, (pdu, ctx, out) ->
                    c.pdus.add(pdu.bytes(0, pdu.length())));
                assertThat(used).isBetween(0, pending.length);
                pending = Arrays.copyOfRange(pending, used, pending.length);
            } while (used > 0 && pending.length > 0);
        }
        return c;
    }

    private static final byte[] STREAM = concat(frame(1, 0), frame(2, 5), frame(3, 300), frame(4, 1), frame(5, 0));

    @Test
    void stickyFramesInOneChunkAllComeOut() {
        final Collector c = feed(dubboLike(1 << 20), STREAM, new int[0]);
        assertThat(c.pdus).hasSize(5);
        assertThat(c.pdus.get(2)).isEqualTo(frame(3, 300));
        assertThat(c.anomalies).isEmpty();
    }

    @Test
    void everySplitOffsetGivesTheSameFrames() {
        final List<byte[]> whole = feed(dubboLike(1 << 20), STREAM, new int[0]).pdus;
        for (int cut = 1; cut < STREAM.length; cut++) {
            final Collector c = feed(dubboLike(1 << 20), STREAM, new int[] {cut});
            assertThat(c.pdus).as("split at %d", cut).usingElementComparator(Arrays::compare).containsExactlyElementsOf(whole);
        }
    }

    @Test
    void oneByteAtATimeGivesTheSameFrames() {
        final int[] cuts = new int[STREAM.length - 1];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        final Collector c = feed(dubboLike(1 << 20), STREAM, cuts);
        assertThat(c.pdus).hasSize(5);
        assertThat(c.pdus.get(1)).isEqualTo(frame(2, 5));
    }

    @Test
    void garbageBeforeAValidFrameIsSkippedWithOneAnomaly() {
        final byte[] s = concat("garbage!! \u00da more".getBytes(StandardCharsets.ISO_8859_1), frame(7, 3), frame(8, 0));
        final Collector c = feed(dubboLike(1 << 20), s, new int[0]);
        assertThat(c.pdus).usingElementComparator(Arrays::compare).containsExactly(frame(7, 3), frame(8, 0));
        assertThat(c.anomalies).extracting(Anomaly::code).containsExactly("test.resync");
    }

    @Test
    void hugeLengthIsDiscardedWithoutAllocatingAndTheNextFrameDecodes() {
        // a 2 GiB body length: one anomaly, its bytes discarded as they come, never buffered
        final byte[] huge = frame(9, 0);
        huge[12] = (byte) 0x80;
        final byte[] body = new byte[100];
        final StreamFramer f = dubboLike(8 << 20);
        final Collector c = feed(f, concat(huge, body), new int[] {16});
        assertThat(c.anomalies).extracting(Anomaly::code).containsExactly("test.pdu_too_large");
        assertThat(f.discarding()).isTrue();
        assertThat(f.discardedBytes()).as("header and body so far").isEqualTo(116);
        assertThat(c.pdus).isEmpty();
    }

    @Test
    void tooLongFrameThenValidFrameRecovers() {
        final byte[] big = frame(1, 200);
        final Collector c = feed(dubboLike(100), concat(big, frame(2, 4)), new int[] {50, 120});
        assertThat(c.anomalies).extracting(Anomaly::code).containsExactly("test.pdu_too_large");
        assertThat(c.pdus).usingElementComparator(Arrays::compare).containsExactly(frame(2, 4));
    }

    @Test
    void textFramingUsesContentLength() {
        final String m1 = "OPTIONS sip:a SIP/2.0\r\nContent-Length: 4\r\n\r\nbody";
        final String m2 = "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n";
        final StreamFramer f = StreamFramer.textDelimited("sip", 65536, (p, hdr) -> {
            final String h = p.latin1(0, hdr);
            final int i = h.indexOf("Content-Length:");
            return i < 0 ? 0 : Long.parseLong(h.substring(i + 15, h.indexOf('\r', i)).trim());
        });
        final byte[] s = (m1 + m2).getBytes(StandardCharsets.ISO_8859_1);
        for (int cut = 1; cut < s.length; cut++) {
            final Collector c = feed(f, s, new int[] {cut});
            assertThat(c.pdus).as("cut %d", cut).extracting(b -> new String(b, StandardCharsets.ISO_8859_1)).containsExactly(m1, m2);
        }
    }

    @Test
    void junkLinesBeforeAHeaderBlockAreSkippedToTheNextMessage() {
        // resynchronising through junk lines looks for the end of the header block once, not per offset
        final String m1 = "OPTIONS sip:a SIP/2.0\r\nContent-Length: 0\r\n\r\n";
        final String m2 = "SIP/2.0 200 OK\r\nContent-Length: 2\r\n\r\nok";
        final StringBuilder junk = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            junk.append("junk line ").append(i).append("\r\n");
        }
        final StreamFramer f = StreamFramer.textDelimited("sip", 1 << 20, (p, hdr) -> {
            final String h = p.latin1(0, hdr);
            if (!h.startsWith("OPTIONS ") && !h.startsWith("SIP/2.0 ")) {
                return -1;
            }
            final int i = h.indexOf("Content-Length:");
            return i < 0 ? 0 : Long.parseLong(h.substring(i + 15, h.indexOf('\r', i)).trim());
        });
        final byte[] s = (m1 + junk + "\r\n" + m2 + m1).getBytes(StandardCharsets.ISO_8859_1);
        for (final int[] cuts : new int[][] {{}, {s.length / 3}, {1000, 20000, 40000, s.length - 10}}) {
            final Collector c = feed(f, s, cuts);
            assertThat(c.pdus).as("cuts %s", Arrays.toString(cuts)).extracting(b -> new String(b, StandardCharsets.ISO_8859_1))
                .containsExactly(m1, m2, m1);
            assertThat(c.anomalies).extracting(Anomaly::code).containsOnly("sip.resync");
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1234567})
    void randomBytesNeverBreakTheFramer(final long seed) {
        final Random r = new Random(seed);
        for (int round = 0; round < 200; round++) {
            final byte[] s = new byte[r.nextInt(400)];
            r.nextBytes(s);
            if (s.length > 20 && r.nextBoolean()) {
                System.arraycopy(frame(1, 4), 0, s, r.nextInt(s.length - 20), 20);
            }
            final int[] cuts = r.ints(r.nextInt(6), 0, Math.max(1, s.length)).sorted().toArray();
            final StreamFramer f = dubboLike(1000);
            final Collector c = feed(f, s, cuts);
            assertThat(c.pdus).as("seed %d round %d", seed, round).allSatisfy(p -> assertThat(p.length).isLessThanOrEqualTo(1000));
        }
    }
}
