package dev.callscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/install.sh into a temporary PREFIX, then the installed command run through its link in
 * PREFIX/bin (and through a relative link to that link), as a user would after the install step.
 * Tests run before the shaded jar is packaged, so the "build" installed is the launcher of
 * src/main/sh with a jar whose manifest names the test run's class path.
 */
@Timeout(120)
class InstallTest {
    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    private static Result sh(final Path cwd, final String... cmd) throws IOException, InterruptedException {
        final Path out = Files.createTempFile("install", ".out");
        final Path err = Files.createTempFile("install", ".err");
        try {
            final ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().remove("CALLSCOPE_JAVA_OPTS");
            pb.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
            final Process p = pb.start();
            assertThat(p.waitFor(100, TimeUnit.SECONDS)).isTrue();
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** A build directory: the launcher and a jar that runs Main from this test run's class path. */
    private Path build() throws IOException {
        final Path b = Files.createDirectories(dir.resolve("build"));
        Files.copy(Path.of("src/main/sh/callscope"), b.resolve("callscope"));
        final Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
        final String cp = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
            .map(e -> Path.of(e).toAbsolutePath().toUri().toString()).collect(Collectors.joining(" "));
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, cp);
        try (OutputStream os = Files.newOutputStream(b.resolve("callscope.jar"));
             JarOutputStream jar = new JarOutputStream(os, m)) {
            jar.flush();
        }
        return b;
    }

    @Test
    void theInstalledCommandRunsThroughItsLinkWithManPagesAndCompletions() throws Exception {
        final Path prefix = dir.resolve("prefix with space");
        final ProcessBuilder pb = new ProcessBuilder("sh", "bin/install.sh", prefix.toString());
        pb.environment().put("CALLSCOPE_BUILD", build().toString());
        pb.redirectErrorStream(true);
        final Process p = pb.start();
        final String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(100, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(said).isZero();

        final Path bin = prefix.resolve("bin/callscope");
        assertThat(Files.isSymbolicLink(bin)).isTrue();
        assertThat(Files.readSymbolicLink(bin).isAbsolute()).as("a relative link: the tree can move").isFalse();
        final Result version = sh(dir, bin.toString(), "--version");
        assertThat(version.code()).as(version.err()).isZero();
        assertThat(version.out()).startsWith("callscope " + VersionProvider.version() + "\n");

        // through a relative link to the link, from another directory, with a real command
        final Path other = Files.createDirectories(dir.resolve("elsewhere"));
        Files.createSymbolicLink(other.resolve("cs"), other.relativize(bin));
        final Path sample = Path.of("samples/sip-busy.pcap").toAbsolutePath();
        final Result calls = sh(other, "./cs", "calls", sample.toString());
        assertThat(calls.code()).as(calls.err()).isZero();
        assertThat(calls.out()).contains("BUSY").isEqualTo(CliTest.run("calls", sample.toString()).out());

        final List<String> pages = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("man"))) {
            s.filter(f -> f.toString().endsWith(".1")).forEach(f -> pages.add(f.getFileName().toString()));
        }
        assertThat(pages).isNotEmpty();
        for (final String page : pages) {
            assertThat(prefix.resolve("share/man/man1").resolve(page)).hasSameBinaryContentAs(Path.of("man", page));
        }
        assertThat(prefix.resolve("share/bash-completion/completions/callscope"))
            .hasSameBinaryContentAs(Path.of("completions/callscope.bash"));
        assertThat(prefix.resolve("share/zsh/site-functions/_callscope")).hasSameBinaryContentAs(Path.of("completions/_callscope"));
    }

    @Test
    void withoutABuildItSaysSoInOneLine() throws Exception {
        final ProcessBuilder pb = new ProcessBuilder("sh", "bin/install.sh", dir.resolve("p").toString());
        pb.environment().put("CALLSCOPE_BUILD", dir.resolve("nothing").toString());
        final Process p = pb.start();
        final String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(err.lines().toList()).hasSize(1).first().asString().contains("build it first");
        assertThat(dir.resolve("p")).doesNotExist();
    }
}
