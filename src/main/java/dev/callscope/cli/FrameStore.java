package dev.callscope.cli;

import dev.callscope.core.RawFrame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The frames the shell keeps in memory, packed: their bytes one after another in large chunks and
 * their headers in parallel arrays, so a million frames cost their own bytes and about 40 more each
 * (a {@link RawFrame} per frame would cost 2 KiB or more). Appends come from one thread at a time;
 * reads of frames already stored may come from others ({@link #size()} is published last).
 */
final class FrameStore {
    /** Bytes of one chunk; a frame larger than this gets a chunk of its own. */
    private static final int CHUNK = 8 << 20;

    private final int maxFrames;
    private final long maxBytes;
    private final List<byte[]> chunks = new ArrayList<>();
    private byte[] current;
    private int used;
    private long bytes;
    private long[] ts = new long[1024];
    /** Chunk index (high 32 bits) and offset in it (low 32 bits). */
    private long[] where = new long[1024];
    private int[] capLen = new int[1024];
    private int[] origLen = new int[1024];
    private short[] linkType = new short[1024];
    private volatile int size;

    FrameStore(final int maxFrames, final long maxBytes) {
        this.maxFrames = maxFrames;
        this.maxBytes = maxBytes;
    }

    /** Stores a copy of {@code f}; false (nothing stored) when the store is full. */
    synchronized boolean add(final RawFrame f) {
        final int n = size;
        if (n >= maxFrames || bytes + f.capLen > maxBytes) {
            return false;
        }
        if (n == ts.length) {
            final int cap = n * 2;
            ts = Arrays.copyOf(ts, cap);
            where = Arrays.copyOf(where, cap);
            capLen = Arrays.copyOf(capLen, cap);
            origLen = Arrays.copyOf(origLen, cap);
            linkType = Arrays.copyOf(linkType, cap);
        }
        if (current == null || used + f.capLen > current.length) {
            current = new byte[Math.max(CHUNK, f.capLen)];
            chunks.add(current);
            used = 0;
        }
        System.arraycopy(f.data, 0, current, used, f.capLen);
        ts[n] = f.tsNanos;
        where[n] = ((long) (chunks.size() - 1) << 32) | used;
        capLen[n] = f.capLen;
        origLen[n] = f.origLen;
        linkType[n] = (short) f.linkType;
        used += f.capLen;
        bytes += f.capLen;
        size = n + 1;
        return true;
    }

    /** Frame {@code i} (0-based) into {@code into}. */
    synchronized void get(final int i, final RawFrame into) {
        final byte[] chunk = chunks.get((int) (where[i] >>> 32));
        final int off = (int) where[i];
        into.ensureCapacity(capLen[i]);
        System.arraycopy(chunk, off, into.data, 0, capLen[i]);
        into.tsNanos = ts[i];
        into.capLen = capLen[i];
        into.origLen = origLen[i];
        into.linkType = linkType[i] & 0xFFFF;
        into.interfaceId = 0;
        into.sourceIndex = 0;
    }

    int size() {
        return size;
    }

    long bytes() {
        return bytes;
    }

    boolean full(final RawFrame next) {
        return size >= maxFrames || bytes + next.capLen > maxBytes;
    }

    void clear() {
        synchronized (this) {
            chunks.clear();
            current = null;
            used = 0;
            bytes = 0;
            size = 0;
        }
    }
}
