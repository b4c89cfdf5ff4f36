package dev.callscope.cli;

import dev.callscope.flow.sip.CallState;
import dev.callscope.flow.sip.SipCall;
import dev.callscope.flow.sip.SipCallTracker;
import dev.callscope.ladder.explain.Explainer;
import dev.callscope.output.SipViews;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code capture --view calls}: the calls table while capturing, like sngrep's call list. On a
 * terminal the screen is redrawn in place at most {@link #REDRAW_NANOS} apart; otherwise (a pipe, a
 * file) one plain line is printed per new call or change of state. Called on the capture thread
 * after each frame, so it reads the tracker without locking.
 */
final class LiveCallsView {
    /** At most four redraws a second. */
    static final long REDRAW_NANOS = 250_000_000L;

    private final PrintWriter out;
    private final SipCallTracker calls;
    private final boolean terminal;
    private final String iface;
    private final Map<String, CallState> printed = new HashMap<>();
    private long lastDraw;
    private long packets;
    private java.util.function.Supplier<CaptureMonitor.Counters> status;

    LiveCallsView(final PrintWriter out, final SipCallTracker calls, final boolean terminal, final String iface) {
        this.out = out;
        this.calls = calls;
        this.terminal = terminal;
        this.iface = iface;
    }

    /** Where the header reads the capture's counters (drops as they happen). */
    void status(final java.util.function.Supplier<CaptureMonitor.Counters> counters) {
        this.status = counters;
    }

    /** After each captured frame: redraws when the last redraw is old enough. */
    void frame() {
        packets++;
        final long now = System.nanoTime();
        if (now - lastDraw >= REDRAW_NANOS) {
            lastDraw = now;
            draw(false);
        }
    }

    /** The capture stopped: the final state. */
    void finish() {
        draw(true);
    }

    private void draw(final boolean last) {
        final List<SipCall> all = calls.calls();
        if (terminal) {
            out.print("\033[H\033[2J");
            final CaptureMonitor.Counters c = status == null ? null : status.get();
            out.printf(Locale.ROOT, "callscope capture on %s: %d packets, %d calls%s%s%n%n", iface, packets, all.size(),
                c == null ? "" : String.format(Locale.ROOT, "; dropped by the kernel %d, by the queue %d",
                    c.kernelDropped() + c.ifDropped(), c.queueDropped()),
                last ? " (stopped)" : "   Ctrl-C stops");
            SipViews.callsText(out, all, all.size());
            out.flush();
            return;
        }
        for (final SipCall c : all) {
            final CallState was = printed.put(c.callId(), c.state());
            if (was != c.state()) {
                out.printf(Locale.ROOT, "%s  call %d  %s  %s -> %s  %s  %s%n", Explainer.time(c.endNanos()), c.index(), c.method(),
                    c.from() == null ? "?" : c.from().uri(), c.to() == null ? "?" : c.to().uri(), c.state().label(), c.callId());
            }
        }
        out.flush();
    }
}
