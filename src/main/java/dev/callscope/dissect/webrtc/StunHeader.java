package dev.callscope.dissect.webrtc;

import dev.callscope.dissect.Payload;

/**
 * The STUN header (RFC 8489 section 5), a flyweight over a {@link Payload}:
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0|     STUN Message Type     |         Message Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Magic Cookie                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Transaction ID (96 bits)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Message Type:  M11..M7 C1 M6..M4 C0 M3..M0
 * </pre>
 * Classic STUN (RFC 3489) has no cookie: bytes 4-19 are a 128-bit transaction id.
 */
public final class StunHeader {
    public static final long MAGIC_COOKIE = 0x2112A442L;
    public static final int TYPE_OFFSET = 0;
    public static final int LENGTH_OFFSET = 2;
    public static final int COOKIE_OFFSET = 4;
    public static final int TRANSACTION_OFFSET = 8;
    public static final int HEADER_LENGTH = 20;
    /** The FINGERPRINT CRC-32 is XORed with "STUN". */
    public static final long FINGERPRINT_XOR = 0x5354554EL;

    private StunHeader() {
    }

    public static int method(final int type) {
        return (type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2);
    }

    public static int messageClass(final int type) {
        return ((type >> 7) & 0x2) | ((type >> 4) & 0x1);
    }

    /** A modern STUN message starts at {@code off}: two zero bits, the cookie, a length multiple of 4. */
    public static boolean modern(final Payload p, final int off) {
        return p.has(off, HEADER_LENGTH) && (p.u8(off) & 0xC0) == 0 && p.u32(off + COOKIE_OFFSET) == MAGIC_COOKIE
            && (p.u16(off + LENGTH_OFFSET) & 3) == 0;
    }

    /** RFC 3489 message types: Binding and Shared Secret requests and responses. */
    public static boolean classicType(final int type) {
        return switch (type) {
            case 0x0001, 0x0101, 0x0111, 0x0002, 0x0102, 0x0112 -> true;
            default -> false;
        };
    }

    /**
     * A classic STUN message fills exactly {@code [off, off+len)}: a classic type, a length that
     * matches, attributes of RFC 3489 types (below 0x0010, or comprehension-optional) that tile it.
     */
    public static boolean classic(final Payload p, final int off, final int len) {
        if (len < HEADER_LENGTH || !p.has(off, len) || !classicType(p.u16(off)) || p.u16(off + 2) + HEADER_LENGTH != len
            || p.u32(off + COOKIE_OFFSET) == MAGIC_COOKIE) {
            return false;
        }
        int i = off + HEADER_LENGTH;
        final int end = off + len;
        while (i < end) {
            if (i + 4 > end) {
                return false;
            }
            final int t = p.u16(i);
            final int l = p.u16(i + 2);
            if (t == 0 || t > 0x0011 && t < 0x8000) {
                return false;
            }
            i += 4 + l;
        }
        return i == end;
    }
}
