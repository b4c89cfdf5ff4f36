package dev.callscope.dissect.sip;

import dev.callscope.core.Endpoint;
import dev.callscope.core.FlowKey;
import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.EventSink;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.Severity;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads one SIP message (RFC 3261 §7): start line, headers (compact forms expanded, folded lines
 * joined), body by Content-Length. Lenient: what cannot be read becomes an anomaly, and the
 * message is still returned with what could be read. Never throws on bad bytes.
 *
 * <pre>
 *   INVITE sip:bob@biloxi.example.com SIP/2.0      start line (request-line or status-line)
 *   Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds
 *   Call-ID: a84b4c76e66710                          headers, one per line; a line starting with
 *   CSeq: 314159 INVITE                                space or tab continues the previous one
 *   Content-Length: 142
 *                                                    empty line (CRLF CRLF)
 *   v=0 ...                                          body, Content-Length bytes
 * </pre>
 */
public final class SipParser {
    /** Methods of RFC 3261 and its extensions, for the junk-prefix check and the heuristic. */
    static final Set<String> METHODS = Set.of("INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER", "PRACK", "SUBSCRIBE",
        "NOTIFY", "PUBLISH", "INFO", "REFER", "MESSAGE", "UPDATE");
    private static final int MAX_HEADERS = 256;
    private static final int MAX_VIAS = 100;

    private SipParser() {
    }

    /** Long name of a compact header form (RFC 3261 §7.3.3 and extensions), or the name as given. */
    static String longName(final String name) {
        if (name.length() != 1) {
            return name;
        }
        switch (Character.toLowerCase(name.charAt(0))) {
            case 'i': return "Call-ID";
            case 'm': return "Contact";
            case 'e': return "Content-Encoding";
            case 'l': return "Content-Length";
            case 'c': return "Content-Type";
            case 'f': return "From";
            case 's': return "Subject";
            case 'k': return "Supported";
            case 't': return "To";
            case 'v': return "Via";
            case 'o': return "Event";
            case 'r': return "Refer-To";
            case 'b': return "Referred-By";
            case 'u': return "Allow-Events";
            case 'x': return "Session-Expires";
            case 'y': return "Identity";
            case 'a': return "Accept-Contact";
            case 'j': return "Reject-Contact";
            case 'd': return "Request-Disposition";
            default: return name;
        }
    }

    private static final byte[] SIP_VERSION = {'S', 'I', 'P', '/', '2', '.', '0'};

    /**
     * Whether {@code p} starts (after optional CR/LF) with a SIP request-line or status-line. Reads
     * bytes in place and rejects most non-SIP payloads (RTP, binary) at the first byte.
     */
    public static boolean looksLikeSip(final Payload p) {
        final int n = Math.min(p.length(), 2048);
        int i = 0;
        while (i < n && (p.u8(i) == '\r' || p.u8(i) == '\n')) {
            i++;
        }
        if (i >= n || p.u8(i) < 'A' || p.u8(i) > 'Z') {
            return false;
        }
        // status line: "SIP/2.0 DDD"
        if (startsWith(p, i, SIP_VERSION) && p.has(i + 7, 1) && p.u8(i + 7) == ' ') {
            return p.has(i + 8, 3) && digit(p.u8(i + 8)) && digit(p.u8(i + 9)) && digit(p.u8(i + 10))
                && (!p.has(i + 11, 1) || p.u8(i + 11) == ' ' || p.u8(i + 11) == '\r' || p.u8(i + 11) == '\n');
        }
        // request line: token SP Request-URI SP "SIP/2.0" CRLF
        int k = i;
        while (k < n && tokenChar(p.u8(k))) {
            k++;
        }
        if (k == i || k >= n || p.u8(k) != ' ') {
            return false;
        }
        int eol = k;
        while (eol < n && p.u8(eol) != '\r' && p.u8(eol) != '\n') {
            eol++;
        }
        if (eol == n && n == p.length() && eol - i < 12) {
            return false;
        }
        return eol - k >= 9 && p.u8(eol - 8) == ' ' && startsWith(p, eol - 7, SIP_VERSION);
    }

