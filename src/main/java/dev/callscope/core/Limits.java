package dev.callscope.core;

/**
 * Every bound on memory and work in one place. Each field has a CLI flag (see
 * {@code cli.LimitOptions}); going over a bound never fails the run: the oldest unpinned state is
 * evicted or the data discarded, and an anomaly is recorded.
 *
 * <p>Configure before the run starts; the engine reads the values once.
 */
public final class Limits {
    /** Conversations (UDP and TCP flows) kept at once; the least recently seen is evicted past it. */
    public int maxFlows = 500_000;
    /** Default of {@link #captureQueueBytes}. */
    public static final long DEFAULT_CAPTURE_QUEUE_BYTES = 64L * 1024 * 1024;
    /**
     * Live capture: bytes of packets queued between the capture thread and the analysis (one slot
     * per 128 bytes); past it packets are not analysed (still written to {@code -w}) and counted.
     */
    public long captureQueueBytes = DEFAULT_CAPTURE_QUEUE_BYTES;
    /**
     * Finished conversations a flows table or JSON document lists; past it those with the fewest
     * packets are left out (one-packet flows first) and counted. JSON Lines lists every one.
     */
    public int maxFlowRows = 200_000;
    /**
     * A TCP or SCTP conversation idle for this long in packet time is closed and its state released
     * (a connection carries state a restart mid-stream loses: reassembly, a TLS session).
     */
    public long flowIdleTimeoutNanos = 600L * 1_000_000_000L;
    /**
     * A UDP (or other datagram) conversation idle for this long in packet time is closed and its
     * state released: 120 s as Linux connection tracking holds a UDP stream. An RTP stream silent
     * half as long is written already ({@link #streamIdleTimeoutNanos}); on a capture of short calls
     * conversations held ten minutes were most of what a run kept.
     */
    public long udpFlowIdleTimeoutNanos = 120L * 1_000_000_000L;

    /** Bytes one TCP direction may hold (out-of-order data and a partial PDU awaiting more). */
    public int tcpMaxBufferedPerDirection = 4 * 1024 * 1024;
    /** Out-of-order segments one TCP direction may hold before the oldest hole is declared a gap. */
    public int tcpMaxOutOfOrderSegments = 1024;
    /**
     * Bytes all reassembly together may hold: IP datagrams awaiting fragments, TCP data held out of
     * order and partial messages, DTLS handshake messages, fragmented WebSocket messages (see
     * {@link ReassemblyBudget}). Past it the oldest pending reassembly is dropped. 64 MiB leaves
     * most of a 256 MiB heap to conversations, calls and streams.
     */
    public long reassemblyBudget = 64L * 1024 * 1024;

    /** IP datagrams under reassembly at once. */
    public int ipMaxPendingDatagrams = 4096;
    /** Fragments one IP datagram may be made of. */
    public int ipMaxFragmentsPerDatagram = 128;
    /** A datagram not completed within this packet-time span is dropped. */
    public long ipFragmentTimeoutNanos = 60L * 1_000_000_000L;

    /** Largest SIP message over a stream transport (messages with 64 KiB bodies exist in the wild). */
    public int sipMaxMessage = 256 * 1024;
    /** Largest Dubbo payload (Dubbo's own default, 8 MiB). */
    public int dubboMaxPayload = 8 * 1024 * 1024;
    /**
     * Largest HTTP/2 header block (HEADERS and its CONTINUATIONs, compressed) and largest decoded header
     * list; a bigger one is dropped and the direction's HPACK state is given up (an HPACK bomb, an
     * endless CONTINUATION).
     */
    public int http2MaxHeaderList = 64 * 1024;
    /**
     * Largest HPACK dynamic table a peer may ask for (SETTINGS_HEADER_TABLE_SIZE, 4096 by default; a
     * dynamic table size update over this fails the direction's header decoding, reported).
     */
    public int http2MaxHeaderTable = 64 * 1024;
    /** HTTP/2 streams followed at once per connection; more are counted, not followed. */
    public int http2MaxStreams = 1000;
    /**
     * A Dubbo request without a {@code timeout} attachment waits this long for its response, in
     * packet time (Dubbo's own default, 1000 ms); with the attachment, it waits as long as that says.
     */
    public long dubboTimeoutNanos = 1_000_000_000L;
    /**
     * Dubbo's {@code payload} setting as the capture's applications use it (Dubbo's default, 8 MiB): a
     * request or response body longer than this is one Dubbo refuses ("Data length too large"), named
     * as over the limit. A judgement, not a memory bound ({@link #dubboMaxPayload} is that).
     */
    public long dubboPayloadLimit = 8L * 1024 * 1024;
    /**
     * How long past its timeout a Dubbo request still waits for a late response; then it is given up
     * as unanswered and released (heartbeats likewise).
     */
    public long dubboLingerNanos = 30L * 1_000_000_000L;
    /** Fragments of one DTLS handshake message. */
    public int dtlsMaxHandshakeFragments = 30;

