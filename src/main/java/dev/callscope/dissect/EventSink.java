package dev.callscope.dissect;

/** Where a dissector session reports: events for the trackers, anomalies, and confirmation. */
public interface EventSink {
    void emit(ProtocolEvent event);

    /** Expert info; never throw instead. */
    void anomaly(Anomaly anomaly);

    /** The conversation really is this protocol (Zeek's AnalyzerConfirmation): later violations no longer disable it. */
    void confirm();

    /**
     * False when nobody listens for events: a session may then skip building them (everything else,
     * validation, confirmation and anomalies, stays the same). Defaults to true.
     */
    default boolean wantsEvents() {
        return true;
    }

    /** Whether anyone reads events of {@code type}; when not, a session may skip building them. */
    default boolean wants(final Class<? extends ProtocolEvent> type) {
        return wantsEvents();
    }
}
