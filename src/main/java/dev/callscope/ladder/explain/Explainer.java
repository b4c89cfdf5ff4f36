package dev.callscope.ladder.explain;

import dev.callscope.core.Timestamps;
import dev.callscope.ladder.Ladder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Annotates a {@link Ladder} message by message for teaching: what each message does, why it comes
 * now, the RFC section (or Dubbo rule) behind it, and what is unusual in this capture. Works on the
 * ladder model only (arrows, their flags and the full SIP text), so it explains whatever the ladder
 * builders draw; pure and deterministic.
 */
public final class Explainer {
    /** RFC 3261 §17.1.1.2 Timer B: an INVITE transaction gives up after 64*T1. */
    static final long TIMER_B_NANOS = 32_000_000_000L;
    /** Dubbo closes (server) or reconnects (client) after three heartbeat periods without reads. */
    static final int MISSED_HEARTBEAT_FACTOR = 3;

    private Explainer() {
    }

    /** Explanations for every arrow and media bar of the ladder, in ladder order. */
    public static List<Explanation> explain(final Ladder ladder) {
        final List<Step> steps = new ArrayList<>();
        for (final Ladder.Step s : ladder.steps()) {
            if (s instanceof Ladder.Arrow a) {
                steps.add(new Step(a, null, lane(ladder, a.from()), lane(ladder, a.to())));
            } else if (s instanceof Ladder.Bar b) {
                steps.add(new Step(null, b, lane(ladder, b.from()), lane(ladder, b.to())));
            }
        }
        final boolean dubbo = ladder.kind() == Ladder.Kind.DUBBO;
        final boolean triple = ladder.kind() == Ladder.Kind.TRIPLE;
        final boolean webrtc = ladder.kind() == Ladder.Kind.WEBRTC;
        final List<Explanation> out = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            final Step s = steps.get(i);
            final Text t = s.bar != null ? (webrtc ? WebrtcTexts.srtp(s) : SipTexts.media(steps, i)) : dubbo ? DubboTexts.dubbo(steps, i)
                : triple ? TripleTexts.triple(s)
                : webrtc ? WebrtcTexts.message(s.arrow) : SipTexts.webrtcOrSip(steps, i);
            out.add(new Explanation(i + 1, s.bar != null ? 0 : s.arrow.frame(), s.ts(), s.from, s.to,
                s.bar != null ? s.bar.label() : s.arrow.label(), t.what, t.why, t.spec, t.unusual));
        }
        return out;
    }

    /** A lab-handout rendering: the ladder's title, then one paragraph per message. */
    public static String text(final Ladder ladder, final List<Explanation> explanations) {
        final StringBuilder sb = new StringBuilder();
        sb.append(ladder.title()).append('\n');
        for (final Explanation e : explanations) {
            sb.append('\n').append(format(e));
        }
        final long unusual = explanations.stream().mapToLong(e -> e.unusual().size()).sum();
        sb.append('\n').append(unusual == 0 ? "Nothing unusual in this exchange.\n"
            : unusual + " unusual thing" + (unusual == 1 ? "" : "s") + " in this exchange (marked !).\n");
        return sb.toString();
    }

    /** One explanation as a paragraph. */
    public static String format(final Explanation e) {
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%2d. %s  %s%s -> %s  %s%n", e.number(), Timestamps.clock(e.tsNanos()),
            e.frame() > 0 ? "frame " + e.frame() + "  " : "", e.from(), e.to(), e.label()));
        sb.append("    What: ").append(e.what()).append('\n');
        sb.append("    Why now: ").append(e.why()).append('\n');
        sb.append("    Spec: ").append(e.spec()).append('\n');
        for (final String u : e.unusual()) {
            sb.append("    ! ").append(u).append('\n');
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ model

    record Step(Ladder.Arrow arrow, Ladder.Bar bar, String from, String to) {
        long ts() {
            return arrow != null ? arrow.tsNanos() : bar.tsNanos();
        }

        boolean request() {
            return arrow != null && arrow.flagged("request");
        }

        /** What the arrow says it is, when it is a SIP message. */
        Ladder.Sip sip() {
            return arrow != null && arrow.facts() instanceof Ladder.Sip f ? f : null;
        }

        /** SIP method of a request, or the status code of a response as text; for another arrow its label's first word. */
        String method() {
            final Ladder.Sip f = sip();
            if (f != null) {
                return f.method() != null ? f.method() : Integer.toString(f.status());
            }
            final String l = arrow == null ? "" : arrow.label();
            final int sp = l.indexOf(' ');
            return sp < 0 ? l : l.substring(0, sp);
        }

        int status() {
            final Ladder.Sip f = sip();
            return f == null ? 0 : f.status();
        }

        /** "1 INVITE": the CSeq number and method, or null. */
        String cseq() {
            final Ladder.Sip f = sip();
            return f == null || f.cseq() < 0 || f.cseqMethod() == null ? null : f.cseq() + " " + f.cseqMethod();
        }

        String cseqMethod() {
            final String c = cseq();
            return c == null ? (request() ? method() : "?") : c.substring(c.indexOf(' ') + 1);
        }

        boolean retransmission() {
            return arrow != null && arrow.flagged("retransmission");
        }

        boolean header(final String name) {
            final Ladder.Sip f = sip();
            return f != null && f.headers().contains(name.toLowerCase(Locale.ROOT));
        }

        boolean sdp() {
            final Ladder.Sip f = sip();
            return f != null && f.sdp();
        }

        /** Packets lost in a media bar (0 when not measured). */
        long lost() {
            return bar != null && bar.media() != null ? bar.media().lost() : 0;
        }

        /** A media bar's protocol ("RTP", "SRTP", "SRTCP"), or "". */
        String mediaProtocol() {
            return bar != null && bar.media() != null ? bar.media().protocol() : "";
        }
    }

    record Text(String what, String why, String spec, List<String> unusual) {
    }

    private static String lane(final Ladder l, final int i) {
        return i >= 0 && i < l.lanes().size() ? l.lanes().get(i).label() : "?";
    }

    static String secs(final long nanos) {
        return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
    }

    static Step previous(final List<Step> steps, final int i, final java.util.function.Predicate<Step> p) {
        for (int j = i - 1; j >= 0; j--) {
            if (p.test(steps.get(j))) {
                return steps.get(j);
            }
        }
        return null;
    }

    /** Renders a time for callers that print their own lines. */
    public static String time(final long tsNanos) {
        return Timestamps.clock(tsNanos);
    }
}
