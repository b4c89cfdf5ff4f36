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

    /** The terminal's answer to {@code stty size}, asked early by {@link #askWidthEarly()}; null when not asked. */
    private static volatile java.util.concurrent.FutureTask<Integer> asked;

    private TerminalInfo() {
    }

    /**
     * When standard output is a terminal, starts asking it its width on a thread of its own, so that
     * the process ({@code stty size}: 20 to 50 ms) runs while the capture is read rather than after.
     */
    static void askWidthEarly() {
        if (asked != null || !stdoutIsTerminal()) {
            return;
        }
        final String target = fdTarget(1);
        final java.util.concurrent.FutureTask<Integer> f =
            new java.util.concurrent.FutureTask<>(() -> deviceColumns(target != null ? target : "/dev/tty"));
        final Thread t = new Thread(f, "terminal-width");
        t.setDaemon(true);
        t.start();
        asked = f;
    }

    static boolean isTerminal() {
        return System.console() != null;
    }

    /** Whether standard output is a terminal (whatever standard input is). */
    static boolean stdoutIsTerminal() {
        final String target = fdTarget(1);
        return target != null ? isTerminalDevice(target) : System.console() != null;
    }

    /** {@code --color=auto}: colour on a terminal, unless NO_COLOR is set and not empty, or TERM=dumb. */
    static boolean colour() {
        return colour(stdoutIsTerminal(), System.getenv());
    }

    /** {@link #colour()} for a given answer to "is standard output a terminal" and environment. */
    static boolean colour(final boolean stdoutTerminal, final Map<String, String> env) {
        return stdoutTerminal && !noColour(env) && !"dumb".equals(env.get("TERM"));
    }

    /** Whether NO_COLOR asks for no colour: set and not empty (no-color.org). */
    static boolean noColour(final Map<String, String> env) {
        final String v = env.get("NO_COLOR");
        return v != null && !v.isEmpty();
    }

    /**
     * The width to fit text to: standard output's terminal's width, else COLUMNS, else 80; 0 (no
     * limit: whole values) when standard output is not a terminal. Asks the terminal (one {@code stty
     * size} on it, about 20 ms) only when standard output is one.
     */
    static int width() {
        if (!stdoutIsTerminal()) {
            return 0;
        }
        return width(true, deviceColumns(), System.getenv());
    }

    /** The columns of standard output's terminal: the early answer when asked, else asked now; 0 when unknown. */
    private static int deviceColumns() {
        final java.util.concurrent.FutureTask<Integer> f = asked;
        if (f != null) {
            try {
                return f.get(2, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                return 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
        }
        final String target = fdTarget(1);
        return deviceColumns(target != null ? target : "/dev/tty");
    }

    /** {@link #width()} from its parts: the terminal's own answer (0: none), then COLUMNS, then 80. */
    static int width(final boolean stdoutTerminal, final int deviceColumns, final Map<String, String> env) {
        if (!stdoutTerminal) {
            return 0;
        }
        if (deviceColumns > 0) {
            return deviceColumns;
        }
        final int cols = columns(env);
        return cols > 0 ? cols : SAFE_WIDTH;
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
     * Width for the progress line, in the order {@link #width()} uses: what {@code stty size} says of
     * the terminal on stderr, else COLUMNS (shells rarely export it), else {@link #SAFE_WIDTH}. Runs a
     * process: call it once, off the reading thread.
     */
    static int progressWidth() {
        final int cols = width(true, deviceColumns(fdTarget(2)), System.getenv());
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
