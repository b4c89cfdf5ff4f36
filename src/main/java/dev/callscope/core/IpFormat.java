package dev.callscope.core;

/** IPv4 dotted quads and RFC 5952 IPv6 text, without going through InetAddress (no DNS, no garbage per call beyond the String). */
public final class IpFormat {
    private IpFormat() {
    }

    public static String format(final byte[] a, final int off, final int len) {
        if (len == 4) {
            return (a[off] & 0xFF) + "." + (a[off + 1] & 0xFF) + "." + (a[off + 2] & 0xFF) + "." + (a[off + 3] & 0xFF);
        }
        if (len != 16) {
            throw new IllegalArgumentException("address length " + len);
        }
        final int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((a[off + 2 * i] & 0xFF) << 8) | (a[off + 2 * i + 1] & 0xFF);
        }
        // IPv4-mapped ::ffff:a.b.c.d
        boolean mapped = g[5] == 0xFFFF;
        for (int i = 0; i < 5 && mapped; i++) {
            mapped = g[i] == 0;
        }
        if (mapped) {
            return "::ffff:" + format(a, off + 12, 4);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (g[i] == 0) {
                int j = i;
                while (j < 8 && g[j] == 0) {
                    j++;
                }
                if (j - i > bestLen && j - i >= 2) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        final StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
