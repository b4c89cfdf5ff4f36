package dev.callscope.dissect.sdp;

import dev.callscope.core.FlowKey;
import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.EventSink;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.Severity;
import dev.callscope.dissect.sdp.SdpBody.Attribute;
import dev.callscope.dissect.sdp.SdpBody.Candidate;
import dev.callscope.dissect.sdp.SdpBody.Crypto;
import dev.callscope.dissect.sdp.SdpBody.Fingerprint;
import dev.callscope.dissect.sdp.SdpBody.Media;
import dev.callscope.dissect.sdp.SdpBody.Origin;
import dev.callscope.dissect.sdp.SdpBody.RtpMap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses one SDP body, line by line, leniently: CRLF or LF line ends, blank lines skipped, and
 * every malformed line reported as a WARN {@code sdp.<reason>} anomaly before parsing goes on with
 * the next one. Work and memory are bounded by the caps in {@link SdpDissector}.
 *
 * <p>Lines are read as ISO-8859-1 (one char per byte, so anomaly offsets are byte offsets); the
 * free-text s= and a=label values are re-decoded as UTF-8. One instance per body.
 */
final class SdpParser {
    private final Payload body;
    private final long frame;
    private final EventSink out;

    private boolean sawVersion;
    private boolean sawOrigin;
    private boolean sawSessionName;
    private boolean reportedTooManyMedia;
    private Origin origin;
    private String sessionName;
    private final Level session = new Level();
    private final List<Level> media = new ArrayList<>();
    private Level current = session;

    /** What one level (session or one m= section) declares; unset values are null. */
    private static final class Level {
        String type;
        int port = -1;
        int portCount = 1;
        String proto;
        final List<String> formats = new ArrayList<>();
        String connection;
        final List<RtpMap> rtpMaps = new ArrayList<>();
        final Map<Integer, String> fmtp = new LinkedHashMap<>();
        String direction;
        int rtcpPort = -1;
        String rtcpAddress;
        boolean rtcpMux;
        String iceUfrag;
        String icePwd;
        List<String> iceOptions;
        final List<Candidate> candidates = new ArrayList<>();
        Fingerprint fingerprint;
        String setup;
        final List<Crypto> crypto = new ArrayList<>();
        String mid;
        Integer ptime;
        Integer maxptime;
        String label;
        final List<Attribute> attributes = new ArrayList<>();
        int attributeLines;
        boolean reportedTooManyAttributes;
        boolean reportedTooManyCandidates;
        /** Beyond {@link SdpDissector#MAX_MEDIA}: parsed for its lines but not reported. */
        boolean dropped;
    }

    private SdpParser(final Payload body, final long frame, final EventSink out) {
        this.body = body;
        this.frame = frame;
        this.out = out;
    }

    /** Parses {@code body}; anomalies go to {@code out}. Never throws on any input. */
    static SdpBody parse(final Payload body, final long frame, final long tsNanos, final FlowKey flow,
                         final EventSink out) {
        final SdpParser p = new SdpParser(body, frame, out);
        p.run();
        return p.build(tsNanos, flow);
    }

    /** Where each line is ({@code [start, end)}, CR and trailing blanks not included), only when showing a body. */
    private List<int[]> lineSpans;

    /** Parses as {@link #parse} does and adds to {@code lines} where each line it read is. */
    static SdpBody parse(final Payload body, final List<int[]> lines, final EventSink out) {
        final SdpParser p = new SdpParser(body, 0, out);
        p.lineSpans = lines;
        p.run();
        return p.build(0, null);
    }

