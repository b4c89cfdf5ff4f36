package dev.callscope.decode;

import dev.callscope.core.FragmentBuffer;
import dev.callscope.core.Limits;
import dev.callscope.core.ReassemblyBudget;

import java.util.Arrays;
import java.util.HashMap;

/**
 * Reassembles IPv4 and IPv6 datagrams from fragments, bounded by {@link Limits}: at most
 * {@code ipMaxPendingDatagrams} datagrams (the oldest is evicted past it), {@code ipMaxFragmentsPerDatagram}
 * fragments each, 65535 payload bytes, and {@code ipFragmentTimeoutNanos} of packet time. Their bytes
 * come out of the shared {@link ReassemblyBudget}, which may drop the oldest datagram for room.
 *
 * <p>A datagram holds only the fragment bytes that arrived ({@link FragmentBuffer}): a lone
 * fragment at offset 65520 costs its 8 bytes, not 64 KiB. The datagram is laid out only when complete.
 *
 * <p>Fragments may come in any order, duplicated or overlapping; for overlapping bytes the copy
 * received first is kept. Only the fragmentable part (the payload after the IP header, or after the
 * IPv6 fragment header) is reassembled; the caller keeps the addresses and protocol.
 */
final class IpReassembler {
    static final int MAX_PAYLOAD = 65535;
    /** {@link #offer} result: fragment held, datagram not complete. */
    static final int HELD = -1;
    /** {@link #offer} result: fragment dropped; {@link #dropReason()} says why. */
    static final int DROPPED = -2;
    /** {@link #offer} result: fragment is malformed (past 65535 bytes). */
    static final int MALFORMED = -3;

    private static final int POOL_MAX = 64;

    private final int maxPending;
    private final int maxFragments;
    private final long timeoutNanos;
    private final DecodeStats stats;
    private final ReassemblyBudget budget;
    private final HashMap<Pending, Pending> pending = new HashMap<>();
    private final Pending probe = new Pending();
    private final Pending[] pool = new Pending[POOL_MAX];
    private int poolSize;
    /** Oldest first (arrival of the first fragment). */
    private Pending oldest;
    private Pending newest;

    private int completedProtocol;
    private String dropReason;

    IpReassembler(final Limits limits, final DecodeStats stats, final ReassemblyBudget budget) {
        this.maxPending = Math.max(1, limits.ipMaxPendingDatagrams);
        this.maxFragments = Math.max(1, limits.ipMaxFragmentsPerDatagram);
        this.timeoutNanos = limits.ipFragmentTimeoutNanos;
        this.stats = stats;
        this.budget = budget;
    }

    /** Upper-layer protocol of the datagram last completed by {@link #offer}. */
    int completedProtocol() {
        return completedProtocol;
    }

    /** Why the last {@link #offer} returned DROPPED or MALFORMED (a constant), or null. */
    String dropReason() {
        return dropReason;
    }

    int pendingCount() {
        return pending.size();
    }

    /** Drops the datagrams whose first fragment is older than the timeout at packet time {@code now}. */
    void expire(final long now) {
        while (oldest != null && now - oldest.firstTs > timeoutNanos) {
            final Pending p = oldest;
            stats.datagramsTimedOut++;
            stats.fragmentsDroppedTimeout += p.fragments;
            remove(p);
        }
    }

