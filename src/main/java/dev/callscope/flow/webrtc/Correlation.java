package dev.callscope.flow.webrtc;

import dev.callscope.core.Endpoint;
import dev.callscope.dissect.sdp.SdpBody;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    /**
     * What all the SDPs say, indexed once for every session: the first SDP naming each ufrag, and
     * every fingerprint (in {@link #caseless} form).
     */
    static final class Index {
        private final Map<String, Said> byUfrag = new HashMap<>();
        private final Set<String> fingerprints = new HashSet<>();
        private final boolean empty;

        /** @param sources where each SDP came from, index for index (may be shorter: unknown) */
        Index(final List<SdpBody> sdps, final List<String> sources) {
            boolean any = false;
            for (int i = 0; i < sdps.size(); i++) {
                final Said x = Said.of(sdps.get(i), i < sources.size() ? sources.get(i) : null);
                if (x.ufrag() != null || x.fingerprint() != null) {
                    any = true;
                    if (x.ufrag() != null) {
                        byUfrag.putIfAbsent(x.ufrag(), x);
                    }
                    if (x.fingerprint() != null) {
                        fingerprints.add(caseless(x.fingerprint()));
                    }
                }
            }
            this.empty = !any;
        }

        /** The first SDP giving ufrag {@code u}, or null. */
        Said ufrag(final String u) {
            return byUfrag.get(u);
        }

        /** Whether some SDP gives this fingerprint, ignoring case as {@link String#equalsIgnoreCase} does. */
        boolean fingerprint(final String f) {
            return fingerprints.contains(caseless(f));
        }
    }

    /**
     * The form two strings share exactly when {@link String#equalsIgnoreCase} holds: it takes two
     * characters (code points) as equal when their {@code toUpperCase}, or the {@code toLowerCase}
     * of those, are.
     */
    static String caseless(final String s) {
        final StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> b.appendCodePoint(Character.toLowerCase(Character.toUpperCase(c))));
        return b.toString();
    }

    static void correlate(final WebrtcSession s, final List<SdpBody> sdps) {
        correlate(s, sdps, List.of());
    }

    /** @param sources where each SDP came from, index for index (may be shorter: unknown) */
    static void correlate(final WebrtcSession s, final List<SdpBody> sdps, final List<String> sources) {
        if (sdps.isEmpty()) {
            return;
        }
        correlate(s, new Index(sdps, sources));
    }

    /** Judges one session against SDPs indexed once for all sessions. */
    static void correlate(final WebrtcSession s, final Index said) {
        if (said.empty) {
            return;
        }
        if (s.ufragA != null) {
            // only sessions whose ufrags some SDP names are judged: other sessions belong to other calls
            final boolean ours = said.ufrag(s.ufragA) != null || said.ufrag(s.ufragB) != null;
            if (!ours) {
                s.sdpMismatches.add("ice-ufrag " + s.ufragA + " and " + s.ufragB + " on the wire are in no SDP");
                return;
            }
            for (final String u : new String[] {s.ufragA, s.ufragB}) {
                final Said m = said.ufrag(u);
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
                : said.fingerprint(f.getValue());
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

    private static Said forEndpoint(final WebrtcSession s, final Endpoint e, final Index said) {
        final String u = s.ufragOf.get(e);
        if (u == null) {
            return null;
        }
        return said.ufrag(u);
    }
}
