package dev.callscope.decode;

/**
 * Counters kept by one {@link PacketDecoder}: results per frame and IP fragment reassembly anomalies.
 * Read them at any time; they only grow (except the two gauges {@link #pendingDatagrams()} and
 * {@link #pendingFragmentBytes()}).
 */
public final class DecodeStats {
    long frames;
    long udp;
    long tcp;
    long otherIp;
    long fragmentFrames;
    long notIp;
    long unsupportedLink;
    long malformed;
    long truncated;

    long fragments;
    long datagramsReassembled;
    long fragmentDuplicates;
    long fragmentOverlaps;
    long fragmentsInconsistent;
    long fragmentsTooLarge;
    long fragmentsTruncated;
    long datagramsTimedOut;
    long fragmentsDroppedTimeout;
    long datagramsEvicted;
    long fragmentsDroppedPendingLimit;
    long datagramsOverFragmentLimit;
    long fragmentsDroppedFragmentLimit;
    long datagramsOverBudget;
    long fragmentsDroppedBudget;

    int pendingDatagrams;
    long pendingFragmentBytes;

    /** Frames given to {@link PacketDecoder#decode}. */
    public long frames() {
        return frames;
    }

    public long udp() {
        return udp;
    }

    public long tcp() {
        return tcp;
    }

    public long otherIp() {
        return otherIp;
    }

    /** Frames whose result was FRAGMENT (held, or dropped as a fragment). */
    public long fragmentFrames() {
        return fragmentFrames;
    }

    public long notIp() {
        return notIp;
    }

    public long unsupportedLink() {
        return unsupportedLink;
    }

    public long malformed() {
        return malformed;
    }

    /** Frames cut by the snap length (capLen &lt; origLen). */
    public long truncated() {
        return truncated;
    }

    /** IPv4 and IPv6 fragments seen (each non-atomic fragment header). */
    public long fragments() {
        return fragments;
    }

    public long datagramsReassembled() {
        return datagramsReassembled;
    }

    /** Fragments whose bytes were all already held (exact or covered duplicates); ignored. */
    public long fragmentDuplicates() {
        return fragmentDuplicates;
    }

    /** Fragments overlapping bytes already held; the bytes received first are kept. */
    public long fragmentOverlaps() {
        return fragmentOverlaps;
    }

    /** Fragments contradicting the datagram's known end (a second, different last fragment, data past it). */
    public long fragmentsInconsistent() {
        return fragmentsInconsistent;
    }

    /** Fragments reaching past 65535 bytes of reassembled payload. */
    public long fragmentsTooLarge() {
        return fragmentsTooLarge;
    }

    /** Fragments cut by the snap length, which cannot be reassembled. */
    public long fragmentsTruncated() {
        return fragmentsTruncated;
    }

    /** Datagrams dropped because they were not completed within Limits.ipFragmentTimeoutNanos. */
    public long datagramsTimedOut() {
        return datagramsTimedOut;
    }

    /** Fragments dropped with those timed-out datagrams. */
    public long fragmentsDroppedTimeout() {
        return fragmentsDroppedTimeout;
    }

    /** Oldest datagrams evicted because Limits.ipMaxPendingDatagrams were pending. */
    public long datagramsEvicted() {
        return datagramsEvicted;
    }

    /** Fragments dropped with those evicted datagrams. */
    public long fragmentsDroppedPendingLimit() {
        return fragmentsDroppedPendingLimit;
    }

    /** Datagrams dropped for having more than Limits.ipMaxFragmentsPerDatagram fragments. */
    public long datagramsOverFragmentLimit() {
        return datagramsOverFragmentLimit;
    }

    /** Fragments dropped with those datagrams (including the one over the limit). */
    public long fragmentsDroppedFragmentLimit() {
        return fragmentsDroppedFragmentLimit;
    }

    /** Datagrams dropped for the reassembly budget (Limits.reassemblyBudget): the oldest pending, or one that alone did not fit. */
    public long datagramsOverBudget() {
        return datagramsOverBudget;
    }

    /** Fragments dropped with those datagrams. */
    public long fragmentsDroppedBudget() {
        return fragmentsDroppedBudget;
    }

    /** Gauge: datagrams under reassembly now. */
    public int pendingDatagrams() {
        return pendingDatagrams;
    }

    /** Gauge: fragment payload bytes held now. */
    public long pendingFragmentBytes() {
        return pendingFragmentBytes;
    }

    @Override
    public String toString() {
        return "DecodeStats{frames=" + frames + ", udp=" + udp + ", tcp=" + tcp + ", otherIp=" + otherIp
            + ", fragmentFrames=" + fragmentFrames + ", notIp=" + notIp + ", unsupportedLink=" + unsupportedLink
            + ", malformed=" + malformed + ", truncated=" + truncated + ", fragments=" + fragments
            + ", reassembled=" + datagramsReassembled + ", duplicates=" + fragmentDuplicates
            + ", overlaps=" + fragmentOverlaps + ", inconsistent=" + fragmentsInconsistent
            + ", tooLarge=" + fragmentsTooLarge + ", fragTruncated=" + fragmentsTruncated
            + ", timedOut=" + datagramsTimedOut + "/" + fragmentsDroppedTimeout
            + ", evicted=" + datagramsEvicted + "/" + fragmentsDroppedPendingLimit
            + ", overFragmentLimit=" + datagramsOverFragmentLimit + "/" + fragmentsDroppedFragmentLimit
            + ", overBudget=" + datagramsOverBudget + "/" + fragmentsDroppedBudget
            + ", pending=" + pendingDatagrams + "/" + pendingFragmentBytes + "B}";
    }
}
