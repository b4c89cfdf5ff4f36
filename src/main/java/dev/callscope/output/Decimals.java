package dev.callscope.output;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Fixed-point text for tables: what {@code String.format(Locale.ROOT, "%.Nf", v)} prints (the
 * shortest decimal form of the double, rounded half up), without {@link java.util.Formatter}, whose
 * first use costs a command several milliseconds.
 */
public final class Decimals {
    private Decimals() {
    }

    /** {@code v} with {@code places} decimals; NaN and the infinities as Formatter prints them. */
    public static String fixed(final double v, final int places) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Infinity" : "-Infinity";
        }
        final String s = new BigDecimal(Double.toString(v)).setScale(places, RoundingMode.HALF_UP).toPlainString();
        // Formatter keeps the sign of a negative value that rounds to zero ("-0.0")
        return v < 0 || (v == 0 && 1 / v < 0) ? (s.startsWith("-") ? s : "-" + s) : s;
    }
}
