package dev.callscope.decode;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sequence numbers for TCP data carried in HEP. An agent sends each segment's (or message's) data
 * without its TCP header; the reassembler needs a sequence, so each direction of each original
 * connection gets one that advances by the data's length. Bounded: past {@code max} directions the
 * least recently used is forgotten (its next message then starts a new sequence).
 */
public final class HepStreams {
    /** The flags of a data segment. */
    public static final int PSH_ACK = 0x18;
    /** Where made-up sequences start. */
    static final long FIRST_SEQ = 1;

    private final int max;
    private final LinkedHashMap<ByteBuffer, long[]> next;

    public HepStreams(final int max) {
        this.max = Math.max(1, max);
        this.next = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(final Map.Entry<ByteBuffer, long[]> eldest) {
                return size() > HepStreams.this.max;
            }
        };
    }

    /** The sequence number of {@code length} bytes of data in the direction {@code h} describes. */
    public long next(final HepHeader h, final int length) {
        final int n = h.ipVersion == 6 ? 16 : 4;
        final byte[] k = new byte[2 * n + 4];
        System.arraycopy(h.src, 0, k, 0, n);
        System.arraycopy(h.dst, 0, k, n, n);
        k[2 * n] = (byte) (h.srcPort >>> 8);
        k[2 * n + 1] = (byte) h.srcPort;
        k[2 * n + 2] = (byte) (h.dstPort >>> 8);
        k[2 * n + 3] = (byte) h.dstPort;
        final long[] s = next.computeIfAbsent(ByteBuffer.wrap(k), x -> new long[] {FIRST_SEQ});
        final long seq = s[0];
        s[0] = (seq + length) & 0xFFFF_FFFFL;
        return seq;
    }

    /** Directions remembered. */
    public int size() {
        return next.size();
    }
}
