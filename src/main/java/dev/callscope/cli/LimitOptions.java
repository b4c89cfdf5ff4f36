package dev.callscope.cli;

import dev.callscope.core.Limits;
import picocli.CommandLine.Option;

/** One flag per bound in {@link Limits}. */
public final class LimitOptions {
    @Option(names = "--max-flows", paramLabel = "N", description = "Conversations kept at once (default: " + 500_000 + ").")
    Integer maxFlows;

    @Option(names = "--max-flow-rows", paramLabel = "N",
        description = "Conversations a flows table or --json document lists; past it those with the fewest packets are left out and counted (default: 200000).")
    Integer maxFlowRows;

    @Option(names = "--flow-timeout", paramLabel = "SECONDS",
        description = "Close a TCP or SCTP conversation idle this long in packet time (default: 600).")
    Integer flowTimeout;

    @Option(names = "--udp-flow-timeout", paramLabel = "SECONDS",
        description = "Close a UDP conversation idle this long in packet time (default: 120).")
    Integer udpFlowTimeout;

    @Option(names = "--tcp-max-buffer", paramLabel = "BYTES", description = "Bytes one TCP direction may hold for reassembly (default: 4194304).")
    Integer tcpMaxBuffer;

    @Option(names = "--tcp-max-segments", paramLabel = "N", description = "Out-of-order segments one TCP direction may hold (default: 1024).")
    Integer tcpMaxSegments;

    @Option(names = "--reassembly-budget", paramLabel = "BYTES",
        description = "Bytes all reassembly may hold together (IP fragments, TCP, DTLS handshakes, WebSocket messages); "
            + "past it the oldest pending reassembly is dropped and reported (default: 67108864).")
    Long reassemblyBudget;

    @Option(names = "--ip-max-fragments", paramLabel = "N", description = "Fragments one IP datagram may have (default: 128).")
    Integer ipMaxFragments;

    @Option(names = "--ip-max-pending", paramLabel = "N", description = "IP datagrams under reassembly at once (default: 4096).")
    Integer ipMaxPending;

    @Option(names = "--max-anomalies", paramLabel = "N", description = "Anomalies kept in detail; all are counted (default: 10000).")
    Integer maxAnomalies;

    @Option(names = "--sip-max-message", paramLabel = "BYTES", description = "Largest SIP message over a stream transport (default: 262144).")
    Integer sipMaxMessage;

    @Option(names = "--dubbo-max-payload", paramLabel = "BYTES", description = "Largest Dubbo frame body; larger ones are discarded with an anomaly (default: 8388608, Dubbo's own).")
    Integer dubboMaxPayload;

    @Option(names = "--http2-max-header-list", paramLabel = "BYTES",
        description = "Largest HTTP/2 header block and decoded header list; larger ones are dropped with an anomaly (default: 65536).")
    Integer http2MaxHeaderList;

    @Option(names = "--http2-max-header-table", paramLabel = "BYTES",
        description = "Largest HPACK dynamic table an HTTP/2 peer may ask for; a larger size update stops header decoding that way, with an anomaly (default: 65536).")
    Integer http2MaxHeaderTable;

    @Option(names = "--http2-max-streams", paramLabel = "N",
        description = "HTTP/2 streams followed at once per connection; more are counted, not followed (default: 1000).")
    Integer http2MaxStreams;

    @Option(names = "--dubbo-timeout", paramLabel = "SECONDS",
        description = "A Dubbo request without a timeout attachment waits this long (packet time) for its response (default: 1, Dubbo's own).")
    Integer dubboTimeout;

    @Option(names = "--dubbo-payload-limit", paramLabel = "BYTES",
        description = "Dubbo's payload setting in the captured applications: a body longer than this is named as over the limit (default: 8388608, Dubbo's own).")
    Integer dubboPayloadLimit;

    @Option(names = "--dubbo-linger", paramLabel = "SECONDS",
        description = "How long past its timeout a Dubbo request still waits for a late response before it counts as unanswered and is released (default: 30).")
    Integer dubboLinger;

