package dev.callscope.ladder;

import java.util.List;
import java.util.Locale;

/**
 * A ladder as a Mermaid {@code sequenceDiagram} that renders without edits: lanes become
 * participants {@code L0, L1, ...} aliased to their labels, arrows messages ({@code -->>} for
 * retransmissions), bars and notes become notes. Characters Mermaid reserves in text ({@code #},
 * {@code ;}, angle brackets) are written as its {@code #NN;} entity codes. Each message carries its
 * time since the ladder's first step, so order and spacing stay visible.
 */
public final class MermaidLadderRenderer {
    static String text(final String s) {
        final StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '#' -> b.append("#35;");
                case ';' -> b.append("#59;");
                case '<' -> b.append("#60;");
                case '>' -> b.append("#62;");
                case '\n', '\r', '\t' -> b.append(' ');
                default -> b.append(c);
            }
        }
        return b.toString().trim();
    }

    static String rel(final long ts, final long t0) {
        return String.format(Locale.ROOT, "%.3f s", (ts - t0) / 1e9);
    }

    public String render(final Ladder l) {
        final StringBuilder b = new StringBuilder("sequenceDiagram\n");
        // a title ends at '#' or ';' (entity codes are not decoded there): leave those characters out
        b.append("    title ").append(String.join(" / ", l.title().split("\n")).replaceAll("[#;\\r\\t]", " ").trim()).append('\n');
        for (int i = 0; i < l.lanes().size(); i++) {
            b.append("    participant L").append(i).append(" as ").append(text(l.lanes().get(i).label())).append('\n');
        }
        final long t0 = l.steps().isEmpty() ? 0 : l.steps().get(0).tsNanos();
        final int last = Math.max(0, l.lanes().size() - 1);
        for (final Ladder.Step s : l.steps()) {
            if (s instanceof Ladder.Arrow a) {
                final StringBuilder label = new StringBuilder(text(a.label()));
                label.append(" (").append(rel(a.tsNanos(), t0)).append(')');
                for (final String d : a.details()) {
                    label.append("<br/>").append(text(d));
                }
                b.append("    L").append(a.from()).append(a.flagged("retransmission") ? "-->>" : "->>").append('L')
                    .append(a.to()).append(": ").append(label).append('\n');
            } else if (s instanceof Ladder.Bar bar) {
                final int lo = Math.min(bar.from(), bar.to());
                final int hi = Math.max(bar.from(), bar.to());
                b.append("    Note over L").append(lo).append(lo == hi ? "" : ",L" + hi).append(": ")
                    .append(text(bar.label() + " " + Ladders.duration(bar))).append(" (").append(rel(bar.tsNanos(), t0))
                    .append(")\n");
            } else if (s instanceof Ladder.Note n) {
                b.append("    Note over ").append(n.lane() < 0 ? "L0" + (last > 0 ? ",L" + last : "") : "L" + n.lane())
                    .append(": ").append(text(n.text())).append('\n');
            }
        }
        return b.toString();
    }

    /** Several ladders, each its own diagram, separated by a blank line (merge them first for one time axis). */
    public String render(final List<Ladder> ladders) {
        final StringBuilder b = new StringBuilder();
        for (final Ladder l : ladders) {
            if (b.length() > 0) {
                b.append('\n');
            }
            b.append(render(l));
        }
        return b.toString();
    }
}
