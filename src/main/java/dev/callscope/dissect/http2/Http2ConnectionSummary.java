package dev.callscope.dissect.http2;

import dev.callscope.core.Direction;
import dev.callscope.core.FlowKey;
import dev.callscope.dissect.ProtocolEvent;
import java.util.List;

/**
 * One HTTP/2 connection, reported at its end: frames by type each way, SETTINGS, PING round trips,
 * GOAWAY, and what its bounds left out.
 *
 * @param clientDirection the direction the connection preface went (the client's)
 * @param framesFromClient frames by type (index 0-9; index 10 counts unknown types) the client sent
 * @param framesFromServer the same for the server
 * @param pingRttNanos the round trip of each answered PING
 * @param goaway "last stream N, error NO_ERROR (0), from client", one per GOAWAY
 * @param streams streams seen
 * @param streamsNotFollowed streams past {@code http2MaxStreams} at once
 * @param hpackFailures header blocks that could not be decoded (after one, the direction's later blocks are not either)
 */
public record Http2ConnectionSummary(long frame, long tsNanos, FlowKey flow, Direction clientDirection, long[] framesFromClient,
                                     long[] framesFromServer, List<Long> pingRttNanos, List<String> goaway, long streams,
                                     long streamsNotFollowed, long hpackFailures) implements ProtocolEvent {
    public static final String PROTOCOL = "http2";
    /** Frame type names by type number (RFC 9113 section 6). */
    public static final List<String> TYPES = List.of("DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS", "PUSH_PROMISE",
        "PING", "GOAWAY", "WINDOW_UPDATE", "CONTINUATION", "unknown");

    public Http2ConnectionSummary {
        pingRttNanos = List.copyOf(pingRttNanos);
        goaway = List.copyOf(goaway);
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    /** Frames of type {@code type} (0-9) both ways. */
    public long frames(final int type) {
        return framesFromClient[type] + framesFromServer[type];
    }
}
