package dev.callscope.output;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.callscope.core.Timestamps;
import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.dubbo.DubboBody;
import dev.callscope.dissect.dubbo.DubboFrame;
import dev.callscope.dissect.http2.Http2Call;
import dev.callscope.flow.dubbo.DubboConnection;
import dev.callscope.flow.dubbo.DubboExchange;
import dev.callscope.flow.dubbo.DubboTracker;
import dev.callscope.flow.dubbo.MethodStats;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders {@code callscope dubbo}: the calls, the per service#method summary, the heartbeats per
 * connection and the totals. JSON records start with ts, frame, flow_id, proto (Zeek style).
 */
public final class DubboView {
    private DubboView() {
    }

    private static String secs(final long nanos) {
        return Timestamps.secondsText(nanos);
    }

    private static String ms(final long nanos) {
        return nanos < 0 ? "-" : Decimals.fixed(nanos / 1e6, 3);
    }

    private static Double msValue(final long nanos) {
        return nanos < 0 ? null : Math.round(nanos / 1e3) / 1e3;
    }

    /** The status column: the response's status name, or why there is none. */
    static String status(final DubboExchange x) {
        switch (x.state()) {
            case ONE_WAY:
                return "one-way";
            case UNANSWERED_AT_END:
                return "no response";
            case UNANSWERED_AT_CLOSE:
                return "no response (closed)";
            case UNANSWERED_AFTER_TIMEOUT:
                return "no response (timed out)";
            case PENDING:
                return "pending";
            default:
                final DubboFrame r = x.response();
                final String kind = r.body().resultKind();
                return r.statusName() + (kind != null && kind.startsWith("exception") ? " exception" : "");
        }
    }

    // ------------------------------------------------------------------ text

    /** The Dubbo report, its tables fitted to {@code width} columns (0: every value whole). */
    public static void text(final PrintWriter out, final DubboTracker t, final long firstNanos, final Map<String, Long> anomalyCounts,
                            final int width) {
        final List<DubboExchange> xs = t.exchanges();
        final List<Http2Call> tri = t.tripleCalls();
        out.println("Dubbo calls");
        final TextTable calls = new TextTable(">Time s", ">Frame", "Proto", "Consumer", "", "Provider", "Service#method", "Status",
            ">Latency ms", ">Req B", ">Resp B")
            .shrink("Consumer", 12, TextTable.Keep.END).shrink("Provider", 12, TextTable.Keep.END)
            .shrink("Service#method", 16, TextTable.Keep.END).shrink("Status", 8, TextTable.Keep.START)
            .drop("Req B|Resp B", "Frame", "Proto", "Consumer|").width(width);
        inOrder(xs, tri, x -> {
            final DubboConnection c = x.connection();
            final DubboFrame q = x.request();
            final boolean fromClient = q.direction() == c.clientToServer();
            calls.row(secs(q.tsNanos() - firstNanos), q.frame(), "dubbo", fromClient ? c.client() : c.server(), "->",
                fromClient ? c.server() : c.client(), x.serviceMethod() + (x.duplicateId() ? " [duplicate id]" : ""),
                status(x) + (x.late() ? " LATE" : "") + (x.overPayloadLimit() != null ? " [payload over limit]" : ""),
                ms(x.latencyNanos()), q.frameBytes(), x.response() == null ? "-" : x.response().frameBytes());
        }, c -> tripleRow(calls, c, firstNanos));
        calls.print(out);
        final DubboTracker.Totals tot = t.totals();
        if (xs.size() < tot.requests()) {
            out.println("(" + xs.size() + " of " + tot.requests() + " dubbo-protocol calls listed)");
        }
        if (t.tripleCallsNotKept() > 0) {
            out.printf(Locale.ROOT, "(%d more Triple calls not kept: --max-dubbo-exchanges)%n", t.tripleCallsNotKept());
        }
        out.println();
        out.println("Per service#method");
        final TextTable m = new TextTable("Service#method", ">Calls", ">Errors", ">No response", ">Late", ">p50 ms", ">p90 ms",
            ">p99 ms", ">Max ms").shrink("Service#method", 16, TextTable.Keep.END).drop("p90 ms").width(width);
        for (final MethodStats s : t.methods()) {
            m.row(s.serviceMethod(), s.count(), s.errors(), s.unanswered(), s.late(), ms(s.latencyNanos(0.5)), ms(s.latencyNanos(0.9)),
                ms(s.latencyNanos(0.99)), ms(s.maxLatencyNanos()));
        }
        m.print(out);
        final long approximate = t.methods().stream().filter(MethodStats::latencyApproximate).count();
        if (approximate > 0) {
            out.printf(Locale.ROOT, "(p50/p90/p99 of %d method(s) with more than %d answered calls from a histogram, "
                + "within %.1f %%; max exact)%n", approximate, DubboTracker.EXACT_LATENCIES,
                DubboTracker.LATENCY_RELATIVE_ERROR * 100);
        }
        final boolean dubboProtocol = tot.requests() > 0 || tot.connections() > 0 || tot.triple().calls() == 0;
        if (dubboProtocol) {
            connections(out, t, firstNanos, width);
        }
        out.println();
        if (dubboProtocol) {
            TextTable.wrap(String.format(Locale.ROOT, "Totals: %d requests (%d one-way), %d responses, %d unanswered, %d timeouts, "
                    + "%d late responses (after the consumer's timeout), %d exceptions,"
                    + " %d errors, %d duplicate ids, %d heartbeats (%d requests, %d responses), %d missed heartbeats,"
                    + " %d broken bodies, %d over the payload limit, %d connections (%d reconnects)",
                tot.requests(), tot.oneWay(), tot.responses(), tot.unanswered(), tot.timeouts(), tot.dubboLateResponses(), tot.exceptions(),
                tot.errors(), tot.duplicateIds(), tot.heartbeats(), tot.heartbeatRequests(), tot.heartbeatResponses(),
                tot.missedHeartbeats(), tot.brokenBodies(), tot.overPayloadLimit(), tot.connections(), tot.reconnects()), width, 2).forEach(out::println);
        }
        final DubboTracker.TripleTotals tt = tot.triple();
        if (tt.calls() > 0) {
            TextTable.wrap(String.format(Locale.ROOT, "Triple totals: %d calls, %d errors (%d exceptions), %d late (after the "
                    + "consumer's grpc-timeout), %d reset, %d unanswered, %d HTTP/2 connections, %d flow-control stalls",
                tt.calls(), tt.errors(), tt.exceptions(), tt.late(), tt.resets(), tt.unanswered(), tt.connections(), tt.stalls()),
                width, 2).forEach(out::println);
        }
        if (!anomalyCounts.isEmpty()) {
            final StringBuilder sb = new StringBuilder("Anomalies:");
            anomalyCounts.forEach((key, v) -> sb.append(' ').append(key).append('=').append(v));
            TextTable.wrap(sb.toString(), width, 2).forEach(out::println);
        }
        TripleView.text(out, t, firstNanos, width);
    }

