package dev.callscope.dissect.rtp;

import dev.callscope.dissect.Payload;

/**
 * The RTP fixed header (RFC 3550 section 5.1), read from a {@link Payload} with explicit bounds
 * checks. Static helpers only: nothing is allocated.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      defined by profile       |    extension length (words)   |   (when X)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class RtpHeader {
    public static final int VERSION_OFFSET = 0;
    public static final int PAYLOAD_TYPE_OFFSET = 1;
    public static final int SEQUENCE_OFFSET = 2;
    public static final int TIMESTAMP_OFFSET = 4;
    public static final int SSRC_OFFSET = 8;
    /** The fixed header, without CSRCs and extension. */
    public static final int HEADER_LENGTH = SSRC_OFFSET + 4;
    public static final int VERSION = 2;
    /** RFC 5761 section 4: with the marker bit, payload types 64-95 are RTCP packet types 192-223. */
    public static final int FIRST_RTCP_CONFLICT_PT = 64;
    public static final int LAST_RTCP_CONFLICT_PT = 95;

    private RtpHeader() {
    }

    public static int version(final Payload p) {
        return p.u8(VERSION_OFFSET) >>> 6;
    }

    public static boolean padding(final Payload p) {
        return (p.u8(VERSION_OFFSET) & 0x20) != 0;
    }

    public static boolean extension(final Payload p) {
        return (p.u8(VERSION_OFFSET) & 0x10) != 0;
    }

    public static int csrcCount(final Payload p) {
        return p.u8(VERSION_OFFSET) & 0x0F;
    }

    public static boolean marker(final Payload p) {
        return (p.u8(PAYLOAD_TYPE_OFFSET) & 0x80) != 0;
    }

    public static int payloadType(final Payload p) {
        return p.u8(PAYLOAD_TYPE_OFFSET) & 0x7F;
    }

    public static int sequence(final Payload p) {
        return p.u16(SEQUENCE_OFFSET);
    }

    public static long timestamp(final Payload p) {
        return p.u32(TIMESTAMP_OFFSET);
    }

    public static long ssrc(final Payload p) {
        return p.u32(SSRC_OFFSET);
    }

    /**
     * RFC 5761 demultiplexing: whether the second octet (marker and payload type) is an RTCP
     * packet type (192-223), i.e. the packet is RTCP sent on the RTP port.
     */
    public static boolean isRtcpMux(final Payload p) {
        if (p.length() < 2) {
            return false;
        }
        final int b1 = p.u8(PAYLOAD_TYPE_OFFSET);
        return b1 >= 128 + FIRST_RTCP_CONFLICT_PT && b1 <= 128 + LAST_RTCP_CONFLICT_PT;
    }

    /**
     * Length of the whole header (fixed part, CSRCs, extension), or -1 when it runs past the
     * payload. Needs {@link #HEADER_LENGTH} bytes.
     */
    public static int headerLength(final Payload p) {
        if (p.length() < HEADER_LENGTH) {
            return -1;
        }
        int off = HEADER_LENGTH + 4 * csrcCount(p);
        if (extension(p)) {
            if (!p.has(off, 4)) {
                return -1;
            }
            off += 4 + 4 * p.u16(off + 2);
        }
        return off <= p.length() ? off : -1;
    }
}
