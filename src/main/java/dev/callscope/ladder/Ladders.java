package dev.callscope.ladder;

import dev.callscope.core.Timestamps;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Operations on ladders shared by the renderers: merging onto one time axis, time labels. */
public final class Ladders {

    private Ladders() {
    }

    /**
     * Several ladders as one, on a shared time axis: lanes with the same id become one (in order of
     * first appearance), steps are interleaved by time (stable, so equal times keep their order) and
     * the titles are kept, one per line. A SIP call merged with the Dubbo connections active
     * meanwhile shows which RPCs ran while the call was set up.
     */
    public static Ladder merge(final List<Ladder> ladders) {
        if (ladders.size() == 1) {
            return ladders.get(0);
        }
        final Map<String, Integer> index = new LinkedHashMap<>();
        final List<Ladder.Lane> lanes = new ArrayList<>();
        final List<Ladder.Step> steps = new ArrayList<>();
        final List<String> titles = new ArrayList<>();
        for (final Ladder l : ladders) {
            titles.add(l.title());
            final int[] map = new int[l.lanes().size()];
            for (int i = 0; i < map.length; i++) {
                final Ladder.Lane lane = l.lanes().get(i);
                map[i] = index.computeIfAbsent(lane.id(), k -> {
                    lanes.add(lane);
                    return lanes.size() - 1;
                });
            }
            for (final Ladder.Step s : l.steps()) {
                if (s instanceof Ladder.Arrow a) {
                    steps.add(a.between(map[a.from()], map[a.to()]));
                } else if (s instanceof Ladder.Bar b) {
                    steps.add(b.between(map[b.from()], map[b.to()]));
                } else if (s instanceof Ladder.Note n) {
                    steps.add(new Ladder.Note(n.tsNanos(), n.lane() < 0 ? -1 : map[n.lane()], n.text()));
                }
            }
        }
        steps.sort(Comparator.comparingLong(Ladder.Step::tsNanos));
        return new Ladder(String.join("\n", titles), lanes, steps, ladders.get(0).kind());
    }

    /** "12:34:56.789" (UTC). */
    public static String time(final long nanos) {
        return Timestamps.clock(nanos);
    }

    /** "+0.123" seconds since {@code prev}, or "" for the first step. */
    public static String delta(final long now, final long prev) {
        return prev == Long.MIN_VALUE ? "" : String.format(Locale.ROOT, "+%.3f", (now - prev) / 1e9);
    }

    /** Bar duration, "12.345 s". */
    public static String duration(final Ladder.Bar b) {
        return String.format(Locale.ROOT, "%.3f s", (b.endNanos() - b.tsNanos()) / 1e9);
    }
}
