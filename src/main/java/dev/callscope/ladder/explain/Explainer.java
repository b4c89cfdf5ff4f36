package dev.callscope.ladder.explain;

import dev.callscope.core.Timestamps;
import dev.callscope.ladder.Ladder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Annotates a {@link Ladder} message by message for teaching: what each message does, why it comes
 * now, the RFC section (or Dubbo rule) behind it, and what is unusual in this capture. Works on the
 * ladder model only (arrows, their flags and the full SIP text), so it explains whatever the ladder
 * builders draw; pure and deterministic.
 */
public final class Explainer {
    /** RFC 3261 §17.1.1.2 Timer B: an INVITE transaction gives up after 64*T1. */
    static final long TIMER_B_NANOS = 32_000_000_000L;
    /** Dubbo closes (server) or reconnects (client) after three heartbeat periods without reads. */
    static final int MISSED_HEARTBEAT_FACTOR = 3;


    private Explainer() {
    }

    /** Explanations for every arrow and media bar of the ladder, in ladder order. */
    public static List<Explanation> explain(final Ladder ladder) {
        final List<Step> steps = new ArrayList<>();
        for (final Ladder.Step s : ladder.steps()) {
            if (s instanceof Ladder.Arrow a) {
                steps.add(new Step(a, null, lane(ladder, a.from()), lane(ladder, a.to())));
            } else if (s instanceof Ladder.Bar b) {
                steps.add(new Step(null, b, lane(ladder, b.from()), lane(ladder, b.to())));
            }
        }
        final boolean dubbo = ladder.kind() == Ladder.Kind.DUBBO;
        final boolean triple = ladder.kind() == Ladder.Kind.TRIPLE;
        final boolean webrtc = ladder.kind() == Ladder.Kind.WEBRTC;
        final List<Explanation> out = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            final Step s = steps.get(i);
            final Text t = s.bar != null ? (webrtc ? WebrtcTexts.srtp(s) : media(steps, i)) : dubbo ? dubbo(steps, i)
                : triple ? triple(s)
                : webrtc ? WebrtcTexts.message(s.arrow) : webrtcOrSip(steps, i);
            out.add(new Explanation(i + 1, s.bar != null ? 0 : s.arrow.frame(), s.ts(), s.from, s.to,
                s.bar != null ? s.bar.label() : s.arrow.label(), t.what, t.why, t.spec, t.unusual));
        }
        return out;
    }

    /** A lab-handout rendering: the ladder's title, then one paragraph per message. */
    public static String text(final Ladder ladder, final List<Explanation> explanations) {
        final StringBuilder sb = new StringBuilder();
        sb.append(ladder.title()).append('\n');
        for (final Explanation e : explanations) {
            sb.append('\n').append(format(e));
        }
        final long unusual = explanations.stream().mapToLong(e -> e.unusual().size()).sum();
        sb.append('\n').append(unusual == 0 ? "Nothing unusual in this exchange.\n"
            : unusual + " unusual thing" + (unusual == 1 ? "" : "s") + " in this exchange (marked !).\n");
        return sb.toString();
    }

    /** One explanation as a paragraph. */
    public static String format(final Explanation e) {
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%2d. %s  %s%s -> %s  %s%n", e.number(), Timestamps.clock(e.tsNanos()),
            e.frame() > 0 ? "frame " + e.frame() + "  " : "", e.from(), e.to(), e.label()));
        sb.append("    What: ").append(e.what()).append('\n');
        sb.append("    Why now: ").append(e.why()).append('\n');
        sb.append("    Spec: ").append(e.spec()).append('\n');
        for (final String u : e.unusual()) {
            sb.append("    ! ").append(u).append('\n');
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ model

    private record Step(Ladder.Arrow arrow, Ladder.Bar bar, String from, String to) {
        long ts() {
            return arrow != null ? arrow.tsNanos() : bar.tsNanos();
        }

        boolean request() {
            return arrow != null && arrow.flagged("request");
        }

        /** What the arrow says it is, when it is a SIP message. */
        Ladder.Sip sip() {
            return arrow != null && arrow.facts() instanceof Ladder.Sip f ? f : null;
        }

        /** SIP method of a request, or the status code of a response as text; for another arrow its label's first word. */
        String method() {
            final Ladder.Sip f = sip();
            if (f != null) {
                return f.method() != null ? f.method() : Integer.toString(f.status());
            }
            final String l = arrow == null ? "" : arrow.label();
            final int sp = l.indexOf(' ');
            return sp < 0 ? l : l.substring(0, sp);
        }

        int status() {
            final Ladder.Sip f = sip();
            return f == null ? 0 : f.status();
        }

        /** "1 INVITE": the CSeq number and method, or null. */
        String cseq() {
            final Ladder.Sip f = sip();
            return f == null || f.cseq() < 0 || f.cseqMethod() == null ? null : f.cseq() + " " + f.cseqMethod();
        }

        String cseqMethod() {
            final String c = cseq();
            return c == null ? (request() ? method() : "?") : c.substring(c.indexOf(' ') + 1);
        }

        boolean retransmission() {
            return arrow != null && arrow.flagged("retransmission");
        }

        boolean header(final String name) {
            final Ladder.Sip f = sip();
            return f != null && f.headers().contains(name.toLowerCase(Locale.ROOT));
        }

        boolean sdp() {
            final Ladder.Sip f = sip();
            return f != null && f.sdp();
        }

        /** Packets lost in a media bar (0 when not measured). */
        long lost() {
            return bar != null && bar.media() != null ? bar.media().lost() : 0;
        }

        /** A media bar's protocol ("RTP", "SRTP", "SRTCP"), or "". */
        String mediaProtocol() {
            return bar != null && bar.media() != null ? bar.media().protocol() : "";
        }
    }

    private record Text(String what, String why, String spec, List<String> unusual) {
    }

    private static String lane(final Ladder l, final int i) {
        return i >= 0 && i < l.lanes().size() ? l.lanes().get(i).label() : "?";
    }

    private static String secs(final long nanos) {
        return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
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

    private static Text webrtcOrSip(final List<Step> steps, final int i) {
        final Text w = WebrtcTexts.explain(steps.get(i).arrow.label());
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
        final Step earlier = previous(steps, i, x -> x.arrow != null && !x.retransmission());
        if (s.retransmission()) {
            final Step orig = previous(steps, i, x -> x.request() && !x.retransmission() && x.method().equals(s.method())
                && x.from.equals(s.from));
            why = "The same request again: no response reached the sender in time.";
            unusual.add("Retransmission" + (orig != null ? " of frame " + orig.arrow.frame() + " after " + secs(s.ts() - orig.ts()) : "")
                + ": over UDP a request is resent at T1 = 500 ms, doubling (Timer A/E, RFC 3261 §17.1.1.2, §17.1.2.2) until a response arrives.");
        } else if ("INVITE".equals(m)) {
            final Step challenge = previous(steps, i, x -> x.status() == 401 || x.status() == 407);
            final Step answered = previous(steps, i, x -> x.status() >= 200 && x.status() < 300 && "INVITE".equals(x.cseqMethod()));
            if (challenge != null && (s.header("Authorization") || s.header("Proxy-Authorization"))) {
                what = "The INVITE again, now with credentials: an " + (challenge.status() == 407 ? "Proxy-Authorization" : "Authorization")
                    + " header computed from the challenge's realm and nonce (digest); same Call-ID, CSeq incremented.";
                why = "The previous INVITE was challenged with " + challenge.arrow.label() + " (frame " + challenge.arrow.frame() + ").";
                spec = "RFC 3261 §22.2 (user-to-user authentication), §22.3 (proxy authentication), RFC 8760/2617 (digest)";
            } else if (answered != null) {
                what = "A re-INVITE: modifies the established session (hold, resume, new codec or address) inside the dialog.";
                why = "The call is already up (answered at frame " + answered.arrow.frame() + "); one side wants to change the media.";
                spec = "RFC 3261 §14 (modifying an existing session), RFC 3264 §8 (modifying the session)";
            } else {
                why = "It opens the call: the caller dialled. It starts the INVITE client transaction (Timer A for retransmission, Timer B = 32 s to give up).";
            }
            if (s.sdp()) {
                spec += "; RFC 3264 §5 (generating the offer)";
            }
        } else if ("ACK".equals(m)) {
            final Step fin = previous(steps, i, x -> x.status() >= 200 && "INVITE".equals(x.cseqMethod()) && x.to.equals(s.from));
            if (fin == null) {
                why = "It acknowledges a final response that is not in this capture.";
                unusual.add("ACK without a final response to an INVITE before it in the capture.");
            } else if (fin.status() >= 300) {
                what = "Acknowledges the non-2xx final response; this ACK belongs to the INVITE transaction (same branch) and goes hop by hop.";
                why = "The INVITE was refused with " + fin.arrow.label() + " (frame " + fin.arrow.frame() + "); the ACK stops its retransmission (Timer G).";
                spec = "RFC 3261 §17.1.1.3 (construction of the ACK request)";
            } else {
                what = "Acknowledges the 2xx: a new transaction sent end to end; with it the dialog is confirmed and media flows both ways.";
                why = "The callee answered with " + fin.arrow.label() + " (frame " + fin.arrow.frame() + ", " + secs(s.ts() - fin.ts())
                    + " earlier); the 200 is retransmitted until this ACK arrives.";
                spec = "RFC 3261 §13.2.2.4 (2xx responses), §13.3.1.4 (the INVITE is accepted)";
            }
        } else if ("BYE".equals(m)) {
            final Step ack = previous(steps, i, x -> "ACK".equals(x.method()) && x.request());
            why = ack != null ? "The call had been up for " + secs(s.ts() - ack.ts()) + " (since the ACK at frame " + ack.arrow.frame()
                + "); " + s.from + " hung up." : "One side hung up.";
        } else if ("CANCEL".equals(m)) {
            final Step inv = previous(steps, i, x -> x.request() && "INVITE".equals(x.method()));
            why = inv != null ? "The caller gave up while the INVITE of frame " + inv.arrow.frame() + " (" + secs(s.ts() - inv.ts())
                + " earlier) still had no final response." : "The caller gave up before an answer.";
        } else if ("PRACK".equals(m)) {
            final Step rel = previous(steps, i, x -> x.status() > 100 && x.status() < 200 && x.header("RSeq"));
            why = rel != null ? "The provisional response " + rel.arrow.label() + " (frame " + rel.arrow.frame() + ") was sent reliably (RSeq)."
                : "A reliable provisional response came before it.";
        } else {
            why = earlier == null ? "It starts the exchange." : "Sent after " + earlier.arrow.label() + " (frame " + earlier.arrow.frame() + ").";
        }
        if ("INVITE".equals(m) && !s.retransmission()) {
            final boolean finalSeen = steps.stream().skip(i + 1L).anyMatch(x -> x.status() >= 200 && "INVITE".equals(x.cseqMethod())
                && x.to.equals(s.from));
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
        final Step req = previous(steps, i, x -> x.request() && !x.retransmission() && x.from.equals(s.to)
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
            what = "A request failure (final response " + s.arrow.label() + ").";
            spec = "RFC 3261 §21.4";
        }
        String why = req == null ? "It answers a " + method + " that is not in this capture."
            : "It answers the " + method + " of frame " + req.arrow.frame() + " (" + secs(s.ts() - req.ts()) + " later).";
        if (code == 487) {
            final Step cancel = previous(steps, i, x -> x.request() && "CANCEL".equals(x.method()));
            if (cancel != null) {
                why += " The CANCEL of frame " + cancel.arrow.frame() + " ended it.";
            }
        }
        if (s.retransmission()) {
            unusual.add(code >= 200 && code < 300 && "INVITE".equals(method)
                ? "Retransmitted 200 OK: the callee had not received the ACK, so it resends the 2xx at T1, 2*T1, ... up to 64*T1 (RFC 3261 §13.3.1.4)."
                : "Retransmission of this response (RFC 3261 §17.2.1: the server transaction resends its last response when the request is resent).");
        }
        if ("INVITE".equals(method) && code >= 200 && !s.retransmission()) {
            final boolean acked = steps.stream().skip(i + 1L).anyMatch(x -> x.request() && "ACK".equals(x.method()) && x.from.equals(s.to));
            if (!acked) {
                unusual.add("Missing ACK: no ACK for this final response follows in the capture; the callee keeps resending it (Timer G) "
                    + "and gives up after 64*T1 = 32 s (RFC 3261 §13.3.1.4, §17.2.1).");
            }
            if (code < 300) {
                final Step cancel = previous(steps, i, x -> x.request() && "CANCEL".equals(x.method()));
                if (cancel != null) {
                    unusual.add("Late 200: the answer crossed the CANCEL of frame " + cancel.arrow.frame()
                        + "; the call is set up anyway and the caller must ACK and then BYE it (RFC 3261 §9.1).");
                }
                if (req != null && s.ts() - req.ts() > TIMER_B_NANOS) {
                    unusual.add("Late 200: " + secs(s.ts() - req.ts()) + " after the INVITE, past Timer B (64*T1 = 32 s, RFC 3261 §17.1.1.2).");
                }
            }
        }
        return new Text(what, why, spec, unusual);
    }

    // ------------------------------------------------------------------ media (RFC 3550)

    private static Text media(final List<Step> steps, final int i) {
        final Step s = steps.get(i);
        final Step answer = previous(steps, i, x -> x.sdp() && !x.request());
        final List<String> unusual = new ArrayList<>();
        if (s.lost() > 0) {
            unusual.add("Packet loss in this stream (lost " + s.lost() + "): the sequence numbers have gaps (RFC 3550 §6.4.1, §A.3).");
        }
        if (answer == null) {
            unusual.add("Media without an SDP answer before it in this ladder.");
        }
        return new Text("An RTP media stream from " + s.from + " to " + s.to + " for " + secs(s.bar.endNanos() - s.bar.tsNanos())
            + ": each packet carries a sequence number, a timestamp and an SSRC; jitter and loss are measured from them.",
            answer != null ? "It flows to the address and port the peer's SDP gave; the offer/answer finished at frame " + answer.arrow.frame() + "."
                : "It flows to the address and port announced in SDP.",
            "RFC 3550 §5.1 (RTP header), §6.4.1 (jitter, loss); RFC 3264 §5, §6 (where media is sent)", unusual);
    }

    // ------------------------------------------------------------------ Dubbo

    private static final String DUBBO_HEADER = "Dubbo protocol header: magic 0xdabb, flag byte (Req 0x80, TwoWay 0x40, Event 0x20, "
        + "serialization id), status byte, 8-byte request id at offset 4, 4-byte body length at offset 12 (ExchangeCodec)";
    private static final String DUBBO_HEARTBEAT = "Dubbo heartbeat rules: an Event frame whose body is the serialized null, sent after "
        + "'heartbeat' ms idle (default 60 s), answered with the same id; no read for 3 periods closes (server) or reconnects (client)";

    private static Text dubbo(final List<Step> steps, final int i) {
        final Step s = steps.get(i);
        final String label = s.arrow.label();
        final List<String> unusual = new ArrayList<>();
        final Step prev = previous(steps, i, x -> x.arrow != null);
        final String id = requestId(s);
        switch (label) {
            case "SYN":
                return new Text("Opens the TCP connection (first step of the three-way handshake).", "The consumer connects to the provider's port.",
                    "RFC 9293 §3.5 (establishing a connection)", unusual);
            case "SYN-ACK":
                return new Text("The provider accepts the TCP connection.", "It answers the SYN.", "RFC 9293 §3.5", unusual);
            case "FIN":
                return new Text("Closes this direction of the TCP connection.", prev == null ? "The connection ends."
                    : "No more to send after " + prev.arrow.label() + " (frame " + prev.arrow.frame() + ").", "RFC 9293 §3.6 (closing a connection)", unusual);
            case "RST":
                unusual.add("The connection was reset, not closed cleanly.");
                return new Text("Aborts the TCP connection.", "One side dropped the connection.", "RFC 9293 §3.5.3 (reset processing)", unusual);
            default:
                break;
        }
        if (s.arrow.flagged("heartbeat")) {
            final boolean request = label.equals("heartbeat");
            if (request) {
                final Step last = previous(steps, i, x -> x.arrow != null && x.from.equals(s.from) && !"heartbeat".equals(x.arrow.label()));
                final Step lastBeat = previous(steps, i, x -> x.arrow != null && x.from.equals(s.from) && "heartbeat".equals(x.arrow.label()));
                final Step minGap = minHeartbeatGap(steps, s.from);
                if (lastBeat != null && minGap != null) {
                    final long gap = s.ts() - lastBeat.ts();
                    final long normal = minGap.ts();
                    if (normal > 0 && gap > MISSED_HEARTBEAT_FACTOR * normal) {
                        unusual.add("Missed heartbeat: " + secs(gap) + " since the previous heartbeat from this side (frame "
                            + lastBeat.arrow.frame() + "), more than 3 times the usual " + secs(normal) + "; a peer would close or reconnect.");
                    }
                }
                final boolean acked = id != null && steps.stream().skip(i + 1L)
                    .anyMatch(x -> x.arrow != null && x.from.equals(s.to) && id.equals(requestId(x)));
                if (!acked) {
                    unusual.add("No heartbeat response with id " + id + " follows in the capture.");
                }
                final String why = lastBeat != null
                    ? "The heartbeat timer fired again " + secs(s.ts() - lastBeat.ts()) + " after the previous heartbeat (frame "
                        + lastBeat.arrow.frame() + "): no call since " + (last == null ? "the connection opened" : last.arrow.label()
                        + " (frame " + last.arrow.frame() + ", " + secs(s.ts() - last.ts()) + " ago)") + "."
                    : last == null ? "The connection was idle." : "The connection was idle for " + secs(s.ts() - last.ts())
                        + " after " + last.arrow.label() + " (frame " + last.arrow.frame() + "): the heartbeat timer fired.";
                return new Text("A heartbeat request (Event flag, two-way, body = serialized null): checks the connection is alive.",
                    why, DUBBO_HEARTBEAT, unusual);
            }
            final Step req = previous(steps, i, x -> x.arrow != null && x.from.equals(s.to) && id != null && id.equals(requestId(x)));
            return new Text("The heartbeat response: same request id, Event flag, no Req flag.",
                req == null ? "It answers a heartbeat not in this capture." : "It answers the heartbeat of frame " + req.arrow.frame()
                    + " (" + secs(s.ts() - req.ts()) + " later).", DUBBO_HEARTBEAT, unusual);
        }
        if (s.arrow.flagged("broken")) {
            unusual.add("The body could not be decoded (marked broken, as Dubbo's codec does).");
        }
        final boolean response = steps.stream().limit(i).anyMatch(x -> x.arrow != null && x.from.equals(s.to) && id != null
            && id.equals(requestId(x)) && !x.arrow.flagged("heartbeat"));
        if (!response) {
            final boolean oneWay = s.arrow.flagged("one-way");
            if (!oneWay && steps.stream().skip(i + 1L).noneMatch(x -> x.arrow != null && x.from.equals(s.to) && id != null && id.equals(requestId(x)))) {
                unusual.add("Unanswered: no response with request id " + id + " in the capture (timeout on the consumer).");
            }
            return new Text("A Dubbo request for " + label + (oneWay ? " (one-way: no TwoWay flag, no response expected)" : "")
                + ": the body holds the Dubbo version, service path, version, method, parameter types, arguments and attachments.",
                "The consumer called the method; the request id (" + id + ") lets it match the response on a shared connection.",
                DUBBO_HEADER, unusual);
        }
        final Step req = previous(steps, i, x -> x.arrow != null && x.from.equals(s.to) && id != null && id.equals(requestId(x)));
        if (s.arrow.flagged("late")) {
            unusual.add("Late response: it came " + (req == null ? "" : secs(s.ts() - req.ts()) + " ") + "after the request, past the "
                + "consumer's own deadline (" + detail(s, "late: ") + "). The consumer had already failed the call with a "
                + "TimeoutException and drops this response, while the provider still did the work.");
        }
        if (s.arrow.flagged("payload")) {
            unusual.add("Payload over the limit: " + detail(s, "") + ". Dubbo checks every body against its 'payload' setting "
                + "(8 MiB by default) and refuses a longer one: \"Data length too large\".");
        }
        final String failure = FAILURES.get(label.replace(" exception", ""));
        if (s.arrow.flagged("error") && failure != null) {
            unusual.add(failure);
        } else if (s.arrow.flagged("error") && label.endsWith(" exception")) {
            unusual.add("The provider's method threw" + (s.arrow.details().size() > 1 ? " " + s.arrow.details().get(s.arrow.details().size() - 1) : "")
                + ": the status is still 20 OK (the call was delivered and executed) and the body carries the exception (RESPONSE_WITH_EXCEPTION).");
        } else if (s.arrow.flagged("error")) {
            unusual.add("The call failed: " + label + (s.arrow.details().size() > 1 ? " (" + s.arrow.details().get(s.arrow.details().size() - 1) + ")" : "")
                + "; status 20 is OK, anything else is an error (30 client timeout, 31 server timeout, 40 bad request, 70 service error ...).");
        }
        return new Text("The response to request id " + id + ": status byte (20 = OK) and a body with the value, an exception or null.",
            req == null ? "It answers a request not in this capture." : "It answers " + req.arrow.label() + " (frame " + req.arrow.frame()
                + ", " + secs(s.ts() - req.ts()) + " later), paired by request id, not by order.",
            DUBBO_HEADER, unusual);
    }

    /** What a Dubbo status other than OK means for the people chasing it (ExchangeCodec, the Response status constants). */
    private static final Map<String, String> FAILURES = Map.of(
        "SERVER_THREADPOOL_EXHAUSTED_ERROR", "Thread pool exhausted (status 100): every thread of the provider's business pool was busy "
            + "and its queue full, so Dubbo's AbortPolicyWithReport refused the call without running it. Raise 'threads', "
            + "lower the load, or find what holds the threads (the provider dumps its stacks when this happens).",
        "SERIALIZATION_ERROR", "Serialization failure (status 25): the provider could not encode the response (a type that does "
            + "not serialize, or a body over its payload limit); the call ran but its result never left the provider.",
        "BAD_REQUEST", "Bad request (status 40): the provider could not decode the request: a class it does not have, a "
            + "serialization it does not accept, or a body over its payload limit.",
        "BAD_RESPONSE", "Bad response (status 50): the response could not be built or decoded on the way back.",
        "SERVICE_NOT_FOUND", "Service not found (status 60): the provider has no such service, version or group exported.",
        "SERVICE_ERROR", "Service error (status 70): the provider failed while invoking the service (not a business exception, "
            + "which comes back as OK with an exception in the body).",
        "SERVER_TIMEOUT", "Server timeout (status 31): the provider gave up on the call itself.",
        "CLIENT_TIMEOUT", "Client timeout (status 30): the consumer side of the exchange timed out.",
        "CHANNEL_INACTIVE", "Channel inactive (status 35): the connection was no longer usable when the response was due.");

    /** The first detail of the step's arrow starting with {@code prefix}, without it ("" when none). */
    private static String detail(final Step s, final String prefix) {
        for (final String d : s.arrow.details()) {
            if (d.startsWith(prefix) && (!prefix.isEmpty() || d.contains("payload limit"))) {
                return d.substring(prefix.length());
            }
        }
        return "";
    }

    private static final String GRPC_SPEC = "gRPC over HTTP/2 (PROTOCOL-HTTP2.md): a call is one HTTP/2 stream, HEADERS "
        + "(:path /service/method, grpc-timeout) then length-prefixed messages in DATA, answered by HEADERS, DATA and trailers "
        + "(grpc-status, grpc-message); RFC 9113 section 5.1 (stream states), 6.4 (RST_STREAM)";

    /** A Triple (gRPC over HTTP/2) ladder step: a request arrow, its answer, or a reset. */
    private static Text triple(final Step s) {
        final String label = s.arrow.label();
        final List<String> unusual = new ArrayList<>();
        if (s.arrow.flagged("late")) {
            unusual.add("Late: the call outlived the consumer's grpc-timeout (or ended with DEADLINE_EXCEEDED): the consumer "
                + "had given up; the provider may have finished the work anyway.");
        }
        if (label.startsWith("RST_STREAM")) {
            unusual.add("The stream was reset (" + label + "): the call was abandoned rather than finished.");
            return new Text("Resets the stream: ends this one call at once without closing the connection.",
                "One side gave up on the call: a cancel, a deadline, or an error it could not report in trailers.", GRPC_SPEC, unusual);
        }
        if (s.from.equals(s.arrow.label()) || s.arrow.details().isEmpty()) {
            return new Text("A Triple call.", "", GRPC_SPEC, unusual);
        }
        if (s.arrow.details().get(0).startsWith("stream ")) {
            return new Text("A Triple (gRPC) call " + label + ": request HEADERS on a new stream, then its messages ("
                + s.arrow.details().get(0) + ").", "The consumer invoked the method; each call gets its own odd-numbered stream, "
                + "so calls on one connection run side by side.", GRPC_SPEC, unusual);
        }
        if (s.arrow.flagged("error")) {
            unusual.add("The call failed: " + label + (s.arrow.details().size() > 1 ? " (grpc-message: " + s.arrow.details().get(1) + ")" : "")
                + (label.contains("exception") ? "; gRPC status OK with tri-exception-code: the provider's method threw" : ""));
        }
        return new Text("The answer: response HEADERS, the messages, and trailers with grpc-status " + label + " ("
            + s.arrow.details().get(0) + ").", "The provider finished the call and ended the stream.", GRPC_SPEC, unusual);
    }

    private static String requestId(final Step s) {
        return s.arrow != null && s.arrow.facts() instanceof Ladder.Rpc r ? Long.toString(r.requestId()) : null;
    }

    /** The smallest interval between consecutive heartbeat requests from one side, as a pseudo step holding it in ts. */
    private static Step minHeartbeatGap(final List<Step> steps, final String from) {
        long min = Long.MAX_VALUE;
        long last = -1;
        for (final Step x : steps) {
            if (x.arrow != null && x.from.equals(from) && "heartbeat".equals(x.arrow.label())) {
                if (last >= 0) {
                    min = Math.min(min, x.ts() - last);
                }
                last = x.ts();
            }
        }
        return min == Long.MAX_VALUE ? null : new Step(null, new Ladder.Bar(min, min, 0, 0, ""), from, from);
    }

    private static Step previous(final List<Step> steps, final int i, final java.util.function.Predicate<Step> p) {
        for (int j = i - 1; j >= 0; j--) {
            if (p.test(steps.get(j))) {
                return steps.get(j);
            }
        }
        return null;
    }

    /** STUN, ICE and DTLS texts, used when a ladder (WebRTC) draws such messages. */
    static final class WebrtcTexts {
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
                return new Text(t.what, t.why, t.spec, unusual);
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
            return new Text((rtcp ? "SRTCP (RTCP reports, encrypted)" : "SRTP media (encrypted RTP)") + " from " + s.from + " to " + s.to
                + " for " + secs(s.bar.endNanos() - s.bar.tsNanos()) + ": the headers are in the clear (SSRC, sequence, timestamp), "
                + "the payload is not.", "It uses the keys the DTLS handshake exported, on the ICE pair that was nominated.",
                "RFC 3711 (SRTP); RFC 5764 (DTLS-SRTP); RFC 7983 (demultiplexing on one port)", List.of());
        }
    }

    /** Renders a time for callers that print their own lines. */
    public static String time(final long tsNanos) {
        return Timestamps.clock(tsNanos);
    }
}