    private static void tripleRow(final TextTable calls, final Http2Call c, final long firstNanos) {
        final boolean single = c.requestMessages() == 1 && c.responseMessages() == 1;
        calls.row(secs(c.tsNanos() - firstNanos), c.frame(), "tri", c.client(), "->", c.server(), DubboTracker.tripleMethod(c),
            TripleView.outcome(c) + (single ? "" : ", msgs " + c.requestMessages() + "/" + c.responseMessages())
                + (DubboTracker.tripleLate(c) ? " LATE" : ""),
            ms(c.latencyNanos()), c.requestBytes(), c.endNanos() < 0 && c.responseMessages() == 0 ? "-" : c.responseBytes());
    }

    private static void connections(final PrintWriter out, final DubboTracker t, final long firstNanos, final int width) {
        out.println();
        out.println("Connections and heartbeats");
        final TextTable h = new TextTable(">#", "Consumer", "Provider", ">Opened s", ">Closed s", ">Calls",
            ">HB c->s", ">acked", ">every ms", ">HB s->c", ">acked", ">every ms", ">Missed", "Notes")
            .shrink("Consumer", 12, TextTable.Keep.END).shrink("Provider", 12, TextTable.Keep.END)
            .shrink("Notes", 8, TextTable.Keep.START).drop("Opened s|Closed s", "acked|every ms").width(width);
        for (final DubboConnection c : t.connections()) {
            final DubboConnection.Heartbeats cs = c.clientHeartbeats();
            final DubboConnection.Heartbeats sc = c.serverHeartbeats();
            final StringBuilder notes = new StringBuilder();
            if (c.synNanos() < 0) {
                notes.append("opened before capture");
            }
            if (c.reconnect()) {
                notes.append(notes.length() > 0 ? ", " : "").append("reconnect").append(c.reconnectGapNanos() < 0 ? ""
                    : " after " + ms(c.reconnectGapNanos()) + " ms");
            }
            if (c.closeKind() != null) {
                notes.append(notes.length() > 0 ? ", " : "").append(c.closeKind())
                    .append(c.closedBy() == null ? "" : " by " + c.closedBy());
                if (c.unansweredHeartbeats() > 0) {
                    notes.append(" after ").append(c.unansweredHeartbeats()).append(" unanswered heartbeat")
                        .append(c.unansweredHeartbeats() == 1 ? "" : "s");
                }
                if (c.lostAtClose() > 0) {
                    notes.append(", ").append(c.lostAtClose()).append(c.lostAtClose() == 1 ? " call" : " calls").append(" lost");
                }
            }
            h.row(c.index(), c.client(), c.server(),
                c.synNanos() < 0 ? "-" : secs(c.synNanos() - firstNanos),
                c.closeNanos() < 0 ? "-" : secs(c.closeNanos() - firstNanos), c.requests(), cs.requests(), cs.responses(),
                ms(cs.meanIntervalNanos()), sc.requests(), sc.responses(), ms(sc.meanIntervalNanos()), c.missedHeartbeats(),
                notes.toString());
        }
        h.print(out);
    }

