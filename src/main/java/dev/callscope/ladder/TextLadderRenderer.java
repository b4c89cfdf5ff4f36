package dev.callscope.ladder;

import dev.callscope.core.Timestamps;
import dev.callscope.core.Visible;

import dev.callscope.ladder.Ladder.Arrow;
import dev.callscope.ladder.Ladder.Bar;
import dev.callscope.ladder.Ladder.Note;
import dev.callscope.ladder.Ladder.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders a {@link Ladder} as text, one column per lane, like sngrep's call flow:
 *
 * <pre>
 *                        127.0.0.11:5060          127.0.0.12:5060
 *                        ───────┬───────          ───────┬───────
 *   10:00:00.000                │      INVITE (SDP)      │
 *         +0.000                │───────────────────────►│
 *                               │ audio 127.0.0.11:6000 PCMA/8000
 * </pre>
 *
 * Deterministic for a given ladder and options (golden tests compare the output byte for byte).
 * Colour (ANSI) only when asked; the caller decides whether the output is a terminal.
 */
public final class TextLadderRenderer {
    /** How to draw. */
    public record Options(boolean unicode, boolean color, int width) {
        /** Unicode, no colour, no width limit. */
        public static Options plain() {
            return new Options(true, false, 0);
        }
    }

    private static final int TIME_WIDTH = 12;
    private static final int MIN_GAP = 14;
    private static final int MAX_GAP = 48;

    private final Options options;
    private final char hLine;
    private final char vLine;
    private final char tee;
    private final char headRight;
    private final char headLeft;
    private final char barLine;
    private final String ellipsis;

    public TextLadderRenderer(final Options options) {
        this.options = options;
        final boolean u = options.unicode();
        hLine = u ? '─' : '-';
        vLine = u ? '│' : '|';
        tee = u ? '┬' : '+';
        headRight = u ? '►' : '>';
        headLeft = u ? '◄' : '<';
        barLine = u ? '═' : '=';
        ellipsis = u ? "…" : "~";
    }

    /** The ladder as lines of text (no trailing spaces), ending with a newline. */
    public String render(final Ladder raw) {
        final Ladder ladder = visible(raw);
        final List<Ladder.Lane> lanes = ladder.lanes();
        final int n = lanes.size();
        final StringBuilder out = new StringBuilder();
        for (final String t : wrap(ladder.title(), options.width())) {
            out.append(t).append('\n');
        }
        if (n == 0) {
            return out.append("(no messages)\n").toString();
        }
        // gap between adjacent lanes: wide enough for the labels of arrows between neighbours
        final int[] gap = new int[Math.max(0, n - 1)];
        for (int i = 0; i < gap.length; i++) {
            gap[i] = Math.max(MIN_GAP, Math.max(lanes.get(i).label().length(), lanes.get(i + 1).label().length()) / 2 * 2 + 4);
        }
        for (final Step s : ladder.steps()) {
            final int from = s instanceof Arrow a ? a.from() : s instanceof Bar b ? b.from() : -1;
            final int to = s instanceof Arrow a ? a.to() : s instanceof Bar b ? b.to() : -1;
            if (from >= 0 && from != to) {
                final int lo = Math.min(from, to);
                final int hi = Math.max(from, to);
                final int need = (s instanceof Arrow a ? labelOf(a) : ((Bar) s).label()).length() + 6;
                int have = 0;
                for (int i = lo; i < hi; i++) {
                    have += gap[i];
                }
                if (need > have) {
                    gap[lo] = Math.min(MAX_GAP, gap[lo] + need - have);
                }
            }
        }
        final int left = TIME_WIDTH + 2 + Math.max(0, lanes.get(0).label().length() / 2 - 2);
        if (options.width() > 0) {
            int total = left;
            for (final int g : gap) {
                total += g;
            }
            total += lanes.get(n - 1).label().length() / 2 + 2;
            if (total > options.width()) {
                // shrink the gaps proportionally, not below the minimum readable width
                final double f = (double) (options.width() - left - 8) / Math.max(1, total - left - 8);
                for (int i = 0; i < gap.length; i++) {
                    gap[i] = Math.max(10, (int) (gap[i] * f));
                }
            }
        }
        final int[] x = new int[n];
        x[0] = left;
        for (int i = 1; i < n; i++) {
            x[i] = x[i - 1] + gap[i - 1];
        }
        final int lineWidth = x[n - 1] + 1;

        // header: labels centred over their lane, then the rule with a tee under each lane
        final char[] labels = blank(lineWidth + 40);
        final char[] rule = blank(lineWidth + 40);
        for (int i = 0; i < n; i++) {
            // at most the gap to each neighbour less two: centred labels of neighbours keep a space between them
            int room = Math.min(i > 0 ? gap[i - 1] - 2 : 40, i < n - 1 ? gap[i] - 2 : 40);
            if (i == n - 1 && options.width() > 0) {
                room = Math.min(room, 2 * (options.width() - x[i]) - 1);
            }
            final String label = fitEnd(lanes.get(i).label(), room);
            put(labels, x[i] - label.length() / 2, label);
            final int half = Math.max(2, label.length() / 2);
            for (int k = x[i] - half; k <= x[i] + half; k++) {
                if (k >= 0 && k < rule.length) {
                    rule[k] = hLine;
                }
            }
            rule[x[i]] = tee;
        }
        out.append(trim(labels)).append('\n').append(trim(rule)).append('\n');

        long prev = -1;
        for (final Step s : ladder.steps()) {
            if (s instanceof Arrow a) {
                arrow(out, a, x, lineWidth, gap, prev);
            } else if (s instanceof Bar b) {
                bar(out, b, x, lineWidth);
            } else if (s instanceof Note note) {
                final char[] l = lanesLine(x, lineWidth + note.text().length() + 4);
                final int at = note.lane() >= 0 ? x[note.lane()] + 2 : x[0] + 2;
                put(l, at, cutAt(note.text(), at));
                out.append(paint(trim(l), "2")).append('\n');
            }
            prev = s.tsNanos();
        }
        return out.toString();
    }

