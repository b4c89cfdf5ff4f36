package dev.callscope.flow.sip;

import dev.callscope.dissect.sip.SipMessage;

/** A SIP message as the call tracker filed it: its call, whether it was a retransmission, its SDP. */
public final class SipEntry {
    private SipMessage message;
    private final SipCall call;
    private final boolean retransmission;
    private final long resendOf;
    private String sdpSummary;

    SipEntry(final SipMessage message, final SipCall call, final boolean retransmission, final long resendOf) {
        this.message = message;
        this.call = call;
        this.retransmission = retransmission;
        this.resendOf = resendOf;
    }

    public SipMessage message() {
        return message;
    }

    /** Keeps only what a JSON record of the message names (see {@link SipMessage#slim}). */
    void slim() {
        message = message.slim();
    }

    public SipCall call() {
        return call;
    }

    /** Sent again: same Call-ID, endpoints, CSeq, method and kind of message as one before (tshark's sip.resend). */
    public boolean retransmission() {
        return retransmission;
    }

    /** Frame of the original when this is a retransmission, else 0. */
    public long resendOf() {
        return resendOf;
    }

    /** One line describing the SDP body ("audio 10.0.0.1:6000 PCMA/8000 sendrecv"), or null. */
    public String sdpSummary() {
        return sdpSummary;
    }

    void sdpSummary(final String s) {
        sdpSummary = s;
    }
}
