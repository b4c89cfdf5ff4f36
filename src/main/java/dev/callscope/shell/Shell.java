package dev.callscope.shell;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.jline.builtins.Completers;
import org.jline.console.SystemRegistry;
import org.jline.console.impl.SystemRegistryImpl;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.terminal.impl.DumbTerminal;
import picocli.CommandLine;
import picocli.shell.jline3.PicocliCommands;

/**
 * A read-eval-print loop over a picocli command tree (picocli-shell-jline3: {@link PicocliCommands}
 * in a {@link SystemRegistryImpl}), so the shell runs exactly the commands of the command line.
 * Knows nothing of captures: the caller passes the tree it wants run and a {@link Completions} hook
 * for values only it knows (call indexes, Call-IDs, frames).
 *
 * <p>Each command runs on a worker thread; Ctrl-C while it runs interrupts it and returns to the
 * prompt (the shell stays), Ctrl-C at the prompt clears the line, Ctrl-D or {@code exit} leaves.
 * History is kept in a file between runs.
 */
public final class Shell {
    /** Values for a word the command tree cannot know. */
    @FunctionalInterface
    public interface Completions {
        /**
         * Candidates for the word after {@code before} (the command and the words typed before the one
         * being completed); {@link #FILES} to complete file names; empty for nothing special.
         */
        List<String> candidates(List<String> before);
    }

    /** Returned by {@link Completions#candidates} to ask for file-name completion. */
    public static final List<String> FILES = List.of("\u0000files");

