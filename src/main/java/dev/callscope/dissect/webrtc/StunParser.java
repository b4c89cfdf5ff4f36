package dev.callscope.dissect.webrtc;

import dev.callscope.core.Endpoint;
import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.EventSink;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.Severity;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Decodes one STUN message (RFC 8489; classic RFC 3489; ICE RFC 8445; TURN RFC 8656). Never throws:
 * an attribute whose length runs past the message is an anomaly ({@code stun.bad_attribute_length})
 * and ends the attribute walk; what was decoded so far is still reported.
 */
public final class StunParser {
    /** At most this many attributes are kept per message (the walk continues for FINGERPRINT). */
    static final int MAX_ATTRIBUTES = 64;

    /** A decoded message and where its DATA attribute lies (TURN Send/Data indications), or -1. */
    public record Parsed(StunMessage message, int dataOffset, int dataLength) {
    }

    private StunParser() {
    }

    /** Attribute names (RFC 8489, 8445, 8656, 5780, 3489, 6062, 7635, 8016). */
    public static String attributeName(final int t) {
        return switch (t) {
            case 0x0001 -> "MAPPED-ADDRESS";
            case 0x0002 -> "RESPONSE-ADDRESS";
            case 0x0003 -> "CHANGE-REQUEST";
            case 0x0004 -> "SOURCE-ADDRESS";
            case 0x0005 -> "CHANGED-ADDRESS";
            case 0x0006 -> "USERNAME";
            case 0x0007 -> "PASSWORD";
            case 0x0008 -> "MESSAGE-INTEGRITY";
            case 0x0009 -> "ERROR-CODE";
            case 0x000A -> "UNKNOWN-ATTRIBUTES";
            case 0x000B -> "REFLECTED-FROM";
            case 0x000C -> "CHANNEL-NUMBER";
            case 0x000D -> "LIFETIME";
            case 0x0010 -> "BANDWIDTH";
            case 0x0012 -> "XOR-PEER-ADDRESS";
            case 0x0013 -> "DATA";
            case 0x0014 -> "REALM";
            case 0x0015 -> "NONCE";
            case 0x0016 -> "XOR-RELAYED-ADDRESS";
            case 0x0017 -> "REQUESTED-ADDRESS-FAMILY";
            case 0x0018 -> "EVEN-PORT";
            case 0x0019 -> "REQUESTED-TRANSPORT";
            case 0x001A -> "DONT-FRAGMENT";
            case 0x001C -> "MESSAGE-INTEGRITY-SHA256";
            case 0x001D -> "PASSWORD-ALGORITHM";
            case 0x001E -> "USERHASH";
            case 0x0020 -> "XOR-MAPPED-ADDRESS";
            case 0x0022 -> "RESERVATION-TOKEN";
            case 0x0024 -> "PRIORITY";
            case 0x0025 -> "USE-CANDIDATE";
            case 0x0026 -> "PADDING";
            case 0x0027 -> "RESPONSE-PORT";
            case 0x002A -> "CONNECTION-ID";
            case 0x8000 -> "ADDITIONAL-ADDRESS-FAMILY";
            case 0x8001 -> "ADDRESS-ERROR-CODE";
            case 0x8002 -> "PASSWORD-ALGORITHMS";
            case 0x8003 -> "ALTERNATE-DOMAIN";
            case 0x8004 -> "ICMP";
            case 0x8020 -> "XOR-MAPPED-ADDRESS (draft)";
            case 0x8022 -> "SOFTWARE";
            case 0x8023 -> "ALTERNATE-SERVER";
            case 0x8025 -> "TRANSACTION_TRANSMIT_COUNTER";
            case 0x8027 -> "CACHE-TIMEOUT";
            case 0x8028 -> "FINGERPRINT";
            case 0x8029 -> "ICE-CONTROLLED";
            case 0x802A -> "ICE-CONTROLLING";
            case 0x802B -> "RESPONSE-ORIGIN";
            case 0x802C -> "OTHER-ADDRESS";
            case 0x802D -> "ECN-CHECK";
            case 0x802E -> "THIRD-PARTY-AUTHORIZATION";
            case 0x8030 -> "MOBILITY-TICKET";
            case 0xC057 -> "GOOG-NETWORK-INFO";
            case 0xC058 -> "GOOG-LAST-ICE-CHECK-RECEIVED";
            case 0xC059 -> "GOOG-MISC-INFO";
            case 0xC05A -> "GOOG-OBSOLETE-1";
            case 0xC05B -> "GOOG-CONNECTION-ID";
            case 0xC05C -> "GOOG-DELTA";
            case 0xC05D -> "GOOG-DELTA-ACK";
            case 0xC060 -> "GOOG-MESSAGE-INTEGRITY-32";
            default -> String.format("0x%04x", t);
        };
    }

