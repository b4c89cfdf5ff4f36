package dev.callscope.pcap;

import dev.callscope.core.InputException;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.ZipException;

/**
 * A large, refillable read buffer over an {@link InputStream}, with absolute-offset bookkeeping and
 * byte-order aware field reads. The readers peek at headers in place ({@link #array()} at
 * {@link #position()}), then {@link #advance} past them; packet bytes are copied straight into the
 * caller's array. Nothing is allocated after construction.
 *
 * <pre>
 *   buf[0]           pos                 limit           buf.length
 *     |---- consumed ---|---- buffered ----|---- free -------|
 *   stream offset of buf[0] = base
 * </pre>
 *
 * <p>Stream failures become {@link InputException}s naming the file: a cut-off gzip stream only
 * marks {@link #abnormalEof()} so that the reader can report a truncated file.
 */
final class InputBuffer implements Closeable {
    /** Default buffer size: large enough that one read() call serves thousands of small packets. */
    static final int DEFAULT_SIZE = 1 << 18;

    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final InputStream in;
    private final String name;
    private final byte[] buf;
    private int pos;
    private int limit;
    private long base;
    private boolean eof;
    private boolean abnormalEof;

    InputBuffer(final InputStream in, final String name) {
        this(in, name, DEFAULT_SIZE);
    }

    InputBuffer(final InputStream in, final String name, final int size) {
        this.in = in;
        this.name = name;
        this.buf = new byte[size];
    }

    /** Name of the input, for messages. */
    String name() {
        return name;
    }

    /** The backing array; valid bytes are {@code [position(), position() + available())}. */
    byte[] array() {
        return buf;
    }

    int position() {
        return pos;
    }

    int available() {
        return limit - pos;
    }

    /** Offset in the (decompressed) stream of the next unread byte. */
    long offset() {
        return base + pos;
    }

    /** Whether the stream ended with an error that means "cut off" (an incomplete gzip stream). */
    boolean abnormalEof() {
        return abnormalEof;
    }

    /** True when nothing is buffered and the stream is at its end. */
    boolean atEnd() throws InputException {
        return !ensure(1);
    }

    /**
     * Makes at least {@code n} bytes available at {@link #position()} ({@code n <= capacity}).
     *
     * @return false if the stream ends first (whatever is left stays available)
     */
    boolean ensure(final int n) throws InputException {
        if (limit - pos >= n) {
            return true;
        }
        fill(n);
        return limit - pos >= n;
    }

    void advance(final int n) {
        pos += n;
    }

    /**
     * Copies up to {@code n} bytes to {@code dst}; large remainders are read directly from the
     * stream, bypassing the buffer.
     *
     * @return the number of bytes copied, less than {@code n} only at the end of the stream
     */
    int read(final byte[] dst, final int off, final int n) throws InputException {
        int done = Math.min(n, limit - pos);
        System.arraycopy(buf, pos, dst, off, done);
        pos += done;
        while (done < n) {
            final int rest = n - done;
            if (rest >= buf.length >>> 1) {
                base += limit;
                pos = 0;
                limit = 0;
                final int r = rawRead(dst, off + done, rest);
                if (r < 0) {
                    return done;
                }
                base += r;
                done += r;
            } else {
                fill(rest);
                final int c = Math.min(rest, limit - pos);
                if (c == 0) {
                    return done;
                }
                System.arraycopy(buf, pos, dst, off + done, c);
                pos += c;
                done += c;
            }
        }
        return done;
    }

    /**
     * Discards {@code n} bytes by reading them (no {@code InputStream.skip}, which fails on pipes).
     *
     * @return the number of bytes skipped, less than {@code n} only at the end of the stream
     */
    long skip(final long n) throws InputException {
        long done = 0;
        while (done < n) {
            if (pos == limit) {
                fill(1);
                if (pos == limit) {
                    return done;
                }
            }
            final int c = (int) Math.min(n - done, limit - pos);
            pos += c;
            done += c;
        }
        return done;
    }

    /** Removes and returns everything buffered (used to re-wrap the stream for gzip). */
    byte[] drain() {
        final byte[] rest = Arrays.copyOfRange(buf, pos, limit);
        base += limit;
        pos = 0;
        limit = 0;
        return rest;
    }

    private void fill(final int need) throws InputException {
        if (pos > 0) {
            final int rest = limit - pos;
            System.arraycopy(buf, pos, buf, 0, rest);
            base += pos;
            pos = 0;
            limit = rest;
        }
        while (limit < need && !eof) {
            final int r = rawRead(buf, limit, buf.length - limit);
            if (r < 0) {
                return;
            }
            limit += r;
        }
    }

    private int rawRead(final byte[] dst, final int off, final int len) throws InputException {
        if (eof) {
            return -1;
        }
        try {
            final int r = in.read(dst, off, len);
            if (r < 0) {
                eof = true;
            }
            return r;
        } catch (final EOFException e) {
            eof = true;
            abnormalEof = true;
            return -1;
        } catch (final ZipException e) {
            throw new InputException(InputException.Kind.READ_ERROR, name + ": corrupt gzip data (" + e.getMessage() + ")", e);
        } catch (final InputException e) {
            throw e;
        } catch (final IOException e) {
            throw new InputException(InputException.Kind.READ_ERROR, name + ": read error: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    // ---- field reads on the array, in the byte order of the file ----

    static int int32(final byte[] b, final int off, final boolean bigEndian) {
        final int v = (int) INT_LE.get(b, off);
        return bigEndian ? Integer.reverseBytes(v) : v;
    }

    static int uint16(final byte[] b, final int off, final boolean bigEndian) {
        final short v = (short) SHORT_LE.get(b, off);
        return (bigEndian ? Short.reverseBytes(v) : v) & 0xFFFF;
    }

    static long int64(final byte[] b, final int off, final boolean bigEndian) {
        final long v = (long) LONG_LE.get(b, off);
        return bigEndian ? Long.reverseBytes(v) : v;
    }

    /** The first four bytes at {@code off} as a big-endian int (for magic numbers). */
    static int magic(final byte[] b, final int off) {
        return int32(b, off, true);
    }
}