    private static boolean startsWith(final Payload p, final int at, final byte[] prefix) {
        if (!p.has(at, prefix.length)) {
            return false;
        }
        for (int j = 0; j < prefix.length; j++) {
            if (p.u8(at + j) != prefix[j]) {
                return false;
            }
        }
        return true;
    }

    private static boolean digit(final int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean tokenChar(final int c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
            || c == '!' || c == '%' || c == '*' || c == '+' || c == '`' || c == '\'' || c == '~';
    }

    /**
     * Length of the body that follows a header block of {@code headerLength} bytes, from its
     * Content-Length (0 when absent); -1 when the block does not start with a SIP start line.
     */
    static long streamBodyLength(final Payload p, final int headerLength) {
        if (!looksLikeSip(p)) {
            return -1;
        }
        int i = 0;
        while (i < headerLength) {
            int eol = i;
            while (eol < headerLength && p.u8(eol) != '\n') {
                eol++;
            }
            final int lineEnd = eol > i && p.u8(eol - 1) == '\r' ? eol - 1 : eol;
            final int colon = indexOf(p, ':', i, lineEnd);
            if (colon > i) {
                final String name = p.latin1(i, colon - i).trim();
                if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("l")) {
                    final String v = p.latin1(colon + 1, lineEnd - colon - 1).trim();
                    try {
                        final long n = Long.parseLong(v);
                        return n < 0 ? -1 : n;
                    } catch (NumberFormatException e) {
                        return 0;
                    }
                }
            }
            i = eol + 1;
        }
        return 0;
    }

