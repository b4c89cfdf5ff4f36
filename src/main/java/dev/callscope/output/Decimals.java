package dev.callscope.output;

import java.util.Locale;

/**
 * Fixed-point text for tables: exactly what {@code String.format(Locale.ROOT, "%.Nf", v)} prints
 * (the shortest decimal digits of the double, rounded half up at the N-th decimal, the sign of a
 * negative value that rounds to zero kept), without {@link java.util.Formatter}, whose first use
 * costs a command several milliseconds and each use a microsecond or more: a table of a hundred
 * thousand RTP streams prints seven such numbers a row (0.8 s with the Formatter), computed here
 * from {@link Double#toString}'s digits.
 */
public final class Decimals {
    private Decimals() {
    }

    /** {@code v} with {@code decimals} (0-15) digits after the point; NaN and the infinities as Formatter prints them. */
    public static String fixed(final double v, final int decimals) {
        if (decimals < 0 || decimals > 15 || Double.isNaN(v) || Double.isInfinite(v)) {
            return String.format(Locale.ROOT, "%." + decimals + "f", v);
        }
        final boolean negative = Double.doubleToRawLongBits(v) < 0;
        final String s = Double.toString(Math.abs(v));
        // s is "123.456" or "1.234E-5": its digits (without the point) and where the point goes in them
        final int e = s.indexOf('E');
        final int mantissaEnd = e < 0 ? s.length() : e;
        final int exp = e < 0 ? 0 : Integer.parseInt(s, e + 1, s.length(), 10);
        final int dot = s.indexOf('.');
        final char[] digits = new char[mantissaEnd - 1];
        s.getChars(0, dot, digits, 0);
        s.getChars(dot + 1, mantissaEnd, digits, dot);
        final int point = dot + exp; // digits[0..point) are before the decimal point
        final int keep = point + decimals; // digits kept; the one after decides the rounding
        // the kept digits as a number's digits, with zeros where digits runs out
        final int n = Math.max(keep, 0);
        final char[] kept = new char[n + 1]; // room for a carry at the front
        kept[0] = '0';
        for (int i = 0; i < n; i++) {
            kept[i + 1] = i < digits.length ? digits[i] : '0';
        }
        if (keep >= 0 && keep < digits.length && digits[keep] >= '5') {
            int i = n;
            while (i > 0 && kept[i] == '9') {
                kept[i--] = '0';
            }
            kept[i]++;
        }
        // drop the leading zeros, but keep one digit before the point
        int from = 0;
        while (from < kept.length - decimals - 1 && kept[from] == '0') {
            from++;
        }
        final StringBuilder b = new StringBuilder(kept.length + decimals + 3);
        if (negative) {
            b.append('-');
        }
        final int len = kept.length - from;
        if (len <= decimals) {
            b.append('0');
            if (decimals > 0) {
                b.append('.');
                for (int i = len; i < decimals; i++) {
                    b.append('0');
                }
                b.append(kept, from, len);
            }
            return b.toString();
        }
        b.append(kept, from, len - decimals);
        if (decimals > 0) {
            b.append('.').append(kept, from + len - decimals, decimals);
        }
        return b.toString();
    }
}