    /**
     * Decodes the message at {@code [off, off+len)} of {@code p}; {@code len} is the whole message
     * (header and attributes). Returns null (with an anomaly) when not even the header is there.
     */
    public static Parsed parse(final Payload p, final int off, final int len, final PacketContext ctx,
                               final RelayLeg leg, final EventSink out) {
        if (len < StunHeader.HEADER_LENGTH || !p.has(off, len)) {
            out.anomaly(new Anomaly("stun.too_short", Severity.WARN, ctx.frame(), off, len + " bytes: no room for the STUN header"));
            return null;
        }
        final int type = p.u16(off) & 0x3FFF;
        final boolean classic = p.u32(off + StunHeader.COOKIE_OFFSET) != StunHeader.MAGIC_COOKIE;
        final int declared = p.u16(off + StunHeader.LENGTH_OFFSET);
        final String txid = hex(p, off + (classic ? StunHeader.COOKIE_OFFSET : StunHeader.TRANSACTION_OFFSET),
            classic ? 16 : 12);
        int end = off + StunHeader.HEADER_LENGTH + declared;
        if (end > off + len) {
            if (!ctx.truncated()) {
                out.anomaly(new Anomaly("stun.bad_length", Severity.WARN, ctx.frame(), off + 2,
                    "message length " + declared + " but " + (len - StunHeader.HEADER_LENGTH) + " bytes follow the header"));
            }
            end = off + len;
        }
        final List<StunAttribute> attrs = new ArrayList<>();
        String username = null;
        Endpoint mapped = null;
        Endpoint xorMapped = null;
        Long priority = null;
        boolean useCandidate = false;
        Long controlling = null;
        Long controlled = null;
        Integer errorCode = null;
        String errorReason = null;
        boolean integrity = false;
        boolean integritySha256 = false;
        Boolean fingerprint = null;
        String realm = null;
        String nonce = null;
        Long lifetime = null;
        Endpoint relayed = null;
        final List<Endpoint> peers = new ArrayList<>();
        Integer channel = null;
        int dataOff = -1;
        int dataLen = -1;
        String software = null;
        int i = off + StunHeader.HEADER_LENGTH;
        while (i < end) {
            if (i + 4 > end) {
                out.anomaly(new Anomaly("stun.bad_attribute_length", Severity.WARN, ctx.frame(), i,
                    (end - i) + " bytes left: no room for an attribute header"));
                break;
            }
            final int at = p.u16(i);
            final int al = p.u16(i + 2);
            final int v = i + 4;
            if (v + al > end) {
                out.anomaly(new Anomaly("stun.bad_attribute_length", Severity.WARN, ctx.frame(), i,
                    attributeName(at) + " length " + al + " runs past the message"));
                break;
            }
            String value = "";
            switch (at) {
                case 0x0001, 0x0002, 0x0004, 0x0005, 0x000B, 0x8023, 0x802B, 0x802C -> {
                    final Endpoint e = address(p, v, al, false, off);
                    value = e == null ? "?" : e.toString();
                    if (at == 0x0001) {
                        mapped = e;
                    }
                }
                case 0x0020, 0x8020, 0x0012, 0x0016 -> {
                    final Endpoint e = address(p, v, al, true, off);
                    value = e == null ? "?" : e.toString();
                    if (at == 0x0012) {
                        if (e != null && peers.size() < MAX_ATTRIBUTES) {
                            peers.add(e);
                        }
                    } else if (at == 0x0016) {
                        relayed = e;
                    } else if (xorMapped == null) {
                        xorMapped = e;
                    }
                }
                case 0x0006 -> {
                    // some stacks count the padding in the length: NULs cannot end a username
                    int ul = al;
                    while (ul > 0 && p.u8(v + ul - 1) == 0) {
                        ul--;
                    }
                    username = p.utf8(v, ul);
                    value = username;
                }
                case 0x0014 -> {
                    realm = p.utf8(v, al);
                    value = realm;
                }
                case 0x0015 -> {
                    nonce = p.latin1(v, al);
                    value = nonce;
                }
                case 0x8022 -> {
                    software = p.utf8(v, al);
                    value = software;
                }
                case 0x0008 -> {
                    integrity = true;
                    value = al + " bytes";
                }
                case 0x001C -> {
                    integritySha256 = true;
                    value = al + " bytes";
                }
                case 0x0009 -> {
                    if (al >= 4) {
                        errorCode = (p.u8(v + 2) & 0x7) * 100 + p.u8(v + 3);
                        errorReason = p.utf8(v + 4, al - 4);
                        value = errorCode + " " + errorReason;
                    }
                }
                case 0x0024 -> {
                    if (al >= 4) {
                        priority = p.u32(v);
                        value = Long.toString(priority);
                    }
                }
                case 0x0025 -> useCandidate = true;
                case 0x8029, 0x802A -> {
                    if (al >= 8) {
                        final long tie = p.s64(v);
                        value = Long.toUnsignedString(tie);
                        if (at == 0x802A) {
                            controlling = tie;
                        } else {
                            controlled = tie;
                        }
                    }
                }
                case 0x000D -> {
                    if (al >= 4) {
                        lifetime = p.u32(v);
                        value = lifetime + " s";
                    }
                }
                case 0x000C -> {
                    if (al >= 2) {
                        channel = p.u16(v);
                        value = String.format("0x%04x", channel);
                    }
                }
                case 0x0013 -> {
                    dataOff = v;
                    dataLen = al;
                    value = al + " bytes";
                }
                case 0x0019 -> {
                    if (al >= 1) {
                        value = p.u8(v) == 17 ? "UDP" : p.u8(v) == 6 ? "TCP" : Integer.toString(p.u8(v));
                    }
                }
                case 0x8028 -> {
                    if (al == 4) {
                        final CRC32 crc = new CRC32();
                        crc.update(p.array(), p.offset() + off, i - off);
                        final long expected = crc.getValue() ^ StunHeader.FINGERPRINT_XOR;
                        fingerprint = expected == p.u32(v);
                        value = String.format("0x%08x", p.u32(v)) + (fingerprint ? " (correct)" : " (wrong)");
                        if (!fingerprint && !ctx.truncated()) {
                            out.anomaly(new Anomaly("stun.bad_fingerprint", Severity.WARN, ctx.frame(), i,
                                String.format("FINGERPRINT 0x%08x, CRC-32 gives 0x%08x", p.u32(v), expected)));
                        }
                    }
                }
                default -> value = al + " bytes";
            }
            if (attrs.size() < MAX_ATTRIBUTES) {
                attrs.add(new StunAttribute(at, attributeName(at), al, value));
            }
            // classic STUN does not pad, but its attributes are multiples of 4 anyway
            i = v + ((al + 3) & ~3);
        }
        final StunMessage m = new StunMessage(ctx.frame(), ctx.tsNanos(), ctx.flow(), ctx.direction(), leg, type,
            StunHeader.method(type), StunHeader.messageClass(type), classic, txid, declared, attrs, username, mapped,
            xorMapped, priority, useCandidate, controlling, controlled, errorCode, errorReason, integrity,
            integritySha256, fingerprint, realm, nonce, lifetime, relayed, peers, channel, dataLen, software);
        return new Parsed(m, dataOff, dataLen);
    }

