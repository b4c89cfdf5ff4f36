package dev.callscope.decode;

/**
 * One HEP (Homer Encapsulation Protocol) packet read in place: version 3 (chunks after the "HEP3"
 * magic) or versions 1 and 2 (a fixed header). The object is reused; after {@link #parse} returns
 * null its fields describe the packet and the offsets point into the array that was parsed.
 *
 * <p>HEPv3: "HEP3", u16 total length, then chunks of u16 vendor id, u16 type id, u16 length (the
 * length counts the 6-byte chunk header), all big-endian. HEPv1/v2: u8 version, u8 header length,
 * u8 address family, u8 IP protocol, u16 source and destination ports, the two addresses; version 2
 * adds u32 seconds, u32 microseconds and u16 capture id, written in the agent's byte order.
 */
public final class HepHeader {
    /** The port HEP collectors listen on by convention. */
    public static final int PORT = 9060;

    /** Chunk types of HEPv3 (vendor 0). */
    public static final int CHUNK_FAMILY = 0x01;
    public static final int CHUNK_PROTOCOL = 0x02;
    public static final int CHUNK_SRC_IP4 = 0x03;
    public static final int CHUNK_DST_IP4 = 0x04;
    public static final int CHUNK_SRC_IP6 = 0x05;
    public static final int CHUNK_DST_IP6 = 0x06;
    public static final int CHUNK_SRC_PORT = 0x07;
    public static final int CHUNK_DST_PORT = 0x08;
    public static final int CHUNK_TS_SEC = 0x09;
    public static final int CHUNK_TS_USEC = 0x0a;
    public static final int CHUNK_PROTO_TYPE = 0x0b;
    public static final int CHUNK_CAPTURE_ID = 0x0c;
    public static final int CHUNK_AUTH_KEY = 0x0e;
    public static final int CHUNK_PAYLOAD = 0x0f;
    public static final int CHUNK_COMPRESSED_PAYLOAD = 0x10;
    public static final int CHUNK_CORRELATION_ID = 0x11;
    public static final int CHUNK_VLAN = 0x12;
    public static final int CHUNK_NODE_NAME = 0x13;

    /** Protocol types (chunk 0x0b). */
    public static final int TYPE_SIP = 1;
    public static final int TYPE_RTP = 4;
    public static final int TYPE_RTCP = 5;
    public static final int TYPE_QOS_REPORT = 34;
    public static final int TYPE_LOG = 100;

    /** Address families as HEP writes them. */
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;

    public static final int HEP3_HEADER_LENGTH = 6;
    public static final int CHUNK_HEADER_LENGTH = 6;
    private static final int HEP2_FIXED_LENGTH = 8;
    private static final int HEP2_TIME_LENGTH = 12;

    /** 3, 2 or 1. */
    public int version;
    /** 4 or 6. */
    public int ipVersion;
    /** IP protocol number of the original packet (17 UDP, 6 TCP, 132 SCTP). */
    public int ipProtocol;
    /** Addresses: 4 or 16 bytes used. */
    public final byte[] src = new byte[16];
    public final byte[] dst = new byte[16];
    public int srcPort;
    public int dstPort;
    /** Capture time of the original packet, or 0 when the agent gave none. */
    public long tsNanos;
    /** Chunk 0x0b, 0 when absent (HEPv1/v2 carry no type: their payload is SIP). */
    public int protoType;
    /** Capture agent id, -1 when absent. */
    public long captureId;
    /** Offsets into the parsed array, length -1 when the chunk is absent. */
    public int authOffset;
    public int authLength;
    public int payloadOffset;
    public int payloadLength;
    public int correlationOffset;
    public int correlationLength;
    public int nodeNameOffset;
    public int nodeNameLength;
    /** The payload is in a compressed-payload chunk (0x10). */
    public boolean compressed;
    /** Chunks of an unknown type or vendor (skipped, as the specification allows). */
    public int unknownChunks;
    /** Bytes the packet occupies from its first byte (HEPv3: its total length). */
    public int length;

    /** Whether {@code b[off..)} starts with the "HEP3" magic. */
    public static boolean isHep3(final byte[] b, final int off, final int len) {
        return len >= 4 && b[off] == 'H' && b[off + 1] == 'E' && b[off + 2] == 'P' && b[off + 3] == '3';
    }

    /**
     * Whether {@code b[off..off+len)} is exactly one HEPv3 packet: the magic and a total length equal
     * to {@code len}, the check used to find HEP on a port that is not {@link #PORT}.
     */
    public static boolean isWholeHep3(final byte[] b, final int off, final int len) {
        return isHep3(b, off, len) && len >= HEP3_HEADER_LENGTH && Be.u16(b, off + 4) == len;
    }

    /**
     * Whether {@code b[off..off+len)} looks like a HEPv1 or HEPv2 header: version, a header length
     * that matches the address family, TCP or UDP.
     */
    public static boolean looksLikeHep2(final byte[] b, final int off, final int len) {
        if (len < HEP2_FIXED_LENGTH + 8) {
            return false;
        }
        final int v = b[off] & 0xFF;
        final int hl = b[off + 1] & 0xFF;
        final int family = b[off + 2] & 0xFF;
        final int proto = b[off + 3] & 0xFF;
        return (v == 1 || v == 2) && (proto == 17 || proto == 6 || proto == 132)
            && (family == AF_INET && hl == HEP2_FIXED_LENGTH + 8 || family == AF_INET6 && hl == HEP2_FIXED_LENGTH + 32);
    }

