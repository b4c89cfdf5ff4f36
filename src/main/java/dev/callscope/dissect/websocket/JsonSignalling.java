package dev.callscope.dissect.websocket;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Finds an SDP or an ICE candidate in a JSON signalling message, in the shapes WebRTC applications
 * use: {@code {"type":"offer","sdp":"v=0..."}} (an RTCSessionDescriptionInit), {@code {"sdp":{"type":..,"sdp":..}}},
 * {@code {"description":{...}}} (also "sessionDescription", "localDescription", "offer", "answer"),
 * {@code {"candidate":"candidate:..."}} or {@code {"candidate":{"candidate":"candidate:..."}}} (also
 * under "ice"), each possibly nested in a "data", "payload", "message", "msg" or "body" field (an
 * object, or a string holding JSON) up to {@link #MAX_NESTING} levels.
 */
final class JsonSignalling {
    /** Wrapper levels ("data", "payload", ...) looked into. */
    static final int MAX_NESTING = 3;

    private static final List<String> DESCRIPTION_KEYS = List.of("description", "sessionDescription",
        "localDescription", "remoteDescription", "offer", "answer", "jsep");
    private static final List<String> WRAPPER_KEYS = List.of("data", "payload", "message", "msg", "body");

    /**
     * What a message carries.
     *
     * @param type "offer", "answer", "pranswer" (an SDP with that type), "sdp" (an SDP without a
     *     known type), "candidate" (an ICE candidate), "other" (JSON without either) or "not_json"
     * @param sdp the SDP text, or null
     * @param candidate the candidate attribute value ("candidate:..."), or null
     */
    record Found(String type, String sdp, String candidate) {
        static final Found OTHER = new Found("other", null, null);
        static final Found NOT_JSON = new Found("not_json", null, null);
    }

    private JsonSignalling() {
    }

    static Found find(final String text) {
        final Object doc = JsonScanner.parse(text);
        if (doc == null) {
            return Found.NOT_JSON;
        }
        final Found f = find(doc, 0, null);
        return f == null ? Found.OTHER : f;
    }

    private static Found find(final Object v, final int level, final String outerType) {
        if (!(v instanceof Map<?, ?> m) || level > MAX_NESTING) {
            return null;
        }
        final String type = m.get("type") instanceof String t ? t.toLowerCase(Locale.ROOT) : outerType;
        final Object sdp = m.get("sdp");
        if (sdp instanceof String s && looksLikeSdp(s)) {
            return new Found(sdpType(type), s, null);
        }
        if (sdp instanceof Map) {
            final Found f = find(sdp, level + 1, type);
            if (f != null) {
                return f;
            }
        }
        for (final String k : DESCRIPTION_KEYS) {
            final Object d = m.get(k);
            if (d instanceof Map) {
                final Found f = find(d, level + 1, k.equals("offer") || k.equals("answer") ? k : type);
                if (f != null) {
                    return f;
                }
            }
        }
        for (final String k : new String[] {"candidate", "ice", "iceCandidate"}) {
            final Object c = m.get(k);
            if (c instanceof String s && (s.startsWith("candidate:") || s.startsWith("a=candidate:"))) {
                return new Found("candidate", null, s.startsWith("a=") ? s.substring(2) : s);
            }
            if (c instanceof Map) {
                final Found f = find(c, level + 1, type);
                if (f != null) {
                    return f;
                }
            }
        }
        for (final String k : WRAPPER_KEYS) {
            Object w = m.get(k);
            if (w instanceof String s && s.length() > 1 && s.charAt(0) == '{') {
                w = JsonScanner.parse(s); // JSON sent as a string inside JSON
            }
            final Found f = find(w, level + 1, type);
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    private static String sdpType(final String type) {
        return "offer".equals(type) || "answer".equals(type) || "pranswer".equals(type) ? type : "sdp";
    }

    private static boolean looksLikeSdp(final String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return s.startsWith("v=", i);
    }
}
