package dev.callscope.decode;

/**
 * UDP (RFC 768) and TCP (RFC 9293) headers, read in place.
 * <pre>
 * UDP, 8 bytes:
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------------------------------+-------------------------------+
 * |          source port          |       destination port        |
 * +-------------------------------+-------------------------------+
 * |  length (header + data, >= 8) |           checksum            |
 * +-------------------------------+-------------------------------+
 *
 * TCP, 20 bytes plus options:
 * +-------------------------------+-------------------------------+
 * |          source port          |       destination port        |
 * +-------------------------------+-------------------------------+
 * |                        sequence number                        |
 * +---------------------------------------------------------------+
 * |                     acknowledgment number                     |
 * +-------+-------+---------------+-------------------------------+
 * | data  |reserv.|C|E|U|A|P|R|S|F|            window             |
 * |offset |       |W|C|R|C|S|S|Y|I|                               |
 * +-------+-------+---------------+-------------------------------+
 * |           checksum            |        urgent pointer         |
 * +-------------------------------+-------------------------------+
 * |      options, (data offset - 5) 32-bit words, then data ...   |
 * </pre>
 */
final class TransportHeaders {
    static final int SRC_PORT_OFFSET = 0;
    static final int DST_PORT_OFFSET = SRC_PORT_OFFSET + 2;

    static final int UDP_LENGTH_OFFSET = DST_PORT_OFFSET + 2;
    static final int UDP_CHECKSUM_OFFSET = UDP_LENGTH_OFFSET + 2;
    static final int UDP_HEADER_LENGTH = UDP_CHECKSUM_OFFSET + 2;

    static final int TCP_SEQ_OFFSET = DST_PORT_OFFSET + 2;
    static final int TCP_ACK_OFFSET = TCP_SEQ_OFFSET + 4;
    static final int TCP_DATA_OFFSET_OFFSET = TCP_ACK_OFFSET + 4;
    static final int TCP_FLAGS_OFFSET = TCP_DATA_OFFSET_OFFSET + 1;
    static final int TCP_WINDOW_OFFSET = TCP_FLAGS_OFFSET + 1;
    static final int TCP_CHECKSUM_OFFSET = TCP_WINDOW_OFFSET + 2;
    static final int TCP_URGENT_OFFSET = TCP_CHECKSUM_OFFSET + 2;
    static final int TCP_MIN_HEADER_LENGTH = TCP_URGENT_OFFSET + 2;

    static final int TCP_FIN = 0x01;
    static final int TCP_SYN = 0x02;
    static final int TCP_RST = 0x04;
    static final int TCP_PSH = 0x08;
    static final int TCP_ACK = 0x10;

    private TransportHeaders() {
    }

    static int srcPort(final byte[] b, final int off) {
        return Be.u16(b, off + SRC_PORT_OFFSET);
    }

    static int dstPort(final byte[] b, final int off) {
        return Be.u16(b, off + DST_PORT_OFFSET);
    }

    static int udpLength(final byte[] b, final int off) {
        return Be.u16(b, off + UDP_LENGTH_OFFSET);
    }

    static long tcpSeq(final byte[] b, final int off) {
        return Be.u32(b, off + TCP_SEQ_OFFSET);
    }

    static long tcpAck(final byte[] b, final int off) {
        return Be.u32(b, off + TCP_ACK_OFFSET);
    }

    /** TCP header length in bytes (data offset x 4). */
    static int tcpHeaderLength(final byte[] b, final int off) {
        return ((b[off + TCP_DATA_OFFSET_OFFSET] & 0xFF) >>> 4) * 4;
    }

    static int tcpFlags(final byte[] b, final int off) {
        return b[off + TCP_FLAGS_OFFSET] & 0xFF;
    }
}
