package dev.callscope.engine;

import dev.callscope.core.Direction;
import dev.callscope.core.Endpoint;
import dev.callscope.core.FlowKey;
import dev.callscope.core.HeapBudget;
import dev.callscope.core.Limits;
import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.core.ReassemblyBudget;
import dev.callscope.core.SrtpStats;
import dev.callscope.core.TlsStats;
import dev.callscope.decode.PacketDecoder;
import dev.callscope.decode.PacketInfo;
import dev.callscope.decode.SctpChunks;
import dev.callscope.decode.TcpReassembler;
import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.Confidence;
import dev.callscope.dissect.ConversationContext;
import dev.callscope.tap.ConversationRecord;
import dev.callscope.dissect.DecodeAs;
import dev.callscope.dissect.Dissector;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.dissect.DissectorSession;
import dev.callscope.dissect.EventSink;
import dev.callscope.tap.FrameRecord;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.dissect.Severity;
import dev.callscope.tap.Tap;
import dev.callscope.tap.TcpEvent;
import dev.callscope.dissect.Transport;
import dev.callscope.srtp.SdesKey;
import dev.callscope.srtp.SrtpSession;
import dev.callscope.srtp.SrtpSuite;
import dev.callscope.tls.DtlsKeys;
import dev.callscope.tls.KeyLog;
import dev.callscope.tls.TlsConnection;
import dev.callscope.tls.TlsContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The pipeline: source → link/IP/transport decode (with IP defragmentation and TCP reassembly) →
 * dissectors → taps. {@link #run} reads and decodes on a second thread a few batches ahead
 * ({@link DecodeAhead}); everything from the conversation lookup on runs on the caller's thread, so
 * dissectors and taps see one thread. No per-packet allocation on the common path (frames, decode
 * results and flow keys live in reused slots; the packet context and payload window are reused).
 *
 * <p>Dispatch order for a conversation that has no dissector yet: {@code --decode-as} rules, then
 * conversations announced by another dissector ({@link ConversationContext#expect}), then port
 * bindings (low port first, the dissector must still accept), then STRONG heuristics, then WEAK
 * ones. A match is sticky for the conversation. A dissector that raises N violations before
 * confirming is dropped from that conversation (Zeek's DPD).
 */
public final class Engine {
    /** Packets of a conversation that heuristics are tried on before it is left as plain data. */
    static final int MAX_HEURISTIC_TRIES = 16;
    /** Bytes of an unrecognised stream direction held for the next heuristic try. */
    static final int MAX_DETECT_BYTES = 16 * 1024;
    private static final int TCP_FIN = 0x01;
    private static final int TCP_SYN = 0x02;
    private static final int TCP_RST = 0x04;
    private static final int TCP_ACK = 0x10;

    private final DissectorRegistry registry;
    private final Limits limits;
    private final List<DecodeAs> decodeAs;
    private final Tap[] taps;
    /** Some tap reads events (otherwise sessions may skip building them). */
    final boolean eventsWanted;
    private final PacketDecoder decoder;
    /**
     * The reassembly budget of everything on the engine's thread (TCP, partial messages, DTLS,
     * WebSocket) and, on one thread, of IP reassembly too. When decoding runs ahead on a second
     * thread, IP reassembly gets a quarter of Limits.reassemblyBudget of its own ({@link
     * #decoderBudget}) and this the rest: one total, split between the two threads.
     */
    private final ReassemblyBudget budget;
    private final ReassemblyBudget decoderBudget;

    private final RawFrame ownFrame = new RawFrame();
    private final PacketInfo ownInfo = new PacketInfo();
    private final boolean decodeAhead;
    /** The frame being dispatched and what the decoder found in it (a decode-ahead slot's, or our own). */
    private RawFrame frame = ownFrame;
    private PacketInfo info = ownInfo;
    private final FrameRecord record = new FrameRecord();
    private final PacketContext ctx = new PacketContext();
    private final Payload payload = new Payload();
    private final FlowTable conversations = new FlowTable();
    /** Conversations announced by a dissector (SDP), oldest first; bounded by Limits.maxFlows. */
    private final LinkedHashMap<ExpectedKey, String> expected = new LinkedHashMap<>();
    private final ExpectedKey expectProbe = new ExpectedKey();
    private long nextConversationId;
    /** Bumped by every expect(): tells a conversation decided without a dissector to check the expectations again. */
    private long expectations;
    private long frameNumber;
    private long nowNanos;
    private long anomalies;
    private long dissectorBugs;
    /** Sees each message given to a session, for showing frames; null on the normal path. */
    private MessageObserver observer;
    /** TLS decryption of the run, when a key log was given (see {@link #decrypt}); null otherwise. */
    private TlsContext tls;
    /** The dissector of the plaintext a TLS frame carried, named after "tls" in the frame's layers. */
    private String tlsInner;
    /** The TCP frame being read gave decrypted application data (else it held TLS handshake, alerts or partial records). */
    private boolean plaintextInFrame;
    /** SDES keys announced by SDP, by media endpoint, oldest first; bounded by Limits.maxFlows. */
    private final LinkedHashMap<Endpoint, List<SdesKey>> srtpKeys = new LinkedHashMap<>();
    /** Bumped by every key announced: conversations look for their keys again. */
    private long srtpVersion;
    private final SrtpStats srtpStats = new SrtpStats();
    /** The clear SRTP or SRTCP packet being dissected. */
    private byte[] srtpOut;
    /** Keys of one media endpoint kept at most (re-INVITEs with new keys). */
    private static final int MAX_KEYS_PER_ENDPOINT = 8;

    /**
     * Sees what the engine gives a dissector session: each datagram, and each message a stream
     * session consumed (its bytes reassembled from TCP segments). Used to show chosen frames field
     * by field with the dissector's own parsing; the bytes are valid only during the call.
     */
    public interface MessageObserver {
        /**
         * @param frame the frame that carried the datagram or completed the message
         * @param stream true when {@code [off, off+len)} was reassembled from a TCP stream
         */
        void message(long frame, Dissector dissector, byte[] buf, int off, int len, boolean stream, PacketContext ctx);
    }

    /** Sets (or clears, with null) the observer of messages. */
    public void observe(final MessageObserver o) {
        observer = o;
    }

    public Engine(final DissectorRegistry registry, final EngineOptions options, final List<? extends Tap> taps) {
        this.registry = registry;
        this.limits = options.limits();
        ctx.limits(limits);
        this.decodeAs = options.decodeAs();
        for (final DecodeAs d : decodeAs) {
            if (registry.byId(d.dissectorId()) == null) {
                throw new IllegalArgumentException("--decode-as " + d + ": no dissector '" + d.dissectorId()
                    + "' (known: " + (registry.ids().isEmpty() ? "none" : String.join(", ", registry.ids())) + ")");
            }
        }
        this.taps = taps.toArray(new Tap[0]);
        boolean wanted = false;
        for (final Tap t : this.taps) {
            wanted |= t.wantsEvents();
        }
        this.eventsWanted = wanted;
        this.decodeAhead = options.decodeAhead();
        if (decodeAhead) {
            final long ip = limits.reassemblyBudget / 4;
            this.decoderBudget = new ReassemblyBudget(ip);
            this.budget = new ReassemblyBudget(limits.reassemblyBudget - ip);
            this.decoder = new PacketDecoder(limits, decoderBudget, true);
        } else {
            this.budget = new ReassemblyBudget(limits.reassemblyBudget);
            this.decoderBudget = budget;
            this.decoder = new PacketDecoder(limits, budget, false);
        }
    }

    /**
     * Reads the whole source through the pipeline. On an input error the frames read so far have
     * been dispatched and every open conversation reported before the exception propagates. An
     * interrupted thread stops with a {@link java.util.concurrent.CancellationException}.
     */
    public void run(final PacketSource source) throws IOException {
        if (decodeAhead) {
            runAhead(source);
            return;
        }
        try {
            while (source.next(ownFrame)) {
                process(ownFrame);
                if ((frameNumber & 4095) == 0 && Thread.currentThread().isInterrupted()) {
                    throw cancelled();
                }
            }
        } finally {
            finish();
        }
    }

    /** {@link #run} with reading and decoding on a second thread ({@link DecodeAhead}). */
    private void runAhead(final PacketSource source) throws IOException {
        final DecodeAhead ahead = new DecodeAhead(source, decoder, frameNumber);
        try {
            while (true) {
                final DecodeAhead.Batch b = ahead.take();
                final DecodeAhead.Slot[] slots = b.slots;
                final int count = b.count;
                for (int i = 0; i < count; i++) {
                    dispatch(slots[i]);
                }
                if (b.end) {
                    rethrow(b.error);
                    break;
                }
                ahead.release();
            }
        } finally {
            ahead.close();
            try {
                finish(); // the last frame's slot is still intact: the batch holding it was not given back
            } finally {
                frame = ownFrame;
                info = ownInfo;
            }
        }
    }

    private static void rethrow(final Throwable t) throws IOException {
        if (t == null) {
            return;
        }
        if (t instanceof IOException) {
            throw (IOException) t;
        }
        if (t instanceof RuntimeException) {
            throw (RuntimeException) t;
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
        throw new IllegalStateException(t);
    }

    /** The shell's Ctrl-C interrupts the command's thread: stop here. */
    private java.util.concurrent.CancellationException cancelled() {
        return new java.util.concurrent.CancellationException("cancelled after " + frameNumber + " frames");
    }

    /** Processes one frame (for sources driven from outside). */
    public void process(final RawFrame f) {
        final PacketDecoder.Result result = decoder.decode(f, frameNumber + 1, ownInfo);
        dispatch(f, ownInfo, result);
    }

    /** One decoded slot (a method of its own so that it is compiled early, not by replacing the running loop). */
    private void dispatch(final DecodeAhead.Slot s) {
        dispatch(s.frame, s.info, s.result);
        if ((frameNumber & 4095) == 0 && Thread.currentThread().isInterrupted()) {
            throw cancelled();
        }
    }

    /** Everything after decoding: conversations, dissectors, taps. */
    private void dispatch(final RawFrame f, final PacketInfo decoded, final PacketDecoder.Result result) {
        final long n = ++frameNumber;
        frame = f;
        info = decoded;
        nowNanos = decoded.tsNanos; // the frame's time, or the original packet's when it came in HEP
        budget.atFrame(n);
        final FrameRecord r = record;
        r.frame = n;
        r.tsNanos = decoded.tsNanos;
        r.capLen = f.capLen;
        r.origLen = f.origLen;
        r.linkType = f.linkType;
        r.sourceIndex = f.sourceIndex;
        r.truncated = f.capLen < f.origLen;
        r.reason = info.reason;
        r.layerCount = 0;
        r.flow = null;
        for (int i = 0; i < info.layerCount; i++) {
            r.addLayer(info.layers[i]);
        }
        switch (result) {
            case UDP:
            case TCP:
            case SCTP:
                r.status = FrameRecord.Status.OK;
                final String app = transports(f.origLen, true);
                if (app != null) {
                    r.addLayer(app);
                    if (tlsInner != null) {
                        r.addLayer(tlsInner);
                        tlsInner = null;
                    }
                }
                break;
            case OTHER_IP:
                // an outer tunnel transport (GTP-U over UDP) still counts for its conversation
                r.status = FrameRecord.Status.OK;
                transports(f.origLen, false);
                break;
            case FRAGMENT:
                r.status = FrameRecord.Status.FRAGMENT;
                transports(f.origLen, false);
                break;
            case NOT_IP:
                r.status = FrameRecord.Status.NOT_IP;
                break;
            case UNSUPPORTED_LINK:
                r.status = FrameRecord.Status.UNSUPPORTED_LINK;
                break;
            case MALFORMED:
            default:
                r.status = FrameRecord.Status.MALFORMED;
                anomaly(new Anomaly(info.reason != null ? info.reason : "frame.malformed", Severity.WARN, n, -1,
                    "malformed headers"));
                break;
        }
        if ((decoded.budgetDrops | decoded.ipEvicted) != 0 || budget.hasNotices()) {
            if (decoded.ipEvicted != 0) {
                anomaly(new Anomaly("ip.pending_limit", Severity.WARN, n, -1, "more than " + limits.ipMaxPendingDatagrams
                    + " IP datagrams under reassembly: dropped the " + (decoded.ipEvicted == 1 ? "oldest"
                    : decoded.ipEvicted + " oldest") + " (--ip-max-pending)"));
            }
            reportBudgetDrops(decoded.budgetDrops != 0 ? decoded : null);
        }
        if (result == PacketDecoder.Result.UDP || result == PacketDecoder.Result.TCP || result == PacketDecoder.Result.SCTP
            || result == PacketDecoder.Result.FRAGMENT) {
            final PacketInfo.Transport t = info.transport();
            r.flow = t == null ? null : t.key;
        }
        for (final Tap t : taps) {
            t.onFrame(r);
        }
        if ((n & 1023) == 0) {
            expireIdle();
        }
    }

    /**
     * One anomaly for each reassembly the budget dropped during this frame.
     *
     * @param decoded the frame's decode result when the decoder's own budget dropped IP datagrams, or null
     */
    private void reportBudgetDrops(final PacketInfo decoded) {
        final long n = frameNumber;
        if (decoded != null) {
            budgetAnomaly(ReassemblyBudget.Kind.IP_DATAGRAM, decoded.budgetDrops, decoded.budgetDropBytes,
                decoded.budgetDropSince, n);
        }
        if (budget.hasNotices()) {
            final long more = budget.drainNotices((kind, bytes, since, frame) -> budgetAnomaly(kind, 1, bytes, since, frame));
            if (more > 0) {
                anomaly(new Anomaly(BUDGET_ANOMALY, Severity.WARN, n, -1, "reassembly budget exceeded: " + more
                    + " more reassemblies dropped (--reassembly-budget " + limits.reassemblyBudget + ")"));
            }
        }
    }

    static final String BUDGET_ANOMALY = "reassembly.budget_exceeded";

    private void budgetAnomaly(final ReassemblyBudget.Kind kind, final long count, final long bytes, final long since,
                               final long frame) {
        final String what = count == 1 ? "the oldest " + kind.label()
            : "the " + count + " oldest " + kind.label() + "s";
        anomaly(new Anomaly(BUDGET_ANOMALY, Severity.WARN, frame, -1, "reassembly budget exceeded: dropped " + what
            + " (" + bytes + " bytes, pending since frame " + since + "; --reassembly-budget " + limits.reassemblyBudget + ")"));
    }

    /** What the reassembly budget went through so far (both threads' shares when decoding runs ahead). */
    public ReassemblyBudget.Report reassembly() {
        final ReassemblyBudget.Report r = budget.report();
        return decoderBudget == budget ? r : r.plus(decoderBudget.report());
    }

    /**
     * Counts every transport layer's conversation and, when {@code dispatchInner}, dispatches the
     * innermost payload. Returns the application protocol name of the dispatched payload.
     */
    private String transports(final int origLen, final boolean dispatchInner) {
        String app = null;
        final int count = info.transportCount;
        for (int i = 0; i < count; i++) {
            final PacketInfo.Transport t = info.transports[i];
            final boolean inner = dispatchInner && i == count - 1;
            final Transport tr = t.protocol == PacketInfo.Transport.TCP ? Transport.TCP
                : t.protocol == PacketInfo.Transport.SCTP ? Transport.SCTP : Transport.UDP;
            final boolean forward = t.forward;
            final Direction dir = forward ? Direction.A_TO_B : Direction.B_TO_A;
            Conversation c = conversations.get(t.key);
            if (c != null) {
                conversations.touch(c);
            }
            if (c != null && tr == Transport.TCP && c.closed && (t.tcpFlags & (TCP_SYN | TCP_ACK)) == TCP_SYN) {
                close(c, "reused");
                c = null;
            }
            if (c == null) {
                c = open(tr, forward, t);
            }
            final int di = dir.ordinal();
            c.packets[di]++;
            c.bytes[di] += origLen;
            c.lastNanos = nowNanos;
            if (!inner) {
                if (c.tunnelLabel == null) {
                    c.tunnelLabel = tunnelName(i);
                }
                continue;
            }
            ctx.set(info.frameNumber, nowNanos, c.key, dir, tr, info.truncated);
            if (tr == Transport.UDP) {
                app = udp(c);
            } else if (tr == Transport.SCTP) {
                app = sctp(c);
            } else {
                app = tcp(c, t, di);
            }
        }
        return app;
    }

    private String tunnelName(final int transportIndex) {
        // the layer that follows the outer transport header names the tunnel (e.g. "gtp")
        int seen = -1;
        for (int i = 0; i < info.layerCount; i++) {
            final String l = info.layers[i];
            if ("udp".equals(l) || "tcp".equals(l)) {
                seen++;
                if (seen == transportIndex && i + 1 < info.layerCount) {
                    return info.layers[i + 1];
                }
            }
        }
        return "data";
    }

    /** Looks at the heap every few thousand new items (see {@link HeapBudget}). */
    private final HeapBudget.Watch heap = new HeapBudget.Watch();

    /**
     * The heap is short: closes the conversations of one packet but the most recently seen few (a
     * flood of one-packet flows goes before any conversation that made progress), and when they were
     * under a quarter of the table, the least recently seen quarter whatever they hold.
     */
    private void shedConversations() {
        final int quarter = conversations.size() / 4;
        int closed = 0;
        int keep = HeapBudget.KEEP;
        // most recently seen first, through both lists without a copy of them (what is shed is garbage at once)
        Conversation a = conversations.newest(FlowTable.CONNECTIONS);
        Conversation b = conversations.newest(FlowTable.DATAGRAMS);
        while (a != null || b != null) {
            final Conversation c;
            if (b == null || a != null && a.seenOrder > b.seenOrder) {
                c = a;
                a = a.olderSeen;
            } else {
                c = b;
                b = b.olderSeen;
            }
            if (c.packets[0] + c.packets[1] <= 1 && keep-- <= 0) {
                shed(c);
                closed++;
            }
        }
        for (int i = quarter - closed; i > 0 && conversations.eldest() != null; i--) {
            shed(conversations.eldest());
        }
    }

    private void shed(final Conversation c) {
        conversations.remove(c);
        anomaly(new Anomaly("flow.heap", Severity.WARN, info.frameNumber, -1,
            "heap short: closed the conversation early, " + c.key));
        report(c, "evicted");
    }

    private Conversation open(final Transport tr, final boolean forward, final PacketInfo.Transport t) {
        if (conversations.size() >= limits.maxFlows) {
            final Conversation eldest = conversations.eldest();
            conversations.remove(eldest);
            anomaly(new Anomaly("flow.evicted", Severity.WARN, info.frameNumber, -1,
                "more than " + limits.maxFlows + " conversations: closed the least recently seen " + eldest.key));
            report(eldest, "evicted");
        }
        if (heap.newItem()) {
            shedConversations();
        }
        final FlowKey key = t.key.copy();
        final Conversation c = new Conversation(nextConversationId++, key, tr, forward, info.frameNumber, nowNanos);
        if (tr == Transport.TCP) {
            c.reassemblers = new TcpReassembler[] {new TcpReassembler(limits, budget), new TcpReassembler(limits, budget)};
            c.pending = new StreamBuffer[] {new StreamBuffer(budget), new StreamBuffer(budget)};
            c.finSeen = new boolean[2];
        }
        conversations.put(c);
        return c;
    }

    // ---------------------------------------------------------------- UDP

    private String udp(final Conversation c) {
        final int len = info.payloadLength;
        if (len > 0) {
            c.bytesCarried = true;
        }
        payload.wrap(info.payload == null ? frame.data : info.payload, info.payloadOffset, len);
        if (c.session == null && len > 0) {
            if (!c.dispatchDecided) {
                choose(c, payload);
            } else {
                recheckExpectations(c);
            }
        }
        if (c.session != null) {
            if (len > 0 && (srtpVersion != 0 || c.srtp != null || c.dtlsKeys != null || keyLogGiven() && WEBRTC.equals(c.dissector.id()))) {
                try {
                    srtp(c);
                } catch (RuntimeException e) {
                    bug(c, e); // decryption must not stop the run: the datagram goes on as it came
                }
            }
            final DissectorSession s = c.session;
            if (observer != null) {
                observer.message(info.frameNumber, c.dissector, payload.array(), payload.offset(), payload.length(), false, ctx);
            }
            try {
                s.onDatagram(payload, ctx, c.sink);
            } catch (RuntimeException e) {
                bug(c, e);
            }
            checkViolations(c);
            return c.dissector != null ? c.dissector.id() : (len > 0 ? "data" : null);
        }
        return len > 0 ? "data" : null;
    }

    /**
     * SRTP or SRTCP of a media conversation with SDES keys announced for one of its ends: the
     * payload view becomes the clear packet when a key authenticates it, and the context says
     * whether it was decrypted or failed authentication.
     */
    private void srtp(final Conversation c) {
        final String id = c.dissector == null ? null : c.dissector.id();
        if (WEBRTC.equals(id)) {
            if (!dtlsSrtp(c)) {
                return;
            }
        } else if (!"rtp".equals(id) && !"rtcp".equals(id)) {
            return;
        } else if (c.srtpVersion != srtpVersion) {
            c.srtpVersion = srtpVersion;
            final List<SdesKey> a = srtpKeys.get(c.key.endpointA());
            final List<SdesKey> b = srtpKeys.get(c.key.endpointB());
            if (a != null || b != null) {
                final List<SdesKey> keys = new ArrayList<>();
                if (a != null) {
                    keys.addAll(a);
                }
                if (b != null) {
                    keys.addAll(b);
                }
                if (c.srtp == null) {
                    c.srtp = new SrtpSession(keys, srtpStats, limits.maxSrtpStreamsPerSession);
                } else {
                    c.srtp.update(keys);
                }
            }
        }
        final SrtpSession s = c.srtp;
        if (s == null) {
            return;
        }
        if (srtpOut == null) {
            srtpOut = new byte[65536 + CHANNEL_DATA_HEADER];
        }
        final byte[] b = payload.array();
        // SRTP relayed in TURN ChannelData: the packet after the 4-byte header is decrypted, the header kept
        // with the clear length, so the session unwraps the clear packet as it unwraps any other
        final int head = channelData(b, payload.offset(), payload.length()) ? CHANNEL_DATA_HEADER : 0;
        final int off = payload.offset() + head;
        final int len = head == 0 ? payload.length() : channelDataLength(b, payload.offset(), payload.length());
        final int dir = ctx.direction() == Direction.A_TO_B ? 0 : 1;
        final boolean rtcp = len >= 2 && (b[off + 1] & 0xFF) >= 192 && (b[off + 1] & 0xFF) <= 223;
        final SrtpSession.Outcome o = rtcp ? s.rtcp(dir, b, off, len, srtpOut) : s.rtp(dir, b, off, len, srtpOut);
        if (o == SrtpSession.Outcome.DECRYPTED) {
            if (head == 0) {
                payload.wrap(srtpOut, 0, s.length());
            } else {
                final int clear = s.length();
                System.arraycopy(srtpOut, 0, srtpOut, head, clear);
                System.arraycopy(b, payload.offset(), srtpOut, 0, 2); // the channel number
                srtpOut[2] = (byte) (clear >>> 8);
                srtpOut[3] = (byte) clear;
                payload.wrap(srtpOut, 0, head + clear);
            }
            ctx.decrypted(true);
        } else if (o == SrtpSession.Outcome.AUTH_FAILED) {
            ctx.authFailed(true);
        }
    }

    /** TURN ChannelData's header (RFC 8656 section 12.4): channel number, length. */
    private static final int CHANNEL_DATA_HEADER = 4;

    /** A TURN ChannelData message (first byte 64-79, RFC 7983) with content. */
    private static boolean channelData(final byte[] b, final int off, final int len) {
        final int b0 = len > CHANNEL_DATA_HEADER ? b[off] & 0xFF : 0;
        return b0 >= 64 && b0 <= 79 && channelDataLength(b, off, len) > 0;
    }

    /** The content length a ChannelData message says, cut to what the datagram holds. */
    private static int channelDataLength(final byte[] b, final int off, final int len) {
        return Math.min((b[off + 2] & 0xFF) << 8 | (b[off + 3] & 0xFF), len - CHANNEL_DATA_HEADER);
    }

    private static final String WEBRTC = "webrtc";
    /** The content of the DTLS record being given to its session. */
    private byte[] dtlsOut;
    private Conversation dtlsConversation;
    private final Payload dtlsView = new Payload();
    /** Gives one decrypted DTLS record's content to the conversation's session, marked decrypted. */
    private final TlsConnection.Sink dtlsSink = (dir, buf, off, len) -> {
        final Conversation c = dtlsConversation;
        dtlsView.wrap(buf, off, len);
        ctx.decrypted(true);
        ctx.recordContent(true);
        try {
            c.session.onDatagram(dtlsView, ctx, c.sink);
        } catch (RuntimeException e) {
            bug(c, e);
        } finally {
            ctx.decrypted(false);
            ctx.recordContent(false);
        }
    };

    /**
     * A WebRTC conversation with a key log: its DTLS handshake is followed until the DTLS-SRTP keys
     * are exported; then its SRTP and SRTCP are decrypted.
     *
     * @return true when the datagram is SRTP or SRTCP and keys are known for it
     */
    private boolean dtlsSrtp(final Conversation c) {
        final byte[] b = payload.array();
        final boolean relayed = channelData(b, payload.offset(), payload.length());
        // through a TURN relay (ChannelData), the content is the DTLS and SRTP the two peers exchange
        final int off = relayed ? payload.offset() + CHANNEL_DATA_HEADER : payload.offset();
        final int len = relayed ? channelDataLength(b, payload.offset(), payload.length()) : payload.length();
        final int b0 = b[off] & 0xFF;
        if (b0 >= 20 && b0 <= 63) {
            if (c.dtlsKeys == null && !c.dtlsSeen && tls.keys() != null
                && (tls.keys().size() > 0 || tls.keys().following())) {
                c.dtlsSeen = true;
                c.dtlsKeys = new DtlsKeys(tls.keys(), tls.stats());
            }
            final int dir = ctx.direction() == Direction.A_TO_B ? 0 : 1;
            if (c.dtlsKeys != null && c.dtlsKeys.exported() != null) {
                if (relayed) {
                    return false; // the data channels inside ChannelData are read where they run in the clear of TURN
                }
                // application data (the data channels' SCTP): each record's content to the session, decrypted
                if (dtlsOut == null) {
                    dtlsOut = new byte[TlsConnection.MAX_FRAGMENT];
                }
                dtlsConversation = c;
                c.dtlsKeys.applicationData(dir, b, off, len, dtlsSink, dtlsOut);
            } else if (c.dtlsKeys != null && c.dtlsKeys.datagram(dir, b, off, len, nowNanos)) {
                dtlsSrtpKeys(c);
            }
            return false;
        }
        if (b0 < 128 || b0 > 191) {
            return false;
        }
        if (c.srtp == null && c.dtlsKeys != null && c.dtlsKeys.retry(nowNanos)) {
            dtlsSrtpKeys(c); // a key log still being written had them by now
        }
        return c.srtp != null;
    }

    /** The SRTP keys the DTLS handshake exported become the conversation's. */
    private void dtlsSrtpKeys(final Conversation c) {
        final DtlsKeys.Exported e = c.dtlsKeys.exported();
        final SrtpSuite suite = SrtpSuite.of(e.suite());
        final List<SdesKey> keys = List.of(
            new SdesKey(suite, e.clientKey(), e.clientSalt(), -1, 0, 1L << 48),
            new SdesKey(suite, e.serverKey(), e.serverSalt(), -1, 0, 1L << 48));
        c.srtp = new SrtpSession(keys, srtpStats, limits.maxSrtpStreamsPerSession);
    }

    // ---------------------------------------------------------------- SCTP

    private final SctpSink sctpSink = new SctpSink();

    /** Each whole user message of an SCTP packet goes to the session as a datagram. */
    private String sctp(final Conversation c) {
        final byte[] buf = info.payload == null ? frame.data : info.payload;
        sctpSink.conversation = c;
        sctpSink.messages = 0;
        if (c.sctp == null) {
            c.sctp = new SctpChunks.Reassembler[] {new SctpChunks.Reassembler(limits.tcpMaxBufferedPerDirection),
                new SctpChunks.Reassembler(limits.tcpMaxBufferedPerDirection)};
        }
        final SctpChunks.Outcome o = SctpChunks.forEachData(buf, info.payloadOffset, info.payloadLength,
            c.sctp[ctx.direction().ordinal()], sctpSink);
        if (o == SctpChunks.Outcome.MALFORMED) {
            anomaly(new Anomaly("sctp.bad_chunk", Severity.WARN, info.frameNumber, -1, "a chunk length runs past the packet"));
        } else if (o == SctpChunks.Outcome.FRAGMENT_DROPPED) {
            anomaly(new Anomaly("sctp.fragment_dropped", Severity.WARN, info.frameNumber, -1,
                "an SCTP message fragment out of sequence or over the size limit was dropped"));
        }
        if (sctpSink.messages == 0) {
            return null;
        }
        c.bytesCarried = true;
        return c.dissector != null ? c.dissector.id() : "data";
    }

    /** Receives SCTP user messages for the current conversation. */
    private final class SctpSink implements SctpChunks.DataConsumer {
        Conversation conversation;
        int messages;

        @Override
        public void data(final byte[] buf, final int off, final int len, final long ppid) {
            final Conversation c = conversation;
            messages++;
            payload.wrap(buf, off, len);
            if (c.session == null && !c.dispatchDecided && len > 0) {
                choose(c, payload);
            }
            if (c.session != null) {
                if (observer != null) {
                    observer.message(info.frameNumber, c.dissector, buf, off, len, false, ctx);
                }
                try {
                    c.session.onDatagram(payload, ctx, c.sink);
                } catch (RuntimeException e) {
                    bug(c, e);
                }
                checkViolations(c);
            }
        }
    }

    // ---------------------------------------------------------------- TCP

    private final TcpSink tcpSink = new TcpSink();
    private final Payload streamView = new Payload();

    private String tcp(final Conversation c, final PacketInfo.Transport t, final int di) {
        c.tcpFlagsSeen |= t.tcpFlags;
        if ((t.tcpFlags & (TCP_SYN | TCP_FIN | TCP_RST)) != 0) {
            publish(new TcpEvent(info.frameNumber, nowNanos, c.key, ctx.direction(), t.tcpFlags, c.id));
        }
        final int capLen = info.payloadLength;
        final int wireLen = Math.max(t.payloadLength, capLen);
        if (wireLen > 0) {
            c.bytesCarried = true;
        }
        tcpSink.conversation = c;
        tcpSink.direction = di;
        plaintextInFrame = false;
        final TcpReassembler.Segment seg = c.reassemblers[di].segment(t.tcpFlags, t.tcpSeq,
            info.payload == null ? frame.data : info.payload, info.payloadOffset, capLen, wireLen, tcpSink);
        if (seg == TcpReassembler.Segment.RETRANSMISSION) {
            c.retransmissions++;
        }
        if ((t.tcpFlags & TCP_FIN) != 0) {
            c.finSeen[di] = true;
        }
        if ((t.tcpFlags & TCP_RST) != 0 || (c.finSeen[0] && c.finSeen[1])) {
            if (!c.closed) {
                c.closed = true;
                flushTcp(c);
                endSession(c);
            }
        }
        if (wireLen == 0) {
            return null;
        }
        if (c.tlsConnection != null && c.tlsConnection.withholds()) {
            tlsInner = c.dissector != null && plaintextInFrame ? c.dissector.id() : null;
            return "tls";
        }
        return c.dissector != null ? c.dissector.id() : "data";
    }

    /** Receives one direction's in-order bytes from the reassembler and drives the session. */
    private final class TcpSink implements TcpReassembler.Sink, TlsConnection.Sink {
        Conversation conversation;
        int direction;

        @Override
        public void data(final byte[] buf, final int off, final int len) {
            final Conversation c = conversation;
            if (len == 0) {
                return;
            }
            if (tls != null) {
                if (!c.tlsChecked) {
                    c.tlsChecked = true;
                    if ((tls.keys().size() > 0 || tls.keys().following()) && TlsConnection.startsClientHello(buf, off, len)) {
                        c.tlsConnection = TlsConnection.start(tls, direction, buf, off, nowNanos);
                    }
                }
                final TlsConnection t = c.tlsConnection;
                if (t != null) {
                    try {
                        t.data(direction, buf, off, len, this, nowNanos);
                    } catch (RuntimeException e) {
                        bug(c, e);
                        return;
                    }
                    if (t.withholds()) {
                        return; // its plaintext came through plaintext()
                    }
                }
            }
            deliver(c, buf, off, len);
        }

        /** Decrypted application data of the conversation being fed, as if it had come in the clear. */
        @Override
        public void plaintext(final int dir, final byte[] buf, final int off, final int len) {
            plaintextInFrame = true;
            ctx.decrypted(true);
            try {
                deliver(conversation, buf, off, len);
            } finally {
                ctx.decrypted(false);
            }
        }

        /** In-order bytes of the direction being fed, in the clear, to the conversation's session. */
        private void deliver(final Conversation c, final byte[] buf, final int off, final int len) {
            if (c.pending[direction].dropped != 0) {
                budgetGap(c, direction);
            }
            if (c.session == null) {
                if (!c.dispatchDecided && detect(c, buf, off, len)) {
                    final StreamBuffer held = c.pending[direction];
                    if (held.length > 0) {
                        held.consume(drive(c, held.data, 0, held.length));
                    }
                }
                return;
            }
            final StreamBuffer p = c.pending[direction];
            if (p.length == 0) {
                final int used = drive(c, buf, off, len);
                if (used < len && c.session != null && !p.append(buf, off + used, len - used, limits.tcpMaxBufferedPerDirection)) {
                    overflow(c, direction);
                }
                return;
            }
            if (!p.append(buf, off, len, limits.tcpMaxBufferedPerDirection)) {
                overflow(c, direction);
                return;
            }
            final int used = drive(c, p.data, 0, p.length);
            p.consume(used);
        }

        @Override
        public void gap(final long seq, final int len) {
            final Conversation c = conversation;
            c.gaps++;
            if (c.tlsConnection != null) {
                c.tlsConnection.gap(direction);
            }
            c.pending[direction].clear();
            anomaly(new Anomaly("tcp.gap", Severity.INFO, info.frameNumber, -1,
                len + " bytes missing at seq " + seq + " in " + c.key));
            if (c.session != null) {
                try {
                    c.session.onGap(seq, len, Direction.values()[direction], c.sink);
                } catch (RuntimeException e) {
                    bug(c, e);
                }
            }
        }
    }

    /**
     * Tries to find the dissector of a stream that has none yet. Bytes not recognised yet are held
     * (up to {@link #MAX_DETECT_BYTES}) so that the next try sees the stream from its start.
     *
     * @return true when a dissector was attached and the held bytes (this chunk included) wait in
     *     the direction's pending buffer
     */
    private boolean detect(final Conversation c, final byte[] buf, final int off, final int len) {
        final StreamBuffer held = c.pending[tcpSink.direction];
        if (!held.append(buf, off, len, MAX_DETECT_BYTES)) {
            held.clear();
            c.dispatchDecided = true;
            return false;
        }
        payload.wrap(held.data, 0, held.length);
        choose(c, payload);
        if (c.session != null) {
            return true;
        }
        if (c.dispatchDecided) {
            held.clear();
        }
        return false;
    }

    /** Offers bytes to the session until it stops consuming; returns bytes consumed. */
    private int drive(final Conversation c, final byte[] buf, final int off, final int len) {
        int used = 0;
        final Payload view = streamView;
        while (used < len && c.session != null) {
            view.wrap(buf, off + used, len - used);
            int n;
            try {
                n = c.session.onStream(view, ctx, c.sink);
            } catch (RuntimeException e) {
                bug(c, e);
                return len;
            }
            if (n < 0 || n > len - used) {
                anomaly(new Anomaly(c.dissector.id() + ".dissector_bug", Severity.ERROR, info.frameNumber, -1,
                    "onStream returned " + n + " of " + (len - used) + " bytes"));
                dissectorBugs++;
                return len;
            }
            if (n == 0) {
                break;
            }
            if (observer != null && c.dissector != null) {
                observer.message(info.frameNumber, c.dissector, buf, off + used, n, true, ctx);
            }
            used += n;
        }
        checkViolations(c);
        return used;
    }

    private void overflow(final Conversation c, final int direction) {
        final StreamBuffer p = c.pending[direction];
        final int dropped;
        if (p.refusedByBudget) {
            // counted and reported by the budget (its oldest pending reassembly: this one)
            dropped = p.dropped + p.length;
            p.dropped = 0;
            p.length = 0;
        } else {
            anomaly(new Anomaly("tcp.pdu_limit", Severity.WARN, info.frameNumber, -1,
                "a PDU in " + c.key + " grew past " + limits.tcpMaxBufferedPerDirection + " bytes without completing: discarded"));
            dropped = p.length;
        }
        p.clear();
        if (c.session != null) {
            try {
                c.session.onGap(-1, dropped, Direction.values()[direction], c.sink);
            } catch (RuntimeException e) {
                bug(c, e);
            }
        }
    }

    /** The budget dropped a partial PDU of this direction: the session hears of it as a gap. */
    private void budgetGap(final Conversation c, final int direction) {
        final StreamBuffer p = c.pending[direction];
        final int dropped = p.dropped;
        p.dropped = 0;
        if (c.session != null) {
            try {
                c.session.onGap(-1, dropped, Direction.values()[direction], c.sink);
            } catch (RuntimeException e) {
                bug(c, e);
            }
        }
    }

    private void flushTcp(final Conversation c) {
        if (c.reassemblers == null) {
            return;
        }
        for (int d = 0; d < 2; d++) {
            tcpSink.conversation = c;
            tcpSink.direction = d;
            try {
                c.reassemblers[d].flush(tcpSink);
            } finally {
                c.reassemblers[d].release();
            }
        }
    }

    // ---------------------------------------------------------------- dispatch

    private void choose(final Conversation c, final Payload p) {
        final Transport tr = c.transport;
        c.expectationsSeen = expectations;
        Dissector chosen = null;
        for (final DecodeAs rule : decodeAs) {
            if (rule.transport() == tr && (rule.port() == c.key.portA() || rule.port() == c.key.portB())) {
                chosen = registry.byId(rule.dissectorId());
                break;
            }
        }
        if (chosen == null && !expected.isEmpty()) {
            chosen = expectedFor(c);
        }
        if (chosen == null) {
            final int lo = Math.min(c.key.portA(), c.key.portB());
            final int hi = Math.max(c.key.portA(), c.key.portB());
            chosen = boundAccepting(tr, lo, p);
            if (chosen == null && hi != lo) {
                chosen = boundAccepting(tr, hi, p);
            }
        }
        if (chosen == null) {
            chosen = heuristic(tr, p, Confidence.STRONG);
        }
        if (chosen == null) {
            chosen = heuristic(tr, p, Confidence.WEAK);
        }
        if (chosen == null) {
            if (++c.heuristicTries >= MAX_HEURISTIC_TRIES) {
                c.dispatchDecided = true;
            }
            return;
        }
        attach(c, chosen);
    }

    /** A conversation decided without a dissector takes one announced for it since (SDP after early media). */
    private void recheckExpectations(final Conversation c) {
        if (c.expectationsSeen == expectations) {
            return;
        }
        c.expectationsSeen = expectations;
        final Dissector d = expectedFor(c);
        if (d != null) {
            attach(c, d);
        }
    }

    private Dissector expectedFor(final Conversation c) {
        if (expected.isEmpty()) {
            return null;
        }
        if (c.endpoints == null) {
            c.endpoints = new Endpoint[] {c.key.endpointA(), c.key.endpointB()};
        }
        for (final Endpoint e : c.endpoints) {
            final String id = expected.get(expectProbe.set(c.transport, e));
            if (id != null && registry.byId(id) != null) {
                return registry.byId(id);
            }
        }
        return null;
    }

    private Dissector boundAccepting(final Transport tr, final int port, final Payload p) {
        // SCTP carries messages like UDP datagrams: it shares the UDP port table
        for (final Dissector d : registry.byPort(tr == Transport.SCTP ? Transport.UDP : tr, port)) {
            if (d.transports().contains(tr) && safeAccept(d, p) != Confidence.NO) {
                return d;
            }
        }
        return null;
    }

    private Dissector heuristic(final Transport tr, final Payload p, final Confidence wanted) {
        for (final Dissector d : registry.heuristics()) {
            if (d.transports().contains(tr) && safeAccept(d, p) == wanted) {
                return d;
            }
        }
        return null;
    }

    private Confidence safeAccept(final Dissector d, final Payload p) {
        try {
            final Confidence c = d.accept(p, ctx);
            return c == null ? Confidence.NO : c;
        } catch (RuntimeException e) {
            dissectorBugs++;
            anomaly(new Anomaly(d.id() + ".dissector_bug", Severity.ERROR, info.frameNumber, -1,
                "accept() threw " + e));
            return Confidence.NO;
        }
    }

    private void attach(final Conversation c, final Dissector d) {
        c.dispatchDecided = true;
        c.dissector = d;
        c.sink = new ConversationSink(this);
        try {
            c.session = d.open(new Context(c));
        } catch (RuntimeException e) {
            bug(c, e);
        }
    }

    private void checkViolations(final Conversation c) {
        if (c.session != null && c.sink != null && !c.sink.confirmed && c.sink.violations >= limits.maxViolations) {
            anomaly(new Anomaly(c.dissector.id() + ".disabled", Severity.WARN, info.frameNumber, -1,
                c.sink.violations + " violations before confirmation: " + c.dissector.id() + " dropped for " + c.key));
            c.session = null;
            c.dissector = null;
            c.dispatchDecided = true;
        }
    }

    private void bug(final Conversation c, final RuntimeException e) {
        dissectorBugs++;
        final String id = c.dissector != null ? c.dissector.id() : "engine";
        anomaly(new Anomaly(id + ".dissector_bug", Severity.ERROR, info.frameNumber, -1, e.toString()));
    }

    // ---------------------------------------------------------------- lifecycle

    private void expireIdle() {
        final long connections = nowNanos - limits.flowIdleTimeoutNanos;
        final long datagrams = nowNanos - limits.udpFlowIdleTimeoutNanos;
        while (true) {
            // each list in recency order: behind its eldest the rest were seen more recently
            Conversation a = conversations.eldest(FlowTable.CONNECTIONS);
            Conversation b = conversations.eldest(FlowTable.DATAGRAMS);
            a = a != null && a.lastNanos < connections ? a : null;
            b = b != null && b.lastNanos < datagrams ? b : null;
            final Conversation c = FlowTable.older(a, b);
            if (c == null) {
                break;
            }
            conversations.remove(c);
            report(c, "idle");
        }
        // an announced conversation that did not come within its idle time is forgotten too; the
        // announcements are in order of time, so the walk stops at the first one neither time has passed
        final long later = Math.max(connections, datagrams);
        final Iterator<ExpectedKey> it = expected.keySet().iterator();
        while (it.hasNext()) {
            final ExpectedKey k = it.next();
            if (k.nanos >= later) {
                break;
            }
            if (k.nanos < (FlowTable.isConnection(k.transport) ? connections : datagrams)) {
                it.remove();
            }
        }
    }

    private void close(final Conversation c, final String reason) {
        conversations.remove(c);
        report(c, reason);
    }

    /** Ends the conversation's session and hands its record to the taps. */
    private void report(final Conversation c, final String reason) {
        if (!c.closed) {
            flushTcp(c);
            endSession(c);
        }
        releaseReassembly(c);
        final boolean aIsKeyA = c.firstForward;
        final int a = aIsKeyA ? 0 : 1;
        final int b = 1 - a;
        final ConversationRecord rec = new ConversationRecord(c.id, c.key, aIsKeyA, c.firstFrame, c.startNanos,
            c.lastNanos, c.packets[a], c.bytes[a], c.packets[b], c.bytes[b], c.protocolLabel(), c.tcpFlagsSeen,
            c.retransmissions, c.gaps, reason);
        for (final Tap t : taps) {
            t.onConversation(rec);
        }
    }

    /** Gives a finished conversation's TCP buffers back to the budget (data after a close may have refilled them). */
    private static void releaseReassembly(final Conversation c) {
        if (c.reassemblers != null) {
            for (int d = 0; d < 2; d++) {
                c.reassemblers[d].release();
                c.pending[d].clear();
            }
        }
    }

    private void endSession(final Conversation c) {
        if (c.session != null) {
            try {
                c.session.onEnd(c.sink);
            } catch (RuntimeException e) {
                bug(c, e);
            }
        }
    }

    /** Reports every open conversation in order of first packet and tells the taps the capture ended. */
    public void finish() {
        final List<Conversation> open = conversations.values();
        open.sort((x, y) -> Long.compare(x.id, y.id));
        conversations.clear();
        for (final Conversation c : open) {
            report(c, "end");
        }
        if (budget.hasNotices()) {
            reportBudgetDrops(null);
        }
        final ReassemblyBudget.Report reassembly = reassembly();
        for (final Tap t : taps) {
            t.onReassembly(reassembly);
        }
        final TlsStats tlsStats = tlsStats();
        if (tlsStats != null) {
            for (final Tap t : taps) {
                t.onTls(tlsStats);
            }
        }
        if (!srtpStats.isEmpty()) {
            for (final Tap t : taps) {
                t.onSrtp(srtpStats);
            }
        }
        for (final Tap t : taps) {
            t.onEnd();
        }
    }

    void publish(final ProtocolEvent e) {
        final Class<?> type = e.getClass();
        Tap[] to = lastListeners;
        if (type != lastType) {
            to = listeners.get(type);
            lastType = type;
            lastListeners = to;
        }
        for (final Tap t : to) {
            t.onEvent(e);
        }
    }

    // the listeners of the last event's type: runs of one type (RTP) skip the ClassValue lookup
    private Class<?> lastType;
    private Tap[] lastListeners;

    /** The taps that want events of a type, worked out once per type. */
    private final ClassValue<Tap[]> listeners = new ClassValue<>() {
        @Override
        protected Tap[] computeValue(final Class<?> type) {
            final List<Tap> l = new ArrayList<>();
            for (final Tap t : taps) {
                @SuppressWarnings("unchecked") final Class<? extends ProtocolEvent> et = (Class<? extends ProtocolEvent>) type;
                if (t.wants(et)) {
                    l.add(t);
                }
            }
            return l.toArray(new Tap[0]);
        }
    };

    Tap[] listeners(final Class<? extends ProtocolEvent> type) {
        if (type == lastWantedType) {
            return lastWanted;
        }
        lastWantedType = type;
        lastWanted = listeners.get(type);
        return lastWanted;
    }

    private Class<?> lastWantedType;
    private Tap[] lastWanted;

    void anomaly(final Anomaly a) {
        anomalies++;
        for (final Tap t : taps) {
            t.onAnomaly(a);
        }
    }

    /** Numbers the next frame {@code number} (re-dissecting one frame of a capture under its own number). */
    public void nextFrameNumber(final long number) {
        frameNumber = number - 1;
    }

    public long frames() {
        return frameNumber;
    }

    public long anomalies() {
        return anomalies;
    }

    public long dissectorBugs() {
        return dissectorBugs;
    }

    /**
     * Decrypts TLS over TCP with the secrets of {@code keys} (which may still grow during the run,
     * from a pcapng Decryption Secrets Block). Call before {@link #run}. A connection is decrypted
     * when its ClientHello's random has secrets by the time it is seen; the others are analysed as
     * without keys and counted.
     */
    public void decrypt(final KeyLog keys) {
        tls = new TlsContext(keys);
    }

    /** What SRTP decryption with SDES keys did (empty when no SDP carried a=crypto). */
    public SrtpStats srtpStats() {
        return srtpStats;
    }

    /** Whether a key log with secrets (or one still being written) was given: only then is DTLS followed. */
    private boolean keyLogGiven() {
        return tls != null && tls.keys() != null && (tls.keys().size() > 0 || tls.keys().following());
    }

    /** What TLS decryption did, or null when {@link #decrypt} was not called. */
    public TlsStats tlsStats() {
        if (tls == null) {
            return null;
        }
        final TlsStats s = tls.stats();
        final KeyLog keys = tls.keys();
        if (keys != null) {
            s.keyLogSecrets = keys.size();
            s.keyLogMalformed = keys.malformed();
            s.keyLogOverLimit = keys.overLimit();
        }
        return s;
    }

    /** A dissector's view of its conversation. */
    private final class Context implements ConversationContext {
        private final Conversation c;

        Context(final Conversation c) {
            this.c = c;
        }

        @Override
        public FlowKey flow() {
            return c.key;
        }

        @Override
        public Transport transport() {
            return c.transport;
        }

        @Override
        public Limits limits() {
            return limits;
        }

        @Override
        public long id() {
            return c.id;
        }

        @Override
        public ReassemblyBudget reassemblyBudget() {
            return budget;
        }

        @Override
        public boolean handOff(final String contentType, final Payload body, final PacketContext pc, final EventSink out) {
            final Dissector d = registry.byContentType(contentType);
            if (d == null) {
                return false;
            }
            try {
                d.open(this).onDatagram(body, pc, out);
            } catch (RuntimeException e) {
                dissectorBugs++;
                anomaly(new Anomaly(d.id() + ".dissector_bug", Severity.ERROR, pc.frame(), -1, e.toString()));
            }
            return true;
        }

        @Override
        public void srtpKey(final Endpoint rtp, final Endpoint rtcp, final String suite, final String keyParams, final long frame) {
            final SdesKey k = SdesKey.parse(SrtpSuite.of(suite), keyParams);
            if (k == null) {
                srtpStats.unusableKeys++;
                return;
            }
            if (key(rtp, k)) {
                srtpStats.keys++;
            }
            if (rtcp != null) {
                key(rtcp, k);
            }
        }

        /** Adds a key for an endpoint; false when it already had it. */
        private boolean key(final Endpoint endpoint, final SdesKey k) {
            List<SdesKey> l = srtpKeys.remove(endpoint); // renewed: to the end of the order
            if (l == null) {
                if (srtpKeys.size() >= limits.maxFlows) {
                    final Iterator<Endpoint> oldest = srtpKeys.keySet().iterator();
                    oldest.next();
                    oldest.remove();
                }
                l = new ArrayList<>(2);
            }
            srtpKeys.put(endpoint, l);
            if (l.contains(k)) {
                return false;
            }
            if (l.size() >= MAX_KEYS_PER_ENDPOINT) {
                l.remove(0);
            }
            l.add(k);
            srtpVersion++;
            return true;
        }

        @Override
        public void expect(final Transport transport, final Endpoint endpoint, final String dissectorId, final long frame) {
            if (expected.size() >= limits.maxFlows) {
                final Iterator<ExpectedKey> oldest = expected.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
            final ExpectedKey k = new ExpectedKey().set(transport, endpoint);
            k.nanos = nowNanos;
            expected.remove(k); // renewed: to the end of the order, which is the order of time
            expected.put(k, dissectorId);
            expectations++; // conversations left without a dissector look again on their next packet
        }
    }

    /** Key of an expected conversation: transport and one endpoint. Mutable only as the lookup probe. */
    private static final class ExpectedKey {
        Transport transport;
        Endpoint endpoint;
        /** When it was announced (packet time); not part of the key. */
        long nanos;

        ExpectedKey set(final Transport t, final Endpoint e) {
            transport = t;
            endpoint = e;
            return this;
        }

        @Override
        public boolean equals(final Object o) {
            return o instanceof ExpectedKey && ((ExpectedKey) o).transport == transport
                && ((ExpectedKey) o).endpoint.equals(endpoint);
        }

        @Override
        public int hashCode() {
            return 31 * transport.hashCode() + endpoint.hashCode();
        }
    }
}
