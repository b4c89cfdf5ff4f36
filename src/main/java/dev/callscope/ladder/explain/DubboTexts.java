package dev.callscope.ladder.explain;

import static dev.callscope.ladder.explain.Explainer.previous;
import static dev.callscope.ladder.explain.Explainer.secs;

import dev.callscope.ladder.Ladder;
import dev.callscope.ladder.explain.Explainer.Step;
import dev.callscope.ladder.explain.Explainer.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the frames of a Dubbo-protocol connection do: calls, answers, failures, heartbeats. */
final class DubboTexts {
    private DubboTexts() {
    }

    // ------------------------------------------------------------------ Dubbo

    private static final String DUBBO_HEADER = "Dubbo protocol header: magic 0xdabb, flag byte (Req 0x80, TwoWay 0x40, Event 0x20, "
        + "serialization id), status byte, 8-byte request id at offset 4, 4-byte body length at offset 12 (ExchangeCodec)";
    private static final String DUBBO_HEARTBEAT = "Dubbo heartbeat rules: an Event frame whose body is the serialized null, sent after "
        + "'heartbeat' ms idle (default 60 s), answered with the same id; no read for 3 periods closes (server) or reconnects (client)";

    static Text dubbo(final List<Step> steps, final int i) {
        final Step s = steps.get(i);
        final String label = s.arrow().label();
        final List<String> unusual = new ArrayList<>();
        final Step prev = previous(steps, i, x -> x.arrow() != null);
        final String id = requestId(s);
        switch (label) {
            case "SYN":
                return new Text("Opens the TCP connection (first step of the three-way handshake).", "The consumer connects to the provider's port.",
                    "RFC 9293 §3.5 (establishing a connection)", unusual);
            case "SYN-ACK":
                return new Text("The provider accepts the TCP connection.", "It answers the SYN.", "RFC 9293 §3.5", unusual);
            case "FIN":
                return new Text("Closes this direction of the TCP connection.", prev == null ? "The connection ends."
                    : "No more to send after " + prev.arrow().label() + " (frame " + prev.arrow().frame() + ").", "RFC 9293 §3.6 (closing a connection)", unusual);
            case "RST":
                unusual.add("The connection was reset, not closed cleanly.");
                return new Text("Aborts the TCP connection.", "One side dropped the connection.", "RFC 9293 §3.5.3 (reset processing)", unusual);
            default:
                break;
        }
        if (s.arrow().flagged("heartbeat")) {
            final boolean request = label.equals("heartbeat");
            if (request) {
                final Step last = previous(steps, i, x -> x.arrow() != null && x.from().equals(s.from()) && !"heartbeat".equals(x.arrow().label()));
                final Step lastBeat = previous(steps, i, x -> x.arrow() != null && x.from().equals(s.from()) && "heartbeat".equals(x.arrow().label()));
                final Step minGap = minHeartbeatGap(steps, s.from());
                if (lastBeat != null && minGap != null) {
                    final long gap = s.ts() - lastBeat.ts();
                    final long normal = minGap.ts();
                    if (normal > 0 && gap > Explainer.MISSED_HEARTBEAT_FACTOR * normal) {
                        unusual.add("Missed heartbeat: " + secs(gap) + " since the previous heartbeat from this side (frame "
                            + lastBeat.arrow().frame() + "), more than 3 times the usual " + secs(normal) + "; a peer would close or reconnect.");
                    }
                }
                final boolean acked = id != null && steps.stream().skip(i + 1L)
                    .anyMatch(x -> x.arrow() != null && x.from().equals(s.to()) && id.equals(requestId(x)));
                if (!acked) {
                    unusual.add("No heartbeat response with id " + id + " follows in the capture.");
                }
                final String why = lastBeat != null
                    ? "The heartbeat timer fired again " + secs(s.ts() - lastBeat.ts()) + " after the previous heartbeat (frame "
                        + lastBeat.arrow().frame() + "): no call since " + (last == null ? "the connection opened" : last.arrow().label()
                        + " (frame " + last.arrow().frame() + ", " + secs(s.ts() - last.ts()) + " ago)") + "."
                    : last == null ? "The connection was idle." : "The connection was idle for " + secs(s.ts() - last.ts())
                        + " after " + last.arrow().label() + " (frame " + last.arrow().frame() + "): the heartbeat timer fired.";
                return new Text("A heartbeat request (Event flag, two-way, body = serialized null): checks the connection is alive.",
                    why, DUBBO_HEARTBEAT, unusual);
            }
            final Step req = previous(steps, i, x -> x.arrow() != null && x.from().equals(s.to()) && id != null && id.equals(requestId(x)));
            return new Text("The heartbeat response: same request id, Event flag, no Req flag.",
                req == null ? "It answers a heartbeat not in this capture." : "It answers the heartbeat of frame " + req.arrow().frame()
                    + " (" + secs(s.ts() - req.ts()) + " later).", DUBBO_HEARTBEAT, unusual);
        }
        if (s.arrow().flagged("broken")) {
            unusual.add("The body could not be decoded (marked broken, as Dubbo's codec does).");
        }
        final boolean response = steps.stream().limit(i).anyMatch(x -> x.arrow() != null && x.from().equals(s.to()) && id != null
            && id.equals(requestId(x)) && !x.arrow().flagged("heartbeat"));
        if (!response) {
            final boolean oneWay = s.arrow().flagged("one-way");
            if (!oneWay && steps.stream().skip(i + 1L).noneMatch(x -> x.arrow() != null && x.from().equals(s.to()) && id != null && id.equals(requestId(x)))) {
                unusual.add("Unanswered: no response with request id " + id + " in the capture (timeout on the consumer).");
            }
            return new Text("A Dubbo request for " + label + (oneWay ? " (one-way: no TwoWay flag, no response expected)" : "")
                + ": the body holds the Dubbo version, service path, version, method, parameter types, arguments and attachments.",
                "The consumer called the method; the request id (" + id + ") lets it match the response on a shared connection.",
                DUBBO_HEADER, unusual);
        }
        final Step req = previous(steps, i, x -> x.arrow() != null && x.from().equals(s.to()) && id != null && id.equals(requestId(x)));
        if (s.arrow().flagged("late")) {
            unusual.add("Late response: it came " + (req == null ? "" : secs(s.ts() - req.ts()) + " ") + "after the request, past the "
                + "consumer's own deadline (" + detail(s, "late: ") + "). The consumer had already failed the call with a "
                + "TimeoutException and drops this response, while the provider still did the work.");
        }
        if (s.arrow().flagged("payload")) {
            unusual.add("Payload over the limit: " + detail(s, "") + ". Dubbo checks every body against its 'payload' setting "
                + "(8 MiB by default) and refuses a longer one: \"Data length too large\".");
        }
        final String failure = FAILURES.get(label.replace(" exception", ""));
        if (s.arrow().flagged("error") && failure != null) {
            unusual.add(failure);
        } else if (s.arrow().flagged("error") && label.endsWith(" exception")) {
            unusual.add("The provider's method threw" + (s.arrow().details().size() > 1 ? " " + s.arrow().details().get(s.arrow().details().size() - 1) : "")
                + ": the status is still 20 OK (the call was delivered and executed) and the body carries the exception (RESPONSE_WITH_EXCEPTION).");
        } else if (s.arrow().flagged("error")) {
            unusual.add("The call failed: " + label + (s.arrow().details().size() > 1 ? " (" + s.arrow().details().get(s.arrow().details().size() - 1) + ")" : "")
                + "; status 20 is OK, anything else is an error (30 client timeout, 31 server timeout, 40 bad request, 70 service error ...).");
        }
        return new Text("The response to request id " + id + ": status byte (20 = OK) and a body with the value, an exception or null.",
            req == null ? "It answers a request not in this capture." : "It answers " + req.arrow().label() + " (frame " + req.arrow().frame()
                + ", " + secs(s.ts() - req.ts()) + " later), paired by request id, not by order.",
            DUBBO_HEADER, unusual);
    }

