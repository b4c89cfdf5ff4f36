package dev.callscope.core;

/**
 * Text from a capture made safe for a terminal: control characters (C0, DEL and C1, including ESC
 * and the C1 CSI that start terminal control sequences) are written as visible escapes ({@code \x1b},
 * {@code \t}, {@code \n}, {@code \r}), so a header value, ICE username or Dubbo argument cannot move
 * the cursor, clear the screen, retitle the window or break a table's alignment. Text without such
 * characters is returned as it is (no copy).
 */
public final class Visible {
    private Visible() {
    }

    /** {@code s} with its control characters escaped; {@code s} itself when it has none (null stays null). */
    public static String of(final String s) {
        if (s == null) {
            return null;
        }
        final int n = s.length();
        int i = 0;
        while (i < n && !control(s.charAt(i))) {
            i++;
        }
        if (i == n) {
            return s;
        }
        final StringBuilder b = new StringBuilder(n + 16).append(s, 0, i);
        for (; i < n; i++) {
            final char c = s.charAt(i);
            if (!control(c)) {
                b.append(c);
            } else if (c == '\t') {
                b.append("\\t");
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else {
                b.append("\\x").append(Character.forDigit(c >> 4 & 0xF, 16)).append(Character.forDigit(c & 0xF, 16));
            }
        }
        return b.toString();
    }

    private static boolean control(final char c) {
        return c < 0x20 || c >= 0x7F && c <= 0x9F;
    }
}