    /**
     * Adds one fragment.
     *
     * @param version 4 or 6
     * @param protocol IPv4: the header's protocol (part of the key); IPv6: the fragment header's next header
     * @param fragOffset byte offset of this fragment in the datagram payload
     * @param out where a completed datagram's payload is copied (at least 65535 bytes)
     * @return the completed payload length (in {@code out}), or HELD, DROPPED or MALFORMED
     */
    int offer(final int version, final byte[] src, final byte[] dst, final long id, final int protocol,
              final int fragOffset, final boolean more, final byte[] buf, final int off, final int len,
              final long now, final byte[] out) {
        dropReason = null;
        stats.fragments++;
        final int end = fragOffset + len;
        if (end > MAX_PAYLOAD) {
            stats.fragmentsTooLarge++;
            dropReason = version == 4 ? "ipv4.fragment_too_large" : "ipv6.fragment_too_large";
            return MALFORMED;
        }
        probe.setKey(version, src, dst, id, version == 4 ? protocol : -1);
        Pending p = pending.get(probe);
        if (p == null) {
            if (pending.size() >= maxPending) {
                final Pending victim = oldest;
                stats.datagramsEvicted++;
                stats.fragmentsDroppedPendingLimit += victim.fragments;
                remove(victim);
            }
            p = take();
            p.copyKey(probe);
            p.firstTs = now;
            pending.put(p, p);
            link(p);
            stats.pendingDatagrams = pending.size();
        }
        if (p.fragments >= maxFragments) {
            stats.datagramsOverFragmentLimit++;
            stats.fragmentsDroppedFragmentLimit += p.fragments + 1;
            dropReason = "ip.fragment_limit";
            remove(p);
            return DROPPED;
        }
        if (!more) {
            if ((p.totalLength >= 0 && p.totalLength != end) || p.buf.coveredEnd() > end) {
                stats.fragmentsInconsistent++;
                dropReason = "ip.fragment_inconsistent";
                return DROPPED;
            }
            p.totalLength = end;
        } else if (p.totalLength >= 0 && end > p.totalLength) {
            stats.fragmentsInconsistent++;
            dropReason = "ip.fragment_inconsistent";
            return DROPPED;
        }
        p.fragments++;
        if (fragOffset == 0) {
            p.firstProtocol = protocol;
        }
        // the buffer grows with the bytes that came, never with the offset a fragment claims
        final int grow = p.buf.capacityFor(p.buf.uncovered(fragOffset, end)) - p.buf.capacity();
        if ((grow > 0 || !p.pending()) && !budget.reserve(p, grow)) {
            budget.dropped(p);
            stats.datagramsOverBudget++;
            stats.fragmentsDroppedBudget += p.fragments;
            dropReason = "ip.reassembly_budget";
            remove(p);
            return DROPPED;
        }
        final int added = p.buf.add(fragOffset, buf, off, len);
        stats.pendingFragmentBytes += added;
        if (added == 0 && len > 0) {
            stats.fragmentDuplicates++;
        } else if (added < len) {
            stats.fragmentOverlaps++;
        }
        if (p.totalLength >= 0 && p.buf.complete(p.totalLength)) {
            final int total = p.totalLength;
            p.buf.assemble(out, 0);
            completedProtocol = p.firstProtocol;
            stats.datagramsReassembled++;
            remove(p);
            return total;
        }
        return HELD;
    }

    private Pending take() {
        if (poolSize > 0) {
            final Pending p = pool[--poolSize];
            pool[poolSize] = null;
            return p;
        }
        return new Pending();
    }

    private void remove(final Pending p) {
        pending.remove(p);
        unlink(p);
        budget.releaseAll(p);
        stats.pendingFragmentBytes -= p.buf.bytes();
        stats.pendingDatagrams = pending.size();
        p.clear();
        if (poolSize < POOL_MAX) {
            pool[poolSize++] = p;
        }
    }

    private void link(final Pending p) {
        p.prev = newest;
        p.next = null;
        if (newest != null) {
            newest.next = p;
        } else {
            oldest = p;
        }
        newest = p;
    }

    private void unlink(final Pending p) {
        if (p.prev != null) {
            p.prev.next = p.next;
        } else if (oldest == p) {
            oldest = p.next;
        }
        if (p.next != null) {
            p.next.prev = p.prev;
        } else if (newest == p) {
            newest = p.prev;
        }
        p.prev = null;
        p.next = null;
    }

    /** One datagram under reassembly; also its own map key and its entry in the reassembly budget. */
    private final class Pending extends ReassemblyBudget.Entry {
        int version;
        final byte[] src = new byte[16];
        final byte[] dst = new byte[16];
        long id;
        int protocol;
        int hash;

        final FragmentBuffer buf = new FragmentBuffer();
        int fragments;
        int totalLength = -1;
        int firstProtocol = -1;
        long firstTs;
        Pending prev;
        Pending next;

        Pending() {
            super(ReassemblyBudget.Kind.IP_DATAGRAM);
        }

        @Override
        protected void evicted() {
            stats.datagramsOverBudget++;
            stats.fragmentsDroppedBudget += fragments;
            remove(this);
        }

        void setKey(final int version, final byte[] src, final byte[] dst, final long id, final int protocol) {
            this.version = version;
            final int n = version == 4 ? 4 : 16;
            Arrays.fill(this.src, (byte) 0);
            Arrays.fill(this.dst, (byte) 0);
            System.arraycopy(src, 0, this.src, 0, n);
            System.arraycopy(dst, 0, this.dst, 0, n);
            this.id = id;
            this.protocol = protocol;
            int h = version;
            h = 31 * h + Arrays.hashCode(this.src);
            h = 31 * h + Arrays.hashCode(this.dst);
            h = 31 * h + Long.hashCode(id);
            h = 31 * h + protocol;
            this.hash = h;
        }

        void copyKey(final Pending k) {
            version = k.version;
            System.arraycopy(k.src, 0, src, 0, 16);
            System.arraycopy(k.dst, 0, dst, 0, 16);
            id = k.id;
            protocol = k.protocol;
            hash = k.hash;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(final Object o) {
            if (!(o instanceof Pending)) {
                return false;
            }
            final Pending k = (Pending) o;
            return hash == k.hash && version == k.version && id == k.id && protocol == k.protocol
                && Arrays.equals(src, k.src) && Arrays.equals(dst, k.dst);
        }

        void clear() {
            buf.clear();
            fragments = 0;
            totalLength = -1;
            firstProtocol = -1;
        }
    }
}
