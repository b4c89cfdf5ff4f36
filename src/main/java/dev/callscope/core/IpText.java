package dev.callscope.core;

/**
 * Parses IPv4 dotted quads and RFC 4291 IPv6 text (with "::", an embedded dotted quad and an
 * optional zone id) into address bytes. Never resolves names and never throws: anything else is
 * {@code null}.
 */
public final class IpText {
    /** Longest IPv6 text without zone (RFC 4291 full form with a trailing dotted quad). */
    public static final int MAX_IPV6_TEXT = 45;

    private IpText() {
    }

    /** 4 or 16 bytes, or null when {@code text} is not an IP address literal. */
    public static byte[] parse(final String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        return text.indexOf(':') >= 0 ? parseV6(text) : parseV4(text);
    }

    /** True for 0.0.0.0 and :: (RFC 3264 hold / "no address yet"). */
    public static boolean isUnspecified(final byte[] address) {
        for (final byte b : address) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** True for an IPv4-mapped IPv6 address (::ffff:a.b.c.d, RFC 4291 section 2.5.5.2). */
    public static boolean isV4Mapped(final byte[] address) {
        if (address.length != 16 || address[10] != (byte) 0xff || address[11] != (byte) 0xff) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Looks like a host name rather than a broken literal: has a letter and no colon. */
    public static boolean looksLikeHostName(final String text) {
        if (text == null || text.indexOf(':') >= 0) {
            return false;
        }
        boolean letter = false;
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
                letter = true;
            } else if (!(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_')) {
                return false;
            }
        }
        return letter;
    }

    public static byte[] parseV4(final String s) {
        final byte[] out = new byte[4];
        return parseV4Into(s, 0, s.length(), out, 0) ? out : null;
    }

    private static boolean parseV4Into(final String s, final int from, final int to, final byte[] out, final int off) {
        int part = 0;
        int value = 0;
        int digits = 0;
        for (int i = from; i <= to; i++) {
            final char c = i < to ? s.charAt(i) : '.';
            if (c == '.') {
                if (digits == 0 || part >= 4) {
                    return false;
                }
                out[off + part++] = (byte) value;
                value = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9') {
                if (++digits > 3) {
                    return false;
                }
                value = value * 10 + (c - '0');
                if (value > 255) {
                    return false;
                }
            } else {
                return false;
            }
        }
        return part == 4;
    }

    public static byte[] parseV6(final String text) {
        final int zone = text.indexOf('%');
        final String s = zone >= 0 ? text.substring(0, zone) : text;
        if (s.length() < 2 || s.length() > MAX_IPV6_TEXT) {
            return null;
        }
        final int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        final byte[] out = new byte[16];
        if (gap < 0) {
            return parseGroups(s, 0, s.length(), out, 0, true) == 16 ? out : null;
        }
        final byte[] head = new byte[16];
        final byte[] tail = new byte[16];
        final int h = parseGroups(s, 0, gap, head, 0, false);
        final int t = parseGroups(s, gap + 2, s.length(), tail, 0, true);
        if (h < 0 || t < 0 || h + t > 14) {
            return null;
        }
        System.arraycopy(head, 0, out, 0, h);
        System.arraycopy(tail, 0, out, 16 - t, t);
        return out;
    }

    /** Parses colon-separated groups of {@code s[from,to)} into {@code out}; returns bytes written or -1. */
    private static int parseGroups(final String s, final int from, final int to, final byte[] out, final int off,
                                   final boolean allowV4Last) {
        if (from == to) {
            return 0;
        }
        int written = 0;
        int start = from;
        while (true) {
            int end = s.indexOf(':', start);
            if (end < 0 || end > to) {
                end = to;
            }
            if (end == start) {
                return -1;
            }
            final boolean last = end == to;
            if (last && allowV4Last && s.indexOf('.', start) >= 0 && s.indexOf('.', start) < to) {
                if (off + written + 4 > 16 || !parseV4Into(s, start, end, out, off + written)) {
                    return -1;
                }
                return written + 4;
            }
            if (end - start > 4 || off + written + 2 > 16) {
                return -1;
            }
            int v = 0;
            for (int i = start; i < end; i++) {
                final int d = Character.digit(s.charAt(i), 16);
                if (d < 0) {
                    return -1;
                }
                v = (v << 4) | d;
            }
            out[off + written] = (byte) (v >> 8);
            out[off + written + 1] = (byte) v;
            written += 2;
            if (last) {
                return written;
            }
            start = end + 1;
        }
    }
}
