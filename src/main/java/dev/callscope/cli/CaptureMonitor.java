package dev.callscope.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Watches a live capture's counters while it runs, on its own daemon thread, so drops are seen as
 * they happen and not only in the final summary:
 * <ul>
 * <li>a packet counter on stderr when it is a terminal, under the {@code Capturing on 'lo'} line,
 * rewritten in place four times a second, e.g. {@code 1,204,332 packets, 301,200/s; dropped: kernel
 * 0, queue 0}, cut to the terminal's width, and left with its final figures when the capture stops
 * (as tshark leaves {@code 10 packets captured});
 * <li>with {@code --interval}, one record per interval with the packets and drops of that interval,
 * handed to a sink as it closes (JSON Lines on standard output) and kept, up to a bound, for the
 * final document.
 * </ul>
 * It only reads counters the capture keeps anyway; the capture thread does no work for it.
 */
final class CaptureMonitor implements AutoCloseable {
    /** Redraw period of the status line. */
    static final long PERIOD_MS = 250;

    /** Counters of a capture at one moment. */
    record Counters(long packets, long kernelDropped, long ifDropped, long queueDropped, long queued) {
    }

    private final Supplier<Counters> counters;
    private final PrintWriter status;
    private final long intervalNanos;
    private final int maxIntervals;
    private final Consumer<Map<String, Object>> sink;
    private final List<Map<String, Object>> intervals = new ArrayList<>();
    private final Object lock = new Object();
    private final Thread thread;
    private long intervalsDropped;
    private boolean shown;
    private boolean closed;

    /**
     * @param status where the packet counter goes (a terminal), or null for none
     * @param intervalNanos length of an interval, or 0 for none
     * @param sink receives each interval record as it closes, or null
     */
    CaptureMonitor(final Supplier<Counters> counters, final PrintWriter status,
                   final long intervalNanos, final int maxIntervals, final Consumer<Map<String, Object>> sink) {
        this.counters = counters;
        this.status = status;
        this.intervalNanos = intervalNanos;
        this.maxIntervals = maxIntervals;
        this.sink = sink;
        this.thread = new Thread(this::loop, "callscope-capture-monitor");
        thread.setDaemon(true);
        if (status != null || intervalNanos > 0) {
            thread.start();
        }
    }

    /** Monotonic and wall-clock time of the start. */
    private final long start = System.nanoTime();
    private final long startWall = System.currentTimeMillis() * 1_000_000L;
    /** The open interval: when it started and the counters then (the monitor thread's, then close's). */
    private long intervalFrom = start;
    private Counters atInterval = new Counters(0, 0, 0, 0, 0);

    /** Columns of the terminal on stderr (set by the monitor thread before it first draws). */
    private volatile int width;

    private void loop() {
        width = status == null ? 0 : TerminalInfo.progressWidth(); // may run stty: on this thread
        long nextDraw = start + PERIOD_MS * 1_000_000L;
        long nextInterval = intervalNanos > 0 ? start + intervalNanos : Long.MAX_VALUE;
        Counters atDraw = atInterval;
        long drawnAt = start;
        try {
            while (true) {
                final long wake = Math.min(status != null ? nextDraw : Long.MAX_VALUE, nextInterval);
                synchronized (lock) {
                    long wait;
                    while (!closed && (wait = wake - System.nanoTime()) > 0) {
                        lock.wait(Math.max(1, wait / 1_000_000L));
                    }
                    if (closed) {
                        return;
                    }
                }
                final long now = System.nanoTime();
                final Counters c = counters.get();
                if (now >= nextInterval) {
                    interval(intervalFrom, intervalNanos, atInterval, c);
                    atInterval = c;
                    intervalFrom = nextInterval;
                    nextInterval += intervalNanos;
                }
                if (status != null && now >= nextDraw) {
                    final double rate = (c.packets() - atDraw.packets()) * 1e9 / Math.max(1, now - drawnAt);
                    synchronized (lock) {
                        if (closed) {
                            return;
                        }
                        final String text = line(c, rate);
                        // the last column would wrap on some terminals, and a wrapped line is not rewritten in place
                        status.print("\r" + (text.length() < width ? text : text.substring(0, Math.max(0, width - 1)))
                            + "\033[K");
                        status.flush();
                        shown = true;
                    }
                    atDraw = c;
                    drawnAt = now;
                    nextDraw = now + PERIOD_MS * 1_000_000L;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The counter's text while capturing. */
    static String line(final Counters c, final double rate) {
        return String.format(Locale.ROOT, "%,d packets, %,.0f/s; dropped: kernel %,d, queue %,d",
            c.packets(), rate, c.kernelDropped() + c.ifDropped(), c.queueDropped());
    }

    /** The counter's text once the capture stopped. */
    static String last(final Counters c) {
        return String.format(Locale.ROOT, "%,d packets captured; dropped: kernel %,d, queue %,d",
            c.packets(), c.kernelDropped() + c.ifDropped(), c.queueDropped());
    }

    private void interval(final long fromNanos, final long lengthNanos, final Counters from, final Counters to) {
        final Map<String, Object> r = new LinkedHashMap<>();
        r.put("start", dev.callscope.core.Timestamps.iso(startWall + (fromNanos - start)));
        r.put("seconds", lengthNanos / 1e9);
        r.put("packets", to.packets() - from.packets());
        r.put("kernel_dropped", to.kernelDropped() - from.kernelDropped());
        r.put("if_dropped", to.ifDropped() - from.ifDropped());
        r.put("queue_dropped", to.queueDropped() - from.queueDropped());
        r.put("queued", to.queued());
        synchronized (lock) {
            if (intervals.size() < maxIntervals) {
                intervals.add(r);
            } else {
                intervalsDropped++;
            }
        }
        if (sink != null) {
            sink.accept(r);
        }
    }

    /** The counters now (from the caller's thread). */
    Counters current() {
        return counters.get();
    }

    /** The intervals kept so far. */
    List<Map<String, Object>> intervals() {
        synchronized (lock) {
            return List.copyOf(intervals);
        }
    }

    /** Intervals past the bound, counted and not kept. */
    long intervalsDropped() {
        synchronized (lock) {
            return intervalsDropped;
        }
    }

    /**
     * Stops the thread, leaves the counter with its final figures and closes the last interval, which
     * is shorter than the others ({@code seconds} gives its length); idempotent.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            lock.notifyAll();
            if (shown) {
                final String text = last(counters.get());
                status.print("\r" + (text.length() < width ? text : text.substring(0, Math.max(0, width - 1))) + "\033[K\n");
                status.flush();
                shown = false;
            }
        }
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (intervalNanos > 0 && !thread.isAlive()) {
            final long now = System.nanoTime();
            interval(intervalFrom, now - intervalFrom, atInterval, counters.get());
        }
    }

}
