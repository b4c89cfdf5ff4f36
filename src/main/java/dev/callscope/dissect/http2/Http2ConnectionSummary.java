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
 * @param grpcStreams streams with a gRPC content type
 * @param upgrade how the connection began: "prior knowledge" (the preface first), "h2c upgrade" (HTTP/1.1
 *     Upgrade: h2c answered 101), or "mid-stream" (the capture began after the preface)
 * @param windowWaits times a sender's window (the connection's or a stream's) ran out with data still to
 *     send and it went on only after a WINDOW_UPDATE (or SETTINGS) opened the window again
 * @param windowWaitNanos those waits added up
 * @param stalls the waits of at least {@link #STALL_NANOS}: flow-control stalls (at most {@link #MAX_STALLS}
 *     listed; {@code stallCount} counts all)
 * @param stallCount every stall, listed or not
 */
public record Http2ConnectionSummary(long frame, long tsNanos, FlowKey flow, Direction clientDirection, long[] framesFromClient,
                                     long[] framesFromServer, List<Long> pingRttNanos, List<String> goaway, long streams,
                                     long streamsNotFollowed, long hpackFailures, long grpcStreams, String upgrade,
                                     long windowWaits, long windowWaitNanos, List<Stall> stalls, long stallCount)
    implements ProtocolEvent {
    /** A wait for the window this long or longer is a stall: more than a round trip on any sane path. */
    public static final long STALL_NANOS = 50_000_000L;
    public static final String PROTOCOL = "http2";
    /** Stalls listed per connection. */
    public static final int MAX_STALLS = 32;

    /**
     * A sender that had to wait for the receiver's flow-control window (RFC 9113 section 5.2).
     *
     * @param frame the DATA frame that left the window at 0 or less
     * @param tsNanos when it came
     * @param streamId the stream that waited (its window, or the connection's when {@code connectionWindow})
     * @param connectionWindow whether the connection's window (stream 0) ran out, else the stream's
     * @param fromClient whether the client was the sender that waited
     * @param openedFrame the WINDOW_UPDATE (or SETTINGS) frame that opened the window again
     * @param waitedNanos from the DATA that closed the window to the frame that opened it
     */
    public record Stall(long frame, long tsNanos, int streamId, boolean connectionWindow, boolean fromClient,
                        long openedFrame, long waitedNanos) {
    }
    /** Frame type names by type number (RFC 9113 section 6). */
    public static final List<String> TYPES = List.of("DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS", "PUSH_PROMISE",
        "PING", "GOAWAY", "WINDOW_UPDATE", "CONTINUATION", "unknown");

    public Http2ConnectionSummary {
        pingRttNanos = List.copyOf(pingRttNanos);
        goaway = List.copyOf(goaway);
        stalls = List.copyOf(stalls);
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
