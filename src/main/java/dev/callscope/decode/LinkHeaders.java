package dev.callscope.decode;

/**
 * Field offsets of the link-layer headers the decoder understands.
 *
 * <p>Ethernet II (an optional 802.1Q / 802.1ad tag is 4 more bytes before the type):
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                destination MAC (6 bytes) ...                  |
 * +                               +-------------------------------+
 * |                               |   source MAC (6 bytes) ...    |
 * +-------------------------------+                               +
 * |                                                               |
 * +-------------------------------+-------------------------------+
 * |   EtherType or 802.3 length   |
 * +-------------------------------+
 * VLAN tag, repeated for each stacked tag (TPID 0x8100, 0x88a8 or 0x9100 was the EtherType):
 * +-----+-+-----------------------+-------------------------------+
 * | PCP |D|        VLAN id        |      inner EtherType          |
 * +-----+-+-----------------------+-------------------------------+
 * </pre>
 *
 * <p>Linux cooked capture v1 (SLL, 16 bytes) and v2 (SLL2, 20 bytes):
 * <pre>
 * SLL : | pkt type (2) | ARPHRD (2) | addr len (2) | address (8) | protocol (2) |
 * SLL2: | protocol (2) | reserved (2) | ifindex (4) | ARPHRD (2) | pkt type (1) | addr len (1) | address (8) |
 * </pre>
 *
 * <p>BSD NULL / LOOP: a 4-byte address family (AF_INET = 2, AF_INET6 = 24, 28 or 30) in the byte
 * order of the capturing host (NULL) or network order (LOOP); both orders are accepted.
 */
final class LinkHeaders {
    static final int ETH_DST_OFFSET = 0;
    static final int ETH_SRC_OFFSET = ETH_DST_OFFSET + 6;
    static final int ETH_TYPE_OFFSET = ETH_SRC_OFFSET + 6;
    static final int ETH_HEADER_LENGTH = ETH_TYPE_OFFSET + 2;

    static final int VLAN_TCI_OFFSET = 0;
    static final int VLAN_TYPE_OFFSET = VLAN_TCI_OFFSET + 2;
    static final int VLAN_TAG_LENGTH = VLAN_TYPE_OFFSET + 2;

    static final int SLL_PACKET_TYPE_OFFSET = 0;
    static final int SLL_ARPHRD_OFFSET = SLL_PACKET_TYPE_OFFSET + 2;
    static final int SLL_ADDR_LEN_OFFSET = SLL_ARPHRD_OFFSET + 2;
    static final int SLL_ADDR_OFFSET = SLL_ADDR_LEN_OFFSET + 2;
    static final int SLL_PROTOCOL_OFFSET = SLL_ADDR_OFFSET + 8;
    static final int SLL_HEADER_LENGTH = SLL_PROTOCOL_OFFSET + 2;

    static final int SLL2_PROTOCOL_OFFSET = 0;
    static final int SLL2_RESERVED_OFFSET = SLL2_PROTOCOL_OFFSET + 2;
    static final int SLL2_IFINDEX_OFFSET = SLL2_RESERVED_OFFSET + 2;
    static final int SLL2_ARPHRD_OFFSET = SLL2_IFINDEX_OFFSET + 4;
    static final int SLL2_PACKET_TYPE_OFFSET = SLL2_ARPHRD_OFFSET + 2;
    static final int SLL2_ADDR_LEN_OFFSET = SLL2_PACKET_TYPE_OFFSET + 1;
    static final int SLL2_ADDR_OFFSET = SLL2_ADDR_LEN_OFFSET + 1;
    static final int SLL2_HEADER_LENGTH = SLL2_ADDR_OFFSET + 8;

    static final int NULL_FAMILY_OFFSET = 0;
    static final int NULL_HEADER_LENGTH = NULL_FAMILY_OFFSET + 4;

    static final int AF_INET = 2;
    static final int AF_INET6_BSD = 24;
    static final int AF_INET6_FREEBSD = 28;
    static final int AF_INET6_DARWIN = 30;

    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int ETHERTYPE_ARP = 0x0806;
    static final int ETHERTYPE_IPV6 = 0x86dd;
    static final int ETHERTYPE_VLAN = 0x8100;
    static final int ETHERTYPE_QINQ = 0x88a8;
    static final int ETHERTYPE_QINQ_OLD = 0x9100;
    static final int ETHERTYPE_PPPOE_SESSION = 0x8864;

    /*
     * PPPoE session header (RFC 2516), then a two-byte PPP protocol field:
     *  0                   1                   2                   3
     *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |  VER  | TYPE  |      CODE     |          SESSION_ID           |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |            LENGTH             |   PPP protocol, payload ...   |
     */
    static final int PPPOE_LENGTH_OFFSET = 4;
    static final int PPPOE_HEADER_LENGTH = PPPOE_LENGTH_OFFSET + 2;
    /** Largest value that is an 802.3 length rather than an EtherType. */
    static final int MAX_8023_LENGTH = 1500;

    private LinkHeaders() {
    }

    /** tshark's protocol name for a non-IP EtherType, or "data" when tshark has none we know. */
    static String etherTypeName(final int type) {
        switch (type) {
            case ETHERTYPE_ARP: return "arp";
            case 0x8035: return "rarp";
            case 0x88cc: return "lldp";
            case 0x8863: return "pppoed";
            case 0x8864: return "pppoes";
            case 0x8847: case 0x8848: return "mpls";
            case 0x888e: return "eapol";
            case 0x88f7: return "ptp";
            case 0x88e5: return "macsec";
            case 0x8809: return "slow";
            case 0x9000: return "loop";
            case 0x0842: return "wol";
            case 0x88b5: case 0x88b6: return "data";
            case 0x22f0: return "avtp";
            case 0x8906: return "fcoe";
            case 0x893a: return "ieee1905";
            default: return "data";
        }
    }
}
