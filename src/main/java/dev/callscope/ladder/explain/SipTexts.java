package dev.callscope.ladder.explain;

import static dev.callscope.ladder.explain.Explainer.previous;
import static dev.callscope.ladder.explain.Explainer.secs;

import dev.callscope.ladder.explain.Explainer.Step;
import dev.callscope.ladder.explain.Explainer.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What SIP requests and responses and the media bars of a call do, why they come when they do, and what is unusual. */
final class SipTexts {
    private SipTexts() {
    }

    // ------------------------------------------------------------------ SIP (RFC 3261, 3262, 3264)

    private static final Map<String, String[]> REQUESTS = Map.ofEntries(
        Map.entry("INVITE", new String[] {"Invites the callee into a session; an SDP body is the caller's offer (media address, port, codecs).",
            "RFC 3261 §13.2.1 (the initial INVITE), §17.1.1 (INVITE client transaction)"}),
        Map.entry("ACK", new String[] {"Confirms the final response to an INVITE; only INVITE is acknowledged (three-way handshake).",
            "RFC 3261 §13.2.2.4 (ACK for 2xx), §17.1.1.3 (ACK for a non-2xx final response)"}),
        Map.entry("BYE", new String[] {"Ends the session; either side may send it inside the dialog. Media stops.",
            "RFC 3261 §15 (terminating a session), §15.1.2 (UAS behaviour)"}),
        Map.entry("CANCEL", new String[] {"Cancels an INVITE that has no final response yet; the callee answers 200 to the CANCEL and 487 to the INVITE.",
            "RFC 3261 §9 (canceling a request)"}),
        Map.entry("PRACK", new String[] {"Acknowledges a reliable provisional response (one carrying RSeq and Require: 100rel).",
            "RFC 3262 §4 (UAC behaviour), §7.2 (RAck)"}),
        Map.entry("UPDATE", new String[] {"Changes session parameters (a new offer) before the INVITE is answered, without a re-INVITE.",
            "RFC 3311 §5"}),
        Map.entry("OPTIONS", new String[] {"Asks a server or user agent what it supports (also used as a keep-alive ping).",
            "RFC 3261 §11"}),
        Map.entry("REGISTER", new String[] {"Binds an address-of-record to a contact address at a registrar.", "RFC 3261 §10"}),
        Map.entry("INFO", new String[] {"Carries application information (e.g. DTMF) inside a dialog.", "RFC 6086"}),
        Map.entry("MESSAGE", new String[] {"An instant message.", "RFC 3428"}),
        Map.entry("REFER", new String[] {"Asks the recipient to contact a third party (call transfer).", "RFC 3515"}),
        Map.entry("SUBSCRIBE", new String[] {"Subscribes to an event package.", "RFC 6665 §4.1"}),
        Map.entry("NOTIFY", new String[] {"Reports the state of a subscribed event.", "RFC 6665 §4.2"}));

    static Text webrtcOrSip(final List<Step> steps, final int i) {
        final Text w = WebrtcTexts.explain(steps.get(i).arrow().label());
        return w != null ? w : sip(steps, i);
    }

    private static Text sip(final List<Step> steps, final int i) {
        final Step s = steps.get(i);
        final List<String> unusual = new ArrayList<>();
        if (s.request()) {
            return sipRequest(steps, i, s, unusual);
        }
        return sipResponse(steps, i, s, unusual);
    }

