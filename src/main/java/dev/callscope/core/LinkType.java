package dev.callscope.core;

/** Link-layer header types (tcpdump.org LINKTYPE_ values) that callscope decodes. */
public final class LinkType {
    public static final int NULL = 0;
    public static final int ETHERNET = 1;
    public static final int RAW = 101;
    public static final int LOOP = 108;
    public static final int LINUX_SLL = 113;
    public static final int IPV4 = 228;
    public static final int IPV6 = 229;
    public static final int LINUX_SLL2 = 276;

    private LinkType() {
    }

    /** Name as tshark and capinfos print it, or "LINKTYPE_n". */
    public static String name(final int linkType) {
        switch (linkType) {
            case NULL: return "NULL/Loopback";
            case ETHERNET: return "Ethernet";
            case RAW: return "Raw IP";
            case LOOP: return "OpenBSD loopback";
            case LINUX_SLL: return "Linux cooked-mode capture v1";
            case IPV4: return "Raw IPv4";
            case IPV6: return "Raw IPv6";
            case LINUX_SLL2: return "Linux cooked-mode capture v2";
            default: return "LINKTYPE_" + linkType;
        }
    }

    /** Whether the decode layer understands this link type. */
    public static boolean supported(final int linkType) {
        switch (linkType) {
            case NULL: case ETHERNET: case RAW: case LOOP: case LINUX_SLL: case IPV4: case IPV6: case LINUX_SLL2:
                return true;
            default:
                return false;
        }
    }
}
