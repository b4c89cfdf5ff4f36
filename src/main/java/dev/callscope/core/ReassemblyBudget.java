package dev.callscope.core;

/**
 * The one byte budget that every reassembly draws from ({@link Limits#reassemblyBudget}): IP
 * datagrams awaiting fragments, TCP data held out of order, partial messages a TCP dissector waits
 * to complete, DTLS handshake messages and fragmented WebSocket messages.
 *
 * <p>Each pending reassembly is an {@link Entry}. It is charged for the buffer capacity it holds
 * plus {@value #ENTRY_OVERHEAD} bytes of bookkeeping, from its first byte until it completes or is
 * given up. Entries are kept in the order they started; when a charge does not fit, the entry that
 * started first is dropped, and the next, until it fits.
 *
 * <p>Why the oldest: a genuine reassembly completes within a round trip or two of its first piece
 * (the fragments of a datagram, a DTLS flight, the segments of a SIP message travel together),
 * while one that has waited longest is the one least likely ever to complete: a lost fragment, or
 * a flood of first fragments that never get a second. Dropping the newest instead would let a
 * flood that came first lock the budget; dropping the largest would single out real certificate
 * chains and SIP bodies. A reassembly that gets its data keeps its place only as long as it stays
 * incomplete; TCP directions leave the order whenever they hold nothing and rejoin as the newest.
 *
 * <p>Every drop is counted per kind ({@link #drops}) and queued as a notice ({@link #drainNotices})
 * for the engine to report as an anomaly. Not thread-safe: the engine and everything it calls share
 * one budget on one thread (when decoding runs ahead on a second thread, the decoder gets a budget
 * of its own carved out of the same total).
 */
public final class ReassemblyBudget {
    /** Bytes charged per pending reassembly on top of its buffer: its bookkeeping objects and arrays. */
    public static final int ENTRY_OVERHEAD = 128;
    /** Notices kept between two drains; more are counted in {@link #noticesLost}. */
    static final int MAX_NOTICES = 64;

    /** What a pending reassembly is, for counts and reports. */
    public enum Kind {
        IP_DATAGRAM("IP datagram", "ip_datagrams"),
        TCP_OUT_OF_ORDER("TCP out-of-order data", "tcp_out_of_order"),
        TCP_MESSAGE("partial TCP message", "tcp_messages"),
        DTLS_HANDSHAKE("DTLS handshake message", "dtls_handshakes"),
        WEBSOCKET_MESSAGE("WebSocket message", "websocket_messages");

        private final String label;
        private final String key;

        Kind(final String label, final String key) {
            this.label = label;
            this.key = key;
        }

        /** "IP datagram". */
        public String label() {
            return label;
        }

        /** snake_case plural for JSON ("ip_datagrams"). */
        public String key() {
            return key;
        }
    }

    /**
     * One pending reassembly. Its owner charges it with {@link #reserve} as its buffer grows, gives
     * bytes back with {@link #release}/{@link #releaseAll}, and frees its buffers in {@link #evicted}
     * when the budget drops it to make room for another.
     */
    public abstract static class Entry {
        private final Kind kind;
        private Entry prev;
        private Entry next;
        private boolean linked;
        private long held;
        private long sinceFrame;

        protected Entry(final Kind kind) {
            this.kind = kind;
        }

        public final Kind kind() {
            return kind;
        }

        /** Bytes charged now (0 when not pending). */
        public final long held() {
            return held;
        }

        /** Whether it holds a charge (it is pending). */
        public final boolean pending() {
            return linked;
        }

        /**
         * The budget dropped this reassembly to make room for a newer one; its charge is already
         * gone. Free the buffers and forget the partial data. Must not call back into the budget
         * (apart from {@link ReassemblyBudget#releaseAll}, which does nothing now) nor into any
         * dissector: it can run in the middle of another conversation's packet.
         */
        protected abstract void evicted();
    }

    private final long limit;
    private long used;
    private long peak;
    private Entry oldest;
    private Entry newest;
    private int entries;
    private long frame;
    private final long[] drops = new long[Kind.values().length];
    private final long[] droppedBytes = new long[Kind.values().length];

    private final Kind[] noticeKind = new Kind[MAX_NOTICES];
    private final long[] noticeBytes = new long[MAX_NOTICES];
    private final long[] noticeSince = new long[MAX_NOTICES];
    private final long[] noticeFrame = new long[MAX_NOTICES];
    private int notices;
    private long noticesLost;

    public ReassemblyBudget(final long limit) {
        this.limit = Math.max(0, limit);
    }

    /** The frame being processed (for the notices); set once per frame by whoever reads frames. */
    public void atFrame(final long frameNumber) {
        frame = frameNumber;
    }

    /**
     * Charges {@code bytes} more to {@code e} (and, when it is not pending yet, {@value
     * #ENTRY_OVERHEAD} for the entry, which then becomes the newest). When that does not fit, the
     * oldest entries are dropped, each through its {@link Entry#evicted}, until it does.
     *
     * @return true when charged; false when {@code e} itself is the oldest (or alone) and still
     *     does not fit: nothing was charged and the caller gives {@code e} up ({@link #dropped})
     */
    public boolean reserve(final Entry e, final long bytes) {
        final long need = bytes + (e.linked ? 0 : ENTRY_OVERHEAD);
        while (used + need > limit) {
            final Entry victim = oldest;
            if (victim == null || victim == e) {
                return false;
            }
            drop(victim);
            victim.evicted();
        }
        if (!e.linked) {
            link(e);
        }
        e.held += need;
        used += need;
        if (used > peak) {
            peak = used;
        }
        return true;
    }

