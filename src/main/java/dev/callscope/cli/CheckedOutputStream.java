package dev.callscope.cli;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * An output stream that remembers the first IOException of the stream beneath it (PrintWriter
 * keeps only a flag), so the command can say why its output was lost. After a failure further
 * bytes are dropped: no system call per line into a full disk or a closed pipe.
 */
final class CheckedOutputStream extends FilterOutputStream {
    private volatile IOException failure;
    private boolean closed;

    CheckedOutputStream(final OutputStream out) {
        super(out);
    }

    /** The first write, flush or close that failed, or null. */
    IOException failure() {
        return failure;
    }

    @Override
    public void write(final int b) throws IOException {
        if (failure == null) {
            try {
                out.write(b);
            } catch (IOException e) {
                throw failed(e);
            }
        }
    }

    @Override
    public void write(final byte[] b, final int off, final int len) throws IOException {
        if (failure == null) {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw failed(e);
            }
        }
    }

    @Override
    public void flush() throws IOException {
        if (failure == null) {
            try {
                out.flush();
            } catch (IOException e) {
                throw failed(e);
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            if (failure == null) {
                throw failed(e);
            }
        }
    }

    private IOException failed(final IOException e) {
        if (failure == null) {
            failure = e;
        }
        return e;
    }

    /**
     * Whether the failure only means that the reader went away (EPIPE: {@code | head -1} has what it
     * wanted). That is no error: the command ends quietly.
     */
    static boolean readerGone(final IOException e) {
        final String m = e.getMessage();
        return m != null && (m.contains("Broken pipe") || m.contains("Connection reset by peer"));
    }

    /** The system's reason, as "No space left on device". */
    static String reason(final IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