    // ------------------------------------------------------------------ JSON

    /** ts, frame, flow_id (the connection's 5-tuple as every command writes it, or null), proto. */
    private static void head(final ObjectNode o, final long ts, final long frame, final DubboConnection c) {
        o.put("ts", Timestamps.iso(ts));
        o.put("frame", frame);
        o.put("flow_id", c == null ? null : c.key().toString());
        o.put("proto", "dubbo");
    }

    public static ObjectNode exchange(final DubboExchange x) {
        final ObjectNode o = Json.object();
        final DubboConnection c = x.connection();
        final DubboFrame q = x.request();
        final DubboFrame r = x.response();
        final DubboBody b = q.body();
        head(o, q.tsNanos(), q.frame(), c);
        o.put("record", "exchange");
        o.put("protocol", "dubbo");
        o.put("request_id", Long.toString(q.requestId())); // a string: past 2^53 a JSON number loses digits (jq 1.6)
        final ObjectNode conn = o.putObject("connection");
        conn.put("index", c.index());
        final boolean fromClient = q.direction() == c.clientToServer();
        conn.put("client", (fromClient ? c.client() : c.server()).toString());
        conn.put("server", (fromClient ? c.server() : c.client()).toString());
        o.put("service", b.service());
        o.put("version", b.version());
        o.put("method", b.method());
        o.put("parameter_types", b.parameterTypes());
        o.put("dubbo_version", b.dubboVersion());
        final ArrayNode args = o.putArray("arguments");
        b.arguments().forEach(args::add);
        final ObjectNode att = o.putObject("attachments");
        b.attachments().forEach(att::put);
        o.put("serialization", q.serialization());
        o.put("two_way", q.twoWay());
        o.put("state", x.state().name().toLowerCase(Locale.ROOT));
        if (r == null) {
            o.putNull("status");
            o.putNull("result_kind");
            o.putNull("exception_class");
            o.putNull("exception_message");
            o.putNull("result");
            o.putNull("latency_ms");
            o.putNull("response_frame");
        } else {
            answer(o, r, x.latencyNanos());
        }
        o.put("timeout", x.timedOut());
        o.put("timeout_ms", x.timeoutNanos() < 0 ? null : x.timeoutNanos() / 1_000_000L);
        o.put("late", x.late());
        o.put("over_payload_limit", x.overPayloadLimit());
        o.put("duplicate_id", x.duplicateId());
        o.put("request_bytes", q.frameBytes());
        if (r == null) {
            o.putNull("response_bytes");
        } else {
            o.put("response_bytes", r.frameBytes());
        }
        o.put("broken", q.broken() || (r != null && r.broken()));
        return o;
    }

    /** An exchange record's fields that its response gives (status, result, latency, response frame). */
    private static void answer(final ObjectNode o, final DubboFrame r, final long latencyNanos) {
        final ObjectNode st = o.putObject("status");
        st.put("code", r.status());
        st.put("name", r.statusName());
        o.put("result_kind", r.body().resultKind());
        o.put("exception_class", r.body().exceptionClass());
        o.put("exception_message", r.body().exceptionMessage());
        o.put("result", r.status() == 20 ? r.body().value() : r.body().errorMessage());
        o.put("latency_ms", msValue(latencyNanos));
        o.put("response_frame", r.frame());
    }

