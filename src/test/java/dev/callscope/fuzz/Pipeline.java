package dev.callscope.fuzz;

import dev.callscope.core.Limits;
import dev.callscope.core.PacketSource;
import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.DecodeAs;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.tap.FrameRecord;
import dev.callscope.tap.Tap;
import dev.callscope.engine.Engine;
import dev.callscope.engine.EngineOptions;
import dev.callscope.flow.CaptureStats;
import dev.callscope.flow.ConversationTable;
import dev.callscope.flow.dubbo.DubboConnection;
import dev.callscope.flow.dubbo.DubboTracker;
import dev.callscope.flow.rtp.RtpStreamTracker;
import dev.callscope.flow.sip.SipCall;
import dev.callscope.flow.sip.SipCallTracker;
import dev.callscope.flow.webrtc.WebrtcSession;
import dev.callscope.flow.webrtc.WebrtcTracker;
import dev.callscope.ladder.DubboLadders;
import dev.callscope.ladder.Ladder;
import dev.callscope.ladder.SipLadders;
import dev.callscope.ladder.TextLadderRenderer;
import dev.callscope.ladder.WebrtcLadders;
import dev.callscope.output.DubboView;
import dev.callscope.output.FlowsView;
import dev.callscope.output.Json;
import dev.callscope.output.ReadView;
import dev.callscope.output.RtpViews;
import dev.callscope.output.SipViews;
import dev.callscope.output.WebrtcViews;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole engine as the commands build it (every dissector, the trackers of {@code read},
 * {@code calls}, {@code rtp}, {@code dubbo}, {@code webrtc} and {@code flows}) run over one input,
 * then, when asked, every view and ladder rendered to a writer that drops the text.
 *
 * <p>{@code config} bits: 1 = the streaming set-up of the table and JSON Lines commands with tight
 * limits (evictions, idle timeouts, buffer caps are reached within a few frames) instead of the
 * default limits; 2 = the RTP heuristic on ({@code --rtp-heuristic}); 4 = payloads in exact-size
 * arrays ({@link BugCatcher}).
 */
final class Pipeline {
    static final int STREAMING = 1;
    static final int RTP_HEURISTIC = 2;
    static final int EXACT = 4;

    /**
     * What one run produced: the exception that escaped, if any, every dissector bug, frames read,
     * frames per last protocol layer, and the bytes the harness itself allocated (exact-size copies).
     */
    record Outcome(Throwable escaped, List<BugCatcher.Caught> caught, List<Anomaly> bugs, long frames,
                   Map<String, Long> byProtocol, long harnessBytes) {
        boolean clean() {
            return escaped == null && caught.isEmpty() && bugs.isEmpty();
        }
    }

    private static final DissectorRegistry PLAIN = BugCatcher.registry(Map.of());
    private static final DissectorRegistry RTP = BugCatcher.registry(Map.of("rtp.heuristic", "true", "rtp.keep_payload", "true"));

    private Pipeline() {
    }

    /** Limits small enough that a few frames reach every bound. */
    static Limits tight() {
        final Limits l = new Limits();
        l.maxFlows = 4;
        l.flowIdleTimeoutNanos = 2_000_000_000L;
        l.udpFlowIdleTimeoutNanos = 1_000_000_000L;
        l.tcpMaxBufferedPerDirection = 4096;
        l.tcpMaxOutOfOrderSegments = 4;
        l.reassemblyBudget = 16_384;
        l.maxWebrtcSessions = 2;
        l.maxFlowRows = 8;
        l.ipMaxPendingDatagrams = 4;
        l.ipMaxFragmentsPerDatagram = 4;
        l.ipFragmentTimeoutNanos = 1_000_000_000L;
        l.sipMaxMessage = 2048;
        l.dubboMaxPayload = 4096;
        l.dubboTimeoutNanos = 100_000_000L;
        l.dubboLingerNanos = 100_000_000L;
        l.dtlsMaxHandshakeFragments = 3;
        l.maxCalls = 3;
        l.maxStreams = 3;
        l.callLingerNanos = 1_000_000_000L;
        l.callIdleTimeoutNanos = 2_000_000_000L;
        l.streamIdleTimeoutNanos = 1_000_000_000L;
        l.maxAnomalyRecords = 8;
        l.maxViolations = 2;
        return l;
    }

