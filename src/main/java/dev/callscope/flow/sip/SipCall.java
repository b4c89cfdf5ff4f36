package dev.callscope.flow.sip;

import dev.callscope.dissect.sip.NameAddr;
import dev.callscope.dissect.sip.SipMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * All messages of one Call-ID, with the call's state and timings. For an INVITE dialog the state
 * follows sngrep's and Wireshark's names; other dialogs (REGISTER, OPTIONS, MESSAGE, SUBSCRIBE,
 * ...) are COMPLETED, REJECTED, FAILED or PENDING by their last final response.
 */
public final class SipCall {
    private final int index;
    private final String callId;
    private List<SipEntry> entries = new ArrayList<>();
    private int messageCount;
    private long retransmissions;
    private long firstNanos;
    private long firstFrame;
    private dev.callscope.core.FlowKey firstFlow;
    private dev.callscope.core.Endpoint firstSrc;
    private dev.callscope.core.Endpoint firstDst;
    private String lastTransaction;
    /** tshark's resend state per (source, destination) of this Call-ID. */
    final java.util.Map<Object, Object> resend = new java.util.HashMap<>(4);
    // lifecycle (see SipCallTracker): last SIP message, last media, pending close
    long lastSipNanos;
    private long mediaEndNanos = -1;
    long closeDeadline = Long.MAX_VALUE;
    /** Media endpoints and Session-IDs this call announced, for forgetting them with the call. */
    final List<String> ownedKeys = new ArrayList<>(2);
    boolean compact;
    /** Handed to the tracker's listener as over. */
    boolean closed;
    /** Dropped at a bound: its messages leave the tracker's message list. */
    boolean dropped;
    /** 1, or 2, 3... for a Call-ID seen again after its call was written (streamed output). */
    int part = 1;
    // emptied by compact(), which keeps their sizes
    private Set<String> dialogs = new LinkedHashSet<>();
    private Set<String> transactions = new LinkedHashSet<>();
    private Set<String> linked = new LinkedHashSet<>();
    private Set<String> media = new LinkedHashSet<>();
    private int transactionCount = -1;
    private String method;
    private NameAddr from;
    private NameAddr to;
    private String userAgent;
    private NameAddr contact;
    private CallState state = CallState.PENDING;
    private long inviteNanos = -1;
    private long inviteCseq = -1;
    private long firstProvisionalNanos = -1;
    private long answerNanos = -1;
    private long byeNanos = -1;
    private long endNanos;
    private int authChallenges;
    private int lastFinal;
    private boolean cancelSeen;

    SipCall(final int index, final String callId) {
        this.index = index;
        this.callId = callId;
    }

    void add(final SipEntry e) {
        final SipMessage m = e.message();
        if (messageCount++ == 0) {
            firstNanos = m.tsNanos();
            firstFrame = m.frame();
            firstFlow = m.flow();
            firstSrc = m.src();
            firstDst = m.dst();
        }
        if (!compact) {
            entries.add(e);
        }
        if (e.retransmission()) {
            retransmissions++;
        }
        lastSipNanos = m.tsNanos();
        endNanos = Math.max(endNanos, m.tsNanos());
        if (method == null && m.isRequest()) {
            method = m.method();
            from = m.from();
            to = m.to();
            state = "INVITE".equals(method) ? CallState.CALL_SETUP : CallState.PENDING;
        }
        if (from == null) {
            from = m.from();
            to = m.to();
        }
        if (userAgent == null && m.userAgent() != null && m.isRequest()) {
            userAgent = m.userAgent();
        }
        if (contact == null && m.contact() != null) {
            contact = m.contact();
        }
        if (!compact && !m.branch().isEmpty() && m.cseqMethod() != null && !(m.branch() + m.cseqMethod()).equals(lastTransaction)) {
            lastTransaction = m.branch() + m.cseqMethod();
            // RFC 3261 §17: a transaction is a branch and a method; the ACK to a failure belongs to its INVITE
            transactions.add(m.branch() + " " + ("ACK".equals(m.cseqMethod()) && transactions.contains(m.branch() + " INVITE")
                ? "INVITE" : m.cseqMethod()));
        }
        if (!compact && m.from() != null && m.to() != null && m.from().tag() != null && m.to().tag() != null) {
            final String d = m.from().tag() + "/" + m.to().tag();
            if (!dialogs.contains(d)) {
                dialogs.add(d);
            }
        }
        for (final String h : LINK_HEADERS) {
            final String v = m.header(h);
            if (!compact && v != null && !v.isBlank() && !v.trim().equals(callId)) {
                linked.add(v.trim());
            }
        }
        if (e.retransmission()) {
            return;
        }
        if ("INVITE".equals(method)) {
            invite(m);
        } else {
            nonInvite(m);
        }
    }