    /**
     * Completes the record of an exchange left unanswered at the end of one capture file with its
     * response from the next file ({@code response}: a record of {@link #response}), as one reading of
     * both files would have written it: answered, its latency, late against its timeout.
     */
    public static void answered(final ObjectNode exchange, final ObjectNode response, final long latencyNanos) {
        exchange.put("state", "answered");
        exchange.set("status", response.get("status"));
        for (final String f : List.of("result_kind", "exception_class", "exception_message", "result")) {
            exchange.set(f, response.get(f));
        }
        exchange.put("latency_ms", msValue(latencyNanos));
        exchange.set("response_frame", response.get("frame"));
        final int status = response.path("status").path("code").asInt();
        exchange.put("timeout", status == 30 || status == 31);
        final com.fasterxml.jackson.databind.JsonNode timeout = exchange.get("timeout_ms");
        exchange.put("late", timeout != null && timeout.isNumber() && timeout.asLong() > 0
            && latencyNanos > timeout.asLong() * 1_000_000L);
        exchange.set("response_bytes", response.get("bytes"));
        exchange.put("broken", exchange.path("broken").asBoolean() || response.path("broken").asBoolean());
    }

    /** A response without its request: what {@link #answered} takes from it, with its frame, bytes and time. */
    public static ObjectNode response(final DubboFrame r) {
        final ObjectNode o = Json.object();
        o.put("ts", Timestamps.iso(r.tsNanos()));
        o.put("frame", r.frame());
        answer(o, r, -1);
        o.remove("latency_ms");
        o.remove("response_frame");
        o.put("request_id", Long.toString(r.requestId()));
        o.put("bytes", r.frameBytes());
        o.put("broken", r.broken());
        return o;
    }

    public static ObjectNode service(final MethodStats s, final long firstNanos) {
        final ObjectNode o = Json.object();
        head(o, firstNanos, 0, null);
        o.put("record", "service");
        o.put("service_method", s.serviceMethod());
        o.put("calls", s.count());
        o.put("errors", s.errors());
        o.put("unanswered", s.unanswered());
        o.put("late", s.late());
        o.put("p50_ms", msValue(s.latencyNanos(0.5)));
        o.put("p90_ms", msValue(s.latencyNanos(0.9)));
        o.put("p99_ms", msValue(s.latencyNanos(0.99)));
        o.put("max_ms", msValue(s.maxLatencyNanos()));
        return o;
    }

    private static ObjectNode heartbeats(final DubboConnection.Heartbeats h) {
        final ObjectNode o = Json.object();
        o.put("requests", h.requests());
        o.put("responses", h.responses());
        o.put("mean_interval_ms", msValue(h.meanIntervalNanos()));
        o.put("min_interval_ms", msValue(h.minIntervalNanos()));
        o.put("max_interval_ms", msValue(h.maxIntervalNanos()));
        return o;
    }

    public static ObjectNode connection(final DubboConnection c) {
        final ObjectNode o = Json.object();
        head(o, c.firstNanos(), c.firstFrame(), c);
        o.put("record", "connection");
        o.put("index", c.index());
        o.put("client", c.client().toString());
        o.put("server", c.server().toString());
        o.put("syn_ts", c.synNanos() < 0 ? null : Timestamps.iso(c.synNanos()));
        o.put("close_ts", c.closeNanos() < 0 ? null : Timestamps.iso(c.closeNanos()));
        o.put("close_kind", c.closeKind());
        o.put("closed_by", c.closedBy());
        o.put("unanswered_heartbeats", c.unansweredHeartbeats());
        o.put("calls_lost_at_close", c.lostAtClose());
        o.put("reconnect", c.reconnect());
        o.put("reconnect_gap_ms", msValue(c.reconnectGapNanos()));
        o.put("end_reason", c.endReason());
        o.put("requests", c.requests());
        o.put("responses", c.responses());
        final ObjectNode hb = o.putObject("heartbeats");
        hb.set("client_to_server", heartbeats(c.clientHeartbeats()));
        hb.set("server_to_client", heartbeats(c.serverHeartbeats()));
        o.put("missed_heartbeats", c.missedHeartbeats());
        return o;
    }