    private void arrow(final StringBuilder out, final Arrow a, final int[] x, final int lineWidth, final int[] gap,
                       final long prev) {
        final String colour = colour(a);
        String label = labelOf(a);
        final char[] top = lanesLine(x, lineWidth + label.length() + 40);
        final char[] line = lanesLine(x, lineWidth + label.length() + 40);
        put(top, 0, time(a.tsNanos()));
        put(line, 0, pad(delta(a.tsNanos(), prev), TIME_WIDTH));
        if (a.from() == a.to()) {
            final int at = x[a.from()];
            put(top, at + 2, label);
            put(line, at + 1, "" + hLine + hLine + headLeft + " (self)");
            out.append(paintLabel(trim(top), at + 2, label.length(), colour)).append('\n').append(trim(line)).append('\n');
            details(out, a, x, lineWidth, at);
            return;
        }
        final int lo = Math.min(x[a.from()], x[a.to()]);
        final int hi = Math.max(x[a.from()], x[a.to()]);
        label = fit(label, hi - lo - 3);
        final int start = lo + (hi - lo - label.length()) / 2 + 1;
        put(top, start, label);
        for (int k = lo + 1; k < hi; k++) {
            line[k] = hLine;
        }
        if (x[a.to()] > x[a.from()]) {
            line[hi - 1] = headRight;
        } else {
            line[lo + 1] = headLeft;
        }
        out.append(paintLabel(trim(top), start, label.length(), colour)).append('\n');
        final String arrowLine = trim(line);
        out.append(options.color() ? arrowLine.substring(0, lo + 1) + paint(arrowLine.substring(lo + 1, hi), colour)
            + arrowLine.substring(hi) : arrowLine).append('\n');
        details(out, a, x, lineWidth, lo);
    }

    private void details(final StringBuilder out, final Arrow a, final int[] x, final int lineWidth, final int lo) {
        for (final String d : a.details()) {
            final char[] l = lanesLine(x, lineWidth + d.length() + 4);
            put(l, lo + 2, cutAt(d, lo + 2));
            out.append(paint(trim(l), "2")).append('\n');
        }
    }

    private void bar(final StringBuilder out, final Bar b, final int[] x, final int lineWidth) {
        final int lo = Math.min(x[b.from()], x[b.to()]);
        final int hi = Math.max(x[b.from()], x[b.to()]);
        final char[] line = lanesLine(x, lineWidth + b.label().length() + 40);
        put(line, 0, time(b.tsNanos()));
        for (int k = lo + 1; k < hi; k++) {
            line[k] = barLine;
        }
        if (x[b.to()] > x[b.from()]) {
            line[hi - 1] = headRight;
        } else {
            line[lo + 1] = headLeft;
        }
        final String label = " " + fit(b.label(), hi - lo - 5) + " ";
        put(line, lo + (hi - lo - label.length()) / 2 + 1, label);
        out.append(paint(trim(line), "36")).append('\n');
    }

