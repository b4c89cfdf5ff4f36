package dev.callscope.docs;

import dev.callscope.cli.Main;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.asciidoctor.Asciidoctor;
import org.asciidoctor.Attributes;
import org.asciidoctor.Options;
import org.asciidoctor.SafeMode;
import org.asciidoctor.log.LogRecord;
import org.asciidoctor.log.Severity;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Generates the committed documentation from the picocli command tree ({@link Main#commandLine()}):
 * <ul>
 *   <li>{@code man/adoc/callscope*.adoc}: AsciiDoc man pages by picocli-codegen's {@link ManPageGenerator},
 *       one per visible command (hidden commands are skipped, as ManPageGenerator does);</li>
 *   <li>{@code man/callscope*.1}: roff made from that AsciiDoc by AsciidoctorJ's {@code manpage} backend,
 *       with every date pinned so the bytes do not depend on the day or the machine;</li>
 *   <li>{@code completions/callscope.bash} ({@link AutoComplete#bash}) and {@code completions/_callscope}
 *       (the same script for zsh, through bashcompinit).</li>
 * </ul>
 * {@code DocsDriftTest} regenerates everything and compares it with the committed files.
 */
public final class DocsGenerator {
    /** The one command that regenerates man/ and completions/ in place. */
    public static final String REGENERATE = "mvn -q -Pdocs test-compile exec:java";

    /** Shown as the man page source ({@code .TH} footer); no version, so a release does not change the pages. */
    static final String MAN_SOURCE = "callscope";

    /** A fixed date for every date attribute; with {@code reproducible} set, the manpage backend prints none. */
    private static final String PINNED_DATE = "1970-01-01";
    private static final String PINNED_TIME = "00:00:00 UTC";

    private static final String GENERATED = "Generated from the picocli command tree by "
        + "src/test/java/dev/callscope/docs/DocsGenerator.java; do not edit. Regenerate: " + REGENERATE;

    private DocsGenerator() {
    }

    /** Args: the output root (default: the current directory, the project root under Maven). */
    public static void main(final String[] args) throws IOException {
        final Path root = Path.of(args.length > 0 ? args[0] : "").toAbsolutePath().normalize();
        final List<Path> written = generate(root.resolve("man"), root.resolve("completions"));
        System.out.println("DocsGenerator: wrote " + written.size() + " files under " + root);
    }

    /**
     * Writes man/adoc/*.adoc, man/*.1 and the completions, first deleting the files of those kinds that are
     * there already (so a removed command leaves no stale page). Returns the files written.
     */
    public static List<Path> generate(final Path manDir, final Path completionsDir) throws IOException {
        final Path adocDir = manDir.resolve("adoc");
        Files.createDirectories(adocDir);
        Files.createDirectories(completionsDir);
        deleteMatching(adocDir, "*.adoc");
        deleteMatching(manDir, "*.1");
        deleteMatching(completionsDir, "{callscope.bash,_callscope}");

        final List<Path> written = new ArrayList<>();
        final CommandLine tree = documentedTree();
        final int rc = ManPageGenerator.generateManPage(adocDir.toFile(), null, new boolean[0], true,
            tree.getCommandSpec());
        if (rc != CommandLine.ExitCode.OK) {
            throw new IllegalStateException("ManPageGenerator failed with exit code " + rc);
        }
        final List<Path> adocs = list(adocDir, "*.adoc");
        written.addAll(adocs);
        written.addAll(toRoff(adocs, manDir));

        final String bash = AutoComplete.bash("callscope", tree);
        written.add(write(completionsDir.resolve("callscope.bash"), withHeader(bash)));
        written.add(write(completionsDir.resolve("_callscope"), zsh(bash)));
        return written;
    }

    /**
     * The command tree as documented: {@link Main#commandLine()} with every command's version pinned to
     * {@link #MAN_SOURCE} (the real version provider reports the build and the JVM, which would differ per machine)
     * and the trailing colon dropped from the exit code and footer headings, which become man page sections.
     */
    static CommandLine documentedTree() {
        final CommandLine tree = Main.commandLine();
        adaptForManPages(tree.getCommandSpec());
        return tree;
    }

    private static void adaptForManPages(final CommandSpec spec) {
        spec.versionProvider(() -> new String[] {MAN_SOURCE});
        // "Exit codes:" reads well in --help but a man page section title carries no colon.
        final CommandLine.Model.UsageMessageSpec usage = spec.usageMessage();
        usage.exitCodeListHeading(withoutColon(usage.exitCodeListHeading()));
        usage.footerHeading(withoutColon(usage.footerHeading()));
        for (final CommandLine sub : spec.subcommands().values()) {
            adaptForManPages(sub.getCommandSpec());
        }
    }

    static String withoutColon(final String heading) {
        return heading == null ? null : heading.replaceFirst(":\\s*((?:%n)*)\\s*$", "$1");
    }

    /** Converts all pages in one Asciidoctor instance (starting JRuby takes seconds). */
    private static List<Path> toRoff(final List<Path> adocs, final Path manDir) throws IOException {
        final List<Path> written = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        try (Asciidoctor asciidoctor = Asciidoctor.Factory.create()) {
            asciidoctor.registerLogHandler((final LogRecord r) -> {
                if (r.getSeverity().compareTo(Severity.WARN) >= 0) {
                    problems.add(r.getSeverity() + ": " + r.getMessage()
                        + (r.getCursor() == null ? "" : " (" + r.getCursor().getFile() + ":" + r.getCursor().getLineNumber() + ")"));
                }
            });
            for (final Path adoc : adocs) {
                final String name = adoc.getFileName().toString().replaceFirst("\\.adoc$", "");
                final Options options = Options.builder()
                    .backend("manpage")
                    .standalone(true)
                    .safe(SafeMode.SAFE)
                    .toFile(false)
                    .attributes(pinnedAttributes())
                    .build();
                final String roff = asciidoctor.convert(Files.readString(adoc, StandardCharsets.UTF_8), options);
                written.add(write(manDir.resolve(name + ".1"), roff.endsWith("\n") ? roff : roff + "\n"));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Asciidoctor reported problems:\n  " + String.join("\n  ", problems));
        }
        return written;
    }

    private static Attributes pinnedAttributes() {
        return Attributes.builder()
            .attribute("reproducible", "")
            .attribute("docdate", PINNED_DATE)
            .attribute("doctime", PINNED_TIME)
            .attribute("docdatetime", PINNED_DATE + " " + PINNED_TIME)
            .attribute("docyear", "1970")
            .attribute("revdate", PINNED_DATE)
            .attribute("localdate", PINNED_DATE)
            .attribute("localtime", PINNED_TIME)
            .attribute("localdatetime", PINNED_DATE + " " + PINNED_TIME)
            .attribute("localyear", "1970")
            .build();
    }

    /**
     * zsh: picocli's bash script run through zsh's bash-completion emulation (the script itself turns on
     * bashcompinit when it sees $ZSH_VERSION; doing it first as well keeps {@code complete} defined).
     */
    private static String zsh(final String bash) {
        return "# " + GENERATED + "\n"
            + "# zsh completion for callscope: source this file from ~/.zshrc (after compinit):\n"
            + "#   source /path/to/completions/_callscope\n"
            + "autoload -U +X bashcompinit && bashcompinit\n"
            + "\n"
            + bash;
    }

    /** Puts the "generated" line first, or right after the script's shebang line. */
    private static String withHeader(final String script) {
        if (script.startsWith("#!")) {
            final int eol = script.indexOf('\n') + 1;
            return script.substring(0, eol) + "# " + GENERATED + "\n" + script.substring(eol);
        }
        return "# " + GENERATED + "\n" + script;
    }

    private static Path write(final Path file, final String text) {
        try {
            return Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Path> list(final Path dir, final String glob) throws IOException {
        final List<Path> files = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
                for (final Path p : s) {
                    if (Files.isRegularFile(p)) {
                        files.add(p);
                    }
                }
            }
        }
        files.sort(null);
        return files;
    }

    private static void deleteMatching(final Path dir, final String glob) throws IOException {
        for (final Path p : list(dir, glob)) {
            Files.delete(p);
        }
    }
}
