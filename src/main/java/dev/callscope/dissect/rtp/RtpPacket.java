package dev.callscope.dissect.rtp;

import dev.callscope.core.Direction;
import dev.callscope.core.Endpoint;
import dev.callscope.core.FlowKey;
import dev.callscope.dissect.ProtocolEvent;

/**
 * One RTP packet (RFC 3550): the header fields and where the payload is, kept small (one record
 * per packet, no copy of the payload unless the "rtp.keep_payload" preference asks for it).
 *
 * @param direction which way it went within {@code flow} ({@link #src()} and {@link #dst()} follow from it)
 * @param sequence the 16-bit sequence number
 * @param timestamp the 32-bit RTP timestamp (unsigned)
 * @param ssrc the 32-bit synchronisation source (unsigned)
 * @param dataLength bytes of the whole RTP packet (header, payload, padding), as on the wire
 * @param payloadLength bytes of payload (after CSRCs and extension, padding removed; may be less
 *     when the snap length cut the packet)
 * @param payloadHead the first four payload bytes big-endian, or -1 when the payload is shorter
 *     (enough for an RFC 4733 telephone-event)
 * @param payload a copy of the payload, or null (only with the "rtp.keep_payload" preference)
 * @param overTcp carried over TCP with RFC 4571 framing
 * @param srtp {@link #SRTP_NONE} (no SDES key for it: clear RTP, or SRTP read as it came),
 *     {@link #SRTP_DECRYPTED} (authenticated and decrypted: payload and lengths are the clear
 *     packet's, without MKI and tag) or {@link #SRTP_AUTH_FAILED} (keys were announced and none
 *     authenticated it: the payload is encrypted)
 * @param heuristic its conversation was taken for RTP by the UDP heuristic, not by an SDP, a
 *     decode-as rule or a demultiplexer
 */
public record RtpPacket(long frame, long tsNanos, FlowKey flow, Direction direction, boolean marker, int payloadType,
                        int sequence, long timestamp, long ssrc, int csrcCount, boolean extension, boolean padding,
                        int dataLength, int payloadLength, int payloadHead, byte[] payload, boolean overTcp,
                        int srtp, boolean heuristic)
    implements ProtocolEvent {

    public static final int SRTP_NONE = 0;
    public static final int SRTP_DECRYPTED = 1;
    public static final int SRTP_AUTH_FAILED = 2;

    public static final String PROTOCOL = "rtp";

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    /** The sender (allocates). */
    public Endpoint src() {
        return direction == Direction.A_TO_B ? flow.endpointA() : flow.endpointB();
    }

    /** The receiver (allocates). */
    public Endpoint dst() {
        return direction == Direction.A_TO_B ? flow.endpointB() : flow.endpointA();
    }
}
