package dev.callscope.flow;

import dev.callscope.dissect.Anomaly;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Anomalies counted by code, with the first {@code maxRecords} kept whole. */
public final class AnomalyLog {
    private final int maxRecords;
    private final Map<String, long[]> counts = new TreeMap<>();
    private final List<Anomaly> records = new ArrayList<>();
    private long total;

    public AnomalyLog(final int maxRecords) {
        this.maxRecords = maxRecords;
    }

    public void add(final Anomaly a) {
        total++;
        counts.computeIfAbsent(a.code(), k -> new long[1])[0]++;
        if (records.size() < maxRecords) {
            records.add(a);
        }
    }

    public long total() {
        return total;
    }

    /** Count per anomaly code, sorted by code. */
    public Map<String, Long> counts() {
        final Map<String, Long> m = new TreeMap<>();
        counts.forEach((k, v) -> m.put(k, v[0]));
        return m;
    }

    /** The first anomalies, in order. */
    public List<Anomaly> records() {
        return Collections.unmodifiableList(records);
    }
}
