package dev.callscope.dissect;

import java.util.ArrayList;
import java.util.List;

/**
 * An {@link EventSink} that keeps what it is given and counts confirmations: for parsing one
 * message again to show it, and the sink the dissector tests read.
 */
public class Collected implements EventSink {
    public final List<ProtocolEvent> events = new ArrayList<>();
    public final List<Anomaly> anomalies = new ArrayList<>();
    /** How many times a dissector confirmed its protocol. */
    public int confirms;

    @Override
    public void emit(final ProtocolEvent event) {
        events.add(event);
    }

    @Override
    public void anomaly(final Anomaly anomaly) {
        anomalies.add(anomaly);
    }

    @Override
    public void confirm() {
        confirms++;
    }

    /** The events of one type, in order. */
    public <T> List<T> of(final Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
