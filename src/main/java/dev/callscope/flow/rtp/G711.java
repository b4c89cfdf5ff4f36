package dev.callscope.flow.rtp;

/** ITU-T G.711 expansion to 16-bit linear PCM (µ-law and A-law), by the formulas of the standard. */
public final class G711 {
    private static final short[] ULAW = new short[256];
    private static final short[] ALAW = new short[256];

    static {
        for (int i = 0; i < 256; i++) {
            ULAW[i] = ulawToLinear(i);
            ALAW[i] = alawToLinear(i);
        }
    }

    private G711() {
    }

    /** µ-law byte to linear: bits are inverted, then sign, 3-bit exponent, 4-bit mantissa with a bias of 0x84. */
    private static short ulawToLinear(final int code) {
        final int u = ~code & 0xFF;
        final int exponent = (u >>> 4) & 0x07;
        final int mantissa = u & 0x0F;
        final int magnitude = ((mantissa << 3) + 0x84) << exponent;
        return (short) ((u & 0x80) != 0 ? 0x84 - magnitude : magnitude - 0x84);
    }

    /** A-law byte to linear: even bits inverted (XOR 0x55), then sign, 3-bit segment, 4-bit mantissa. */
    private static short alawToLinear(final int code) {
        final int a = (code ^ 0x55) & 0xFF;
        final int segment = (a >>> 4) & 0x07;
        final int mantissa = a & 0x0F;
        int magnitude = (mantissa << 4) + 8;
        if (segment != 0) {
            magnitude = (magnitude + 0x100) << (segment - 1);
        }
        return (short) ((a & 0x80) != 0 ? magnitude : -magnitude);
    }

    public static short ulaw(final byte b) {
        return ULAW[b & 0xFF];
    }

    public static short alaw(final byte b) {
        return ALAW[b & 0xFF];
    }
}