    private static Text sipRequest(final List<Step> steps, final int i, final Step s, final List<String> unusual) {
        final String m = s.method().toUpperCase(Locale.ROOT);
        final String[] base = REQUESTS.getOrDefault(m, new String[] {"A SIP " + m + " request.", "RFC 3261 §7.1"});
        String what = base[0];
        String spec = base[1];
        String why;
        final Step earlier = previous(steps, i, x -> x.arrow() != null && !x.retransmission());
        if (s.retransmission()) {
            final Step orig = previous(steps, i, x -> x.request() && !x.retransmission() && x.method().equals(s.method())
                && x.from().equals(s.from()));
            why = "The same request again: no response reached the sender in time.";
            unusual.add("Retransmission" + (orig != null ? " of frame " + orig.arrow().frame() + " after " + secs(s.ts() - orig.ts()) : "")
                + ": over UDP a request is resent at T1 = 500 ms, doubling (Timer A/E, RFC 3261 §17.1.1.2, §17.1.2.2) until a response arrives.");
        } else if ("INVITE".equals(m)) {
            final Step challenge = previous(steps, i, x -> x.status() == 401 || x.status() == 407);
            final Step answered = previous(steps, i, x -> x.status() >= 200 && x.status() < 300 && "INVITE".equals(x.cseqMethod()));
            if (challenge != null && (s.header("Authorization") || s.header("Proxy-Authorization"))) {
                what = "The INVITE again, now with credentials: an " + (challenge.status() == 407 ? "Proxy-Authorization" : "Authorization")
                    + " header computed from the challenge's realm and nonce (digest); same Call-ID, CSeq incremented.";
                why = "The previous INVITE was challenged with " + challenge.arrow().label() + " (frame " + challenge.arrow().frame() + ").";
                spec = "RFC 3261 §22.2 (user-to-user authentication), §22.3 (proxy authentication), RFC 8760/2617 (digest)";
            } else if (answered != null) {
                what = "A re-INVITE: modifies the established session (hold, resume, new codec or address) inside the dialog.";
                why = "The call is already up (answered at frame " + answered.arrow().frame() + "); one side wants to change the media.";
                spec = "RFC 3261 §14 (modifying an existing session), RFC 3264 §8 (modifying the session)";
            } else {
                why = "It opens the call: the caller dialled. It starts the INVITE client transaction (Timer A for retransmission, Timer B = 32 s to give up).";
            }
            if (s.sdp()) {
                spec += "; RFC 3264 §5 (generating the offer)";
            }
        } else if ("ACK".equals(m)) {
            final Step fin = previous(steps, i, x -> x.status() >= 200 && "INVITE".equals(x.cseqMethod()) && x.to().equals(s.from()));
            if (fin == null) {
                why = "It acknowledges a final response that is not in this capture.";
                unusual.add("ACK without a final response to an INVITE before it in the capture.");
            } else if (fin.status() >= 300) {
                what = "Acknowledges the non-2xx final response; this ACK belongs to the INVITE transaction (same branch) and goes hop by hop.";
                why = "The INVITE was refused with " + fin.arrow().label() + " (frame " + fin.arrow().frame() + "); the ACK stops its retransmission (Timer G).";
                spec = "RFC 3261 §17.1.1.3 (construction of the ACK request)";
            } else {
                what = "Acknowledges the 2xx: a new transaction sent end to end; with it the dialog is confirmed and media flows both ways.";
                why = "The callee answered with " + fin.arrow().label() + " (frame " + fin.arrow().frame() + ", " + secs(s.ts() - fin.ts())
                    + " earlier); the 200 is retransmitted until this ACK arrives.";
                spec = "RFC 3261 §13.2.2.4 (2xx responses), §13.3.1.4 (the INVITE is accepted)";
            }
        } else if ("BYE".equals(m)) {
            final Step ack = previous(steps, i, x -> "ACK".equals(x.method()) && x.request());
            why = ack != null ? "The call had been up for " + secs(s.ts() - ack.ts()) + " (since the ACK at frame " + ack.arrow().frame()
                + "); " + s.from() + " hung up." : "One side hung up.";
        } else if ("CANCEL".equals(m)) {
            final Step inv = previous(steps, i, x -> x.request() && "INVITE".equals(x.method()));
            why = inv != null ? "The caller gave up while the INVITE of frame " + inv.arrow().frame() + " (" + secs(s.ts() - inv.ts())
                + " earlier) still had no final response." : "The caller gave up before an answer.";
        } else if ("PRACK".equals(m)) {
            final Step rel = previous(steps, i, x -> x.status() > 100 && x.status() < 200 && x.header("RSeq"));
            why = rel != null ? "The provisional response " + rel.arrow().label() + " (frame " + rel.arrow().frame() + ") was sent reliably (RSeq)."
                : "A reliable provisional response came before it.";
        } else {
            why = earlier == null ? "It starts the exchange." : "Sent after " + earlier.arrow().label() + " (frame " + earlier.arrow().frame() + ").";
        }
        if ("INVITE".equals(m) && !s.retransmission()) {
            final boolean finalSeen = steps.stream().skip(i + 1L).anyMatch(x -> x.status() >= 200 && "INVITE".equals(x.cseqMethod())
                && x.to().equals(s.from()));
            if (!finalSeen && steps.stream().skip(i + 1L).noneMatch(x -> x.request() && "INVITE".equals(x.method()))) {
                unusual.add("No final response to this INVITE in the capture (RFC 3261 §17.1.1.2: Timer B fires after 32 s).");
            }
        }
        return new Text(what, why, spec, unusual);
    }

