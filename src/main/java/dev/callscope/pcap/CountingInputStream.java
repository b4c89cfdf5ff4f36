package dev.callscope.pcap;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the bytes read from a file (before any decompression) for progress displays. The count
 * changes once per {@code read} call, not per packet, and may be read from another thread.
 */
final class CountingInputStream extends FilterInputStream {
    private volatile long count;

    CountingInputStream(final InputStream in) {
        super(in);
    }

    /** Bytes read so far. */
    long count() {
        return count;
    }

    @Override
    public int read() throws IOException {
        final int b = in.read();
        if (b >= 0) {
            count++;
        }
        return b;
    }

    @Override
    public int read(final byte[] b, final int off, final int len) throws IOException {
        final int r = in.read(b, off, len);
        if (r > 0) {
            count += r;
        }
        return r;
    }

    @Override
    public long skip(final long n) throws IOException {
        final long s = in.skip(n);
        if (s > 0) {
            count += s;
        }
        return s;
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