    /**
     * Reads the HEP packet at {@code b[off..off+len)}.
     *
     * @return null when it was read, else a constant reason ("hep.short", "hep.bad_length",
     *     "hep.bad_chunk", "hep.missing_chunk", "hep.bad_family", "hep.bad_version")
     */
    public String parse(final byte[] b, final int off, final int len) {
        version = 0;
        ipVersion = 0;
        ipProtocol = 0;
        srcPort = -1;
        dstPort = -1;
        tsNanos = 0;
        protoType = 0;
        captureId = -1;
        authOffset = 0;
        authLength = -1;
        payloadOffset = 0;
        payloadLength = -1;
        correlationOffset = 0;
        correlationLength = -1;
        nodeNameOffset = 0;
        nodeNameLength = -1;
        compressed = false;
        unknownChunks = 0;
        length = 0;
        if (len < 4 || off < 0 || off + len > b.length) {
            return "hep.short";
        }
        if (isHep3(b, off, len)) {
            return parse3(b, off, len);
        }
        final int v = b[off] & 0xFF;
        if (v == 1 || v == 2) {
            return parse2(b, off, len);
        }
        return "hep.bad_version";
    }

    private String parse3(final byte[] b, final int off, final int len) {
        version = 3;
        if (len < HEP3_HEADER_LENGTH) {
            return "hep.short";
        }
        final int total = Be.u16(b, off + 4);
        if (total < HEP3_HEADER_LENGTH || total > len) {
            return "hep.bad_length";
        }
        length = total;
        final int end = off + total;
        int p = off + HEP3_HEADER_LENGTH;
        int family = 0;
        long sec = -1;
        long usec = 0;
        boolean src4 = false;
        boolean dst4 = false;
        boolean src6 = false;
        boolean dst6 = false;
        while (p < end) {
            if (p + CHUNK_HEADER_LENGTH > end) {
                return "hep.bad_chunk";
            }
            final int vendor = Be.u16(b, p);
            final int type = Be.u16(b, p + 2);
            final int clen = Be.u16(b, p + 4);
            if (clen < CHUNK_HEADER_LENGTH || p + clen > end) {
                return "hep.bad_chunk";
            }
            final int d = p + CHUNK_HEADER_LENGTH;
            final int n = clen - CHUNK_HEADER_LENGTH;
            if (vendor != 0) {
                unknownChunks++;
                p += clen;
                continue;
            }
            switch (type) {
                case CHUNK_FAMILY:
                    if (n != 1) {
                        return "hep.bad_chunk";
                    }
                    family = b[d] & 0xFF;
                    break;
                case CHUNK_PROTOCOL:
                    if (n != 1) {
                        return "hep.bad_chunk";
                    }
                    ipProtocol = b[d] & 0xFF;
                    break;
                case CHUNK_SRC_IP4:
                case CHUNK_DST_IP4:
                    if (n != 4) {
                        return "hep.bad_chunk";
                    }
                    System.arraycopy(b, d, type == CHUNK_SRC_IP4 ? src : dst, 0, 4);
                    src4 |= type == CHUNK_SRC_IP4;
                    dst4 |= type == CHUNK_DST_IP4;
                    break;
                case CHUNK_SRC_IP6:
                case CHUNK_DST_IP6:
                    if (n != 16) {
                        return "hep.bad_chunk";
                    }
                    System.arraycopy(b, d, type == CHUNK_SRC_IP6 ? src : dst, 0, 16);
                    src6 |= type == CHUNK_SRC_IP6;
                    dst6 |= type == CHUNK_DST_IP6;
                    break;
                case CHUNK_SRC_PORT:
                case CHUNK_DST_PORT:
                    if (n != 2) {
                        return "hep.bad_chunk";
                    }
                    if (type == CHUNK_SRC_PORT) {
                        srcPort = Be.u16(b, d);
                    } else {
                        dstPort = Be.u16(b, d);
                    }
                    break;
                case CHUNK_TS_SEC:
                case CHUNK_TS_USEC:
                    if (n != 4) {
                        return "hep.bad_chunk";
                    }
                    if (type == CHUNK_TS_SEC) {
                        sec = Be.u32(b, d);
                    } else {
                        usec = Be.u32(b, d);
                    }
                    break;
                case CHUNK_PROTO_TYPE:
                    if (n != 1) {
                        return "hep.bad_chunk";
                    }
                    protoType = b[d] & 0xFF;
                    break;
                case CHUNK_CAPTURE_ID:
                    if (n == 4) {
                        captureId = Be.u32(b, d);
                    } else if (n == 2) {
                        captureId = Be.u16(b, d); // some agents write 16 bits
                    } else {
                        return "hep.bad_chunk";
                    }
                    break;
                case CHUNK_AUTH_KEY:
                    authOffset = d;
                    authLength = n;
                    break;
                case CHUNK_PAYLOAD:
                case CHUNK_COMPRESSED_PAYLOAD:
                    payloadOffset = d;
                    payloadLength = n;
                    compressed = type == CHUNK_COMPRESSED_PAYLOAD;
                    break;
                case CHUNK_CORRELATION_ID:
                    correlationOffset = d;
                    correlationLength = n;
                    break;
                case CHUNK_NODE_NAME:
                    nodeNameOffset = d;
                    nodeNameLength = n;
                    break;
                default:
                    unknownChunks++;
                    break;
            }
            p += clen;
        }
        if (family == AF_INET) {
            if (!src4 || !dst4) {
                return "hep.missing_chunk";
            }
            ipVersion = 4;
        } else if (family == AF_INET6) {
            if (!src6 || !dst6) {
                return "hep.missing_chunk";
            }
            ipVersion = 6;
        } else if (family == 0) {
            return "hep.missing_chunk";
        } else {
            return "hep.bad_family";
        }
        if (ipProtocol == 0 || srcPort < 0 || dstPort < 0 || payloadLength < 0) {
            return "hep.missing_chunk";
        }
        if (sec >= 0 && usec < 1_000_000) {
            tsNanos = sec * 1_000_000_000L + usec * 1000L;
        }
        return null;
    }

