package dev.callscope.flow.rtp;

import dev.callscope.core.Endpoint;
import dev.callscope.core.IpText;
import dev.callscope.flow.sip.SipCall;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;

/**
 * Joins RTP streams with SIP calls by the media endpoints the calls' SDP announced, and judges the
 * media of an answered call: no media at all, or audio one way only.
 */
public final class CallMedia {
    /** What the media of a call looks like. */
    public enum Verdict {
        /** Not an answered call: nothing to judge. */
        NOT_ANSWERED("-"),
        /** Streams both ways. */
        OK("ok"),
        /** Answered, but no RTP packet to or from the announced endpoints. */
        NO_MEDIA("no media"),
        /** Answered, but packets flow one way only (the other way under 5 % of this one). */
        ONE_WAY("one-way audio");

        private final String label;

        Verdict(final String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private CallMedia() {
    }

    /**
     * The endpoint an SDP announces (c= address literal and m= port), or null when it is not a
     * literal address and a valid port: host names are never resolved.
     */
    public static Endpoint announced(final String address, final int port) {
        return endpoint(address, port);
    }

    /** An endpoint from an address literal and a port, or null (host names are never resolved). */
    static Endpoint endpoint(final String address, final int port) {
        String a = address.trim();
        if (a.startsWith("[") && a.endsWith("]")) {
            a = a.substring(1, a.length() - 1);
        }
        if (port <= 0 || port > 65535) {
            return null;
        }
        final byte[] bytes = IpText.parse(a);
        if (bytes == null) {
            return null;
        }
        // an IPv4-mapped IPv6 address ("::ffff:10.0.0.1") is the IPv4 host its packets come from
        return new Endpoint(IpText.isV4Mapped(bytes) ? java.util.Arrays.copyOfRange(bytes, 12, 16) : bytes, port);
    }

    /** "10.0.0.1:6000" or "[2001:db8::1]:6000" to an endpoint, or null. */
    static Endpoint parse(final String text) {
        final int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        try {
            return endpoint(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Streams sent to or from any of {@code mediaEndpoints} ("ip:port" strings), in index order. */
    public static List<RtpStream> streamsFor(final Collection<String> mediaEndpoints, final Collection<RtpStream> streams) {
        final Set<Endpoint> eps = new HashSet<>();
        for (final String s : mediaEndpoints) {
            final Endpoint e = parse(s);
            if (e != null) {
                eps.add(e);
            }
        }
        final List<RtpStream> out = new ArrayList<>();
        if (eps.isEmpty()) {
            return out;
        }
        for (final RtpStream s : streams) {
            if (eps.contains(s.src()) || eps.contains(s.dst())) {
                out.add(s);
            }
        }
        out.sort(java.util.Comparator.comparingInt(RtpStream::index));
        return out;
    }

    /** A stream may start this long before its call's first message (clock skew between capture points). */
    static final long EARLY_NANOS = 1_000_000_000L;

    /**
     * The streams of a call: those whose addresses the call's SDP announced when they began (see
     * {@link RtpStream#callIds()}), starting no earlier than the call's first message (less {@link
     * #EARLY_NANOS}) and, once a BYE was seen, no later than the BYE.
     */
    public static List<RtpStream> streamsOf(final SipCall call, final RtpStreamTracker rtp) {
        return window(call, rtp.streamsOfCall(call.callId()));
    }

    /** As {@link #streamsOf(SipCall, RtpStreamTracker)}, from an index made by {@link #byCall}. */
    public static List<RtpStream> streamsOf(final SipCall call, final Map<String, List<RtpStream>> byCall) {
        return window(call, byCall.getOrDefault(call.callId(), List.of()));
    }

    /** Streams by the Call-IDs that own them, each list in index order. */
    public static Map<String, List<RtpStream>> byCall(final Collection<RtpStream> streams) {
        final Map<String, List<RtpStream>> m = new HashMap<>();
        for (final RtpStream s : streams) {
            for (final String id : s.callIds()) {
                m.computeIfAbsent(id, k -> new ArrayList<>(2)).add(s);
            }
        }
        m.values().forEach(l -> l.sort(java.util.Comparator.comparingInt(RtpStream::index)));
        return m;
    }

    private static List<RtpStream> window(final SipCall call, final List<RtpStream> owned) {
        final List<RtpStream> out = new ArrayList<>(owned.size());
        for (final RtpStream s : owned) {
            if (s.startNanos() >= call.startNanos() - EARLY_NANOS && (call.byeNanos() < 0 || s.startNanos() <= call.byeNanos())) {
                out.add(s);
            }
        }
        return out;
    }

    /** One direction with fewer packets than this share of the other's counts as none. */
    static final double ONE_WAY_SHARE = 0.05;

    /** Judges the media of a call from its streams (only answered calls are judged). */
    public static Verdict verdict(final SipCall call, final List<RtpStream> callStreams) {
        if (call.answerNanos() < 0) {
            return Verdict.NOT_ANSWERED;
        }
        final List<RtpStream> live = callStreams.stream().filter(s -> s.packets() > 0).toList();
        if (live.isEmpty()) {
            return Verdict.NO_MEDIA;
        }
        // packets each way between two hosts; media flows both ways when some pair of hosts has both
        // directions, neither under ONE_WAY_SHARE of the other
        final Map<String, long[]> ways = new HashMap<>();
        for (final RtpStream s : live) {
            final String a = s.src().host();
            final String b = s.dst().host();
            final boolean forward = a.compareTo(b) <= 0;
            final long[] n = ways.computeIfAbsent(forward ? a + " " + b : b + " " + a, k -> new long[2]);
            n[forward ? 0 : 1] += s.packets();
        }
        for (final long[] n : ways.values()) {
            if (n[0] > 0 && n[1] > 0 && n[0] >= ONE_WAY_SHARE * n[1] && n[1] >= ONE_WAY_SHARE * n[0]) {
                return Verdict.OK;
            }
        }
        return Verdict.ONE_WAY;
    }
}
