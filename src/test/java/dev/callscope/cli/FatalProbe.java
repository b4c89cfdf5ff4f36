package dev.callscope.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** A child JVM for {@link FatalErrorsTest}: a thread other than main runs out of memory while main waits. */
public final class FatalProbe {
    private FatalProbe() {
    }

    public static void main(final String[] args) throws InterruptedException {
        Fatal.install(new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true), false);
        Fatal.doing("probing");
        final Thread t = new Thread(() -> {
            final java.util.List<long[]> hog = new java.util.ArrayList<>();
            while (true) {
                hog.add(new long[1 << 16]);
            }
        }, "callscope-probe");
        t.start();
        Thread.sleep(30_000);
        System.exit(0); // not reached: the handler ends the process
    }
}