    /** What a Dubbo status other than OK means for the people chasing it (ExchangeCodec, the Response status constants). */
    private static final Map<String, String> FAILURES = Map.of(
        "SERVER_THREADPOOL_EXHAUSTED_ERROR", "Thread pool exhausted (status 100): every thread of the provider's business pool was busy "
            + "and its queue full, so Dubbo's AbortPolicyWithReport refused the call without running it. Raise 'threads', "
            + "lower the load, or find what holds the threads (the provider dumps its stacks when this happens).",
        "SERIALIZATION_ERROR", "Serialization failure (status 25): the provider could not encode the response (a type that does "
            + "not serialize, or a body over its payload limit); the call ran but its result never left the provider.",
        "BAD_REQUEST", "Bad request (status 40): the provider could not decode the request: a class it does not have, a "
            + "serialization it does not accept, or a body over its payload limit.",
        "BAD_RESPONSE", "Bad response (status 50): the response could not be built or decoded on the way back.",
        "SERVICE_NOT_FOUND", "Service not found (status 60): the provider has no such service, version or group exported.",
        "SERVICE_ERROR", "Service error (status 70): the provider failed while invoking the service (not a business exception, "
            + "which comes back as OK with an exception in the body).",
        "SERVER_TIMEOUT", "Server timeout (status 31): the provider gave up on the call itself.",
        "CLIENT_TIMEOUT", "Client timeout (status 30): the consumer side of the exchange timed out.",
        "CHANNEL_INACTIVE", "Channel inactive (status 35): the connection was no longer usable when the response was due.");

    /** The first detail of the step's arrow starting with {@code prefix}, without it ("" when none). */
    private static String detail(final Step s, final String prefix) {
        for (final String d : s.arrow().details()) {
            if (d.startsWith(prefix) && (!prefix.isEmpty() || d.contains("payload limit"))) {
                return d.substring(prefix.length());
            }
        }
        return "";
    }

    private static String requestId(final Step s) {
        return s.arrow() != null && s.arrow().facts() instanceof Ladder.Rpc r ? Long.toString(r.requestId()) : null;
    }

    /** The smallest interval between consecutive heartbeat requests from one side, as a pseudo step holding it in ts. */
    private static Step minHeartbeatGap(final List<Step> steps, final String from) {
        long min = Long.MAX_VALUE;
        long last = -1;
        for (final Step x : steps) {
            if (x.arrow() != null && x.from().equals(from) && "heartbeat".equals(x.arrow().label())) {
                if (last >= 0) {
                    min = Math.min(min, x.ts() - last);
                }
                last = x.ts();
            }
        }
        return min == Long.MAX_VALUE ? null : new Step(null, new Ladder.Bar(min, min, 0, 0, ""), from, from);
    }
}
