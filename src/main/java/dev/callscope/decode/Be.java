package dev.callscope.decode;

/** Big-endian unsigned reads over a byte array. Callers check bounds first. */
final class Be {
    private Be() {
    }

    static int u8(final byte[] b, final int off) {
        return b[off] & 0xFF;
    }

    static int u16(final byte[] b, final int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    static int u16le(final byte[] b, final int off) {
        return (b[off] & 0xFF) | ((b[off + 1] & 0xFF) << 8);
    }

    static long u32(final byte[] b, final int off) {
        return (((long) (b[off] & 0xFF)) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8)
            | (b[off + 3] & 0xFF);
    }

    static long u32le(final byte[] b, final int off) {
        return (((long) (b[off + 3] & 0xFF)) << 24) | ((b[off + 2] & 0xFF) << 16) | ((b[off + 1] & 0xFF) << 8)
            | (b[off] & 0xFF);
    }
}
