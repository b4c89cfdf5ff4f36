package dev.callscope.dissect;

import dev.callscope.core.FlowKey;

/** What a dissector reports to the trackers (a tap record). Implementations are immutable records. */
public interface ProtocolEvent {
    /** Dissector id that produced it ("sip", "dubbo", ...). */
    String protocol();

    long frame();

    /** Capture time, nanoseconds since the epoch. */
    long tsNanos();

    FlowKey flow();
}