    /** A (XOR-)address attribute value, or null when malformed. {@code msg} is where the message starts. */
    private static Endpoint address(final Payload p, final int v, final int al, final boolean xor, final int msg) {
        if (al < 8) {
            return null;
        }
        final int family = p.u8(v + 1);
        final int n = family == 1 ? 4 : family == 2 ? 16 : 0;
        if (n == 0 || al < 4 + n) {
            return null;
        }
        int port = p.u16(v + 2);
        final byte[] addr = p.bytes(v + 4, n);
        if (xor) {
            port ^= 0x2112;
            for (int k = 0; k < n; k++) {
                addr[k] ^= (byte) p.u8(msg + StunHeader.COOKIE_OFFSET + k); // cookie, then the transaction id
            }
        }
        return new Endpoint(addr, port);
    }

    static String hex(final Payload p, final int off, final int n) {
        final StringBuilder b = new StringBuilder(n * 2);
        for (int k = 0; k < n; k++) {
            b.append(Character.forDigit(p.u8(off + k) >> 4, 16)).append(Character.forDigit(p.u8(off + k) & 0xF, 16));
        }
        return b.toString();
    }

    /** Text of a USERNAME as "remote:local" ufrags, or null. */
    static String[] ufrags(final String username) {
        if (username == null) {
            return null;
        }
        final int c = username.indexOf(':');
        return c < 0 ? null : new String[] {username.substring(0, c), username.substring(c + 1)};
    }

    static byte[] ascii(final String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