    /** SIP calls (Call-IDs) kept; past it the oldest is dropped. */
    public int maxCalls = 200_000;
    /** Rows of {@code rtp --interval} all streams keep together; past it the rest are counted, not kept. */
    public int maxIntervals = 500_000;
    /** RTP streams kept at once; past it the least recently active is dropped. */
    public int maxStreams = 100_000;
    /**
     * When output is streamed (JSON Lines) or summarised (tables): a call that reached its final
     * state is written and released after this much quiet (no SIP, no media) in packet time (RFC 3261's
     * 64 × T1, which covers the transaction timers after a BYE or a final response).
     */
    public long callLingerNanos = 32L * 1_000_000_000L;
    /** When streaming: a call that never reached a final state is written as it stands after this much quiet. */
    public long callIdleTimeoutNanos = 3600L * 1_000_000_000L;
    /** When streaming: an RTP stream silent for this long in packet time is written (or, in a call, waits for it). */
    public long streamIdleTimeoutNanos = 60L * 1_000_000_000L;

    /**
     * WebRTC sessions kept. Past it a session that made no progress (no STUN answer, DTLS handshake
     * or media) is dropped to make room, those with a single packet and the oldest first; when every
     * kept session made progress, a new one is not tracked.
     */
    public int maxWebrtcSessions = 1000;
    /** STUN requests awaiting their response; past it the oldest is forgotten. */
    public int maxStunTransactions = 10_000;
    /** SRTP and SRTCP streams kept per WebRTC session. */
    public int maxSrtpStreamsPerSession = 256;
    /** Time-series intervals one RTP stream keeps ({@code rtp --interval}); past it counted, not kept. */
    public int maxIntervalsPerStream = 100_000;
    /** RTCP reports kept per RTP stream. */
    public int maxRtcpReportsPerStream = 10_000;
    /** DTMF digits from SIP INFO kept. */
    public int maxSipDtmf = 100_000;
    /** WebRTC data channels kept per session. */
    public int maxDataChannels = 1024;
    /** Steps of a WebRTC session's timeline, and messages of a data channel, kept for ladders. */
    public int webrtcMaxTimeline = 4000;
    /** Largest WebSocket message, reassembled from its frames or inflated. */
    public int webSocketMaxMessage = 1024 * 1024;
    /** Dubbo connections tracked at once. */
    public int maxDubboConnections = 10_000;
    /** Dubbo requests awaiting their response per connection; past it the oldest is given up. */
    public int maxDubboPending = 100_000;
    /** Dubbo calls (and Triple calls) listed; past it they are counted, not listed. */
    public int maxDubboExchanges = 1_000_000;
    /** TCP connections remembered by their handshake before their first Dubbo frame. */
    public int maxDubboSynOnly = 4096;
    /** Frames and TCP events of one Dubbo connection kept for its ladder. */
    public int dubboMaxTimeline = 20_000;
    /** Heartbeats awaiting their response per connection. */
    public int maxDubboHeartbeatsPending = 1024;
    /** Frames the shell keeps in memory, and the bytes they may take. */
    public int shellMaxFrames = 2_000_000;
    public long shellMaxBytes = 1L << 30;
    /** JSON signalling messages over WebSocket kept for the report (all are counted). */
    public int maxSignallingMessages = 1000;
    /**
     * SDPs with ICE or DTLS attributes kept for correlating WebRTC sessions (all are counted; an SDP
     * with neither, plain SIP media, is counted and not kept).
     */
    public int maxWebrtcSdps = 10_000;

    /**
     * TLS connections (client randoms) whose secrets the key logs given may hold; lines past it are
     * counted and skipped.
     */
    public int maxKeyLogSecrets = 1_000_000;

    /** Anomalies kept with their details (all are counted). */
    public int maxAnomalyRecords = 10_000;
    /** Violations after which a dissector is dropped from an unconfirmed conversation. */
    public int maxViolations = 5;
}
