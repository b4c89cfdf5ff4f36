package dev.callscope.cli;

import dev.callscope.core.InputException;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where a command's output goes: the command's stdout, or a file that is written to a temporary
 * sibling and moved into place only when the command succeeded (whole or not at all).
 */
final class OutputTarget implements AutoCloseable {
    private final PrintWriter writer;
    private final Path target;
    private final Path temp;
    private boolean committed;

    private OutputTarget(final PrintWriter writer, final Path target, final Path temp) {
        this.writer = writer;
        this.target = target;
        this.temp = temp;
    }

    static OutputTarget of(final String file, final PrintWriter stdout) throws IOException {
        Fatal.doing(file == null || "-".equals(file) ? "writing output" : "writing " + file);
        if (file == null || "-".equals(file)) {
            return new OutputTarget(stdout, null, null);
        }
        final Path target = Path.of(file).toAbsolutePath();
        final Path dir = target.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new InputException(InputException.Kind.READ_ERROR, file + ": directory does not exist");
        }
        final Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        return new OutputTarget(new PrintWriter(new OutputStreamWriter(Files.newOutputStream(temp), StandardCharsets.UTF_8)),
            target, temp);
    }

    PrintWriter writer() {
        return writer;
    }

    /** Moves the finished file into place. */
    void commit() throws IOException {
        writer.flush();
        if (temp == null) {
            return;
        }
        writer.close();
        if (writer.checkError()) {
            throw new IOException("could not write " + target);
        }
        CaptureCommand.publish(temp);
        try {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        committed = true;
    }

    @Override
    public void close() {
        if (temp == null) {
            writer.flush();
            return;
        }
        if (!committed) {
            writer.close();
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // best effort: a stray temp file is harmless
            }
        }
    }
}
