package dev.callscope.cli;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where a command's output goes: the command's stdout, or the {@code -o} file. A regular file (or
 * one that does not exist yet) is written to a temporary sibling and moved into place only when the
 * command succeeded (whole or not at all); a symbolic link is followed and its target replaced, the
 * link kept. A FIFO or a character device (/dev/null, /dev/stdout on a pipe or terminal) is written
 * directly, as the shell's {@code >} would. A directory or another special file is refused (exit
 * code 3). A write that fails is reported with the system's reason when the output is committed
 * (exit code 3), except a reader that went away (EPIPE), which ends the output quietly.
 */
final class OutputTarget implements AutoCloseable {
    /** Symbolic links followed at most (Linux's own limit). */
    private static final int MAX_LINKS = 40;
    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;

    /**
     * Where the bytes of {@code -o FILE} end up.
     *
     * @param name FILE as the user gave it, for messages
     * @param path the file written (links resolved) or, when direct, the path as given
     * @param direct written in place (FIFO, character device), not through a temporary file
     * @param exists a regular file is there already (its permissions and owner are kept)
     */
    record Destination(String name, Path path, boolean direct, boolean exists) {
    }

    private final PrintWriter writer;
    /** The bytes beneath {@link #writer}, or null when they cannot be reached. */
    private final OutputStream bytes;
    private final CheckedOutputStream stream;
    private final Destination destination;
    private final Path temp;
    private boolean committed;

    private OutputTarget(final PrintWriter writer, final OutputStream bytes, final CheckedOutputStream stream,
                         final Destination destination, final Path temp) {
        this.writer = writer;
        this.bytes = bytes;
        this.stream = stream;
        this.destination = destination;
        this.temp = temp;
    }

    /** Text output: stdout when {@code file} is null or "-", else the file. */
    static OutputTarget of(final String file, final PrintWriter stdout) throws IOException {
        Fatal.doing(file == null || "-".equals(file) ? "writing output" : "writing " + file);
        if (file == null || "-".equals(file)) {
            return new OutputTarget(stdout, stdout instanceof CheckedPrintWriter c ? c.bytes() : null, null, null, null);
        }
        return open(resolve(file), false);
    }

    /** Binary output to a file already resolved (capture -w). */
    static OutputTarget binary(final Destination d) throws IOException {
        return open(d, true);
    }

