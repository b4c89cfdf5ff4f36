package dev.callscope.verify;

import dev.callscope.flow.webrtc.Signalling;
import dev.callscope.flow.webrtc.WebrtcSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The WebRTC assertions, checked against the sessions the WebRTC tracker rebuilt: a nominated ICE
 * pair, a completed DTLS handshake, a negotiated use_srtp profile, SRTP in both directions, SDP
 * fingerprints equal to the certificates. A check passes when at least one session satisfies it.
 */
public final class WebrtcChecks implements Verifier.WebrtcChecker {
    /** The checks a spec may name, in the order they are reported. */
    public static final List<String> CHECKS = List.of("nominated_pair", "dtls_completed", "use_srtp", "srtp_both_ways",
        "fingerprints_match_sdp");

    private final List<WebrtcSession> sessions;
    private final Signalling signalling;

    public WebrtcChecks(final List<WebrtcSession> sessions) {
        this(sessions, null);
    }

    /** With the signalling view, for the room checks. */
    public WebrtcChecks(final List<WebrtcSession> sessions, final Signalling signalling) {
        this.sessions = List.copyOf(sessions);
        this.signalling = signalling;
    }

    @Override
    public Check.Outcome check(final VerifySpec.WebrtcRule rule) {
        if (rule.check().startsWith("room_") || rule.check().equals("max_reconnect_s")) {
            return room(rule);
        }
        if (sessions.isEmpty()) {
            return new Check.Outcome(false, "no WebRTC session (no STUN or DTLS on an ICE 5-tuple) in the capture");
        }
        final List<String> seen = new ArrayList<>();
        for (final WebrtcSession s : sessions) {
            final String why = failure(rule.check(), s);
            if (why == null) {
                return new Check.Outcome(true, "session " + s.index() + ": " + success(rule.check(), s));
            }
            seen.add("session " + s.index() + ": " + why);
        }
        return new Check.Outcome(false, String.join("; ", seen));
    }

    /** Why a session fails a check, or null when it passes. */
    private static String failure(final String check, final WebrtcSession s) {
        final WebrtcSession.Dtls d = s.dtls();
        switch (check) {
            case "nominated_pair":
                return s.nominated() != null ? null : "no ICE pair was nominated (" + s.pairs().size() + " pair(s) checked)";
            case "dtls_completed":
                if (!d.seen()) {
                    return "no DTLS handshake";
                }
                // both sides sent Finished, or (DTLS 1.3 / 1.2 after CCS) application data flowed encrypted
                return d.encryptedRecords() > 0 || d.encryptedHandshake() ? null : "the DTLS handshake did not reach encrypted data";
            case "use_srtp":
                if (!d.seen()) {
                    return "no DTLS handshake";
                }
                if (d.srtpProfile() > 0) {
                    return null;
                }
                return d.encryptedHandshake() && !d.offeredSrtpProfiles().isEmpty() ? null
                    : "no use_srtp profile negotiated";
            case "srtp_both_ways": {
                long ab = 0;
                long ba = 0;
                for (final WebrtcSession.SrtpStream st : s.srtpStreams()) {
                    if (st.rtcp()) {
                        continue;
                    }
                    if (st.src().compareTo(st.dst()) < 0) {
                        ab += st.packets();
                    } else {
                        ba += st.packets();
                    }
                }
                return ab > 0 && ba > 0 ? null : "SRTP packets one way " + ab + ", the other " + ba;
            }
            case "fingerprints_match_sdp": {
                final Boolean match = d.fingerprintsMatchSdp();
                if (match == null) {
                    return "no SDP fingerprint and certificate to compare (give --sdp, or SIP with SDP in the capture; "
                        + "a DTLS 1.3 certificate is encrypted)";
                }
                return match ? null : "mismatch: " + String.join(", ", s.sdpMismatches());
            }
            default:
                return "unknown check '" + check + "'";
        }
    }

    /** The room checks: against each room (or the one named), and every client for reconnects. */
    private Check.Outcome room(final VerifySpec.WebrtcRule rule) {
        if (rule.check().equals("max_reconnect_s")) {
            if (signalling == null || signalling.clients().isEmpty()) {
                return new Check.Outcome(false, "no signalling connection over WebSocket in the capture");
            }
            final List<String> over = new ArrayList<>();
            double longest = 0;
            for (final Signalling.Client c : signalling.clients()) {
                for (final Signalling.Outage o : c.outages()) {
                    final double s = Double.isNaN(o.seconds()) ? Double.POSITIVE_INFINITY : o.seconds();
                    longest = Math.max(longest, s);
                    if (s > rule.limit()) {
                        over.add(String.format(Locale.ROOT, "%s without signalling %s", c.id(),
                            Double.isInfinite(s) ? "until the end (never reconnected)" : String.format(Locale.ROOT, "%.3f s", s)));
                    }
                }
            }
            return over.isEmpty()
                ? new Check.Outcome(true, String.format(Locale.ROOT, "longest outage %.3f s", longest))
                : new Check.Outcome(false, String.join("; ", over));
        }
        final List<Signalling.Room> rooms = signalling == null ? List.of()
            : signalling.rooms().stream().filter(r -> rule.room() == null || r.id().equals(rule.room())).toList();
        if (rooms.isEmpty()) {
            return new Check.Outcome(false, rule.room() == null ? "no room in the signalling (join messages with a room)"
                : "no room '" + rule.room() + "' in the signalling");
        }
        final List<String> bad = new ArrayList<>();
        for (final Signalling.Room r : rooms) {
            if (rule.check().equals("room_members")) {
                final java.util.Set<String> got = new java.util.TreeSet<>();
                r.members().forEach(m -> got.add(m.name()));
                if (!got.equals(new java.util.TreeSet<>(rule.members()))) {
                    bad.add("room " + r.id() + " had " + got + ", expected " + new java.util.TreeSet<>(rule.members()));
                }
            } else {
                for (final Signalling.Link l : r.mesh()) {
                    if (!l.connected()) {
                        bad.add("room " + r.id() + ": " + l.a() + " and " + l.b()
                            + (l.session() == null ? " negotiated no session" : " never connected (session " + l.session().index() + ")"));
                    }
                }
            }
        }
        if (!bad.isEmpty()) {
            return new Check.Outcome(false, String.join("; ", bad));
        }
        final StringBuilder ok = new StringBuilder();
        for (final Signalling.Room r : rooms) {
            ok.append(ok.length() > 0 ? "; " : "").append("room ").append(r.id()).append(": ").append(r.members().size())
                .append(" members").append(rule.check().equals("room_all_connected") ? ", " + r.mesh().size() + " links connected" : "");
        }
        return new Check.Outcome(true, ok.toString());
    }

    private static String success(final String check, final WebrtcSession s) {
        switch (check) {
            case "nominated_pair":
                return "nominated " + s.nominated().local() + " <-> " + s.nominated().remote();
            case "srtp_both_ways":
                return s.srtpPackets() + " SRTP packets, both ways";
            default:
                return check.replace('_', ' ').toLowerCase(Locale.ROOT);
        }
    }
}
