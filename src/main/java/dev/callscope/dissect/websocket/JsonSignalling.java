package dev.callscope.dissect.websocket;

import dev.callscope.dissect.BoundedJson;
import java.util.ArrayList;
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
    record Found(String type, String sdp, String candidate, SignallingMessage.Envelope envelope) {
        static final Found OTHER = new Found("other", null, null, null);
        static final Found NOT_JSON = new Found("not_json", null, null, null);

        Found with(final SignallingMessage.Envelope e) {
            return e == null ? this : new Found(type, sdp, candidate, e);
        }
    }

    /** Values read from one message's JSON. */
    static final int MAX_VALUES = 20_000;
    /** Names kept per list, and characters per name. */
    static final int MAX_NAMES = 64;
    static final int MAX_NAME = 128;
    private static final List<String> KIND_KEYS = List.of("type", "event", "action", "cmd", "command", "op", "method");
    private static final List<String> ROOM_KEYS = List.of("room", "roomId", "room_id", "roomName", "roomid");
    private static final List<String> FROM_KEYS = List.of("from", "sender", "src", "source", "fromId", "from_id");
    private static final List<String> TO_KEYS = List.of("to", "target", "dst", "destination", "recipient", "toId", "to_id");
    private static final List<String> PEER_KEYS = List.of("peer", "peerId", "peer_id", "user", "userId", "name", "client",
        "clientId");
    private static final List<String> PEERS_KEYS = List.of("peers", "members", "participants", "users", "clients");

    /**
     * The envelope of a message: its own type and the room, sender, addressee and peers, looked for at
     * the top level and in the wrappers ("data", "payload", ...) down to {@link #MAX_NESTING}; null when
     * none of them is there.
     */
    static SignallingMessage.Envelope envelope(final Object doc) {
        final String[] v = new String[5];
        final List<String> peers = new ArrayList<>();
        envelope(doc, 0, v, peers);
        if (v[0] == null && v[1] == null && v[2] == null && v[3] == null && v[4] == null && peers.isEmpty()) {
            return null;
        }
        return new SignallingMessage.Envelope(v[0], v[1], v[2], v[3], v[4], peers);
    }

    private static void envelope(final Object o, final int level, final String[] v, final List<String> peers) {
        if (!(o instanceof Map<?, ?> m) || level > MAX_NESTING) {
            return;
        }
        v[0] = v[0] != null ? v[0] : text(m, KIND_KEYS);
        v[1] = v[1] != null ? v[1] : text(m, ROOM_KEYS);
        v[2] = v[2] != null ? v[2] : text(m, FROM_KEYS);
        v[3] = v[3] != null ? v[3] : text(m, TO_KEYS);
        v[4] = v[4] != null ? v[4] : text(m, PEER_KEYS);
        if (peers.isEmpty()) {
            for (final String k : PEERS_KEYS) {
                if (m.get(k) instanceof List<?> l) {
                    for (final Object x : l) {
                        final String name = x instanceof Map<?, ?> xm ? text(xm, PEER_KEYS) : name(x);
                        if (name != null && peers.size() < MAX_NAMES) {
                            peers.add(name);
                        }
                    }
                    break;
                }
            }
        }
        for (final String k : WRAPPER_KEYS) {
            Object w = m.get(k);
            if (w instanceof String s && s.length() > 1 && s.charAt(0) == '{') {
                w = parse(s);
            }
            envelope(w, level + 1, v, peers);
        }
    }

    /** The first of {@code keys} whose value is a string or a number, as text (at most {@link #MAX_NAME} characters). */
    private static String text(final Map<?, ?> m, final List<String> keys) {
        for (final String k : keys) {
            final String t = name(m.get(k));
            if (t != null) {
                return t;
            }
        }
        return null;
    }

    /** A string value as a name (at most {@link #MAX_NAME} characters); numbers are not names. */
    private static String name(final Object x) {
        if (x instanceof String s && !s.isEmpty()) {
            return s.length() > MAX_NAME ? s.substring(0, MAX_NAME) : s;
        }
        return null;
    }

    /** The JSON value of {@code text}, or null when it is not JSON. */
    private static Object parse(final String text) {
        try {
            return BoundedJson.parse(text, MAX_VALUES);
        } catch (BoundedJson.Malformed e) {
            return null;
        }
    }

    private JsonSignalling() {
    }

    static Found find(final String text) {
        final Object doc;
        try {
            doc = BoundedJson.parse(text, MAX_VALUES);
        } catch (BoundedJson.Malformed e) {
            return Found.NOT_JSON;
        }
        final Found f = find(doc, 0, null);
        return (f == null ? Found.OTHER : f).with(envelope(doc));
    }

    private static Found find(final Object v, final int level, final String outerType) {
        if (!(v instanceof Map<?, ?> m) || level > MAX_NESTING) {
            return null;
        }
        final String type = m.get("type") instanceof String t ? t.toLowerCase(Locale.ROOT) : outerType;
        final Object sdp = m.get("sdp");
        if (sdp instanceof String s && looksLikeSdp(s)) {
            return new Found(sdpType(type), s, null, null);
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
                return new Found("candidate", null, s.startsWith("a=") ? s.substring(2) : s, null);
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
                w = parse(s); // JSON sent as a string inside JSON
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