    /** Gives back {@code bytes} of {@code e}'s charge; it stays pending. */
    public void release(final Entry e, final long bytes) {
        if (!e.linked) {
            return;
        }
        final long n = Math.min(bytes, e.held - ENTRY_OVERHEAD);
        if (n > 0) {
            e.held -= n;
            used -= n;
        }
    }

    /** {@code e} completed or was given up by its owner: all its charge back, no longer pending. */
    public void releaseAll(final Entry e) {
        if (!e.linked) {
            return;
        }
        used -= e.held;
        e.held = 0;
        unlink(e);
    }

    /**
     * The owner gives {@code e} up because the budget had no room for it (after {@link #reserve}
     * returned false): counted and noticed like an eviction, its charge released. The owner frees
     * its buffers itself.
     */
    public void dropped(final Entry e) {
        if (e.linked) {
            drop(e);
        } else {
            count(e.kind, 0, frame);
        }
    }

    private void drop(final Entry e) {
        final long bytes = e.held;
        count(e.kind, bytes, e.sinceFrame);
        used -= bytes;
        e.held = 0;
        unlink(e);
    }

    private void count(final Kind kind, final long bytes, final long since) {
        drops[kind.ordinal()]++;
        droppedBytes[kind.ordinal()] += bytes;
        if (notices < MAX_NOTICES) {
            noticeKind[notices] = kind;
            noticeBytes[notices] = bytes;
            noticeSince[notices] = since;
            noticeFrame[notices] = frame;
            notices++;
        } else {
            noticesLost++;
        }
    }

    private void link(final Entry e) {
        e.linked = true;
        e.sinceFrame = frame;
        e.prev = newest;
        e.next = null;
        if (newest != null) {
            newest.next = e;
        } else {
            oldest = e;
        }
        newest = e;
        entries++;
    }

    private void unlink(final Entry e) {
        if (e.prev != null) {
            e.prev.next = e.next;
        } else {
            oldest = e.next;
        }
        if (e.next != null) {
            e.next.prev = e.prev;
        } else {
            newest = e.prev;
        }
        e.prev = null;
        e.next = null;
        e.linked = false;
        entries--;
    }

    /** Receives the drops noticed since the last drain. */
    @FunctionalInterface
    public interface NoticeSink {
        /**
         * @param kind what was dropped
         * @param bytes bytes it held (buffer and bookkeeping)
         * @param sinceFrame the frame its first byte came in
         * @param frame the frame that needed the room
         */
        void dropped(Kind kind, long bytes, long sinceFrame, long frame);
    }

    /** Whether drops wait to be reported (a field read: cheap enough for every frame). */
    public boolean hasNotices() {
        return notices != 0 || noticesLost != 0;
    }

    /**
     * Hands the queued drops to {@code sink} and forgets them; returns how many more happened than
     * the queue could hold (they are in {@link #drops} all the same).
     */
    public long drainNotices(final NoticeSink sink) {
        final int n = notices;
        final long lost = noticesLost;
        notices = 0;
        noticesLost = 0;
        for (int i = 0; i < n; i++) {
            sink.dropped(noticeKind[i], noticeBytes[i], noticeSince[i], noticeFrame[i]);
            noticeKind[i] = null;
        }
        return lost;
    }

    /** Bytes charged now. */
    public long used() {
        return used;
    }

    /** Most bytes charged at once so far. */
    public long peak() {
        return peak;
    }

    public long limit() {
        return limit;
    }

    /** Pending reassemblies now. */
    public int entries() {
        return entries;
    }

    /** Reassemblies of {@code kind} dropped for the budget. */
    public long drops(final Kind kind) {
        return drops[kind.ordinal()];
    }

    /** Bytes those drops held. */
    public long droppedBytes(final Kind kind) {
        return droppedBytes[kind.ordinal()];
    }

    /** All drops, every kind. */
    public long drops() {
        long n = 0;
        for (final long d : drops) {
            n += d;
        }
        return n;
    }

    /** The numbers as they stand, for the output. */
    public Report report() {
        return new Report(limit, peak, used, drops.clone(), droppedBytes.clone());
    }

    /**
     * What a run's reassembly budget went through.
     *
     * @param limit the budget in bytes
     * @param peakBytes most bytes held at once
     * @param heldBytes bytes held when the report was made
     * @param drops reassemblies dropped for the budget, by {@link Kind#ordinal()}
     * @param droppedBytes bytes those held, by {@link Kind#ordinal()}
     */
    public record Report(long limit, long peakBytes, long heldBytes, long[] drops, long[] droppedBytes) {
        public long drops(final Kind kind) {
            return drops[kind.ordinal()];
        }

        public long droppedBytes(final Kind kind) {
            return droppedBytes[kind.ordinal()];
        }

        public long totalDrops() {
            long n = 0;
            for (final long d : drops) {
                n += d;
            }
            return n;
        }

        /** Two budgets that split one total (the decoder's, when it runs ahead, and the engine's). */
        public Report plus(final Report o) {
            final long[] d = drops.clone();
            final long[] b = droppedBytes.clone();
            for (int i = 0; i < d.length; i++) {
                d[i] += o.drops[i];
                b[i] += o.droppedBytes[i];
            }
            return new Report(limit + o.limit, peakBytes + o.peakBytes, heldBytes + o.heldBytes, d, b);
        }
    }
}
