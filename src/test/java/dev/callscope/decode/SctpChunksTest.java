package dev.callscope.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SctpChunksTest {
    static byte[] data(final int flags, final long tsn, final int sid, final String text) {
        final byte[] d = text.getBytes(StandardCharsets.US_ASCII);
        final int len = 16 + d.length;
        final byte[] c = new byte[(len + 3) & ~3];
        c[0] = 0;
        c[1] = (byte) flags;
        c[2] = (byte) (len >>> 8);
        c[3] = (byte) len;
        c[4] = (byte) (tsn >>> 24);
        c[5] = (byte) (tsn >>> 16);
        c[6] = (byte) (tsn >>> 8);
        c[7] = (byte) tsn;
        c[9] = (byte) sid;
        c[15] = 3; // PPID
        System.arraycopy(d, 0, c, 16, d.length);
        return c;
    }

    static byte[] cat(final byte[]... parts) {
        final ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (final byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    static List<String> walk(final SctpChunks.Reassembler r, final byte[] chunks, final List<SctpChunks.Outcome> outcomes) {
        final List<String> out = new ArrayList<>();
        outcomes.add(SctpChunks.forEachData(chunks, 0, chunks.length, r,
            (b, off, len, ppid) -> out.add(new String(b, off, len, StandardCharsets.US_ASCII) + "/" + ppid)));
        return out;
    }

    @Test
    void wholeMessagesSeveralPerPacketAndOtherChunksSkipped() {
        final byte[] sack = {3, 0, 0, 16, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
        final List<SctpChunks.Outcome> o = new ArrayList<>();
        assertThat(walk(new SctpChunks.Reassembler(1000), cat(sack, data(3, 1, 0, "one"), data(3, 2, 0, "three")), o))
            .containsExactly("one/3", "three/3");
        assertThat(o).containsExactly(SctpChunks.Outcome.OK);
    }

    @Test
    void fragmentsAcrossPacketsAreJoined() {
        final SctpChunks.Reassembler r = new SctpChunks.Reassembler(1000);
        final List<SctpChunks.Outcome> o = new ArrayList<>();
        assertThat(walk(r, data(2, 10, 1, "INV"), o)).isEmpty();
        assertThat(walk(r, data(0, 11, 1, "ITE "), o)).isEmpty();
        assertThat(walk(r, data(1, 12, 1, "sip:x"), o)).containsExactly("INVITE sip:x/3");
        assertThat(o).containsOnly(SctpChunks.Outcome.OK);
    }

    @Test
    void aMissingFragmentOrTheLimitDropsTheMessage() {
        final SctpChunks.Reassembler r = new SctpChunks.Reassembler(6);
        final List<SctpChunks.Outcome> o = new ArrayList<>();
        walk(r, data(2, 10, 1, "abc"), o);
        assertThat(walk(r, data(1, 12, 1, "xyz"), o)).isEmpty(); // TSN 11 missing
        assertThat(o).containsExactly(SctpChunks.Outcome.OK, SctpChunks.Outcome.FRAGMENT_DROPPED);
        walk(r, data(2, 20, 1, "abcd"), o);
        assertThat(walk(r, data(1, 21, 1, "efgh"), o)).isEmpty(); // over 6 bytes
        assertThat(o.get(o.size() - 1)).isEqualTo(SctpChunks.Outcome.FRAGMENT_DROPPED);
    }

    @Test
    void aChunkLengthPastThePacketIsMalformed() {
        final byte[] bad = data(3, 1, 0, "hello");
        bad[3] = (byte) 200;
        final List<SctpChunks.Outcome> o = new ArrayList<>();
        assertThat(walk(new SctpChunks.Reassembler(100), bad, o)).isEmpty();
        assertThat(o).containsExactly(SctpChunks.Outcome.MALFORMED);
    }
}
