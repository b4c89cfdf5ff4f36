package dev.callscope.flow.dubbo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Exact nearest-rank percentiles up to the cap, then within 1/256 of them from the histogram. */
class LatencySamplesTest {
    private static final double[] QUANTILES = {0.0, 0.01, 0.25, 0.5, 0.9, 0.99, 0.999, 1.0};

    /** Latencies from 1 µs to about 20 s, spread over many powers of two (seeded). */
    private static long[] latencies(final long seed, final int n) {
        final Random r = new Random(seed);
        final long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = (long) Math.exp(Math.log(1_000) + r.nextDouble() * (Math.log(20e9) - Math.log(1_000)));
        }
        return v;
    }

    private static long nearestRank(final long[] sorted, final double q) {
        final int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    @Test
    void exactUpToTheCap() {
        for (final int n : new int[] {1, 2, 10, 1000, LatencySamples.EXACT_CAP}) {
            final long[] v = latencies(n, n);
            final LatencySamples s = new LatencySamples();
            for (final long x : v) {
                assertThat(s.add(x)).isFalse();
            }
            final long[] sorted = v.clone();
            Arrays.sort(sorted);
            assertThat(s.approximate()).isFalse();
            for (final double q : QUANTILES) {
                assertThat(s.quantile(q)).as("n=%d q=%s", n, q).isEqualTo(nearestRank(sorted, q));
            }
        }
        assertThat(new LatencySamples().quantile(0.5)).isEqualTo(-1);
    }

    @Test
    void pastTheCapWithinTheDocumentedErrorMinAndMaxExact() {
        for (final long seed : new long[] {1, 2, 3}) {
            final int n = 3 * LatencySamples.EXACT_CAP + 17;
            final long[] v = latencies(seed, n);
            final LatencySamples s = new LatencySamples();
            int switched = 0;
            for (final long x : v) {
                if (s.add(x)) {
                    switched++;
                }
            }
            assertThat(switched).isEqualTo(1);
            assertThat(s.approximate()).isTrue();
            assertThat(s.count()).isEqualTo(n);
            final long[] sorted = v.clone();
            Arrays.sort(sorted);
            for (final double q : QUANTILES) {
                final long exact = nearestRank(sorted, q);
                assertThat((double) Math.abs(s.quantile(q) - exact)).as("seed %d q=%s", seed, q)
                    .isLessThanOrEqualTo(exact * LatencySamples.RELATIVE_ERROR);
            }
            assertThat(s.quantile(1.0)).isEqualTo(sorted[n - 1]);
            assertThat(s.quantile(0.0)).isEqualTo(sorted[0]);
        }
    }

    @Test
    void bucketsAreMonotoneAndTheirMiddleIsWithinTheBound() {
        final Random r = new Random(42);
        for (int i = 0; i < 200_000; i++) {
            final long v = r.nextInt(4) == 0 ? r.nextInt(1024) : (r.nextLong() >>> 1) >>> r.nextInt(63);
            final int b = LatencySamples.index(v);
            assertThat(b).isBetween(0, LatencySamples.BUCKETS - 1);
            assertThat((double) Math.abs(LatencySamples.middle(b) - v)).isLessThanOrEqualTo(v * LatencySamples.RELATIVE_ERROR);
            assertThat(LatencySamples.index(v + 1 < 0 ? v : v + 1)).isGreaterThanOrEqualTo(b);
        }
        assertThat(LatencySamples.index(Long.MAX_VALUE)).isLessThan(LatencySamples.BUCKETS);
        assertThat(LatencySamples.index(255)).isEqualTo(255);
        assertThat(LatencySamples.index(256)).isEqualTo(256);
    }
}
