package dev.callscope.cli;

import dev.callscope.output.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Output written while the capture is read (JSON Lines of calls, messages, streams as they end),
 * to standard output or to the {@code -o} file, which is moved into place only when the command
 * finishes (whole or not at all). What was written is flushed a few times a second, so a reader at
 * the other end of a pipe sees records as they are made, without a system call per record.
 */
final class StreamingOutput implements AutoCloseable {
    /** How often pending output is flushed, ms. */
    private static final long FLUSH_MS = 200;

    private final OutputTarget target;
    private final boolean toStdout;
    private final PrintWriter writer;
    /** The bytes beneath {@link #writer} that records are encoded into, or null: through the writer. */
    private final OutputStream bytes;
    /** Text went to the writer after the last record: it is flushed before the next record. */
    private boolean text;
    private final Thread flusher;
    private volatile boolean written;
    private long records;
    private Json.Lines gen;

    private StreamingOutput(final OutputTarget target, final boolean toStdout) {
        this.target = target;
        this.toStdout = toStdout;
        this.writer = target.writer();
        this.bytes = target.bytes() == null ? null : quiet(target.bytes());
        this.flusher = new Thread(this::flushLoop, "callscope-flush");
        flusher.setDaemon(true);
        flusher.start();
    }

    static StreamingOutput open(final OutputOptions options, final CommandSpec spec) throws IOException {
        return new StreamingOutput(OutputTarget.of(options.output, spec.commandLine().getOut()), !options.toFile());
    }

    /** Whether the records go to standard output (not to an -o file). */
    boolean toStdout() {
        return toStdout;
    }

    private void flushLoop() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(FLUSH_MS);
                if (written) {
                    written = false;
                    writer.flush(); // PrintWriter locks, so this is safe beside the writing thread
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes one JSON Lines record (a tree or a {@link Json.Writable}). */
    void line(final Object node) {
        try {
            if (gen == null) {
                gen = bytes != null ? Json.Lines.of(bytes) : Json.Lines.of(writer);
            }
            if (text) {
                text = false;
                writer.flush();
            }
            gen.write(node); // into the writer's buffer only: the flusher thread decides when it reaches the system
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        written = true;
        records++;
        HeapGuard.tick();
    }

    PrintWriter writer() {
        flushRecords();
        written = true;
        text = bytes != null;
        return writer;
    }

    long records() {
        return records;
    }

    /**
     * {@code out} failing as the writer above it does: silently, the target keeping the reason (a
     * reader gone from a pipe ends the output quietly, a full disk is reported at the end).
     */
    private static OutputStream quiet(final OutputStream out) {
        return new OutputStream() {
            @Override
            public void write(final int b) {
                try {
                    out.write(b);
                } catch (IOException remembered) {
                    // the target's stream keeps it
                }
            }

            @Override
            public void write(final byte[] b, final int off, final int len) {
                try {
                    out.write(b, off, len);
                } catch (IOException remembered) {
                    // the target's stream keeps it
                }
            }

            @Override
            public void flush() {
                try {
                    out.flush();
                } catch (IOException remembered) {
                    // the target's stream keeps it
                }
            }
        };
    }

    private void flushRecords() {
        if (gen != null) {
            try {
                gen.flush();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** Everything was written: flush, and move the -o file into place. */
    void commit() throws IOException {
        flushRecords();
        flusher.interrupt();
        target.commit();
    }

    @Override
    public void close() {
        flusher.interrupt();
        target.close();
    }
}
