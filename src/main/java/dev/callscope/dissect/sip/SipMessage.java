package dev.callscope.dissect.sip;

import dev.callscope.core.Endpoint;
import dev.callscope.core.FlowKey;
import dev.callscope.dissect.ProtocolEvent;
import java.util.List;
import java.util.Locale;

/**
 * One SIP request or response (RFC 3261), as the SIP dissector read it. A malformed message still
 * yields a record with what could be read (and anomalies for the rest).
 *
 * @param transport "UDP", "TCP", "WS" (WebSocket, RFC 7118) or "TLS"
 * @param method the request method, or null for a response
 * @param statusCode the response status, or 0 for a request
 * @param cseq the CSeq number, or -1 when absent or unreadable
 * @param viaBranches the branch parameter of each Via, top first ("" for a Via without one)
 * @param headers every header in order, names in their long form (compact forms expanded)
 * @param body the message body as ISO-8859-1 text ("" when none)
 * @param raw the whole message as ISO-8859-1 text
 */
public record SipMessage(long frame, long tsNanos, FlowKey flow, Endpoint src, Endpoint dst, String transport,
                         String method, String requestUri, int statusCode, String reason,
                         String callId, NameAddr from, NameAddr to, long cseq, String cseqMethod,
                         List<String> viaBranches, NameAddr contact, String userAgent, String contentType,
                         List<Header> headers, String body, String raw) implements ProtocolEvent {
    public SipMessage {
        viaBranches = List.copyOf(viaBranches);
        headers = headers instanceof SipHeaders ? headers : List.copyOf(headers);
    }

    /**
     * This message without its text, headers, body, Contact, User-Agent and Content-Type: what a
     * JSON record of a message names, for a call that holds its messages only to write them.
     */
    public SipMessage slim() {
        return new SipMessage(frame, tsNanos, flow, src, dst, transport, method, requestUri, statusCode, reason, callId, from,
            to, cseq, cseqMethod, viaBranches.isEmpty() ? List.of() : List.of(viaBranches.get(0)), null, null, null, List.of(),
            "", "");
    }

    /** A header line. */
    public record Header(String name, String value) {
    }

    @Override
    public String protocol() {
        return "sip";
    }

    public boolean isRequest() {
        return method != null;
    }

    /** The top Via's branch, or "". */
    public String branch() {
        return viaBranches.isEmpty() ? "" : viaBranches.get(0);
    }

    /** First value of a header (case-insensitive long name), or null. */
    public String header(final String name) {
        if (headers instanceof SipHeaders h) {
            return h.value(name);
        }
        for (final Header h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                return h.value();
            }
        }
        return null;
    }

    /** "INVITE" or "200 OK": what a ladder arrow says. */
    public String label() {
        return isRequest() ? method : statusCode + (reason == null || reason.isEmpty() ? "" : " " + reason);
    }

    /** tshark's Info-like summary: "Request: INVITE sip:bob@b.example" or "Status: 200 OK". */
    public String summary() {
        return isRequest() ? "Request: " + method + " " + requestUri : "Status: " + label();
    }

    /** Whether the body is SDP (or a multipart body containing SDP). */
    public boolean hasSdp() {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).contains("application/sdp")
            || contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/") && body.contains("application/sdp");
    }
}
