package dev.callscope.testutil;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates the shared real captures, the one place tests look for them: the directory the system
 * property {@code callscope.sharedCaptures} names, else {@code ../shared/captures} relative to the
 * project, else the workspace's {@code /work/shared/captures} (where a clone outside the workspace,
 * as CI makes, finds them). Tests that need them are skipped (not failed) when none exists.
 */
public final class SharedCaptures {
    private SharedCaptures() {
    }

    private static Path[] candidates() {
        final String given = System.getProperty("callscope.sharedCaptures");
        return given != null ? new Path[] {Path.of(given)}
            : new Path[] {Path.of("../shared/captures"), Path.of("/work/shared/captures")};
    }

    /** The captures directory, if there is one. */
    public static Optional<Path> find() {
        for (final Path p : candidates()) {
            if (Files.isDirectory(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The captures directory; skips the calling test when it is absent. */
    public static Path dir() {
        return find().orElseGet(() -> {
            Assumptions.abort("shared captures not found (-Dcallscope.sharedCaptures=DIR, ../shared/captures or /work/shared/captures)");
            throw new AssertionError("unreachable");
        });
    }

    /** A file under the captures directory, e.g. {@code file("sip/sngrep__aaa.pcap")}; skips when absent. */
    public static Path file(final String relative) {
        final Path p = dir().resolve(relative);
        Assumptions.assumeTrue(Files.isRegularFile(p), () -> "shared capture missing: " + p);
        return p;
    }
}
