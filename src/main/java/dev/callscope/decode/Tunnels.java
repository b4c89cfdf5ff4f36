package dev.callscope.decode;

import static dev.callscope.decode.LinkHeaders.PPPOE_HEADER_LENGTH;
import static dev.callscope.decode.LinkHeaders.PPPOE_LENGTH_OFFSET;
import static dev.callscope.decode.TunnelHeaders.*;

import dev.callscope.decode.PacketDecoder.Result;

/**
 * The tunnels {@link PacketDecoder} looks into: GRE (with ERSPAN types I, II and III), PPPoE and PPP,
 * GTP-U and VXLAN. Each reads its header with every length checked against what was captured and
 * what was on the wire, records its layer, and hands the inner packet back to the decoder (IPv4,
 * IPv6 or Ethernet), or says why it stops there.
 */
final class Tunnels {
    private final PacketDecoder d;

    Tunnels(final PacketDecoder d) {
        this.d = d;
    }

    Result gre(final byte[] b, final int off, final int capEnd, final int wireEnd) {
        d.layer("gre", "gre", b, off, capEnd);
        if (off + GRE_BASE_LENGTH > capEnd) {
            return d.shortHeader(off, GRE_BASE_LENGTH, wireEnd, "gre.short", Result.OTHER_IP);
        }
        final int flags = Be.u16(b, off + GRE_FLAGS_OFFSET);
        final int version = flags & GRE_VERSION_MASK;
        if (version > 1) {
            return d.malformed("gre.bad_version");
        }
        if ((flags & GRE_FLAG_ROUTING) != 0) {
            return d.rest(b, off, capEnd, Result.OTHER_IP);
        }
        int headerLength = GRE_BASE_LENGTH;
        if ((flags & GRE_FLAG_CHECKSUM) != 0) {
            headerLength += 4;
        }
        if ((flags & GRE_FLAG_KEY) != 0) {
            headerLength += 4;
        }
        if ((flags & GRE_FLAG_SEQUENCE) != 0) {
            headerLength += 4;
        }
        if (version == 1 && (flags & GRE_FLAG_ACK) != 0) {
            headerLength += 4;
        }
        if (off + headerLength > wireEnd) {
            return d.malformed("gre.bad_length");
        }
        if (off + headerLength > capEnd) {
            d.info.reason = PacketDecoder.TRUNCATED;
            return Result.OTHER_IP;
        }
        final int protocol = Be.u16(b, off + GRE_PROTOCOL_OFFSET);
        final int p = off + headerLength;
        switch (protocol) {
            case GRE_PROTO_IPV4:
                return d.ipv4(b, p, capEnd, wireEnd);
            case GRE_PROTO_IPV6:
                return d.ipv6(b, p, capEnd, wireEnd);
            case GRE_PROTO_TEB:
                return d.ethernet(b, p, capEnd, wireEnd);
            case GRE_PROTO_PPP:
                return ppp(b, p, capEnd, wireEnd);
            case GRE_PROTO_ERSPAN2:
                d.info.addLayer("erspan");
                if ((flags & GRE_FLAG_SEQUENCE) == 0) {
                    return d.ethernet(b, p, capEnd, wireEnd); // type I: no ERSPAN header
                }
                if (p + ERSPAN2_HEADER_LENGTH > capEnd) {
                    return d.shortHeader(p, ERSPAN2_HEADER_LENGTH, wireEnd, "erspan.short", Result.OTHER_IP);
                }
                return d.ethernet(b, p + ERSPAN2_HEADER_LENGTH, capEnd, wireEnd);
            case GRE_PROTO_ERSPAN3: {
                d.info.addLayer("erspan");
                if (p + ERSPAN3_HEADER_LENGTH > capEnd) {
                    return d.shortHeader(p, ERSPAN3_HEADER_LENGTH, wireEnd, "erspan.short", Result.OTHER_IP);
                }
                final int word = Be.u16(b, p + ERSPAN3_FLAGS_OFFSET + 2);
                int len = ERSPAN3_HEADER_LENGTH;
                if ((word & ERSPAN3_FLAG_OPTIONAL) != 0) {
                    len += ERSPAN3_PLATFORM_LENGTH;
                }
                if (p + len > wireEnd) {
                    return d.malformed("erspan.short");
                }
                if (((word >>> ERSPAN3_FRAME_TYPE_SHIFT) & ERSPAN3_FRAME_TYPE_MASK) != 0) {
                    return d.rest(b, p + Math.min(len, capEnd - p), capEnd, Result.OTHER_IP);
                }
                return d.ethernet(b, p + len, capEnd, wireEnd);
            }
            default:
                return d.rest(b, p, capEnd, Result.OTHER_IP);
        }
    }