    private static Text sipResponse(final List<Step> steps, final int i, final Step s, final List<String> unusual) {
        final int code = s.status();
        final String method = s.cseqMethod();
        final String cseq = s.cseq();
        final Step req = previous(steps, i, x -> x.request() && !x.retransmission() && x.from().equals(s.to())
            && (cseq == null ? x.method().equals(method) : cseq.equals(x.cseq())));
        String what;
        String spec;
        if (code == 100) {
            what = "Hop-by-hop: the request arrived and is being worked on; it stops the sender's INVITE retransmissions over UDP.";
            spec = "RFC 3261 §8.2.6.1, §17.1.1.2 (Timer A stops), §21.1.1";
        } else if (code == 180) {
            what = "The callee's phone is alerting (ringing); provisional, so the caller keeps waiting for a final response.";
            spec = "RFC 3261 §21.1.2" + (s.header("RSeq") ? "; sent reliably: RFC 3262 §3 (RSeq, acknowledged by PRACK)" : "");
        } else if (code == 183) {
            what = "Session progress, usually with SDP for early media (announcements, ringback tone).";
            spec = "RFC 3261 §21.1.5" + (s.header("RSeq") ? "; RFC 3262 §3 (reliable provisional response)" : "");
        } else if (code > 100 && code < 200) {
            what = "A provisional response: progress information, not an answer.";
            spec = "RFC 3261 §21.1";
        } else if (code >= 200 && code < 300) {
            what = "INVITE".equals(method) ? "The callee answered: the final response that establishes the dialog"
                + (s.sdp() ? "; its SDP is the answer to the offer, so both sides now know where to send media." : ".")
                : "Success: the " + method + " was accepted.";
            spec = "INVITE".equals(method) ? "RFC 3261 §13.3.1.4 (the INVITE is accepted)" + (s.sdp() ? "; RFC 3264 §6 (generating the answer)" : "")
                : "BYE".equals(method) ? "RFC 3261 §15.1.2" : "CANCEL".equals(method) ? "RFC 3261 §9.2" : "RFC 3261 §21.2.1";
        } else if (code == 401 || code == 407) {
            what = "An authentication challenge: " + (code == 401 ? "WWW-Authenticate" : "Proxy-Authenticate")
                + " carries a realm and a nonce; the caller must send the request again with credentials.";
            spec = "RFC 3261 §22.2, §22.3, §21.4.2 (401) / §21.4.8 (407)";
            unusual.add("Auth challenge: the " + method + " is refused until it carries credentials (normal with a registrar or proxy, but it adds a round trip to call setup).");
        } else if (code == 486) {
            what = "Busy Here: the callee is busy; a final failure response.";
            spec = "RFC 3261 §21.4.24";
        } else if (code == 487) {
            what = "Request Terminated: the INVITE was cancelled by a CANCEL.";
            spec = "RFC 3261 §9.2, §21.4.26";
        } else if (code >= 300 && code < 400) {
            what = "A redirection: the callee can be reached elsewhere (Contact).";
            spec = "RFC 3261 §21.3";
        } else if (code >= 600) {
            what = "A global failure: the callee declines everywhere.";
            spec = "RFC 3261 §21.6";
        } else if (code >= 500) {
            what = "A server failure.";
            spec = "RFC 3261 §21.5";
        } else {
            what = "A request failure (final response " + s.arrow().label() + ").";
            spec = "RFC 3261 §21.4";
        }
        String why = req == null ? "It answers a " + method + " that is not in this capture."
            : "It answers the " + method + " of frame " + req.arrow().frame() + " (" + secs(s.ts() - req.ts()) + " later).";
        if (code == 487) {
            final Step cancel = previous(steps, i, x -> x.request() && "CANCEL".equals(x.method()));
            if (cancel != null) {
                why += " The CANCEL of frame " + cancel.arrow().frame() + " ended it.";
            }
        }
        if (s.retransmission()) {
            unusual.add(code >= 200 && code < 300 && "INVITE".equals(method)
                ? "Retransmitted 200 OK: the callee had not received the ACK, so it resends the 2xx at T1, 2*T1, ... up to 64*T1 (RFC 3261 §13.3.1.4)."
                : "Retransmission of this response (RFC 3261 §17.2.1: the server transaction resends its last response when the request is resent).");
        }
        if ("INVITE".equals(method) && code >= 200 && !s.retransmission()) {
            final boolean acked = steps.stream().skip(i + 1L).anyMatch(x -> x.request() && "ACK".equals(x.method()) && x.from().equals(s.to()));
            if (!acked) {
                unusual.add("Missing ACK: no ACK for this final response follows in the capture; the callee keeps resending it (Timer G) "
                    + "and gives up after 64*T1 = 32 s (RFC 3261 §13.3.1.4, §17.2.1).");
            }
            if (code < 300) {
                final Step cancel = previous(steps, i, x -> x.request() && "CANCEL".equals(x.method()));
                if (cancel != null) {
                    unusual.add("Late 200: the answer crossed the CANCEL of frame " + cancel.arrow().frame()
                        + "; the call is set up anyway and the caller must ACK and then BYE it (RFC 3261 §9.1).");
                }
                if (req != null && s.ts() - req.ts() > Explainer.TIMER_B_NANOS) {
                    unusual.add("Late 200: " + secs(s.ts() - req.ts()) + " after the INVITE, past Timer B (64*T1 = 32 s, RFC 3261 §17.1.1.2).");
                }
            }
        }
        return new Text(what, why, spec, unusual);
    }

    // ------------------------------------------------------------------ media (RFC 3550)

    static Text media(final List<Step> steps, final int i) {
        final Step s = steps.get(i);
        final Step answer = previous(steps, i, x -> x.sdp() && !x.request());
        final List<String> unusual = new ArrayList<>();
        if (s.lost() > 0) {
            unusual.add("Packet loss in this stream (lost " + s.lost() + "): the sequence numbers have gaps (RFC 3550 §6.4.1, §A.3).");
        }
        if (answer == null) {
            unusual.add("Media without an SDP answer before it in this ladder.");
        }
        return new Text("An RTP media stream from " + s.from() + " to " + s.to() + " for " + secs(s.bar().endNanos() - s.bar().tsNanos())
            + ": each packet carries a sequence number, a timestamp and an SSRC; jitter and loss are measured from them.",
            answer != null ? "It flows to the address and port the peer's SDP gave; the offer/answer finished at frame " + answer.arrow().frame() + "."
                : "It flows to the address and port announced in SDP.",
            "RFC 3550 §5.1 (RTP header), §6.4.1 (jitter, loss); RFC 3264 §5, §6 (where media is sent)", unusual);
    }
}