    private void run() {
        final int len = body.length();
        if (len == 0) {
            warn("empty_body", 0, "no SDP lines");
            return;
        }
        int pos = 0;
        int lines = 0;
        boolean first = true;
        while (pos < len) {
            final int nl = body.indexOf((byte) '\n', pos);
            final int end = nl < 0 ? len : nl;
            final int next = nl < 0 ? len : nl + 1;
            int lineEnd = end;
            while (lineEnd > pos && (body.u8(lineEnd - 1) == '\r' || body.u8(lineEnd - 1) == ' '
                || body.u8(lineEnd - 1) == '\t')) {
                lineEnd--;
            }
            if (lineEnd == pos) {
                pos = next;
                continue;
            }
            if (++lines > SdpDissector.MAX_LINES) {
                warn("too_many_lines", pos, "more than " + SdpDissector.MAX_LINES + " lines; rest ignored");
                break;
            }
            if (lineEnd - pos > SdpDissector.MAX_LINE_LENGTH) {
                warn("line_too_long", pos, (lineEnd - pos) + " bytes; line skipped");
                pos = next;
                first = false;
                continue;
            }
            if (first && (lineEnd - pos < 2 || body.u8(pos) != 'v' || body.u8(pos + 1) != '=')) {
                warn("missing_version", pos, "first line is not v=");
            }
            first = false;
            if (lineEnd - pos < 2 || body.u8(pos + 1) != '=') {
                warn("bad_line", pos, "not <type>=<value>: " + clip(body.latin1(pos, lineEnd - pos)));
            } else {
                // the value is made straight from the bytes (no string of the whole line first)
                if (lineSpans != null) {
                    lineSpans.add(new int[] {pos, lineEnd});
                }
                line((char) body.u8(pos), body.latin1(pos + 2, lineEnd - pos - 2).strip(), pos, lineEnd);
            }
            pos = next;
        }
        if (!sawOrigin && !first) {
            warn("missing_origin", -1, "no o= line");
        }
        if (!sawSessionName && !first) {
            warn("missing_session_name", -1, "no s= line");
        }
    }

    /** One {@code <type>=<value>} line at {@code [offset, lineEnd)}, {@code value} stripped. */
    private void line(final char type, final String value, final int offset, final int lineEnd) {
        switch (type) {
            case 'v':
                if (sawVersion) {
                    warn("duplicate_version", offset, "second v= line");
                } else if (!"0".equals(value)) {
                    warn("bad_version", offset, "v=" + clip(value));
                }
                sawVersion = true;
                break;
            case 'o':
                origin(value, offset);
                break;
            case 's':
                if (!sawSessionName) {
                    sessionName = utf8(value);
                }
                sawSessionName = true;
                break;
            case 'c':
                connection(value, offset);
                break;
            case 't':
                timing(value, offset);
                break;
            case 'm':
                media(value, offset);
                break;
            case 'a':
                attribute(value, offset);
                break;
            case 'i': case 'u': case 'e': case 'p': case 'b': case 'z': case 'k': case 'r':
                break; // known and not modelled
            default:
                if (type >= 'a' && type <= 'z' || type >= 'A' && type <= 'Z') {
                    info("unknown_line", offset, "unknown type " + type + "; kept as attribute");
                    other(String.valueOf(type), value, offset);
                } else {
                    warn("bad_line", offset, "not <type>=<value>: " + clip(body.latin1(offset, lineEnd - offset)));
                }
                break;
        }
    }

    private void origin(final String value, final int offset) {
        if (current != session) {
            warn("misplaced_origin", offset, "o= inside a media section");
            return;
        }
        if (sawOrigin) {
            warn("duplicate_origin", offset, "second o= line");
            return;
        }
        sawOrigin = true;
        final List<String> t = tokens(value, 7);
        if (t.size() != 6) {
            warn("bad_origin", offset, "o= needs 6 fields: " + clip(value));
            return;
        }
        origin = new Origin(t.get(0), t.get(1), t.get(2), t.get(3), t.get(4), t.get(5));
    }

    private void connection(final String value, final int offset) {
        final List<String> t = tokens(value, 4);
        if (t.size() != 3) {
            warn("bad_connection", offset, "c= needs 3 fields: " + clip(value));
            return;
        }
        final String addrType = t.get(1).toUpperCase(Locale.ROOT);
        if (!"IP4".equals(addrType) && !"IP6".equals(addrType)) {
            warn("bad_connection", offset, "address type " + clip(t.get(1)));
        }
        String address = t.get(2);
        final int slash = address.indexOf('/');
        if (slash >= 0) {
            address = address.substring(0, slash); // multicast TTL and/or address count
        }
        if (address.isEmpty()) {
            warn("bad_connection", offset, "empty address");
            return;
        }
        current.connection = address;
    }

