package dev.callscope.flow.sip;

import dev.callscope.core.HeapBudget;
import dev.callscope.dissect.Anomaly;
import dev.callscope.tap.FrameRecord;
import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.dissect.Severity;
import dev.callscope.tap.Tap;
import dev.callscope.dissect.sdp.SdpBody;
import dev.callscope.dissect.sip.SipMessage;
import dev.callscope.flow.rtp.RtpStreamTracker;
import dev.callscope.dissect.sip.SipTls;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * Groups SIP messages into calls by Call-ID, marks retransmissions the way tshark's {@code
 * sip.resend} does, and counts what {@code tshark -z sip,stat} counts. Bounded: past {@code
 * maxCalls} the oldest call is dropped (with an anomaly), like sngrep's rotation.
 */
public final class SipCallTracker implements Tap {
    /** How much of a call the tracker keeps once the call is over. */
    public enum Retention {
        /** Everything, to the end of the capture (ladders, verify, JSON documents, the shell). */
        ALL,
        /** The call's summary without its messages (tables). */
        SUMMARY,
        /** Nothing: the call is handed to the listener and forgotten (JSON Lines). */
        NONE
    }

    /** Told about each message as it is filed and about each call once it is over. */
    public interface Listener {
        /** A message was filed (its SDP, if any, is attached by the end of its frame). */
        default void message(final SipEntry entry) {
        }

        /** The call is over (or the capture ended); with {@link Retention#NONE} it is forgotten after this. */
        default void closed(final SipCall call) {
        }
    }

    /** Quiet time after a call was decided before it is closed: RFC 3261 Timer B/F/J (64 × T1). */
    public static final long DEFAULT_LINGER_NANOS = 32_000_000_000L;
    /** Quiet time after which a call that was never decided is closed as it stands. */
    public static final long DEFAULT_IDLE_NANOS = 3_600_000_000_000L;

    private final int maxCalls;
    private final LinkedHashMap<String, SipCall> calls = new LinkedHashMap<>();
    private final List<SipEntry> messages = new ArrayList<>();
    private final Map<String, Long> requests = new TreeMap<>();
    private final Map<Integer, Long> responses = new TreeMap<>();
    /** The call that most recently announced each media endpoint (and Session-ID) in its SDP. */
    private final Map<String, SipCall> mediaOwner = new HashMap<>();
    private final List<SipTls> tls = new ArrayList<>();
    private final List<Anomaly> ownAnomalies = new ArrayList<>();
    private long resent;
    private int nextIndex = 1;
    private long dropped;
    /** Of {@link #dropped}: calls that had no response, dropped before any call that had one. */
    private long droppedUnanswered;
    /** Calls without a response dropped because the heap was short (see {@link HeapBudget}). */
    private long shed;
    /** Calls held that had no response yet, in order of first message: the first to go at a bound. */
    private final LinkedHashMap<String, SipCall> unanswered = new LinkedHashMap<>();
    /** Messages of dropped calls still in {@link #messages}. */
    private long droppedEntries;
    private long totalMessages;
    private SipEntry last;
    private SipEntry pending;
    // lifecycle
    private Retention retention = Retention.ALL;
    private boolean slim;
    private Listener listener;
    private RtpStreamTracker media;
    private long lingerNanos = DEFAULT_LINGER_NANOS;
    private long idleNanos = DEFAULT_IDLE_NANOS;
    /** Decided calls waiting for their quiet time (a few seconds' worth: entries are short-lived). */
    private final PriorityQueue<Closing> closing = new PriorityQueue<>();
    /** Calls not yet closed, least recently active first (for the idle timeout). */
    private final LinkedHashMap<String, SipCall> open = new LinkedHashMap<>(64, 0.75f, true);
    private java.util.function.Predicate<SipCall> keepWhole = c -> false;
    /** Index and part of calls written and forgotten, by Call-ID (up to maxCalls, oldest first out). */
    private final LinkedHashMap<String, int[]> written = new LinkedHashMap<>();
    private long closedCalls;
    private long nextCheck = Long.MIN_VALUE;

    public SipCallTracker(final int maxCalls) {
        this.maxCalls = maxCalls;
    }

    /** A call to look at again at a packet time. */
    private record Closing(long deadline, SipCall call) implements Comparable<Closing> {
        @Override
        public int compareTo(final Closing o) {
            return Long.compare(deadline, o.deadline);
        }
    }

    /**
     * Joins each call with its RTP streams (by the SDP that announced them): a call's last media
     * packet extends a call still up at the end, and keeps a call open while its media flows.
     */
    public SipCallTracker media(final RtpStreamTracker rtp) {
        this.media = rtp;
        rtp.callsLive(id -> {
            final SipCall c = calls.get(id);
            return c != null && !c.decided();
        });
        return this;
    }

