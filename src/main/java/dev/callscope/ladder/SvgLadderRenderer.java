package dev.callscope.ladder;

import java.util.List;
import java.util.Locale;

/**
 * A ladder as a self-contained SVG document: no external fonts (the generic {@code monospace}
 * family), no scripts, no links. One column per lane, one row per step in time order with the
 * time and the delta on the left; retransmissions dashed, errors red, heartbeats grey, media bars
 * thick and green. Each arrow is a {@code <g class="msg" data-step="N">} with a tooltip, which the
 * HTML renderer uses for click-through. Deterministic: the same ladder gives the same bytes.
 */
public final class SvgLadderRenderer {
    static final int TIME_W = 120;
    static final int TOP = 16;
    static final int LINE = 16;
    static final int HEAD_H = 30;
    static final int ROW = 34;
    static final int DETAIL = 14;
    static final int MAX_DETAILS = 2;
    static final double CHAR_W = 7.2;

    /** Escapes text for XML content and attributes. */
    static String esc(final String s) {
        final StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
                        b.append('?'); // not allowed in XML 1.0
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    private static String f(final double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** Width in pixels a lane column gets. */
    static int laneWidth(final Ladder l) {
        int longest = 10;
        for (final Ladder.Lane lane : l.lanes()) {
            longest = Math.max(longest, lane.label().length());
        }
        for (final Ladder.Step s : l.steps()) {
            if (s instanceof Ladder.Arrow a && Math.abs(a.to() - a.from()) == 1) {
                longest = Math.max(longest, a.label().length());
            }
        }
        return (int) Math.min(360, Math.max(170, longest * CHAR_W + 30));
    }

    private static int rowHeight(final Ladder.Step s) {
        return s instanceof Ladder.Arrow a ? ROW + DETAIL * Math.min(MAX_DETAILS, a.details().size()) : ROW;
    }

    /** One SVG with every ladder, one under the other. */
    public String render(final List<Ladder> ladders) {
        int width = 0;
        int height = 0;
        for (final Ladder l : ladders) {
            width = Math.max(width, TIME_W + laneWidth(l) * Math.max(1, l.lanes().size()) + 20);
            height += height(l) + 20;
        }
        final StringBuilder b = new StringBuilder();
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"").append(height)
            .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
            .append("\" font-family=\"monospace\" font-size=\"12\">\n");
        b.append("<defs>\n");
        for (final String[] m : new String[][] {{"a", "#222"}, {"e", "#c62828"}, {"h", "#888"}}) {
            b.append("<marker id=\"head-").append(m[0]).append("\" markerWidth=\"10\" markerHeight=\"8\" refX=\"9\" refY=\"4\" "
                + "orient=\"auto\" markerUnits=\"userSpaceOnUse\"><path d=\"M0,0 L10,4 L0,8 z\" fill=\"").append(m[1])
                .append("\"/></marker>\n");
        }
        b.append("</defs>\n");
        b.append("<rect x=\"0\" y=\"0\" width=\"").append(width).append("\" height=\"").append(height)
            .append("\" fill=\"#ffffff\"/>\n");
        int y = 0;
        int step = 0;
        for (final Ladder l : ladders) {
            step = body(b, l, y, step);
            y += height(l) + 20;
        }
        b.append("</svg>\n");
        return b.toString();
    }

    public String render(final Ladder ladder) {
        return render(List.of(ladder));
    }

    static int height(final Ladder l) {
        int h = TOP + LINE * l.title().split("\n", -1).length + HEAD_H + 20;
        for (final Ladder.Step s : l.steps()) {
            h += rowHeight(s);
        }
        return h + 10;
    }

    /** Draws one ladder from {@code y0}; returns the next step number (steps are numbered across ladders). */
    private int body(final StringBuilder b, final Ladder l, final int y0, final int firstStep) {
        final int lw = laneWidth(l);
        int y = y0 + TOP;
        for (final String t : l.title().split("\n", -1)) {
            b.append("<text x=\"8\" y=\"").append(y).append("\" font-weight=\"bold\">").append(esc(t)).append("</text>\n");
            y += LINE;
        }
        final int headY = y;
        final int bottom = y0 + height(l) - 10;
        for (int i = 0; i < l.lanes().size(); i++) {
            final double x = x(i, lw);
            final String label = l.lanes().get(i).label();
            final double bw = Math.min(lw - 10, label.length() * CHAR_W + 16);
            b.append("<line x1=\"").append(f(x)).append("\" y1=\"").append(headY + HEAD_H).append("\" x2=\"").append(f(x))
                .append("\" y2=\"").append(bottom).append("\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n");
            b.append("<rect x=\"").append(f(x - bw / 2)).append("\" y=\"").append(headY).append("\" width=\"").append(f(bw))
                .append("\" height=\"").append(HEAD_H - 6).append("\" rx=\"4\" fill=\"#e8eef7\" stroke=\"#5b7db1\"/>\n");
            b.append("<text x=\"").append(f(x)).append("\" y=\"").append(headY + 16).append("\" text-anchor=\"middle\">")
                .append(esc(label)).append("</text>\n");
        }
        y = headY + HEAD_H + 14;
        long prev = Long.MIN_VALUE;
        int n = firstStep;
        for (final Ladder.Step s : l.steps()) {
            final int rowY = y + 12;
            b.append("<text x=\"8\" y=\"").append(rowY).append("\" fill=\"#555\">").append(Ladders.time(s.tsNanos()))
                .append("</text>\n");
            if (prev != Long.MIN_VALUE) {
                b.append("<text x=\"8\" y=\"").append(rowY + 13).append("\" fill=\"#999\" font-size=\"10\">")
                    .append(Ladders.delta(s.tsNanos(), prev)).append("</text>\n");
            }
            prev = s.tsNanos();
            if (s instanceof Ladder.Arrow a) {
                arrow(b, a, n, lw, rowY);
            } else if (s instanceof Ladder.Bar bar) {
                final double x1 = x(bar.from(), lw);
                final double x2 = x(bar.to(), lw);
                b.append("<g class=\"bar\"><title>").append(esc(bar.label() + " (" + Ladders.duration(bar) + ")")).append("</title>");
                b.append("<line x1=\"").append(f(x1)).append("\" y1=\"").append(rowY + 6).append("\" x2=\"").append(f(x2))
                    .append("\" y2=\"").append(rowY + 6).append("\" stroke=\"#2e7d32\" stroke-width=\"6\" stroke-linecap=\"round\"/>");
                // an arrowhead at the receiving end: which way the media flows
                final double dir = x2 >= x1 ? 1 : -1;
                b.append("<polygon points=\"").append(f(x2)).append(',').append(rowY + 6).append(' ')
                    .append(f(x2 - dir * 12)).append(',').append(rowY).append(' ').append(f(x2 - dir * 12)).append(',')
                    .append(rowY + 12).append("\" fill=\"#2e7d32\"/>");
                b.append("<text x=\"").append(f((x1 + x2) / 2)).append("\" y=\"").append(rowY - 2)
                    .append("\" text-anchor=\"middle\" fill=\"#2e7d32\">").append(esc(bar.label() + "  " + Ladders.duration(bar)))
                    .append("</text></g>\n");
            } else if (s instanceof Ladder.Note note) {
                final double x = note.lane() < 0 ? (x(0, lw) + x(Math.max(0, l.lanes().size() - 1), lw)) / 2 : x(note.lane(), lw);
                b.append("<text class=\"note\" x=\"").append(f(x)).append("\" y=\"").append(rowY + 4)
                    .append("\" text-anchor=\"middle\" font-style=\"italic\" fill=\"#6d4c41\">").append(esc(note.text()))
                    .append("</text>\n");
            }
            y += rowHeight(s);
            n++;
        }
        return n;
    }

    static double x(final int lane, final int lw) {
        return TIME_W + lw * lane + lw / 2.0;
    }

    private static void arrow(final StringBuilder b, final Ladder.Arrow a, final int n, final int lw, final int rowY) {
        final boolean err = a.flagged("error");
        final boolean hb = a.flagged("heartbeat");
        final String colour = err ? "#c62828" : hb ? "#888" : "#222";
        final String head = err ? "head-e" : hb ? "head-h" : "head-a";
        final String dash = a.flagged("retransmission") ? " stroke-dasharray=\"6 4\"" : "";
        final double x1 = x(a.from(), lw);
        final double x2 = x(a.to(), lw);
        final int ly = rowY + 8;
        b.append("<g class=\"msg\" data-step=\"").append(n).append("\" data-frame=\"").append(a.frame()).append("\">");
        b.append("<title>").append(esc("frame " + a.frame() + ": " + a.label())).append("</title>");
        if (a.from() == a.to()) {
            b.append("<path d=\"M").append(f(x1)).append(',').append(ly - 6).append(" h30 v12 h-28\" fill=\"none\" stroke=\"")
                .append(colour).append('"').append(dash).append(" marker-end=\"url(#").append(head).append(")\"/>");
            b.append("<text x=\"").append(f(x1 + 36)).append("\" y=\"").append(ly + 4).append("\" fill=\"").append(colour)
                .append("\">").append(esc(a.label())).append("</text>");
        } else {
            final double end = x2 + (x2 > x1 ? -1 : 1);
            b.append("<line x1=\"").append(f(x1)).append("\" y1=\"").append(ly).append("\" x2=\"").append(f(end))
                .append("\" y2=\"").append(ly).append("\" stroke=\"").append(colour).append("\" stroke-width=\"1.5\"").append(dash)
                .append(" marker-end=\"url(#").append(head).append(")\"/>");
            // a wider transparent band makes the arrow easy to click
            b.append("<rect x=\"").append(f(Math.min(x1, x2))).append("\" y=\"").append(rowY - 10).append("\" width=\"")
                .append(f(Math.abs(x2 - x1))).append("\" height=\"22\" fill=\"transparent\"/>");
            b.append("<text x=\"").append(f((x1 + x2) / 2)).append("\" y=\"").append(ly - 5)
                .append("\" text-anchor=\"middle\" fill=\"").append(colour).append("\">").append(esc(a.label())).append("</text>");
        }
        int dy = ly + 14;
        for (int i = 0; i < Math.min(MAX_DETAILS, a.details().size()); i++) {
            b.append("<text x=\"").append(f(Math.min(x1, x2) + 6)).append("\" y=\"").append(dy)
                .append("\" font-size=\"10\" fill=\"#555\">").append(esc(a.details().get(i))).append("</text>");
            dy += DETAIL;
        }
        b.append("</g>\n");
    }
}