    private static int indexOf(final Payload p, final char c, final int from, final int to) {
        for (int i = from; i < to; i++) {
            if (p.u8(i) == c) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Parses the message in {@code p}.
     *
     * @param datagram true for UDP (the body runs to the end of the datagram when Content-Length
     *     is missing); false when a framer already cut the message to its length
     * @return the message, or null when not even a start line could be read (an anomaly says why)
     */
    public static SipMessage parse(final Payload p, final boolean datagram, final String transport, final PacketContext ctx,
                                   final EventSink out) {
        return new Parse(new String(p.array(), p.offset(), p.length(), StandardCharsets.ISO_8859_1), datagram, transport,
            ctx, out).message();
    }

    /**
     * Where the parts of a message are, for showing it field by field: offsets from the start of
     * the parsed bytes.
     *
     * @param message the message as {@link #parse} reads it
     * @param startLine the start line's first byte and the byte after it (CRLF not included)
     * @param headers for each of {@code message.headers()}, its first byte and the byte after its
     *     last line (folded lines included, CRLF not)
     * @param bodyOffset the first byte of the body
     */
    public record Layout(SipMessage message, int[] startLine, List<int[]> headers, int bodyOffset) {
    }

    /**
     * Parses as {@link #parse} does and also notes where each part is; null when {@link #parse}
     * would return null. For showing one message; the analysis never calls it.
     */
    public static Layout layout(final Payload p, final boolean datagram, final String transport, final PacketContext ctx,
                                final EventSink out) {
        final Parse parse = new Parse(new String(p.array(), p.offset(), p.length(), StandardCharsets.ISO_8859_1), datagram,
            transport, ctx, out);
        parse.spans = new ArrayList<>();
        final SipMessage m = parse.message();
        if (m == null) {
            return null;
        }
        final int startEnd = parse.startEnd > parse.pos && parse.text.charAt(parse.startEnd - 1) == '\r'
            ? parse.startEnd - 1 : parse.startEnd;
        return new Layout(m, new int[] {parse.pos, startEnd}, parse.spans,
            Math.min(parse.text.length(), parse.headerEnd + parse.sepLen));
    }

    /**
     * One message being parsed. The steps are methods of their own so that each is small: the JIT
     * compiles small methods sooner and faster than one long one, which matters in the first
     * thousand messages of a capture.
     */
    private static final class Parse {
        final String text;
        final boolean datagram;
        final String transport;
        final PacketContext ctx;
        final EventSink out;
        /** Start of the start line (after keep-alive CRLFs). */
        int pos;
        /** Where the empty line that ends the headers starts, and its length (4, 2, or 0 when missing). */
        int headerEnd;
        int sepLen;
        /** End of the start line (its LF, or headerEnd). */
        int startEnd;
        String method;
        String uri;
        int status;
        String reason;
        /** Header names (long forms), their values' bounds in text (two per header), folded values. */
        String[] names = new String[16];
        int[] spansOfValues = new int[32];
        String[] foldedValues;
        int count;
        /** Where each header is (see {@link Layout}), only when showing a message; null in the analysis. */
        List<int[]> spans;
        int curStart;
        int curEnd;
        String callId;
        String from;
        String to;
        String cseqText;
        String contact;
        String ua;
        String contentType;
        String contentLength;
        final List<String> branches = new ArrayList<>();
        long cseq = -1;
        String cseqMethod;

        Parse(final String text, final boolean datagram, final String transport, final PacketContext ctx,
              final EventSink out) {
            this.text = text;
            this.datagram = datagram;
            this.transport = transport;
            this.ctx = ctx;
            this.out = out;
        }

        SipMessage message() {
            if (!frame() || !startLine()) {
                return null;
            }
            headers();
            fields();
            cseq();
            if (callId == null) {
                anomaly(out, ctx, "sip.missing_call_id", Severity.WARN, pos, "no Call-ID header");
            }
            return build();
        }

        /** Skips keep-alive CRLFs and finds the end of the headers; false for a bare keep-alive (RFC 5626). */
        private boolean frame() {
            while (pos < text.length() && (text.charAt(pos) == '\r' || text.charAt(pos) == '\n')) {
                pos++;
            }
            if (pos == text.length()) {
                return false;
            }
            headerEnd = text.indexOf("\r\n\r\n", pos);
            sepLen = 4;
            if (headerEnd < 0) {
                headerEnd = text.indexOf("\n\n", pos);
                sepLen = 2;
                if (headerEnd >= 0) {
                    anomaly(out, ctx, "sip.bare_lf", Severity.WARN, pos, "lines end in LF instead of CRLF");
                }
            }
            if (headerEnd < 0) {
                headerEnd = text.length();
                sepLen = 0;
                anomaly(out, ctx, "sip.no_end_of_headers", Severity.WARN, pos, "no empty line ends the headers");
            }
            return true;
        }

        /** The request or status line; false (with an anomaly) when it is not SIP. */
        private boolean startLine() {
            int nl = text.indexOf('\n', pos);
            if (nl < 0 || nl >= headerEnd) {
                nl = headerEnd;
            }
            startEnd = nl;
            final String start = text.substring(pos, nl > pos && text.charAt(nl - 1) == '\r' ? nl - 1 : nl);
            if (start.startsWith("SIP/2.0 ")) {
                final String rest = start.substring(8);
                final int sp = rest.indexOf(' ');
                final String code = sp < 0 ? rest : rest.substring(0, sp);
                try {
                    status = Integer.parseInt(code.trim());
                } catch (NumberFormatException e) {
                    anomaly(out, ctx, "sip.bad_status_line", Severity.WARN, pos, "status code '" + code + "'");
                    return false;
                }
                reason = sp < 0 ? "" : rest.substring(sp + 1).trim();
                return true;
            }
            final String[] parts = start.split(" ");
            if (parts.length < 3 || !parts[parts.length - 1].startsWith("SIP/")) {
                anomaly(out, ctx, "sip.bad_request_line", Severity.WARN, pos, "not a SIP start line: " + cut(start));
                return false;
            }
            method = parts[0];
            if (!METHODS.contains(method)) {
                for (final String m : METHODS) {
                    if (method.endsWith(m) && method.length() > m.length()) {
                        anomaly(out, ctx, "sip.junk_before_start_line", Severity.WARN, pos,
                            (method.length() - m.length()) + " bytes before the method " + m);
                        method = m;
                        break;
                    }
                }
            }
            uri = parts[1];
            return true;
        }

        /**
         * The header lines, with folding. Lines are split at LF with a CR before it dropped, as
         * {@link SipParser#lines} does, but walked by index so that only names and values become strings.
         */
        private void headers() {
            String curName = null;
            int valueStart = 0;
            int valueEnd = 0;
            StringBuilder folded = null;
            int nl = startEnd;
            int ls = nl + 1;
            while (nl < headerEnd) {
                nl = text.indexOf('\n', ls);
                if (nl < 0 || nl >= headerEnd) {
                    nl = headerEnd;
                }
                final int le = nl > ls && text.charAt(nl - 1) == '\r' ? nl - 1 : nl;
                final int lineStart = ls;
                ls = nl + 1;
                if (le == lineStart) {
                    continue;
                }
                final char first = text.charAt(lineStart);
                if ((first == ' ' || first == '\t') && curName != null) {
                    if (folded == null) {
                        folded = new StringBuilder(text.substring(valueStart, valueEnd));
                    }
                    folded.append(' ').append(trimmed(text, lineStart, le));
                    curEnd = le;
                    continue;
                }
                if (curName != null && count < MAX_HEADERS) {
                    add(curName, valueStart, valueEnd, folded);
                }
                folded = null;
                final int colon = text.indexOf(':', lineStart);
                if (colon < 0 || colon >= le || colon == lineStart) {
                    anomaly(out, ctx, "sip.bad_header", Severity.WARN, pos,
                        "header line without a colon: " + cut(text.substring(lineStart, le)));
                    curName = null;
                    continue;
                }
                curName = name(text, lineStart, colon);
                valueStart = skipSpace(text, colon + 1, le);
                valueEnd = skipSpaceBack(text, valueStart, le);
                curStart = lineStart;
                curEnd = le;
            }
            if (curName != null && count < MAX_HEADERS) {
                add(curName, valueStart, valueEnd, folded);
            }
            if (count >= MAX_HEADERS) {
                anomaly(out, ctx, "sip.too_many_headers", Severity.WARN, pos, "more than " + MAX_HEADERS + " headers");
            }
        }

        private void add(final String name, final int valueStart, final int valueEnd, final StringBuilder folded) {
            if (count == names.length) {
                names = Arrays.copyOf(names, count * 2);
                spansOfValues = Arrays.copyOf(spansOfValues, count * 4);
            }
            names[count] = name;
            spansOfValues[2 * count] = valueStart;
            spansOfValues[2 * count + 1] = valueEnd;
            if (folded != null) {
                if (foldedValues == null) {
                    foldedValues = new String[names.length];
                } else if (foldedValues.length < names.length) {
                    foldedValues = Arrays.copyOf(foldedValues, names.length);
                }
                foldedValues[count] = folded.toString();
            }
            count++;
            if (spans != null) {
                spans.add(new int[] {curStart, curEnd});
            }
        }

        /** The value of header {@code i}. */
        private String value(final int i) {
            if (foldedValues != null && i < foldedValues.length && foldedValues[i] != null) {
                return foldedValues[i];
            }
            return text.substring(spansOfValues[2 * i], spansOfValues[2 * i + 1]);
        }

        /** The headers for the record: bounds taken relative to the message's own text {@code raw}. */
        private SipHeaders headerList(final String raw) {
            final String[] n = Arrays.copyOf(names, count);
            final int[] v = new int[2 * count];
            for (int i = 0; i < 2 * count; i++) {
                v[i] = spansOfValues[i] - pos;
            }
            final String[] f = foldedValues == null ? null : Arrays.copyOf(foldedValues, count);
            return new SipHeaders(raw, n, v, f);
        }

        /** The headers the message record names (the first of each, the last User-Agent, every Via branch). */
        private void fields() {
            for (int hi = 0; hi < count; hi++) {
                switch (lowerName(names[hi])) {
                    case "call-id": if (callId == null) { callId = value(hi); } break;
                    case "from": if (from == null) { from = value(hi); } break;
                    case "to": if (to == null) { to = value(hi); } break;
                    case "cseq": if (cseqText == null) { cseqText = value(hi); } break;
                    case "contact": if (contact == null) { contact = value(hi); } break;
                    case "user-agent": ua = value(hi); break;
                    case "server": if (ua == null) { ua = value(hi); } break;
                    case "content-type": contentType = value(hi); break;
                    case "content-length": contentLength = value(hi); break;
                    case "via": vias(value(hi)); break;
                    default: break;
                }
            }
            if (branches.size() >= MAX_VIAS) {
                anomaly(out, ctx, "sip.too_many_vias", Severity.WARN, pos, "more than " + MAX_VIAS + " Via values");
            }
        }

        private void vias(final String value) {
            if (value.indexOf(',') < 0) { // one Via value, the common case: no list to split
                if (branches.size() < MAX_VIAS) {
                    branches.add(param(value, "branch"));
                }
                return;
            }
            for (final String via : splitComma(value)) {
                if (branches.size() < MAX_VIAS) {
                    branches.add(param(via, "branch"));
                }
            }
        }

        private void cseq() {
            if (cseqText == null) {
                return;
            }
            final String c = cseqText.trim();
            int sp = 0;
            while (sp < c.length() && !Character.isWhitespace(c.charAt(sp))) {
                sp++;
            }
            try {
                cseq = Long.parseLong(c.substring(0, sp));
            } catch (NumberFormatException e) {
                anomaly(out, ctx, "sip.bad_cseq", Severity.WARN, pos, "CSeq '" + cut(cseqText) + "'");
            }
            final String m = c.substring(sp).trim();
            cseqMethod = m.isEmpty() ? null : m;
        }

        /** The body as Content-Length bounds it, and the record. */
        private SipMessage build() {
            // body
            final int bodyStart = Math.min(text.length(), headerEnd + sepLen);
            int bodyLen = text.length() - bodyStart;
            if (contentLength != null) {
                long cl;
                try {
                    cl = Long.parseLong(contentLength.trim());
                } catch (NumberFormatException e) {
                    cl = -1;
                }
                if (cl < 0) {
                    anomaly(out, ctx, "sip.bad_content_length", Severity.WARN, pos, "Content-Length '" + cut(contentLength) + "'");
                } else if (cl > bodyLen) {
                    if (!ctx.truncated()) {
                        anomaly(out, ctx, "sip.bad_content_length", Severity.WARN, pos,
                            "Content-Length " + cl + " but only " + bodyLen + " bytes follow");
                    }
                } else if (cl < bodyLen) {
                    if (datagram && !text.substring(bodyStart + (int) cl).isBlank()) {
                        anomaly(out, ctx, "sip.bad_content_length", Severity.WARN, pos,
                            "Content-Length " + cl + " but " + bodyLen + " bytes follow");
                    }
                    bodyLen = (int) cl;
                }
            }
            final String body = text.substring(bodyStart, bodyStart + bodyLen);
            if (!out.wants(SipMessage.class)) {
                // no tap reads the record (a summary, a HEP collector's count): only what the session
                // itself needs (the body and its type) and what identifies the message
                return new SipMessage(ctx.frame(), ctx.tsNanos(), null, null, null, transport, method, uri, status, reason,
                    callId == null ? null : callId.trim(), null, null, cseq, cseqMethod, List.of(), null, ua, contentType,
                    List.of(), body, "");
            }
            final FlowKey flow = ctx.flow();
            final Endpoint src = flow == null ? null : ctx.source();
            final Endpoint dst = flow == null ? null : ctx.destination();
            final String raw = text.substring(pos, bodyStart + bodyLen);
            return new SipMessage(ctx.frame(), ctx.tsNanos(), flow, src, dst, transport, method, uri, status, reason,
                callId == null ? null : callId.trim(), NameAddr.parse(from), NameAddr.parse(to), cseq, cseqMethod, branches,
                NameAddr.parse(contact), ua, contentType, headerList(raw), body, raw);
        }
    }

    /** The lines of {@code text[from, to)}, split at LF with a CR before it dropped (no regular expression). */
    static List<String> lines(final String text, final int from, final int to) {
        final List<String> out = new ArrayList<>(16);
        int start = from;
        while (true) {
            int nl = text.indexOf('\n', start);
            if (nl < 0 || nl >= to) {
                nl = to;
            }
            final int end = nl > start && text.charAt(nl - 1) == '\r' ? nl - 1 : nl;
            out.add(text.substring(start, end));
            if (nl >= to) {
                return out;
            }
            start = nl + 1;
        }
    }

    /** Splits a header value on commas outside quotes and angle brackets. */
    static List<String> splitComma(final String v) {
        final List<String> out = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < v.length(); i++) {
            final char c = v.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == '<') {
                depth++;
            } else if (!quoted && c == '>') {
                depth = Math.max(0, depth - 1);
            } else if (!quoted && depth == 0 && c == ',') {
                out.add(v.substring(start, i).trim());
                start = i + 1;
            }
        }
        out.add(v.substring(start).trim());
        return out;
    }

