package dev.callscope.flow.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SsrcHexTest {
    @Test
    void printsWhatFormatPrints() {
        final Random rnd = new Random(9);
        final long[] fixed = {0, 1, 0xA, 0xFFFF_FFFFL, 0x8000_0000L, 0x0A73_28F3L, 0x1_0000_0000L, -1};
        for (final long v : fixed) {
            assertThat(RtpStream.ssrcHex(v)).isEqualTo(String.format("0x%08X", v));
        }
        for (int i = 0; i < 100_000; i++) {
            final long v = rnd.nextInt() & 0xFFFF_FFFFL;
            assertThat(RtpStream.ssrcHex(v)).isEqualTo(String.format("0x%08X", v));
        }
    }
}
