package dev.callscope.cli;

import dev.callscope.core.Limits;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ObjLongConsumer;
import java.util.function.ToLongFunction;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * One flag per bound in {@link Limits}. The defaults are written once, in {@code Limits}: help shows
 * them through {@link #DEFAULTS} ({@code ${DEFAULT-VALUE}}), and {@link #BOUNDS} takes each flag's value
 * into its field.
 */
public final class LimitOptions {
    private static final long SECOND = 1_000_000_000L;

    /**
     * A flag's way into {@link Limits}: the field it sets (in {@code unit}s of the flag's value, seconds
     * for the timeouts), the least value it takes (0 or 1) and the most (what the field holds).
     */
    private record Bound(Function<LimitOptions, Long> option, long unit, long min, long max, ToLongFunction<Limits> get,
                         ObjLongConsumer<Limits> set) {
    }

    private static final int INT = Integer.MAX_VALUE;
    /** Every flag, by name. */
    static final Map<String, Bound> BOUNDS = new LinkedHashMap<>();

    static {
        BOUNDS.put("--max-flows", new Bound(o -> o.maxFlows, 1, 1, INT, l -> l.maxFlows, (l, v) -> l.maxFlows = (int) v));
        BOUNDS.put("--max-flow-rows", new Bound(o -> o.maxFlowRows, 1, 1, INT,
            l -> l.maxFlowRows, (l, v) -> l.maxFlowRows = (int) v));
        BOUNDS.put("--flow-timeout", new Bound(o -> o.flowTimeout, SECOND, 1, Long.MAX_VALUE / SECOND,
            l -> l.flowIdleTimeoutNanos, (l, v) -> l.flowIdleTimeoutNanos = v));
        BOUNDS.put("--udp-flow-timeout", new Bound(o -> o.udpFlowTimeout, SECOND, 1, Long.MAX_VALUE / SECOND,
            l -> l.udpFlowIdleTimeoutNanos, (l, v) -> l.udpFlowIdleTimeoutNanos = v));
        BOUNDS.put("--tcp-max-buffer", new Bound(o -> o.tcpMaxBuffer, 1, 1, INT,
            l -> l.tcpMaxBufferedPerDirection, (l, v) -> l.tcpMaxBufferedPerDirection = (int) v));
        BOUNDS.put("--tcp-max-segments", new Bound(o -> o.tcpMaxSegments, 1, 1, INT,
            l -> l.tcpMaxOutOfOrderSegments, (l, v) -> l.tcpMaxOutOfOrderSegments = (int) v));
        BOUNDS.put("--reassembly-budget", new Bound(o -> o.reassemblyBudget, 1, 1, Long.MAX_VALUE,
            l -> l.reassemblyBudget, (l, v) -> l.reassemblyBudget = v));
        BOUNDS.put("--ip-max-fragments", new Bound(o -> o.ipMaxFragments, 1, 1, INT,
            l -> l.ipMaxFragmentsPerDatagram, (l, v) -> l.ipMaxFragmentsPerDatagram = (int) v));
        BOUNDS.put("--ip-max-pending", new Bound(o -> o.ipMaxPending, 1, 1, INT,
            l -> l.ipMaxPendingDatagrams, (l, v) -> l.ipMaxPendingDatagrams = (int) v));
        BOUNDS.put("--max-anomalies", new Bound(o -> o.maxAnomalies, 1, 0, INT,
            l -> l.maxAnomalyRecords, (l, v) -> l.maxAnomalyRecords = (int) v));
        BOUNDS.put("--sip-max-message", new Bound(o -> o.sipMaxMessage, 1, 1, INT,
            l -> l.sipMaxMessage, (l, v) -> l.sipMaxMessage = (int) v));
        BOUNDS.put("--dubbo-max-payload", new Bound(o -> o.dubboMaxPayload, 1, 1, INT,
            l -> l.dubboMaxPayload, (l, v) -> l.dubboMaxPayload = (int) v));
        BOUNDS.put("--http2-max-header-list", new Bound(o -> o.http2MaxHeaderList, 1, 1, INT,
            l -> l.http2MaxHeaderList, (l, v) -> l.http2MaxHeaderList = (int) v));
        BOUNDS.put("--http2-max-header-table", new Bound(o -> o.http2MaxHeaderTable, 1, 1, INT,
            l -> l.http2MaxHeaderTable, (l, v) -> l.http2MaxHeaderTable = (int) v));
        BOUNDS.put("--http2-max-streams", new Bound(o -> o.http2MaxStreams, 1, 1, INT,
            l -> l.http2MaxStreams, (l, v) -> l.http2MaxStreams = (int) v));
        BOUNDS.put("--dubbo-timeout", new Bound(o -> o.dubboTimeout, SECOND, 1, Long.MAX_VALUE / SECOND,
            l -> l.dubboTimeoutNanos, (l, v) -> l.dubboTimeoutNanos = v));
        BOUNDS.put("--dubbo-payload-limit", new Bound(o -> o.dubboPayloadLimit, 1, 1, Long.MAX_VALUE,
            l -> l.dubboPayloadLimit, (l, v) -> l.dubboPayloadLimit = v));
        BOUNDS.put("--dubbo-linger", new Bound(o -> o.dubboLinger, SECOND, 0, Long.MAX_VALUE / SECOND,
            l -> l.dubboLingerNanos, (l, v) -> l.dubboLingerNanos = v));
        BOUNDS.put("--dtls-max-fragments", new Bound(o -> o.dtlsMaxFragments, 1, 1, INT,
            l -> l.dtlsMaxHandshakeFragments, (l, v) -> l.dtlsMaxHandshakeFragments = (int) v));
        BOUNDS.put("--max-keylog-secrets", new Bound(o -> o.maxKeyLogSecrets, 1, 1, INT,
            l -> l.maxKeyLogSecrets, (l, v) -> l.maxKeyLogSecrets = (int) v));
        BOUNDS.put("--max-calls", new Bound(o -> o.maxCalls, 1, 1, INT, l -> l.maxCalls, (l, v) -> l.maxCalls = (int) v));
        BOUNDS.put("--max-streams", new Bound(o -> o.maxStreams, 1, 1, INT, l -> l.maxStreams, (l, v) -> l.maxStreams = (int) v));
        BOUNDS.put("--max-intervals", new Bound(o -> o.maxIntervals, 1, 1, INT,
            l -> l.maxIntervals, (l, v) -> l.maxIntervals = (int) v));
        BOUNDS.put("--call-linger", new Bound(o -> o.callLinger, SECOND, 0, Long.MAX_VALUE / SECOND,
            l -> l.callLingerNanos, (l, v) -> l.callLingerNanos = v));
        BOUNDS.put("--call-timeout", new Bound(o -> o.callTimeout, SECOND, 1, Long.MAX_VALUE / SECOND,
            l -> l.callIdleTimeoutNanos, (l, v) -> l.callIdleTimeoutNanos = v));
        BOUNDS.put("--stream-timeout", new Bound(o -> o.streamTimeout, SECOND, 1, Long.MAX_VALUE / SECOND,
            l -> l.streamIdleTimeoutNanos, (l, v) -> l.streamIdleTimeoutNanos = v));
        BOUNDS.put("--max-webrtc-sessions", new Bound(o -> o.maxWebrtcSessions, 1, 1, INT,
            l -> l.maxWebrtcSessions, (l, v) -> l.maxWebrtcSessions = (int) v));
        BOUNDS.put("--max-stun-transactions", new Bound(o -> o.maxStunTransactions, 1, 1, INT,
            l -> l.maxStunTransactions, (l, v) -> l.maxStunTransactions = (int) v));
        BOUNDS.put("--max-srtp-streams", new Bound(o -> o.maxSrtpStreams, 1, 1, INT,
            l -> l.maxSrtpStreamsPerSession, (l, v) -> l.maxSrtpStreamsPerSession = (int) v));
        BOUNDS.put("--max-signalling-messages", new Bound(o -> o.maxSignallingMessages, 1, 1, INT,
            l -> l.maxSignallingMessages, (l, v) -> l.maxSignallingMessages = (int) v));
        BOUNDS.put("--max-webrtc-sdps", new Bound(o -> o.maxWebrtcSdps, 1, 1, INT,
            l -> l.maxWebrtcSdps, (l, v) -> l.maxWebrtcSdps = (int) v));
        BOUNDS.put("--max-violations", new Bound(o -> o.maxViolations, 1, 1, INT,
            l -> l.maxViolations, (l, v) -> l.maxViolations = (int) v));
        BOUNDS.put("--max-intervals-per-stream", new Bound(o -> o.maxIntervalsPerStream, 1, 1, INT,
            l -> l.maxIntervalsPerStream, (l, v) -> l.maxIntervalsPerStream = (int) v));
        BOUNDS.put("--max-rtcp-reports", new Bound(o -> o.maxRtcpReports, 1, 1, INT,
            l -> l.maxRtcpReportsPerStream, (l, v) -> l.maxRtcpReportsPerStream = (int) v));
        BOUNDS.put("--max-sip-dtmf", new Bound(o -> o.maxSipDtmf, 1, 1, INT,
            l -> l.maxSipDtmf, (l, v) -> l.maxSipDtmf = (int) v));
        BOUNDS.put("--max-data-channels", new Bound(o -> o.maxDataChannels, 1, 1, INT,
            l -> l.maxDataChannels, (l, v) -> l.maxDataChannels = (int) v));
        BOUNDS.put("--max-webrtc-timeline", new Bound(o -> o.maxWebrtcTimeline, 1, 1, INT,
            l -> l.webrtcMaxTimeline, (l, v) -> l.webrtcMaxTimeline = (int) v));
        BOUNDS.put("--websocket-max-message", new Bound(o -> o.webSocketMaxMessage, 1, 1, INT,
            l -> l.webSocketMaxMessage, (l, v) -> l.webSocketMaxMessage = (int) v));
        BOUNDS.put("--max-dubbo-connections", new Bound(o -> o.maxDubboConnections, 1, 1, INT,
            l -> l.maxDubboConnections, (l, v) -> l.maxDubboConnections = (int) v));
        BOUNDS.put("--max-dubbo-pending", new Bound(o -> o.maxDubboPending, 1, 1, INT,
            l -> l.maxDubboPending, (l, v) -> l.maxDubboPending = (int) v));
        BOUNDS.put("--max-dubbo-exchanges", new Bound(o -> o.maxDubboExchanges, 1, 1, INT,
            l -> l.maxDubboExchanges, (l, v) -> l.maxDubboExchanges = (int) v));
        BOUNDS.put("--max-dubbo-syn-only", new Bound(o -> o.maxDubboSynOnly, 1, 1, INT,
            l -> l.maxDubboSynOnly, (l, v) -> l.maxDubboSynOnly = (int) v));
        BOUNDS.put("--max-dubbo-timeline", new Bound(o -> o.maxDubboTimeline, 1, 1, INT,
            l -> l.dubboMaxTimeline, (l, v) -> l.dubboMaxTimeline = (int) v));
        BOUNDS.put("--max-dubbo-heartbeats-pending", new Bound(o -> o.maxDubboHeartbeatsPending, 1, 1, INT,
            l -> l.maxDubboHeartbeatsPending, (l, v) -> l.maxDubboHeartbeatsPending = (int) v));
    }

    /** Help's defaults: each flag's value in a fresh {@link Limits} (in the flag's unit). */
    static final CommandLine.IDefaultValueProvider DEFAULTS = new CommandLine.IDefaultValueProvider() {
        private final Limits fresh = new Limits();

        @Override
        public String defaultValue(final CommandLine.Model.ArgSpec arg) {
            if (!(arg instanceof CommandLine.Model.OptionSpec o)) {
                return null;
            }
            final Bound b = BOUNDS.get(o.longestName());
            return b == null ? null : Long.toString(b.get().applyAsLong(fresh) / b.unit());
        }
    };

    @Option(names = "--max-flows", paramLabel = "N",
        description = "Conversations kept at once (default: ${DEFAULT-VALUE}).")
    Long maxFlows;

    @Option(names = "--max-flow-rows", paramLabel = "N",
        description = "Conversations a flows table or --json document lists; past it those with the fewest packets are left "
            + "out and counted (default: ${DEFAULT-VALUE}).")
    Long maxFlowRows;

    @Option(names = "--flow-timeout", paramLabel = "SECONDS",
        description = "Close a TCP or SCTP conversation idle this long in packet time (default: ${DEFAULT-VALUE}).")
    Long flowTimeout;

    @Option(names = "--udp-flow-timeout", paramLabel = "SECONDS",
        description = "Close a UDP conversation idle this long in packet time (default: ${DEFAULT-VALUE}).")
    Long udpFlowTimeout;

    @Option(names = "--tcp-max-buffer", paramLabel = "BYTES",
        description = "Bytes one TCP direction may hold for reassembly (default: ${DEFAULT-VALUE}).")
    Long tcpMaxBuffer;

    @Option(names = "--tcp-max-segments", paramLabel = "N",
        description = "Out-of-order segments one TCP direction may hold (default: ${DEFAULT-VALUE}).")
    Long tcpMaxSegments;

    @Option(names = "--reassembly-budget", paramLabel = "BYTES",
        description = "Bytes all reassembly may hold together (IP fragments, TCP, DTLS handshakes, WebSocket messages); "
            + "past it the oldest pending reassembly is dropped and reported (default: ${DEFAULT-VALUE}).")
    Long reassemblyBudget;

    @Option(names = "--ip-max-fragments", paramLabel = "N",
        description = "Fragments one IP datagram may have (default: ${DEFAULT-VALUE}).")
    Long ipMaxFragments;

    @Option(names = "--ip-max-pending", paramLabel = "N",
        description = "IP datagrams under reassembly at once (default: ${DEFAULT-VALUE}).")
    Long ipMaxPending;

    @Option(names = "--max-anomalies", paramLabel = "N",
        description = "Anomalies kept in detail; all are counted (default: ${DEFAULT-VALUE}).")
    Long maxAnomalies;

    @Option(names = "--sip-max-message", paramLabel = "BYTES",
        description = "Largest SIP message over a stream transport (default: ${DEFAULT-VALUE}).")
    Long sipMaxMessage;

    @Option(names = "--dubbo-max-payload", paramLabel = "BYTES",
        description = "Largest Dubbo frame body; larger ones are discarded with an anomaly (default: ${DEFAULT-VALUE}, "
            + "Dubbo's own).")
    Long dubboMaxPayload;

    @Option(names = "--http2-max-header-list", paramLabel = "BYTES",
        description = "Largest HTTP/2 header block and decoded header list; larger ones are dropped with an anomaly "
            + "(default: ${DEFAULT-VALUE}).")
    Long http2MaxHeaderList;

    @Option(names = "--http2-max-header-table", paramLabel = "BYTES",
        description = "Largest HPACK dynamic table an HTTP/2 peer may ask for; a larger size update stops header decoding "
            + "that way, with an anomaly (default: ${DEFAULT-VALUE}).")
    Long http2MaxHeaderTable;

    @Option(names = "--http2-max-streams", paramLabel = "N",
        description = "HTTP/2 streams followed at once per connection; more are counted, not followed (default: "
            + "${DEFAULT-VALUE}).")
    Long http2MaxStreams;

    @Option(names = "--dubbo-timeout", paramLabel = "SECONDS",
        description = "A Dubbo request without a timeout attachment waits this long (packet time) for its response "
            + "(default: ${DEFAULT-VALUE}, Dubbo's own).")
    Long dubboTimeout;

    @Option(names = "--dubbo-payload-limit", paramLabel = "BYTES",
        description = "Dubbo's payload setting in the captured applications: a body longer than this is named as over the "
            + "limit (default: ${DEFAULT-VALUE}, Dubbo's own).")
    Long dubboPayloadLimit;

    @Option(names = "--dubbo-linger", paramLabel = "SECONDS",
        description = "How long past its timeout a Dubbo request still waits for a late response before it counts as "
            + "unanswered and is released (default: ${DEFAULT-VALUE}).")
    Long dubboLinger;

    @Option(names = "--dtls-max-fragments", paramLabel = "N",
        description = "Fragments of one DTLS handshake message (default: ${DEFAULT-VALUE}).")
    Long dtlsMaxFragments;

    @Option(names = "--max-keylog-secrets", paramLabel = "N",
        description = "TLS connections whose secrets the key logs may hold; lines past it are counted and skipped (default: "
            + "${DEFAULT-VALUE}).")
    Long maxKeyLogSecrets;

    @Option(names = "--max-calls", paramLabel = "N",
        description = "SIP calls kept; past it the oldest is dropped (default: ${DEFAULT-VALUE}).")
    Long maxCalls;

    @Option(names = "--max-streams", paramLabel = "N",
        description = "RTP streams kept at once; past it the least recently active is dropped (default: ${DEFAULT-VALUE}).")
    Long maxStreams;

    @Option(names = "--max-intervals", paramLabel = "N",
        description = "Rows of rtp --interval all streams keep together; past it the rest are counted, not kept (default: "
            + "${DEFAULT-VALUE}).")
    Long maxIntervals;

    @Option(names = "--call-linger", paramLabel = "SECONDS",
        description = "With --jsonl or a table: write and release a call this long (packet time) after its final state, "
            + "when no SIP or media followed (default: ${DEFAULT-VALUE}).")
    Long callLinger;

    @Option(names = "--call-timeout", paramLabel = "SECONDS",
        description = "With --jsonl: write a call that never reached a final state as it stands after this long without SIP "
            + "or media (default: ${DEFAULT-VALUE}).")
    Long callTimeout;

    @Option(names = "--stream-timeout", paramLabel = "SECONDS",
        description = "With --jsonl: write an RTP stream silent this long in packet time (default: ${DEFAULT-VALUE}).")
    Long streamTimeout;

    @Option(names = "--max-webrtc-sessions", paramLabel = "N",
        description = "WebRTC sessions kept; past it sessions that made no progress are dropped, one-packet ones first "
            + "(default: ${DEFAULT-VALUE}).")
    Long maxWebrtcSessions;

    @Option(names = "--max-stun-transactions", paramLabel = "N",
        description = "STUN requests awaiting a response; past it the oldest is forgotten (default: ${DEFAULT-VALUE}).")
    Long maxStunTransactions;

    @Option(names = "--max-srtp-streams", paramLabel = "N",
        description = "SRTP and SRTCP streams kept per WebRTC session (default: ${DEFAULT-VALUE}).")
    Long maxSrtpStreams;

    @Option(names = "--max-signalling-messages", paramLabel = "N",
        description = "JSON signalling messages over WebSocket kept for the webrtc report; all are counted (default: "
            + "${DEFAULT-VALUE}).")
    Long maxSignallingMessages;

    @Option(names = "--max-webrtc-sdps", paramLabel = "N",
        description = "SDPs with ICE or DTLS attributes kept for correlating WebRTC sessions; all are counted (default: "
            + "${DEFAULT-VALUE}).")
    Long maxWebrtcSdps;

    @Option(names = "--max-violations", paramLabel = "N",
        description = "Protocol violations after which a dissector is dropped from an unconfirmed conversation (default: "
            + "${DEFAULT-VALUE}).")
    Long maxViolations;

    @Option(names = "--max-intervals-per-stream", paramLabel = "N",
        description = "Time-series intervals one RTP stream keeps for rtp --interval; past it they are counted, not kept "
            + "(default: ${DEFAULT-VALUE}).")
    Long maxIntervalsPerStream;

    @Option(names = "--max-rtcp-reports", paramLabel = "N",
        description = "RTCP reports kept per RTP stream (default: ${DEFAULT-VALUE}).")
    Long maxRtcpReports;

    @Option(names = "--max-sip-dtmf", paramLabel = "N",
        description = "DTMF digits from SIP INFO kept (default: ${DEFAULT-VALUE}).")
    Long maxSipDtmf;

    @Option(names = "--max-data-channels", paramLabel = "N",
        description = "WebRTC data channels kept per session (default: ${DEFAULT-VALUE}).")
    Long maxDataChannels;

    @Option(names = "--max-webrtc-timeline", paramLabel = "N",
        description = "Steps of a WebRTC session's timeline, and messages of a data channel, kept for ladders (default: "
            + "${DEFAULT-VALUE}).")
    Long maxWebrtcTimeline;

    @Option(names = "--websocket-max-message", paramLabel = "BYTES",
        description = "Largest WebSocket message, reassembled or inflated; a larger one is discarded with an anomaly "
            + "(default: ${DEFAULT-VALUE}).")
    Long webSocketMaxMessage;

    @Option(names = "--max-dubbo-connections", paramLabel = "N",
        description = "Dubbo connections tracked at once (default: ${DEFAULT-VALUE}).")
    Long maxDubboConnections;

    @Option(names = "--max-dubbo-pending", paramLabel = "N",
        description = "Dubbo requests awaiting their response per connection; past it the oldest is given up (default: "
            + "${DEFAULT-VALUE}).")
    Long maxDubboPending;

    @Option(names = "--max-dubbo-exchanges", paramLabel = "N",
        description = "Dubbo and Triple calls listed; past it they are counted, not listed (default: ${DEFAULT-VALUE}).")
    Long maxDubboExchanges;

    @Option(names = "--max-dubbo-syn-only", paramLabel = "N",
        description = "TCP handshakes remembered before their connection's first Dubbo frame (default: ${DEFAULT-VALUE}).")
    Long maxDubboSynOnly;

    @Option(names = "--max-dubbo-timeline", paramLabel = "N",
        description = "Frames and TCP events of one Dubbo connection kept for its ladder (default: ${DEFAULT-VALUE}).")
    Long maxDubboTimeline;

    @Option(names = "--max-dubbo-heartbeats-pending", paramLabel = "N",
        description = "Dubbo heartbeats awaiting their response per connection (default: ${DEFAULT-VALUE}).")
    Long maxDubboHeartbeatsPending;

    Limits limits() {
        final Limits l = new Limits();
        for (final Map.Entry<String, Bound> e : BOUNDS.entrySet()) {
            final Bound b = e.getValue();
            final Long given = b.option().apply(this);
            if (given == null) {
                continue; // outside a command line (no default applied): Limits' own
            }
            final long v = given;
            if (v < b.min()) {
                throw new UsageException(e.getKey() + (b.min() == 0 ? " must not be negative" : " must be positive") + ", got " + v);
            }
            if (v > b.max()) {
                throw new UsageException(e.getKey() + " must be at most " + b.max() + ", got " + v);
            }
            b.set().accept(l, v * b.unit());
        }
        if (l.callIdleTimeoutNanos < l.callLingerNanos) {
            throw new UsageException("--call-timeout must not be shorter than --call-linger");
        }
        return l;
    }
}
