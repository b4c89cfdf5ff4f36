package dev.callscope.cli;

import dev.callscope.flow.sip.SipCall;
import dev.callscope.shell.Shell;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code callscope shell}: the command tree in an interactive shell over captures opened once. The
 * shell's tree is {@link Main#commandLine()} with the session set on its root, the FILE arguments
 * made optional (without them a command uses the session), and the shell's own commands added
 * ({@link ShellCommands}).
 */
@Command(name = "shell", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"An interactive shell for exploring captures: open them once, then run calls, ladder N, sip, rtp, dubbo, "
        + "flows, show FRAME, filter, export, explain, step and a background capture against what is in memory. Tab completes "
        + "commands, options, call numbers, Call-IDs and file names; history is kept in ~/.callscope_history "
        + "($CALLSCOPE_HISTORY); Ctrl-C cancels the running command, Ctrl-D or 'exit' leaves."},
    footerHeading = "%nExamples:%n",
    footer = {"  callscope shell samples/sip-call.pcap", "  callscope shell samples/sip-auth.pcap samples/dubbo/dubbo-calls.pcap"})
public final class ShellCommand implements Callable<Integer> {
    /**
     * Commands of the command line that make no sense inside the shell (or that the shell replaces:
     * its own 'show' shows frames of the session, not of a file).
     */
    private static final Set<String> NOT_IN_SHELL = Set.of("shell", "generate-completion", "capture", "show", "help");

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Capture files to open (as 'open' does).")
    List<String> files = new ArrayList<>();

    @Option(names = "--history", paramLabel = "FILE",
        description = "History file (default: $CALLSCOPE_HISTORY, else ~/.callscope_history).")
    Path history;

    @Override
    public Integer call() throws Exception {
        if (ShellSession.of(spec) != null) {
            throw new UsageException("already in the shell");
        }
        final Path h = history != null ? history : historyFile();
        final ShellSession session = new ShellSession();
        final CommandLine tree = tree(session);
        final Shell shell = Shell.onSystemTerminal(tree, h, completions(session), () -> prompt(session));
        session.width(shell::width);
        return shell.run(startup(files));
    }

    /** Runs the shell on the given streams (a dumb terminal): scripted sessions and tests. */
    static int run(final InputStream in, final OutputStream out, final Path history, final List<String> files) throws IOException {
        final ShellSession session = new ShellSession();
        final Shell shell = Shell.onStreams(tree(session), in, out, history, completions(session), () -> prompt(session));
        return shell.run(startup(files));
    }

    static Path historyFile() {
        final String env = System.getenv("CALLSCOPE_HISTORY");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".callscope_history");
    }

    private static List<String> startup(final List<String> files) {
        if (files.isEmpty()) {
            return List.of();
        }
        final StringBuilder sb = new StringBuilder("open");
        files.forEach(f -> sb.append(' ').append(quote(f)));
        return List.of(sb.toString());
    }

    private static String quote(final String s) {
        return s.matches("[\\w./+:@=-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    static String prompt(final ShellSession session) {
        if (!session.isOpen()) {
            return "callscope> ";
        }
        final String d = session.describeFiles();
        final String name = d.contains("/") && !d.contains(",") ? d.substring(d.lastIndexOf('/') + 1) : d;
        return "callscope " + (name.length() > 40 ? name.substring(0, 37) + "..." : name)
            + (session.filterText().isEmpty() ? "" : " [filtered]") + "> ";
    }

    /** The command line's tree bound to the session, with the shell's own commands. */
    static CommandLine tree(final ShellSession session) {
        final CommandLine cmd = Main.commandLine();
        ((MainCommand) cmd.getCommand()).session = session;
        Main.configure(cmd, false);
        for (final String name : NOT_IN_SHELL) {
            cmd.getCommandSpec().removeSubcommand(name);
        }
        for (final CommandLine sub : cmd.getSubcommands().values()) {
            relaxFiles(sub.getCommandSpec());
        }
        for (final Object c : ShellCommands.all()) {
            final CommandLine sub = new CommandLine(c);
            String name = sub.getCommandName();
            if (c instanceof ShellCommands.NotYet n) {
                name = n.name();
                sub.getCommandSpec().name(name);
                sub.getCommandSpec().usageMessage().description(n.why());
            }
            if (!cmd.getSubcommands().containsKey(name)) { // a real 'verify' or 'webrtc' replaces the stub once it exists
                cmd.addSubcommand(name, sub);
            }
        }
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        return cmd;
    }

    /** FILE arguments become optional: without them the command analyses the session's captures. */
    private static void relaxFiles(final CommandSpec spec) {
        for (final PositionalParamSpec p : List.copyOf(spec.positionalParameters())) {
            if ("FILE".equals(p.paramLabel()) && p.required()) {
                final PositionalParamSpec relaxed = PositionalParamSpec.builder(p).arity("0..*").required(false)
                    .description("Capture files (default: what 'open' opened); for ladder, export and explain a number "
                        + "or Call-ID names a call").build();
                spec.remove(p);
                spec.addPositional(relaxed);
            }
        }
    }

    /** Call numbers and Call-IDs, frames, Dubbo connections and file names, for tab completion. */
    static Shell.Completions completions(final ShellSession session) {
        return before -> {
            final String command = before.get(0);
            final String last = before.get(before.size() - 1);
            if (Set.of("-o", "--output", "--export-wav", "-w", "--write", "--history").contains(last) || "open".equals(command)) {
                return Shell.FILES;
            }
            if (!session.isOpen()) {
                return List.of();
            }
            if ("--connection".equals(last)) {
                return session.analyse().dubbo().connections().stream().map(c -> String.valueOf(c.index())).toList();
            }
            if ("show".equals(command)) {
                return session.analyse().sip().messages().stream().map(e -> String.valueOf(e.message().frame())).toList();
            }
            if ("--call".equals(last) || Set.of("ladder", "explain", "step", "export").contains(command)) {
                final List<String> out = new ArrayList<>();
                for (final SipCall c : session.shownCalls()) {
                    out.add(String.valueOf(c.index()));
                }
                for (final SipCall c : session.shownCalls()) {
                    out.add(c.callId());
                }
                return out;
            }
            if ("--call-id".equals(last)) {
                return session.shownCalls().stream().map(SipCall::callId).toList();
            }
            return List.of();
        };
    }
}
