package dev.callscope.cli;

import dev.callscope.capture.LiveSource;
import dev.callscope.core.InputException;
import dev.callscope.core.Limits;
import dev.callscope.core.RawFrame;
import dev.callscope.flow.dubbo.DubboConnection;
import dev.callscope.flow.rtp.CallMedia;
import dev.callscope.flow.rtp.RtpStream;
import dev.callscope.flow.sip.SipCall;
import dev.callscope.ladder.DubboLadders;
import dev.callscope.ladder.Ladder;
import dev.callscope.ladder.SipLadders;
import dev.callscope.ladder.TextLadderRenderer;
import dev.callscope.ladder.PlantUmlLadderRenderer;
import dev.callscope.ladder.MermaidLadderRenderer;
import dev.callscope.ladder.HtmlLadderRenderer;
import dev.callscope.ladder.SvgLadderRenderer;
import dev.callscope.ladder.explain.Explainer;
import dev.callscope.ladder.explain.Explanation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The commands that exist only inside {@code callscope shell}; they work on its {@link ShellSession}. */
final class ShellCommands {
    private ShellCommands() {
    }

    /** New instances of every shell-only command. */
    static List<Object> all() {
        return List.of(new Open(), new Show(), new Filter(), new Export(), new Explain(), new StepCommand(), new BackgroundCapture(),
            new Compare(),
            new NotYet("verify", "not available until the verify command exists (issue 7)"),
            new NotYet("webrtc", "not available until the WebRTC analysis exists (issue 6)"));
    }

    // ------------------------------------------------------------------ helpers

    static ShellSession session(final CommandSpec spec) {
        final ShellSession s = ShellSession.of(spec);
        if (s == null) {
            throw new UsageException("only available in 'callscope shell'");
        }
        return s;
    }

    static ShellSession open(final CommandSpec spec) {
        final ShellSession s = session(spec);
        if (!s.isOpen()) {
            throw new UsageException("no capture open: use 'open FILE...' first");
        }
        return s;
    }

    /** A call by number (as 'calls' shows it) or Call-ID. */
    static SipCall call(final ShellSession s, final String name) throws InputException {
        for (final SipCall c : s.analyse().calls()) {
            if (c.callId().equals(name) || name.matches("\\d+") && c.index() == Integer.parseInt(name)) {
                return c;
            }
        }
        throw new InputException(InputException.Kind.READ_ERROR, "no call '" + name + "' (see 'calls')");
    }

    static DubboConnection connection(final ShellSession s, final long index) throws InputException {
        return s.analyse().dubbo().connections().stream().filter(c -> c.index() == index).findFirst()
            .orElseThrow(() -> new InputException(InputException.Kind.READ_ERROR, "no Dubbo connection " + index + " (see 'dubbo')"));
    }

    static List<RtpStream> media(final ShellSession s, final SipCall c) {
        return CallMedia.streamsOf(c, s.analyse().rtp());
    }

    static Ladder ladder(final ShellSession s, final SipCall c) {
        return SipLadders.of(List.of(c), false, media(s, c));
    }

    /** The ladder named by a call or, with {@code connection}, a Dubbo connection; the first shown call by default. */
    static Ladder ladder(final ShellSession s, final String call, final Long connection) throws InputException {
        if (connection != null) {
            final DubboConnection c = connection(s, connection);
            return DubboLadders.of(c, s.analyse().dubbo().exchangesOf(c));
        }
        if (call != null) {
            return ladder(s, call(s, call));
        }
        final List<SipCall> shown = s.shownCalls();
        if (!shown.isEmpty()) {
            return ladder(s, shown.get(0));
        }
        final List<DubboConnection> conns = s.analyse().dubbo().connections();
        if (!conns.isEmpty()) {
            return DubboLadders.of(conns.get(0), s.analyse().dubbo().exchangesOf(conns.get(0)));
        }
        final List<dev.callscope.flow.webrtc.WebrtcSession> sessions = s.analyse().webrtc().sessions();
        if (!sessions.isEmpty()) {
            return dev.callscope.ladder.WebrtcLadders.of(sessions.get(0));
        }
        throw new InputException(InputException.Kind.READ_ERROR, "no SIP call, Dubbo connection or WebRTC session in the capture");
    }