    private static final String[] LINK_HEADERS = {"X-Call-ID", "X-CID", "X-Orig-Call-ID"};

    private void invite(final SipMessage m) {
        if (m.isRequest()) {
            switch (m.method()) {
                case "INVITE":
                    if (inviteNanos < 0) {
                        inviteNanos = m.tsNanos();
                    }
                    if (state != CallState.IN_CALL && m.cseq() != inviteCseq) {
                        // first INVITE, or a new one after a challenge or a redirect
                        if (state != CallState.CALL_SETUP && state != CallState.RINGING && answerNanos < 0) {
                            state = CallState.CALL_SETUP;
                        }
                    }
                    if (answerNanos < 0) {
                        inviteCseq = m.cseq();
                    }
                    break;
                case "CANCEL":
                    if (answerNanos < 0) {
                        cancelSeen = true;
                        state = CallState.CANCELLED;
                    }
                    break;
                case "BYE":
                    if (byeNanos < 0) {
                        byeNanos = m.tsNanos();
                    }
                    if (answerNanos >= 0) {
                        state = CallState.COMPLETED;
                    } else if (state == CallState.CALL_SETUP || state == CallState.RINGING) {
                        state = CallState.CANCELLED;
                    }
                    break;
                default:
                    break;
            }
            return;
        }
        if (!"INVITE".equals(m.cseqMethod()) || m.cseq() != inviteCseq) {
            return; // responses to BYE, re-INVITE, PRACK... do not change the call's state
        }
        final int code = m.statusCode();
        if (code >= 180 && code < 200) {
            if (firstProvisionalNanos < 0) {
                firstProvisionalNanos = m.tsNanos();
            }
            if (state == CallState.CALL_SETUP) {
                state = CallState.RINGING;
            }
        } else if (code >= 200 && code < 300) {
            if (answerNanos < 0) {
                answerNanos = m.tsNanos();
                state = CallState.IN_CALL;
                lastFinal = code;
            }
        } else if (code >= 300) {
            if (answerNanos >= 0) {
                return; // an answered call was decided by its 2xx
            }
            lastFinal = code;
            if (cancelSeen) {
                return; // 487 after CANCEL keeps CANCELLED
            }
            if (code == 401 || code == 407) {
                authChallenges++;
                state = CallState.REJECTED; // until an INVITE with credentials follows
            } else if (code == 486 || code == 600) {
                state = CallState.BUSY;
            } else if (code == 487) {
                state = CallState.CANCELLED;
            } else if (code < 400) {
                state = CallState.DIVERTED;
            } else if (code < 500) {
                state = CallState.REJECTED;
            } else {
                state = CallState.FAILED;
            }
        }
    }

    private void nonInvite(final SipMessage m) {
        if (m.isRequest() || m.statusCode() < 200) {
            return;
        }
        final int code = m.statusCode();
        lastFinal = code;
        if (code == 401 || code == 407) {
            authChallenges++;
        }
        state = code < 300 ? CallState.COMPLETED : code < 400 ? CallState.DIVERTED : code < 500 ? CallState.REJECTED
            : CallState.FAILED;
    }

    void addMedia(final String endpoint) {
        if (!compact) {
            media.add(endpoint);
        }
    }

    void link(final String otherCallId) {
        if (!compact && !otherCallId.equals(callId)) {
            linked.add(otherCallId);
        }
    }

    /** 1-based index in order of first message. */
    public int index() {
        return index;
    }

    public String callId() {
        return callId;
    }

    public List<SipEntry> entries() {
        return Collections.unmodifiableList(entries);
    }

    /** The method that opened the dialog ("INVITE", "REGISTER", ...). */
    public String method() {
        return method == null ? "" : method;
    }

    public NameAddr from() {
        return from;
    }

    public NameAddr to() {
        return to;
    }

    public String userAgent() {
        return userAgent;
    }

    public NameAddr contact() {
        return contact;
    }

    public CallState state() {
        return state;
    }

    /** Dialogs (from-tag/to-tag pairs) seen. */
    public Set<String> dialogs() {
        return Collections.unmodifiableSet(dialogs);
    }

    /** Transactions (top Via branch and method) seen. */
    public Set<String> transactions() {
        return Collections.unmodifiableSet(transactions);
    }

