package dev.callscope.cli;

import dev.callscope.core.Timestamps;
import dev.callscope.core.Visible;

import dev.callscope.core.RawFrame;
import dev.callscope.flow.sip.CallState;
import dev.callscope.flow.sip.SipCall;
import dev.callscope.flow.sip.SipCallTracker;
import dev.callscope.ladder.SipLadders;
import dev.callscope.ladder.TextLadderRenderer;
import dev.callscope.ladder.explain.Explainer;
import dev.callscope.output.SipViews;
import dev.callscope.shell.LiveTerminal;
import dev.callscope.shell.LiveTerminal.Key;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * {@code capture --view calls}: the calls while capturing, like sngrep's call list.
 *
 * <p>On a terminal (standard input and output both one) the view takes the screen: the alternate
 * screen, raw keys without echo ({@link LiveTerminal}). It shows a calls list with the selected call
 * highlighted and a running Duration for calls in progress; the arrow keys select, Enter opens the
 * selected call's ladder, which grows as messages come, q or Esc goes back, q in the list stops the
 * capture (as Ctrl-C does). Otherwise (a pipe, a file) it prints one plain line per new call or change
 * of state and never reads the keyboard.
 *
 * <p>Threading: everything but {@link #key} runs on the analysis thread, the only one that touches
 * the tracker, so nothing is locked. That thread asks {@link #waitNanos()} how long it may wait for
 * the next frame and calls {@link #tick} after each frame and each wait, so a message that arrives
 * after a quiet spell is shown within {@link #REDRAW_NANOS} without waiting for the next packet. Keys
 * arrive on the key reader's thread: they are queued and the analysis thread is woken.
 */
final class LiveCallsView implements AutoCloseable {
    /** At most four redraws a second for traffic. */
    static final long REDRAW_NANOS = 250_000_000L;
    /** With no traffic the screen is still redrawn once a second: running timers, a resized window. */
    static final long IDLE_REDRAW_NANOS = 1_000_000_000L;
    /** Longest wait for a frame before the plain view looks again (nothing to show when idle). */
    private static final long PLAIN_WAIT_NANOS = 1_000_000_000L;

    private static final String REVERSE = "\033[7m";
    private static final String NORMAL = "\033[0m";
    private static final String ELLIPSIS = "…";

    /** The screen: its size now (a terminal, or a fixed size in tests). */
    interface Screen extends AutoCloseable {
        int width();

        int height();

        @Override
        void close();
    }

    private final PrintWriter out;
    private final SipCallTracker calls;
    private final String where;
    private final Screen screen;
    private final Runnable stop;
    private final Thread owner;
    private final ConcurrentLinkedQueue<Key> keys = new ConcurrentLinkedQueue<>();
    private final Map<String, CallState> printed = new HashMap<>();
    private Supplier<CaptureMonitor.Counters> status;
    private long packets;
    private long lastPacketNanos;
    private long lastPacketAt;
    private long tickedAt = System.nanoTime();
    private long seenMessages = -1;
    private boolean dirty = true;
    private long lastDraw = System.nanoTime() - IDLE_REDRAW_NANOS;
    private boolean stopped;
    private boolean closed;

    // list state: the selected call (null: follow the newest), and the first row shown
    private SipCall selected;
    private int top;
    // ladder state: the call whose ladder is open (null: the list), its lines and the first shown
    private SipCall open;
    private List<String> ladder = List.of();
    private int ladderMessages = -1;
    private CallState ladderState;
    private int ladderWidth;
    private int ladderTop;
    private boolean ladderFollow = true;

    /**
     * @param screen the terminal the view draws on, or null for plain lines
     * @param stop stops the capture (q in the list)
     */
    LiveCallsView(final PrintWriter out, final SipCallTracker calls, final Screen screen, final String where,
                  final Runnable stop) {
        this.out = out;
        this.calls = calls;
        this.screen = screen;
        this.where = where;
        this.stop = stop;
        this.owner = Thread.currentThread();
    }

    /**
     * The view for this process: on the terminal when {@code terminal} (standard output is one and
     * is not redirected to a file) and the terminal can be taken, else plain lines. Call on the
     * analysis thread.
     */
    static LiveCallsView open(final PrintWriter out, final SipCallTracker calls, final boolean terminal, final String where,
                              final Runnable stop) {
        if (!terminal) {
            return new LiveCallsView(out, calls, null, where, stop);
        }
        final LiveCallsView[] view = new LiveCallsView[1];
        LiveTerminal opened;
        try {
            opened = LiveTerminal.open(k -> {
                final LiveCallsView v = view[0];
                if (v != null) {
                    v.key(k);
                }
            });
        } catch (IOException | java.io.IOError | RuntimeException e) {
            opened = null; // a terminal JLine cannot take: plain lines, as on a pipe
        }
        final LiveTerminal t = opened;
        if (t == null) {
            return new LiveCallsView(out, calls, null, where, stop);
        }
        view[0] = new LiveCallsView(out, calls, new Screen() {
            @Override
            public int width() {
                return t.width();
            }

            @Override
            public int height() {
                return t.height();
            }

            @Override
            public void close() {
                t.close();
            }
        }, where, stop);
        return view[0];
    }

    /** Where the header reads the capture's counters (drops as they happen). */
    void status(final Supplier<CaptureMonitor.Counters> counters) {
        this.status = counters;
    }

    /** A key pressed (the key reader's thread): queued for the analysis thread, which is woken. */
    void key(final Key k) {
        keys.add(k);
        LockSupport.unpark(owner);
    }

    /**
     * How long the analysis thread may wait for a frame before calling {@link #tick} again; from the
     * time {@link #tick} last read (the queue is not waited on while frames are queued, so no second
     * clock read per frame).
     */
    long waitNanos() {
        if (!keys.isEmpty()) {
            return 0;
        }
        final long since = tickedAt - lastDraw;
        if (screen == null) {
            return dirty ? Math.max(0, REDRAW_NANOS - since) : PLAIN_WAIT_NANOS;
        }
        return Math.max(0, (dirty ? REDRAW_NANOS : IDLE_REDRAW_NANOS) - since);
    }

    /**
     * The capture's clock now: the time of the last packet plus the time since it was analysed (the
     * clock of the recording, which for HEP is the agents': running timers then agree with the
     * messages' times), or this machine's clock before the first packet.
     */
    private long now() {
        return lastPacketAt == 0 ? System.currentTimeMillis() * 1_000_000L
            : lastPacketNanos + (System.nanoTime() - lastPacketAt);
    }

    /** After a frame ({@code frame}) or a wait that brought none (null): draws when it is time. */
    void tick(final RawFrame frame) {
        final long now = System.nanoTime();
        tickedAt = now;
        if (frame != null) {
            packets++;
            lastPacketNanos = frame.tsNanos;
            lastPacketAt = now;
            if (screen != null) {
                dirty = true;
            } else if (calls.messageCount() != seenMessages) {
                seenMessages = calls.messageCount();
                dirty = true;
            }
        }
        boolean pressed = false;
        Key k;
        while ((k = keys.poll()) != null) {
            handle(k);
            pressed = true;
        }
        if (closed) {
            return;
        }
        final long since = now - lastDraw;
        if (pressed || dirty && since >= REDRAW_NANOS || screen != null && since >= IDLE_REDRAW_NANOS) {
            lastDraw = now;
            dirty = false;
            draw();
        }
    }

    /** The capture stopped: gives the terminal back and prints the final calls table (or the last changes). */
    void finish() {
        if (screen == null) {
            plainLines();
            return;
        }
        close();
        final List<SipCall> all = calls.calls();
        out.printf(Locale.ROOT, "%s (stopped)%n%n", header());
        SipViews.callsText(out, all, all.size());
        out.flush();
    }

    /** Gives the terminal back (on every way out); idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (screen != null) {
            out.flush();
            screen.close();
        }
    }

    // ------------------------------------------------------------------ keys

    private void handle(final Key k) {
        if (open != null) {
            final int page = Math.max(1, bodyRows());
            switch (k) {
                case UP -> scrollLadder(-1);
                case DOWN -> scrollLadder(1);
                case PAGE_UP -> scrollLadder(-page);
                case PAGE_DOWN -> scrollLadder(page);
                case HOME -> scrollLadder(-ladder.size());
                case END -> scrollLadder(ladder.size());
                case QUIT, ESCAPE, LEFT -> open = null;
                default -> {
                }
            }
            return;
        }
        final List<SipCall> all = calls.calls();
        final int at = position(all);
        final int page = Math.max(1, bodyRows());
        switch (k) {
            case UP -> select(all, at - 1);
            case DOWN -> select(all, at + 1);
            case PAGE_UP -> select(all, at - page);
            case PAGE_DOWN -> select(all, at + page);
            case HOME -> select(all, 0);
            case END -> selected = null; // follow the newest again
            case ENTER, RIGHT -> {
                if (at >= 0) {
                    open = all.get(at);
                    ladderMessages = -1;
                    ladderTop = 0;
                    ladderFollow = true;
                }
            }
            case QUIT -> {
                if (!stopped) {
                    stopped = true;
                    stop.run();
                }
            }
            default -> {
            }
        }
    }

    private void select(final List<SipCall> all, final int i) {
        if (all.isEmpty()) {
            return;
        }
        selected = all.get(Math.max(0, Math.min(all.size() - 1, i)));
    }

    /** The row of the selected call: the newest when none is selected or it is gone. */
    private int position(final List<SipCall> all) {
        if (selected != null) {
            final int i = all.indexOf(selected);
            if (i >= 0) {
                return i;
            }
            selected = null;
        }
        return all.size() - 1;
    }

    private void scrollLadder(final int by) {
        final int max = Math.max(0, ladder.size() - bodyRows());
        ladderTop = Math.max(0, Math.min(max, ladderTop + by));
        ladderFollow = ladderTop >= max;
    }

    // ------------------------------------------------------------------ drawing

    private int bodyRows() {
        return screen == null ? 0 : Math.max(1, screen.height() - 3);
    }

    private String header() {
        final CaptureMonitor.Counters c = status == null ? null : status.get();
        return String.format(Locale.ROOT, "Capturing on %s: %,d packets, %,d calls%s", where, packets, calls.liveCalls(),
            c == null ? "" : String.format(Locale.ROOT, "; dropped: kernel %,d, queue %,d", c.kernelDropped() + c.ifDropped(),
                c.queueDropped()));
    }

    private void draw() {
        if (screen == null) {
            plainLines();
            return;
        }
        final int width = Math.max(20, screen.width());
        final int height = Math.max(4, screen.height());
        final List<String> lines = open != null ? ladderScreen(width, height) : listScreen(width, height);
        final StringBuilder b = new StringBuilder(width * height + 64).append("\033[H");
        for (int i = 0; i < lines.size() && i < height; i++) {
            b.append(lines.get(i)).append("\033[K");
            if (i < height - 1) {
                b.append("\r\n");
            }
        }
        if (lines.size() < height) {
            b.append("\033[J");
        }
        out.print(b);
        out.flush();
    }

    private List<String> listScreen(final int width, final int height) {
        final List<SipCall> all = calls.calls();
        final int rows = height - 3;
        final int at = position(all);
        if (selected == null) {
            top = Math.max(0, all.size() - rows); // following the newest
        } else if (at < top) {
            top = at;
        } else if (at >= top + rows) {
            top = at - rows + 1;
        }
        top = Math.max(0, Math.min(top, Math.max(0, all.size() - rows)));
        final List<String> lines = new ArrayList<>(height);
        lines.add(fit(header(), width));
        final long now = now();
        lines.addAll(table(all, top, Math.min(all.size(), top + rows), at, width, now));
        while (lines.size() < height - 1) {
            lines.add("");
        }
        final String where = all.isEmpty() ? "no calls yet" : "call " + (at + 1) + " of " + all.size()
            + (selected == null ? " (following the newest)" : "");
        lines.add(fit("↑↓ select  Enter ladder  End newest  q stop  |  " + where, width - 1));
        return lines;
    }

    private List<String> ladderScreen(final int width, final int height) {
        final SipCall c = open;
        if (c.messageCount() != ladderMessages || c.state() != ladderState || width != ladderWidth) {
            ladderMessages = c.messageCount();
            ladderState = c.state();
            ladderWidth = width;
            final String text = new TextLadderRenderer(new TextLadderRenderer.Options(true, false, width))
                .render(SipLadders.of(List.of(c), false));
            final List<String> l = new ArrayList<>(text.lines().toList());
            if (!l.isEmpty()) {
                l.remove(0); // the title: the header line says it
            }
            ladder = l;
        }
        final int rows = height - 3;
        final int max = Math.max(0, ladder.size() - rows);
        ladderTop = ladderFollow ? max : Math.min(ladderTop, max);
        final long now = now();
        final List<String> lines = new ArrayList<>(height);
        lines.add(fit(Visible.of(String.format(Locale.ROOT, "Call %d  %s  %s -> %s  %s  %s  %s", c.index(), c.method(),
            c.from() == null ? "?" : c.from().uri(), c.to() == null ? "?" : c.to().uri(), c.state().label(),
            duration(c, now), c.callId())), width));
        lines.add("");
        for (int i = ladderTop; i < ladder.size() && i < ladderTop + rows; i++) {
            lines.add(fit(ladder.get(i), width));
        }
        while (lines.size() < height - 1) {
            lines.add("");
        }
        lines.add(fit("↑↓ PgUp PgDn scroll  q back  |  lines " + (ladder.isEmpty() ? 0 : ladderTop + 1) + "-"
            + Math.min(ladder.size(), ladderTop + rows) + " of " + ladder.size(), width - 1));
        return lines;
    }

    /** The header and rows {@code from..to} of the calls table fitted to {@code width}, row {@code mark} highlighted. */
    static List<String> table(final List<SipCall> all, final int from, final int to, final int mark, final int width,
                              final long nowNanos) {
        final String[] names = {"#", "Start", "Method", "From", "To", "Msgs", "State", "Duration", "Call-ID"};
        final boolean[] right = {true, false, false, false, false, true, false, true, false};
        final boolean[] flexible = {false, false, false, true, true, false, false, false, true};
        final List<String[]> cells = new ArrayList<>();
        for (int i = from; i < to; i++) {
            final SipCall c = all.get(i);
            cells.add(new String[] {Integer.toString(c.index()), Timestamps.clock(c.startNanos()),
                Visible.of(String.valueOf(c.method())), Visible.of(c.from() == null ? "" : c.from().uri()),
                Visible.of(c.to() == null ? "" : c.to().uri()), Integer.toString(c.messageCount()), c.state().label(),
                duration(c, nowNanos), Visible.of(c.callId())});
        }
        final int n = names.length;
        final int[] w = new int[n];
        for (int j = 0; j < n; j++) {
            w[j] = names[j].length();
            for (final String[] r : cells) {
                w[j] = Math.max(w[j], r[j].length());
            }
        }
        // shorten the widest text column first, to 8 at least; then drop Start, then Call-ID
        final boolean[] shown = new boolean[n];
        java.util.Arrays.fill(shown, true);
        final int marker = 2;
        while (total(w, shown) + marker > width) {
            int widest = -1;
            for (int j = 0; j < n; j++) {
                if (shown[j] && flexible[j] && w[j] > 8 && (widest < 0 || w[j] > w[widest])) {
                    widest = j;
                }
            }
            if (widest >= 0) {
                w[widest]--;
            } else if (shown[1]) {
                shown[1] = false;
            } else if (shown[8]) {
                shown[8] = false;
            } else {
                break; // a terminal this narrow gets its lines cut
            }
        }
        final List<String> lines = new ArrayList<>();
        lines.add(fit(row(names, w, right, shown, "  "), width));
        for (int i = 0; i < cells.size(); i++) {
            final boolean sel = from + i == mark;
            final String text = fit(row(cells.get(i), w, right, shown, sel ? "> " : "  "), width);
            lines.add(sel ? REVERSE + text + NORMAL : text);
        }
        return lines;
    }

    private static int total(final int[] w, final boolean[] shown) {
        int t = 0;
        for (int j = 0; j < w.length; j++) {
            if (shown[j]) {
                t += w[j] + (t > 0 ? 2 : 0);
            }
        }
        return t;
    }

    private static String row(final String[] cells, final int[] w, final boolean[] right, final boolean[] shown,
                              final String lead) {
        final StringBuilder b = new StringBuilder(lead);
        boolean first = true;
        for (int j = 0; j < cells.length; j++) {
            if (!shown[j]) {
                continue;
            }
            if (!first) {
                b.append("  ");
            }
            first = false;
            final String s = cut(cells[j], w[j]);
            final String pad = " ".repeat(w[j] - s.length());
            b.append(right[j] ? pad + s : s + pad);
        }
        return b.toString().stripTrailing();
    }

    /** {@code s} shortened to {@code w} characters, its end replaced by an ellipsis when cut. */
    static String cut(final String s, final int w) {
        if (s.length() <= w) {
            return s;
        }
        return w <= 0 ? "" : s.substring(0, w - 1) + ELLIPSIS;
    }

    private static String fit(final String s, final int width) {
        return s.length() <= width ? s : s.substring(0, Math.max(0, width));
    }

    /**
     * The Duration cell: the talk time of an answered call (to its BYE, or running while it is up),
     * the time since the INVITE of a call still being set up or ringing (running), "-" otherwise.
     */
    static String duration(final SipCall c, final long nowNanos) {
        final long end = Math.max(nowNanos, c.endNanos());
        final CallState s = c.state();
        if (s == CallState.IN_CALL && c.answerNanos() >= 0) {
            return clock(end - c.answerNanos());
        }
        if (s == CallState.CALL_SETUP || s == CallState.RINGING) {
            return clock(end - c.startNanos());
        }
        final double d = c.durationSeconds();
        return d < 0 ? "-" : clock((long) (d * 1e9));
    }

    /** m:ss, or h:mm:ss from an hour. */
    static String clock(final long nanos) {
        final long s = Math.max(0, nanos) / 1_000_000_000L;
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
            : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    private void plainLines() {
        for (final SipCall c : calls.calls()) {
            final CallState was = printed.put(c.callId(), c.state());
            if (was != c.state()) {
                out.println(Visible.of(String.format(Locale.ROOT, "%s  call %d  %s  %s -> %s  %s  %s", Explainer.time(c.endNanos()),
                    c.index(), c.method(), c.from() == null ? "?" : c.from().uri(), c.to() == null ? "?" : c.to().uri(),
                    c.state().label(), c.callId())));
            }
        }
        out.flush();
    }
}
