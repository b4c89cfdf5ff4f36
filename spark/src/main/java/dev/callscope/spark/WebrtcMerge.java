package dev.callscope.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.callscope.output.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Joins the parts of one ICE session (its ufrag pair) that different files held. A WebRTC session is
 * not read again as one: the later file lacks the DTLS handshake whose keys decrypt its media. Its
 * record is the earliest part's, with the later parts' counts added (STUN messages, transactions and
 * answers, binding requests and answers per candidate pair, consent checks, SRTP and SRTCP packets
 * per stream and in all, frames per leg), its span to the last part's end, its flows, streams and
 * legs joined, and the DTLS of the part that holds the handshake.
 */
final class WebrtcMerge {
    private static final List<String> SUMS = List.of("stun_messages", "stun_transactions", "stun_answered",
        "stun_retransmissions", "stun_duplicate_responses", "srtp_packets", "srtcp_packets");
    private static final List<String> PAIR_SUMS = List.of("binding_requests", "retransmissions", "duplicate_responses",
        "binding_successes", "binding_errors", "consent_checks");
    private static final List<String> STREAM_SUMS = List.of("packets", "lost");
    private static final List<String> LISTS = List.of("sdp_matches", "sdp_mismatches", "negotiation", "ice_restarts");

    private WebrtcMerge() {
    }

    /** A part's key: its ufrag pair, or null when it has none (then it is a row of its own). */
    static String key(final ObjectNode session) {
        final JsonNode u = session.get("ufrags");
        return u == null || !u.isTextual() || u.asText().isEmpty() || "-".equals(u.asText()) ? null : u.asText();
    }

    static List<String> merge(final Iterable<String> group) {
        final List<ObjectNode> parts = new ArrayList<>();
        group.forEach(j -> parts.add(parse(j)));
        parts.sort(Comparator.comparing(p -> p.path("first_ts").asText()));
        if (parts.size() == 1) {
            return List.of(parts.get(0).toString());
        }
        final ObjectNode s = parts.get(0);
        final Set<String> files = new LinkedHashSet<>();
        Instant end = end(s);
        files.add(s.path("file").asText());
        for (final ObjectNode p : parts.subList(1, parts.size())) {
            files.add(p.path("file").asText());
            final Instant e = end(p);
            if (e != null && (end == null || e.isAfter(end))) {
                end = e;
            }
            for (final String f : SUMS) {
                add(s, p, f);
            }
            union(s, p, "flows");
            consents(s, p);
            joinBy(s, p, "pairs", List.of("local", "remote"), PAIR_SUMS);
            if (s.path("nominated_pair").isObject() && p.path("nominated_pair").isObject()) {
                final ObjectNode n = (ObjectNode) s.get("nominated_pair");
                if (n.path("local").equals(p.get("nominated_pair").path("local"))
                    && n.path("remote").equals(p.get("nominated_pair").path("remote"))) {
                    for (final String f : PAIR_SUMS) {
                        if (!f.equals("consent_checks")) { // consents() counted them
                            add(n, (ObjectNode) p.get("nominated_pair"), f);
                        }
                    }
                }
            } else if (!s.path("nominated_pair").isObject() && p.path("nominated_pair").isObject()) {
                s.set("nominated_pair", p.get("nominated_pair"));
            }
            if (!hasHandshake(s.get("dtls")) && hasHandshake(p.get("dtls"))) {
                s.set("dtls", p.get("dtls"));
            } else if (s.path("dtls").isObject() && p.path("dtls").isObject()) {
                add((ObjectNode) s.get("dtls"), (ObjectNode) p.get("dtls"), "records");
                add((ObjectNode) s.get("dtls"), (ObjectNode) p.get("dtls"), "encrypted_records");
            }
            joinBy(s, p, "srtp_streams", List.of("ssrc", "src", "dst"), STREAM_SUMS);
            joinBy(s, p, "legs", List.of("flow"), List.of("frames_a_to_b", "frames_b_to_a"));
            if (s.path("copies_on_other_legs").isObject() && p.path("copies_on_other_legs").isObject()) {
                for (final String f : List.of("stun", "dtls", "media")) {
                    add((ObjectNode) s.get("copies_on_other_legs"), (ObjectNode) p.get("copies_on_other_legs"), f);
                }
            }
            for (final String f : LISTS) {
                union(s, p, f);
            }
        }
        if (end != null && s.hasNonNull("first_ts")) {
            final Instant start = Instant.parse(s.get("first_ts").asText());
            s.put("duration_s", Math.round((end.toEpochMilli() - start.toEpochMilli())) / 1e3);
        }
        final ArrayNode fs = s.putArray("files");
        files.forEach(fs::add);
        return List.of(s.toString());
    }

