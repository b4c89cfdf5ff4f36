package dev.callscope.dissect.sip;

import dev.callscope.core.Direction;
import dev.callscope.core.FlowKey;
import dev.callscope.dissect.ProtocolEvent;

/**
 * SIP over TLS (port 5061) recognised: the records are encrypted, so no message can be read.
 * Reported once per direction at the first TLS record.
 *
 * @param version the record layer version ("TLS 1.2" for 0x0303)
 */
public record SipTls(long frame, long tsNanos, FlowKey flow, Direction direction, String version) implements ProtocolEvent {
    @Override
    public String protocol() {
        return "sip";
    }
}
