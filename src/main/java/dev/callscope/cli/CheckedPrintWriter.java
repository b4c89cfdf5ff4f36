package dev.callscope.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** A UTF-8 PrintWriter that can tell why its output was lost ({@link CheckedOutputStream}). */
final class CheckedPrintWriter extends PrintWriter {
    private final CheckedOutputStream stream;

    /**
     * @param lineByLine flush at every line (a terminal), else write in blocks of 64 KiB
     */
    CheckedPrintWriter(final OutputStream out, final boolean lineByLine) {
        this(new CheckedOutputStream(out), lineByLine);
    }

    private CheckedPrintWriter(final CheckedOutputStream stream, final boolean lineByLine) {
        super(new OutputStreamWriter(lineByLine ? stream : new BufferedOutputStream(stream, 1 << 16), StandardCharsets.UTF_8),
            lineByLine);
        this.stream = stream;
    }

    /** The first write that failed, or null. */
    IOException failure() {
        return stream.failure();
    }
}