    private void timing(final String value, final int offset) {
        final List<String> t = tokens(value, 3);
        if (t.size() != 2 || parseLong(t.get(0)) < 0 || parseLong(t.get(1)) < 0) {
            warn("bad_timing", offset, "t= needs start and stop times: " + clip(value));
        }
    }

    private void media(final String value, final int offset) {
        final Level m = new Level();
        if (media.size() >= SdpDissector.MAX_MEDIA) {
            m.dropped = true;
            if (!reportedTooManyMedia) {
                reportedTooManyMedia = true;
                warn("too_many_media", offset, "more than " + SdpDissector.MAX_MEDIA + " m= lines; rest ignored");
            }
        } else {
            media.add(m);
        }
        current = m;
        final List<String> t = tokens(value, 3 + SdpDissector.MAX_FORMATS + 1);
        if (t.size() < 3) {
            warn("bad_media", offset, "m= needs media, port and proto: " + clip(value));
            m.type = t.isEmpty() ? "" : t.get(0);
            return;
        }
        m.type = t.get(0);
        final String portText = t.get(1);
        final int slash = portText.indexOf('/');
        m.port = parseNatural(slash < 0 ? portText : portText.substring(0, slash), 65535);
        if (slash >= 0) {
            final int count = parseNatural(portText.substring(slash + 1), 65535);
            if (count < 1) {
                warn("bad_media", offset, "port count " + clip(portText));
            } else {
                m.portCount = count;
            }
        }
        if (m.port < 0) {
            warn("bad_media", offset, "port " + clip(portText));
        }
        m.proto = t.get(2);
        for (int i = 3; i < t.size(); i++) {
            if (m.formats.size() >= SdpDissector.MAX_FORMATS) {
                warn("too_many_formats", offset, "more than " + SdpDissector.MAX_FORMATS + " formats; rest ignored");
                break;
            }
            m.formats.add(t.get(i));
        }
    }

    private void attribute(final String value, final int offset) {
        final Level l = current;
        if (++l.attributeLines > SdpDissector.MAX_ATTRIBUTES) {
            if (!l.reportedTooManyAttributes) {
                l.reportedTooManyAttributes = true;
                warn("too_many_attributes", offset,
                    "more than " + SdpDissector.MAX_ATTRIBUTES + " attributes in one section; rest ignored");
            }
            return;
        }
        final int colon = value.indexOf(':');
        final String name = colon < 0 ? value : value.substring(0, colon);
        final String v = colon < 0 ? null : value.substring(colon + 1).strip();
        if (name.isEmpty()) {
            warn("bad_attribute", offset, "a= without a name");
            return;
        }
        final boolean isMedia = l != session;
        final String attr = name.toLowerCase(Locale.ROOT);
        switch (attr) {
            case "sendrecv": case "sendonly": case "recvonly": case "inactive":
                l.direction = name.toLowerCase(Locale.ROOT);
                return;
            case "rtpmap":
                if (isMedia && rtpmap(l, v, offset)) {
                    return;
                }
                break;
            case "fmtp":
                if (isMedia && fmtp(l, v, offset)) {
                    return;
                }
                break;
            case "rtcp":
                if (isMedia && rtcp(l, v, offset)) {
                    return;
                }
                break;
            case "rtcp-mux":
                if (isMedia) {
                    l.rtcpMux = true;
                    return;
                }
                break;
            case "ice-ufrag":
                if (v != null && !v.isEmpty()) {
                    l.iceUfrag = v;
                    return;
                }
                warn("bad_ice", offset, "empty ice-ufrag");
                break;
            case "ice-pwd":
                if (v != null && !v.isEmpty()) {
                    l.icePwd = v;
                    return;
                }
                warn("bad_ice", offset, "empty ice-pwd");
                break;
            case "ice-options":
                if (v != null) {
                    l.iceOptions = tokens(v, 16);
                    return;
                }
                break;
            case "candidate":
                if (isMedia && candidate(l, v, offset)) {
                    return;
                }
                break;
            case "fingerprint":
                if (fingerprint(l, v, offset)) {
                    return;
                }
                break;
            case "setup":
                if (setup(l, v, offset)) {
                    return;
                }
                break;
            case "crypto":
                if (isMedia && crypto(l, v, offset)) {
                    return;
                }
                break;
            case "mid":
                if (isMedia && v != null) {
                    l.mid = v;
                    return;
                }
                break;
            case "label":
                if (isMedia && v != null) {
                    l.label = utf8(v);
                    return;
                }
                break;
            case "ptime":
            case "maxptime":
                if (v != null) {
                    final Integer ms = millis(v, attr, offset);
                    if (ms != null) {
                        if (attr.equals("ptime")) {
                            l.ptime = ms;
                        } else {
                            l.maxptime = ms;
                        }
                        return;
                    }
                }
                break;
            default:
                break;
        }
        l.attributes.add(new Attribute(name, v));
    }

