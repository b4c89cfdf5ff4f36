package dev.callscope.core;

import java.util.Arrays;

/**
 * The pieces of one message that arrives in fragments at any offset (an IP datagram, a DTLS
 * handshake message), kept as they came: only the bytes that actually arrived are stored, one after
 * the other, with where each piece goes. Nothing is sized by the length a fragment announces; the
 * whole message is laid out only once every byte is there ({@link #assemble}).
 *
 * <p>For overlapping bytes the copy received first is kept: a fragment adds only the parts of its
 * range not covered yet. Storage grows by doubling, never past twice what arrived.
 */
public final class FragmentBuffer {
    private byte[] data;
    private int used;
    /** Pieces stored: destination offset, length, position in {@link #data}. */
    private int[] pieceAt = new int[4];
    private int[] pieceLen = new int[4];
    private int[] piecePos = new int[4];
    private int pieces;
    /** Covered ranges [starts[i], ends[i]), sorted, disjoint and not touching. */
    private int[] starts = new int[4];
    private int[] ends = new int[4];
    private int ranges;

    /** Bytes stored (each byte of the message at most once). */
    public int bytes() {
        return used;
    }

    /** Bytes of storage held. */
    public int capacity() {
        return data == null ? 0 : data.length;
    }

    /** End of the highest covered byte (0 when empty). */
    public int coveredEnd() {
        return ranges == 0 ? 0 : ends[ranges - 1];
    }

    /** Whether [0, length) is covered. */
    public boolean complete(final int length) {
        return length == 0 || ranges == 1 && starts[0] == 0 && ends[0] == length;
    }

    /** Bytes of [from, to) not covered yet. */
    public int uncovered(final int from, final int to) {
        if (to <= from) {
            return 0;
        }
        int n = 0;
        int pos = from;
        for (int i = 0; i < ranges && pos < to; i++) {
            if (ends[i] <= pos) {
                continue;
            }
            if (starts[i] >= to) {
                break;
            }
            if (starts[i] > pos) {
                n += starts[i] - pos;
            }
            pos = Math.max(pos, ends[i]);
        }
        if (pos < to) {
            n += to - pos;
        }
        return n;
    }

    /** The storage size {@link #add} will need for {@code more} new bytes (to charge it first). */
    public int capacityFor(final int more) {
        final int need = used + more;
        final int cap = capacity();
        if (need <= cap) {
            return cap;
        }
        return cap == 0 ? need : Math.max(need, cap * 2); // need > cap: under twice what is stored
    }

    /**
     * Stores the bytes of [at, at+len) (from {@code buf[off..]}) not covered yet; returns how many
     * were new.
     */
    public int add(final int at, final byte[] buf, final int off, final int len) {
        final int to = at + len;
        if (len <= 0) {
            return 0;
        }
        final int more = uncovered(at, to);
        if (more == 0) {
            return 0;
        }
        final int cap = capacityFor(more);
        if (cap > capacity()) {
            data = data == null ? new byte[cap] : Arrays.copyOf(data, cap);
        }
        int pos = at;
        for (int i = 0; i < ranges && pos < to; i++) {
            if (ends[i] <= pos) {
                continue;
            }
            if (starts[i] >= to) {
                break;
            }
            if (starts[i] > pos) {
                piece(pos, starts[i] - pos, buf, off + (pos - at));
            }
            pos = Math.max(pos, ends[i]);
        }
        if (pos < to) {
            piece(pos, to - pos, buf, off + (pos - at));
        }
        insertRange(at, to);
        return more;
    }

    private void piece(final int at, final int len, final byte[] buf, final int off) {
        if (pieces == pieceAt.length) {
            pieceAt = Arrays.copyOf(pieceAt, pieces * 2);
            pieceLen = Arrays.copyOf(pieceLen, pieces * 2);
            piecePos = Arrays.copyOf(piecePos, pieces * 2);
        }
        System.arraycopy(buf, off, data, used, len);
        pieceAt[pieces] = at;
        pieceLen[pieces] = len;
        piecePos[pieces] = used;
        pieces++;
        used += len;
    }

    private void insertRange(final int from, final int to) {
        int s = from;
        int e = to;
        int i = 0;
        while (i < ranges && ends[i] < s) {
            i++;
        }
        int j = i;
        while (j < ranges && starts[j] <= e) {
            s = Math.min(s, starts[j]);
            e = Math.max(e, ends[j]);
            j++;
        }
        final int removed = j - i;
        if (removed == 0) {
            if (ranges == starts.length) {
                starts = Arrays.copyOf(starts, ranges * 2);
                ends = Arrays.copyOf(ends, ranges * 2);
            }
            System.arraycopy(starts, i, starts, i + 1, ranges - i);
            System.arraycopy(ends, i, ends, i + 1, ranges - i);
            ranges++;
        } else if (removed > 1) {
            System.arraycopy(starts, j, starts, i + 1, ranges - j);
            System.arraycopy(ends, j, ends, i + 1, ranges - j);
            ranges -= removed - 1;
        }
        starts[i] = s;
        ends[i] = e;
    }

    /** Lays every stored piece out at its offset in {@code out} (from {@code outOff}). */
    public void assemble(final byte[] out, final int outOff) {
        for (int i = 0; i < pieces; i++) {
            System.arraycopy(data, piecePos[i], out, outOff + pieceAt[i], pieceLen[i]);
        }
    }

    /** Forgets the pieces and lets the storage go (the small index arrays are kept for reuse). */
    public void clear() {
        data = null;
        used = 0;
        pieces = 0;
        ranges = 0;
    }
}
