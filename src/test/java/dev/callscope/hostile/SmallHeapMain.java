package dev.callscope.hostile;

import dev.callscope.cli.Main;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs one callscope command line like the launcher does, then prints the process' peak resident
 * set ({@code VmHWM} of /proc/self/status) as the last line of stderr: {@value #RSS_PREFIX}KiB.
 * An error escaping the command (out of memory, stack overflow) is printed as the JVM would print
 * it and exits 1, as it would through the launcher; the peak RSS line still follows it.
 */
public final class SmallHeapMain {
    static final String RSS_PREFIX = "peak-rss-kib: ";

    private SmallHeapMain() {
    }

    public static void main(final String[] args) {
        final PrintWriter out = new PrintWriter(new OutputStreamWriter(
            new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), StandardCharsets.UTF_8), false);
        final PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code;
        try {
            code = Main.run(out, err, args);
        } catch (Throwable t) {
            out.flush();
            System.err.print("Exception in thread \"" + Thread.currentThread().getName() + "\" ");
            t.printStackTrace();
            code = 1;
        }
        out.flush();
        err.flush();
        System.err.println(RSS_PREFIX + peakRssKib());
        System.err.flush();
        System.exit(code);
    }

    /** VmHWM in KiB, or -1 where /proc is not there. */
    static long peakRssKib() {
        try {
            for (final String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }
}