    private boolean rtpmap(final Level l, final String v, final int offset) {
        final RtpMap m = SdpAttributes.rtpmap(v);
        if (m == null) {
            warn("bad_rtpmap", offset, "rtpmap:" + clip(v));
            return false;
        }
        l.rtpMaps.add(m);
        return true;
    }

    private boolean fmtp(final Level l, final String v, final int offset) {
        if (v == null) {
            warn("bad_fmtp", offset, "fmtp without value");
            return false;
        }
        int sp = 0;
        while (sp < v.length() && v.charAt(sp) != ' ' && v.charAt(sp) != '\t') {
            sp++;
        }
        final int pt = parseNatural(v.substring(0, sp), 127);
        if (pt < 0) {
            if (SdpBody.isRtpProto(l.proto)) {
                warn("bad_fmtp", offset, "fmtp format " + clip(v));
            }
            return false; // non-RTP formats ("t38", "webrtc-datachannel") stay as attributes
        }
        l.fmtp.putIfAbsent(pt, v.substring(sp).strip());
        return true;
    }

    private boolean rtcp(final Level l, final String v, final int offset) {
        final SdpAttributes.Rtcp r = SdpAttributes.rtcp(v);
        if (r == null) {
            warn("bad_rtcp", offset, "rtcp:" + clip(v));
            return false;
        }
        l.rtcpPort = r.port();
        if (r.address() != null) {
            l.rtcpAddress = r.address();
        }
        return true;
    }

    private boolean candidate(final Level l, final String v, final int offset) {
        if (l.candidates.size() >= SdpDissector.MAX_CANDIDATES) {
            if (!l.reportedTooManyCandidates) {
                l.reportedTooManyCandidates = true;
                warn("too_many_candidates", offset, "more than " + SdpDissector.MAX_CANDIDATES + " candidates; rest ignored");
            }
            return true;
        }
        final Candidate c = SdpAttributes.candidate(v);
        if (c == null) {
            warn("bad_candidate", offset, "candidate:" + clip(v));
            return false;
        }
        l.candidates.add(c);
        return true;
    }

    private boolean fingerprint(final Level l, final String v, final int offset) {
        final Fingerprint f = SdpAttributes.fingerprint(v);
        if (f == null) {
            warn("bad_fingerprint", offset, "fingerprint:" + clip(v));
            return false;
        }
        l.fingerprint = f;
        return true;
    }

    private boolean setup(final Level l, final String v, final int offset) {
        final String s = SdpAttributes.setup(v);
        if (s == null) {
            warn("bad_setup", offset, "setup:" + clip(v));
            return false;
        }
        l.setup = s;
        return true;
    }

    private boolean crypto(final Level l, final String v, final int offset) {
        final Crypto c = SdpAttributes.crypto(v);
        if (c == null) {
            final List<String> t = v == null ? List.of() : tokens(v, 3);
            warn("bad_crypto", offset, "crypto: " + (t.isEmpty() ? "empty" : "tag " + clip(t.get(0))));
            return false;
        }
        l.crypto.add(c);
        return true;
    }