    static TextLadderRenderer renderer(final ShellSession s, final boolean unicode) {
        return new TextLadderRenderer(new TextLadderRenderer.Options(unicode, TerminalInfo.colour(), s.width() > 0 ? s.width() : 0));
    }

    // ------------------------------------------------------------------ open

    @Command(name = "open", mixinStandardHelpOptions = true,
        description = {"Open capture files: read them into memory once and analyse them; the other commands then use them "
            + "(replaces what was open)."})
    static final class Open implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", arity = "1..*", description = "pcap or pcapng files (merged by timestamp).")
        List<String> files = new ArrayList<>();

        @Option(names = "--keylog", paramLabel = "FILE",
            description = "TLS key log (NSS format; repeatable): the session's analyses decrypt the TLS it has secrets for. "
                + "A command's own --keylog replaces it for that command.")
        List<String> keyLogs = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            final ShellSession s = session(spec);
            s.open(files, spec.commandLine().getErr(), keyLogs);
            final ShellSession.Analysed a = s.analyse();
            final PrintWriter out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "opened %s: %d frames, %d SIP calls, %d RTP streams, %d Dubbo connections, %d conversations%n",
                String.join(", ", files), a.frames, a.calls().size(), a.rtp().streams().size(), a.dubbo().connections().size(),
                a.conversations.size());
            if (a.inputError != null) {
                spec.commandLine().getErr().println("callscope: error: " + a.inputError.getMessage() + " (kept what was read)");
                return ExitCodes.INPUT;
            }
            return ExitCodes.OK;
        }
    }

    // ------------------------------------------------------------------ show

    @Command(name = "show", mixinStandardHelpOptions = true,
        description = {"Show frames field by field, like tshark -V (the same tree as 'callscope show'): the frame, link, IP "
            + "and UDP or TCP headers, then each message with every field its dissector reads, with byte offsets and "
            + "lengths; -x adds the bytes."})
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "FRAME",
            description = "Frame numbers (as 'sip', 'ladder' and 'dubbo' show them) or ranges: 5, 7-9.")
        List<String> frames = new ArrayList<>();

        @Option(names = {"-x", "--hex"}, description = "Add the frame's bytes as hex and ASCII (like tshark -x).")
        boolean hex;

        @Mixin
        OutputOptions output;

        @Override
        public Integer call() throws Exception {
            final ShellSession s = open(spec);
            final java.util.NavigableSet<Long> wanted = FrameDissection.parse(frames);
            final FrameDissection d = new FrameDissection(wanted, new DissectOptions(), new Limits()).decrypt(s.keys());
            final List<FrameDissection.Shown> shown = d.run(s.source());
            ShowCommand.write(spec, output, shown, hex);
            return ShowCommand.pastEnd(spec.commandLine().getErr(), wanted, d.read(), "the session");
        }
    }

    // ------------------------------------------------------------------ filter

    @Command(name = "filter", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Narrow what calls, sip, ladder, explain, step and completion show to the matching SIP calls "
            + "(until 'filter --clear'); without options, print the current filter."})
    static final class Filter implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        SipFilterOptions filter;

        @Option(names = "--clear", description = "Show every call again.")
        boolean clear;

        @Override
        public Integer call() {
            final ShellSession s = session(spec);
            final PrintWriter out = spec.commandLine().getOut();
            final List<String> words = new ArrayList<>();
            add(words, "--from", filter.from);
            add(words, "--to", filter.to);
            add(words, "--call-id", filter.callId);
            add(words, "--state", filter.states.isEmpty() ? null : String.join(",", filter.states));
            add(words, "--method", filter.methods.isEmpty() ? null : String.join(",", filter.methods));
            if (clear) {
                s.filter(c -> true, "");
                out.println("filter cleared");
            } else if (!words.isEmpty()) {
                s.filter(filter.predicate(), String.join(" ", words));
            }
            if (!clear) {
                out.println(s.filterText().isEmpty() ? "no filter" : "filter: " + s.filterText());
            }
            if (s.isOpen()) {
                out.println(s.shownCalls().size() + " of " + s.analyse().calls().size() + " calls shown");
            }
            return ExitCodes.OK;
        }

        private static void add(final List<String> words, final String option, final String value) {
            if (value != null) {
                words.add(option + " " + value);
            }
        }
    }

    // ------------------------------------------------------------------ export

    @Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a call (or a Dubbo connection) to a file whose name says the format: the ladder as text "
            + "(.txt), SVG (.svg), HTML (.html), Mermaid (.mmd) or PlantUML (.puml), or the call's frames (its SIP "
            + "messages with the RTP and RTCP of its streams, byte for byte) as pcap (.pcap) or pcapng (.pcapng). The "
            + "file is written whole or not at all."},
        footerHeading = "%nExamples:%n",
        footer = {"  export 1 -o call1.txt", "  export 1 -o call1.svg", "  export 1 -o call1.pcapng",
            "  export --connection 1 -o dubbo.html"})
    static final class Export implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "CALL", arity = "0..1", description = "Call number or Call-ID (default: the first call shown).")
        String call;

        @Option(names = "--connection", paramLabel = "N", description = "A Dubbo connection (its number in 'dubbo') instead of a call.")
        Long connection;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true,
            description = "Target file; its extension picks the format: .txt, .svg, .html, .mmd, .puml, .pcap, .pcapng.")
        Path output;

        @Option(names = "--ascii", description = "ASCII lines in the text ladder.")
        boolean ascii;

        @Option(names = "--explain", description = "Add the explanations after the text ladder.")
        boolean explain;

        /** The formats by file name extension. */
        enum Kind { TEXT, SVG, HTML, MERMAID, PLANTUML, PACKETS }

        static Kind kind(final String fileName) {
            final String name = fileName.toLowerCase(Locale.ROOT);
            final int dot = name.lastIndexOf('.');
            final String ext = dot < 0 ? "" : name.substring(dot + 1);
            return switch (ext) {
                case "txt", "text" -> Kind.TEXT;
                case "svg" -> Kind.SVG;
                case "html", "htm" -> Kind.HTML;
                case "mmd", "mermaid" -> Kind.MERMAID;
                case "puml", "plantuml", "pu" -> Kind.PLANTUML;
                case "pcap", "pcapng", "cap" -> Kind.PACKETS;
                default -> throw new UsageException("export: " + (ext.isEmpty() ? "no file type in '" + fileName + "'"
                    : "unknown file type '." + ext + "'") + ": name it .txt, .svg, .html, .mmd, .puml, .pcap or .pcapng");
            };
        }

        @Override
        public Integer call() throws Exception {
            final Kind kind = kind(output.getFileName().toString());
            final ShellSession s = open(spec);
            final PrintWriter out = spec.commandLine().getOut();
            if (kind == Kind.PACKETS) {
                if (connection != null) {
                    throw new UsageException("export: packet export is for SIP calls; name the file .txt, .svg, .html, "
                        + ".mmd or .puml for a Dubbo ladder");
                }
                final SipCall c = call != null ? ShellCommands.call(s, call) : s.shownCalls().stream().findFirst()
                    .orElseThrow(() -> new InputException(InputException.Kind.READ_ERROR, "no SIP call to export"));
                final PacketExport export = PacketExport.prepare(output.toString(), null, true, null, 0);
                export.claim(c, s.analyse().rtp(), s.analyse());
                final long n = export.write(null, s);
                out.println("wrote " + n + " frames (call " + c.index() + ": SIP and RTP) to " + output);
                return ExitCodes.OK;
            }
            final Ladder l = ladder(s, call, connection);
            String text = switch (kind) {
                case SVG -> new SvgLadderRenderer().render(List.of(l));
                case HTML -> new HtmlLadderRenderer().render(List.of(l));
                case MERMAID -> new MermaidLadderRenderer().render(List.of(l));
                case PLANTUML -> new PlantUmlLadderRenderer().render(List.of(l));
                default -> new TextLadderRenderer(new TextLadderRenderer.Options(!ascii, false, 0)).render(List.of(l));
            };
            if (explain && kind == Kind.TEXT) {
                text += "\n" + Explainer.text(l, Explainer.explain(l));
            }
            try (OutputTarget target = OutputTarget.of(output.toString(), out)) {
                target.writer().print(text);
                target.commit();
            }
            out.println("wrote the ladder of " + l.title().lines().findFirst().orElse("") + " to " + output);
            return ExitCodes.OK;
        }
    }

    // ------------------------------------------------------------------ explain and step

    @Command(name = "explain", mixinStandardHelpOptions = true,
        description = {"Explain a ladder message by message: what each message does, why it comes now, the RFC section "
            + "(SIP RFC 3261/3262/3264, RTP RFC 3550, the Dubbo header and heartbeat rules) and what is unusual in this capture."})
    static final class Explain implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "CALL", arity = "0..1", description = "Call number or Call-ID (default: the first call shown).")
        String call;

        @Option(names = "--connection", paramLabel = "N", description = "A Dubbo connection (its number in 'dubbo') instead of a call.")
        Long connection;

        @Option(names = "--unusual", description = "Only the messages with something unusual.")
        boolean unusual;

        @Override
        public Integer call() throws Exception {
            final ShellSession s = open(spec);
            final Ladder l = ladder(s, call, connection);
            final List<Explanation> all = Explainer.explain(l);
            spec.commandLine().getOut().print(Explainer.text(l, unusual ? all.stream().filter(e -> !e.unusual().isEmpty()).toList() : all));
            return ExitCodes.OK;
        }
    }

    /** Where {@code step} is in which ladder; kept between commands. */
    static final class StepState {
        Ladder ladder;
        int position;
    }

    @Command(name = "step", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Walk a ladder one message at a time: 'step CALL' starts at the first message, then 'step' shows the "
            + "next, 'step --back' the previous, 'step --to K' message K. Shows the ladder so far and the explanation of "
            + "the newest message."})
    static final class StepCommand implements Callable<Integer> {
        private final StepState state = new StepState();

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "CALL", arity = "0..1", description = "Start on this call (number or Call-ID).")
        String call;

        @Option(names = "--connection", paramLabel = "N", description = "Start on a Dubbo connection (its number in 'dubbo').")
        Long connection;

        @Option(names = "--back", description = "Go one message back.")
        boolean back;

        @Option(names = "--to", paramLabel = "K", description = "Go to message K.")
        Integer to;

        @Override
        public Integer call() throws Exception {
            final ShellSession s = open(spec);
            if (call != null || connection != null || state.ladder == null) {
                state.ladder = ladder(s, call, connection);
                state.position = 0;
            }
            final List<Ladder.Step> shown = state.ladder.steps().stream()
                .filter(x -> x instanceof Ladder.Arrow || x instanceof Ladder.Bar).toList();
            final List<Explanation> ex = Explainer.explain(state.ladder);
            int p = to != null ? to : back ? state.position - 1 : state.position + 1;
            final PrintWriter out = spec.commandLine().getOut();
            if (p > shown.size()) {
                out.println("end of the ladder (" + shown.size() + " messages); 'step --to 1' starts again");
                return ExitCodes.OK;
            }
            p = Math.max(1, p);
            state.position = p;
            final Ladder.Step last = shown.get(p - 1);
            final List<Ladder.Step> upTo = new ArrayList<>();
            for (final Ladder.Step x : state.ladder.steps()) {
                if (x.tsNanos() > last.tsNanos() || x instanceof Ladder.Note) {
                    continue;
                }
                upTo.add(x);
                if (x == last) {
                    break;
                }
            }
            final Ladder partial = new Ladder(state.ladder.title(), state.ladder.lanes(), upTo, state.ladder.kind());
            out.print(renderer(s, true).render(List.of(partial)));
            out.println();
            out.print(Explainer.format(ex.get(p - 1)));
            out.println("[" + p + "/" + shown.size() + "]  step: next   step --back: previous   step --to K");
            return ExitCodes.OK;
        }
    }

    // ------------------------------------------------------------------ background capture

    @Command(name = "capture", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Capture live in the background (libpcap; root or cap_net_raw needed) into the session: the other "
            + "commands analyse what has arrived so far. 'capture --stop' ends it, 'capture' alone tells how far it got."})
    static final class BackgroundCapture implements Callable<Integer> {
        private volatile LiveSource live;
        private volatile Thread thread;
        private volatile String error;

        @Spec
        CommandSpec spec;

        @Option(names = {"-i", "--interface"}, paramLabel = "IFACE", description = "Interface to capture on.")
        String iface;

        @Option(names = {"-f", "--bpf"}, paramLabel = "FILTER", description = "BPF capture filter.")
        String bpf;

        @Option(names = "--stop", description = "Stop the background capture (what arrived stays open).")
        boolean stop;

        @Override
        public Integer call() throws Exception {
            final ShellSession s = session(spec);
            final PrintWriter out = spec.commandLine().getOut();
            if (stop) {
                final LiveSource l = live;
                if (l == null) {
                    out.println("no capture running");
                    return ExitCodes.OK;
                }
                l.stop();
                thread.join(5_000);
                live = null;
                out.println("capture stopped: " + s.frameCount() + " frames in the session");
                return ExitCodes.OK;
            }
            if (iface == null) {
                out.println(live != null ? "capturing: " + s.frameCount() + " frames so far" : "no capture running"
                    + (error != null ? " (last one failed: " + error + ")" : ""));
                return ExitCodes.OK;
            }
            if (live != null) {
                throw new UsageException("a capture is already running; 'capture --stop' first");
            }
            final LiveSource l = LiveSource.open(iface, bpf, LiveSource.DEFAULT_SNAPLEN, true, LiveSource.DEFAULT_BUFFER_SIZE);
            s.startLive(iface);
            error = null;
            live = l;
            final Thread t = new Thread(() -> {
                final RawFrame f = new RawFrame();
                try (l) {
                    while (l.next(f)) {
                        f.interfaceId = 0;
                        s.append(f);
                    }
                } catch (IOException | RuntimeException e) {
                    error = e.getMessage();
                }
            }, "callscope-shell-capture");
            t.setDaemon(true);
            thread = t;
            t.start();
            out.println("capturing on " + iface + " in the background; the other commands see what has arrived; 'capture --stop' ends it");
            return ExitCodes.OK;
        }
    }

    // ------------------------------------------------------------------ compare

    /** {@code compare SPEC|FILE}: what should happen next to what did. */
    @Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Expected against actual, side by side. With a spec (.yaml, .yml, .json) it runs 'verify' on the open "
            + "captures: each assertion with ✔/✘ and, for a failed sequence, the expected and actual ladders. With a capture "
            + "file it draws that file's call N next to this session's call N (a reference call against today's)."})
    static final class Compare implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "SPEC|FILE", description = "A verify spec, or a reference capture.")
        String what;

        @Option(names = "--call", paramLabel = "N", defaultValue = "1",
            description = "Which call of each side to draw when comparing with a capture (default: ${DEFAULT-VALUE}).")
        int call;

        @Override
        public Integer call() {
            session(spec);
            final picocli.CommandLine root = spec.root().commandLine();
            final String lower = what.toLowerCase(java.util.Locale.ROOT);
            if (lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".json")) {
                return root.getSubcommands().get("verify").execute("--spec", what);
            }
            final String[] here = ladderText(root, "--call", Integer.toString(call));
            if (here == null) {
                return ExitCodes.INPUT;
            }
            final String[] there = ladderText(root, "--call", Integer.toString(call), what);
            if (there == null) {
                return ExitCodes.INPUT;
            }
            final java.io.PrintWriter out = spec.commandLine().getOut();
            dev.callscope.output.VerifyViews.sideBySide(out, "this capture\n" + here[0], what + "\n" + there[0], true);
            out.flush();
            return ExitCodes.OK;
        }

        /** Runs 'ladder' with these arguments and returns its text, or null after it printed an error. */
        private String[] ladderText(final picocli.CommandLine root, final String... args) {
            final picocli.CommandLine ladder = root.getSubcommands().get("ladder");
            final java.io.PrintWriter saved = ladder.getOut();
            final java.io.StringWriter text = new java.io.StringWriter();
            ladder.setOut(new java.io.PrintWriter(text));
            try {
                final int code = ladder.execute(java.util.stream.Stream.concat(java.util.stream.Stream.of("--width", "0"),
                    java.util.stream.Stream.of(args)).toArray(String[]::new));
                ladder.getOut().flush();
                return code == ExitCodes.OK ? new String[] {text.toString()} : null;
            } finally {
                ladder.setOut(saved);
            }
        }
    }

    // ------------------------------------------------------------------ not yet

    /** A command that depends on work not present in this build; replaced by the real command when it exists. */
    @Command(mixinStandardHelpOptions = true, description = "Not available yet.")
    static final class NotYet implements Callable<Integer> {
        private final String name;
        private final String why;

        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..*", hidden = true)
        List<String> ignored;

        NotYet(final String name, final String why) {
            this.name = name;
            this.why = why;
        }

        String name() {
            return name;
        }

        String why() {
            return why;
        }

        @Override
        public Integer call() {
            spec.commandLine().getErr().println("callscope: " + name + ": " + why);
            return ExitCodes.USAGE;
        }
    }
}
