package dev.callscope.dissect.http2;

import java.util.List;

/** Names of gRPC status codes (gRPC's statuscodes.md) and HTTP/2 error codes (RFC 9113 section 7). */
public final class GrpcNames {
    private static final List<String> STATUS = List.of("OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
        "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
        "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED");
    private static final List<String> ERRORS = List.of("NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR",
        "SETTINGS_TIMEOUT", "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR", "CONNECT_ERROR",
        "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED");

    private GrpcNames() {
    }

    /** "DEADLINE_EXCEEDED" for 4; null for a code gRPC does not define. */
    public static String status(final long code) {
        return code >= 0 && code < STATUS.size() ? STATUS.get((int) code) : null;
    }

    /** "CANCEL" for 8; null for a code HTTP/2 does not define. */
    public static String error(final long code) {
        return code >= 0 && code < ERRORS.size() ? ERRORS.get((int) code) : null;
    }
}
