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
}
