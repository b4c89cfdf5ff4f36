package dev.callscope.cli;

import dev.callscope.flow.CaptureStats;
import dev.callscope.flow.dubbo.DubboConnection;
import dev.callscope.flow.dubbo.DubboTracker;
import dev.callscope.flow.sip.SipCall;
import dev.callscope.flow.sip.SipCallTracker;
import dev.callscope.ladder.DubboLadders;
import dev.callscope.ladder.HtmlLadderRenderer;
import dev.callscope.ladder.Ladder;
import dev.callscope.ladder.Ladders;
import dev.callscope.ladder.MermaidLadderRenderer;
import dev.callscope.ladder.PlantUmlLadderRenderer;
import dev.callscope.ladder.SvgLadderRenderer;
import dev.callscope.ladder.SipLadders;
import dev.callscope.ladder.TextLadderRenderer;
import dev.callscope.output.Json;
import dev.callscope.output.SipViews;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code callscope ladder}: sequence diagrams of SIP calls. */
@Command(name = "ladder", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Draw SIP calls, Dubbo connections and WebRTC sessions as ladders (sequence diagrams) like sngrep's call flow: one "
        + "column per endpoint, one arrow per message with time and delta; for SIP the SDP under offers and answers "
        + "and retransmissions marked; for Dubbo requests, responses with latency, heartbeats and the TCP connection's life."},
    footerHeading = "%nExamples:%n",
    footer = {"  callscope ladder samples/sip-call.pcap", "  callscope ladder --call 2 --by-host --ascii capture.pcap",
        "  callscope ladder --call a84b4c76e66710 --extended b2bua.pcapng",
        "  callscope ladder --protocol dubbo --connection 1 samples/dubbo/dubbo-calls.pcap",
        "  callscope ladder --protocol webrtc --session 1 samples/webrtc/chromium-loopback.pcap",
        "  callscope ladder --protocol webrtc --room lab samples/webrtc-room/webrtc-room-mesh.pcap",
        "  callscope ladder --format html -o call.html samples/sip-call.pcap",
        "  callscope ladder --call 1 --connection 1 --merge --format svg -o both.svg capture.pcapng"})