    /** The ladder with the capture's text made safe for a terminal ({@link Visible}). */
    private static Ladder visible(final Ladder l) {
        final java.util.List<Ladder.Lane> lanes = new java.util.ArrayList<>(l.lanes().size());
        for (final Ladder.Lane lane : l.lanes()) {
            lanes.add(new Ladder.Lane(lane.id(), Visible.of(lane.label())));
        }
        final java.util.List<Ladder.Step> steps = new java.util.ArrayList<>(l.steps().size());
        for (final Ladder.Step s : l.steps()) {
            if (s instanceof Arrow a) {
                steps.add(new Arrow(a.tsNanos(), a.frame(), a.from(), a.to(), Visible.of(a.label()),
                    a.details().stream().map(Visible::of).toList(), a.flags(), a.fullText()));
            } else if (s instanceof Bar b) {
                steps.add(new Bar(b.tsNanos(), b.endNanos(), b.from(), b.to(), Visible.of(b.label())));
            } else if (s instanceof Ladder.Note n) {
                steps.add(new Ladder.Note(n.tsNanos(), n.lane(), Visible.of(n.text())));
            }
        }
        // a merged ladder's title has a line per ladder
        final String title = l.title() == null ? null
            : java.util.Arrays.stream(l.title().split("\n", -1)).map(Visible::of).collect(java.util.stream.Collectors.joining("\n"));
        return new Ladder(title, lanes, steps, l.kind());
    }

    private static String labelOf(final Arrow a) {
        return a.label() + (a.flagged("retransmission") ? " (retransmission)" : "");
    }

    private String colour(final Arrow a) {
        if (a.flagged("retransmission")) {
            return "2";
        }
        if (a.flagged("error")) {
            return "31";
        }
        if (a.flagged("success")) {
            return "32";
        }
        if (a.flagged("provisional")) {
            return "33";
        }
        if (a.flagged("redirect")) {
            return "35";
        }
        return "1";
    }

    private String paint(final String s, final String code) {
        return options.color() ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
    }

    private String paintLabel(final String line, final int start, final int len, final String code) {
        if (!options.color() || start >= line.length()) {
            return line;
        }
        final int end = Math.min(line.length(), start + len);
        return line.substring(0, start) + paint(line.substring(start, end), code) + line.substring(end);
    }

    private char[] lanesLine(final int[] x, final int width) {
        final char[] l = blank(width);
        for (final int xi : x) {
            l[xi] = vLine;
        }
        return l;
    }

    private static char[] blank(final int n) {
        final char[] c = new char[n];
        java.util.Arrays.fill(c, ' ');
        return c;
    }

    private static void put(final char[] line, final int at, final String s) {
        for (int i = 0; i < s.length() && at + i < line.length; i++) {
            if (at + i >= 0) {
                line[at + i] = s.charAt(i);
            }
        }
    }

    private static String trim(final char[] line) {
        return new String(line).stripTrailing();
    }

    /** {@code s} in at most {@code max} characters, its end cut off and marked (an arrow's label). */
    private String fit(final String s, final int max) {
        if (max <= 3 || s.length() <= max) {
            return s.length() <= Math.max(max, 3) ? s : s.substring(0, Math.max(1, max));
        }
        return s.substring(0, max - 1) + ellipsis;
    }

    /** {@code s} in at most {@code max} characters, its start cut off and marked (a lane's address: port kept). */
    private String fitEnd(final String s, final int max) {
        if (s.length() <= max) {
            return s;
        }
        if (max <= 3) {
            return s.substring(s.length() - Math.max(1, max));
        }
        return ellipsis + s.substring(s.length() - (max - 1));
    }

    /** A detail or note written at column {@code at}, cut to end within the width. */
    private String cutAt(final String s, final int at) {
        return options.width() > 0 ? fit(s, Math.max(4, options.width() - at)) : s;
    }

    /** The title broken at spaces into lines of the width, the lines after the first indented. */
    private static List<String> wrap(final String text, final int width) {
        if (width <= 0 || text.length() <= width) {
            return List.of(text);
        }
        // the title's parts are two spaces apart: break between parts, within one only when it is too long
        final String sep = text.contains("  ") ? "  " : " ";
        final List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (final String word : text.split(sep)) {
            if (line.length() > 0 && line.length() + sep.length() + word.length() > width) {
                lines.add(line.toString());
                line = new StringBuilder("   ");
            } else if (line.length() > 0) {
                line.append(sep);
            }
            line.append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    private static String pad(final String s, final int w) {
        return s.length() >= w ? s : " ".repeat(w - s.length()) + s;
    }

    private static String time(final long nanos) {
        return Timestamps.clock(nanos);
    }

    private static String delta(final long now, final long prev) {
        return prev < 0 ? "" : String.format(Locale.ROOT, "+%.3f", (now - prev) / 1e9);
    }

    /** Renders several ladders one after another, separated by a blank line. */
    public String render(final List<Ladder> ladders) {
        final List<String> parts = new ArrayList<>();
        for (final Ladder l : ladders) {
            parts.add(render(l));
        }
        return String.join("\n", parts);
    }
}
