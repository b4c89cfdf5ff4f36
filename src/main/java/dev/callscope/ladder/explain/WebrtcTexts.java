package dev.callscope.ladder.explain;

import static dev.callscope.ladder.explain.Explainer.secs;

import dev.callscope.ladder.Ladder;
import dev.callscope.ladder.explain.Explainer.Step;
import dev.callscope.ladder.explain.Explainer.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** STUN, ICE and DTLS texts, used when a ladder (WebRTC) draws such messages. */
final class WebrtcTexts {
    private WebrtcTexts() {
    }

    static Text explain(final String label) {
        final String l = label.toLowerCase(Locale.ROOT);
        if (l.startsWith("binding request")) {
            return new Text("A STUN Binding request: an ICE connectivity check on one candidate pair (USERNAME, MESSAGE-INTEGRITY, PRIORITY).",
                "ICE checks every candidate pair to find one that works.", "RFC 8489 §6 (STUN), RFC 8445 §7.2 (connectivity checks)", List.of());
        }
        if (l.startsWith("binding success")) {
            return new Text("STUN Binding success: the check worked; XOR-MAPPED-ADDRESS tells the sender its address as seen by the peer.",
                "It answers the Binding request with the same transaction id.", "RFC 8489 §6.3.1, §14.2; RFC 8445 §7.2.5", List.of());
        }
        if (l.startsWith("binding error")) {
            return new Text("STUN Binding error (e.g. 487 Role Conflict, 401 Unauthorized).", "The check was refused.",
                "RFC 8489 §14.8; RFC 8445 §7.3.1.1 (role conflict)", List.of("A failed connectivity check."));
        }
        if (l.startsWith("clienthello")) {
            return new Text("DTLS ClientHello: starts the handshake that derives the SRTP keys (DTLS-SRTP).",
                "ICE found a working pair; the DTLS client (a=setup:active) begins.", "RFC 6347 §4.2 / RFC 9147 §5; RFC 5764", List.of());
        }
        if (l.startsWith("serverhello")) {
            return new Text("DTLS ServerHello (with certificate and key exchange): the server's half of the handshake.",
                "It answers the ClientHello.", "RFC 6347 §4.2 / RFC 9147 §5", List.of());
        }
        return null;
    }

    /** A step of a WebRTC ladder: STUN checks collapsed per candidate pair, DTLS handshake messages. */
    static Text message(final Ladder.Arrow a) {
        final String label = a.label();
        final List<String> unusual = new ArrayList<>();
        if (a.flagged("retransmission")) {
            unusual.add("Sent again: the peer's answer did not arrive in time (DTLS retransmission timer, RFC 6347 §4.2.4).");
        }
        if (a.flagged("error")) {
            unusual.add("Some checks on this pair failed (an error response such as 487 Role Conflict, RFC 8445 §7.3.1.1).");
        }
        if (label.startsWith("STUN Binding")) {
            final boolean nominated = label.contains("NOMINATED");
            return new Text("ICE connectivity checks on one candidate pair (STUN Binding requests and their success responses, "
                + "collapsed into one arrow" + (nominated ? "); this pair was nominated: a successful check carried USE-CANDIDATE, "
                + "so media will flow on it, and consent checks keep it alive" : ")") + ".",
                nominated ? "The controlling agent nominates the best pair that passed its checks."
                    : "Each agent checks every candidate pair it has, in priority order, to find one that works.",
                nominated ? "RFC 8445 §7.2.5.3.1, §8.1 (nomination); RFC 7675 (consent freshness); RFC 8489 §14 (attributes)"
                    : "RFC 8445 §7.2 (connectivity checks); RFC 8489 §6 (STUN transactions)", unusual);
        }
        final String m = label.startsWith("DTLS ") ? label.substring(5) : label;
        if (m.startsWith("ClientHello") || m.startsWith("ServerHello")) {
            final Text t = explain(m);
            return new Text(t.what(), t.why(), t.spec(), unusual);
        }
        if (m.startsWith("HelloVerifyRequest")) {
            return new Text("DTLS HelloVerifyRequest: the server asks the client to repeat its ClientHello with this cookie.",
                "Proves the client owns its address before the server spends work (denial-of-service protection).",
                "RFC 6347 §4.2.1", unusual);
        }
        if (m.startsWith("Certificate")) {
            return new Text("DTLS Certificate: the sender's self-signed certificate; its SHA-256 fingerprint must equal the "
                + "a=fingerprint of its SDP.", "This is how WebRTC authenticates the peer without a CA.",
                "RFC 5763 §5; RFC 8122 §5 (fingerprint)", unusual);
        }
        if (m.startsWith("EncryptedHandshake")) {
            return new Text("DTLS 1.3 encrypted handshake messages (EncryptedExtensions, Certificate, CertificateVerify, "
                + "Finished): after the ServerHello the rest of the handshake is encrypted.",
                "DTLS 1.3 protects the handshake after the key exchange; the certificate and the use_srtp choice are not visible.",
                "RFC 9147 §5, §4; RFC 8446 §2", unusual);
        }
        if (m.startsWith("ChangeCipherSpec") || m.startsWith("Finished")) {
            return new Text("DTLS " + m + ": from here the sender encrypts with the negotiated keys.",
                "The handshake is ending; the SRTP keys are exported from it (RFC 5764 §4.2).", "RFC 6347 §4.2; RFC 5764", unusual);
        }
        if (m.startsWith("Alert")) {
            unusual.add("A DTLS alert: the handshake or the session was ended or failed.");
            return new Text("DTLS " + m + ".", "One side signals an error or a close.", "RFC 6347 §4.1; RFC 8446 §6", unusual);
        }
        return new Text("DTLS " + m + ": a handshake message of the DTLS-SRTP key exchange.",
            "DTLS runs over the pair ICE selected and keys SRTP.", "RFC 6347 / RFC 9147; RFC 5764", unusual);
    }

    /** An SRTP or SRTCP stream bar of a WebRTC ladder. */
    static Text srtp(final Step s) {
        final boolean rtcp = "SRTCP".equals(s.mediaProtocol());
        return new Text((rtcp ? "SRTCP (RTCP reports, encrypted)" : "SRTP media (encrypted RTP)") + " from " + s.from() + " to " + s.to()
            + " for " + secs(s.bar().endNanos() - s.bar().tsNanos()) + ": the headers are in the clear (SSRC, sequence, timestamp), "
            + "the payload is not.", "It uses the keys the DTLS handshake exported, on the ICE pair that was nominated.",
            "RFC 3711 (SRTP); RFC 5764 (DTLS-SRTP); RFC 7983 (demultiplexing on one port)", List.of());
    }
}
