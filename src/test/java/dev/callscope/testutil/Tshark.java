package dev.callscope.testutil;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs tshark for differential tests; {@link #available()} tells whether it is installed, {@link
 * #sameAsTruth()} whether it is the version the expectations were made with (Debian 12's 4.0): a
 * test comparing callscope with how tshark reads a capture runs only then, since another version
 * may read it differently (tests against stored truth files need neither).
 */
public final class Tshark {
    /** The tshark the differential expectations were made with. */
    public static final String TRUTH_VERSION = "TShark (Wireshark) 4.0.";
    private static Boolean available;
    private static String version = "";

    private Tshark() {
    }

    public static synchronized boolean available() {
        if (available == null) {
            try {
                final Process p = new ProcessBuilder("tshark", "-v").redirectErrorStream(true).start();
                version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("TShark"))
                    .findFirst().orElse("");
                available = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException e) {
                available = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                available = false;
            }
        }
        return available;
    }

    /** Installed, and the version differential expectations were made with. */
    public static synchronized boolean sameAsTruth() {
        return available() && version.startsWith(TRUTH_VERSION);
    }

    /** Runs {@code tshark -r file args...} and returns its standard output. */
    public static String run(final Path file, final String... args) throws IOException, InterruptedException {
        final List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", file.toString()));
        cmd.addAll(List.of(args));
        final Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("tshark timed out on " + file);
        }
        return out;
    }
}
