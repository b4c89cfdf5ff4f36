package dev.callscope.cli;

import dev.callscope.output.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Output written while the capture is read (JSON Lines of calls, messages, streams as they end),
 * to standard output or to the {@code -o} file, which is moved into place only when the command
 * finishes (whole or not at all). What was written is flushed a few times a second, so a reader at
 * the other end of a pipe sees records as they are made, without a system call per record.
 *
 * <p>A record whose data nothing will change any more (a call that is over, with its media
 * resolved) can be handed to {@link #lineLater}: it is encoded on a second thread, in the order
 * records were given, while the capture is read on. Records go over in batches of {@value #BATCH}
 * (a part-filled batch with each flush), so the threads meet once a batch; at most {@value
 * #QUEUED} batches wait, and the reading thread waits when the encoder is that far behind. Encoding a finished call and its
 * streams is as much work as reading its packets, so on two cores this overlaps the two.
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
    /** Records are handed to the encoder in batches of this many (or fewer, a few times a second). */
    static final int BATCH = 64;
    /** Batches handed over and not yet encoded: at most this many (each record holds a finished call). */
    static final int QUEUED = 8;
    /**
     * Weight (a call's messages and streams, a stream's 1) handed over since the encoder was last
     * caught up, past which the reading thread waits for it: what waits is bounded in size, not
     * only in number of records.
     */
    static final long MAX_WEIGHT = 50_000;
    private long unsettledWeight;
    private BlockingQueue<Json.Writable[]> queue;
    private Thread encoder;
    /** The batch being filled (guarded by this object: the flusher hands a part-filled one over). */
    private Json.Writable[] filling;
    private int filled;
    /** Records handed to the encoder (guarded by this object) and encoded (the encoder's count). */
    private long handed;
    private volatile long encoded;
    private volatile Thread waiter;
    private volatile Throwable encoderFailed;

    StreamingOutput(final OutputTarget target, final boolean toStdout) {
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
                synchronized (this) {
                    if (encoder != null) {
                        handOver(); // records wait for a full batch at most this long
                    }
                }
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                if (written) {
                    written = false;
                    writer.flush(); // PrintWriter locks, so this is safe beside the writing thread
                }
            }
        } catch (InterruptedException | java.util.concurrent.CancellationException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes one JSON Lines record (a tree or a {@link Json.Writable}). */
    void line(final Object node) {
        drain();
        encode(node);
        HeapGuard.tick();
    }

    /**
     * Writes one record later, on the encoder thread, after the records handed over before it and
     * before any written by {@link #line}: only for a record whose data nothing changes any more.
     * {@code weight} is its size in messages and streams (see {@link #MAX_WEIGHT}).
     */
    void lineLater(final Json.Writable node, final long weight) {
        rethrowEncoderFailure();
        // what waits for the encoder is bounded by its weight too (calls of thousands of messages):
        // past MAX_WEIGHT since the last time the encoder was caught up, wait until it is again
        unsettledWeight += weight;
        if (unsettledWeight > MAX_WEIGHT) {
            drain();
        }
        synchronized (this) {
            if (encoder == null) {
                queue = new ArrayBlockingQueue<>(QUEUED);
                encoder = new Thread(this::encodeLoop, "callscope-encode");
                encoder.setDaemon(true);
                encoder.start();
            }
            if (filling == null) {
                filling = new Json.Writable[BATCH];
            }
            filling[filled++] = node;
            if (filled == BATCH) {
                handOver();
            }
        }
        HeapGuard.tick();
    }

    /** Gives the batch being filled to the encoder (holding this object's lock, so batches keep their order). */
    private void handOver() {
        if (filled == 0) {
            return;
        }
        final Json.Writable[] b = filled == BATCH ? filling : java.util.Arrays.copyOf(filling, filled);
        handed += filled;
        filling = filled == BATCH ? null : filling;
        filled = 0;
        try {
            queue.put(b); // waits while the encoder is QUEUED batches behind
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("interrupted");
        }
    }

    private void encodeLoop() {
        long n = 0;
        try {
            while (true) {
                final Json.Writable[] batch = queue.take();
                for (final Json.Writable node : batch) {
                    if (encoderFailed == null) {
                        try {
                            encode(node);
                        } catch (RuntimeException | Error e) {
                            encoderFailed = e; // told to the reading thread at its next record or at the end
                        }
                    }
                }
                n += batch.length;
                encoded = n;
                final Thread w = waiter;
                if (w != null) {
                    LockSupport.unpark(w);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until every record handed to the encoder is written (before anything else is). */
    private void drain() {
        final long target;
        synchronized (this) {
            if (encoder == null) {
                return;
            }
            handOver();
            target = handed;
        }
        unsettledWeight = 0;
        waiter = Thread.currentThread();
        while (encoded < target && encoderFailed == null) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        waiter = null;
        rethrowEncoderFailure();
    }

    private void rethrowEncoderFailure() {
        final Throwable t = encoderFailed;
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
    }

    private void encode(final Object node) {
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
    }

    PrintWriter writer() {
        drain();
        flushRecords();
        written = true;
        text = bytes != null;
        return writer;
    }

    long records() {
        drain();
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
        drain();
        flushRecords();
        flusher.interrupt();
        target.commit();
    }

    @Override
    public void close() {
        if (encoder != null) {
            encoder.interrupt();
        }
        flusher.interrupt();
        target.close();
    }
}
