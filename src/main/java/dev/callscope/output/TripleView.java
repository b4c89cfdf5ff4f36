package dev.callscope.output;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.callscope.core.Timestamps;
import dev.callscope.dissect.http2.GrpcNames;
import dev.callscope.dissect.http2.Http2Call;
import dev.callscope.dissect.http2.Http2ConnectionSummary;
import dev.callscope.flow.dubbo.DubboTracker;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Triple part of {@code callscope dubbo}: Dubbo 3's gRPC-compatible protocol over HTTP/2. Its
 * calls are rows of the same calls table and records of the same {@code exchanges} as the dubbo
 * protocol's ({@link #call}, protocol "tri"); this adds one line per HTTP/2 connection (how it began,
 * frames by type, PING round trips, GOAWAY, flow-control stalls) and {@code http2_connections[]} in JSON.
 */
public final class TripleView {
    private TripleView() {
    }

    /** "DEADLINE_EXCEEDED (4)", or the number alone when unknown; null for null. */
    public static String statusName(final Integer s) {
        if (s == null) {
            return null;
        }
        final String name = GrpcNames.status(s);
        return (name == null ? "status" : name) + " (" + s + ")";
    }

    static String rstName(final int code) {
        if (code < 0) {
            return null;
        }
        final String name = GrpcNames.error(code);
        return (name == null ? "error" : name) + " (" + code + ")";
    }

    private static String ms(final long nanos) {
        return nanos < 0 ? "-" : Decimals.fixed(nanos / 1e6, 3);
    }

    private static Double msValue(final long nanos) {
        return nanos < 0 ? null : Math.round(nanos / 1e3) / 1e3;
    }

    /** What the call's status column says: the gRPC status, else the reset, else its state. */
    static String outcome(final Http2Call c) {
        final Integer s = c.grpcStatus();
        if (s != null) {
            final String ex = c.responseHeader("tri-exception-code");
            return (s == 0 ? "OK" : statusName(s)) + (ex != null ? " exception " + ex : "");
        }
        if (c.rstCode() >= 0) {
            return "RST " + rstName(c.rstCode()) + " by " + (c.rstByClient() ? "consumer" : "provider");
        }
        return c.state().equals("open") ? "no response" : c.state();
    }

    /** One stall, for the connection line: "server waited 512.301 ms on stream 3's window (frames 21-25)". */
    static String stall(final Http2ConnectionSummary.Stall s) {
        return String.format(Locale.ROOT, "%s waited %s ms on %s (frames %d-%d)", s.fromClient() ? "client" : "server",
            ms(s.waitedNanos()), s.connectionWindow() ? "the connection window" : "stream " + s.streamId() + "'s window", s.frame(),
            s.openedFrame());
    }

    public static void text(final PrintWriter out, final DubboTracker t, final long firstNanos, final int width) {
        final List<Http2ConnectionSummary> conns = t.http2Connections();
        if (conns.isEmpty()) {
            return;
        }
        out.println();
        out.println("HTTP/2 connections (Triple)");
        long index = t.connections().size();
        for (final Http2ConnectionSummary s : conns) {
            index++;
            final StringBuilder b = new StringBuilder();
            for (int i = 0; i < Http2ConnectionSummary.TYPES.size(); i++) {
                if (s.frames(Math.min(i, 9)) > 0 && i < 10) {
                    b.append(b.length() == 0 ? "" : ", ").append(Http2ConnectionSummary.TYPES.get(i)).append(' ').append(s.frames(i));
                }
            }
            final StringBuilder stalls = new StringBuilder();
            for (final Http2ConnectionSummary.Stall st : s.stalls()) {
                stalls.append(stalls.length() == 0 ? "" : "; ").append(stall(st));
            }
            if (s.stallCount() > s.stalls().size()) {
                stalls.append("; ").append(s.stallCount() - s.stalls().size()).append(" more");
            }
            TextTable.wrap(String.format(Locale.ROOT, "#%d %s  %s  %d streams (%d gRPC)  frames %s%s%s%s%s%s", index, s.flow(), s.upgrade(),
                s.streams(), s.grpcStreams(), b,
                s.pingRttNanos().isEmpty() ? "" : "  PING rtt " + ms(s.pingRttNanos().get(0)) + " ms",
                s.goaway().isEmpty() ? "" : "  GOAWAY " + String.join("; ", s.goaway()),
                s.windowWaits() == 0 ? "" : "  window ran out " + s.windowWaits() + " times (" + ms(s.windowWaitNanos()) + " ms waited)",
                s.stallCount() == 0 ? "" : "  " + s.stallCount() + " flow-control stall" + (s.stallCount() == 1 ? "" : "s") + ": " + stalls,
                s.hpackFailures() > 0 ? "  " + s.hpackFailures() + " header blocks not decoded" : ""), width, 4).forEach(out::println);
        }
    }