    private Integer millis(final String v, final String name, final int offset) {
        final int ms = SdpAttributes.millis(v);
        if (ms < 0) {
            warn("bad_" + name, offset, name + ":" + clip(v));
            return null;
        }
        return ms;
    }

    private void other(final String name, final String value, final int offset) {
        if (++current.attributeLines > SdpDissector.MAX_ATTRIBUTES) {
            return;
        }
        current.attributes.add(new Attribute(name, value));
    }

    private SdpBody build(final long tsNanos, final FlowKey flow) {
        final List<Media> list = new ArrayList<>(media.size());
        final Level s = session;
        for (final Level m : media) {
            final int rtcpPort;
            if (m.rtcpMux && m.port > 0) {
                rtcpPort = m.port; // RFC 5761: a=rtcp (often "9 IN IP4 0.0.0.0") is then a placeholder
            } else if (m.rtcpPort >= 0) {
                rtcpPort = m.rtcpPort;
            } else if (m.port <= 0) {
                rtcpPort = 0;
            } else {
                rtcpPort = m.port < 65535 ? m.port + 1 : 0; // RFC 3550 section 11: the next (odd) port
            }
            list.add(new Media(m.type, m.port, m.portCount, m.proto, m.formats, or(m.connection, s.connection),
                m.rtpMaps, m.fmtp, or(m.direction, s.direction), rtcpPort, m.rtcpAddress, m.rtcpMux,
                or(m.iceUfrag, s.iceUfrag), or(m.icePwd, s.icePwd),
                or(m.iceOptions, s.iceOptions == null ? List.of() : s.iceOptions), m.candidates,
                or(m.fingerprint, s.fingerprint), or(m.setup, s.setup), m.crypto, m.mid, or(m.ptime, s.ptime),
                or(m.maxptime, s.maxptime), m.label, m.attributes));
        }
        return new SdpBody(frame, tsNanos, flow, origin, sessionName, s.connection, s.direction, s.iceUfrag, s.icePwd,
            s.iceOptions == null ? List.of() : s.iceOptions, s.fingerprint, s.setup, s.attributes, list);
    }

    private static <T> T or(final T a, final T b) {
        return a != null ? a : b;
    }

    private void warn(final String reason, final int offset, final String detail) {
        out.anomaly(new Anomaly("sdp." + reason, Severity.WARN, frame, offset, detail));
    }

    private void info(final String reason, final int offset, final String detail) {
        out.anomaly(new Anomaly("sdp." + reason, Severity.INFO, frame, offset, detail));
    }

    /** Whitespace-separated tokens; the last of {@code max} tokens keeps the rest of the text. */
    static List<String> tokens(final String s, final int max) {
        final List<String> t = new ArrayList<>(Math.min(max, 8));
        int i = 0;
        final int n = s.length();
        while (i < n) {
            while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                i++;
            }
            if (i >= n) {
                break;
            }
            if (t.size() == max - 1) {
                t.add(s.substring(i).strip());
                break;
            }
            final int start = i;
            while (i < n && s.charAt(i) != ' ' && s.charAt(i) != '\t') {
                i++;
            }
            t.add(s.substring(start, i));
        }
        return t;
    }

    /** A decimal number of at most 10 digits not above {@code max}, or -1. */
    static int parseNatural(final String s, final int max) {
        final long v = digits(s, 10);
        return v > max ? -1 : (int) v;
    }

    /** A decimal number of at most 18 digits, or -1. */
    static long parseLong(final String s) {
        return digits(s, 18);
    }

    /** {@code s} as a decimal number of 1 to {@code maxDigits} digits, or -1. */
    private static long digits(final String s, final int maxDigits) {
        if (s == null || s.isEmpty() || s.length() > maxDigits) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static String utf8(final String latin1) {
        return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    private static String clip(final String s) {
        if (s == null) {
            return "(none)";
        }
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
