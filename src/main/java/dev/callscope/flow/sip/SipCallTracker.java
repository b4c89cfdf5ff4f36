package dev.callscope.flow.sip;

import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.dissect.Severity;
import dev.callscope.dissect.Tap;
import dev.callscope.dissect.sip.SipMessage;
import dev.callscope.dissect.sip.SipTls;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Groups SIP messages into calls by Call-ID, marks retransmissions the way tshark's {@code
 * sip.resend} does, and counts what {@code tshark -z sip,stat} counts. Bounded: past {@code
 * maxCalls} the oldest call is dropped (with an anomaly), like sngrep's rotation.
 */
public final class SipCallTracker implements Tap {
    private final int maxCalls;
    private final LinkedHashMap<String, SipCall> calls = new LinkedHashMap<>();
    private final List<SipEntry> messages = new ArrayList<>();
    private final Map<ResendKey, ResendState> resend = new HashMap<>();
    private final Map<String, Long> requests = new TreeMap<>();
    private final Map<Integer, Long> responses = new TreeMap<>();
    private final Map<String, String> mediaOwner = new HashMap<>();
    private final List<SipTls> tls = new ArrayList<>();
    private final List<Anomaly> ownAnomalies = new ArrayList<>();
    private long resent;
    private int nextIndex = 1;
    private long dropped;
    private SipEntry last;

    public SipCallTracker(final int maxCalls) {
        this.maxCalls = maxCalls;
    }

    /** tshark's resend key: Call-ID and both endpoints. */
    private record ResendKey(String callId, Object src, Object dst) {
    }

    /** What was last seen for a resend key. */
    private static final class ResendState {
        long cseq;
        String method;
        int state = NOTHING;
        int code;
        long frame;
    }

    private static final int NOTHING = 0;
    private static final int REQUEST = 1;
    private static final int PROVISIONAL = 2;
    private static final int FINAL = 3;

    @Override
    public void onEvent(final ProtocolEvent event) {
        if (event instanceof SipMessage m) {
            add(m);
        } else if (event instanceof SipTls t) {
            tls.add(t);
        } else {
            final SdpSummaries.Sdp s = SdpSummaries.of(event);
            if (s != null) {
                attachSdp(s);
            }
        }
    }

    private void attachSdp(final SdpSummaries.Sdp sdp) {
        if (last == null || last.message().frame() != sdp.frame()) {
            return;
        }
        last.sdpSummary(last.sdpSummary() == null ? sdp.summary() : last.sdpSummary() + "; " + sdp.summary());
        final SipCall call = last.call();
        for (final String ep : sdp.mediaEndpoints()) {
            call.addMedia(ep);
            final String other = mediaOwner.putIfAbsent(ep, call.callId());
            if (other != null && !other.equals(call.callId())) {
                call.link(other);
                final SipCall o = calls.get(other);
                if (o != null) {
                    o.link(call.callId());
                }
            }
        }
    }

    private void add(final SipMessage m) {
        if (m.isRequest()) {
            requests.merge(m.method(), 1L, Long::sum);
        } else {
            responses.merge(m.statusCode(), 1L, Long::sum);
        }
        final long resendOf = resendOf(m);
        if (resendOf > 0) {
            resent++;
        }
        final String id = m.callId() == null ? "" : m.callId();
        SipCall call = calls.get(id);
        if (call == null) {
            if (calls.size() >= maxCalls) {
                final Iterator<SipCall> it = calls.values().iterator();
                final SipCall old = it.next();
                it.remove();
                dropped++;
                ownAnomalies.add(new Anomaly("sip.calls_limit", Severity.WARN, m.frame(), -1,
                    "more than " + maxCalls + " calls: dropped the oldest, " + old.callId()));
            }
            call = new SipCall(nextIndex++, id);
            calls.put(id, call);
        }
        final SipEntry e = new SipEntry(m, call, resendOf > 0, resendOf);
        call.add(e);
        messages.add(e);
        last = e;
        final String sessionId = m.header("Session-ID");
        if (sessionId != null && !sessionId.isBlank()) {
            final String key = "session-id:" + sessionId.split(";")[0].trim().toLowerCase(java.util.Locale.ROOT);
            final String other = mediaOwner.putIfAbsent(key, id);
            if (other != null && !other.equals(id)) {
                call.link(other);
                final SipCall o = calls.get(other);
                if (o != null) {
                    o.link(id);
                }
            }
        }
    }

    /**
     * tshark's {@code sip.resend} rule (UDP only): per (Call-ID, source, destination) remember the
     * CSeq, its method and the transaction state. A request is a resend when the CSeq and method
     * equal the remembered ones and a request was the last thing seen (ACK and CANCEL never are);
     * a final response is a resend when a final response with the same code was the last thing
     * seen; provisional responses never are. A new CSeq resets the state.
     */
    private long resendOf(final SipMessage m) {
        if (m.cseq() < 0 || m.callId() == null || m.src() == null || !"UDP".equals(m.transport())) {
            return 0;
        }
        final String method = m.cseqMethod() == null ? "" : m.cseqMethod();
        final ResendKey key = new ResendKey(m.callId(), m.src(), m.dst());
        ResendState st = resend.get(key);
        long compare = -1;
        if (st == null) {
            st = new ResendState();
            st.cseq = m.cseq();
            st.method = method;
            resend.put(key, st);
        } else {
            compare = st.cseq;
            if (m.cseq() != st.cseq) {
                st.cseq = m.cseq();
                st.method = method;
                st.state = NOTHING;
                st.frame = 0;
            }
        }
        long result = 0;
        if (m.isRequest() && m.cseq() == compare && st.state == REQUEST && method.equals(st.method)
            && !method.equals("ACK") && !method.equals("CANCEL")) {
            result = st.frame;
        }
        if (!m.isRequest() && m.cseq() == compare && st.state == FINAL && method.equals(st.method)
            && m.statusCode() >= 200 && m.statusCode() == st.code) {
            result = st.frame;
        }
        if (m.isRequest()) {
            st.state = REQUEST;
            if (result == 0) {
                st.frame = m.frame();
            }
        } else if (m.statusCode() >= 200) {
            st.code = m.statusCode();
            st.state = FINAL;
            if (result == 0) {
                st.frame = m.frame();
            }
        } else {
            st.state = PROVISIONAL;
        }
        return result;
    }

    /** Calls in order of their first message. */
    public List<SipCall> calls() {
        return List.copyOf(calls.values());
    }

    /** Every SIP message in capture order. */
    public List<SipEntry> messages() {
        return Collections.unmodifiableList(messages);
    }

    /** Requests by method (tshark sip,stat). */
    public Map<String, Long> requestsByMethod() {
        return Collections.unmodifiableMap(requests);
    }

    /** Responses by status code (tshark sip,stat). */
    public Map<Integer, Long> responsesByCode() {
        return Collections.unmodifiableMap(responses);
    }

    public long resentMessages() {
        return resent;
    }

    /** Conversations where SIP over TLS was seen (encrypted; no message readable). */
    public List<SipTls> tls() {
        return Collections.unmodifiableList(tls);
    }

    /** Calls dropped by the calls limit. */
    public long droppedCalls() {
        return dropped;
    }

    /** Anomalies the tracker itself raised (limits). */
    public List<Anomaly> anomalies() {
        return Collections.unmodifiableList(ownAnomalies);
    }
}