    public static ObjectNode totals(final DubboTracker.Totals t, final long firstNanos) {
        final ObjectNode o = Json.object();
        head(o, firstNanos, 0, null);
        o.put("record", "totals");
        o.put("requests", t.requests());
        o.put("responses", t.responses());
        o.put("one_way", t.oneWay());
        o.put("unanswered", t.unanswered());
        o.put("timeouts", t.timeouts());
        o.put("late_responses", t.lateResponses());
        o.put("exceptions", t.exceptions());
        o.put("errors", t.errors());
        o.put("duplicate_ids", t.duplicateIds());
        o.put("unmatched_responses", t.unmatchedResponses());
        o.put("heartbeats", t.heartbeats());
        o.put("heartbeat_requests", t.heartbeatRequests());
        o.put("heartbeat_responses", t.heartbeatResponses());
        o.put("missed_heartbeats", t.missedHeartbeats());
        o.put("broken_bodies", t.brokenBodies());
        o.put("over_payload_limit", t.overPayloadLimit());
        o.put("connections", t.connections());
        o.put("reconnects", t.reconnects());
        final DubboTracker.TripleTotals tt = t.triple();
        final ObjectNode tri = o.putObject("triple");
        tri.put("calls", tt.calls());
        tri.put("errors", tt.errors());
        tri.put("exceptions", tt.exceptions());
        tri.put("late", tt.late());
        tri.put("resets", tt.resets());
        tri.put("unanswered", tt.unanswered());
        tri.put("connections", tt.connections());
        tri.put("flow_control_stalls", tt.stalls());
        return o;
    }

    private static ObjectNode anomaly(final Anomaly a) {
        final ObjectNode o = Json.object();
        o.put("code", a.code());
        o.put("severity", a.severity().name().toLowerCase(Locale.ROOT));
        o.put("frame", a.frame());
        o.put("detail", a.detail());
        return o;
    }

    public static ObjectNode json(final DubboTracker t, final long firstNanos, final Map<String, Long> anomalyCounts) {
        final ObjectNode o = Json.object();
        final ArrayNode xs = o.putArray("exchanges");
        merged(t, xs::add);
        final ArrayNode ss = o.putArray("services");
        t.methods().forEach(s -> ss.add(service(s, firstNanos)));
        final ArrayNode cs = o.putArray("connections");
        t.connections().forEach(c -> cs.add(connection(c)));
        o.set("totals", totals(t.totals(), firstNanos));
        final ObjectNode ac = o.putObject("anomaly_counts");
        anomalyCounts.forEach(ac::put);
        final ArrayNode an = o.putArray("tracker_anomalies");
        t.anomalies().forEach(a -> an.add(anomaly(a)));
        TripleView.json(o, t);
        return o;
    }

    public static void jsonl(final PrintWriter out, final DubboTracker t, final long firstNanos) {
        merged(t, n -> Json.writeLine(out, n));
        jsonlSummary(n -> Json.writeLine(out, n), t, firstNanos);
    }

    /** The exchange records of both protocols in order of request: dubbo-protocol exchanges and Triple calls. */
    public static void merged(final DubboTracker t, final java.util.function.Consumer<ObjectNode> sink) {
        inOrder(t.exchanges(), t.tripleCalls(), x -> sink.accept(exchange(x)),
            c -> sink.accept(TripleView.call(c, t.tripleConnectionIndex(c))));
    }

    /** Dubbo-protocol exchanges and Triple calls, each list in order of request, as one sequence by time. */
    private static void inOrder(final List<DubboExchange> xs, final List<Http2Call> tri,
                                final java.util.function.Consumer<DubboExchange> exchange,
                                final java.util.function.Consumer<Http2Call> call) {
        int k = 0;
        for (final DubboExchange x : xs) {
            for (; k < tri.size() && tri.get(k).tsNanos() < x.request().tsNanos(); k++) {
                call.accept(tri.get(k));
            }
            exchange.accept(x);
        }
        for (; k < tri.size(); k++) {
            call.accept(tri.get(k));
        }
    }

    /**
     * The records after the exchanges: one {@code service} per service#method (by name), one {@code
     * connection} per connection (in order of first frame), then {@code totals}.
     */
    public static void jsonlSummary(final java.util.function.Consumer<ObjectNode> line, final DubboTracker t,
                                    final long firstNanos) {
        t.methods().forEach(s -> line.accept(service(s, firstNanos)));
        t.connections().forEach(c -> line.accept(connection(c)));
        line.accept(totals(t.totals(), firstNanos));
    }
}