    private static OutputTarget open(final Destination d, final boolean binary) throws IOException {
        Path temp = null;
        final OutputStream raw;
        try {
            if (d.direct()) {
                raw = new FileOutputStream(d.path().toFile()); // a FIFO waits here for its reader, as '>' does
            } else {
                temp = Files.createTempFile(d.path().getParent(), "." + d.path().getFileName() + ".", ".tmp");
                raw = Files.newOutputStream(temp);
            }
        } catch (IOException e) {
            if (temp != null) {
                Files.deleteIfExists(temp);
            }
            throw new IOException("cannot write " + d.name() + ": " + reason(e));
        }
        final CheckedOutputStream stream = new CheckedOutputStream(raw);
        final OutputStream bytes = binary ? null : new BufferedOutputStream(stream, 1 << 16);
        final PrintWriter writer = binary ? null : new PrintWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8));
        return new OutputTarget(writer, bytes, stream, d, temp);
    }

    /**
     * What {@code file} names: a regular file (or none yet) to replace whole, a FIFO or character
     * device to write into; symbolic links followed. A directory, another special file or a missing
     * directory is an input/output error.
     */
    static Destination resolve(final String file) throws IOException {
        Path p = Path.of(file).toAbsolutePath();
        for (int links = 0; links <= MAX_LINKS; links++) {
            final int type;
            try {
                type = type(p);
            } catch (NoSuchFileException e) {
                if (Files.isSymbolicLink(p)) {
                    try {
                        p = p.resolveSibling(Files.readSymbolicLink(p)); // a dangling link: create what it names
                    } catch (IOException x) {
                        throw new IOException(file + ": " + reason(x));
                    }
                    continue;
                }
                final Path dir = p.getParent();
                if (dir == null || !Files.isDirectory(dir)) {
                    throw new IOException(file + ": directory does not exist");
                }
                return new Destination(file, p, false, false);
            } catch (IOException e) {
                throw new IOException(file + ": " + reason(e));
            }
            switch (type) {
                case S_IFREG:
                    try {
                        return new Destination(file, p.toRealPath(), false, true);
                    } catch (IOException e) {
                        throw new IOException(file + ": " + reason(e));
                    }
                case S_IFIFO:
                case S_IFCHR:
                    return new Destination(file, p, true, true);
                case S_IFDIR:
                    throw new IOException(file + ": is a directory");
                default:
                    throw new IOException(file
                        + ": not a regular file, FIFO or character device");
            }
        }
        throw new IOException(file + ": too many levels of symbolic links");
    }

    /** The file type bits of what {@code p} leads to (links followed). */
    private static int type(final Path p) throws IOException {
        try {
            return (Integer) Files.getAttribute(p, "unix:mode") & S_IFMT;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            final BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return a.isRegularFile() ? S_IFREG : a.isDirectory() ? S_IFDIR : S_IFCHR;
        }
    }

    PrintWriter writer() {
        return writer;
    }

    /**
     * The UTF-8 bytes beneath {@link #writer()} (null when they cannot be reached, as under a test's
     * writer). Text written to the writer must be flushed before bytes follow it, and bytes before
     * text follows them. A write that fails throws, and the target remembers why for {@link #commit}.
     */
    OutputStream bytes() {
        return bytes;
    }

    /** The bytes of a binary target. */
    OutputStream stream() {
        return stream;
    }

    /**
     * The output is complete: flush it and move a regular file into place. A failed write is an
     * input/output error naming the reason ("cannot write out.json: No space left on device"),
     * unless the reader went away.
     */
    void commit() throws IOException {
        if (writer != null) {
            writer.flush();
        }
        if (destination == null) {
            return; // stdout: Main checks it once everything is written
        }
        if (writer != null) {
            writer.close();
        }
        try {
            stream.close();
        } catch (IOException ignored) {
            // remembered by the stream
        }
        final IOException failure = stream.failure();
        if (failure != null && !(destination.direct() && CheckedOutputStream.readerGone(failure))) {
            throw new IOException("cannot write " + destination.name() + ": "
                + reason(failure));
        }
        if (temp != null) {
            keepAttributes(temp, destination);
            try {
                Files.move(temp, destination.path(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, destination.path(), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        committed = true;
    }

    /**
     * Gives the new file the permissions, owner and group of the file it replaces (best effort), or
     * the usual rw-r--r-- (temporary files are created owner-only).
     */
    private static void keepAttributes(final Path temp, final Destination d) {
        try {
            final PosixFileAttributeView view = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
            if (view == null) {
                return;
            }
            if (!d.exists()) {
                view.setPermissions(PosixFilePermissions.fromString("rw-r--r--"));
                return;
            }
            final PosixFileAttributes old = Files.readAttributes(d.path(), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            view.setPermissions(old.permissions());
            try {
                view.setOwner(old.owner());
                view.setGroup(old.group());
            } catch (IOException | SecurityException notOurs) {
                // only root may give a file away: it stays ours
            }
        } catch (UnsupportedOperationException | IOException ignored) {
            // not a POSIX file system: keep what it gave
        }
    }

    /** "No space left on device" rather than the exception's class and path. */
    private static String reason(final IOException e) {
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        final String m = CheckedOutputStream.reason(e);
        // FileOutputStream says "path (reason)"
        final int open = m.lastIndexOf(" (");
        return open >= 0 && m.endsWith(")") ? m.substring(open + 2, m.length() - 1) : m;
    }

    @Override
    public void close() {
        if (destination == null) {
            writer.flush();
            return;
        }
        if (!committed) {
            if (writer != null) {
                writer.close();
            }
            try {
                stream.close();
            } catch (IOException ignored) {
                // the output is abandoned anyway
            }
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // best effort: a stray temp file is harmless
                }
            }
        }
    }
}
