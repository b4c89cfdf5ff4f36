package dev.callscope.decode;

/**
 * IPv6 fixed header (RFC 8200) and the extension headers the decoder walks.
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------+---------------+---------------------------------------+
 * |version| traffic class |              flow label               |
 * +-------+---------------+-------+---------------+---------------+
 * |  payload length (after these 40)  | next header |  hop limit    |
 * +-------------------------------+---------------+---------------+
 * |                 source address (16 bytes)                     |
 * |                 destination address (16 bytes)                |
 * +---------------------------------------------------------------+
 *
 * Hop-by-hop (0), routing (43), destination options (60): length = (hdr ext len + 1) x 8
 * +---------------+---------------+-------------------------------+
 * |  next header  | hdr ext len   |   options / routing data ...  |
 * +---------------+---------------+-------------------------------+
 * Fragment (44), always 8 bytes:
 * +---------------+---------------+-------------------------+-+-+-+
 * |  next header  |   reserved    |  fragment offset (x8)   |res|M|
 * +---------------+---------------+-------------------------+-+-+-+
 * |                        identification                         |
 * +---------------------------------------------------------------+
 * Authentication header (51): length = (payload len + 2) x 4
 * +---------------+---------------+-------------------------------+
 * |  next header  |  payload len  |   reserved, SPI, seq, ICV ... |
 * +---------------+---------------+-------------------------------+
 * </pre>
 */
final class Ipv6Header {
    static final int VERSION_OFFSET = 0;
    static final int PAYLOAD_LENGTH_OFFSET = 4;
    static final int NEXT_HEADER_OFFSET = PAYLOAD_LENGTH_OFFSET + 2;
    static final int HOP_LIMIT_OFFSET = NEXT_HEADER_OFFSET + 1;
    static final int SRC_OFFSET = HOP_LIMIT_OFFSET + 1;
    static final int DST_OFFSET = SRC_OFFSET + 16;
    static final int HEADER_LENGTH = DST_OFFSET + 16;
    static final int ADDRESS_LENGTH = 16;

    static final int EXT_NEXT_HEADER_OFFSET = 0;
    static final int EXT_LENGTH_OFFSET = 1;
    static final int EXT_MIN_LENGTH = 8;

    static final int FRAG_OFFSET_FLAGS_OFFSET = 2;
    static final int FRAG_ID_OFFSET = 4;
    static final int FRAG_HEADER_LENGTH = FRAG_ID_OFFSET + 4;
    static final int FRAG_MORE = 0x0001;
    static final int FRAG_OFFSET_MASK = 0xFFF8;

    static final int NH_HOP_BY_HOP = 0;
    static final int NH_ROUTING = 43;
    static final int NH_FRAGMENT = 44;
    static final int NH_ESP = 50;
    static final int NH_AH = 51;
    static final int NH_NONE = 59;
    static final int NH_DEST_OPTIONS = 60;

    private Ipv6Header() {
    }

    static int version(final byte[] b, final int off) {
        return (b[off + VERSION_OFFSET] & 0xFF) >>> 4;
    }

    static int payloadLength(final byte[] b, final int off) {
        return Be.u16(b, off + PAYLOAD_LENGTH_OFFSET);
    }

    static int nextHeader(final byte[] b, final int off) {
        return b[off + NEXT_HEADER_OFFSET] & 0xFF;
    }

    /** Length in bytes of a hop-by-hop, routing or destination options header. */
    static int optionsHeaderLength(final byte[] b, final int extOff) {
        return ((b[extOff + EXT_LENGTH_OFFSET] & 0xFF) + 1) * 8;
    }

    /** Length in bytes of an authentication header. */
    static int ahLength(final byte[] b, final int extOff) {
        return ((b[extOff + EXT_LENGTH_OFFSET] & 0xFF) + 2) * 4;
    }

    /** Fragment offset in bytes. */
    static int fragmentOffset(final byte[] b, final int extOff) {
        return Be.u16(b, extOff + FRAG_OFFSET_FLAGS_OFFSET) & FRAG_OFFSET_MASK;
    }

    static boolean moreFragments(final byte[] b, final int extOff) {
        return (Be.u16(b, extOff + FRAG_OFFSET_FLAGS_OFFSET) & FRAG_MORE) != 0;
    }

    static long fragmentId(final byte[] b, final int extOff) {
        return Be.u32(b, extOff + FRAG_ID_OFFSET);
    }
}
