package dev.callscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callscope.testutil.SharedCaptures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands through {@link Main#run}: outputs, JSON schema fields, exit codes and error lines. */
public class CliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a command printed and returned. */
    public record Run(int code, String out, String err) {
    }

    /** Runs the command line {@code args} in this JVM. */
    public static Run run(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    private static String tcpCapture() {
        return SharedCaptures.file("sip/heplify__sip_ipv4_tcp.pcap").toString();
    }

    @Test
    void readPrintsTheSummaryAndHierarchy() {
        final Run r = run("read", tcpCapture());
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("Packets:      84", "Bytes:        18511", "First packet: 2011-07-28 12:54:46.556175 UTC",
            "Link types:   Ethernet (84)", "Flows:        3 (UDP 2, TCP 1)");
        assertThat(r.out()).containsPattern("\\n\\s+eth\\s+frames:84\\s+bytes:18511\\n");
        assertThat(r.out()).containsPattern("\\n\\s+tcp\\s+frames:16\\s+bytes:5115\\n");
    }

    @Test
    void readJsonHasTheDocumentedFields() throws IOException {
        final Run r = run("read", "--json", tcpCapture());
        assertThat(r.code()).isZero();
        final JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("packets").asLong()).isEqualTo(84);
        assertThat(j.get("bytes").asLong()).isEqualTo(18511);
        assertThat(j.get("format").asText()).isEqualTo("pcap");
        assertThat(j.get("first_ts").asText()).isEqualTo("2011-07-28T12:54:46.556175Z");
        assertThat(j.get("flows").get("udp").asInt()).isEqualTo(2);
        assertThat(j.get("link_types").get(0).get("name").asText()).isEqualTo("Ethernet");
        final JsonNode eth = j.get("protocol_hierarchy").get(0);
        assertThat(eth.get("protocol").asText()).isEqualTo("eth");
        assertThat(eth.get("children").get(0).get("protocol").asText()).isEqualTo("ip");
        assertThat(j.get("input_error").isNull()).isTrue();
    }

    @Test
    void readJsonlIsOneRecordPerLine() throws IOException {
        final Run r = run("read", "--jsonl", tcpCapture());
        final String[] lines = r.out().split("\n");
        assertThat(JSON.readTree(lines[0]).get("record").asText()).isEqualTo("summary");
        assertThat(Arrays.stream(lines).skip(1).map(l -> {
            try {
                return JSON.readTree(l).get("path").asText();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        })).contains("eth", "eth:ip", "eth:ip:tcp", "eth:ip:udp");
    }

    @Test
    void flowsListsBothDirections() throws IOException {
        final Run r = run("flows", "--json", tcpCapture());
        assertThat(r.code()).isZero();
        final JsonNode flows = JSON.readTree(r.out()).get("flows");
        assertThat(flows).hasSize(3);
        final JsonNode tcp = flows.get(0);
        assertThat(tcp.get("proto").asText()).isEqualTo("tcp");
        assertThat(tcp.get("a").asText()).isEqualTo("10.33.6.100:64802");
        assertThat(tcp.get("b").asText()).isEqualTo("10.33.6.101:5060");
        assertThat(tcp.get("packets_a_to_b").asLong()).isEqualTo(8);
        assertThat(tcp.get("bytes_a_to_b").asLong()).isEqualTo(2341);
        assertThat(tcp.get("bytes_b_to_a").asLong()).isEqualTo(2774);
        assertThat(tcp.get("tcp_flags").toString()).isEqualTo("[\"SYN\"]"); // the capture has no FIN
        assertThat(flows.get(1).get("rel_start_s").asDouble()).isEqualTo(4.398769);
        final Run top = run("flows", "--sort", "bytes", "--top", "1", tcpCapture());
        assertThat(top.out()).contains("10.33.6.101:6050").contains("1 of 3 conversations");
    }

    @Test
    void severalFilesAreMergedAndGzipAndStdinWork(@TempDir final Path dir) throws IOException {
        final Path gz = dir.resolve("x.pcap.gz");
        try (GZIPOutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write(Files.readAllBytes(Path.of(tcpCapture())));
        }
        final Run both = run("read", "--json", tcpCapture(), gz.toString());
        assertThat(JSON.readTree(both.out()).get("packets").asLong()).isEqualTo(168);
        final InputStream saved = System.in;
        try {
            System.setIn(new ByteArrayInputStream(Files.readAllBytes(gz)));
            final Run stdin = run("read", "--json", "-");
            assertThat(stdin.code()).isZero();
            assertThat(JSON.readTree(stdin.out()).get("packets").asLong()).isEqualTo(84);
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    void missingFileIsOneLineAndExit3() {
        final Run r = run("read", "/nonexistent/x.pcap");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err().strip()).isEqualTo("callscope: error: /nonexistent/x.pcap: no such file");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void notACaptureIsOneLineAndExit3(@TempDir final Path dir) throws IOException {
        final Path f = dir.resolve("notes.pcap");
        Files.writeString(f, "hello, this is text\n");
        final Run r = run("flows", f.toString());
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err().lines()).singleElement().asString().startsWith("callscope: error: ").contains("not a pcap or pcapng file");
    }

    @Test
    void truncatedFileReportsWhatWasReadThenFails(@TempDir final Path dir) throws IOException {
        final byte[] whole = Files.readAllBytes(Path.of(tcpCapture()));
        final Path f = dir.resolve("cut.pcap");
        Files.write(f, Arrays.copyOf(whole, whole.length - 30));
        final Run r = run("read", f.toString());
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.out()).contains("Packets:      83").contains("Input error:");
        assertThat(r.err().lines()).singleElement().asString().contains("truncated");
    }

    @Test
    void debugShowsTheStackTrace() {
        final Run r = run("read", "--debug", "/nonexistent/x.pcap");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("callscope: error:").contains("\tat ");
    }

    @Test
    void usageErrorsExit2WithAHint() {
        assertThat(run("read", "--bogus", tcpCapture())).satisfies(r -> {
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).startsWith("callscope: Unknown option: '--bogus'").contains("Try 'callscope read --help'");
        });
        assertThat(run("read").code()).isEqualTo(2);
        assertThat(run("read", "--decode-as", "udp.port=x:sip", tcpCapture()).err()).contains("bad --decode-as");
        assertThat(run("read", "--decode-as", "udp.port=5070:nosuch", tcpCapture())).satisfies(r -> {
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("no dissector 'nosuch'");
        });
        assertThat(run("read", "--disable", "nosuch", tcpCapture()).code()).isEqualTo(2);
        assertThat(run("flows", "--max-flows", "0", tcpCapture()).code()).isEqualTo(2);
        assertThat(run("flows", "--sort", "colour", tcpCapture()).code()).isEqualTo(2);
        assertThat(run("read", "--json", "--jsonl", tcpCapture()).code()).isEqualTo(2);
    }

    @Test
    void outputFileIsWrittenWholeOrNotAtAll(@TempDir final Path dir) throws IOException {
        final Path out = dir.resolve("flows.json");
        assertThat(run("flows", "--json", "-o", out.toString(), tcpCapture()).code()).isZero();
        assertThat(JSON.readTree(out.toFile()).get("total_flows").asInt()).isEqualTo(3);
        final Path none = dir.resolve("none.json");
        assertThat(run("flows", "--json", "-o", none.toString(), "/nonexistent.pcap").code()).isEqualTo(3);
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("flows.json");
        }
    }

    @Test
    void helpAndVersion() {
        final Run h = run("--help");
        assertThat(h.code()).isZero();
        assertThat(h.out()).contains("read", "flows", "capture", "interfaces", "Exit codes:", "3   input or capture error");
        assertThat(run("--version").out()).startsWith("callscope ");
        assertThat(run().code()).isEqualTo(2);
    }

    @Test
    void versionIsTheProjectsFromTheBuild() throws IOException {
        final String pom = Files.readString(Path.of("pom.xml"));
        final java.util.regex.Matcher m = java.util.regex.Pattern.compile("</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertThat(m.find()).isTrue();
        final Run v = run("--version");
        assertThat(v.out().lines().toList()).containsExactly("callscope " + m.group(1), "Java " + System.getProperty("java.version"));
    }

    @Test
    void noArgumentsIsAShortUsageOnStderr() {
        final Run r = run();
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("Usage: callscope COMMAND").contains("calls, sip, rtp", "callscope help COMMAND");
        assertThat(r.err().lines().count()).isLessThanOrEqualTo(6);
    }

    @Test
    void helpCommandShowsTheCommandsHelp() {
        final Run r = run("help", "calls");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(run("calls", "--help").out());
        final Run unknown = run("help", "nope");
        assertThat(unknown.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("nope");
    }

    @Test
    void everySharedCaptureReadsWithoutError() throws IOException {
        try (var files = Files.walk(SharedCaptures.dir())) {
            for (final Path p : (Iterable<Path>) files.filter(Files::isRegularFile)
                .filter(p -> !p.toString().contains("truth") && !p.toString().endsWith(".md") && !p.toString().endsWith(".tsv"))::iterator) {
                final Run r = run("read", "--json", p.toString());
                assertThat(r.code()).as(p.toString()).isZero();
                assertThat(JSON.readTree(r.out()).get("anomalies").get("by_code").has("engine.dissector_bug")).isFalse();
            }
        }
    }

}
