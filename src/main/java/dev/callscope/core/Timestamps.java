package dev.callscope.core;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Packet times are longs in nanoseconds since the epoch; these helpers format them. */
public final class Timestamps {
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private Timestamps() {
    }

    /**
     * {@code 2011-07-28 12:54:46.556175} (microseconds, truncated, UTC). Computed directly (civil date
     * from days since the epoch) rather than through java.time's formatter, whose first use costs a
     * command several milliseconds.
     */
    public static String utc(final long nanos) {
        return utcDateTime(nanos);
    }

    /** {@code 12:54:46.556}: the time of day in UTC to the millisecond (truncated), as ladders and tables show it. */
    public static String clock(final long nanos) {
        final long millis = Math.floorMod(nanos, 1_000_000_000L) / 1_000_000;
        final int secOfDay = (int) Math.floorMod(Math.floorDiv(nanos, 1_000_000_000L), 86_400L);
        return pad(secOfDay / 3600, 2) + ":" + pad(secOfDay / 60 % 60, 2) + ":" + pad(secOfDay % 60, 2) + "." + pad(millis, 3);
    }

    private static String utcDateTime(final long nanos) {
        final long sec = Math.floorDiv(nanos, 1_000_000_000L);
        final long micros = Math.floorMod(nanos, 1_000_000_000L) / 1000;
        final int secOfDay = (int) Math.floorMod(sec, 86_400L);
        final long date = civil(Math.floorDiv(sec, 86_400L));
        final long year = Math.floorDiv(date, 10_000);
        final int month = (int) Math.floorMod(date, 10_000) / 100;
        final int day = (int) Math.floorMod(date, 100);
        if (year < 0 || year > 9999) {
            return UTC.format(Instant.ofEpochSecond(sec)) + "." + pad(micros, 6);
        }
        final StringBuilder sb = new StringBuilder(26);
        sb.append(pad(year, 4)).append('-').append(pad(month, 2)).append('-').append(pad(day, 2)).append(' ')
            .append(pad(secOfDay / 3600, 2)).append(':').append(pad(secOfDay / 60 % 60, 2)).append(':')
            .append(pad(secOfDay % 60, 2)).append('.').append(pad(micros, 6));
        return sb.toString();
    }

    /**
     * The civil date of a day counted from 1970-01-01 in the proleptic Gregorian calendar (eras of
     * 400 years), as year * 10,000 + month * 100 + day (taken apart with floorDiv and floorMod: a
     * year may be negative).
     */
    private static long civil(final long days) {
        final long z = days + 719_468;
        final long era = Math.floorDiv(z, 146_097);
        final long doe = z - era * 146_097;
        final long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        final long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        final long mp = (5 * doy + 2) / 153;
        final int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        final int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        final long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        return year * 10_000 + month * 100 + day;
    }

    private static String pad(final long v, final int width) {
        final String s = Long.toString(v);
        return s.length() >= width ? s : "0".repeat(width - s.length()) + s;
    }

    /**
     * ISO-8601 in UTC, for JSON: what {@code Instant.toString()} prints (seconds always, then the
     * fraction in groups of three digits as needed, then Z), computed directly: a JSON Lines run
     * writes millions of these.
     */
    public static String iso(final long nanos) {
        final long sec = Math.floorDiv(nanos, 1_000_000_000L);
        final int nano = (int) Math.floorMod(nanos, 1_000_000_000L);
        final int secOfDay = (int) Math.floorMod(sec, 86_400L);
        final long date = civil(Math.floorDiv(sec, 86_400L));
        final long year = Math.floorDiv(date, 10_000);
        final int month = (int) Math.floorMod(date, 10_000) / 100;
        final int day = (int) Math.floorMod(date, 100);
        if (year < 0 || year > 9999) {
            return Instant.ofEpochSecond(sec, nano).toString();
        }
        final byte[] b = new byte[30];
        digits(b, 0, (int) year, 4);
        b[4] = '-';
        digits(b, 5, month, 2);
        b[7] = '-';
        digits(b, 8, day, 2);
        b[10] = 'T';
        digits(b, 11, secOfDay / 3600, 2);
        b[13] = ':';
        digits(b, 14, secOfDay / 60 % 60, 2);
        b[16] = ':';
        digits(b, 17, secOfDay % 60, 2);
        int n = 19;
        if (nano != 0) {
            b[n++] = '.';
            if (nano % 1_000_000 == 0) {
                digits(b, n, nano / 1_000_000, 3);
                n += 3;
            } else if (nano % 1000 == 0) {
                digits(b, n, nano / 1000, 6);
                n += 6;
            } else {
                digits(b, n, nano, 9);
                n += 9;
            }
        }
        b[n++] = 'Z';
        return new String(b, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static void digits(final byte[] b, final int at, final int value, final int width) {
        int v = value;
        for (int i = at + width - 1; i >= at; i--) {
            b[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
    }

    /**
     * A duration or relative time as seconds with six decimals ({@code "12.345678"}), rounded half up
     * at the microsecond; what {@code String.format("%.6f", nanos / 1e9)} prints, without its cost
     * (tables print thousands of these).
     */
    public static String secondsText(final long nanos) {
        final boolean negative = nanos < 0;
        final long micros = (Math.abs(nanos) + 500) / 1000;
        final long whole = micros / 1_000_000;
        final int frac = (int) (micros % 1_000_000);
        final StringBuilder sb = new StringBuilder(20);
        if (negative) {
            sb.append('-');
        }
        sb.append(whole).append('.');
        for (int d = 100_000; d > 0; d /= 10) {
            sb.append((char) ('0' + frac / d % 10));
        }
        return sb.toString();
    }

    /** Seconds as a double, for JSON and relative times. */
    public static double seconds(final long nanos) {
        return nanos / 1e9;
    }
}
