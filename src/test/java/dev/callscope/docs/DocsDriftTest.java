package dev.callscope.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed man pages (AsciiDoc and roff) and shell completions must equal what {@link DocsGenerator}
 * makes from the current command tree, byte for byte.
 */
class DocsDriftTest {
    private static final Path ROOT = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    /** Hand-written files in the generated directories. */
    private static final List<String> NOT_GENERATED = List.of("man/README.md");

    @Test
    void committedDocsMatchTheCommandTree(@TempDir final Path tmp) throws IOException {
        DocsGenerator.generate(tmp.resolve("man"), tmp.resolve("completions"));

        final TreeSet<String> generated = files(tmp);
        final TreeSet<String> committed = files(ROOT);
        committed.removeAll(NOT_GENERATED);

        final TreeSet<String> missing = new TreeSet<>(generated);
        missing.removeAll(committed);
        final TreeSet<String> extra = new TreeSet<>(committed);
        extra.removeAll(generated);
        assertThat(missing).as("generated files not committed; regenerate with: %s", DocsGenerator.REGENERATE)
            .isEmpty();
        assertThat(extra).as("committed files the generator no longer makes; regenerate with: %s",
            DocsGenerator.REGENERATE).isEmpty();

        for (final String f : generated) {
            final String expected = Files.readString(tmp.resolve(f));
            final String actual = Files.readString(ROOT.resolve(f));
            assertThat(actual)
                .as("%s drifted from the command tree (first difference at line %d); regenerate with: %s",
                    f, firstDifferentLine(expected, actual), DocsGenerator.REGENERATE)
                .isEqualTo(expected);
        }
    }

    @Test
    void manSectionHeadingsLoseTheirColon() {
        assertThat(DocsGenerator.withoutColon("%nExit codes:%n")).isEqualTo("%nExit codes%n");
        assertThat(DocsGenerator.withoutColon("Examples:")).isEqualTo("Examples");
        assertThat(DocsGenerator.withoutColon("%nSee also%n")).isEqualTo("%nSee also%n");
        assertThat(DocsGenerator.withoutColon(null)).isNull();
    }

    /** Relative paths of the files under man/ and completions/ (not below man/adoc's subdirectories). */
    private static TreeSet<String> files(final Path root) throws IOException {
        final TreeSet<String> out = new TreeSet<>();
        for (final String dir : List.of("man", "completions")) {
            final Path d = root.resolve(dir);
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(d)) {
                out.addAll(s.filter(Files::isRegularFile)
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .collect(Collectors.toList()));
            }
        }
        return out;
    }

    private static int firstDifferentLine(final String a, final String b) {
        final String[] x = a.split("\n", -1);
        final String[] y = b.split("\n", -1);
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            if (!x[i].equals(y[i])) {
                return i + 1;
            }
        }
        return Math.min(x.length, y.length) + 1;
    }
}
