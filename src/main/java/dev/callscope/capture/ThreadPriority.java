package dev.callscope.capture;

import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Lowers the scheduling priority of the calling thread (Linux), so that on a busy machine the
 * capture thread, left at the normal priority, gets the CPU before the analysis: the analysis may
 * fall behind into the queue, the capture must not fall behind the kernel's buffer. Java's own
 * thread priorities are ignored on Linux; a thread's nice value is set with {@code setpriority} on
 * its thread id ({@code /proc/thread-self}). Raising a nice value needs no privilege.
 */
public final class ThreadPriority {
    private static final int PRIO_PROCESS = 0;

    private ThreadPriority() {
    }

    /**
     * Adds {@code increment} (1..19) to the calling thread's nice value; threads it starts later
     * inherit it.
     *
     * @return the nice value before, to give to {@link #restoreCurrentThread}; {@link #UNCHANGED}
     *     when the platform does not allow it (nothing changed)
     */
    public static int lowerCurrentThread(final int increment) {
        if (!Platform.isLinux() || increment < 1 || increment > 19) {
            return UNCHANGED;
        }
        try {
            final int tid = tid();
            final int now = Libc.function("getpriority").invokeInt(new Object[] {PRIO_PROCESS, tid});
            return Libc.function("setpriority").invokeInt(new Object[] {PRIO_PROCESS, tid, Math.min(19, now + increment)}) == 0
                ? now : UNCHANGED;
        } catch (IOException | RuntimeException | LinkageError e) {
            return UNCHANGED;
        }
    }

    /**
     * Sets the calling thread's nice value back to what {@link #lowerCurrentThread} returned, where
     * allowed (lowering a nice value needs privilege: without it the thread stays as it is).
     */
    public static void restoreCurrentThread(final int before) {
        if (before == UNCHANGED) {
            return;
        }
        try {
            Libc.function("setpriority").invokeInt(new Object[] {PRIO_PROCESS, tid(), before});
        } catch (IOException | RuntimeException | LinkageError e) {
            // stays lowered
        }
    }

    /** What {@link #lowerCurrentThread} returns when nothing changed. */
    public static final int UNCHANGED = Integer.MIN_VALUE;

    private static int tid() throws IOException {
        final String self = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString(); // "PID/task/TID"
        return Integer.parseInt(self.substring(self.lastIndexOf('/') + 1));
    }
}