    public static void json(final ObjectNode o, final DubboTracker t) {
        final ArrayNode cs = o.putArray("http2_connections");
        long index = t.connections().size();
        for (final Http2ConnectionSummary s : t.http2Connections()) {
            final ObjectNode x = cs.addObject();
            x.put("index", ++index);
            x.put("flow", s.flow().toString());
            x.put("began", s.upgrade());
            final ObjectNode fc = x.putObject("frames_from_client");
            final ObjectNode fs = x.putObject("frames_from_server");
            for (int i = 0; i < Http2ConnectionSummary.TYPES.size(); i++) {
                fc.put(Http2ConnectionSummary.TYPES.get(i), s.framesFromClient()[i]);
                fs.put(Http2ConnectionSummary.TYPES.get(i), s.framesFromServer()[i]);
            }
            x.put("streams", s.streams());
            x.put("grpc_streams", s.grpcStreams());
            x.put("streams_not_followed", s.streamsNotFollowed());
            x.put("hpack_failures", s.hpackFailures());
            final ArrayNode p = x.putArray("ping_rtt_ms");
            s.pingRttNanos().forEach(n -> p.add(msValue(n)));
            final ArrayNode g = x.putArray("goaway");
            s.goaway().forEach(g::add);
            x.put("window_waits", s.windowWaits());
            x.put("window_waited_ms", msValue(s.windowWaitNanos()));
            x.put("flow_control_stalls", s.stallCount());
            final ArrayNode st = x.putArray("stalls");
            for (final Http2ConnectionSummary.Stall w : s.stalls()) {
                final ObjectNode y = st.addObject();
                y.put("frame", w.frame());
                y.put("ts", Timestamps.iso(w.tsNanos()));
                y.put("stream", w.streamId());
                y.put("window", w.connectionWindow() ? "connection" : "stream");
                y.put("sender", w.fromClient() ? "client" : "server");
                y.put("opened_frame", w.openedFrame());
                y.put("waited_ms", msValue(w.waitedNanos()));
            }
        }
    }

    /**
     * A Triple call as an {@code exchange} record beside the dubbo protocol's: the same fields where
     * they mean the same (connection, service, version, method, arguments, state, status, result,
     * latency_ms, timeout, timeout_ms, late, request_bytes, response_bytes), then what only Triple has.
     *
     * @param connection the call's connection number as {@code dubbo} lists it, -1 when not known
     */
    public static ObjectNode call(final Http2Call c, final long connection) {
        final ObjectNode x = Json.object();
        x.put("ts", Timestamps.iso(c.tsNanos()));
        x.put("frame", c.frame());
        x.put("flow_id", c.flow() == null ? null : c.flow().toString());
        x.put("proto", "tri");
        x.put("record", "exchange");
        x.put("protocol", "tri");
        x.put("stream", c.streamId());
        final ObjectNode conn = x.putObject("connection");
        if (connection < 0) {
            conn.putNull("index");
        } else {
            conn.put("index", connection);
        }
        conn.put("client", c.client() == null ? null : c.client().toString());
        conn.put("server", c.server() == null ? null : c.server().toString());
        x.put("service", c.service());
        x.put("version", c.requestHeader("tri-service-version"));
        x.put("method", c.method());
        x.put("group", c.requestHeader("tri-service-group"));
        x.put("consumer_app", c.requestHeader("tri-consumer-appname"));
        final ArrayNode args = x.putArray("arguments");
        c.requestValues().forEach(args::add);
        x.put("state", c.state());
        if (c.grpcStatus() == null) {
            x.putNull("status");
        } else {
            final ObjectNode st = x.putObject("status");
            st.put("code", c.grpcStatus());
            st.put("name", GrpcNames.status(c.grpcStatus()));
        }
        x.put("result", c.responseValues().isEmpty() ? null : String.join(", ", c.responseValues()));
        x.put("latency_ms", msValue(c.latencyNanos()));
        x.put("response_frame", c.endFrame() < 0 ? null : c.endFrame());
        final Integer status = c.grpcStatus();
        x.put("timeout", status != null && status == 4);
        final long deadline = DubboTracker.grpcTimeoutNanos(c.requestHeader("grpc-timeout"));
        x.put("timeout_ms", deadline < 0 ? null : deadline / 1_000_000L);
        x.put("late", DubboTracker.tripleLate(c));
        x.put("request_bytes", c.requestBytes());
        x.put("response_bytes", c.responseBytes());
        x.put("grpc_timeout", c.requestHeader("grpc-timeout"));
        x.put("request_messages", c.requestMessages());
        x.put("response_messages", c.responseMessages());
        x.put("request", c.requestSummary());
        x.put("response", c.responseSummary());
        x.put("grpc_status_name", statusName(c.grpcStatus()));
        x.put("grpc_message", c.grpcMessage());
        x.put("tri_exception_code", c.responseHeader("tri-exception-code"));
        x.put("rst_stream", rstName(c.rstCode()));
        x.put("rst_by", c.rstCode() < 0 ? null : c.rstByClient() ? "consumer" : "provider");
        x.put("headers_ms", c.responseHeadersNanos() < 0 ? null : msValue(c.responseHeadersNanos() - c.tsNanos()));
        final ObjectNode h = x.putObject("request_headers");
        for (final Map.Entry<String, String> e : c.requestHeaders()) {
            if (!h.has(e.getKey())) {
                h.put(e.getKey(), e.getValue());
            }
        }
        return x;
    }
}
