package dev.callscope.verify;

import java.util.List;
import java.util.Map;

/**
 * What a capture must show: the model of a call-flow spec (YAML or JSON, read by
 * {@code output.SpecReader}). Every field that is null (or empty) is not checked.
 *
 * <p>WebRTC: the spec format reserves a {@code webrtc} section (pair nominated, DTLS handshake with
 * use_srtp, SRTP both ways, SDP fingerprints matching the certificates). No WebRTC tracker exists
 * in this build, so the reader rejects that section with its position; the extension point is a
 * {@link WebrtcRule} list here and a {@link Verifier.WebrtcChecker} given to the {@link Verifier}.
 *
 * @param name the suite name (a JUnit testsuite), defaults to the spec file's name
 * @param sip rules about SIP calls, checked in order
 * @param dubbo rules about Apache Dubbo, or null
 * @param webrtc rules about WebRTC sessions (extension point, see above)
 */
public record VerifySpec(String name, List<SipRule> sip, DubboRule dubbo, List<WebrtcRule> webrtc) {
    public VerifySpec {
        sip = List.copyOf(sip);
        webrtc = List.copyOf(webrtc);
    }

    /** A closed range; either bound may be null (unbounded). */
    public record Range(Double min, Double max) {
        public boolean contains(final double v) {
            return (min == null || v >= min) && (max == null || v <= max);
        }

        @Override
        public String toString() {
            if (min != null && max != null) {
                return fmt(min) + ".." + fmt(max);
            }
            return min != null ? ">= " + fmt(min) : "<= " + fmt(max);
        }

        static String fmt(final double v) {
            return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
        }
    }

    /**
     * Which calls a rule applies to: every regex must be found in its field (null: any).
     *
     * @param method the dialog's method ("INVITE", "REGISTER"), a regex
     */
    public record CallMatch(String from, String to, String callId, String userAgent, String method) {
        public static final CallMatch ANY = new CallMatch(null, null, null, null, null);
    }

    /**
     * Timing budgets of a call.
     *
     * @param postDialDelayMs INVITE to first 180/183
     * @param setupTimeMs INVITE to 200 OK
     * @param ringTimeMs first 180/183 to the answer
     * @param durationSeconds answer to BYE
     */
    public record Timing(Range postDialDelayMs, Range setupTimeMs, Range ringTimeMs, Range durationSeconds) {
    }

    /**
     * Media of a call (the RTP streams to and from its SDP endpoints).
     *
     * @param bothWays streams flow in both directions
     * @param codec every stream's main codec starts with this name ("PCMA", "opus"), case-insensitive
     * @param maxLossPercent every stream's loss at most this
     * @param maxJitterMs every stream's maximum jitter at most this
     * @param minMos every stream's estimated MOS at least this
     * @param dtmf the DTMF digits of the call, in order ("123#")
     */
    public record Media(Boolean bothWays, String codec, Double maxLossPercent, Double maxJitterMs, Double minMos,
                        String dtmf) {
    }

    /**
     * A rule about SIP calls.
     *
     * @param name a name for the report
     * @param match which calls
     * @param count exactly this many calls must match; null means "every call" (at least one)
     * @param participants name to endpoint regex ("10.0.0.1:5060", "10\\.0\\.0\\.1"), for sequence
     *     items such as {@code "uac->uas INVITE"}
     * @param sequence the expected messages (without retransmissions), or null
     * @param maxRetransmissions at most this many retransmitted messages, or null (tolerated)
     * @param state the call state at the end ("COMPLETED", "BUSY"), or null
     */
    public record SipRule(String name, CallMatch match, Integer count, Map<String, String> participants,
                          SequencePattern sequence, Integer maxRetransmissions, String state, Timing timing,
                          Media media) {
        public SipRule {
            participants = participants == null ? Map.of() : Map.copyOf(participants);
        }
    }

    /**
     * Calls to one Dubbo service#method.
     *
     * @param method "service#method"; a service may be given by its simple name ("GreetingService#sayHello")
     * @param calls exactly this many requests, or null
     * @param statuses every response's status is one of these ("OK"), or empty
     * @param noUnanswered no request of this method went unanswered
     * @param latencyMs quantile ("p50", "p99", "max") to its budget in ms
     * @param noLate no call of this method was answered after the consumer's deadline
     */
    public record DubboMethodRule(String method, Integer calls, List<String> statuses, boolean noUnanswered,
                                  Map<String, Double> latencyMs, boolean noLate) {
        public DubboMethodRule {
            statuses = List.copyOf(statuses);
            latencyMs = Map.copyOf(latencyMs);
        }
    }

    /**
     * Rules about Apache Dubbo traffic.
     *
     * @param noUnanswered no request at all went unanswered
     * @param heartbeatsPresent at least one heartbeat was seen
     * @param noMissedHeartbeats no connection missed a heartbeat
     * @param noLate no call answered after the consumer's deadline
     * @param noPayloadOverLimit no request or response over Dubbo's payload limit
     * @param noReconnects no connection was a reconnect
     */
    public record DubboRule(List<DubboMethodRule> methods, boolean noUnanswered, boolean heartbeatsPresent,
                            boolean noMissedHeartbeats, boolean noLate, boolean noPayloadOverLimit, boolean noReconnects) {
        public DubboRule {
            methods = List.copyOf(methods);
        }
    }

    /**
     * A WebRTC expectation (extension point; see the class comment).
     *
     * @param check "nominated_pair", "dtls_completed", "use_srtp", "srtp_both_ways", "fingerprints_match_sdp",
     *     or a room check: "room_members", "room_all_connected", "max_reconnect_s"
     * @param room the room a room check is about, null for every room
     * @param members the members "room_members" expects (exactly these joined)
     * @param limit the seconds "max_reconnect_s" allows
     */
    public record WebrtcRule(String name, String check, String room, List<String> members, double limit) {
        public WebrtcRule {
            members = members == null ? List.of() : List.copyOf(members);
        }

        /** A session check. */
        public WebrtcRule(final String name, final String check) {
            this(name, check, null, List.of(), 0);
        }
    }
}