    /** Runs {@code source} (closed here) through the engine; input errors are rethrown after the run. */
    static Outcome run(final PacketSource source, final List<DecodeAs> rules, final int config, final boolean render)
            throws IOException {
        BugCatcher.reset((config & EXACT) != 0);
        final boolean streaming = (config & STREAMING) != 0;
        final Limits limits = streaming ? tight() : new Limits();
        final Writer sinkWriter = Writer.nullWriter();
        final PrintWriter out = new PrintWriter(sinkWriter);
        final CaptureStats stats = new CaptureStats(limits.maxAnomalyRecords);
        final SipCallTracker sip = new SipCallTracker(limits.maxCalls);
        final RtpStreamTracker rtp = streaming ? new RtpStreamTracker(limits.maxStreams, 1_000_000_000L) : new RtpStreamTracker();
        final DubboTracker dubbo = streaming
            ? new DubboTracker(new DubboTracker.Bounds(2, 4, 8, 2)).timeouts(limits.dubboTimeoutNanos, limits.dubboLingerNanos)
            : DubboTracker.of(limits);
        final WebrtcTracker webrtc = new WebrtcTracker(limits);
        final ConversationTable table = streaming ? new ConversationTable(ConversationTable.Sort.BYTES, 2)
            : new ConversationTable(ConversationTable.Sort.START, 0, limits.maxFlowRows);
        sip.media(rtp);
        if (streaming) {
            sip.stream(render ? SipCallTracker.Retention.NONE : SipCallTracker.Retention.SUMMARY, new SipCallTracker.Listener() {
                @Override
                public void closed(final SipCall c) {
                    if (render) {
                        Json.writeLine(out, SipViews.call(c, true, rtp));
                    }
                }
            }, limits.callLingerNanos, limits.callIdleTimeoutNanos);
            rtp.stream(limits.streamIdleTimeoutNanos, true, s -> {
                if (render) {
                    Json.writeLine(out, RtpViews.stream(s, 0));
                }
            });
            dubbo.stream(x -> {
                if (render) {
                    Json.writeLine(out, DubboView.exchange(x));
                }
            });
        }
        final List<Anomaly> bugs = new ArrayList<>();
        final Map<String, Long> byProtocol = new HashMap<>();
        final Tap bugTap = new Tap() {
            @Override
            public boolean wantsEvents() {
                return false;
            }

            @Override
            public void onFrame(final FrameRecord f) {
                if (f.layerCount > 0) {
                    byProtocol.merge(f.layers[f.layerCount - 1], 1L, Long::sum);
                }
            }

            @Override
            public void onAnomaly(final Anomaly a) {
                if (a.code().endsWith(".dissector_bug")) {
                    bugs.add(a);
                }
            }
        };
        final DissectorRegistry registry = (config & RTP_HEURISTIC) != 0 ? RTP : PLAIN;
        final Engine engine = new Engine(registry, new EngineOptions(limits, rules, false),
            List.of(stats, sip, rtp, dubbo, webrtc, table, bugTap));
        Throwable escaped = null;
        IOException input = null;
        try (source) {
            engine.run(source);
        } catch (IOException e) {
            input = e;
        } catch (RuntimeException | StackOverflowError e) {
            escaped = e;
        }
        if (escaped == null) {
            try {
                sip.closeAll();
                results(stats, sip, rtp, dubbo, webrtc, table);
                if (render) {
                    render(out, stats, sip, rtp, dubbo, webrtc, table, input);
                }
            } catch (RuntimeException | StackOverflowError e) {
                escaped = e;
            }
        }
        if (input != null && escaped == null && bugs.isEmpty()) {
            throw input;
        }
        return new Outcome(escaped, BugCatcher.caught(), bugs, engine.frames(), byProtocol, BugCatcher.copied());
    }

    /** What the commands read from the trackers, without printing it. */
    private static void results(final CaptureStats stats, final SipCallTracker sip, final RtpStreamTracker rtp,
                                final DubboTracker dubbo, final WebrtcTracker webrtc, final ConversationTable table) {
        stats.hierarchy();
        for (final SipCall c : sip.calls()) {
            c.durationSeconds();
            c.setupTimeMs();
            c.postDialDelayMs();
        }
        sip.requestsByMethod();
        rtp.streams().forEach(s -> {
            s.lostPercent();
            s.maxJitterMs();
        });
        rtp.allDtmf();
        dubbo.totals();
        dubbo.methods();
        webrtc.sessions();
        table.rows();
    }

    private static void render(final PrintWriter out, final CaptureStats stats, final SipCallTracker sip,
                               final RtpStreamTracker rtp, final DubboTracker dubbo, final WebrtcTracker webrtc,
                               final ConversationTable table, final IOException input) {
        final String err = input == null ? null : input.getMessage();
        final List<String> files = List.of("fuzz.pcap");
        Json.writeDocument(out, ReadView.json(files, "pcap", stats, err));
        ReadView.text(out, files, "pcap", stats, err);
        Json.writeDocument(out, FlowsView.json(table.rows(), table.seen(), stats.firstNanos()));
        FlowsView.text(out, table.rows(), table.seen(), stats.firstNanos(), 80);
        final List<SipCall> calls = sip.calls();
        Json.writeDocument(out, SipViews.callsJson(calls, calls.size(), rtp));
        SipViews.callsText(out, calls, calls.size(), 80);
        Json.writeDocument(out, SipViews.statsJson(sip));
        SipViews.messagesText(out, sip.messages(), stats.firstNanos(), 80);
        final TextLadderRenderer text = new TextLadderRenderer(TextLadderRenderer.Options.plain());
        if (!calls.isEmpty()) {
            final Ladder l = SipLadders.of(calls, false, rtp.streams());
            text.render(l);
            Json.writeDocument(out, SipViews.ladderJson(l));
        }
        Json.writeDocument(out, RtpViews.json(rtp));
        RtpViews.text(out, rtp, true, 80);
        Json.writeDocument(out, DubboView.json(dubbo, stats.firstNanos(), Map.of()));
        DubboView.text(out, dubbo, stats.firstNanos(), Map.of(), 80);
        for (final DubboConnection c : dubbo.connections()) {
            text.render(DubboLadders.of(c, dubbo.exchangesOf(c)));
        }
        Json.writeDocument(out, WebrtcViews.json(webrtc));
        WebrtcViews.text(out, webrtc, 80);
        for (final WebrtcSession s : webrtc.sessions()) {
            text.render(WebrtcLadders.of(s));
        }
        out.flush();
    }
}
