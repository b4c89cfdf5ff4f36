package dev.callscope.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimestampsTest {
    private static final java.time.format.DateTimeFormatter REF =
        java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(java.time.ZoneOffset.UTC);

    @Test
    void utcPrintsWhatJavaTimePrints() {
        final Random rnd = new Random(5);
        final long[] fixed = {0, -1, 1, 999_999_999, -1_000_000_000L, 951_782_400_000_000_000L /* 2000-02-29 */,
            4_107_542_400_000_000_000L /* 2100-03-01 */, -2_208_988_800_000_000_000L /* 1900-01-01 */, Long.MAX_VALUE};
        for (final long n : fixed) {
            assertThat(Timestamps.utc(n)).as("%d", n).isEqualTo(REF.format(java.time.Instant.ofEpochSecond(
                Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L))));
        }
        for (int i = 0; i < 200_000; i++) {
            final long n = (rnd.nextLong() % 8_000_000_000_000_000_000L);
            assertThat(Timestamps.utc(n)).as("%d", n).isEqualTo(REF.format(java.time.Instant.ofEpochSecond(
                Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L))));
        }
    }

    @Test
    void isoPrintsWhatInstantPrints() {
        final Random rnd = new Random(7);
        final long[] fixed = {0, -1, 1, 1_000, 1_000_000, 999_999_999, -1_000_000_000L, 951_782_400_000_000_000L,
            4_107_542_400_000_000_000L, -2_208_988_800_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE,
            1_704_067_200_033_333_000L, 1_704_067_200_002_000_000L, 1_704_067_200_000_000_000L};
        for (final long n : fixed) {
            assertThat(Timestamps.iso(n)).as("%d", n).isEqualTo(java.time.Instant.ofEpochSecond(
                Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L)).toString());
        }
        for (int i = 0; i < 200_000; i++) {
            long n = rnd.nextLong();
            switch (i % 4) {
                case 0 -> n -= n % 1_000_000; // milliseconds
                case 1 -> n -= n % 1_000; // microseconds
                case 2 -> n -= n % 1_000_000_000L; // whole seconds
                default -> { }
            }
            assertThat(Timestamps.iso(n)).as("%d", n).isEqualTo(java.time.Instant.ofEpochSecond(
                Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L)).toString());
        }
    }

    @Test
    void secondsTextPrintsWhatFormatPrints() {
        final Random rnd = new Random(11);
        final long[] fixed = {0, 1, 499, 500, 501, 999, 1000, 1500, 2500, 999_999_499, 999_999_500, 1_000_000_000L,
            -1, -499, -500, -501, -1500, -2_500_000_000L, 86_400_000_000_000L + 123_456_789L};
        for (final long n : fixed) {
            assertThat(Timestamps.secondsText(n)).as("%d ns", n).isEqualTo(String.format(Locale.ROOT, "%.6f", n / 1e9));
        }
        for (int i = 0; i < 200_000; i++) {
            final long n = switch (i % 4) {
                case 0 -> rnd.nextInt(1_000_000_000);
                case 1 -> (long) rnd.nextInt(100_000_000) * 1000 + 500; // exact half microseconds
                case 2 -> rnd.nextLong() % 10_000_000_000_000L;
                default -> (long) rnd.nextInt(1_000_000) * 1000;
            };
            assertThat(Timestamps.secondsText(n)).as("%d ns", n).isEqualTo(String.format(Locale.ROOT, "%.6f", n / 1e9));
        }
    }

    @Test
    void clockIsTheUtcTimeOfDayToTheMillisecondAsJavaTimeFormatsIt() {
        final java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(java.time.ZoneOffset.UTC);
        final java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < 10_000; i++) {
            final long nanos = r.nextLong() % 4_000_000_000_000_000_000L;
            assertThat(Timestamps.clock(nanos)).as("%d", nanos)
                .isEqualTo(f.format(java.time.Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L))));
        }
        assertThat(Timestamps.clock(0)).isEqualTo("00:00:00.000");
        assertThat(Timestamps.clock(-1)).isEqualTo("23:59:59.999");
    }
}
