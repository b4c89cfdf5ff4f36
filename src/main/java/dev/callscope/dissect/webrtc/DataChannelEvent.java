package dev.callscope.dissect.webrtc;

import dev.callscope.core.Direction;
import dev.callscope.core.FlowKey;
import dev.callscope.dissect.ProtocolEvent;

/**
 * A WebRTC data channel event out of decrypted DTLS (SCTP, RFC 8831; DCEP, RFC 8832): a channel
 * opened or acknowledged, or one complete message (its fragments reassembled).
 *
 * @param kind {@link #OPEN}, {@link #ACK} or {@link #MESSAGE}
 * @param streamId the SCTP stream of the channel
 * @param ppid the payload protocol identifier (50 DCEP, 51 string, 53 binary, 56/57 empty)
 * @param length bytes of the message's user data (all fragments)
 * @param unordered sent with the U bit (unordered delivery)
 * @param label the channel's label (OPEN only, else null)
 * @param subprotocol the channel's protocol (OPEN only, else null)
 * @param channelType the DCEP channel type (OPEN only: 0x00 reliable, 0x01/0x02 partial reliability by
 *     retransmissions/time; 0x80 set for unordered)
 * @param reliability the DCEP reliability parameter (OPEN only)
 */
public record DataChannelEvent(long frame, long tsNanos, FlowKey flow, Direction direction, int kind, int streamId, long ppid,
                               int length, boolean unordered, String label, String subprotocol, int channelType, long reliability)
    implements ProtocolEvent {
    public static final int OPEN = 1;
    public static final int ACK = 2;
    public static final int MESSAGE = 3;

    @Override
    public String protocol() {
        return "webrtc";
    }
}
