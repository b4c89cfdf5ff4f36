package dev.callscope.dissect;

import java.util.ArrayList;
import java.util.List;

/** An {@link EventSink} that keeps what it is given: for parsing one message again to show it. */
public final class Collected implements EventSink {
    public final List<ProtocolEvent> events = new ArrayList<>();
    public final List<Anomaly> anomalies = new ArrayList<>();

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
        // nothing to confirm when only showing
    }
}