    /**
     * Checks on a pair the earlier part had nominated are consent checks (RFC 7675), though the later
     * part, which did not see the nomination, counts them as binding requests (its first on the pair as
     * the nomination).
     */
    private static void consents(final ObjectNode s, final ObjectNode p) {
        if (!s.path("pairs").isArray() || !p.path("pairs").isArray()) {
            return;
        }
        for (final JsonNode n : p.get("pairs")) {
            for (final JsonNode m : s.get("pairs")) {
                if (m.path("nominated").asBoolean() && m.path("local").equals(n.path("local"))
                    && m.path("remote").equals(n.path("remote")) && n.path("binding_requests").isNumber()) {
                    final long more = n.get("binding_requests").asLong() - n.path("consent_checks").asLong();
                    ((ObjectNode) n).put("consent_checks", n.path("consent_checks").asLong() + more);
                    if (s.path("nominated_pair").isObject() && s.get("nominated_pair").path("local").equals(n.path("local"))
                        && s.get("nominated_pair").path("remote").equals(n.path("remote"))) {
                        final ObjectNode np = (ObjectNode) s.get("nominated_pair");
                        np.put("consent_checks", np.path("consent_checks").asLong() + n.get("consent_checks").asLong());
                    }
                }
            }
        }
    }

    private static boolean hasHandshake(final JsonNode dtls) {
        return dtls != null && dtls.path("handshake").isArray() && !dtls.path("handshake").isEmpty();
    }

    private static Instant end(final ObjectNode s) {
        if (!s.hasNonNull("first_ts") || !s.path("duration_s").isNumber()) {
            return null;
        }
        return Instant.parse(s.get("first_ts").asText()).plusNanos(Math.round(s.get("duration_s").asDouble() * 1e9));
    }

    private static void add(final ObjectNode into, final ObjectNode from, final String field) {
        if (into.path(field).isNumber() && from.path(field).isNumber()) {
            into.put(field, into.get(field).asLong() + from.get(field).asLong());
        } else if (!into.has(field) && from.has(field)) {
            into.set(field, from.get(field));
        }
    }

    /** The elements of both arrays, each once, in order. */
    private static void union(final ObjectNode into, final ObjectNode from, final String field) {
        if (!from.path(field).isArray()) {
            return;
        }
        if (!into.path(field).isArray()) {
            into.set(field, from.get(field));
            return;
        }
        final ArrayNode a = (ArrayNode) into.get(field);
        final Set<JsonNode> seen = new LinkedHashSet<>();
        a.forEach(seen::add);
        for (final JsonNode n : from.get(field)) {
            if (seen.add(n)) {
                a.add(n);
            }
        }
    }

    /** Joins two arrays of objects by the values of {@code keys}, adding {@code sums} of those that match. */
    private static void joinBy(final ObjectNode into, final ObjectNode from, final String field, final List<String> keys,
                               final List<String> sums) {
        if (!from.path(field).isArray()) {
            return;
        }
        if (!into.path(field).isArray()) {
            into.set(field, from.get(field));
            return;
        }
        final ArrayNode a = (ArrayNode) into.get(field);
        for (final JsonNode n : from.get(field)) {
            ObjectNode match = null;
            for (final JsonNode m : a) {
                boolean same = m.isObject();
                for (final String k : keys) {
                    same &= m.path(k).equals(n.path(k));
                }
                if (same) {
                    match = (ObjectNode) m;
                    break;
                }
            }
            if (match == null) {
                a.add(n);
                continue;
            }
            if (match.path("rtt_ms").isNumber() && n.path("rtt_ms").isNumber()) {
                // the mean over both parts' answered checks
                final double wa = match.path("binding_successes").asDouble();
                final double wb = n.path("binding_successes").asDouble();
                if (wa + wb > 0) {
                    match.put("rtt_ms", Math.round((match.get("rtt_ms").asDouble() * wa + n.get("rtt_ms").asDouble() * wb)
                        / (wa + wb) * 1000) / 1000.0);
                }
            } else if (!match.path("rtt_ms").isNumber() && n.path("rtt_ms").isNumber()) {
                match.set("rtt_ms", n.get("rtt_ms"));
            }
            for (final String f : sums) {
                add(match, (ObjectNode) n, f);
            }
            if (match.path("max_jitter_ms").isNumber() && n.path("max_jitter_ms").isNumber()) {
                match.put("max_jitter_ms", Math.max(match.get("max_jitter_ms").asDouble(), n.get("max_jitter_ms").asDouble()));
            }
        }
    }

    private static ObjectNode parse(final String json) {
        try {
            return (ObjectNode) Json.parse(json);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
