package dev.callscope.cli;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * --json / --jsonl / -o, and how text fits the terminal (--wide, --width, --color), shared by every
 * command that prints results. docs/terminal.md says how the width and colour are chosen.
 */
public final class OutputOptions {
    /** The narrowest --width accepted. */
    static final int MIN_WIDTH = 20;

    @ArgGroup(exclusive = true)
    Format format = new Format();

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
        description = "Write the output to FILE instead of standard output: a file is replaced whole or not at all (through a "
            + "symbolic link, its target); a FIFO or device such as /dev/null is written directly.")
    String output;

    @ArgGroup(exclusive = true)
    Fit fit = new Fit();

    @Option(names = "--color", paramLabel = "WHEN", defaultValue = "auto", description = "Colour: ${COMPLETION-CANDIDATES} "
        + "(default: ${DEFAULT-VALUE}: on a terminal, unless NO_COLOR is set and not empty or TERM=dumb; always: also into a "
        + "pipe or file, e.g. for less -R).")
    Colour color = Colour.auto;

    /** When to colour. */
    enum Colour { auto, always, never }

    /** Whole values, or a given width (default: the terminal's). */
    static final class Fit {
        @Option(names = "--wide", description = "Print every value whole: do not fit tables and ladders to the terminal's "
            + "width (as when the output is not a terminal).")
        boolean wide;

        @Option(names = "--width", paramLabel = "COLUMNS", converter = WidthConverter.class, description = "Fit tables and "
            + "ladders to COLUMNS characters, at least " + MIN_WIDTH + "; 0 as --wide (default: the terminal's width; values "
            + "whole when the output is not a terminal).")
        Integer width;
    }

    /** --width's value: a number of columns, at least {@link #MIN_WIDTH}, or 0 for no limit. */
    static final class WidthConverter implements picocli.CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(final String value) {
            final int w;
            try {
                w = Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a number of columns");
            }
            if (w != 0 && w < MIN_WIDTH) {
                throw new picocli.CommandLine.TypeConversionException("at least " + MIN_WIDTH + " columns (or 0), not " + w);
            }
            return w;
        }
    }

    /** Mutually exclusive machine formats. */
    static final class Format {
        @Option(names = "--json", description = "One JSON document (snake_case fields).")
        boolean json;

        @Option(names = "--jsonl", description = "JSON Lines: one record per line.")
        boolean jsonl;
    }

    /** Writes one of three renderings of a result. */
    @FunctionalInterface
    interface Rendering {
        void write(java.io.PrintWriter out) throws java.io.IOException;
    }

    /**
     * Writes the result in the chosen format to stdout or to the -o file (whole or not at all).
     * Each rendering receives the writer to print to.
     */
    void emit(final picocli.CommandLine.Model.CommandSpec spec, final Rendering json, final Rendering jsonl,
              final Rendering text) throws java.io.IOException {
        try (OutputTarget target = OutputTarget.of(output, spec.commandLine().getOut())) {
            (json() ? json : jsonl() ? jsonl : text).write(target.writer());
            target.commit();
        }
    }

    /**
     * The width to fit text to (0: no limit, every value whole): none with --wide, --width when
     * given, none into a file, else the shell's terminal's width, else standard output's terminal's
     * (see {@link TerminalInfo#width()}).
     */
    int width(final picocli.CommandLine.Model.CommandSpec spec) {
        if (fit != null && fit.wide) {
            return 0;
        }
        if (fit != null && fit.width != null) {
            return fit.width;
        }
        if (toFile()) {
            return 0;
        }
        final ShellSession session = ShellSession.of(spec);
        if (session != null && session.width() > 0) {
            return session.width();
        }
        return TerminalInfo.width();
    }

    /** Whether to colour text: --color=always, or auto on a terminal (not into a file). */
    boolean colour() {
        return switch (color == null ? Colour.auto : color) {
            case always -> true;
            case never -> false;
            case auto -> !toFile() && TerminalInfo.colour();
        };
    }

    /** The commands whose text is fitted to the terminal's width. */
    private static final java.util.Set<String> FITTED = java.util.Set.of("calls", "sip", "rtp", "dubbo", "webrtc", "flows", "ladder");

    /**
     * Whether the command parsed will fit text to standard output's terminal (a command of {@link
     * #FITTED}, text to standard output, neither --wide nor --width): its width is then worth asking
     * before the capture is read.
     */
    static boolean fitsTerminal(final picocli.CommandLine.ParseResult parsed) {
        picocli.CommandLine.ParseResult p = parsed;
        while (p.hasSubcommand()) {
            p = p.subcommand();
        }
        if (!FITTED.contains(p.commandSpec().name())) {
            return false;
        }
        for (final picocli.CommandLine.Model.CommandSpec m : p.commandSpec().mixins().values()) {
            if (m.userObject() instanceof OutputOptions o) {
                return !o.json() && !o.jsonl() && !o.toFile() && (o.fit == null || !o.fit.wide && o.fit.width == null);
            }
        }
        return false;
    }

    /** Whether the text goes to a file (no colour, no terminal width). */
    boolean toFile() {
        return output != null && !"-".equals(output);
    }

    boolean json() {
        return format != null && format.json;
    }

    boolean jsonl() {
        return format != null && format.jsonl;
    }
}
