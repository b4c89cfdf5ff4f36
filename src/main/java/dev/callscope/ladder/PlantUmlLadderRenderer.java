package dev.callscope.ladder;

import java.util.List;

/**
 * A ladder as PlantUML that renders without edits: {@code @startuml ... @enduml}, lanes as
 * participants with quoted labels, arrows as messages (dashed for retransmissions, red for
 * errors), details on extra lines, bars and notes as notes. Each message carries its time since
 * the ladder's first step.
 */
public final class PlantUmlLadderRenderer {
    static String text(final String s) {
        return s.replace("\\", "\\\\").replace("\r", "").replace("\n", "\\n").replace("\t", " ").trim();
    }

    public String render(final Ladder l) {
        final StringBuilder b = new StringBuilder("@startuml\n");
        b.append("title ").append(text(l.title())).append('\n');
        for (int i = 0; i < l.lanes().size(); i++) {
            b.append("participant \"").append(text(l.lanes().get(i).label()).replace('"', '\'')).append("\" as L").append(i)
                .append('\n');
        }
        final long t0 = l.steps().isEmpty() ? 0 : l.steps().get(0).tsNanos();
        for (final Ladder.Step s : l.steps()) {
            if (s instanceof Ladder.Arrow a) {
                final String arrow = a.flagged("error") ? (a.flagged("retransmission") ? "-[#red]->" : "-[#red]>")
                    : a.flagged("retransmission") ? "-->" : "->";
                final StringBuilder label = new StringBuilder(text(a.label()));
                label.append(" (").append(MermaidLadderRenderer.rel(a.tsNanos(), t0)).append(')');
                for (final String d : a.details()) {
                    label.append("\\n").append(text(d));
                }
                b.append('L').append(a.from()).append(' ').append(arrow).append(" L").append(a.to()).append(" : ")
                    .append(label).append('\n');
            } else if (s instanceof Ladder.Bar bar) {
                final int lo = Math.min(bar.from(), bar.to());
                final int hi = Math.max(bar.from(), bar.to());
                b.append("note over L").append(lo).append(lo == hi ? "" : ", L" + hi).append(" #C8E6C9 : ")
                    .append(text(bar.label() + " " + Ladders.duration(bar))).append(" (")
                    .append(MermaidLadderRenderer.rel(bar.tsNanos(), t0)).append(")\n");
            } else if (s instanceof Ladder.Note n) {
                b.append(n.lane() < 0 ? "note across" : "note over L" + n.lane()).append(" : ").append(text(n.text()))
                    .append('\n');
            }
        }
        return b.append("@enduml\n").toString();
    }

    /** Several ladders, each its own {@code @startuml} block (merge them first for one time axis). */
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
