package dev.callscope.cli;

import dev.callscope.core.PacketSource;
import dev.callscope.pcap.MergedSource;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The progress line on stderr while capture files are read, e.g.
 * {@code reading big.pcap: 412.3 MiB of 1.2 GiB (34 %), 1.9 M packets/s, 12,345 calls}.
 *
 * <p>A daemon thread draws it {@link #DELAY_MS} after the start (short runs show nothing), then
 * every {@link #PERIOD_MS}, rewriting it in place ({@code \r}, cleared to the end of the line).
 * {@link #close()} erases it, and so does a shutdown hook on Ctrl-C, so nothing of it remains on the
 * screen. It only reads counters the source and the engine keep anyway ({@link
 * PacketSource#bytesRead()}, the frame count): no work per packet.
 *
 * <p>Whether to show it at all is {@link TerminalInfo#progress}'s decision; {@link #start} makes it.
 * The shell can use the same line while it opens a capture.
 */
final class Progress implements AutoCloseable {
    /** Nothing is shown for runs shorter than this. */
    static final long DELAY_MS = 500;
    /** Redraw period. */
    static final long PERIOD_MS = 250;

    /** Moves to the start of the line and clears it. */
    static final String ERASE = "\r\033[K";

    /** Shows nothing. */
    static final Progress NONE = new Progress();

    private final Object lock = new Object();
    private final PacketSource source;
    private final LongSupplier packets;
    private final LongSupplier calls;
    private final PrintWriter err;
    private final String name;
    private int width;
    private final long delayNanos;
    private final long periodNanos;
    private final long startNanos;
    private final Thread thread;
    private final Thread hook;
    private boolean shown;
    private boolean closed;

    private Progress() {
        this.source = null;
        this.packets = null;
        this.calls = null;
        this.err = null;
        this.name = null;
        this.width = 0;
        this.delayNanos = 0;
        this.periodNanos = 0;
        this.startNanos = 0;
        this.thread = null;
        this.hook = null;
        this.closed = true;
    }

    /** A line drawn {@code delayMs} after now, then every {@code periodMs}; {@code width} 0: ask {@link TerminalInfo}. */
    Progress(final PacketSource source, final LongSupplier packets, final LongSupplier calls, final PrintWriter err,
             final int width, final long delayMs, final long periodMs, final boolean hookCtrlC) {
        this.source = source;
        this.packets = packets;
        this.calls = calls;
        this.err = err;
        this.name = name(source);
        this.width = width;
        this.delayNanos = delayMs * 1_000_000L;
        this.periodNanos = periodMs * 1_000_000L;
        this.startNanos = System.nanoTime();
        this.thread = new Thread(this::loop, "callscope-progress");
        thread.setDaemon(true);
        this.hook = hookCtrlC ? new Thread(this::close, "callscope-progress-erase") : null;
        if (hook != null) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
        thread.start();
    }

    /**
     * Starts the line for reading {@code source} when {@link TerminalInfo#progress} allows it, else
     * returns {@link #NONE}.
     *
     * @param quiet --quiet was given
     * @param streamingToStdout records are written to standard output while the source is read
     * @param packets frames read so far (e.g. {@code Engine::frames}); called from the display thread
     * @param calls SIP calls seen so far, or null when no call tracker runs; called from the display thread
     * @param err where the line goes; null shows nothing
     */
    static Progress start(final boolean quiet, final boolean streamingToStdout, final PacketSource source,
                          final LongSupplier packets, final LongSupplier calls, final PrintWriter err) {
        if (err == null || !TerminalInfo.progress(quiet, streamingToStdout)) {
            return NONE;
        }
        return new Progress(source, packets, calls, err, 0, DELAY_MS, PERIOD_MS, true);
    }

    private void loop() {
        try {
            if (!sleepUntil(startNanos + delayNanos)) {
                return;
            }
            final int w = width > 0 ? width : TerminalInfo.progressWidth(); // may run stty: not under the lock
            long next = System.nanoTime();
            while (sleepUntil(next)) {
                final long now = System.nanoTime();
                synchronized (lock) {
                    if (closed) {
                        return;
                    }
                    width = w;
                    draw(now);
                }
                next = now + periodNanos;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until {@code deadline} (nanoTime); false when closed first. */
    private boolean sleepUntil(final long deadline) throws InterruptedException {
        synchronized (lock) {
            long wait;
            while (!closed && (wait = deadline - System.nanoTime()) > 0) {
                lock.wait(Math.max(1, wait / 1_000_000L));
            }
            return !closed;
        }
    }

    /** Draws the current state (with the lock held). */
    private void draw(final long now) {
        final long c = calls == null ? -1 : calls.getAsLong();
        final String text = line(name, source.bytesRead(), source.size(), packets.getAsLong(), now - startNanos, c, width);
        err.print("\r" + text + "\033[K");
        err.flush();
        shown = true;
    }

    /** Erases the line (if it was drawn) and stops; idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (shown) {
                err.print(ERASE);
                err.flush();
                shown = false;
            }
            lock.notifyAll();
        }
        if (hook != null && Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs (and finds the line erased)
            }
        }
    }

    /** Whether the line is on the screen now (for tests). */
    boolean shown() {
        synchronized (lock) {
            return shown;
        }
    }

    /** "big.pcap" (no directories), "&lt;stdin&gt;" or "3 files". */
    static String name(final PacketSource source) {
        if (source instanceof MergedSource m) {
            return m.sources().size() + " files";
        }
        final String d = source.describe();
        final int slash = d.lastIndexOf('/');
        return slash >= 0 && slash < d.length() - 1 ? d.substring(slash + 1) : d;
    }

    /**
     * The text of the line, at most {@code width - 1} characters (the last column would wrap on
     * some terminals): "reading " goes first, then the name is shortened from the left.
     *
     * @param bytes bytes read, or -1 when the source does not count them (then the packet count is shown)
     * @param size the input's size, or -1 when unknown (no percentage)
     * @param calls calls seen, or -1 for none shown
     */
    static String line(final String name, final long bytes, final long size, final long packets, final long elapsedNanos,
                       final long calls, final int width) {
        final StringBuilder rest = new StringBuilder(": ");
        if (bytes >= 0) {
            rest.append(bytes(bytes));
            if (size > 0) {
                rest.append(" of ").append(bytes(size)).append(" (").append(percent(bytes, size)).append(" %)");
            }
        } else {
            rest.append(count(packets)).append(packets == 1 ? " packet" : " packets");
        }
        final double rate = elapsedNanos > 0 ? packets * 1e9 / elapsedNanos : 0;
        rest.append(", ").append(count(rate)).append(" packets/s");
        if (calls >= 0) {
            rest.append(", ").append(String.format(Locale.ROOT, "%,d", calls)).append(calls == 1 ? " call" : " calls");
        }
        final int max = width - 1;
        String head = "reading ";
        if (head.length() + name.length() + rest.length() > max) {
            head = ""; // the name matters more
        }
        String n = name;
        final int room = max - head.length() - rest.length();
        if (n.length() > room) {
            n = room > 3 ? "..." + n.substring(n.length() - (room - 3)) : "";
        }
        final String all = head + n + rest;
        return all.length() > max ? all.substring(0, Math.max(0, max)) : all;
    }

    /** Whole percent, rounded down, at most 100. */
    static long percent(final long part, final long whole) {
        if (whole <= 0) {
            return 0;
        }
        final double p = Math.floor(part * 100.0 / whole);
        return (long) Math.max(0, Math.min(100, p));
    }

    private static final String[] BYTE_UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    private static final String[] COUNT_UNITS = {"k", "M", "G", "T"};

    /** "512 B", "1.0 KiB", "412.3 MiB", "1.2 GiB" (binary units, one decimal). */
    static String bytes(final long n) {
        if (n < 1024) {
            return n + " B";
        }
        double v = n;
        int u = -1;
        while (v >= 1023.95 && u < BYTE_UNITS.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, BYTE_UNITS[u]);
    }

    /** "950", "9,876", "12.3 k", "669 k", "1.9 M" (decimal units from 10,000 on, one decimal below 100). */
    static String count(final double n) {
        if (n < 9999.5) {
            return String.format(Locale.ROOT, "%,d", Math.round(Math.max(0, n)));
        }
        double v = n;
        int u = -1;
        while (v >= 999.95 && u < COUNT_UNITS.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, v >= 99.95 ? "%.0f %s" : "%.1f %s", v, COUNT_UNITS[u]);
    }
}
