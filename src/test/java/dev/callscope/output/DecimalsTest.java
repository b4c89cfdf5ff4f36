package dev.callscope.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DecimalsTest {
    @Test
    void fixedPrintsWhatFormatPrints() {
        final Random rnd = new Random(3);
        final double[] fixed = {0, -0.0, 0.05, 0.15, 0.25, 1.45, 2.675, -0.04, -0.05, 1e-9, 123456789.95, 1e20, 3.5e-5,
            Double.MIN_VALUE, Double.MAX_VALUE, 10936.5, 25900.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (final int places : new int[] {0, 1, 2, 3, 6}) {
            for (final double v : fixed) {
                assertThat(Decimals.fixed(v, places)).as("%s %d", v, places)
                    .isEqualTo(String.format(Locale.ROOT, "%." + places + "f", v));
            }
            for (int i = 0; i < 50_000; i++) {
                final double v = switch (i % 3) {
                    case 0 -> rnd.nextDouble() * 100_000;
                    case 1 -> Math.round(rnd.nextDouble() * 1e6) / 1e3 + 0.0005; // near ties
                    default -> (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(12) - 4);
                };
                assertThat(Decimals.fixed(v, places)).as("%s %d", v, places)
                    .isEqualTo(String.format(Locale.ROOT, "%." + places + "f", v));
            }
        }
    }

    private static void same(final double v, final int d) {
        assertThat(Decimals.fixed(v, d)).as("%s with %d decimals", Double.toString(v), d)
            .isEqualTo(String.format(Locale.ROOT, "%." + d + "f", v));
    }

    @Test
    void printsWhatFormatPrintsAtEveryMagnitude() {
        final double[] fixed = {0, -0.0, 1, -1, 0.5, 1.5, 2.5, 0.05, 0.0005, 1.0005, 0.9995, 9.9995, 99.9995, 999.9995,
            0.04, -0.04, -0.0004, 4.4, 92.7, 20.0, 0.18, 1e-7, 4.9e-324, 1e7, 1.234e7, 123456789.987654, 9.5, 0.45,
            0.055, 1e21, 1.7976931348623157e308, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (final double v : fixed) {
            for (int d = 0; d <= 6; d++) {
                same(v, d);
            }
        }
        final Random rnd = new Random(3);
        for (int i = 0; i < 300_000; i++) {
            final double v = switch (i % 6) {
                case 0 -> rnd.nextDouble() * 100;
                case 1 -> rnd.nextInt(100_000) / 1000.0; // what the views round to
                case 2 -> (rnd.nextInt(2_000_001) - 1_000_000) / 2000.0; // halves of the last digit
                case 3 -> rnd.nextGaussian() * 1e6;
                case 4 -> Double.longBitsToDouble(rnd.nextLong());
                default -> rnd.nextDouble() * Math.pow(10, rnd.nextInt(30) - 15);
            };
            same(v, i % 7);
        }
    }
}
