package dev.callscope.decode;

import dev.callscope.core.Limits;
import dev.callscope.core.ReassemblyBudget;

/**
 * Reassembles one direction of a TCP connection: delivers bytes in sequence order to a {@link Sink},
 * holds out-of-order segments (bounded by {@link Limits}), drops retransmitted and overlapping bytes
 * already delivered, and reports holes it gives up on as gaps. Sequence numbers wrap at 2^32.
 *
 * <p>State is the next expected sequence number plus a list of held segments sorted by sequence
 * number, each copied into a pooled byte array. Sequence numbers are compared as signed 32-bit
 * distances from the next expected one, which handles the wrap at 2^32.
 *
 * <p>The fast path (an in-order segment while nothing is held) hands the caller's buffer straight to
 * the sink: no copy and no allocation.
 *
 * <p>Held segments are limited by {@code tcpMaxOutOfOrderSegments}, {@code tcpMaxBufferedPerDirection}
 * bytes and the shared {@link ReassemblyBudget} (charged for the arrays that hold them). When a new
 * out-of-order segment does not fit, the oldest hole is given up on: it is reported as a gap and
 * delivery resumes with the held data after it, until the segment fits (or, with nothing held, the
 * hole before the segment itself becomes the gap). When the budget drops this direction's held data
 * to make room elsewhere, the next segment reports the hole and the dropped bytes as one gap.
 *
 * <p>When several copies of the same bytes arrive, the first one delivered or held wins.
 */
public final class TcpReassembler {

    /** Receives a direction's bytes in order. Buffers passed in are only valid during the call. */
    public interface Sink {
        void data(byte[] buf, int off, int len);

        /** {@code len} bytes starting at sequence {@code seq} are missing and will never come. */
        void gap(long seq, int len);
    }

    /** How a segment related to the stream so far. */
    public enum Segment { IN_ORDER, OUT_OF_ORDER, RETRANSMISSION, PARTIAL_OVERLAP, EMPTY }

    private static final long MASK = 0xFFFFFFFFL;
    private static final int SYN = 0x02;
    private static final int POOL_MAX = 16;
    private static final int MIN_ARRAY = 2048;
    private static final int MAX_POOLED_ARRAY = 256 * 1024;

    private final int maxSegments;
    private final int maxBytes;
    private final ReassemblyBudget budget;
    /** This direction's held data in the budget. */
    private final Held entry = new Held();
    /** The budget dropped the held data up to {@link #dropEnd}: a gap to report on the next segment. */
    private boolean dropPending;
    private long dropEnd;
    private long budgetDrops;

    private boolean started;
    /** Next expected sequence number, unsigned 32-bit. */
    private long next;

    private long[] heldSeq = new long[0];
    private byte[][] heldBuf = new byte[0][];
    private int[] heldCap = new int[0];
    private int[] heldWire = new int[0];
    private int heldCount;
    private int heldBytes;

    private final byte[][] pool = new byte[POOL_MAX][];
    private int poolCount;

    private long gaps;
    private long gapBytes;
    private long limitGaps;
    private long retransmissions;
    private long overlaps;
    private long outOfOrder;

    public TcpReassembler(final Limits limits, final ReassemblyBudget budget) {
        this.maxSegments = Math.max(0, limits.tcpMaxOutOfOrderSegments);
        this.maxBytes = Math.max(0, limits.tcpMaxBufferedPerDirection);
        this.budget = budget;
    }

    /**
     * Feeds one segment.
     *
     * <p>A SYN sets the stream start to {@code seq + 1} (its data, if any, starts there). Without a SYN
     * the first segment carrying data sets the start (a capture that begins mid-stream). Segments
     * without payload never set the start.
     *
     * @param flags TCP flags byte (SYN sets the initial sequence number; FIN ends the direction)
     * @param seq sequence number of the first payload byte (unsigned 32-bit)
     * @param capturedLen payload bytes present in {@code buf}
     * @param wireLen payload length on the wire (larger than capturedLen when the snap length cut it;
     *     the missing tail is a gap)
     */
    public Segment segment(final int flags, final long seq, final byte[] buf, final int off, final int capturedLen,
                           final int wireLen, final Sink sink) {
        final int wire = Math.max(0, wireLen);
        int cap = Math.max(0, Math.min(capturedLen, wire));
        if (buf == null || off < 0 || off > buf.length) {
            cap = 0;
        } else {
            cap = Math.min(cap, buf.length - off);
        }
        long dataSeq = seq & MASK;
        if ((flags & SYN) != 0) {
            dataSeq = (dataSeq + 1) & MASK;
            if (!started) {
                started = true;
                next = dataSeq;
            }
        }
        if (wire == 0) {
            return Segment.EMPTY;
        }
        if (!started) {
            started = true;
            next = dataSeq;
        }
        return place(dataSeq, buf, off, cap, wire, sink);
    }

