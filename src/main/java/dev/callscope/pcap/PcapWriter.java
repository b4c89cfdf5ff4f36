package dev.callscope.pcap;

import dev.callscope.core.RawFrame;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes a classic pcap file (layout in {@link PcapReader}) with microsecond or nanosecond
 * timestamps in a chosen byte order; used to build test fixtures. Microsecond files truncate the
 * nanoseconds of {@code RawFrame.tsNanos}. {@link #close} flushes and closes the stream.
 */
public final class PcapWriter implements Closeable {
    private static final int BUFFER_SIZE = 1 << 16;

    private final OutputStream out;
    private final ByteBuffer buf;
    private final boolean nanos;
    private boolean closed;

    /**
     * Writes the file header.
     *
     * @param nanos nanosecond timestamps (magic a1b23c4d) instead of microseconds
     * @param order byte order of every header field
     */
    public PcapWriter(final OutputStream out, final int linkType, final int snaplen, final boolean nanos,
            final ByteOrder order) throws IOException {
        this.out = out;
        this.nanos = nanos;
        this.buf = ByteBuffer.allocate(BUFFER_SIZE).order(order);
        buf.putInt(nanos ? PcapReader.MAGIC_NANOS : PcapReader.MAGIC_MICROS).putShort((short) 2).putShort((short) 4)
                .putInt(0).putInt(0).putInt(snaplen).putInt(linkType);
    }

    /** Writes {@code frame} (its link type is not checked against the header's). */
    public void write(final RawFrame frame) throws IOException {
        write(frame.tsNanos, frame.data, 0, frame.capLen, frame.origLen);
    }

    /** Writes one record from {@code data[off .. off + capLen)}. */
    public void write(final long tsNanos, final byte[] data, final int off, final int capLen, final int origLen)
            throws IOException {
        if (closed) {
            throw new IOException("pcap writer is closed");
        }
        final long sec = Math.floorDiv(tsNanos, 1_000_000_000L);
        final long frac = Math.floorMod(tsNanos, 1_000_000_000L);
        if (buf.remaining() < PcapReader.RECORD_HEADER_LENGTH) {
            flushBuffer();
        }
        buf.putInt((int) sec).putInt((int) (nanos ? frac : frac / 1000)).putInt(capLen).putInt(origLen);
        if (buf.remaining() < capLen) {
            flushBuffer();
            if (capLen > BUFFER_SIZE) {
                out.write(data, off, capLen);
                return;
            }
        }
        buf.put(data, off, capLen);
    }

    /** Writes buffered records to the stream and flushes it. */
    public void flush() throws IOException {
        flushBuffer();
        out.flush();
    }

    private void flushBuffer() throws IOException {
        if (buf.position() > 0) {
            out.write(buf.array(), 0, buf.position());
            buf.clear();
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            flush();
        } finally {
            out.close();
        }
    }
}
