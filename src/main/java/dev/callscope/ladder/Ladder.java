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
     * @param facts what the message is, as values (for explanations, which never read the label); may be null
     */
    public record Arrow(long tsNanos, long frame, int from, int to, String label, List<String> details, List<String> flags,
                        String fullText, Facts facts) implements Step {
        public Arrow {
            details = List.copyOf(details);
            flags = List.copyOf(flags);
        }

        /** An arrow without facts. */
        public Arrow(final long tsNanos, final long frame, final int from, final int to, final String label,
                     final List<String> details, final List<String> flags, final String fullText) {
            this(tsNanos, frame, from, to, label, details, flags, fullText, null);
        }

        public boolean flagged(final String flag) {
            return flags.contains(flag);
        }

        /** The same arrow between other lanes. */
        public Arrow between(final int newFrom, final int newTo) {
            return new Arrow(tsNanos, frame, newFrom, newTo, label, details, flags, fullText, facts);
        }

        /** The same arrow with another label. */
        public Arrow relabelled(final String newLabel) {
            return new Arrow(tsNanos, frame, from, to, newLabel, details, flags, fullText, facts);
        }
    }

    /**
     * A long-lived flow between two lanes (an RTP stream), drawn as a bar from start to end.
     *
     * @param media what the flow is, as values (for explanations); may be null
     */
    public record Bar(long tsNanos, long endNanos, int from, int to, String label, Media media) implements Step {
        /** A bar without facts. */
        public Bar(final long tsNanos, final long endNanos, final int from, final int to, final String label) {
            this(tsNanos, endNanos, from, to, label, null);
        }

        /** The same bar between other lanes. */
        public Bar between(final int newFrom, final int newTo) {
            return new Bar(tsNanos, endNanos, newFrom, newTo, label, media);
        }
    }

    /** What an arrow stands for, as values: read by explanations instead of the label drawn. */
    public sealed interface Facts permits Sip, Rpc {
    }

    /**
     * A SIP message.
     *
     * @param method the request's method, or null for a response
     * @param status the response's status code, or 0 for a request
     * @param cseq the CSeq number, or -1 when it has none
     * @param cseqMethod the CSeq method in upper case, or null
     * @param sdp whether the message carries an SDP body
     * @param headers the names of its headers, in lower case (long forms)
     */
    public record Sip(String method, int status, long cseq, String cseqMethod, boolean sdp, java.util.Set<String> headers)
        implements Facts {
        public Sip {
            headers = java.util.Set.copyOf(headers);
        }
    }

    /**
     * An RPC frame (a Dubbo request, response, heartbeat or event).
     *
     * @param requestId the id that pairs a request with its response
     */
    public record Rpc(long requestId) implements Facts {
    }

    /**
     * A media flow.
     *
     * @param protocol "RTP", "SRTP" or "SRTCP"
     * @param codec the codec's name, or null when not known
     * @param packets packets of the flow
     * @param lost packets lost (expected but not seen), or 0 when not measured
     */
    public record Media(String protocol, String codec, long packets, long lost) {
    }

    /** A remark at a point in time, on one lane or across the ladder (lane -1). */
    public record Note(long tsNanos, int lane, String text) implements Step {
    }
}
