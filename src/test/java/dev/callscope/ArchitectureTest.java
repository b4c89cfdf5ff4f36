package dev.callscope;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The package dependency rules of STYLE.md §2, checked by scanning the imports of the main sources. */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java");
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)(?:\\.\\*)?;", Pattern.MULTILINE);
    private static final String BASE = "dev.callscope.";

    /** Which top-level packages each package may import (besides itself). */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
        Map.entry("core", Set.of()),
        Map.entry("pcap", Set.of("core")),
        Map.entry("capture", Set.of("core")),
        Map.entry("decode", Set.of("core")),
        Map.entry("dissect", Set.of("core")),
        // tap: what the engine tells the trackers (Tap, FrameRecord, ConversationRecord, TcpEvent), apart from the dissector SPI
        Map.entry("tap", Set.of("dissect", "core")),
        // tls: record decryption between TCP reassembly and the dissectors (the key log, key schedules, ciphers)
        Map.entry("tls", Set.of("core")),
        // srtp: SDES keys and SRTP/SRTCP decryption of media, applied by the engine before the RTP dissectors
        Map.entry("srtp", Set.of("core")),
        Map.entry("engine", Set.of("tap", "dissect", "decode", "tls", "srtp", "core")),
        Map.entry("flow", Set.of("tap", "dissect", "core")),
        Map.entry("ladder", Set.of("flow", "tap", "dissect", "core")),
        // output -> verify: Jackson is confined to output, so output reads call-flow specs into verify's model and
        // writes its VerificationReport (JSON, JUnit XML); verify itself never imports output.
        Map.entry("output", Set.of("verify", "ladder", "flow", "tap", "dissect", "core")),
        Map.entry("verify", Set.of("ladder", "flow", "dissect", "core")),
        Map.entry("shell", Set.of("core")),
        // api: the library entry point for users' tests (Capture.read runs the pipeline as the cli does, without
        // picocli); it composes pcap, engine and the trackers into verify's Evidence, and nothing but cli imports it.
        Map.entry("hep", Set.of("core", "capture", "decode", "tap", "dissect", "flow", "output")),
        Map.entry("api", Set.of("core", "pcap", "tap", "dissect", "tls", "engine", "flow", "verify")),
        Map.entry("cli", Set.of("core", "pcap", "capture", "decode", "tap", "dissect", "tls", "engine", "flow", "ladder", "output", "verify", "shell", "api", "hep")));

    /** Third-party libraries confined to packages (and their sub-packages): a prefix to the packages that may use it. */
    private static final Map<String, Set<String>> CONFINED = Map.ofEntries(
        Map.entry("org.pcap4j.", Set.of("dev.callscope.capture")),
        Map.entry("com.sun.jna.", Set.of("dev.callscope.capture")),
        // jackson-core's streaming parser also reads JSON found in packets, in the dissectors' one reader
        // (dissect.BoundedJson); databind and the data formats stay in output
        Map.entry("com.fasterxml.jackson.core.", Set.of("dev.callscope.output", "=dev.callscope.dissect")),
        Map.entry("com.fasterxml.jackson.databind.", Set.of("dev.callscope.output")),
        Map.entry("com.fasterxml.jackson.dataformat.", Set.of("dev.callscope.output")),
        Map.entry("com.fasterxml.jackson.annotation.", Set.of("dev.callscope.output")),
        Map.entry("com.alibaba.com.caucho.", Set.of("dev.callscope.dissect.dubbo")),
        Map.entry("io.netty.", Set.of("dev.callscope.dissect.http2")),
        Map.entry("org.jline.", Set.of("dev.callscope.shell")),
        Map.entry("org.assertj.", Set.of("dev.callscope.verify.assertj")),
        // the shell's REPL runs the command tree through picocli-shell-jline3
        Map.entry("picocli.", Set.of("dev.callscope.cli", "dev.callscope.shell")));
    /** A fully qualified name in code: a package of lower-case names, then a class. */
    private static final Pattern QUALIFIED = Pattern.compile(
        "\\b((?:dev\\.callscope|org\\.pcap4j|com\\.sun\\.jna|com\\.fasterxml\\.jackson|com\\.alibaba\\.com\\.caucho|io\\.netty|org\\.jline|org\\.assertj|picocli)"
            + "(?:\\.[a-z]\\w*)*)\\.[A-Z]");

    private static final List<String[]> IMPORTS = new ArrayList<>(); // {file, package, import}

    @BeforeAll
    static void scan() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (final Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                final String src = Files.readString(f);
                final Matcher pm = PACKAGE.matcher(src);
                if (!pm.find()) {
                    continue;
                }
                final Matcher im = IMPORT.matcher(src);
                while (im.find()) {
                    IMPORTS.add(new String[] {f.toString(), pm.group(1), im.group(1)});
                }
                // names written out in full count as imports: the code without comments, strings and imports
                final String code = src.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "")
                    .replaceAll("\"(?:[^\"\\\\\\n]|\\\\.)*\"", "\"\"").replaceAll("(?m)^(?:package|import)\\s.*$", "");
                final Matcher qm = QUALIFIED.matcher(code);
                while (qm.find()) {
                    IMPORTS.add(new String[] {f.toString(), pm.group(1), qm.group(1) + ".X"});
                }
            }
        }
        assertThat(IMPORTS).isNotEmpty();
    }

    private static String top(final String pkg) {
        if (!pkg.startsWith(BASE)) {
            return null;
        }
        final String rest = pkg.substring(BASE.length());
        final int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    @Test
    void packagesImportOnlyWhatTheLayeringAllows() {
        final List<String> violations = new ArrayList<>();
        for (final String[] i : IMPORTS) {
            final String from = top(i[1]);
            final String to = top(i[2]);
            if (from == null || to == null || from.equals(to)) {
                continue;
            }
            final Set<String> ok = ALLOWED.get(from);
            if (ok == null || !ok.contains(to)) {
                violations.add(i[0] + ": " + i[1] + " imports " + i[2]);
            }
        }
        assertThat(violations).as("package layering (STYLE.md §2)").isEmpty();
    }

    @Test
    void nothingImportsTheCli() {
        assertThat(IMPORTS).noneMatch(i -> !"cli".equals(top(i[1])) && "cli".equals(top(i[2])));
    }

    @Test
    void thirdPartyLibrariesStayInTheirPackage() {
        final List<String> violations = new ArrayList<>();
        for (final String[] i : IMPORTS) {
            for (final Map.Entry<String, Set<String>> e : CONFINED.entrySet()) {
                // "=P": package P itself, not its sub-packages
                if (i[2].startsWith(e.getKey()) && e.getValue().stream().noneMatch(
                    p -> p.startsWith("=") ? i[1].equals(p.substring(1)) : i[1].equals(p) || i[1].startsWith(p + "."))) {
                    violations.add(i[0] + " uses " + i[2] + " (only " + e.getValue() + " may)");
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void dissectorsDoNotImportTheirSiblings() {
        final List<String> violations = new ArrayList<>();
        for (final String[] i : IMPORTS) {
            if (i[1].startsWith(BASE + "dissect.") && i[2].startsWith(BASE + "dissect.")) {
                final String own = i[1].substring((BASE + "dissect.").length()).split("\\.")[0];
                final String other = i[2].substring((BASE + "dissect.").length()).split("\\.")[0];
                if (Character.isLowerCase(other.charAt(0)) && !own.equals(other)) {
                    violations.add(i[0] + " imports " + i[2]);
                }
            }
        }
        assertThat(violations).isEmpty();
    }
}
