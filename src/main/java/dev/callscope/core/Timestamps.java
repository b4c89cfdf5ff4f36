package dev.callscope.core;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Packet times are longs in nanoseconds since the epoch; these helpers format them. */
public final class Timestamps {
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private Timestamps() {
    }

    /** {@code 2011-07-28 12:54:46.556175} (microseconds, UTC). */
    public static String utc(final long nanos) {
        final long sec = Math.floorDiv(nanos, 1_000_000_000L);
        final long frac = Math.floorMod(nanos, 1_000_000_000L);
        return UTC.format(Instant.ofEpochSecond(sec)) + String.format(".%06d", frac / 1000);
    }

    /** ISO-8601 with nanoseconds, for JSON. */
    public static String iso(final long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)).toString();
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