    @Option(names = "--dtls-max-fragments", paramLabel = "N", description = "Fragments of one DTLS handshake message (default: 30).")
    Integer dtlsMaxFragments;

    @Option(names = "--max-keylog-secrets", paramLabel = "N",
        description = "TLS connections whose secrets the key logs may hold; lines past it are counted and skipped (default: 1000000).")
    Integer maxKeyLogSecrets;

    @Option(names = "--max-calls", paramLabel = "N", description = "SIP calls kept; past it the oldest is dropped (default: 200000).")
    Integer maxCalls;

    @Option(names = "--max-streams", paramLabel = "N", description = "RTP streams kept at once; past it the least recently active is dropped (default: 100000).")
    Integer maxStreams;

    @Option(names = "--max-intervals", paramLabel = "N",
        description = "Rows of rtp --interval all streams keep together; past it the rest are counted, not kept (default: 500000).")
    Integer maxIntervals;

    @Option(names = "--call-linger", paramLabel = "SECONDS",
        description = "With --jsonl or a table: write and release a call this long (packet time) after its final state, when no SIP or media followed (default: 32).")
    Integer callLinger;

    @Option(names = "--call-timeout", paramLabel = "SECONDS",
        description = "With --jsonl: write a call that never reached a final state as it stands after this long without SIP or media (default: 3600).")
    Integer callTimeout;

    @Option(names = "--stream-timeout", paramLabel = "SECONDS",
        description = "With --jsonl: write an RTP stream silent this long in packet time (default: 60).")
    Integer streamTimeout;

    @Option(names = "--max-webrtc-sessions", paramLabel = "N",
        description = "WebRTC sessions kept; past it sessions that made no progress are dropped, one-packet ones first (default: 1000).")
    Integer maxWebrtcSessions;

    @Option(names = "--max-stun-transactions", paramLabel = "N",
        description = "STUN requests awaiting a response; past it the oldest is forgotten (default: 10000).")
    Integer maxStunTransactions;

    @Option(names = "--max-srtp-streams", paramLabel = "N", description = "SRTP and SRTCP streams kept per WebRTC session (default: 256).")
    Integer maxSrtpStreams;

    @Option(names = "--max-signalling-messages", paramLabel = "N",
        description = "JSON signalling messages over WebSocket kept for the webrtc report; all are counted (default: 1000).")
    Integer maxSignallingMessages;

    @Option(names = "--max-webrtc-sdps", paramLabel = "N",
        description = "SDPs with ICE or DTLS attributes kept for correlating WebRTC sessions; all are counted (default: 10000).")
    Integer maxWebrtcSdps;

    @Option(names = "--max-violations", paramLabel = "N", description = "Protocol violations after which a dissector is dropped from an unconfirmed conversation (default: 5).")
    Integer maxViolations;

