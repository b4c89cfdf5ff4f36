package dev.callscope.decode;

/**
 * IPv4 header (RFC 791), read in place.
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------+-------+---------------+-------------------------------+
 * |version|  IHL  |   DSCP/ECN    |   total length (header+data)  |
 * +-------+-------+---------------+-----+-------------------------+
 * |        identification         |0|D|M|  fragment offset (x8)   |
 * +---------------+---------------+-----+-------------------------+
 * |      TTL      |   protocol    |    header checksum (unused)   |
 * +---------------+---------------+-------------------------------+
 * |                        source address                         |
 * +---------------------------------------------------------------+
 * |                      destination address                      |
 * +---------------------------------------------------------------+
 * |        options, (IHL - 5) 32-bit words, then the data ...     |
 * </pre>
 * IHL counts 32-bit words and must be at least 5; total length must cover the header.
 */
final class Ipv4Header {
    static final int VERSION_IHL_OFFSET = 0;
    static final int TOS_OFFSET = 1;
    static final int TOTAL_LENGTH_OFFSET = 2;
    static final int ID_OFFSET = 4;
    static final int FLAGS_FRAGMENT_OFFSET = 6;
    static final int TTL_OFFSET = 8;
    static final int PROTOCOL_OFFSET = 9;
    static final int CHECKSUM_OFFSET = 10;
    static final int SRC_OFFSET = 12;
    static final int DST_OFFSET = SRC_OFFSET + 4;
    static final int MIN_LENGTH = DST_OFFSET + 4;
    static final int ADDRESS_LENGTH = 4;

    static final int FLAG_MORE_FRAGMENTS = 0x2000;
    static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    private Ipv4Header() {
    }

    static int version(final byte[] b, final int off) {
        return (b[off + VERSION_IHL_OFFSET] & 0xFF) >>> 4;
    }

    /** Header length in bytes (IHL x 4). */
    static int headerLength(final byte[] b, final int off) {
        return (b[off + VERSION_IHL_OFFSET] & 0x0F) * 4;
    }

    static int totalLength(final byte[] b, final int off) {
        return Be.u16(b, off + TOTAL_LENGTH_OFFSET);
    }

    static int id(final byte[] b, final int off) {
        return Be.u16(b, off + ID_OFFSET);
    }

    static boolean moreFragments(final byte[] b, final int off) {
        return (Be.u16(b, off + FLAGS_FRAGMENT_OFFSET) & FLAG_MORE_FRAGMENTS) != 0;
    }

    /** Fragment offset in bytes. */
    static int fragmentOffset(final byte[] b, final int off) {
        return (Be.u16(b, off + FLAGS_FRAGMENT_OFFSET) & FRAGMENT_OFFSET_MASK) * 8;
    }

    static int protocol(final byte[] b, final int off) {
        return b[off + PROTOCOL_OFFSET] & 0xFF;
    }
}
