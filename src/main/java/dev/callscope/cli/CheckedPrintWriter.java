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
    private final OutputStream bytes;

    /**
     * @param lineByLine flush at every line (a terminal), else write in blocks of 64 KiB
     */
    CheckedPrintWriter(final OutputStream out, final boolean lineByLine) {
        this(new CheckedOutputStream(out), lineByLine);
    }

    private CheckedPrintWriter(final CheckedOutputStream stream, final boolean lineByLine) {
        this(stream, lineByLine ? stream : new BufferedOutputStream(stream, 1 << 16), lineByLine);
    }

    private CheckedPrintWriter(final CheckedOutputStream stream, final OutputStream bytes, final boolean lineByLine) {
        super(new OutputStreamWriter(bytes, StandardCharsets.UTF_8), lineByLine);
        this.stream = stream;
        this.bytes = bytes;
    }

    /**
     * The bytes beneath this writer, for output encoded already (JSON Lines). A writer's text must
     * be flushed before bytes follow it.
     */
    OutputStream bytes() {
        return bytes;
    }

    /** The first write that failed, or null. */
    IOException failure() {
        return stream.failure();
    }
}