public final class LadderCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    InputOptions input;

    @Option(names = "--call", paramLabel = "CALL", split = ",",
        description = "Calls to draw, by index (as 'calls' numbers them) or Call-ID (repeatable; default: every call).")
    List<String> calls = new ArrayList<>();

    @Option(names = "--connection", paramLabel = "N", split = ",",
        description = "Dubbo connections to draw, by number as 'dubbo' shows them; Triple (HTTP/2) connections follow in order "
            + "(repeatable; default: every connection).")
    List<Long> connections = new ArrayList<>();

    @Option(names = "--session", paramLabel = "N", split = ",",
        description = "WebRTC sessions to draw, by index as 'webrtc' numbers them (repeatable; default: every session).")
    List<Integer> sessions = new ArrayList<>();

    @Option(names = "--room", paramLabel = "ID", split = ",",
        description = "Rooms to draw (the signalling server and each member as lanes), by the room id their join messages "
            + "give (repeatable; with --protocol webrtc and no --session every room is drawn).")
    List<String> rooms = new ArrayList<>();

    @Option(names = "--protocol", paramLabel = "PROTO", split = ",", defaultValue = "sip,dubbo",
        description = "What to draw: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    List<Proto> protocols = new ArrayList<>();

    /** Protocols with ladders. */
    enum Proto { sip, dubbo, webrtc }

    @Mixin
    SipFilterOptions filter;

    @Option(names = "--extended", description = "Draw the other legs of each call (B2BUA: linked by X-Call-ID, X-CID, Session-ID or shared media) on the same ladder.")
    boolean extended;

    @Option(names = "--by-host", description = "One column per host instead of per host:port.")
    boolean byHost;

    @Option(names = "--ascii", description = "ASCII lines instead of Unicode box drawing.")
    boolean ascii;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
        description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). svg is self-contained; html is one "
            + "file with the SVG and each message's full text on click; mermaid and plantuml render in their own tools.")
    Format format = Format.text;

    /** Ladder output formats. */
    enum Format { text, svg, html, mermaid, plantuml, json }

    @Option(names = "--merge", description = "Draw every selected ladder (SIP calls and Dubbo connections) as one, on a shared time axis.")
    boolean merge;

    @Option(names = "--explain", description = "Explain the ladder message by message for a lab handout: what each message does, "
        + "why it comes now, the RFC section (or Dubbo rule), and what is unusual in this capture.")
    boolean explain;

    @Mixin
    OutputOptions output;
    @Mixin
    LimitOptions limits;

    @Override
    public Integer call() throws Exception {
        if (ShellSession.of(spec) != null) {
            ShellSession.callsNamedAsFiles(input.files, calls); // in the shell, 'ladder 2' draws call 2
        }
        final ShellSession session = ShellSession.of(spec, input);
        final ShellSession.Analysed held = session == null ? null : session.analyse();
        final dev.callscope.flow.Trackers fresh = held != null ? null : dev.callscope.flow.Trackers.of(limits.limits());
        final SipCallTracker tracker = held != null ? held.sip() : fresh.sip();
        final DubboTracker dubbo = held != null ? held.dubbo() : fresh.dubbo();
        final dev.callscope.flow.rtp.RtpStreamTracker rtp = held != null ? held.rtp() : fresh.rtp();
        final dev.callscope.flow.webrtc.WebrtcTracker webrtc = held != null ? held.webrtc() : fresh.webrtc();
        if (held == null) {
            if (!extended) {
                // only the calls drawn keep their messages and media; the rest is summarised once over
                final var lim = limits.limits();
                final var pick = filter.predicate();
                tracker.stream(SipCallTracker.Retention.SUMMARY, new SipCallTracker.Listener() { }, lim.callLingerNanos,
                    lim.callIdleTimeoutNanos).keepWhole(calls.isEmpty() ? pick
                        : c -> calls.contains(c.callId()) || calls.contains(Integer.toString(c.index())));
                rtp.stream(lim.streamIdleTimeoutNanos, true, s -> { });
            }
        }
        final Analysis.Result r = held != null ? held.result()
            : Analysis.run(input, limits, List.of(new CaptureStats(0), tracker, dubbo, rtp, webrtc));
        tracker.closeAll();
        final boolean sip = protocols.contains(Proto.sip) && (connections.isEmpty() && sessions.isEmpty() || !calls.isEmpty());
        final boolean rpc = protocols.contains(Proto.dubbo) && (calls.isEmpty() && sessions.isEmpty() || !connections.isEmpty());
        final List<SipCall> all = tracker.calls();
        final Map<String, SipCall> byId = all.stream().collect(Collectors.toMap(SipCall::callId, Function.identity(), (a, b) -> a));
        final List<SipCall> chosen = new ArrayList<>();
        if (!sip) {
            // SIP not asked for
        } else if (calls.isEmpty()) {
            all.stream().filter(filter.predicate().and(session != null ? session.filter() : c -> true)).forEach(chosen::add);
        } else {
            for (final String c : calls) {
                SipCall found = byId.get(c);
                if (found == null && c.matches("\\d+")) {
                    final int i = Integer.parseInt(c);
                    found = all.stream().filter(x -> x.index() == i).findFirst().orElse(null);
                }
                if (found == null) {
                    throw new dev.callscope.core.InputException(dev.callscope.core.InputException.Kind.READ_ERROR,
                        "no call '" + c + "' in the capture (see 'callscope calls')");
                }
                chosen.add(found);
            }
        }
        final List<Ladder> ladders = new ArrayList<>();
        final Set<String> drawn = new LinkedHashSet<>();
        for (final SipCall c : chosen) {
            if (drawn.contains(c.callId())) {
                continue;
            }
            final List<SipCall> group = new ArrayList<>();
            group.add(c);
            if (extended) {
                collectLinked(c, byId, group);
            }
            group.forEach(g -> drawn.add(g.callId()));
            final List<dev.callscope.flow.rtp.RtpStream> media = new ArrayList<>();
            group.forEach(g -> dev.callscope.flow.rtp.CallMedia.streamsOf(g, rtp).stream()
                .filter(m -> !media.contains(m)).forEach(media::add));
            ladders.add(SipLadders.of(group, byHost, media));
        }
        if (rpc) {
            final Set<Long> wanted = new HashSet<>(connections);
            final Set<Long> known = new HashSet<>();
            for (final DubboConnection c : dubbo.connections()) {
                known.add(c.index());
                if (wanted.isEmpty() || wanted.contains(c.index())) {
                    ladders.add(DubboLadders.of(c, dubbo.exchangesOf(c)));
                }
            }
            // Triple: one ladder per HTTP/2 connection, numbered after the dubbo-protocol connections
            long tripleIndex = dubbo.connections().size();
            for (final dev.callscope.dissect.http2.Http2ConnectionSummary h : dubbo.http2Connections()) {
                tripleIndex++;
                known.add(tripleIndex);
                if (wanted.isEmpty() || wanted.contains(tripleIndex)) {
                    ladders.add(dev.callscope.ladder.TripleLadders.of(h, dubbo.tripleCalls()));
                }
            }
            for (final Long n : connections) {
                if (!known.contains(n)) {
                    throw new dev.callscope.core.InputException(dev.callscope.core.InputException.Kind.READ_ERROR,
                        "no Dubbo connection " + n + " in the capture (see 'callscope dubbo')");
                }
            }
        }
        if (!rooms.isEmpty() && !protocols.contains(Proto.webrtc)) {
            protocols.add(Proto.webrtc);
        }
        if (protocols.contains(Proto.webrtc) && (calls.isEmpty() && connections.isEmpty() && sessions.isEmpty() || !rooms.isEmpty())) {
            final Set<String> known = new HashSet<>();
            for (final dev.callscope.flow.webrtc.Signalling.Room room : webrtc.signallingView().rooms()) {
                known.add(room.id());
                if (rooms.isEmpty() || rooms.contains(room.id())) {
                    ladders.add(dev.callscope.ladder.RoomLadders.of(room, webrtc.signallingView()));
                }
            }
            for (final String id : rooms) {
                if (!known.contains(id)) {
                    throw new dev.callscope.core.InputException(dev.callscope.core.InputException.Kind.READ_ERROR,
                        "no room '" + id + "' in the signalling (see 'callscope webrtc')");
                }
            }
        }
        if (protocols.contains(Proto.webrtc) && rooms.isEmpty() && (calls.isEmpty() && connections.isEmpty() || !sessions.isEmpty())) {
            final Set<Integer> wantedSessions = new HashSet<>(sessions);
            final Set<Integer> knownSessions = new HashSet<>();
            for (final dev.callscope.flow.webrtc.WebrtcSession s : webrtc.sessions()) {
                knownSessions.add(s.index());
                if (sessions.isEmpty() ? !s.pairs().isEmpty() || s.dtls().seen() : wantedSessions.contains(s.index())) {
                    ladders.add(dev.callscope.ladder.WebrtcLadders.of(s));
                }
            }
            for (final Integer n : sessions) {
                if (!knownSessions.contains(n)) {
                    throw new dev.callscope.core.InputException(dev.callscope.core.InputException.Kind.READ_ERROR,
                        "no WebRTC session " + n + " in the capture (see 'callscope webrtc')");
                }
            }
        }
        if (merge && ladders.size() > 1) {
            final Ladder merged = Ladders.merge(ladders);
            ladders.clear();
            ladders.add(merged);
        }
        if (explain && (output.json() || output.jsonl() || format != Format.text)) {
            throw new UsageException("--explain writes text only; drop --json/--jsonl/--format");
        }
        if (format != Format.text && format != Format.json && !ladders.isEmpty()) {
            try (OutputTarget target = OutputTarget.of(output.output, spec.commandLine().getOut())) {
                target.writer().print(switch (format) {
                    case svg -> new SvgLadderRenderer().render(ladders);
                    case html -> new HtmlLadderRenderer().render(ladders);
                    case mermaid -> new MermaidLadderRenderer().render(ladders);
                    default -> new PlantUmlLadderRenderer().render(ladders);
                });
                target.commit();
            }
            return r.exitCode();
        }
        if (format == Format.json) {
            output.format.json = true;
        }
        final TextLadderRenderer renderer = new TextLadderRenderer(
            new TextLadderRenderer.Options(!ascii, output.colour(), output.json() || output.jsonl() ? 0 : output.width(spec)));
        output.emit(spec,
            out -> {
                final var o = Json.object();
                final var arr = o.putArray("ladders");
                ladders.forEach(l -> arr.add(SipViews.ladderJson(l)));
                Json.writeDocument(out, o);
            },
            out -> ladders.forEach(l -> Json.writeLine(out, SipViews.ladderJson(l))),
            out -> out.print(ladders.isEmpty() ? "nothing to draw: no SIP call or Dubbo connection matched\n"
                : explain ? explained(ladders) : renderer.render(ladders)));
        return r.exitCode();
    }

    /** Each ladder's explanations, as {@code explain} prints them in the shell. */
    static String explained(final List<Ladder> ladders) {
        final StringBuilder sb = new StringBuilder();
        for (final Ladder l : ladders) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(dev.callscope.ladder.explain.Explainer.text(l, dev.callscope.ladder.explain.Explainer.explain(l)));
        }
        return sb.toString();
    }

    private static void collectLinked(final SipCall c, final Map<String, SipCall> byId, final List<SipCall> group) {
        for (final String id : c.linkedCallIds()) {
            final SipCall o = byId.get(id);
            if (o != null && !group.contains(o)) {
                group.add(o);
                collectLinked(o, byId, group);
            }
        }
    }
}