    private Segment place(final long dataSeq, final byte[] buf, final int off, final int cap, final int wire,
                          final Sink sink) {
        if (dropPending) {
            dropPending = false;
            final int r = (int) (dataSeq - next);
            if (r <= 0 && (long) r + wire > 0) {
                // the hole's own bytes came: deliver them, then give up on what the budget dropped
                final Segment s = place(dataSeq, buf, off, cap, wire, sink);
                skipTo(dropEnd, sink);
                return s;
            }
            skipTo(dropEnd, sink);
        }
        final int rel = (int) (dataSeq - next);
        if ((long) rel + wire <= 0) {
            retransmissions++;
            return Segment.RETRANSMISSION;
        }
        if (rel <= 0) {
            final int skip = -rel;
            deliver(buf, off + Math.min(skip, cap), Math.max(0, cap - skip), wire - skip, sink);
            drain(sink);
            if (skip > 0) {
                overlaps++;
                return Segment.PARTIAL_OVERLAP;
            }
            return Segment.IN_ORDER;
        }
        outOfOrder++;
        if (coveredByHeld(rel, wire)) {
            retransmissions++;
            return Segment.RETRANSMISSION;
        }
        int ahead = rel;
        byte[] copy;
        while ((copy = holdBuffer(cap)) == null) {
            limitGaps++;
            if (heldCount == 0) {
                // Even alone it does not fit: give up on the hole before it and deliver it directly.
                reportGap(next, ahead, sink);
                next = (next + ahead) & MASK;
                deliver(buf, off, cap, wire, sink);
                return Segment.OUT_OF_ORDER;
            }
            skipFirstHole(sink);
            ahead = (int) (dataSeq - next);
            if (ahead <= 0) {
                place(dataSeq, buf, off, cap, wire, sink);
                return Segment.OUT_OF_ORDER;
            }
        }
        hold(dataSeq, ahead, copy, buf, off, cap, wire);
        return Segment.OUT_OF_ORDER;
    }

    /** Gives up on everything before {@code end}: a gap up to it, then held data that follows. */
    private void skipTo(final long end, final Sink sink) {
        final int gap = (int) (end - next);
        if (gap > 0) {
            reportGap(next, gap, sink);
            next = end;
        }
        drain(sink);
    }

    /** End of the connection or capture: delivers whatever is still held, with gaps for the holes. */
    public void flush(final Sink sink) {
        if (dropPending) {
            dropPending = false;
            skipTo(dropEnd, sink);
        }
        while (heldCount > 0) {
            skipFirstHole(sink);
        }
    }

    /** Bytes held right now. */
    public int bufferedBytes() {
        return heldBytes;
    }

    /** Drops all held data and gives its bytes back to the budget. */
    public void release() {
        for (int i = 0; i < heldCount; i++) {
            heldBuf[i] = null;
        }
        budget.releaseAll(entry);
        heldBytes = 0;
        heldCount = 0;
        dropPending = false;
        for (int i = 0; i < poolCount; i++) {
            pool[i] = null;
        }
        poolCount = 0;
    }

    /** Times the reassembly budget dropped this direction's held data for room elsewhere. */
    public long budgetDrops() {
        return budgetDrops;
    }

    /** Held data as an entry of the reassembly budget. */
    private final class Held extends ReassemblyBudget.Entry {
        Held() {
            super(ReassemblyBudget.Kind.TCP_OUT_OF_ORDER);
        }

        @Override
        protected void evicted() {
            budgetDrops++;
            long end = dropPending ? dropEnd : next;
            for (int i = 0; i < heldCount; i++) {
                final long e = (heldSeq[i] + heldWire[i]) & MASK;
                if ((int) (e - end) > 0) {
                    end = e;
                }
                recycle(heldBuf[i]);
                heldBuf[i] = null;
            }
            heldCount = 0;
            heldBytes = 0;
            dropEnd = end;
            dropPending = true;
        }
    }

    /** Segments held right now. */
    public int heldSegments() {
        return heldCount;
    }

    /** Whether the stream start is known. */
    public boolean started() {
        return started;
    }

    /** Next expected sequence number (unsigned 32-bit); meaningful once {@link #started()}. */
    public long nextSeq() {
        return next;
    }

    /** Gaps reported to the sink (holes given up on, snaplen-cut tails). */
    public long gaps() {
        return gaps;
    }

    /** Bytes in those gaps. */
    public long gapBytes() {
        return gapBytes;
    }

    /** Times a hole was given up on because a limit was hit. */
    public long limitGaps() {
        return limitGaps;
    }

    /** Segments dropped because all their bytes were already delivered or held. */
    public long retransmissions() {
        return retransmissions;
    }

    /** Segments that partly overlapped bytes already delivered. */
    public long overlaps() {
        return overlaps;
    }

    /** Segments that arrived ahead of the next expected byte. */
    public long outOfOrder() {
        return outOfOrder;
    }

