package dev.callscope.decode;

/**
 * Where each header of one frame starts, recorded by {@link PacketDecoder} only when a caller asks
 * for it ({@link PacketDecoder#decode(dev.callscope.core.RawFrame, long, PacketInfo, LayerTrace)}),
 * so that a frame can be shown field by field ({@link FrameTree}). The normal path passes none and
 * pays one null check per header.
 */
public final class LayerTrace {
    static final int MAX = 32;
    final String[] names = new String[MAX];
    final byte[][] buffers = new byte[MAX][];
    final int[] offsets = new int[MAX];
    final int[] ends = new int[MAX];
    int count;

    void clear() {
        count = 0;
    }

    /** A header named as {@link PacketInfo#layers} names it, starting at {@code off} of {@code b}. */
    void add(final String name, final byte[] b, final int off, final int capEnd) {
        if (count < MAX) {
            names[count] = name;
            buffers[count] = b;
            offsets[count] = off;
            ends[count] = capEnd;
            count++;
        }
    }

    public int count() {
        return count;
    }

    public String name(final int i) {
        return names[i];
    }
}
