package dev.callscope.flow.dubbo;

import java.util.Arrays;

/**
 * Latencies of one service#method for its percentiles, in bounded memory: every sample exactly up to
 * {@link #EXACT_CAP} samples (nearest-rank percentiles over the sorted samples), then a log-linear
 * histogram (HdrHistogram's layout with 128 sub-buckets per power of two) into which the exact
 * samples are poured. A histogram percentile is the middle of its bucket, so it is within
 * {@link #RELATIVE_ERROR} (1/256, 0.4 %) of the exact nearest-rank value; values under 256 ns are
 * exact; the smallest and largest sample are always exact. Memory: at most 8 bytes per exact sample
 * (512 KiB), then a fixed {@value #BUCKETS} counters (58 KiB).
 *
 * <pre>
 *   value v            bucket index
 *   v &lt; 256            v                                   (exact)
 *   v &gt;= 256           256 + (shift - 1) * 128 + (v &gt;&gt;&gt; shift) - 128,  shift = bitLength(v) - 8
 *                      (bucket width 2^shift, lower bound at least 128 * 2^shift)
 * </pre>
 */
final class LatencySamples {
    /** Samples kept exactly before switching to the histogram. */
    static final int EXACT_CAP = 65_536;
    /** Bound on |histogram percentile - exact percentile| / exact percentile. */
    static final double RELATIVE_ERROR = 1.0 / 256;

    private static final int SUB_BITS = 8;
    private static final int SUB_COUNT = 1 << SUB_BITS;
    private static final int HALF = SUB_COUNT / 2;
    /** Enough for every non-negative long: shift runs up to 63 - SUB_BITS + 1. */
    static final int BUCKETS = SUB_COUNT + (63 - SUB_BITS + 1) * HALF;

    private long[] exact = new long[16];
    private int exactCount;
    private boolean sorted = true;
    private long[] buckets;
    private long count;
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;

    /**
     * Adds a latency (a negative one, timestamps going backwards, counts as 0 in the histogram).
     *
     * @return true when this sample made the samples switch from exact to the histogram
     */
    boolean add(final long v) {
        count++;
        min = Math.min(min, v);
        max = Math.max(max, v);
        if (buckets != null) {
            buckets[index(v)]++;
            return false;
        }
        if (exactCount < EXACT_CAP) {
            if (exactCount == exact.length) {
                exact = Arrays.copyOf(exact, Math.min(EXACT_CAP, exactCount * 2));
            }
            exact[exactCount++] = v;
            sorted = false;
            return false;
        }
        buckets = new long[BUCKETS];
        for (int i = 0; i < exactCount; i++) {
            buckets[index(exact[i])]++;
        }
        buckets[index(v)]++;
        exact = null;
        exactCount = 0;
        return true;
    }

    /** Samples added. */
    long count() {
        return count;
    }

    /** Whether percentiles come from the histogram (more than {@link #EXACT_CAP} samples). */
    boolean approximate() {
        return buckets != null;
    }

    /** Nearest-rank value at quantile {@code q} (0..1), or -1 without samples. */
    long quantile(final double q) {
        if (count == 0) {
            return -1;
        }
        final long rank = Math.max(1, Math.min(count, (long) Math.ceil(q * count)));
        if (rank == count) {
            return max;
        }
        if (rank == 1) {
            return min;
        }
        if (buckets == null) {
            if (!sorted) {
                Arrays.sort(exact, 0, exactCount);
                sorted = true;
            }
            return exact[(int) rank - 1];
        }
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += buckets[i];
            if (seen >= rank) {
                return Math.max(min, Math.min(max, middle(i)));
            }
        }
        return max;
    }

    static int index(final long value) {
        final long v = Math.max(0, value);
        if (v < SUB_COUNT) {
            return (int) v;
        }
        final int shift = 64 - Long.numberOfLeadingZeros(v) - SUB_BITS;
        return SUB_COUNT + (shift - 1) * HALF + (int) (v >>> shift) - HALF;
    }

    /** The middle of bucket {@code i} (the value itself below 256). */
    static long middle(final int i) {
        if (i < SUB_COUNT) {
            return i;
        }
        final int shift = (i - SUB_COUNT) / HALF + 1;
        final long sub = HALF + (i - SUB_COUNT) % HALF;
        return (sub << shift) + (1L << (shift - 1));
    }
}