    // ---------------------------------------------------------------- internals

    /** Delivers {@code cap} bytes then a gap for the {@code wire - cap} missing ones; advances. */
    private void deliver(final byte[] buf, final int off, final int cap, final int wire, final Sink sink) {
        final long start = next;
        next = (next + wire) & MASK;
        if (cap > 0) {
            sink.data(buf, off, cap);
        }
        if (wire > cap) {
            reportGap((start + cap) & MASK, wire - cap, sink);
        }
    }

    private void reportGap(final long seq, final int len, final Sink sink) {
        gaps++;
        gapBytes += len;
        sink.gap(seq, len);
    }

    /** Delivers held segments that now start at or before the next expected byte. */
    private void drain(final Sink sink) {
        while (heldCount > 0) {
            final int rel = (int) (heldSeq[0] - next);
            if (rel > 0) {
                return;
            }
            final byte[] buf = heldBuf[0];
            final int cap = heldCap[0];
            final int wire = heldWire[0];
            removeFirst();
            // off the books before the sink runs: a dissector it drives may make the budget drop the rest
            heldBytes -= cap;
            if (heldCount == 0) {
                budget.releaseAll(entry);
            } else {
                budget.release(entry, buf.length);
            }
            if ((long) rel + wire > 0) {
                final int skip = -rel;
                deliver(buf, Math.min(skip, cap), Math.max(0, cap - skip), wire - skip, sink);
            }
            recycle(buf);
        }
    }

    /** Gives up on the hole before the first held segment: reports it as a gap and drains. */
    private void skipFirstHole(final Sink sink) {
        final int rel = (int) (heldSeq[0] - next);
        if (rel > 0) {
            reportGap(next, rel, sink);
            next = (next + rel) & MASK;
        }
        drain(sink);
    }

    private boolean coveredByHeld(final int rel, final int wire) {
        final long end = (long) rel + wire;
        for (int i = 0; i < heldCount; i++) {
            final int r = (int) (heldSeq[i] - next);
            if (r <= rel && (long) r + heldWire[i] >= end) {
                return true;
            }
        }
        return false;
    }

    /** An array to hold {@code cap} bytes, charged to the budget; null when a limit says no. */
    private byte[] holdBuffer(final int cap) {
        if (heldCount >= maxSegments || heldBytes + (long) cap > maxBytes) {
            return null;
        }
        final byte[] a = take(cap);
        if (!budget.reserve(entry, a.length)) {
            recycle(a);
            return null;
        }
        return a;
    }

    private void hold(final long dataSeq, final int rel, final byte[] copy, final byte[] buf, final int off,
                      final int cap, final int wire) {
        if (heldCount == heldSeq.length) {
            final int n = Math.max(8, Math.min(Math.max(1, maxSegments), heldCount * 2));
            heldSeq = java.util.Arrays.copyOf(heldSeq, n);
            heldBuf = java.util.Arrays.copyOf(heldBuf, n);
            heldCap = java.util.Arrays.copyOf(heldCap, n);
            heldWire = java.util.Arrays.copyOf(heldWire, n);
        }
        int i = heldCount;
        while (i > 0 && (int) (heldSeq[i - 1] - next) > rel) {
            i--;
        }
        final int move = heldCount - i;
        System.arraycopy(heldSeq, i, heldSeq, i + 1, move);
        System.arraycopy(heldBuf, i, heldBuf, i + 1, move);
        System.arraycopy(heldCap, i, heldCap, i + 1, move);
        System.arraycopy(heldWire, i, heldWire, i + 1, move);
        if (cap > 0) {
            System.arraycopy(buf, off, copy, 0, cap);
        }
        heldSeq[i] = dataSeq;
        heldBuf[i] = copy;
        heldCap[i] = cap;
        heldWire[i] = wire;
        heldCount++;
        heldBytes += cap;
    }

    private void removeFirst() {
        heldCount--;
        System.arraycopy(heldSeq, 1, heldSeq, 0, heldCount);
        System.arraycopy(heldBuf, 1, heldBuf, 0, heldCount);
        System.arraycopy(heldCap, 1, heldCap, 0, heldCount);
        System.arraycopy(heldWire, 1, heldWire, 0, heldCount);
        heldBuf[heldCount] = null;
    }

    private byte[] take(final int n) {
        final long most = Math.max(MIN_ARRAY, n) * 4L; // a big spare array for a small segment would be charged in full
        for (int i = poolCount - 1; i >= 0; i--) {
            final byte[] a = pool[i];
            if (a.length >= n && a.length <= most) {
                pool[i] = pool[--poolCount];
                pool[poolCount] = null;
                return a;
            }
        }
        return new byte[Math.max(n, MIN_ARRAY)];
    }

    private void recycle(final byte[] a) {
        if (a != null && poolCount < POOL_MAX && a.length <= MAX_POOLED_ARRAY) {
            pool[poolCount++] = a;
        }
    }
}
