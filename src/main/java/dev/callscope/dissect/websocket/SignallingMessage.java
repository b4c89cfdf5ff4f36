package dev.callscope.dissect.websocket;

import dev.callscope.core.Direction;
import dev.callscope.core.FlowKey;
import dev.callscope.dissect.ProtocolEvent;

/**
 * One text message of a WebSocket connection that is not SIP, read as JSON signalling. When it
 * carries an SDP, that SDP is handed to the SDP dissector in the same frame (it follows this event).
 *
 * @param frame the frame completing the message
 * @param direction direction of the conversation it went
 * @param index 1-based number of the message on its conversation (both directions)
 * @param type "offer", "answer", "pranswer", "sdp" (an SDP without a known type), "candidate",
 *     "other" (JSON without either) or "not_json"
 * @param length message length in bytes (after permessage-deflate, when used)
 * @param sdpLength length of the SDP text it carries, 0 when none
 * @param candidate the ICE candidate ("candidate:..."), or null
 */
public record SignallingMessage(long frame, long tsNanos, FlowKey flow, Direction direction, long index, String type,
                                int length, int sdpLength, String candidate) implements ProtocolEvent {
    /** The dissector id, also {@link #protocol()}. */
    public static final String PROTOCOL = "websocket";

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    /** Whether it carried an SDP. */
    public boolean hasSdp() {
        return sdpLength > 0;
    }

    /** "websocket frame 7 message 2 (offer)". */
    public String source() {
        return "websocket frame " + frame + " message " + index + " (" + type + ")";
    }
}
