package dev.callscope.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Out of memory and stack overflow, wherever they happen in a command: one line on stderr saying
 * what the command was doing and which JVM option to raise, and exit code 4 ({@link
 * ExitCodes#INTERNAL}); the stack trace only with {@code --debug}. The command's thread meets them
 * in picocli's execution strategy ({@link Main#configure}), outside the command in {@link Main#run};
 * another thread of the process in the default uncaught-exception handler ({@link #install}).
 */
final class Fatal {
    /** Memory set aside at start-up and given back before reporting, so that the report can be made. */
    private static volatile byte[] reserve = new byte[256 << 10];
    /** What the command is doing, completing "out of memory while ...". */
    private static volatile String doing = "starting";
    /** Only the first fatal error is reported (several threads may meet one at once). */
    private static final AtomicBoolean REPORTED = new AtomicBoolean();

    private Fatal() {
    }

    /** Records what the command is doing now ("reading capture.pcap", "writing output"). */
    static void doing(final String what) {
        doing = what;
    }

    /** "reading a.pcap", "reading a.pcap and b.pcap", "reading a.pcap and 3 other files". */
    static void reading(final List<String> files) {
        final String first = files.isEmpty() ? "the capture" : "-".equals(files.get(0)) ? "standard input" : files.get(0);
        doing("reading " + (files.size() <= 1 ? first : files.size() == 2 ? first + " and " + files.get(1)
            : first + " and " + (files.size() - 1) + " other files"));
    }

    /** The out-of-memory or stack-overflow error that {@code t} is or was caused by, or null. */
    static VirtualMachineError of(final Throwable t) {
        Throwable c = t;
        for (int depth = 0; c != null && depth < 16; depth++, c = c.getCause()) {
            if (c instanceof OutOfMemoryError || c instanceof StackOverflowError) {
                return (VirtualMachineError) c;
            }
        }
        return null;
    }

    /**
     * Reports {@code e} on {@code err} unless a fatal error was reported already; returns {@link
     * ExitCodes#INTERNAL}. The caller has dropped what it held; the reserve goes too.
     */
    static int report(final VirtualMachineError e, final PrintWriter err, final boolean debug) {
        reserve = null;
        if (!REPORTED.compareAndSet(false, true)) {
            return ExitCodes.INTERNAL;
        }
        try {
            err.println(message(e));
            if (debug) {
                e.printStackTrace(err);
            }
            err.flush();
        } catch (OutOfMemoryError again) {
            // nothing left to say it with; the exit code still tells
        }
        return ExitCodes.INTERNAL;
    }

    /** After a report in the shell, which goes on: the next fatal error is reported too. */
    static void rearm() {
        try {
            reserve = new byte[256 << 10];
        } catch (OutOfMemoryError e) {
            // still short: go on without
        }
        REPORTED.set(false);
    }

    /** The line for {@code e}. */
    static String message(final VirtualMachineError e) {
        if (e instanceof StackOverflowError) {
            return "callscope: error: stack overflow while " + doing
                + "; raise the stack size with CALLSCOPE_JAVA_OPTS=-Xss" + biggerStack();
        }
        final String why = e.getMessage();
        final boolean heap = why == null || why.contains("Java heap space") || why.contains("GC overhead");
        return "callscope: error: out of memory" + (heap ? "" : " (" + why + ")") + " while " + doing
            + "; raise the heap with CALLSCOPE_JAVA_OPTS=-Xmx" + biggerHeap();
    }

    /** Twice the heap this JVM may use, as a power of two: "32m", "4g". */
    static String biggerHeap() {
        final long mib = Math.max(1, Runtime.getRuntime().maxMemory() >> 20);
        long want = Long.highestOneBit(2 * mib - 1) << 1; // the power of two at or above twice the heap
        if (want < 64) {
            want = 64;
        }
        return want >= 1024 ? (want >> 10) + "g" : want + "m";
    }

    /** A stack many times the JVM's usual 1 MiB. */
    private static String biggerStack() {
        return "16m";
    }

    /**
     * Makes an out-of-memory or stack-overflow error in any other thread of the process end it the
     * same way: one line, exit code 4. Other uncaught exceptions keep the JVM's handling.
     */
    static void install(final PrintWriter err, final boolean debug) {
        final Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, t) -> {
            final VirtualMachineError e = of(t);
            if (e == null) {
                if (previous != null) {
                    previous.uncaughtException(thread, t);
                } else {
                    thread.getThreadGroup().uncaughtException(thread, t);
                }
                return;
            }
            report(e, err, debug);
            System.exit(ExitCodes.INTERNAL);
        });
    }
}
