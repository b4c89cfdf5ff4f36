package dev.callscope.dissect.http2;

import dev.callscope.core.Direction;
import dev.callscope.core.FlowKey;
import dev.callscope.dissect.ProtocolEvent;
import java.util.List;
import java.util.Map;

/**
 * One HTTP/2 stream, reported when it ends (both sides sent END_STREAM, a RST_STREAM, the connection's
 * end): a gRPC or Triple call when its content type is {@code application/grpc...}.
 *
 * @param frame the frame of the request's HEADERS
 * @param tsNanos when the request's HEADERS came
 * @param direction the direction of the request within {@code flow}
 * @param streamId the stream identifier
 * @param requestHeaders the request's header list in order (name, value), at most {@code http2MaxHeaderList} bytes
 * @param responseHeaders the response's first header list
 * @param trailers the response's trailing header list (gRPC: grpc-status, grpc-message), or empty
 * @param requestMessages gRPC messages (or DATA frames, for other content) from the client, and their bytes
 * @param responseMessages the same from the server
 * @param requestSummary what the first request message holds (the Triple wrapper's types, protobuf fields), or null
 * @param responseSummary what the first response message holds, or null
 * @param requestValues the values of the first request message's Triple wrapper, as read (empty when not read)
 * @param responseValues the same for the first response message
 * @param responseHeadersNanos when the response's HEADERS came, -1 without one
 * @param endNanos when the stream ended (the last END_STREAM, or the RST_STREAM), -1 when it did not
 * @param endFrame the frame that ended it, -1 when it did not
 * @param rstCode the RST_STREAM error code, -1 without one
 * @param rstByClient whether the client sent the RST_STREAM
 * @param state "closed", "reset", or "open" (still open when the connection ended)
 */
public record Http2Call(long frame, long tsNanos, FlowKey flow, Direction direction, int streamId,
                        List<Map.Entry<String, String>> requestHeaders, List<Map.Entry<String, String>> responseHeaders,
                        List<Map.Entry<String, String>> trailers, long requestMessages, long requestBytes,
                        long responseMessages, long responseBytes, String requestSummary, String responseSummary,
                        List<String> requestValues, List<String> responseValues,
                        long responseHeadersNanos, long endNanos, long endFrame, int rstCode, boolean rstByClient, String state)
    implements ProtocolEvent {
    public static final String PROTOCOL = "http2";

    public Http2Call {
        requestHeaders = List.copyOf(requestHeaders);
        responseHeaders = List.copyOf(responseHeaders);
        trailers = List.copyOf(trailers);
        requestValues = List.copyOf(requestValues);
        responseValues = List.copyOf(responseValues);
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    /** The client's (consumer's) end of the connection, or null without a flow. */
    public dev.callscope.core.Endpoint client() {
        return flow == null ? null : direction == Direction.A_TO_B ? flow.endpointA() : flow.endpointB();
    }

    /** The server's (provider's) end of the connection, or null without a flow. */
    public dev.callscope.core.Endpoint server() {
        return flow == null ? null : direction == Direction.A_TO_B ? flow.endpointB() : flow.endpointA();
    }

    /** From the request's HEADERS to the stream's end, -1 when it did not end. */
    public long latencyNanos() {
        return endNanos < 0 ? -1 : endNanos - tsNanos;
    }

    /** The first value of header {@code name} in the request, or null. */
    public String requestHeader(final String name) {
        return find(requestHeaders, name);
    }

    /** The first value of {@code name} in the trailers, else in the response headers (a trailers-only response), or null. */
    public String responseHeader(final String name) {
        final String t = find(trailers, name);
        return t != null ? t : find(responseHeaders, name);
    }

    private static String find(final List<Map.Entry<String, String>> hs, final String name) {
        for (final Map.Entry<String, String> e : hs) {
            if (e.getKey().equals(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** A gRPC call (Triple included): the request's content type starts with application/grpc. */
    public boolean grpc() {
        final String ct = requestHeader("content-type");
        return ct != null && ct.startsWith("application/grpc");
    }

    /** grpc-status, or null when none came. */
    public Integer grpcStatus() {
        final String s = responseHeader("grpc-status");
        if (s == null) {
            return null;
        }
        try {
            return Integer.parseInt(s.trim());
        } catch (final NumberFormatException e) {
            return null;
        }
    }

    /** grpc-message, percent-decoded (gRPC's own encoding of it), or null. */
    public String grpcMessage() {
        final String m = responseHeader("grpc-message");
        return m == null ? null : Grpc.percentDecode(m);
    }

    /** The service of a gRPC {@code :path} ("/pkg.Service/Method"), or null. */
    public String service() {
        final String p = requestHeader(":path");
        if (p == null || !p.startsWith("/")) {
            return null;
        }
        final int slash = p.indexOf('/', 1);
        return slash < 0 ? p.substring(1) : p.substring(1, slash);
    }

    /** The method of a gRPC {@code :path}, or null. */
    public String method() {
        final String p = requestHeader(":path");
        if (p == null || !p.startsWith("/")) {
            return null;
        }
        final int slash = p.indexOf('/', 1);
        return slash < 0 ? null : p.substring(slash + 1);
    }
}