    /**
     * Messages are held only as what their JSON records name (no text, headers or body) once the
     * call has read them: for a listener that writes records and nothing else. On a capture of
     * short calls the held messages are most of what outlives a young collection; this keeps about a
     * third of it.
     */
    public SipCallTracker slimMessages() {
        this.slim = true;
        return this;
    }

    /**
     * Hands each message and each call that is over to {@code l}, and keeps of an ended call what
     * {@code r} says. A call is over when it was decided (see {@link SipCall#decided()}) and neither
     * SIP nor its media was seen for {@code lingerNanos} of capture time, or when nothing was seen for
     * {@code idleNanos}. Calls still open at the end are closed by {@link #closeAll()}.
     */
    public SipCallTracker stream(final Retention r, final Listener l, final long lingerNanos, final long idleNanos) {
        if (lingerNanos < 0 || idleNanos < lingerNanos) {
            throw new IllegalArgumentException("linger " + lingerNanos + ", idle " + idleNanos);
        }
        this.retention = r;
        this.listener = l;
        this.lingerNanos = lingerNanos;
        this.idleNanos = idleNanos;
        return this;
    }

    /**
     * With {@link Retention#SUMMARY}: the calls that keep their messages and media when over (the
     * calls a ladder draws or a spec selects), judged when each call is over.
     */
    public SipCallTracker keepWhole(final java.util.function.Predicate<SipCall> p) {
        this.keepWhole = p;
        return this;
    }

    /** tshark's resend state of one (source, destination) of a Call-ID. */
    private static final class ResendState {
        long cseq;
        String method;
        int state = NOTHING;
        int code;
        long frame;
    }

    /** A resend key within one call: both endpoints. */
    private record Ends(Object src, Object dst) {
    }

    private static final int NOTHING = 0;
    private static final int REQUEST = 1;
    private static final int PROVISIONAL = 2;
    private static final int FINAL = 3;

    @Override
    public boolean wants(final Class<? extends ProtocolEvent> type) {
        return type == SipMessage.class || type == SipTls.class || type == SdpBody.class;
    }

    @Override
    public void onEvent(final ProtocolEvent event) {
        if (event instanceof SipMessage m) {
            flushPending();
            add(m);
        } else if (event instanceof SipTls t) {
            tls.add(t);
        } else {
            final SdpSummaries.Sdp s = SdpSummaries.of(event);
            if (s != null) {
                attachSdp(s, event.tsNanos());
            }
        }
    }

    @Override
    public void onFrame(final FrameRecord frame) {
        flushPending();
        if (listener != null && frame.tsNanos >= nextCheck) {
            nextCheck = frame.tsNanos + CHECK_NANOS;
            closeDue(frame.tsNanos);
        }
    }

    /** How often (capture time) calls are looked at for closing. */
    private static final long CHECK_NANOS = 250_000_000L;

    @Override
    public void onEnd() {
        flushPending();
        if (media != null && listener == null) {
            for (final SipCall c : calls.values()) {
                c.mediaEnd(media.lastMediaNanos(c.callId()));
            }
        }
    }

    private void flushPending() {
        if (pending != null) {
            final SipEntry e = pending;
            pending = null;
            listener.message(e);
        }
    }

    private void attachSdp(final SdpSummaries.Sdp sdp, final long ts) {
        if (last == null || last.message().frame() != sdp.frame()) {
            return;
        }
        last.sdpSummary(last.sdpSummary() == null ? sdp.summary() : last.sdpSummary() + "; " + sdp.summary());
        final SipCall call = last.call();
        for (final String ep : sdp.mediaEndpoints()) {
            call.addMedia(ep);
            share(call, ep, ts);
        }
    }

    /**
     * Links two calls through something both announced (a media endpoint, a Session-ID) only when
     * the call that announced it before is still up: both legs of a B2BUA, not a phone that reuses
     * its RTP port for its next call.
     */
    private void share(final SipCall call, final String key, final long ts) {
        final SipCall other = mediaOwner.put(key, call);
        if (other != call) {
            call.ownedKeys.add(key);
        }
        if (other != null && other != call && live(other, ts)) {
            call.link(other.callId());
            other.link(call.callId());
        }
    }

    /** Whether a call was still up at capture time {@code ts}: not decided, or decided but not long before. */
    private static boolean live(final SipCall c, final long ts) {
        return !c.decided();
    }