    /** PPPoE session stage: a 6-byte header whose length covers the PPP frame that follows. */
    Result pppoeSession(final byte[] b, final int off, final int capEnd, final int wireEnd) {
        d.layer("pppoes", "pppoes", b, off, capEnd);
        if (off + PPPOE_HEADER_LENGTH > capEnd) {
            return d.shortHeader(off, PPPOE_HEADER_LENGTH, wireEnd, "pppoes.short", Result.NOT_IP);
        }
        final int end = off + PPPOE_HEADER_LENGTH + Be.u16(b, off + PPPOE_LENGTH_OFFSET);
        if (end > wireEnd) {
            return d.malformed("pppoes.bad_length");
        }
        return ppp(b, off + PPPOE_HEADER_LENGTH, Math.min(capEnd, end), end);
    }

    private Result ppp(final byte[] b, final int start, final int capEnd, final int wireEnd) {
        d.info.addLayer("ppp");
        int off = start;
        if (off + 2 <= capEnd && (b[off] & 0xFF) == PPP_ADDRESS && (b[off + 1] & 0xFF) == PPP_CONTROL) {
            off += 2;
        }
        if (off + 1 > capEnd) {
            return d.shortHeader(off, 1, wireEnd, "ppp.short", Result.OTHER_IP);
        }
        final int protocol;
        if ((b[off] & 0x01) != 0) {
            protocol = b[off] & 0xFF; // compressed one-byte protocol field
            off += 1;
        } else {
            if (off + 2 > capEnd) {
                return d.shortHeader(off, 2, wireEnd, "ppp.short", Result.OTHER_IP);
            }
            protocol = Be.u16(b, off);
            off += 2;
        }
        if (protocol == PPP_PROTO_IPV4) {
            return d.ipv4(b, off, capEnd, wireEnd);
        }
        if (protocol == PPP_PROTO_IPV6) {
            return d.ipv6(b, off, capEnd, wireEnd);
        }
        return d.rest(b, off, capEnd, Result.OTHER_IP);
    }

    /** GTP-U over UDP; the UDP transport is already recorded and the payload set to the UDP payload. */
    Result gtp(final byte[] b, final int off, final int capEnd, final int wireEnd) {
        if (off + 1 > capEnd) {
            return Result.UDP;
        }
        final int flags = b[off + GTP_FLAGS_OFFSET] & 0xFF;
        if ((flags >>> 5) != 1 || (flags & GTP_FLAG_PT) == 0) {
            return Result.UDP; // not GTP-U version 1: leave it as plain UDP
        }
        d.layer("gtp", "gtp", b, off, capEnd);
        if (off + GTP_MANDATORY_LENGTH > capEnd) {
            return d.shortHeader(off, GTP_MANDATORY_LENGTH, wireEnd, "gtp.bad_length", Result.UDP);
        }
        final int end = off + GTP_MANDATORY_LENGTH + Be.u16(b, off + GTP_LENGTH_OFFSET);
        if (end > wireEnd) {
            return d.malformed("gtp.bad_length");
        }
        final int messageType = b[off + GTP_TYPE_OFFSET] & 0xFF;
        int p = off + GTP_MANDATORY_LENGTH;
        if ((flags & (GTP_FLAG_E | GTP_FLAG_S | GTP_FLAG_PN)) != 0) {
            if (p + 4 > end) {
                return d.malformed("gtp.bad_length");
            }
            if (p + 4 > capEnd) {
                d.info.reason = PacketDecoder.TRUNCATED;
                return Result.UDP;
            }
            int next = b[off + GTP_NEXT_EXT_OFFSET] & 0xFF;
            p += 4;
            if ((flags & GTP_FLAG_E) != 0) {
                while (next != 0) {
                    if (p + 1 > end) {
                        return d.malformed("gtp.bad_extension_length");
                    }
                    if (p + 1 > capEnd) {
                        d.info.reason = PacketDecoder.TRUNCATED;
                        return Result.UDP;
                    }
                    final int len = (b[p] & 0xFF) * 4;
                    if (len == 0 || p + len > end) {
                        return d.malformed("gtp.bad_extension_length");
                    }
                    if (p + len > capEnd) {
                        d.info.reason = PacketDecoder.TRUNCATED;
                        return Result.UDP;
                    }
                    next = b[p + len - 1] & 0xFF;
                    p += len;
                }
            }
        }
        if (messageType != GTP_MSG_GPDU || p >= end) {
            return Result.UDP;
        }
        final int innerCap = Math.min(capEnd, end);
        if (p + 1 > innerCap) {
            d.info.reason = PacketDecoder.TRUNCATED;
            return Result.UDP;
        }
        final int version = (b[p] & 0xFF) >>> 4;
        if (version == 4) {
            return d.ipv4(b, p, innerCap, end);
        }
        if (version == 6) {
            return d.ipv6(b, p, innerCap, end);
        }
        return Result.UDP;
    }

    Result vxlan(final byte[] b, final int off, final int capEnd, final int wireEnd) {
        if (off + VXLAN_HEADER_LENGTH > capEnd || (b[off + VXLAN_FLAGS_OFFSET] & VXLAN_FLAG_I) == 0) {
            return Result.UDP;
        }
        d.layer("vxlan", "vxlan", b, off, capEnd);
        return d.ethernet(b, off + VXLAN_HEADER_LENGTH, capEnd, wireEnd);
    }
}