    /** Call-IDs of other legs of the same call (B2BUA): by X-Call-ID/X-CID headers or shared media. */
    public Set<String> linkedCallIds() {
        return Collections.unmodifiableSet(linked);
    }

    /** Media endpoints announced in this call's SDP ("10.0.0.1:6000"). */
    public Set<String> mediaEndpoints() {
        return Collections.unmodifiableSet(media);
    }

    public int authChallenges() {
        return authChallenges;
    }

    /**
     * The final response that decided the dialog, 0 if none: for an INVITE the 2xx that answered it,
     * else the last final response to it (after a challenge or a redirect, the one to the last
     * INVITE); for other dialogs the last final response to their request.
     */
    public int lastFinalResponse() {
        return lastFinal;
    }

    public long startNanos() {
        return firstNanos;
    }

    /** The last packet of the call: its last SIP message, or its last RTP packet when later. */
    public long endNanos() {
        return Math.max(endNanos, mediaEndNanos);
    }

    /** Capture time of the last SIP message of the call. */
    public long lastSipNanos() {
        return endNanos;
    }

    /** The last RTP packet of the call's streams (set when the media was joined), or -1. */
    public long mediaEndNanos() {
        return mediaEndNanos;
    }

    /** Records the last RTP packet of the call's streams. */
    public void mediaEnd(final long nanos) {
        mediaEndNanos = Math.max(mediaEndNanos, nanos);
    }

    /**
     * 1, or 2, 3... when the Call-ID came back after the call was written and released (JSON Lines):
     * the record then holds what came after, under the same index.
     */
    public int part() {
        return part;
    }

    /** Messages of the call, retransmissions included (also after {@link #entries()} were released). */
    public int messageCount() {
        return messageCount;
    }

    public long firstFrame() {
        return firstFrame;
    }

    public dev.callscope.core.FlowKey firstFlow() {
        return firstFlow;
    }

    /** Source of the call's first message. */
    public dev.callscope.core.Endpoint firstSrc() {
        return firstSrc;
    }

    /** Destination of the call's first message. */
    public dev.callscope.core.Endpoint firstDst() {
        return firstDst;
    }

    /**
     * Whether the call reached a state it does not leave by itself: ended (BYE), cancelled, or
     * rejected or failed with no answer (an INVITE); a final response (other dialogs).
     */
    /** Whether the call was dropped at a bound (or for the heap) and is no longer followed. */
    public boolean dropped() {
        return dropped;
    }

    public boolean decided() {
        return switch (state) {
            case COMPLETED, CANCELLED, BUSY, FAILED, DIVERTED -> true;
            case REJECTED -> true;
            case IN_CALL, CALL_SETUP, RINGING -> false;
            default -> lastFinal != 0;
        };
    }

    /** Keeps the call's summary and lets its messages go (tables of long captures). */
    void compact() {
        compact = true;
        entries = List.of();
        resend.clear();
        ownedKeys.clear();
        lastTransaction = null;
        transactionCount = transactions.size();
        transactions = Set.of();
        dialogs = Set.of();
        linked = Set.of();
        media = Set.of();
    }

    /** Transactions seen (also after the call was summarised). */
    public int transactionCount() {
        return transactionCount >= 0 ? transactionCount : transactions.size();
    }

    /** INVITE to the first 180/183, in ms, or -1. */
    public double postDialDelayMs() {
        return inviteNanos >= 0 && firstProvisionalNanos >= 0 ? (firstProvisionalNanos - inviteNanos) / 1e6 : -1;
    }

    /** INVITE to the 200 OK, in ms, or -1. */
    public double setupTimeMs() {
        return inviteNanos >= 0 && answerNanos >= 0 ? (answerNanos - inviteNanos) / 1e6 : -1;
    }

    /** First 180/183 to the answer (or to the end of ringing when unanswered), in ms, or -1. */
    public double ringTimeMs() {
        if (firstProvisionalNanos < 0) {
            return -1;
        }
        final long end = answerNanos >= 0 ? answerNanos : endNanos;
        return (end - firstProvisionalNanos) / 1e6;
    }

    /**
     * Answer to BYE, in s, or -1 when unanswered; a call still up at the end of the capture lasts
     * until its last packet, SIP or RTP.
     */
    public double durationSeconds() {
        if (answerNanos < 0) {
            return -1;
        }
        return ((byeNanos >= 0 ? byeNanos : endNanos()) - answerNanos) / 1e9;
    }

    public long answerNanos() {
        return answerNanos;
    }

    public long byeNanos() {
        return byeNanos;
    }

    /** Messages without retransmissions. */
    public long retransmissions() {
        return retransmissions;
    }
}