    /** A ;name=value parameter of a header value, or "" when absent. */
    static String param(final String value, final String name) {
        final int len = value.length();
        int segStart = 0;
        while (segStart <= len) {
            int segEnd = value.indexOf(';', segStart);
            if (segEnd < 0) {
                segEnd = len;
            }
            // the segment trimmed, then name=value split at the first '='
            final int a = skipSpace(value, segStart, segEnd);
            final int b = skipSpaceBack(value, a, segEnd);
            final int eq = value.indexOf('=', a);
            if (eq > a && eq < b) {
                final int ne = skipSpaceBack(value, a, eq);
                if (ne - a == name.length() && value.regionMatches(true, a, name, 0, ne - a)) {
                    return trimmed(value, eq + 1, b);
                }
            }
            segStart = segEnd + 1;
        }
        return "";
    }

    /** Header names as usually spelt, shared instead of made per message. */
    private static final String[] COMMON_NAMES = {"Via", "From", "To", "Call-ID", "CSeq", "Contact", "Max-Forwards",
        "Content-Type", "Content-Length", "User-Agent", "Allow", "Supported", "Server", "Record-Route", "Route",
        "Expires", "Accept", "Subject", "Session-Expires", "Min-SE", "Privacy", "P-Asserted-Identity", "Require",
        "Date", "Authorization", "WWW-Authenticate", "Proxy-Authenticate", "Proxy-Authorization", "Event",
        "Allow-Events", "Organization", "Reason", "Warning", "Accept-Language", "Content-Disposition"};
    /** {@link #COMMON_NAMES} by length. */
    private static final String[][] NAMES_BY_LENGTH = new String[32][];

