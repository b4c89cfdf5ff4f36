package dev.callscope.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Whether standard output is a terminal, whether colour is wanted, and how wide the terminal is. */
final class TerminalInfo {
    /** The width assumed for the progress line when COLUMNS is not set. */
    static final int SAFE_WIDTH = 80;

    private TerminalInfo() {
    }

    static boolean isTerminal() {
        return System.console() != null;
    }

    /** Colour only on a terminal, never with NO_COLOR set or TERM=dumb. */
    static boolean colour() {
        return isTerminal() && System.getenv("NO_COLOR") == null && !"dumb".equals(System.getenv("TERM"));
    }

    /** Terminal width from COLUMNS, or 120 on a terminal, or 0 (no limit) when output is piped. */
    static int width() {
        final int cols = columns(System.getenv());
        if (cols > 0) {
            return cols;
        }
        return isTerminal() ? 120 : 0;
    }

    /** COLUMNS when it is set to a plausible width, else 0. */
    static int columns(final Map<String, String> env) {
        final String cols = env.get("COLUMNS");
        if (cols != null) {
            try {
                final int w = Integer.parseInt(cols.trim());
                if (w > 20) {
                    return w;
                }
            } catch (NumberFormatException ignored) {
                // fall through
            }
        }
        return 0;
    }

    /**
     * Whether the progress line may be shown while capture files are read: on stderr only when it is
     * a terminal, never with {@code --quiet}, with CI set (non-empty) or TERM=dumb (no way to clear
     * the line), and not when records are written to standard output during the read and standard
     * output is a terminal too (they would be drawn over the line).
     */
    static boolean progress(final boolean quiet, final boolean streamingToStdout) {
        if (quiet) {
            return false;
        }
        return progress(false, streamingToStdout, System.getenv(), fdTarget(1), fdTarget(2));
    }

    /** {@link #progress(boolean, boolean)} on a given environment and /proc/self/fd link targets (null: unknown). */
    static boolean progress(final boolean quiet, final boolean streamingToStdout, final Map<String, String> env,
                            final String stdoutTarget, final String stderrTarget) {
        if (quiet || !isTerminalDevice(stderrTarget)) {
            return false;
        }
        final String ci = env.get("CI");
        if (ci != null && !ci.isEmpty()) {
            return false;
        }
        if ("dumb".equals(env.get("TERM"))) {
            return false;
        }
        return !(streamingToStdout && isTerminalDevice(stdoutTarget));
    }

    /**
     * Width for the progress line: COLUMNS when set (shells rarely export it), else what {@code
     * stty size} says of the terminal on stderr, else {@link #SAFE_WIDTH}. Runs a process: call it
     * once, off the reading thread.
     */
    static int progressWidth() {
        int cols = columns(System.getenv());
        if (cols <= 0) {
            cols = deviceColumns(fdTarget(2));
        }
        return cols > 20 ? cols : SAFE_WIDTH;
    }

    /** The columns of a terminal device ({@code stty size} reading from it), or 0 when unknown. */
    static int deviceColumns(final String device) {
        if (!isTerminalDevice(device)) {
            return 0;
        }
        try {
            final Process p = new ProcessBuilder("stty", "size").redirectInput(new File(device))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            final String answer = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (!p.waitFor(1, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroy();
                return 0;
            }
            final String[] rowsCols = answer.split("\\s+");
            return rowsCols.length == 2 ? Integer.parseInt(rowsCols[1]) : 0;
        } catch (IOException | NumberFormatException | SecurityException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /**
     * What file descriptor {@code fd} of this process is (the target of /proc/self/fd/N, e.g.
     * "/dev/pts/3", "pipe:[1234]"), or null where /proc is unavailable.
     * {@link System#console()} cannot tell: it looks at standard input and output, not at stderr.
     */
    static String fdTarget(final int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    /** Whether a /proc/self/fd link target is a terminal device (a pseudo-terminal or a console). */
    static boolean isTerminalDevice(final String target) {
        return target != null && (target.startsWith("/dev/pts/") || target.startsWith("/dev/tty")
            || target.equals("/dev/console"));
    }
}
