package dev.callscope.dissect.webrtc;

import dev.callscope.core.Direction;
import dev.callscope.core.FlowKey;

/**
 * Emitted once when the demultiplexer takes a 5-tuple: RTP and RTCP later seen on {@link #flow()}
 * are SRTP and SRTCP (their payloads stay encrypted).
 *
 * @param framing "udp", "rfc4571" (ICE-TCP, RFC 6544) or "stun-tcp" (RFC 8489 section 6.2.2)
 */
public record WebrtcFlow(long frame, long tsNanos, FlowKey flow, Direction direction, String framing)
    implements WebrtcEvent {
    public static final String PROTOCOL = "webrtc";

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    @Override
    public RelayLeg leg() {
        return null;
    }
}
