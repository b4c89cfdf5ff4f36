package dev.callscope.cli;

import dev.callscope.core.InputException;
import dev.callscope.core.RegexBudget;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * Entry point. {@link #run} drives the command tree and returns the exit code; only {@link #main}
 * calls {@code System.exit}, so tests run commands in-process.
 */
public final class Main {
    private Main() {
    }

    public static void main(final String[] args) {
        // on a terminal each line shows at once; to a file or a pipe output is written in large blocks
        // (a line at a time cost a write call per line: 6 % of a 100,000-call sip table)
        final PrintWriter out = new CheckedPrintWriter(new java.io.FileOutputStream(java.io.FileDescriptor.out),
            System.console() != null);
        final PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        Fatal.install(err, Arrays.asList(args).contains("--debug"));
        final int code = run(out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs one command line; never exits the JVM. */
    public static int run(final PrintWriter out, final PrintWriter err, final String... args) {
        final boolean debug = Arrays.asList(args).contains("--debug");
        try {
            return execute(out, err, debug, args);
        } catch (OutOfMemoryError | StackOverflowError e) {
            // outside the command (parsing, help, the last flush): what it held is already gone
            return Fatal.report(e, err, debug);
        }
    }

    private static int execute(final PrintWriter out, final PrintWriter err, final boolean debug, final String... args) {
        Fatal.doing("starting");
        CommandLine cmd = commandLineFor(args);
        cmd.setOut(out);
        cmd.setErr(err);
        configure(cmd, debug);
        final int code = cmd.execute(args);
        cmd = null; // the command and what its options hold can go before the output is flushed
        Fatal.doing("writing output");
        out.flush();
        final int checked = outputFailure(out, err, code);
        err.flush();
        return checked;
    }

    /**
     * Standard output that could not be written (a full disk, a closed descriptor) fails the command
     * with exit code 3 and the system's reason, unless the command failed already. A reader that went
     * away ({@code | head -1}) is no failure.
     */
    private static int outputFailure(final PrintWriter out, final PrintWriter err, final int code) {
        final java.io.IOException failure = out instanceof CheckedPrintWriter c ? c.failure() : null;
        if (failure == null || CheckedOutputStream.readerGone(failure)
            || code != ExitCodes.OK && code != ExitCodes.VERIFY_FAILED) {
            return code;
        }
        err.println("callscope: error: cannot write output: " + CheckedOutputStream.reason(failure));
        return ExitCodes.INPUT;
    }

    /** Colours and the error handlers that map exceptions to exit codes (also used by the shell's tree). */
    static void configure(final CommandLine cmd, final boolean debug) {
        if (TerminalInfo.noColour(System.getenv())) {
            cmd.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        }
        cmd.setParameterExceptionHandler((ex, a) -> {
            final CommandLine c = ex.getCommandLine();
            c.getErr().println("callscope: " + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            c.getErr().flush();
            return ExitCodes.USAGE;
        });
        cmd.setExecutionStrategy(parseResult -> {
            if (OutputOptions.fitsTerminal(parseResult)) {
                TerminalInfo.askWidthEarly(); // answered while the capture is read
            }
            try {
                return new CommandLine.RunLast().execute(parseResult);
            } catch (OutOfMemoryError | StackOverflowError e) {
                return fatal(e, parseResult.commandSpec(), debug);
            }
        });
        cmd.setExecutionExceptionHandler((ex, c, parseResult) -> {
            final PrintWriter e = c.getErr();
            final VirtualMachineError fatal = Fatal.of(ex);
            if (fatal != null) {
                return fatal(fatal, c.getCommandSpec(), debug);
            }
            int code;
            Throwable t = ex;
            if (t instanceof UncheckedIOException && t.getCause() != null) {
                t = t.getCause();
            }
            if (t instanceof UsageException) {
                e.println("callscope: " + t.getMessage());
                e.println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
                code = ExitCodes.USAGE;
            } else if (t instanceof java.util.concurrent.CancellationException) {
                code = ExitCodes.INTERNAL; // Ctrl-C in the shell, which already said so
            } else if (t instanceof RegexBudget.TooSlowException) {
                e.println("callscope: error: " + t.getMessage());
                code = ExitCodes.USAGE;
            } else if (t instanceof InputException) {
                e.println("callscope: error: " + t.getMessage());
                code = ExitCodes.INPUT;
            } else if (t instanceof java.io.IOException) {
                e.println("callscope: error: " + t.getMessage());
                code = ExitCodes.INPUT;
            } else {
                e.println("callscope: internal error: " + t + (debug ? "" : " (run with --debug for the stack trace)"));
                code = ExitCodes.INTERNAL;
            }
            if (debug) {
                ex.printStackTrace(e);
            }
            e.flush();
            return code;
        });
    }

    /**
     * An out-of-memory or stack-overflow error of a command, its stack unwound: the shell drops its
     * captures (it goes on, and they may be what filled the heap), then the line is printed.
     */
    private static int fatal(final VirtualMachineError e, final CommandLine.Model.CommandSpec spec, final boolean debug) {
        final ShellSession session = ShellSession.of(spec);
        final boolean drop = session != null && session.isOpen() && e instanceof OutOfMemoryError;
        if (drop) {
            session.forget();
        }
        final int code = Fatal.report(e, spec.commandLine().getErr(), debug);
        if (session != null) {
            if (drop) {
                spec.commandLine().getErr().println("callscope: the open captures were closed to free memory");
            }
            Fatal.rearm();
        }
        return code;
    }

    /** The command tree (also used by the man page and completion generators). */
    public static CommandLine commandLine() {
        final CommandLine cmd = new CommandLine(new MainCommand());
        for (final Map.Entry<String, Supplier<Object>> e : SUBCOMMANDS.entrySet()) {
            cmd.addSubcommand(e.getKey(), e.getValue().get());
        }
        return finish(cmd);
    }

    /** What every tree gets: enum values in any case, limit defaults from Limits, the exit codes in help. */
    private static CommandLine finish(final CommandLine cmd) {
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setDefaultValueProvider(LimitOptions.DEFAULTS);
        ExitCodes.document(cmd);
        return cmd;
    }

    /** The subcommands in the order help lists them. */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = new LinkedHashMap<>();

    static {
        SUBCOMMANDS.put("read", ReadCommand::new);
        SUBCOMMANDS.put("flows", FlowsCommand::new);
        SUBCOMMANDS.put("calls", CallsCommand::new);
        SUBCOMMANDS.put("sip", SipCommand::new);
        SUBCOMMANDS.put("rtp", RtpCommand::new);
        SUBCOMMANDS.put("ladder", LadderCommand::new);
        SUBCOMMANDS.put("show", ShowCommand::new);
        SUBCOMMANDS.put("verify", VerifyCommand::new);
        SUBCOMMANDS.put("dubbo", DubboCommand::new);
        SUBCOMMANDS.put("webrtc", WebrtcCommand::new);
        SUBCOMMANDS.put("capture", CaptureCommand::new);
        SUBCOMMANDS.put("interfaces", InterfacesCommand::new);
        SUBCOMMANDS.put("shell", ShellCommand::new);
        SUBCOMMANDS.put("generate-completion", picocli.AutoComplete.GenerateCompletion::new);
        SUBCOMMANDS.put("help", CommandLine.HelpCommand::new);
    }

    /**
     * The tree a command line needs: for an analysis command only the root and that subcommand
     * (building all of them costs more start-up time than reading a small capture); the whole tree
     * for help, completion and the shell.
     */
    static CommandLine commandLineFor(final String... args) {
        String sub = null;
        for (final String a : args) {
            if (!a.startsWith("-")) {
                sub = a;
                break;
            }
            if (!a.equals("--debug")) {
                return commandLine(); // a root option (--help, --version, ...) first
            }
        }
        if (sub == null || !SUBCOMMANDS.containsKey(sub) || sub.equals("generate-completion") || sub.equals("shell")
            || sub.equals("help")) {
            return commandLine();
        }
        final CommandLine cmd = new CommandLine(new MainCommand());
        cmd.addSubcommand(sub, SUBCOMMANDS.get(sub).get());
        return finish(cmd);
    }
}