    static {
        for (final String n : COMMON_NAMES) {
            final String[] old = NAMES_BY_LENGTH[n.length()];
            final String[] now = old == null ? new String[1] : Arrays.copyOf(old, old.length + 1);
            now[now.length - 1] = n;
            NAMES_BY_LENGTH[n.length()] = now;
        }
    }

    /**
     * The header name in {@code text[from, to)}, trimmed, in its long form ({@link #longName}); a
     * usual spelling is the shared constant, anything else a new string.
     */
    static String name(final String text, final int from, final int to) {
        final int a = skipSpace(text, from, to);
        final int b = skipSpaceBack(text, a, to);
        final int n = b - a;
        if (n < NAMES_BY_LENGTH.length && NAMES_BY_LENGTH[n] != null) {
            for (final String c : NAMES_BY_LENGTH[n]) {
                if (text.startsWith(c, a)) {
                    return c;
                }
            }
        }
        return longName(text.substring(a, b));
    }

    /** {@code s.substring(from, to).trim()} without the intermediate string. */
    static String trimmed(final String s, final int from, final int to) {
        final int a = skipSpace(s, from, to);
        return s.substring(a, skipSpaceBack(s, a, to));
    }

    /** The first index in [from, to) whose char is above ' ' (what {@link String#trim} keeps), or to. */
    static int skipSpace(final String s, final int from, final int to) {
        int a = from;
        while (a < to && s.charAt(a) <= ' ') {
            a++;
        }
        return a;
    }

    /** The end of [from, to) with chars up to ' ' dropped from its end. */
    static int skipSpaceBack(final String s, final int from, final int to) {
        int b = to;
        while (b > from && s.charAt(b - 1) <= ' ') {
            b--;
        }
        return b;
    }

    /**
     * A header name in lower case for the switch in {@link #parse}: the usual spellings map to
     * constants without allocating, anything else is lower-cased.
     */
    private static String lowerName(final String name) {
        switch (name) {
            case "Call-ID": return "call-id";
            case "From": return "from";
            case "To": return "to";
            case "CSeq": return "cseq";
            case "Contact": return "contact";
            case "User-Agent": return "user-agent";
            case "Server": return "server";
            case "Content-Type": return "content-type";
            case "Content-Length": return "content-length";
            case "Via": return "via";
            default: return name.toLowerCase(Locale.ROOT);
        }
    }

    private static String cut(final String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    private static void anomaly(final EventSink out, final PacketContext ctx, final String code, final Severity sev,
                                final int offset, final String detail) {
        out.anomaly(new Anomaly(code, sev, ctx.frame(), offset, detail));
    }
}
