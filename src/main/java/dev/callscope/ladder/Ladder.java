package dev.callscope.ladder;

import java.util.List;

/**
 * A sequence (ladder) diagram, independent of any renderer: lanes (one per endpoint) and steps in
 * time order (arrows for messages, bars for media or other long-lived flows, notes). Built by the
 * trackers' ladder builders from SIP calls, Dubbo connections or WebRTC sessions; rendered by
 * {@link TextLadderRenderer} and the other renderers.
 *
 * @param title one line naming what the ladder shows (a Call-ID, a connection)
 * @param lanes the columns, left to right
 * @param steps arrows, bars and notes in time order
 * @param kind what protocol the ladder draws (what explanations are read from; never the title)
 */
public record Ladder(String title, List<Lane> lanes, List<Step> steps, Kind kind) {
    public Ladder {
        lanes = List.copyOf(lanes);
        steps = List.copyOf(steps);
        java.util.Objects.requireNonNull(kind, "kind");
    }

    /** The protocol a ladder draws. */
    public enum Kind {
        /** SIP calls with their SDP and media bars. */
        SIP,
        /** A Dubbo-protocol connection. */
        DUBBO,
        /** A Triple (gRPC over HTTP/2) connection. */
        TRIPLE,
        /** A WebRTC session: ICE, DTLS, SRTP. */
        WEBRTC,
        /** A room of WebRTC signalling. */
        ROOM
    }

    /** A column: an endpoint ({@code ip:port}, or a host when ports are merged). */
    public record Lane(String id, String label) {
    }

    /** Something drawn on the ladder. */
    public sealed interface Step permits Arrow, Bar, Note {
        /** Capture time of the step (its start for a bar), nanoseconds since the epoch. */
        long tsNanos();
    }

    /**
     * A message from one lane to another.
     *
     * @param from index into {@link #lanes()}
     * @param to index into {@link #lanes()} (may equal {@code from} for a message to itself)
     * @param label the short text on the arrow ("INVITE", "200 OK", "UserService#login")
     * @param details extra lines shown under the arrow (an SDP summary, a latency), may be empty
     * @param flags marks such as "retransmission", "error", "heartbeat"
     * @param fullText the message in full (for HTML click-through and --raw); may be null
     */
    public record Arrow(long tsNanos, long frame, int from, int to, String label, List<String> details, List<String> flags,
                        String fullText) implements Step {
        public Arrow {
            details = List.copyOf(details);
            flags = List.copyOf(flags);
        }

        public boolean flagged(final String flag) {
            return flags.contains(flag);
        }
    }

    /** A long-lived flow between two lanes (an RTP stream), drawn as a bar from start to end. */
    public record Bar(long tsNanos, long endNanos, int from, int to, String label) implements Step {
    }

    /** A remark at a point in time, on one lane or across the ladder (lane -1). */
    public record Note(long tsNanos, int lane, String text) implements Step {
    }
}
