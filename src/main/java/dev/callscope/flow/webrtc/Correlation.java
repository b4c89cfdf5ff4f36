package dev.callscope.flow.webrtc;

import dev.callscope.core.Endpoint;
import dev.callscope.dissect.sdp.SdpBody;
import java.util.List;
import java.util.Map;

/**
 * Matches a session's wire facts to the signalling (RFC 8839 ICE, RFC 8842 DTLS in SDP): each
 * side's ICE ufrag (STUN USERNAME) to an SDP's a=ice-ufrag, each certificate's SHA-256 to that
 * SDP's a=fingerprint, and the DTLS client to a=setup (active, or actpass facing passive).
 */
final class Correlation {
    private Correlation() {
    }

    /** What one SDP says about ICE and DTLS (session level, else the first media section saying it). */
    record Said(String ufrag, String fingerprint, String setup, String source) {
        static Said of(final SdpBody b, final String source) {
            String ufrag = b.iceUfrag();
            String fp = b.fingerprint() == null ? null : b.fingerprint().value();
            String setup = b.setup();
            for (final SdpBody.Media m : b.media()) {
                ufrag = ufrag != null ? ufrag : m.iceUfrag();
                fp = fp != null ? fp : m.fingerprint() == null ? null : m.fingerprint().value();
                setup = setup != null ? setup : m.setup();
            }
            return new Said(ufrag, fp, setup, source);
        }
    }

    static void correlate(final WebrtcSession s, final List<SdpBody> sdps) {
        correlate(s, sdps, List.of());
    }

    /** @param sources where each SDP came from, index for index (may be shorter: unknown) */
    static void correlate(final WebrtcSession s, final List<SdpBody> sdps, final List<String> sources) {
        if (sdps.isEmpty()) {
            return;
        }
        final List<Said> said = new java.util.ArrayList<>();
        for (int i = 0; i < sdps.size(); i++) {
            final Said x = Said.of(sdps.get(i), i < sources.size() ? sources.get(i) : null);
            if (x.ufrag() != null || x.fingerprint() != null) {
                said.add(x);
            }
        }
        if (said.isEmpty()) {
            return;
        }
        if (s.ufragA != null) {
            // only sessions whose ufrags some SDP names are judged: other sessions belong to other calls
            final boolean ours = said.stream().anyMatch(x -> s.ufragA.equals(x.ufrag()) || s.ufragB.equals(x.ufrag()));
            if (!ours) {
                s.sdpMismatches.add("ice-ufrag " + s.ufragA + " and " + s.ufragB + " on the wire are in no SDP");
                return;
            }
            for (final String u : new String[] {s.ufragA, s.ufragB}) {
                final Said m = said.stream().filter(x -> u.equals(x.ufrag())).findFirst().orElse(null);
                if (m != null) {
                    s.sdpMatches.add("ice-ufrag " + u + " matches the SDP" + from(m));
                } else {
                    s.sdpMismatches.add("ice-ufrag " + u + " on the wire is in no SDP");
                }
            }
        }
        final WebrtcSession.Dtls d = s.dtls;
        Boolean all = null;
        for (final Map.Entry<Endpoint, String> f : d.fingerprints.entrySet()) {
            final Said mine = forEndpoint(s, f.getKey(), said);
            final boolean ok = mine != null && mine.fingerprint() != null
                ? mine.fingerprint().equalsIgnoreCase(f.getValue())
                : said.stream().anyMatch(x -> f.getValue().equalsIgnoreCase(x.fingerprint()));
            if (ok) {
                s.sdpMatches.add("certificate of " + f.getKey() + " matches a=fingerprint"
                    + (mine != null && mine.fingerprint() != null ? from(mine) : ""));
            } else {
                s.sdpMismatches.add("certificate of " + f.getKey() + " has sha-256 " + f.getValue() + ", SDP says "
                    + (mine == null || mine.fingerprint() == null ? "none of its fingerprints" : mine.fingerprint() + from(mine)));
            }
            all = (all == null || all) && ok;
        }
        d.fingerprintsMatchSdp = all;
        if (d.client != null && d.server != null) {
            final Said c = forEndpoint(s, d.client, said);
            final Said sv = forEndpoint(s, d.server, said);
            if (c != null && c.setup() != null) {
                final boolean ok = "active".equals(c.setup())
                    || "actpass".equals(c.setup()) && sv != null && "passive".equals(sv.setup());
                if (ok) {
                    s.sdpMatches.add("DTLS client " + d.client + " agrees with a=setup:" + c.setup() + from(c));
                } else {
                    s.sdpMismatches.add("DTLS client is " + d.client + " but its SDP" + from(c) + " says a=setup:" + c.setup()
                        + (sv != null && sv.setup() != null ? " and the other side's a=setup:" + sv.setup() : ""));
                }
            }
        }
    }

    /** " from websocket frame 7 message 2 (offer)", or "" when the source is not known. */
    private static String from(final Said x) {
        return x.source() == null ? "" : " from " + x.source();
    }

    private static Said forEndpoint(final WebrtcSession s, final Endpoint e, final List<Said> said) {
        final String u = s.ufragOf.get(e);
        if (u == null) {
            return null;
        }
        return said.stream().filter(x -> u.equals(x.ufrag())).findFirst().orElse(null);
    }
}
