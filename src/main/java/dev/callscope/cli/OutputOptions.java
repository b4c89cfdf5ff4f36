package dev.callscope.cli;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** --json / --jsonl / -o, shared by every command that prints results. */
public final class OutputOptions {
    @ArgGroup(exclusive = true)
    Format format = new Format();

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
        description = "Write the output to FILE instead of standard output (written whole or not at all).")
    String output;

    /** Mutually exclusive machine formats. */
    static final class Format {
        @Option(names = "--json", description = "One JSON document (snake_case fields).")
        boolean json;

        @Option(names = "--jsonl", description = "JSON Lines: one record per line.")
        boolean jsonl;
    }

    boolean json() {
        return format != null && format.json;
    }

    boolean jsonl() {
        return format != null && format.jsonl;
    }
}
