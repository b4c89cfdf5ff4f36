package dev.callscope.cli;

import static dev.callscope.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.testutil.Golden;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import net.sourceforge.plantuml.BlockUml;
import net.sourceforge.plantuml.FileFormat;
import net.sourceforge.plantuml.FileFormatOption;
import net.sourceforge.plantuml.SourceStringReader;
import net.sourceforge.plantuml.error.PSystemError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

/** {@code ladder --format}: golden files for every format, PlantUML parsed by PlantUML, SVG well-formed. */
class LadderFormatsTest {
    /** Scenario name to the ladder arguments. */
    private static final List<List<String>> SCENARIOS = List.of(
        List.of("sip-call", "samples/sip-call.pcap"),
        List.of("sip-cancel", "samples/sip-cancel.pcap"),
        List.of("dubbo", "--connection", "1", "samples/dubbo/dubbo-calls.pcap"),
        List.of("merged", "--call", "1", "--connection", "1", "--merge", "samples/sip-call.pcap", "samples/dubbo/dubbo-calls.pcap"));

    @TempDir
    Path tmp;

    private static String ladder(final String format, final List<String> scenario) {
        final List<String> args = new java.util.ArrayList<>(List.of("ladder", "--format", format));
        args.addAll(scenario.subList(1, scenario.size()));
        final CliTest.Run r = run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        return r.out();
    }

    @ParameterizedTest
    @ValueSource(strings = {"svg", "mermaid", "plantuml", "json", "text"})
    void everyFormatMatchesItsGoldenFiles(final String format) {
        final String ext = switch (format) {
            case "mermaid" -> "mmd";
            case "plantuml" -> "puml";
            case "text" -> "txt";
            default -> format;
        };
        for (final List<String> s : SCENARIOS) {
            if (format.equals("json") && !s.get(0).equals("sip-call")) {
                continue; // the JSON document is covered by SipViews' tests; one scenario pins the format
            }
            Golden.assertMatches("ladder-format-" + s.get(0) + "." + ext, ladder(format, s));
        }
    }

    @Test
    void htmlIsOneFileWithTheSvgAndEveryMessagesFullText() {
        final String html = ladder("html", SCENARIOS.get(0));
        Golden.assertMatches("ladder-format-sip-call.html", html);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg xmlns=\"http://www.w3.org/2000/svg\"")
            .doesNotContain("src=\"http").doesNotContain("href=\"http").doesNotContain("@import")
            .contains("INVITE sip:bob@127.0.0.12:5060 SIP/2.0")
            .contains("Call-ID: 1-27528@127.0.0.11")
            .contains("addEventListener('click'");
        // each arrow's data-step names the element holding its full text
        final Matcher m = Pattern.compile("<g class=\"msg\" data-step=\"(\\d+)\"").matcher(html);
        int n = 0;
        while (m.find()) {
            assertThat(html).contains("<details class=\"full\" id=\"full-" + m.group(1) + "\">");
            n++;
        }
        assertThat(n).isEqualTo(7);
    }

    @Test
    void svgIsWellFormedSelfContainedXml() throws Exception {
        for (final List<String> s : SCENARIOS) {
            final String svg = ladder("svg", s);
            final DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            final Document d = f.newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
            assertThat(d.getDocumentElement().getLocalName()).isEqualTo("svg");
            assertThat(d.getElementsByTagName("script").getLength()).isZero();
            assertThat(svg).doesNotContain("@font-face").doesNotContain("href=").doesNotContain("<image");
            assertThat(d.getElementsByTagName("line").getLength()).isGreaterThan(3);
        }
    }

    @Test
    void plantUmlRendersInPlantUml() throws Exception {
        for (final List<String> s : SCENARIOS) {
            final String puml = ladder("plantuml", s);
            final SourceStringReader reader = new SourceStringReader(puml);
            assertThat(reader.getBlocks()).hasSize(1);
            final BlockUml block = reader.getBlocks().get(0);
            assertThat(block.getDiagram()).as("%s: %s", s.get(0), block.getDiagram().getDescription())
                .isNotInstanceOf(PSystemError.class);
            assertThat(block.getDiagram().getClass().getSimpleName()).isEqualTo("SequenceDiagram");
            final ByteArrayOutputStream png = new ByteArrayOutputStream();
            reader.outputImage(png, new FileFormatOption(FileFormat.SVG));
            final String out = png.toString(StandardCharsets.UTF_8);
            assertThat(out).startsWith("<svg").doesNotContain("Syntax Error");
        }
    }

    @Test
    void mermaidIsASequenceDiagramWithoutReservedCharactersInText() {
        for (final List<String> s : SCENARIOS) {
            final String mmd = ladder("mermaid", s);
            assertThat(mmd).startsWith("sequenceDiagram\n");
            for (final String line : mmd.split("\n")) {
                if (line.startsWith("    L")) {
                    // outside entity codes (#35;) and line breaks, no character Mermaid reserves in message text
                    assertThat(line.replaceAll("#\\d+;", "").replace("<br/>", "")).matches("    L\\d+-{1,2}>>L\\d+: [^;<>#]*");
                }
            }
        }
    }

    @Test
    void writesToAFileWholeOrNotAtAll() throws Exception {
        final Path out = tmp.resolve("call.svg");
        final CliTest.Run r = run("ladder", "--format", "svg", "-o", out.toString(), "samples/sip-call.pcap");
        assertThat(r.code()).isEqualTo(0);
        assertThat(r.out()).isEmpty();
        assertThat(Files.readString(out)).startsWith("<svg").endsWith("</svg>\n");
        final Path none = tmp.resolve("none.svg");
        final CliTest.Run bad = run("ladder", "--format", "svg", "-o", none.toString(), "--call", "99", "samples/sip-call.pcap");
        assertThat(bad.code()).isEqualTo(3);
        assertThat(none).doesNotExist();
    }
}