    private String parse2(final byte[] b, final int off, final int len) {
        version = b[off] & 0xFF;
        if (len < HEP2_FIXED_LENGTH) {
            return "hep.short";
        }
        final int hl = b[off + 1] & 0xFF;
        final int family = b[off + 2] & 0xFF;
        final int addr;
        if (family == AF_INET) {
            addr = 4;
            ipVersion = 4;
        } else if (family == AF_INET6) {
            addr = 16;
            ipVersion = 6;
        } else {
            return "hep.bad_family";
        }
        if (hl != HEP2_FIXED_LENGTH + 2 * addr) {
            return "hep.bad_length";
        }
        ipProtocol = b[off + 3] & 0xFF;
        srcPort = Be.u16(b, off + 4);
        dstPort = Be.u16(b, off + 6);
        int p = off + HEP2_FIXED_LENGTH;
        if (len < hl) {
            return "hep.short";
        }
        System.arraycopy(b, p, src, 0, addr);
        System.arraycopy(b, p + addr, dst, 0, addr);
        p = off + hl;
        if (version == 2) {
            if (len < hl + HEP2_TIME_LENGTH) {
                return "hep.short";
            }
            // the agent's own byte order: little-endian on the hosts that run Kamailio, OpenSIPS and
            // sngrep; big-endian only when that is the only reading that gives a plausible time
            final long secLe = Be.u32le(b, p);
            final long usecLe = Be.u32le(b, p + 4);
            final long secBe = Be.u32(b, p);
            final long usecBe = Be.u32(b, p + 4);
            if (!plausible(secLe, usecLe) && plausible(secBe, usecBe)) {
                tsNanos = secBe * 1_000_000_000L + usecBe * 1000L;
                captureId = Be.u16(b, p + 8);
            } else if (usecLe < 1_000_000) {
                tsNanos = secLe * 1_000_000_000L + usecLe * 1000L;
                captureId = Be.u16le(b, p + 8);
            }
            p += HEP2_TIME_LENGTH;
        }
        protoType = TYPE_SIP;
        payloadOffset = p;
        payloadLength = off + len - p;
        length = len;
        return null;
    }

    /** Seconds in 1990..2100 and microseconds under one second. */
    private static boolean plausible(final long sec, final long usec) {
        return usec < 1_000_000 && sec >= 631_152_000L && sec < 4_102_444_800L;
    }

    /** Whether the packet's auth key chunk equals {@code key} (false when it has none). */
    public boolean authMatches(final byte[] b, final byte[] key) {
        if (authLength != key.length) {
            // some agents send the key with a terminating NUL
            if (authLength != key.length + 1 || b[authOffset + key.length] != 0) {
                return false;
            }
        }
        for (int i = 0; i < key.length; i++) {
            if (b[authOffset + i] != key[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether the payload is text that starts a JSON object (the report types: RTCP as JSON, QoS, logs). */
    public boolean jsonPayload(final byte[] b) {
        int p = payloadOffset;
        final int end = payloadOffset + payloadLength;
        while (p < end && (b[p] == ' ' || b[p] == '\t' || b[p] == '\r' || b[p] == '\n')) {
            p++;
        }
        return p < end && (b[p] == '{' || b[p] == '[');
    }

    /**
     * Whether the payload is an original packet the analysis can read (SIP, RTP, RTCP in binary),
     * rather than a report about one (JSON RTCP, QoS reports, logs) or a compressed payload.
     */
    public boolean carriesPacket(final byte[] b) {
        if (compressed) {
            return false;
        }
        return switch (protoType) {
            case 0, TYPE_SIP, TYPE_RTP -> true;
            case TYPE_RTCP -> !jsonPayload(b);
            default -> false;
        };
    }
}
