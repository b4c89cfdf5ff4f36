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
 * The Triple part of {@code callscope dubbo}: Dubbo 3's gRPC-compatible protocol over HTTP/2, one
 * row per call (an HTTP/2 stream with an application/grpc content type) and one line per HTTP/2
 * connection. JSON (snake_case): triple_calls[] (protocol "tri", frame, ts, flow, stream, service,
 * method, version, group, consumer_app, grpc_timeout, timeout, request_messages, request_bytes,
 * response_messages, response_bytes, request, response (what the first message of each side holds),
 * grpc_status, grpc_status_name, grpc_message, tri_exception_code, rst_stream, rst_by, state,
 * latency_ms (to the end of the stream), headers_ms (to the response headers)); http2_connections[]
 * (flow, frames_from_client and frames_from_server by type, streams, streams_not_followed,
 * hpack_failures, ping_rtt_ms, goaway).
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
        return c.state();
    }

    public static void text(final PrintWriter out, final DubboTracker t, final long firstNanos, final int width) {
        final List<Http2Call> calls = t.tripleCalls();
        if (calls.isEmpty() && t.http2Connections().isEmpty()) {
            return;
        }
        out.println();
        out.println("Triple calls (gRPC over HTTP/2)");
        final TextTable tab = new TextTable(">Time s", ">Frame", ">Stream", "Service#method", ">Msgs", "Status", ">Latency ms",
            ">Req B", ">Resp B")
            .shrink("Service#method", 16, TextTable.Keep.END).shrink("Status", 8, TextTable.Keep.START)
            .drop("Req B|Resp B", "Frame").width(width);
        for (final Http2Call c : calls) {
            tab.row(Decimals.fixed((c.tsNanos() - firstNanos) / 1e9, 3), c.frame(), c.streamId(),
                (c.service() == null ? "?" : c.service()) + "#" + (c.method() == null ? "?" : c.method()),
                c.requestMessages() + "/" + c.responseMessages(), outcome(c), ms(c.endNanos() < 0 ? -1 : c.endNanos() - c.tsNanos()),
                c.requestBytes(), c.responseBytes());
        }
        tab.print(out);
        if (t.tripleCallsNotKept() > 0) {
            out.printf(Locale.ROOT, "(%d more calls not kept: --max-dubbo-exchanges)%n", t.tripleCallsNotKept());
        }
        for (final Http2ConnectionSummary s : t.http2Connections()) {
            final StringBuilder b = new StringBuilder();
            for (int i = 0; i < Http2ConnectionSummary.TYPES.size(); i++) {
                if (s.frames(Math.min(i, 9)) > 0 && i < 10) {
                    b.append(b.length() == 0 ? "" : ", ").append(Http2ConnectionSummary.TYPES.get(i)).append(' ').append(s.frames(i));
                }
            }
            TextTable.wrap(String.format(Locale.ROOT, "HTTP/2 %s  %d streams  frames %s%s%s%s", s.flow(), s.streams(), b,
                s.pingRttNanos().isEmpty() ? "" : "  PING rtt " + ms(s.pingRttNanos().get(0)) + " ms",
                s.goaway().isEmpty() ? "" : "  GOAWAY " + String.join("; ", s.goaway()),
                s.hpackFailures() > 0 ? "  " + s.hpackFailures() + " header blocks not decoded" : ""), width, 4).forEach(out::println);
        }
    }

    public static void json(final ObjectNode o, final DubboTracker t) {
        final ArrayNode arr = o.putArray("triple_calls");
        t.tripleCalls().forEach(c -> arr.add(call(c)));
        o.put("triple_calls_not_kept", t.tripleCallsNotKept());
        final ArrayNode cs = o.putArray("http2_connections");
        for (final Http2ConnectionSummary s : t.http2Connections()) {
            final ObjectNode x = cs.addObject();
            x.put("flow", s.flow().toString());
            final ObjectNode fc = x.putObject("frames_from_client");
            final ObjectNode fs = x.putObject("frames_from_server");
            for (int i = 0; i < Http2ConnectionSummary.TYPES.size(); i++) {
                fc.put(Http2ConnectionSummary.TYPES.get(i), s.framesFromClient()[i]);
                fs.put(Http2ConnectionSummary.TYPES.get(i), s.framesFromServer()[i]);
            }
            x.put("streams", s.streams());
            x.put("streams_not_followed", s.streamsNotFollowed());
            x.put("hpack_failures", s.hpackFailures());
            final ArrayNode p = x.putArray("ping_rtt_ms");
            s.pingRttNanos().forEach(n -> p.add(Math.round(n / 1e3) / 1000.0));
            final ArrayNode g = x.putArray("goaway");
            s.goaway().forEach(g::add);
        }
    }

    public static ObjectNode call(final Http2Call c) {
        final ObjectNode x = Json.object();
        x.put("protocol", "tri");
        x.put("frame", c.frame());
        x.put("ts", Timestamps.iso(c.tsNanos()));
        x.put("flow", c.flow() == null ? null : c.flow().toString());
        x.put("stream", c.streamId());
        x.put("service", c.service());
        x.put("method", c.method());
        x.put("version", c.requestHeader("tri-service-version"));
        x.put("group", c.requestHeader("tri-service-group"));
        x.put("consumer_app", c.requestHeader("tri-consumer-appname"));
        x.put("grpc_timeout", c.requestHeader("grpc-timeout"));
        x.put("timeout", c.requestHeader("timeout"));
        x.put("request_messages", c.requestMessages());
        x.put("request_bytes", c.requestBytes());
        x.put("response_messages", c.responseMessages());
        x.put("response_bytes", c.responseBytes());
        x.put("request", c.requestSummary());
        x.put("response", c.responseSummary());
        if (c.grpcStatus() == null) {
            x.putNull("grpc_status");
        } else {
            x.put("grpc_status", c.grpcStatus());
        }
        x.put("grpc_status_name", statusName(c.grpcStatus()));
        x.put("grpc_message", c.grpcMessage());
        x.put("tri_exception_code", c.responseHeader("tri-exception-code"));
        x.put("rst_stream", rstName(c.rstCode()));
        x.put("rst_by", c.rstCode() < 0 ? null : c.rstByClient() ? "consumer" : "provider");
        x.put("state", c.state());
        x.put("latency_ms", c.endNanos() < 0 ? null : Math.round((c.endNanos() - c.tsNanos()) / 1e3) / 1000.0);
        x.put("headers_ms", c.responseHeadersNanos() < 0 ? null : Math.round((c.responseHeadersNanos() - c.tsNanos()) / 1e3) / 1000.0);
        final ObjectNode h = x.putObject("request_headers");
        for (final Map.Entry<String, String> e : c.requestHeaders()) {
            if (!h.has(e.getKey())) {
                h.put(e.getKey(), e.getValue());
            }
        }
        return x;
    }
}
