package dev.callscope.flow.dubbo;

import dev.callscope.core.Direction;
import dev.callscope.core.Endpoint;
import dev.callscope.core.FlowKey;
import dev.callscope.core.Limits;
import dev.callscope.dissect.Anomaly;
import dev.callscope.tap.ConversationRecord;
import dev.callscope.tap.FrameRecord;
import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.dissect.Severity;
import dev.callscope.tap.Tap;
import dev.callscope.tap.TcpEvent;
import dev.callscope.dissect.dubbo.DubboFrame;
import dev.callscope.dissect.http2.Http2Call;
import dev.callscope.dissect.http2.Http2ConnectionSummary;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Pairs Dubbo requests and responses by request id per connection, follows heartbeats and the TCP
 * life of each connection, and sums calls per service#method. Bounded: pending requests per
 * connection, open connections (least recently active evicted), exchanges and timelines kept,
 * latency samples per method (see {@link LatencySamples}). Exceeding a bound records an anomaly and
 * keeps counting.
 *
 * <p>A request waits for its response, in packet time, for its own timeout (the {@code timeout}
 * attachment, in ms, else {@link Limits#dubboTimeoutNanos}) plus a linger for late responses
 * ({@link Limits#dubboLingerNanos}); then it is over, unanswered ({@link
 * DubboExchange.State#UNANSWERED_AFTER_TIMEOUT}, or {@code UNANSWERED_AT_CLOSE} when its connection
 * had closed meanwhile). Heartbeats wait as long. With {@link #stream} each exchange is handed on
 * as soon as it is over (answered, one-way, given up, or its connection ended) and then forgotten,
 * so memory follows the requests in flight.
 */
public final class DubboTracker implements Tap {
    public static final int MAX_SILENCES = 32;
    /** A silence is one Dubbo's idle check would act on when it exceeds this many heartbeat intervals. */
    public static final int MISSED_HEARTBEAT_FACTOR = 3;
    /** Heartbeat requests waiting for their response, per connection and direction (the oldest give way). */
    /** A timeout attachment above this many ms counts as this (2^40 ms, 35 years; no overflow). */
    private static final long MAX_TIMEOUT_MS = 1L << 40;

    /** Told about each exchange once it is over (see {@link #stream}). */
    public interface Listener {
        /** The exchange will not change any more; with {@link #stream} the tracker forgets it after this. */
        void exchange(DubboExchange x);

        /** A Triple call, once its stream ended; with {@link #stream} the tracker keeps only its summaries. */
        default void triple(Http2Call c) {
        }
    }

    /** Bounds: {@link Limits}' maxDubboConnections, maxDubboPending, maxDubboExchanges and maxDubboSynOnly. */
    public record Bounds(int maxConnections, int maxPendingPerConnection, int maxExchanges, int maxSynOnly) {
        public static Bounds defaults() {
            return of(new Limits());
        }

        public static Bounds of(final Limits l) {
            return new Bounds(l.maxDubboConnections, l.maxDubboPending, l.maxDubboExchanges, l.maxDubboSynOnly);
        }
    }

    /** Latencies kept exactly per service#method before percentiles come from a histogram. */
    public static final int EXACT_LATENCIES = LatencySamples.EXACT_CAP;
    /** Bound on the relative error of an approximate percentile. */
    public static final double LATENCY_RELATIVE_ERROR = LatencySamples.RELATIVE_ERROR;

    /** Totals over the capture. */
    /**
     * @param timeouts responses with status CLIENT_TIMEOUT or SERVER_TIMEOUT
     * @param lateResponses responses after the consumer's own deadline (its timeout attachment, else the
     *     default; for Triple its grpc-timeout), of both protocols
     * @param overPayloadLimit calls whose request or response was over Dubbo's payload limit (see
     *     {@link DubboExchange#overPayloadLimit()})
     * @param triple the Triple calls' own totals
     */
    public record Totals(long requests, long responses, long oneWay, long unanswered, long timeouts, long exceptions,
                         long errors, long duplicateIds, long unmatchedResponses, long heartbeats, long heartbeatRequests,
                         long heartbeatResponses, long missedHeartbeats, long brokenBodies, long connections,
                         long reconnects, long lateResponses, long overPayloadLimit, TripleTotals triple) {
        /** Responses after the consumer's deadline on the dubbo protocol alone. */
        public long dubboLateResponses() {
            return lateResponses - triple.late();
        }
    }

    /**
     * Totals of the Triple calls (gRPC over HTTP/2).
     *
     * @param calls streams with a gRPC content type
     * @param errors a gRPC status other than OK, a tri-exception-code, a reset or no status
     * @param exceptions OK with Dubbo's tri-exception-code (the provider's method threw)
     * @param late DEADLINE_EXCEEDED, or ended after the consumer's grpc-timeout
     * @param resets ended by RST_STREAM
     * @param unanswered neither a status nor a reset (still open at the connection's end)
     * @param connections HTTP/2 connections that carried them
     * @param stalls flow-control stalls on those connections (a window at 0 while data waited)
     */
    public record TripleTotals(long calls, long errors, long exceptions, long late, long resets, long unanswered,
                               long connections, long stalls) {
    }

    private final Bounds bounds;
    private final LinkedHashMap<FlowKey, Open> open = new LinkedHashMap<>(64, 0.75f, true);
    private final LinkedHashMap<FlowKey, List<TcpEvent>> synOnly = new LinkedHashMap<>(64, 0.75f, true);
    private final List<DubboConnection> connections = new ArrayList<>();
    private final List<DubboExchange> exchanges = new ArrayList<>();
    private final Map<String, MethodStats> methods = new TreeMap<>();
    /** provider endpoint + consumer host → when a connection between them last closed */
    private final Map<String, Long> lastClosed = new HashMap<>();
    private final List<Anomaly> anomalies = new ArrayList<>();
    /** Responses without their request in the capture, the first ones (bounded like the pending requests). */
    private final List<DubboFrame> unmatchedResponses = new ArrayList<>();
    private long nextIndex = 1;
    private long requests;
    private long responses;
    private long oneWay;
    private long unanswered;
    private long timeouts;
    private long late;
    private long exceptions;
    private long errors;
    private long duplicates;
    private long unmatched;
    private long heartbeatRequests;
    private long heartbeatResponses;
    private long missed;
    private long broken;
    private long reconnects;
    private boolean exchangeLimitReported;
    private boolean finished;
    // lifecycle
    private long defaultTimeoutNanos;
    private long lingerNanos;
    private Listener listener;
    private boolean keep = true;
    /** Pending two-way requests of every connection, earliest deadline first. */
    private final TreeSet<DubboExchange> waiting = new TreeSet<>(
        Comparator.comparingLong((DubboExchange x) -> x.deadlineNanos).thenComparingLong(x -> x.seq));
    /** No deadline in {@link #waiting} is earlier (it may be later: answered requests leave without updating it). */
    private long nextDeadline = Long.MAX_VALUE;
    private long nextSeq;
    private long timedOutRequests;
    /** The exchanges of each connection, in order of request: {@link #exchangesOf}. */
    private Map<DubboConnection, List<DubboExchange>> byConnection;
    private int indexedExchanges;

    /** A connection being tracked: its public view and its pending requests per direction of the request. */
    private static final class Open {
        final DubboConnection conn;
        @SuppressWarnings("unchecked")
        final LinkedHashMap<Long, DubboExchange>[] pending = new LinkedHashMap[] {new LinkedHashMap<>(), new LinkedHashMap<>()};
        /** Heartbeat request id → its time, in order of request, per direction of the request. */
        @SuppressWarnings("unchecked")
        final LinkedHashMap<Long, Long>[] heartbeatPending = new LinkedHashMap[] {new LinkedHashMap<>(), new LinkedHashMap<>()};

        Open(final DubboConnection conn) {
            this.conn = conn;
        }
    }

    public DubboTracker() {
        this(Bounds.defaults());
    }

    public DubboTracker(final Bounds bounds) {
        this.bounds = bounds;
        final Limits defaults = new Limits();
        this.defaultTimeoutNanos = defaults.dubboTimeoutNanos;
        this.lingerNanos = defaults.dubboLingerNanos;
    }

    /** A tracker with default bounds and the timeouts of {@code limits}. */
    public static DubboTracker of(final Limits limits) {
        final DubboTracker t = new DubboTracker(Bounds.of(limits)).timeouts(limits.dubboTimeoutNanos, limits.dubboLingerNanos);
        t.payloadLimit = limits.dubboPayloadLimit;
        t.maxTimeline = Math.max(0, limits.dubboMaxTimeline);
        t.maxHeartbeatsPending = Math.max(1, limits.maxDubboHeartbeatsPending);
        return t;
    }

    /** Frames and TCP events kept per connection, heartbeats awaiting their response per connection ({@link Limits}). */
    private int maxTimeline = new Limits().dubboMaxTimeline;
    private int maxHeartbeatsPending = new Limits().maxDubboHeartbeatsPending;
    /** Dubbo's payload setting: bodies longer are over the limit ({@link Limits#dubboPayloadLimit}). */
    private long payloadLimit = new Limits().dubboPayloadLimit;
    private long overLimit;

    /**
     * How long requests wait for their response, in packet time: a request's {@code timeout}
     * attachment (ms), else {@code defaultTimeoutNanos}, plus {@code lingerNanos} for late responses.
     */
    public DubboTracker timeouts(final long defaultTimeoutNanos, final long lingerNanos) {
        if (defaultTimeoutNanos <= 0 || lingerNanos < 0) {
            throw new IllegalArgumentException("timeout " + defaultTimeoutNanos + ", linger " + lingerNanos);
        }
        this.defaultTimeoutNanos = defaultTimeoutNanos;
        this.lingerNanos = lingerNanos;
        return this;
    }

    /**
     * Hands each exchange to {@code l} once it is over and keeps neither exchanges nor connection
     * timelines ({@link #exchanges()} stays empty, ladders cannot be drawn); the per-method and
     * per-connection summaries and the totals are kept as before.
     */
    public DubboTracker stream(final Listener l) {
        this.listener = l;
        this.keep = false;
        return this;
    }

    // ------------------------------------------------------------------ events

    @Override
    public boolean wants(final Class<? extends ProtocolEvent> type) {
        return type == DubboFrame.class || type == TcpEvent.class || type == Http2Call.class || type == Http2ConnectionSummary.class;
    }

    /** Triple (gRPC over HTTP/2) calls, in order of their end; at most {@code maxExchanges} kept. */
    private final List<Http2Call> tripleCalls = new ArrayList<>();
    private long tripleCallsNotKept;
    private final List<Http2ConnectionSummary> http2Connections = new ArrayList<>();

    /** Triple (gRPC over HTTP/2) calls in order of their first HEADERS. */
    public List<Http2Call> tripleCalls() {
        final List<Http2Call> l = new ArrayList<>(tripleCalls);
        l.sort(java.util.Comparator.comparingLong(Http2Call::tsNanos).thenComparingInt(Http2Call::streamId));
        return l;
    }

    /** Triple calls past the {@code maxExchanges} bound: counted, not kept. */
    public long tripleCallsNotKept() {
        return tripleCallsNotKept;
    }

    private long tripleTotal;
    private long tripleErrors;
    private long tripleExceptions;
    private long tripleLate;
    private long tripleResets;
    private long tripleUnanswered;
    private long tripleStalls;

    /** A Triple call in the per-method summary and the totals, as a dubbo-protocol call is. */
    private void triple(final Http2Call c) {
        final MethodStats m = methods.computeIfAbsent(tripleMethod(c), MethodStats::new);
        m.count++;
        tripleTotal++;
        if (c.endNanos() >= 0 && c.grpcStatus() != null) {
            m.add(c.endNanos() - c.tsNanos());
        }
        if (tripleError(c)) {
            m.errors++;
            tripleErrors++;
        }
        if (c.responseHeader("tri-exception-code") != null) {
            tripleExceptions++;
        }
        if (tripleLate(c)) {
            m.late++;
            late++;
            tripleLate++;
        }
        if (c.rstCode() >= 0) {
            tripleResets++;
        }
        if (c.grpcStatus() == null && c.rstCode() < 0) {
            m.unanswered++;
            tripleUnanswered++;
        }
    }

    /** "service#method" of a Triple call, as the dubbo protocol names it. */
    public static String tripleMethod(final Http2Call c) {
        return (c.service() == null ? "?" : c.service()) + "#" + (c.method() == null ? "?" : c.method());
    }

    /** A Triple call failed: a gRPC status other than OK, Dubbo's tri-exception-code, a reset, or no status. */
    public static boolean tripleError(final Http2Call c) {
        final Integer s = c.grpcStatus();
        return s == null || s != 0 || c.responseHeader("tri-exception-code") != null || c.rstCode() >= 0;
    }

    /**
     * A late Triple response: DEADLINE_EXCEEDED, or an end of stream after the consumer's
     * {@code grpc-timeout} (its own deadline).
     */
    public static boolean tripleLate(final Http2Call c) {
        final Integer s = c.grpcStatus();
        if (s != null && s == 4) {
            return true;
        }
        final long deadline = grpcTimeoutNanos(c.requestHeader("grpc-timeout"));
        return deadline > 0 && c.endNanos() >= 0 && c.endNanos() - c.tsNanos() > deadline;
    }

    /** gRPC's Timeout header: digits and a unit (H, M, S, m, u, n); -1 when absent or bad. */
    public static long grpcTimeoutNanos(final String v) {
        if (v == null || v.length() < 2 || v.length() > 9) {
            return -1;
        }
        final long n;
        try {
            n = Long.parseLong(v.substring(0, v.length() - 1));
        } catch (final NumberFormatException e) {
            return -1;
        }
        return switch (v.charAt(v.length() - 1)) {
            case 'H' -> n * 3_600_000_000_000L;
            case 'M' -> n * 60_000_000_000L;
            case 'S' -> n * 1_000_000_000L;
            case 'm' -> n * 1_000_000L;
            case 'u' -> n * 1_000L;
            case 'n' -> n;
            default -> -1;
        };
    }

    /** {@link #http2Connections} in order of first frame and each one's place in it, made again after a connection is added. */
    private List<Http2ConnectionSummary> http2Sorted;
    private Map<FlowKey, Integer> http2Place;

    /** The HTTP/2 connections that carried gRPC, as their ends reported them, in order of their first frame. */
    public List<Http2ConnectionSummary> http2Connections() {
        if (http2Sorted == null) {
            final List<Http2ConnectionSummary> l = new ArrayList<>(http2Connections);
            l.sort(Comparator.comparingLong(Http2ConnectionSummary::frame));
            http2Sorted = Collections.unmodifiableList(l);
            http2Place = new HashMap<>();
            for (int i = 0; i < l.size(); i++) {
                http2Place.putIfAbsent(l.get(i).flow(), i);
            }
        }
        return http2Sorted;
    }

    /**
     * The number of the HTTP/2 connection of {@code c} as {@code dubbo} and {@code ladder --connection}
     * give it (after the dubbo-protocol connections), or -1 when it is not known (yet).
     */
    public long tripleConnectionIndex(final Http2Call c) {
        http2Connections();
        final Integer i = c.flow() == null ? null : http2Place.get(c.flow());
        return i == null ? -1 : connections.size() + i + 1L;
    }

    @Override
    public void onEvent(final ProtocolEvent e) {
        if (e instanceof Http2Call c) {
            if (c.grpc()) {
                triple(c);
                if (listener != null) {
                    listener.triple(c);
                }
                if (!keep) {
                    return;
                }
                if (tripleCalls.size() < bounds.maxExchanges()) {
                    tripleCalls.add(c);
                } else {
                    tripleCallsNotKept++;
                }
            }
            return;
        }
        if (e instanceof Http2ConnectionSummary s) {
            if (s.grpcStreams() == 0) {
                return; // HTTP/2 without gRPC: not an RPC connection
            }
            tripleStalls += s.stallCount();
            if (http2Connections.size() < bounds.maxConnections()) {
                http2Connections.add(s);
                http2Sorted = null;
            }
            return;
        }
        if (e instanceof DubboFrame f) {
            expire(f.tsNanos());
            frame(f);
        } else if (e instanceof TcpEvent t) {
            expire(t.tsNanos());
            tcp(t);
        }
    }

    @Override
    public void onFrame(final FrameRecord frame) {
        expire(frame.tsNanos);
    }

    private void tcp(final TcpEvent t) {
        final Open o = open.get(t.flow());
        final boolean syn = (t.flags() & (TcpEvent.SYN | TcpEvent.ACK)) == TcpEvent.SYN;
        if (o == null || (syn && o.conn.closeNanos >= 0)) {
            if (o != null) {
                // the same 4-tuple reused after a close: the old connection is over
                finish(o, "reused");
                open.remove(t.flow());
            }
            // not (yet) known as Dubbo: keep the handshake until a Dubbo frame claims the flow
            if (syn) {
                final List<TcpEvent> l = new ArrayList<>(2);
                l.add(t);
                synOnly.put(t.flow(), l);
                if (synOnly.size() > bounds.maxSynOnly()) {
                    final Iterator<FlowKey> it = synOnly.keySet().iterator();
                    it.next();
                    it.remove();
                }
            } else {
                final List<TcpEvent> l = synOnly.get(t.flow());
                if (l != null && l.size() < 8) {
                    l.add(t);
                }
            }
            return;
        }
        final DubboConnection c = o.conn;
        timeline(c, t);
        c.lastNanos = Math.max(c.lastNanos, t.tsNanos());
        if ((t.flags() & (TcpEvent.FIN | TcpEvent.RST)) != 0 && c.closeNanos < 0) {
            c.closeNanos = t.tsNanos();
            c.closeKind = t.kind();
            c.closedBy = t.direction() == c.clientToServer() ? "consumer" : "provider";
            // a consumer reconnects while the old conversation may still linger: its close counts from now
            if (lastClosed.size() < bounds.maxConnections() || lastClosed.containsKey(pairKey(c))) {
                lastClosed.merge(pairKey(c), c.closeNanos, Math::max);
            }
        }
        if ((t.flags() & TcpEvent.RST) != 0) {
            c.closeKind = "RST";
        }
    }

    private Open connection(final DubboFrame f) {
        Open o = open.get(f.flow());
        if (o != null) {
            return o;
        }
        if (open.size() >= bounds.maxConnections()) {
            final Iterator<Open> it = open.values().iterator();
            final Open eldest = it.next();
            it.remove();
            anomaly(new Anomaly("dubbo.connection_limit", Severity.WARN, f.frame(), -1, "more than "
                + bounds.maxConnections() + " Dubbo connections open: stopped tracking " + eldest.conn));
            finish(eldest, "evicted");
        }
        final DubboConnection c = new DubboConnection(nextIndex++, f.flow(), f.frame(), f.tsNanos());
        c.flowId = f.conversationId(); // known from the first frame, so records can be written before the end
        final List<TcpEvent> hs = synOnly.remove(f.flow());
        if (hs != null) {
            for (final TcpEvent t : hs) {
                timeline(c, t);
                if ((t.flags() & (TcpEvent.SYN | TcpEvent.ACK)) == TcpEvent.SYN) {
                    c.synNanos = t.tsNanos();
                    c.firstNanos = Math.min(c.firstNanos, t.tsNanos());
                    c.firstFrame = Math.min(c.firstFrame, t.frame());
                    c.clientToServer = t.direction();
                    c.rolesKnown = true;
                }
            }
            if (c.synNanos >= 0) {
                final Long closed = lastClosed.get(pairKey(c));
                if (closed != null && closed <= c.synNanos) {
                    c.reconnect = true;
                    c.reconnectGapNanos = c.synNanos - closed;
                    reconnects++;
                }
            }
        }
        o = new Open(c);
        open.put(f.flow(), o);
        connections.add(c);
        return o;
    }

    private static String pairKey(final DubboConnection c) {
        return c.server() + "|" + c.client().host();
    }

    private void frame(final DubboFrame f) {
        final Open o = connection(f);
        final DubboConnection c = o.conn;
        timeline(c, f);
        silence(c, f.tsNanos());
        c.lastNanos = Math.max(c.lastNanos, f.tsNanos());
        if (f.broken()) {
            broken++;
        }
        final int di = f.direction().index();
        if (f.event()) {
            heartbeat(o, f, di);
            return;
        }
        if (f.request()) {
            if (!c.rolesKnown) {
                c.clientToServer = f.direction();
                c.rolesKnown = true;
            }
            request(o, f, di);
        } else {
            response(o, f, di);
        }
    }

    private void heartbeat(final Open o, final DubboFrame f, final int di) {
        if (!f.heartbeat()) {
            return; // another event (read-only notice): shown on the ladder, not counted
        }
        final DubboConnection.Heartbeats h = o.conn.heartbeats[f.request() ? di : 1 - di];
        final LinkedHashMap<Long, Long> waitingBeats = o.heartbeatPending[f.request() ? di : 1 - di];
        final long oldest = f.tsNanos() - defaultTimeoutNanos - lingerNanos;
        for (final Iterator<Long> it = waitingBeats.values().iterator(); it.hasNext(); ) {
            if (it.next() >= oldest) {
                break;
            }
            it.remove(); // no response within the timeout and linger: given up, like a call
        }
        if (f.request()) {
            heartbeatRequests++;
            h.requests++;
            if (h.lastRequestNanos >= 0) {
                final long gap = f.tsNanos() - h.lastRequestNanos;
                h.intervals++;
                h.intervalSumNanos += gap;
                h.minIntervalNanos = Math.min(h.minIntervalNanos, gap);
                h.maxIntervalNanos = Math.max(h.maxIntervalNanos, gap);
            }
            h.lastRequestNanos = f.tsNanos();
            if (waitingBeats.size() >= maxHeartbeatsPending) {
                final Iterator<Long> it = waitingBeats.keySet().iterator();
                it.next();
                it.remove();
            }
            waitingBeats.put(f.requestId(), f.tsNanos());
        } else {
            heartbeatResponses++;
            if (waitingBeats.remove(f.requestId()) != null) {
                h.responses++;
            }
        }
    }

    private void request(final Open o, final DubboFrame f, final int di) {
        requests++;
        o.conn.requests++;
        final DubboExchange x = new DubboExchange(o.conn, f);
        final MethodStats m = methods.computeIfAbsent(x.serviceMethod(), MethodStats::new);
        m.count++;
        if (!keep) {
            // handed on when over, never listed
        } else if (exchanges.size() < bounds.maxExchanges()) {
            exchanges.add(x);
        } else if (!exchangeLimitReported) {
            exchangeLimitReported = true;
            anomaly(new Anomaly("dubbo.exchange_limit", Severity.WARN, f.frame(), -1,
                "more than " + bounds.maxExchanges() + " calls: later calls are counted but not listed"));
        }
        x.payloadLimit = payloadLimit;
        if (x.overPayloadLimit() != null) {
            overLimit++;
        }
        if (!f.twoWay()) {
            oneWay++;
            over(x);
            return;
        }
        final LinkedHashMap<Long, DubboExchange> pending = o.pending[di];
        final DubboExchange previous = pending.put(f.requestId(), x);
        x.waitingIn = pending;
        x.seq = nextSeq++;
        x.timeoutNanos = timeoutNanos(f);
        x.deadlineNanos = f.tsNanos() + x.timeoutNanos + lingerNanos;
        waiting.add(x);
        nextDeadline = Math.min(nextDeadline, x.deadlineNanos);
        if (previous != null) {
            duplicates++;
            x.markDuplicate();
            previous.markDuplicate();
            anomaly(new Anomaly("dubbo.duplicate_request_id", Severity.WARN, f.frame(), -1,
                "request id " + f.requestId() + " reused on " + o.conn + " while frame " + previous.request().frame()
                    + " was still waiting for its response"));
            closeUnanswered(previous, DubboExchange.State.UNANSWERED_AT_END);
        }
        if (pending.size() > bounds.maxPendingPerConnection()) {
            final Iterator<DubboExchange> it = pending.values().iterator();
            final DubboExchange oldest = it.next();
            it.remove();
            anomaly(new Anomaly("dubbo.pending_limit", Severity.WARN, f.frame(), -1, "more than "
                + bounds.maxPendingPerConnection() + " requests waiting on " + o.conn + ": gave up on request "
                + oldest.request().requestId()));
            closeUnanswered(oldest, DubboExchange.State.UNANSWERED_AT_END);
        }
    }

    /** The request's own timeout (its "timeout" attachment, ms), else the default. */
    private long timeoutNanos(final DubboFrame f) {
        final String t = f.body().attachments().get("timeout");
        if (t != null) {
            try {
                final long ms = Long.parseLong(t.trim());
                if (ms > 0) {
                    return Math.min(ms, MAX_TIMEOUT_MS) * 1_000_000L;
                }
            } catch (NumberFormatException e) {
                // not a number: the default
            }
        }
        return defaultTimeoutNanos;
    }

    private void response(final Open o, final DubboFrame f, final int di) {
        responses++;
        o.conn.responses++;
        final DubboExchange x = o.pending[1 - di].remove(f.requestId());
        if (x == null) {
            unmatched++;
            if (unmatchedResponses.size() < bounds.maxPendingPerConnection()) {
                unmatchedResponses.add(f);
            }
            anomaly(new Anomaly("dubbo.unmatched_response", Severity.INFO, f.frame(), -1,
                "response to request id " + f.requestId() + " on " + o.conn + " without a request in the capture"));
            return;
        }
        x.waitingIn = null;
        waiting.remove(x);
        final boolean overBefore = x.overPayloadLimit() != null;
        x.answer(f);
        if (!overBefore && x.overPayloadLimit() != null) {
            overLimit++;
        }
        final MethodStats m = methods.computeIfAbsent(x.serviceMethod(), MethodStats::new);
        if (m.add(x.latencyNanos())) {
            anomaly(new Anomaly("dubbo.latency_samples_limit", Severity.INFO, f.frame(), -1, String.format(
                java.util.Locale.ROOT, "more than %d answered calls to %s: its p50/p90/p99 come from a histogram "
                    + "(within %.1f %%; the maximum stays exact)", EXACT_LATENCIES, x.serviceMethod(),
                LATENCY_RELATIVE_ERROR * 100)));
        }
        if (x.timedOut()) {
            timeouts++;
        }
        if (x.late()) {
            late++;
            m.late++;
        }
        final String kind = f.body().resultKind();
        if (kind != null && kind.startsWith("exception")) {
            exceptions++;
        }
        if (x.error()) {
            errors++;
            m.errors++;
        }
        over(x);
    }

    /** Gives up on a pending request (it left its pending table already, or is about to). */
    private void closeUnanswered(final DubboExchange x, final DubboExchange.State s) {
        if (s == DubboExchange.State.UNANSWERED_AT_CLOSE && x.state() == DubboExchange.State.PENDING) {
            x.connection().lostAtClose++;
        }
        if (x.state() != DubboExchange.State.PENDING) {
            return;
        }
        x.waitingIn = null;
        waiting.remove(x);
        x.unanswered(s);
        unanswered++;
        errors++;
        final MethodStats m = methods.computeIfAbsent(x.serviceMethod(), MethodStats::new);
        m.errors++;
        m.unanswered++;
        over(x);
    }

    /** The exchange is over: hand it on. */
    private void over(final DubboExchange x) {
        if (listener != null) {
            listener.exchange(x);
        }
    }

    /**
     * Gives up on the requests whose deadline passed before packet time {@code now}: unanswered
     * after their timeout, or at close when their connection had closed meanwhile.
     */
    private void expire(final long now) {
        if (now <= nextDeadline) {
            return;
        }
        while (!waiting.isEmpty()) {
            final DubboExchange x = waiting.first();
            if (x.deadlineNanos >= now) {
                nextDeadline = x.deadlineNanos;
                return;
            }
            waiting.pollFirst();
            x.waitingIn.remove(x.request().requestId(), x);
            final boolean closed = x.connection().closeNanos >= 0;
            if (!closed) {
                timedOutRequests++;
            }
            closeUnanswered(x, closed ? DubboExchange.State.UNANSWERED_AT_CLOSE
                : DubboExchange.State.UNANSWERED_AFTER_TIMEOUT);
        }
        nextDeadline = Long.MAX_VALUE;
    }

    private void silence(final DubboConnection c, final long ts) {
        if (c.lastFrameNanos >= 0) {
            recordSilence(c, c.lastFrameNanos, ts - c.lastFrameNanos);
        }
        c.lastFrameNanos = ts;
    }

    /** Keeps the {@link #MAX_SILENCES} longest silences of a connection. */
    private static void recordSilence(final DubboConnection c, final long start, final long gap) {
        if (c.silenceCount < MAX_SILENCES) {
            c.silences[c.silenceCount] = gap;
            c.silenceStarts[c.silenceCount++] = start;
            return;
        }
        int min = 0;
        for (int i = 1; i < MAX_SILENCES; i++) {
            if (c.silences[i] < c.silences[min]) {
                min = i;
            }
        }
        if (gap > c.silences[min]) {
            c.silences[min] = gap;
            c.silenceStarts[min] = start;
        }
    }

    private void timeline(final DubboConnection c, final ProtocolEvent e) {
        if (!keep) {
            return;
        }
        if (c.timeline.size() < maxTimeline) {
            c.timeline.add(e);
        } else {
            c.timelineTruncated = true;
        }
    }

    // ------------------------------------------------------------------ connection ends

    @Override
    public void onConversation(final ConversationRecord r) {
        if (r.key().protocol() != 6) {
            return;
        }
        synOnly.remove(r.key());
        final Open o = open.remove(r.key());
        if (o != null) {
            o.conn.flowId = r.id();
            finish(o, r.endReason());
        }
    }

    private void finish(final Open o, final String reason) {
        final DubboConnection c = o.conn;
        c.endReason = reason;
        final DubboExchange.State s = c.closeNanos >= 0 ? DubboExchange.State.UNANSWERED_AT_CLOSE
            : DubboExchange.State.UNANSWERED_AT_END;
        for (final LinkedHashMap<Long, DubboExchange> p : o.pending) {
            for (final DubboExchange x : p.values()) {
                closeUnanswered(x, s);
            }
            p.clear();
        }
        // missed heartbeats: silences longer than three heartbeat intervals (Dubbo's idle timeout)
        final long interval = heartbeatInterval(c);
        if (interval > 0) {
            final long end = c.closeNanos >= 0 ? c.closeNanos : c.lastNanos;
            if (c.lastFrameNanos >= 0 && end > c.lastFrameNanos) {
                recordSilence(c, c.lastFrameNanos, end - c.lastFrameNanos);
            }
            for (int i = 0; i < c.silenceCount; i++) {
                if (c.silences[i] > MISSED_HEARTBEAT_FACTOR * interval) {
                    c.missedHeartbeats++;
                    missed++;
                    anomaly(new Anomaly("dubbo.missed_heartbeat", Severity.WARN, c.firstFrame, -1, String.format(
                        java.util.Locale.ROOT, "%s silent for %.3f s (heartbeat every %.3f s)", c, c.silences[i] / 1e9,
                        interval / 1e9)));
                }
            }
        }
        c.silences = null; // judged: released
        c.silenceStarts = null;
        if (c.closeNanos >= 0) {
            lastClosed.put(pairKey(c), c.closeNanos);
            if (lastClosed.size() > bounds.maxConnections()) {
                lastClosed.clear();
            }
        }
    }

    /** The heartbeat period: the shortest gap between heartbeats seen in either direction, or -1. */
    private static long heartbeatInterval(final DubboConnection c) {
        long best = -1;
        for (final DubboConnection.Heartbeats h : c.heartbeats) {
            final long m = h.minIntervalNanos();
            if (m > 0 && (best < 0 || m < best)) {
                best = m;
            }
        }
        return best;
    }

    @Override
    public void onEnd() {
        if (finished) {
            return;
        }
        finished = true;
        final List<Open> rest = new ArrayList<>(open.values());
        open.clear();
        for (final Open o : rest) {
            finish(o, "end");
        }
    }

    private void anomaly(final Anomaly a) {
        if (anomalies.size() < 10_000) {
            anomalies.add(a);
        }
    }

    // ------------------------------------------------------------------ results

    /** Calls in order of request (the first {@code maxExchanges}; none with {@link #stream}). */
    /**
     * The responses whose request the capture did not hold (at most {@code --max-dubbo-pending} of
     * them): in a file that continues another, answers to requests the earlier file ends with.
     */
    public List<DubboFrame> unmatchedResponses() {
        return java.util.Collections.unmodifiableList(unmatchedResponses);
    }

    public List<DubboExchange> exchanges() {
        return Collections.unmodifiableList(exchanges);
    }

    /**
     * The calls of one connection in order of request (an index over {@link #exchanges()}, built
     * once and extended as calls are added).
     */
    public List<DubboExchange> exchangesOf(final DubboConnection c) {
        if (byConnection == null) {
            byConnection = new IdentityHashMap<>();
        }
        for (; indexedExchanges < exchanges.size(); indexedExchanges++) {
            final DubboExchange x = exchanges.get(indexedExchanges);
            byConnection.computeIfAbsent(x.connection(), k -> new ArrayList<>()).add(x);
        }
        final List<DubboExchange> l = byConnection.get(c);
        return l == null ? List.of() : Collections.unmodifiableList(l);
    }

    /** Two-way requests waiting for their response now (the exchanges a streaming tracker holds). */
    public int pendingExchanges() {
        return waiting.size();
    }

    /** Requests given up after their timeout and linger while their connection stayed open. */
    public long timedOutRequests() {
        return timedOutRequests;
    }

    /** Connections in order of first Dubbo frame. */
    public List<DubboConnection> connections() {
        return Collections.unmodifiableList(connections);
    }

    /** Per service#method, sorted by name. */
    public List<MethodStats> methods() {
        return List.copyOf(methods.values());
    }

    /** Anomalies the tracker found (the dissector's own go to the engine's taps). */
    public List<Anomaly> anomalies() {
        return Collections.unmodifiableList(anomalies);
    }

    public Totals totals() {
        return new Totals(requests, responses, oneWay, unanswered, timeouts, exceptions, errors, duplicates, unmatched,
            heartbeatRequests + heartbeatResponses, heartbeatRequests, heartbeatResponses, missed, broken,
            connections.size(), reconnects, late, overLimit, new TripleTotals(tripleTotal, tripleErrors, tripleExceptions, tripleLate,
                tripleResets, tripleUnanswered, http2Connections.size(), tripleStalls));
    }

    /** The connection of an endpoint pair, for ladders: the first whose client or server is {@code e}. */
    public List<DubboConnection> connectionsOf(final Endpoint e) {
        final List<DubboConnection> l = new ArrayList<>();
        for (final DubboConnection c : connections) {
            if (c.client().equals(e) || c.server().equals(e)) {
                l.add(c);
            }
        }
        return l;
    }

    /** For tests: the direction a request went, as consumer → provider or back. */
    static boolean fromClient(final DubboConnection c, final Direction d) {
        return c.clientToServer() == d;
    }
}