    private final CommandLine commands;
    private final Terminal terminal;
    private final Path historyFile;
    private final Completions completions;
    private final Supplier<String> prompt;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        final Thread t = new Thread(r, "callscope-shell-command");
        t.setDaemon(true);
        return t;
    });
    private volatile Future<?> running;

    /**
     * @param commands the command tree (its root's subcommands become the shell's commands)
     * @param terminal where to read and write
     * @param historyFile where history is kept between runs (null: none)
     * @param completions values for words the tree cannot complete
     * @param prompt the prompt, asked before each line (it may show what is open)
     */
    Shell(final CommandLine commands, final Terminal terminal, final Path historyFile, final Completions completions,
                 final Supplier<String> prompt) {
        this.commands = commands;
        this.terminal = terminal;
        this.historyFile = historyFile;
        this.completions = completions;
        this.prompt = prompt;
    }

    /** A shell on the process's terminal (or a dumb one when standard input is not a terminal). */
    public static Shell onSystemTerminal(final CommandLine commands, final Path historyFile, final Completions completions,
                                         final Supplier<String> prompt) throws IOException {
        if (System.console() == null) {
            // standard input or output is not a terminal (a script, a pipe, CI): a dumb terminal at
            // once; probing for a native one (JNA, then processes) cost about 0.1 s of start-up
            return new Shell(commands, new DumbTerminal("callscope", Terminal.TYPE_DUMB, System.in, System.out,
                StandardCharsets.UTF_8), historyFile, completions, prompt);
        }
        final Terminal t = TerminalBuilder.builder().system(true).dumb(true).name("callscope").nativeSignals(true)
            .signalHandler(Terminal.SignalHandler.SIG_IGN).build();
        return new Shell(commands, t, historyFile, completions, prompt);
    }

    /** A shell on a dumb terminal over the given streams (scripted input, tests). */
    public static Shell onStreams(final CommandLine commands, final InputStream in, final OutputStream out, final Path historyFile,
                                  final Completions completions, final Supplier<String> prompt) throws IOException {
        // DumbTerminal itself: TerminalBuilder would put the streams behind a pseudo-terminal that drops buffered input at EOF
        final Terminal t = new DumbTerminal("callscope", Terminal.TYPE_DUMB, in, out, StandardCharsets.UTF_8);
        t.setSize(new Size(120, 40));
        return new Shell(commands, t, historyFile, completions, prompt);
    }

    /** Cancels the running command, as Ctrl-C does; false when none runs. */
    public boolean cancelRunning() {
        final Future<?> f = running;
        return f != null && f.cancel(true);
    }

    /** The terminal's width in columns (0 when unknown). */
    public int width() {
        final int w = terminal.getWidth();
        return w > 0 ? w : 0;
    }

    /** Runs {@code startup} lines, then reads lines until end of input or {@code exit}; returns 0. */
    public int run(final List<String> startup) {
        try {
            return loop(startup);
        } finally {
            try {
                terminal.close();
            } catch (IOException ignored) {
                // closing a terminal we are leaving
            }
        }
    }

    private int loop(final List<String> startup) {
        final PrintWriter out = terminal.writer();
        commands.setOut(out);
        commands.setErr(out);
        final PicocliCommands picocli = new PicocliCommands(commands);
        picocli.name("callscope commands ('COMMAND --help' for details)");
        final DefaultParser parser = new DefaultParser();
        parser.setEofOnUnclosedQuote(true);
        final SystemRegistry registry = new SystemRegistryImpl(parser, terminal, () -> Path.of("").toAbsolutePath(), null);
        registry.setCommandRegistries(picocli);
        final LineReaderBuilder b = LineReaderBuilder.builder()
            .terminal(terminal)
            .appName("callscope")
            .parser(parser)
            .completer(new ShellCompleter(registry.completer()))
            .variable(LineReader.LIST_MAX, 100)
            .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
            .option(LineReader.Option.HISTORY_IGNORE_SPACE, true);
        if (historyFile != null) {
            b.variable(LineReader.HISTORY_FILE, historyFile);
        }
        final LineReader reader = b.build();
        terminal.handle(Terminal.Signal.INT, s -> cancelRunning());
        try {
            for (final String s : startup) {
                execute(registry, s, out);
                out.flush();
            }
            while (true) {
                final String line;
                try {
                    line = reader.readLine(prompt.get());
                } catch (UserInterruptException e) {
                    continue; // Ctrl-C at the prompt: a fresh line
                } catch (EndOfFileException e) {
                    break;
                }
                final String cmd = line.trim();
                if (cmd.isEmpty()) {
                    continue;
                }
                final String first = cmd.split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
                if (first.equals("exit") || first.equals("quit")) {
                    break;
                }
                execute(registry, cmd, out);
                out.flush();
            }
        } finally {
            try {
                reader.getHistory().save();
            } catch (IOException e) {
                out.println("callscope: could not save history to " + historyFile + ": " + e.getMessage());
            }
            worker.shutdownNow();
            out.flush();
        }
        return 0;
    }

    private void execute(final SystemRegistry registry, final String line, final PrintWriter out) {
        final Future<?> f = worker.submit(() -> {
            try {
                registry.execute(line);
            } finally {
                registry.cleanUp();
            }
            return null;
        });
        running = f;
        try {
            f.get();
        } catch (CancellationException e) {
            out.println();
            out.println("^C: command cancelled");
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            final Throwable cause = e.getCause() != null ? e.getCause() : e;
            registry.trace(cause);
        } finally {
            running = null;
        }
    }

    /** The registry's completion (commands, options, enum values), plus call ids and file names from the hook. */
    private final class ShellCompleter implements Completer {
        private final Completer tree;
        private final Completer files = new Completers.FileNameCompleter();

        ShellCompleter(final Completer tree) {
            this.tree = tree;
        }

        @Override
        public void complete(final LineReader reader, final ParsedLine line, final List<Candidate> candidates) {
            final int index = line.wordIndex();
            if (index == 0 || line.word().startsWith("-")) {
                tree.complete(reader, line, candidates);
                return;
            }
            final List<String> before = new ArrayList<>(line.words().subList(0, index));
            final List<String> values = completions.candidates(before);
            if (values == FILES) {
                files.complete(reader, line, candidates);
                return;
            }
            if (values.isEmpty()) {
                tree.complete(reader, line, candidates);
                return;
            }
            for (final String v : values) {
                candidates.add(new Candidate(v, v, null, null, null, null, true));
            }
        }
    }
}
