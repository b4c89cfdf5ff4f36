package dev.callscope.flow.rtp;

import dev.callscope.core.Endpoint;
import dev.callscope.flow.sip.SipCall;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
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
        /** Answered, but packets flow one way only. */
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

    /** An endpoint from an address literal and a port, or null (host names are never resolved). */
    static Endpoint endpoint(final String address, final int port) {
        String a = address.trim();
        if (a.startsWith("[") && a.endsWith("]")) {
            a = a.substring(1, a.length() - 1);
        }
        if (a.isEmpty() || !a.matches("[0-9A-Fa-f:.]+") || port <= 0 || port > 65535) {
            return null;
        }
        try {
            return new Endpoint(InetAddress.getByName(a).getAddress(), port);
        } catch (UnknownHostException | IllegalArgumentException e) {
            return null;
        }
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
     * The streams of a call: to or from its SDP endpoints, starting no earlier than the call's first
     * message (less {@link #EARLY_NANOS}) and, once a BYE was seen, no later than the BYE (media
     * endpoints are often reused by the next call).
     */
    public static List<RtpStream> streamsOf(final SipCall call, final Collection<RtpStream> streams) {
        final List<RtpStream> out = new ArrayList<>();
        for (final RtpStream s : streamsFor(call.mediaEndpoints(), streams)) {
            if (s.startNanos() >= call.startNanos() - EARLY_NANOS && (call.byeNanos() < 0 || s.startNanos() <= call.byeNanos())) {
                out.add(s);
            }
        }
        return out;
    }

    /** Judges the media of a call from its streams (only answered calls are judged). */
    public static Verdict verdict(final SipCall call, final List<RtpStream> callStreams) {
        if (call.answerNanos() < 0) {
            return Verdict.NOT_ANSWERED;
        }
        final List<RtpStream> live = callStreams.stream().filter(s -> s.packets() > 0).toList();
        if (live.isEmpty()) {
            return Verdict.NO_MEDIA;
        }
        for (final RtpStream a : live) {
            for (final RtpStream b : live) {
                if (a != b && a.src().host().equals(b.dst().host()) && a.dst().host().equals(b.src().host())) {
                    return Verdict.OK;
                }
            }
        }
        return Verdict.ONE_WAY;
    }
}