    Limits limits() {
        final Limits l = new Limits();
        if (maxFlows != null) {
            l.maxFlows = positive("--max-flows", maxFlows);
        }
        if (maxKeyLogSecrets != null) {
            l.maxKeyLogSecrets = positive("--max-keylog-secrets", maxKeyLogSecrets);
        }
        if (maxFlowRows != null) {
            l.maxFlowRows = positive("--max-flow-rows", maxFlowRows);
        }
        if (flowTimeout != null) {
            l.flowIdleTimeoutNanos = positive("--flow-timeout", flowTimeout) * 1_000_000_000L;
        }
        if (udpFlowTimeout != null) {
            l.udpFlowIdleTimeoutNanos = positive("--udp-flow-timeout", udpFlowTimeout) * 1_000_000_000L;
        }
        if (tcpMaxBuffer != null) {
            l.tcpMaxBufferedPerDirection = positive("--tcp-max-buffer", tcpMaxBuffer);
        }
        if (tcpMaxSegments != null) {
            l.tcpMaxOutOfOrderSegments = positive("--tcp-max-segments", tcpMaxSegments);
        }
        if (reassemblyBudget != null) {
            if (reassemblyBudget <= 0) {
                throw new UsageException("--reassembly-budget must be positive, got " + reassemblyBudget);
            }
            l.reassemblyBudget = reassemblyBudget;
        }
        if (ipMaxFragments != null) {
            l.ipMaxFragmentsPerDatagram = positive("--ip-max-fragments", ipMaxFragments);
        }
        if (ipMaxPending != null) {
            l.ipMaxPendingDatagrams = positive("--ip-max-pending", ipMaxPending);
        }
        if (sipMaxMessage != null) {
            l.sipMaxMessage = positive("--sip-max-message", sipMaxMessage);
        }
        if (dubboMaxPayload != null) {
            l.dubboMaxPayload = positive("--dubbo-max-payload", dubboMaxPayload);
        }
        if (http2MaxHeaderList != null) {
            l.http2MaxHeaderList = positive("--http2-max-header-list", http2MaxHeaderList);
        }
        if (http2MaxHeaderTable != null) {
            l.http2MaxHeaderTable = positive("--http2-max-header-table", http2MaxHeaderTable);
        }
        if (http2MaxStreams != null) {
            l.http2MaxStreams = positive("--http2-max-streams", http2MaxStreams);
        }
        if (dubboTimeout != null) {
            l.dubboTimeoutNanos = positive("--dubbo-timeout", dubboTimeout) * 1_000_000_000L;
        }
        if (dubboPayloadLimit != null) {
            l.dubboPayloadLimit = positive("--dubbo-payload-limit", dubboPayloadLimit);
        }
        if (dubboLinger != null) {
            if (dubboLinger < 0) {
                throw new UsageException("--dubbo-linger must not be negative");
            }
            l.dubboLingerNanos = dubboLinger * 1_000_000_000L;
        }
        if (dtlsMaxFragments != null) {
            l.dtlsMaxHandshakeFragments = positive("--dtls-max-fragments", dtlsMaxFragments);
        }
        if (maxIntervals != null) {
            l.maxIntervals = positive("--max-intervals", maxIntervals);
        }
        if (maxStreams != null) {
            l.maxStreams = positive("--max-streams", maxStreams);
        }
        if (callLinger != null) {
            if (callLinger < 0) {
                throw new UsageException("--call-linger must not be negative");
            }
            l.callLingerNanos = callLinger * 1_000_000_000L;
        }
        if (callTimeout != null) {
            l.callIdleTimeoutNanos = positive("--call-timeout", callTimeout) * 1_000_000_000L;
        }
        if (streamTimeout != null) {
            l.streamIdleTimeoutNanos = positive("--stream-timeout", streamTimeout) * 1_000_000_000L;
        }
        if (l.callIdleTimeoutNanos < l.callLingerNanos) {
            throw new UsageException("--call-timeout must not be shorter than --call-linger");
        }
        if (maxCalls != null) {
            l.maxCalls = positive("--max-calls", maxCalls);
        }
        if (maxWebrtcSessions != null) {
            l.maxWebrtcSessions = positive("--max-webrtc-sessions", maxWebrtcSessions);
        }
        if (maxStunTransactions != null) {
            l.maxStunTransactions = positive("--max-stun-transactions", maxStunTransactions);
        }
        if (maxSrtpStreams != null) {
            l.maxSrtpStreamsPerSession = positive("--max-srtp-streams", maxSrtpStreams);
        }
        if (maxSignallingMessages != null) {
            l.maxSignallingMessages = positive("--max-signalling-messages", maxSignallingMessages);
        }
        if (maxWebrtcSdps != null) {
            l.maxWebrtcSdps = positive("--max-webrtc-sdps", maxWebrtcSdps);
        }
        if (maxViolations != null) {
            l.maxViolations = positive("--max-violations", maxViolations);
        }
        if (maxAnomalies != null) {
            l.maxAnomalyRecords = Math.max(0, maxAnomalies);
        }
        return l;
    }

    private static int positive(final String name, final int v) {
        if (v <= 0) {
            throw new UsageException(name + " must be positive, got " + v);
        }
        return v;
    }
}
