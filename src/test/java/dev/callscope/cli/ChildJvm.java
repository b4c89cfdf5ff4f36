package dev.callscope.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A JVM of its own for a test: the test class path, the given JVM options, a main class. */
final class ChildJvm {
    private ChildJvm() {
    }

    static ProcessBuilder of(final List<String> options, final Class<?> main, final String... args) {
        final String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        final List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(options);
        cmd.addAll(List.of("-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", cp, main.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }
}
