package dev.callscope.cli;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** --json / --jsonl / -o, shared by every command that prints results. */
public final class OutputOptions {
    @ArgGroup(exclusive = true)
    Format format = new Format();

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
        description = "Write the output to FILE instead of standard output: a file is replaced whole or not at all (through a "
            + "symbolic link, its target); a FIFO or device such as /dev/null is written directly.")
    String output;

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
