package dev.callscope.testutil;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates the shared real captures: {@code ../shared/captures} relative to the project, then
 * {@code /work/shared/captures}. Tests that need them are skipped (not failed) when neither exists.
 */
public final class SharedCaptures {
    private static final Path[] CANDIDATES = {Path.of("../shared/captures"), Path.of("/work/shared/captures")};

    private SharedCaptures() {
    }

    /** The captures directory; skips the calling test when it is absent. */
    public static Path dir() {
        for (final Path p : CANDIDATES) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        Assumptions.abort("shared captures not found (tried ../shared/captures and /work/shared/captures)");
        throw new AssertionError("unreachable");
    }

    /** A file under the captures directory, e.g. {@code file("sip/sngrep__aaa.pcap")}; skips when absent. */
    public static Path file(final String relative) {
        final Path p = dir().resolve(relative);
        Assumptions.assumeTrue(Files.isRegularFile(p), () -> "shared capture missing: " + p);
        return p;
    }
}
