package dev.callscope.dissect.sip;

/**
 * A From, To or Contact value: {@code "Alice" <sip:alice@atlanta.example.com>;tag=1928301774}.
 *
 * @param display the display name without quotes, or ""
 * @param uri the URI without angle brackets
 * @param user the user part of the URI ("alice"), or ""
 * @param tag the tag parameter, or null
 */
public record NameAddr(String display, String uri, String user, String tag) {
    /** Parses a name-addr or addr-spec leniently (never throws). */
    public static NameAddr parse(final String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        String display = "";
        String uri;
        String params;
        final int lt = v.indexOf('<');
        final int gt = lt >= 0 ? v.indexOf('>', lt) : -1;
        if (lt >= 0 && gt > lt) {
            display = v.substring(0, lt).trim();
            if (display.length() >= 2 && display.startsWith("\"") && display.endsWith("\"")) {
                display = display.substring(1, display.length() - 1);
            }
            uri = v.substring(lt + 1, gt).trim();
            params = v.substring(gt + 1);
        } else {
            final int semi = v.indexOf(';');
            uri = semi >= 0 ? v.substring(0, semi).trim() : v;
            params = semi >= 0 ? v.substring(semi) : "";
        }
        // the last ;tag= parameter wins; each parameter is trimmed first
        String tag = null;
        final int len = params.length();
        int segStart = 0;
        while (segStart < len) {
            int segEnd = params.indexOf(';', segStart);
            if (segEnd < 0) {
                segEnd = len;
            }
            final int a = SipParser.skipSpace(params, segStart, segEnd);
            final int b = SipParser.skipSpaceBack(params, a, segEnd);
            if (b - a >= 4 && params.regionMatches(true, a, "tag=", 0, 4)) {
                tag = params.substring(a + 4, b);
            }
            segStart = segEnd + 1;
        }
        return new NameAddr(display, uri, userOf(uri), tag);
    }

    static String userOf(final String uri) {
        int start = uri.indexOf(':');
        if (start < 0 || uri.startsWith("[")) {
            return "";
        }
        start++;
        final int at = uri.indexOf('@', start);
        if (at < 0) {
            return "";
        }
        final int semi = uri.indexOf(';', start);
        return semi >= 0 && semi < at ? uri.substring(start, semi) : uri.substring(start, at);
    }

    /** {@code "Alice" <sip:alice@example.com>} without parameters, or the URI alone. */
    @Override
    public String toString() {
        return display.isEmpty() ? uri : "\"" + display + "\" <" + uri + ">";
    }
}
