package dev.callscope.dissect.websocket;

import dev.callscope.core.Direction;
import dev.callscope.core.FlowKey;
import dev.callscope.dissect.ProtocolEvent;
import java.util.List;

/**
 * One text message of a WebSocket connection that is not SIP, read as JSON signalling. When it
 * carries an SDP, that SDP is handed to the SDP dissector in the same frame (it follows this event).
 *
 * @param frame the frame completing the message
 * @param direction direction of the conversation it went
 * @param index 1-based number of the message on its conversation (both directions)
 * @param type "offer", "answer", "pranswer", "sdp" (an SDP without a known type), "candidate",
 *     "other" (JSON without either), "not_json", or "close" (a close frame: {@code closeCode})
 * @param length message length in bytes (after permessage-deflate, when used)
 * @param sdpLength length of the SDP text it carries, 0 when none
 * @param candidate the ICE candidate ("candidate:..."), or null
 * @param envelope what the application wrapped it in (its own message type, room, sender and
 *     addressee), or null when the JSON names none
 * @param closeCode the status code of a close frame, -1 for other messages
 */
public record SignallingMessage(long frame, long tsNanos, FlowKey flow, Direction direction, long index, String type,
                                int length, int sdpLength, String candidate, Envelope envelope, int closeCode)
    implements ProtocolEvent {

    /**
     * The application's own fields around the WebRTC payload, in the shapes room servers use
     * ({@code {"type":"join","room":"lab","from":"alice"}}, {@code {"type":"offer","from":..,"to":..,"sdp":..}},
     * {@code {"type":"peers","peers":[..]}}, {@code {"type":"peer-left","peer":..}}).
     *
     * @param kind the message's own type, event or action ("join", "offer", "peer-left"), or null
     * @param room the room id, or null
     * @param from the sender's name, or null
     * @param to the addressee's name, or null
     * @param peer the peer a notice is about ("peer-joined", "peer-left"), or null
     * @param peers the peers a list names ("peers", "members"), empty when none
     */
    public record Envelope(String kind, String room, String from, String to, String peer, List<String> peers) {
        public Envelope {
            peers = List.copyOf(peers);
        }
    }

    /** A message without envelope or close code. */
    public SignallingMessage(final long frame, final long tsNanos, final FlowKey flow, final Direction direction, final long index,
                             final String type, final int length, final int sdpLength, final String candidate) {
        this(frame, tsNanos, flow, direction, index, type, length, sdpLength, candidate, null, -1);
    }

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
