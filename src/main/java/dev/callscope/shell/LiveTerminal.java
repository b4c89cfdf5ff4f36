package dev.callscope.shell;

import java.io.IOError;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jline.keymap.BindingReader;
import org.jline.keymap.KeyMap;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.InfoCmp.Capability;

/**
 * The process's terminal for a full-screen live view, as sngrep takes it: raw mode (keys arrive at
 * once and are not echoed), the alternate screen, the cursor hidden, and a daemon thread that turns
 * key sequences into {@link Key}s. {@link #close()} puts everything back; a shutdown hook does it too
 * if the owner has not within {@link #HOOK_GRACE_SECONDS} of the JVM starting to end (the owner
 * normally restores the screen itself, then prints its summary).
 *
 * <p>Ctrl-C is left to the kernel (raw mode keeps ISIG) and to the JVM: JLine installs no signal
 * handler here, so SIGINT runs the application's shutdown hooks as it does without a view.
 * The caller writes the screen to standard output itself; it flushes before {@link #close()}.
 */
public final class LiveTerminal implements AutoCloseable {
    /** Keys a live view understands. */
    public enum Key { UP, DOWN, LEFT, RIGHT, PAGE_UP, PAGE_DOWN, HOME, END, ENTER, ESCAPE, QUIT, OTHER }

    /** How long the shutdown hook leaves the owner to restore the terminal itself. */
    static final long HOOK_GRACE_SECONDS = 8;
    /** How long a lone ESC waits for the rest of a key sequence, in ms. */
    static final long ESCAPE_MILLIS = 80;

    private final Terminal terminal;
    private final Attributes saved;
    private final Thread keys;
    private final Thread hook;
    private final CountDownLatch restored = new CountDownLatch(1);
    private boolean closed;

    private LiveTerminal(final Terminal terminal, final Consumer<Key> onKey) {
        this.terminal = terminal;
        this.saved = terminal.enterRawMode();
        terminal.puts(Capability.enter_ca_mode);
        terminal.puts(Capability.cursor_invisible);
        terminal.flush();
        this.keys = new Thread(() -> readKeys(onKey), "callscope-keys");
        keys.setDaemon(true);
        this.hook = new Thread(() -> {
            try {
                if (!restored.await(HOOK_GRACE_SECONDS, TimeUnit.SECONDS)) {
                    restore();
                }
            } catch (InterruptedException e) {
                restore();
            }
        }, "callscope-terminal-restore");
        Runtime.getRuntime().addShutdownHook(hook);
        keys.start();
    }

    /**
     * Takes the process's terminal when both standard input and standard output are one; null
     * otherwise (a pipe, a file, CI), and then nothing was touched.
     *
     * @param onKey gets each key, on the key reader's thread
     */
    public static LiveTerminal open(final Consumer<Key> onKey) throws IOException {
        if (System.console() == null) {
            return null;
        }
        // no JLine signal handlers: Ctrl-C stays the JVM's (shutdown hooks), the window size is read at each redraw
        final Terminal t = TerminalBuilder.builder().system(true).dumb(false).nativeSignals(false).name("callscope")
            .build();
        if (Terminal.TYPE_DUMB.equals(t.getType()) || Terminal.TYPE_DUMB_COLOR.equals(t.getType())) {
            t.close();
            return null;
        }
        return new LiveTerminal(t, onKey);
    }

    /** Columns of the terminal now (80 when it does not say). */
    public int width() {
        final Size s = size();
        return s != null && s.getColumns() > 0 ? s.getColumns() : 80;
    }

    /** Rows of the terminal now (24 when it does not say). */
    public int height() {
        final Size s = size();
        return s != null && s.getRows() > 0 ? s.getRows() : 24;
    }

    private Size size() {
        try {
            return terminal.getSize();
        } catch (IOError | RuntimeException e) {
            return null;
        }
    }

    /** The key sequences of {@link Key}, as terminals send them in either cursor-key mode. */
    static KeyMap<Key> keyMap(final Terminal terminal) {
        final KeyMap<Key> m = new KeyMap<>();
        m.bind(Key.UP, "\033[A", "\033OA", "k");
        m.bind(Key.DOWN, "\033[B", "\033OB", "j");
        m.bind(Key.RIGHT, "\033[C", "\033OC");
        m.bind(Key.LEFT, "\033[D", "\033OD");
        m.bind(Key.PAGE_UP, "\033[5~");
        m.bind(Key.PAGE_DOWN, "\033[6~", " ");
        m.bind(Key.HOME, "\033[H", "\033OH", "\033[1~", "\033[7~");
        m.bind(Key.END, "\033[F", "\033OF", "\033[4~", "\033[8~");
        m.bind(Key.ENTER, "\r", "\n");
        m.bind(Key.ESCAPE, "\033");
        m.bind(Key.QUIT, "q", "Q");
        if (terminal != null) {
            bind(m, terminal, Key.UP, Capability.key_up);
            bind(m, terminal, Key.DOWN, Capability.key_down);
            bind(m, terminal, Key.LEFT, Capability.key_left);
            bind(m, terminal, Key.RIGHT, Capability.key_right);
            bind(m, terminal, Key.PAGE_UP, Capability.key_ppage);
            bind(m, terminal, Key.PAGE_DOWN, Capability.key_npage);
            bind(m, terminal, Key.HOME, Capability.key_home);
            bind(m, terminal, Key.END, Capability.key_end);
        }
        m.setNomatch(Key.OTHER);
        m.setUnicode(Key.OTHER);
        m.setAmbiguousTimeout(ESCAPE_MILLIS);
        return m;
    }

    private static void bind(final KeyMap<Key> m, final Terminal t, final Key k, final Capability c) {
        final String seq = KeyMap.key(t, c);
        if (seq != null && !seq.isEmpty()) {
            m.bind(k, seq);
        }
    }

    private void readKeys(final Consumer<Key> onKey) {
        final BindingReader reader = new BindingReader(terminal.reader());
        final KeyMap<Key> map = keyMap(terminal);
        try {
            while (true) {
                final Key k = reader.readBinding(map, null, true);
                if (k == null) {
                    return; // end of input, or the terminal was closed
                }
                onKey.accept(k);
            }
        } catch (IOError | RuntimeException e) {
            // the terminal went away: no more keys
        }
    }

    /** Leaves the alternate screen, shows the cursor and restores the terminal's modes; idempotent. */
    @Override
    public void close() {
        restore();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // the JVM is ending: the hook sees 'restored' and returns
        }
    }

    private synchronized void restore() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            terminal.puts(Capability.cursor_normal);
            terminal.puts(Capability.exit_ca_mode);
            terminal.flush();
            terminal.setAttributes(saved);
        } catch (IOError | RuntimeException ignored) {
            // nothing more can be done for a terminal that is gone
        } finally {
            try {
                terminal.close();
            } catch (IOException | IOError | RuntimeException ignored) {
                // as above
            }
            restored.countDown();
        }
    }
}
