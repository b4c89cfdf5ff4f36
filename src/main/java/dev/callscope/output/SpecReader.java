package dev.callscope.output;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.callscope.flow.sip.CallState;
import dev.callscope.verify.Check;
import dev.callscope.verify.SequencePattern;
import dev.callscope.verify.VerifySpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a call-flow spec (YAML, or JSON when the text starts with '{') into a {@link VerifySpec}.
 * Every error carries the line and column of the offending value (Jackson's token locations),
 * unknown keys included, so a typo never silently disables a check.
 */
public final class SpecReader {
    private static final JsonFactory JSON = new JsonFactory();
    private static final YAMLFactory YAML = new YAMLFactory();

    private final String source;

    private SpecReader(final String source) {
        this.source = source;
    }

    /** A parsed value with its position. */
    private record Node(Object value, int line, int column, Map<String, Node> keys) {
        @SuppressWarnings("unchecked")
        Map<String, Node> map() {
            return (Map<String, Node>) value;
        }

        @SuppressWarnings("unchecked")
        List<Node> list() {
            return (List<Node>) value;
        }
    }

    /**
     * Parses {@code text}.
     *
     * @param source the file name, for messages and as the default suite name
     */
    public static VerifySpec read(final String source, final String text) throws SpecException {
        return new SpecReader(source).parse(text);
    }

    private SpecException error(final Node n, final String msg) {
        return new SpecException(source, n.line(), n.column(), msg);
    }

    private VerifySpec parse(final String text) throws SpecException {
        final boolean json = text.stripLeading().startsWith("{");
        final Node root;
        try (JsonParser p = (json ? JSON : YAML).createParser(text)) {
            final JsonToken t = p.nextToken();
            if (t == null) {
                throw new SpecException(source, 1, 1, "empty spec");
            }
            root = node(p);
        } catch (JsonProcessingException e) {
            final JsonLocation l = e.getLocation();
            throw new SpecException(source, l == null ? 0 : l.getLineNr(), l == null ? 0 : l.getColumnNr(),
                "not valid " + (json ? "JSON" : "YAML") + ": " + oneLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new SpecException(source, 0, 0, e.getMessage());
        }
        final Map<String, Node> top = object(root, "the spec", Set.of("name", "sip", "dubbo", "webrtc"));
        final String name = top.containsKey("name") ? string(top.get("name")) : baseName(source);
        final List<VerifySpec.SipRule> sip = new ArrayList<>();
        if (top.containsKey("sip")) {
            final Node s = top.get("sip");
            for (final Node r : s.value() instanceof List ? s.list() : List.of(s)) {
                sip.add(sipRule(r));
            }
        }
        final VerifySpec.DubboRule dubbo = top.containsKey("dubbo") ? dubbo(top.get("dubbo")) : null;
        final List<VerifySpec.WebrtcRule> webrtc = new ArrayList<>();
        if (top.containsKey("webrtc")) {
            final Set<String> keys = new java.util.LinkedHashSet<>(dev.callscope.verify.WebrtcChecks.CHECKS);
            keys.add("room");
            final Map<String, Node> w = object(top.get("webrtc"), "the webrtc section", keys);
            for (final String check : dev.callscope.verify.WebrtcChecks.CHECKS) {
                if (w.containsKey(check) && bool(w.get(check))) {
                    webrtc.add(new VerifySpec.WebrtcRule(check.replace('_', ' '), check));
                }
            }
            if (w.containsKey("room")) {
                webrtc.addAll(room(w.get("room")));
            }
        }
        if (sip.isEmpty() && dubbo == null && webrtc.isEmpty()) {
            throw error(root, "the spec asserts nothing: give a 'sip', 'dubbo' or 'webrtc' section");
        }
        return new VerifySpec(name, sip, dubbo, webrtc);
    }

    /** A parser message on one line: SnakeYAML's echo of the source and its caret lines left out. */
    static String oneLine(final String message) {
        final List<String> keep = new ArrayList<>();
        for (final String l : String.valueOf(message).split("\n")) {
            if (!l.isBlank() && !Character.isWhitespace(l.charAt(0))) {
                keep.add(l.trim());
            }
        }
        return String.join("; ", keep);
    }

    private static String baseName(final String path) {
        final String f = path.replace('\\', '/').substring(path.replace('\\', '/').lastIndexOf('/') + 1);
        final int dot = f.lastIndexOf('.');
        return dot > 0 ? f.substring(0, dot) : f;
    }

    private Node node(final JsonParser p) throws IOException, SpecException {
        final JsonLocation l = p.currentTokenLocation();
        final int line = l.getLineNr();
        final int col = l.getColumnNr();
        final JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                final Map<String, Node> m = new LinkedHashMap<>();
                final Map<String, Node> keys = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    final String k = p.currentName();
                    final JsonLocation kl = p.currentTokenLocation();
                    final Node key = new Node(k, kl.getLineNr(), kl.getColumnNr(), null);
                    if (m.containsKey(k)) {
                        throw error(key, "duplicate key '" + k + "'");
                    }
                    p.nextToken();
                    m.put(k, node(p));
                    keys.put(k, key);
                }
                return new Node(m, line, col, keys);
            }
            case START_ARRAY: {
                final List<Node> a = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    a.add(node(p));
                }
                return new Node(a, line, col, null);
            }
            case VALUE_STRING:
                return new Node(p.getText(), line, col, null);
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return new Node(p.getNumberValue(), line, col, null);
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new Node(p.getBooleanValue(), line, col, null);
            case VALUE_NULL:
                return new Node(null, line, col, null);
            default:
                throw new SpecException(source, line, col, "unexpected " + t);
        }
    }

    // ------------------------------------------------------------------ typed access

    private Map<String, Node> object(final Node n, final String what, final Set<String> allowed) throws SpecException {
        if (!(n.value() instanceof Map)) {
            throw error(n, what + " must be a mapping of keys to values");
        }
        for (final Map.Entry<String, Node> e : n.keys().entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw error(e.getValue(), "unknown key '" + e.getKey() + "' in " + what + " (expected one of "
                    + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
        }
        return n.map();
    }

    private String string(final Node n) throws SpecException {
        if (n.value() instanceof String s) {
            return s;
        }
        if (n.value() instanceof Number || n.value() instanceof Boolean) {
            return String.valueOf(n.value());
        }
        throw error(n, "expected a text value");
    }

    private String regex(final Node n) throws SpecException {
        final String s = string(n);
        try {
            Pattern.compile(s);
        } catch (PatternSyntaxException e) {
            throw error(n, "bad regular expression '" + s + "': " + e.getDescription());
        }
        return s;
    }

    private double number(final Node n) throws SpecException {
        if (n.value() instanceof Number x) {
            return x.doubleValue();
        }
        throw error(n, "expected a number");
    }

    private int count(final Node n) throws SpecException {
        if (n.value() instanceof Integer x && x >= 0) {
            return x;
        }
        throw error(n, "expected a whole number >= 0");
    }

    private boolean bool(final Node n) throws SpecException {
        if (n.value() instanceof Boolean b) {
            return b;
        }
        throw error(n, "expected true or false");
    }

    /** A range: {min: a, max: b}, or a bare number as the maximum. */
    private VerifySpec.Range range(final Node n) throws SpecException {
        if (n == null) {
            return null;
        }
        if (n.value() instanceof Number x) {
            return new VerifySpec.Range(null, x.doubleValue());
        }
        final Map<String, Node> m = object(n, "a range", Set.of("min", "max"));
        final Double min = m.containsKey("min") ? number(m.get("min")) : null;
        final Double max = m.containsKey("max") ? number(m.get("max")) : null;
        if (min == null && max == null) {
            throw error(n, "a range needs min, max or both");
        }
        if (min != null && max != null && min > max) {
            throw error(n, "min " + min + " is greater than max " + max);
        }
        return new VerifySpec.Range(min, max);
    }

    // ------------------------------------------------------------------ SIP

    private VerifySpec.SipRule sipRule(final Node n) throws SpecException {
        final Map<String, Node> m = object(n, "a sip rule", Set.of("name", "match", "calls", "participants", "sequence",
            "max_retransmissions", "state", "timing", "media"));
        VerifySpec.CallMatch match = VerifySpec.CallMatch.ANY;
        if (m.containsKey("match")) {
            final Map<String, Node> mm = object(m.get("match"), "match", Set.of("from", "to", "call_id", "user_agent", "method"));
            match = new VerifySpec.CallMatch(opt(mm, "from"), opt(mm, "to"), opt(mm, "call_id"), opt(mm, "user_agent"),
                opt(mm, "method"));
        }
        Integer count = null;
        if (m.containsKey("calls")) {
            final Node c = m.get("calls");
            if (!(c.value() instanceof String s && s.equalsIgnoreCase("every"))) {
                if (!(c.value() instanceof Integer)) {
                    throw error(c, "calls must be 'every' or a whole number (exactly that many calls)");
                }
                count = count(c);
            }
        }
        final Map<String, String> participants = new LinkedHashMap<>();
        if (m.containsKey("participants")) {
            final Node p = m.get("participants");
            if (!(p.value() instanceof Map)) {
                throw error(p, "participants must map names to endpoint regexes (uac: \"10\\\\.0\\\\.0\\\\.1:5060\")");
            }
            for (final Map.Entry<String, Node> e : p.map().entrySet()) {
                participants.put(e.getKey(), regex(e.getValue()));
            }
        }
        SequencePattern seq = null;
        if (m.containsKey("sequence")) {
            final Node s = m.get("sequence");
            try {
                if (s.value() instanceof List) {
                    final List<String> parts = new ArrayList<>();
                    for (final Node x : s.list()) {
                        parts.add(string(x));
                    }
                    seq = SequencePattern.parse(parts);
                } else {
                    seq = SequencePattern.parse(string(s));
                }
            } catch (IllegalArgumentException e) {
                throw error(s, e.getMessage());
            }
            for (final String p : seq.participants()) {
                if (!participants.containsKey(p)) {
                    throw error(s, "sequence names participant '" + p + "' that 'participants' does not define");
                }
            }
        }
        String state = null;
        if (m.containsKey("state")) {
            state = string(m.get("state"));
            try {
                CallState.parse(state);
            } catch (IllegalArgumentException e) {
                throw error(m.get("state"), "unknown call state '" + state + "' (expected one of "
                    + java.util.Arrays.stream(CallState.values()).map(CallState::name).toList() + ")");
            }
        }
        VerifySpec.Timing timing = null;
        if (m.containsKey("timing")) {
            final Map<String, Node> t = object(m.get("timing"), "timing",
                Set.of("post_dial_delay_ms", "setup_time_ms", "ring_time_ms", "duration_s"));
            timing = new VerifySpec.Timing(range(t.get("post_dial_delay_ms")), range(t.get("setup_time_ms")),
                range(t.get("ring_time_ms")), range(t.get("duration_s")));
        }
        VerifySpec.Media media = null;
        if (m.containsKey("media")) {
            final Map<String, Node> t = object(m.get("media"), "media",
                Set.of("both_ways", "codec", "max_loss_percent", "max_jitter_ms", "min_mos", "dtmf"));
            media = new VerifySpec.Media(t.containsKey("both_ways") ? bool(t.get("both_ways")) : null,
                t.containsKey("codec") ? string(t.get("codec")) : null,
                t.containsKey("max_loss_percent") ? number(t.get("max_loss_percent")) : null,
                t.containsKey("max_jitter_ms") ? number(t.get("max_jitter_ms")) : null,
                t.containsKey("min_mos") ? number(t.get("min_mos")) : null,
                t.containsKey("dtmf") ? string(t.get("dtmf")) : null);
        }
        return new VerifySpec.SipRule(m.containsKey("name") ? string(m.get("name")) : null, match, count, participants, seq,
            m.containsKey("max_retransmissions") ? count(m.get("max_retransmissions")) : null, state, timing, media);
    }

    private String opt(final Map<String, Node> m, final String key) throws SpecException {
        return m.containsKey(key) ? regex(m.get(key)) : null;
    }

    // ------------------------------------------------------------------ Dubbo

    /** {@code room: {id: lab, members: [alice, bob], all_connected: true, max_reconnect_s: 10}}. */
    private List<VerifySpec.WebrtcRule> room(final Node n) throws SpecException {
        final Map<String, Node> r = object(n, "the webrtc room", Set.of("id", "members", "all_connected", "max_reconnect_s"));
        final String id = r.containsKey("id") ? string(r.get("id")) : null;
        final String of = id == null ? "" : " of room " + id;
        final List<VerifySpec.WebrtcRule> rules = new ArrayList<>();
        if (r.containsKey("members")) {
            final Node m = r.get("members");
            if (!(m.value() instanceof List)) {
                throw error(m, "members must be a list of names");
            }
            final List<String> names = new ArrayList<>();
            for (final Node x : m.list()) {
                names.add(string(x));
            }
            rules.add(new VerifySpec.WebrtcRule("members" + of, "room_members", id, names, 0));
        }
        if (r.containsKey("all_connected") && bool(r.get("all_connected"))) {
            rules.add(new VerifySpec.WebrtcRule("every two members connected" + of, "room_all_connected", id, List.of(), 0));
        }
        if (r.containsKey("max_reconnect_s")) {
            final double s = number(r.get("max_reconnect_s"));
            if (s < 0) {
                throw error(r.get("max_reconnect_s"), "max_reconnect_s must not be negative");
            }
            rules.add(new VerifySpec.WebrtcRule("no signalling outage over " + s + " s", "max_reconnect_s", id, List.of(), s));
        }
        if (rules.isEmpty()) {
            throw error(n, "the room asserts nothing: give members, all_connected or max_reconnect_s");
        }
        return rules;
    }

    private VerifySpec.DubboRule dubbo(final Node n) throws SpecException {
        final Map<String, Node> m = object(n, "dubbo", Set.of("methods", "no_unanswered", "heartbeats", "no_late",
            "no_payload_over_limit", "no_reconnects"));
        final List<VerifySpec.DubboMethodRule> methods = new ArrayList<>();
        if (m.containsKey("methods")) {
            final Node l = m.get("methods");
            if (!(l.value() instanceof List)) {
                throw error(l, "methods must be a list");
            }
            for (final Node x : l.list()) {
                methods.add(method(x));
            }
        }
        boolean present = false;
        boolean noneMissed = false;
        if (m.containsKey("heartbeats")) {
            final Map<String, Node> h = object(m.get("heartbeats"), "heartbeats", Set.of("present", "none_missed"));
            present = h.containsKey("present") && bool(h.get("present"));
            noneMissed = h.containsKey("none_missed") && bool(h.get("none_missed"));
        }
        return new VerifySpec.DubboRule(methods, flag(m, "no_unanswered"), present, noneMissed, flag(m, "no_late"),
            flag(m, "no_payload_over_limit"), flag(m, "no_reconnects"));
    }

    private boolean flag(final Map<String, Node> m, final String key) throws SpecException {
        return m.containsKey(key) && bool(m.get(key));
    }

    private VerifySpec.DubboMethodRule method(final Node n) throws SpecException {
        final Map<String, Node> m = object(n, "a dubbo method", Set.of("method", "calls", "statuses", "no_unanswered",
            "latency_ms", "no_late"));
        if (!m.containsKey("method")) {
            throw error(n, "a dubbo method needs 'method: Service#method'");
        }
        final String name = string(m.get("method"));
        if (!name.matches("[^#\\s]+#[^#\\s]+")) {
            throw error(m.get("method"), "method must be 'service#method' (e.g. GreetingService#sayHello), got '" + name + "'");
        }
        final List<String> statuses = new ArrayList<>();
        if (m.containsKey("statuses")) {
            final Node s = m.get("statuses");
            for (final Node x : s.value() instanceof List ? s.list() : List.of(s)) {
                statuses.add(string(x).toUpperCase(Locale.ROOT));
            }
        }
        final Map<String, Double> latency = new TreeMap<>();
        if (m.containsKey("latency_ms")) {
            final Node l = m.get("latency_ms");
            if (!(l.value() instanceof Map)) {
                throw error(l, "latency_ms must map quantiles to budgets (p50: 10, p99: 50, max: 100)");
            }
            for (final Map.Entry<String, Node> e : l.map().entrySet()) {
                if (Check.quantile(e.getKey()) < 0) {
                    throw error(l.keys().get(e.getKey()), "unknown quantile '" + e.getKey() + "' (use p50, p90, p99, p99.9 or max)");
                }
                latency.put(e.getKey(), number(e.getValue()));
            }
        }
        return new VerifySpec.DubboMethodRule(name, m.containsKey("calls") ? count(m.get("calls")) : null, statuses,
            flag(m, "no_unanswered"), latency, flag(m, "no_late"));
    }
}