    private void add(final SipMessage m) {
        totalMessages++;
        if (m.isRequest()) {
            requests.merge(m.method(), 1L, Long::sum);
        } else {
            responses.merge(m.statusCode(), 1L, Long::sum);
        }
        final String id = m.callId() == null ? "" : m.callId();
        SipCall call = calls.get(id);
        if (call == null) {
            if (calls.size() >= maxCalls) {
                drop(unansweredVictim(), m.frame(), false);
            }
            if (heap.newItem()) {
                shed(m.frame());
            }
            final int[] before = written.isEmpty() ? null : written.remove(id);
            if (before != null) {
                call = new SipCall(before[0], id); // a Call-ID seen again after its call was written
                call.part = before[1] + 1;
            } else {
                call = new SipCall(nextIndex++, id);
            }
            calls.put(id, call);
            unanswered.put(id, call);
        }
        if (listener != null && !call.closed) {
            open.put(id, call); // most recently active last
        }
        final long resendOf = resendOf(call, m);
        if (resendOf > 0) {
            resent++;
        }
        final boolean wasDecided = call.decided();
        final SipEntry e = new SipEntry(m, call, resendOf > 0, resendOf);
        call.add(e);
        if (!m.isRequest() && !unanswered.isEmpty()) {
            unanswered.remove(id, call);
        }
        if (retention == Retention.ALL) {
            messages.add(e);
        }
        last = e;
        if (listener != null) {
            pending = e;
            if (!call.closed && call.decided() && (!wasDecided || call.closeDeadline > m.tsNanos() + lingerNanos)) {
                schedule(call, m.tsNanos() + lingerNanos);
            }
        }
        final String sessionId = m.header("Session-ID");
        if (sessionId != null && !sessionId.isBlank()) {
            share(call, "session-id:" + sessionId.split(";")[0].trim().toLowerCase(java.util.Locale.ROOT), m.tsNanos());
        }
        if (slim) {
            e.slim();
        }
    }

    /** Call-IDs of written calls remembered to number a returning Call-ID as before (the latest ones). */
    private static final int MAX_WRITTEN = 20_000;

    /** Anomalies about the calls limit that are kept (the count is always right). */
    private static final int MAX_LIMIT_ANOMALIES = 100;

    /** Looks at the heap every few thousand new items (see {@link HeapBudget}). */
    private final HeapBudget.Watch heap = new HeapBudget.Watch();

    /** The oldest call still held that had no response, else the oldest call. */
    private SipCall unansweredVictim() {
        final Iterator<SipCall> it = unanswered.values().iterator();
        return it.hasNext() ? it.next() : calls.values().iterator().next();
    }

    /** The heap is short: drops the calls held that had no response, all but the newest few. */
    private void shed(final long frame) {
        while (unanswered.size() > HeapBudget.KEEP) {
            drop(unanswered.values().iterator().next(), frame, true);
        }
    }

    /** Drops a held call at a bound, counted (and the first few as anomalies). */
    private void drop(final SipCall old, final long frame, final boolean forHeap) {
        calls.remove(old.callId());
        final boolean noResponse = unanswered.remove(old.callId(), old); // held and never answered
        open.remove(old.callId());
        old.dropped = true;
        if (forHeap) {
            shed++;
        } else {
            dropped++;
        }
        if (noResponse) {
            droppedUnanswered++;
        }
        if (dropped + shed <= MAX_LIMIT_ANOMALIES) {
            ownAnomalies.add(forHeap
                ? new Anomaly("sip.calls_heap", Severity.WARN, frame, -1,
                    "heap short: dropped a call without a response, " + old.callId())
                : new Anomaly("sip.calls_limit", Severity.WARN, frame, -1,
                    "more than " + maxCalls + " calls: dropped " + (noResponse ? "the oldest without a response, " : "the oldest, ")
                        + old.callId()));
        }
        forget(old);
        if (retention == Retention.ALL) {
            droppedEntries += old.messageCount();
            if (droppedEntries > 1024 && droppedEntries > messages.size() / 2) {
                messages.removeIf(e -> e.call().dropped);
                droppedEntries = 0;
            }
        }
    }

    private void schedule(final SipCall c, final long deadline) {
        if (deadline < c.closeDeadline) {
            c.closeDeadline = deadline;
            closing.add(new Closing(deadline, c));
        }
    }

    /** Closes the calls whose quiet time has run out at capture time {@code now}. */
    private void closeDue(final long now) {
        closeIdle(now);
        while (!closing.isEmpty() && closing.peek().deadline() <= now) {
            final Closing head = closing.poll();
            final SipCall c = head.call();
            if (head.deadline() != c.closeDeadline || c.closed || calls.get(c.callId()) != c) {
                continue; // superseded by an earlier deadline, or already gone
            }
            c.closeDeadline = Long.MAX_VALUE;
            if (!c.decided()) {
                continue; // back in progress (a new INVITE after a challenge): the idle scan has it
            }
            long lastSeen = c.lastSipNanos();
            if (media != null) {
                lastSeen = Math.max(lastSeen, media.lastMediaNanos(c.callId()));
            }
            final long due = lastSeen + lingerNanos;
            if (due > now) {
                schedule(c, due);
            } else {
                close(c);
            }
        }
    }

