package dev.callscope.decode;

/**
 * Tunnel headers: GRE (RFC 2784/2890, and the PPTP variant of RFC 2637), ERSPAN II/III, GTP-U v1
 * (3GPP TS 29.281) and VXLAN (RFC 7348).
 * <pre>
 * GRE: 4 bytes, then each optional 32-bit field whose flag is set, in this order
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-----+-------+-+-----+-------------------------------+
 * |C|R|K|S|s|recur| flags |A| ver |         protocol type         |
 * +-+-+-+-+-+-----+-------+-+-----+-------------------------------+
 * | checksum + reserved/offset    (if C or R)                     |
 * | key; in version 1 (PPTP): payload length + call id  (if K)    |
 * | sequence number               (if S)                          |
 * | acknowledgment number         (version 1 only, if A)          |
 * | routing entries               (if R: unsupported here)        |
 *
 * ERSPAN type II (protocol 0x88be, GRE sequence present), 8 bytes, then Ethernet:
 * +-------+-----------------------+-----+---+-+-------------------+
 * |  ver  |         VLAN          | COS |En |T|    session id     |
 * +-------+-----------------------+-----+---+-+-------------------+
 * |       reserved        |             index                     |
 * +---------------------------------------------------------------+
 * ERSPAN type III (protocol 0x22eb), 12 bytes (+ 8 when O is set), then the frame:
 * | ver | VLAN | COS | BSO | T | session id |                      (32 bits)
 * | timestamp                                                  |  (32 bits)
 * | SGT (16) | P | frame type (5) | hw id (6) | D | Gra (2) | O |  (32 bits)
 *
 * GTP-U v1: 8 bytes, then 4 more if E, S or PN is set
 * +-----+-+-+-+-+-+---------------+-------------------------------+
 * | ver |P|r|E|S|N| message type  | length (bytes after these 8)  |
 * +-----+-+-+-+-+-+---------------+-------------------------------+
 * |                  tunnel endpoint identifier                   |
 * +-------------------------------+---------------+---------------+
 * |        sequence number        |  N-PDU number | next ext type |
 * +-------------------------------+---------------+---------------+
 * extension header: | length (x4 bytes) | content ... | next ext type |
 * message type 0xff (G-PDU) carries a user IPv4/IPv6 packet.
 *
 * VXLAN: | flags (I = 0x08) | reserved (24) | VNI (24) | reserved (8) |, then Ethernet.
 * </pre>
 */
final class TunnelHeaders {
    static final int GRE_FLAGS_OFFSET = 0;
    static final int GRE_PROTOCOL_OFFSET = GRE_FLAGS_OFFSET + 2;
    static final int GRE_BASE_LENGTH = GRE_PROTOCOL_OFFSET + 2;
    static final int GRE_FLAG_CHECKSUM = 0x8000;
    static final int GRE_FLAG_ROUTING = 0x4000;
    static final int GRE_FLAG_KEY = 0x2000;
    static final int GRE_FLAG_SEQUENCE = 0x1000;
    static final int GRE_FLAG_ACK = 0x0080;
    static final int GRE_VERSION_MASK = 0x0007;

    static final int GRE_PROTO_IPV4 = 0x0800;
    static final int GRE_PROTO_IPV6 = 0x86dd;
    static final int GRE_PROTO_TEB = 0x6558;
    static final int GRE_PROTO_PPP = 0x880b;
    static final int GRE_PROTO_ERSPAN2 = 0x88be;
    static final int GRE_PROTO_ERSPAN3 = 0x22eb;

    static final int ERSPAN2_HEADER_LENGTH = 8;
    static final int ERSPAN3_HEADER_LENGTH = 12;
    static final int ERSPAN3_FLAGS_OFFSET = 8;
    static final int ERSPAN3_PLATFORM_LENGTH = 8;
    static final int ERSPAN3_FLAG_OPTIONAL = 0x0001;
    static final int ERSPAN3_FRAME_TYPE_SHIFT = 10;
    static final int ERSPAN3_FRAME_TYPE_MASK = 0x1F;

    static final int PPP_ADDRESS = 0xff;
    static final int PPP_CONTROL = 0x03;
    static final int PPP_PROTO_IPV4 = 0x0021;
    static final int PPP_PROTO_IPV6 = 0x0057;

    static final int GTP_FLAGS_OFFSET = 0;
    static final int GTP_TYPE_OFFSET = GTP_FLAGS_OFFSET + 1;
    static final int GTP_LENGTH_OFFSET = GTP_TYPE_OFFSET + 1;
    static final int GTP_TEID_OFFSET = GTP_LENGTH_OFFSET + 2;
    static final int GTP_MANDATORY_LENGTH = GTP_TEID_OFFSET + 4;
    static final int GTP_SEQ_OFFSET = GTP_MANDATORY_LENGTH;
    static final int GTP_NPDU_OFFSET = GTP_SEQ_OFFSET + 2;
    static final int GTP_NEXT_EXT_OFFSET = GTP_NPDU_OFFSET + 1;
    static final int GTP_OPTIONAL_LENGTH = GTP_NEXT_EXT_OFFSET + 1;
    static final int GTP_FLAG_PT = 0x10;
    static final int GTP_FLAG_E = 0x04;
    static final int GTP_FLAG_S = 0x02;
    static final int GTP_FLAG_PN = 0x01;
    static final int GTP_MSG_GPDU = 0xff;
    static final int GTP_U_PORT = 2152;

    static final int VXLAN_FLAGS_OFFSET = 0;
    static final int VXLAN_HEADER_LENGTH = 8;
    static final int VXLAN_FLAG_I = 0x08;
    static final int VXLAN_PORT = 4789;

    private TunnelHeaders() {
    }
}
