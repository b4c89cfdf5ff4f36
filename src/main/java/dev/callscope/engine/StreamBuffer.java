package dev.callscope.engine;

/**
 * Bytes of one TCP direction delivered in order but not yet consumed by the dissector (a partial
 * PDU). Grows on demand up to a cap; the engine discards it and reports a gap past the cap.
 */
final class StreamBuffer {
    byte[] data = new byte[0];
    int length;

    /** Appends; false when the result would exceed {@code cap} (nothing appended). */
    boolean append(final byte[] src, final int off, final int len, final int cap) {
        final long need = (long) length + len;
        if (need > cap) {
            return false;
        }
        if (need > data.length) {
            final byte[] n = new byte[(int) Math.min(cap, Math.max(need, Math.max(256, data.length * 2L)))];
            System.arraycopy(data, 0, n, 0, length);
            data = n;
        }
        System.arraycopy(src, off, data, length, len);
        length += len;
        return true;
    }

    /** Drops the first {@code n} bytes. */
    void consume(final int n) {
        if (n >= length) {
            length = 0;
        } else {
            System.arraycopy(data, n, data, 0, length - n);
            length -= n;
        }
        if (length == 0 && data.length > 64 * 1024) {
            data = new byte[0]; // give a large buffer back once empty
        }
    }

    void clear() {
        length = 0;
        if (data.length > 64 * 1024) {
            data = new byte[0];
        }
    }
}
