package dev.callscope.engine;

import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.EventSink;
import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.dissect.Severity;

/** A conversation's event sink: forwards to the engine's taps and counts violations until confirmed. */
final class ConversationSink implements EventSink {
    private final Engine engine;
    boolean confirmed;
    int violations;

    ConversationSink(final Engine engine) {
        this.engine = engine;
    }

    @Override
    public void emit(final ProtocolEvent event) {
        engine.publish(event);
    }

    @Override
    public void anomaly(final Anomaly anomaly) {
        if (!confirmed && anomaly.severity() != Severity.INFO) {
            violations++;
        }
        engine.anomaly(anomaly);
    }

    @Override
    public boolean wantsEvents() {
        return engine.eventsWanted;
    }

    @Override
    public boolean wants(final Class<? extends dev.callscope.dissect.ProtocolEvent> type) {
        return engine.listeners(type).length > 0;
    }

    @Override
    public void confirm() {
        confirmed = true;
    }
}