    /**
     * Closes calls never decided that were silent (SIP and media) for the idle time: the least
     * recently active are first in {@link #open}, so this stops at the first call still active.
     */
    private void closeIdle(final long now) {
        List<SipCall> idle = null;
        List<SipCall> mediaActive = null;
        for (final SipCall c : open.values()) {
            if (c.lastSipNanos + idleNanos > now) {
                break;
            }
            if (c.decided()) {
                continue; // the linger queue has it
            }
            if (media != null && media.lastMediaNanos(c.callId()) + idleNanos > now) {
                if (mediaActive == null) {
                    mediaActive = new ArrayList<>();
                }
                mediaActive.add(c);
                continue;
            }
            if (idle == null) {
                idle = new ArrayList<>();
            }
            idle.add(c);
        }
        if (mediaActive != null) {
            for (final SipCall c : mediaActive) {
                c.lastSipNanos = Math.max(c.lastSipNanos, media.lastMediaNanos(c.callId()));
                open.get(c.callId()); // to the end: its media is still flowing
            }
        }
        if (idle != null) {
            idle.forEach(this::close);
        }
    }

    private void close(final SipCall c) {
        open.remove(c.callId());
        if (retention == Retention.NONE) {
            unanswered.remove(c.callId(), c); // written and forgotten: not a candidate any more
        }
        c.closed = true;
        if (media != null) {
            c.mediaEnd(media.lastMediaNanos(c.callId()));
        }
        closedCalls++;
        listener.closed(c);
        if (retention == Retention.ALL || retention == Retention.SUMMARY && keepWhole.test(c)) {
            return;
        }
        if (media != null) {
            media.release(c.callId());
        }
        if (retention == Retention.NONE) {
            calls.remove(c.callId());
            forget(c);
            written.put(c.callId(), new int[] {c.index(), c.part()});
            if (written.size() > Math.min(maxCalls, MAX_WRITTEN)) {
                written.remove(written.keySet().iterator().next());
            }
        } else {
            forget(c); // its media endpoints and Session-ID link no later call
            c.compact();
        }
    }

    /** Drops what refers to a call that is gone (its media and Session-ID announcements). */
    private void forget(final SipCall c) {
        if (last != null && last.call() == c) {
            last = null;
        }
        for (final String k : c.ownedKeys) {
            mediaOwner.remove(k, c);
        }
    }

    /** Closes every call still open, in order of first message (the end of the capture). */
    public void closeAll() {
        flushPending();
        if (listener == null) {
            return;
        }
        final List<SipCall> stillOpen = new ArrayList<>();
        for (final SipCall c : calls.values()) {
            if (!c.closed) {
                stillOpen.add(c);
            }
        }
        closing.clear();
        for (final SipCall c : stillOpen) {
            close(c);
        }
    }

    /**
     * tshark's {@code sip.resend} rule (UDP only): per (Call-ID, source, destination) remember the
     * CSeq, its method and the transaction state. A request is a resend when the CSeq and method
     * equal the remembered ones and a request was the last thing seen (ACK and CANCEL never are);
     * a final response is a resend when a final response with the same code was the last thing
     * seen; provisional responses never are. A new CSeq resets the state.
     */
    private long resendOf(final SipCall call, final SipMessage m) {
        if (m.cseq() < 0 || m.callId() == null || m.src() == null || !"UDP".equals(m.transport())) {
            return 0;
        }
        final String method = m.cseqMethod() == null ? "" : m.cseqMethod();
        final Ends key = new Ends(m.src(), m.dst());
        ResendState st = (ResendState) call.resend.get(key);
        long compare = -1;
        if (st == null) {
            st = new ResendState();
            st.cseq = m.cseq();
            st.method = method;
            call.resend.put(key, st);
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

    /** Calls in order of their first message (those still held: see {@link #stream}). */
    public List<SipCall> calls() {
        return List.copyOf(calls.values());
    }

    /** Every SIP message in capture order (none are kept unless the retention is {@link Retention#ALL}). */
    public List<SipEntry> messages() {
        return Collections.unmodifiableList(messages);
    }

    /** SIP messages seen, including those not kept. */
    public long messageCount() {
        return totalMessages;
    }

    /** Calls closed so far (see {@link #stream}). */
    public long closedCalls() {
        return closedCalls;
    }

    /**
     * Calls seen so far (Call-IDs), whether still held, closed or dropped. One field read: a progress
     * display may call it from another thread and get a slightly stale count.
     */
    public long callsSeen() {
        return nextIndex - 1;
    }

    /** Calls held now. */
    public int liveCalls() {
        return calls.size();
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

    /** Of the calls dropped, by the limit or for the heap, those that had no response. */
    public long droppedUnanswered() {
        return droppedUnanswered;
    }

    /** Calls without a response dropped because the heap was short. */
    public long shedCalls() {
        return shed;
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
