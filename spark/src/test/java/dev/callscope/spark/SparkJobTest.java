package dev.callscope.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job in local mode on one capture of many calls cut into time-ordered files (calls and
 * streams crossing each cut) gives what {@code callscope calls --json} and {@code rtp --json} give
 * on the whole capture.
 */
class SparkJobTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FILES = 6;

    @TempDir
    static Path dir;
    static Path whole;
    static List<Path> parts;
    static SparkSession spark;

    @BeforeAll
    static void captures() throws IOException {
        // 240 calls, one every 150 ms, 4 s of RTP each: ~28 calls up at any time, ~37 s in all, so
        // each of the 6 cuts (every ~6 s) falls inside a few dozen calls and their streams
        whole = SplitCaptures.whole(dir, 240, 150, 4_000);
        parts = SplitCaptures.split(whole, Files.createDirectories(dir.resolve("parts")), FILES);
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    private static SparkSession reader() {
        if (spark == null) {
            spark = SparkSession.builder().master("local[1]").appName("read").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        }
        return spark;
    }

    private static JsonNode cli(final String... args) throws IOException {
        return WholeCapture.cli(args);
    }

    private static List<JsonNode> table(final Path output, final String name, final String format) throws IOException {
        final List<JsonNode> rows = new ArrayList<>();
        if ("jsonl".equals(format)) {
            // the files as written (Spark's reader would drop the null fields the CLI's records have)
            try (var files = Files.walk(output.resolve(name))) {
                for (final Path f : files.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
                    for (final String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                        rows.add(JSON.readTree(line));
                    }
                }
            }
            return rows;
        }
        for (final String line : reader().read().parquet(output.resolve(name).toString()).toJSON().collectAsList()) {
            rows.add(JSON.readTree(line));
        }
        return rows;
    }

    private static Path sample(final String path) {
        return Path.of(System.getProperty("callscope.root", "..")).resolve(path);
    }

    /** Runs the job (local[1], JSON Lines) on {@code whole} cut after frame {@code lastOfFirst}; its output directory. */
    private static Path jobOnCut(final Path whole, final long lastOfFirst, final String name) throws IOException {
        final List<Path> cut = SplitCaptures.cut(whole, Files.createDirectories(dir.resolve(name)), lastOfFirst);
        final Path out = dir.resolve("out-" + name);
        assertThat(run("--master", "local[1]", "--format", "jsonl", cut.get(0).toString(), cut.get(1).toString(), out.toString()))
            .isZero();
        return out;
    }

    private static int run(final String... args) {
        final int code = SparkMain.run(args);
        // SparkMain stops its session; the reader's is made again when needed
        spark = null;
        return code;
    }

    @Test
    void partsJoinedAcrossFilesEqualTheWholeCapture() throws IOException {
        final Path out = dir.resolve("out");
        final List<String> args = new ArrayList<>(List.of("--master", "local[2]"));
        parts.forEach(p -> args.add(p.toString()));
        args.add(out.toString());
        assertThat(run(args.toArray(String[]::new))).isZero();

        WholeCapture.sameCallsAndStreams(whole, table(out, "calls", "parquet"), table(out, "rtp_streams", "parquet"), 240, FILES);

        // each call's messages are sip_messages rows, each with the file it came from
        final List<JsonNode> messages = table(out, "sip_messages", "parquet");
        assertThat(messages).hasSize(240 * 7);
        assertThat(messages).allSatisfy(m -> assertThat(m.get("file").asText()).contains("part-"));
        assertThat(Files.list(out.resolve("calls")).map(p -> p.getFileName().toString())).contains("day=2024-01-01");
    }

    private static String key(final JsonNode s) {
        return WholeCapture.key(s);
    }

    @Test
    void badFilesAreInputErrorsAndTheJobGoesOn() throws IOException {
        final Path bad = Files.createDirectories(dir.resolve("bad"));
        final Path text = Files.writeString(bad.resolve("notes.pcap"), "not a capture at all\n");
        final byte[] head = Files.readAllBytes(parts.get(0));
        final Path cut = bad.resolve("cut.pcap");
        Files.write(cut, java.util.Arrays.copyOf(head, 24 + 16 + 30)); // header, one record header, part of its data
        final Path gz = bad.resolve("part-01.pcap.gz");
        try (var o = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(parts.get(1), o);
        }
        final Path out = dir.resolve("out-bad");
        assertThat(run("--master", "local[2]", "--format", "jsonl", bad.resolve("*").toString(), out.toString())).isZero();
        final List<JsonNode> errors = table(out, "input_errors", "jsonl");
        assertThat(errors).extracting(e -> Path.of(e.get("file").asText()).getFileName().toString())
            .containsExactlyInAnyOrder("notes.pcap", "cut.pcap");
        final Map<String, JsonNode> byName = new HashMap<>();
        errors.forEach(e -> byName.put(Path.of(e.get("file").asText()).getFileName().toString(), e));
        assertThat(byName.get("notes.pcap").get("kind").asText()).isEqualTo("not_a_capture");
        assertThat(byName.get("cut.pcap").get("kind").asText()).isEqualTo("truncated");
        assertThat(byName.get("cut.pcap").get("frames_read").asLong()).isZero();
        // the gzip file was read whole: its calls are there
        final JsonNode one = cli("calls", "--json", parts.get(1).toString());
        assertThat(table(out, "calls", "jsonl")).hasSize(one.get("calls").size());
    }

    /** samples/rotated: the project's recorded call cut in two by editcap reads as the uncut capture. */
    @Test
    void rotatedSampleIsTheWholeCall() throws IOException {
        final Path root = Path.of(System.getProperty("callscope.root", ".."));
        final Path out = dir.resolve("out-rotated");
        assertThat(run("--master", "local[1]", "--format", "jsonl", root.resolve("samples/rotated/sip-call-1.pcap").toString(),
            root.resolve("samples/rotated/sip-call-2.pcap").toString(), out.toString())).isZero();
        final String whole = root.resolve("samples/sip-call.pcap").toString();
        final JsonNode call = cli("calls", "--json", whole).get("calls").get(0);
        final List<JsonNode> calls = table(out, "calls", "jsonl");
        assertThat(calls).hasSize(1);
        final JsonNode joined = calls.get(0);
        assertThat(joined.get("files")).hasSize(2);
        for (final String f : List.of("call_id", "state", "message_count", "transactions", "timings", "media", "dialogs")) {
            assertThat(joined.get(f)).as(f).isEqualTo(call.get(f));
        }
        final Map<String, JsonNode> streams = new HashMap<>();
        table(out, "rtp_streams", "jsonl").forEach(st -> streams.put(key(st), st));
        final JsonNode expected = cli("rtp", "--json", whole).get("streams");
        assertThat(streams).hasSize(expected.size());
        for (final JsonNode e : expected) {
            final JsonNode s = streams.get(key(e));
            for (final String f : List.of("packets", "lost", "expected", "mean_jitter_ms", "max_jitter_ms", "max_delta_ms",
                "max_skew_ms", "start", "end", "codec")) {
                assertThat(s.get(f)).as(key(e) + " " + f).isEqualTo(e.get(f));
            }
            assertThat(s.get("call_ids").get(0).asText()).isEqualTo(call.get("call_id").asText());
        }
    }

    /**
     * samples/sip-call.pcap cut after the ACK (frame 5): the SDP of both streams is in the first file,
     * every RTP packet in the second, which finds them by the heuristic; they are the call's, as the
     * CLI reads them in the uncut file.
     */
    @Test
    void streamsWhoseSdpIsInTheFileBefore() throws IOException {
        final Path whole = sample("samples/sip-call.pcap");
        final Path out = jobOnCut(whole, 5, "sdp-before");
        final Map<String, JsonNode> streams = new HashMap<>();
        table(out, "rtp_streams", "jsonl").forEach(st -> streams.put(key(st), st));
        final JsonNode expected = cli("rtp", "--json", whole.toString()).get("streams");
        final String callId = cli("calls", "--json", whole.toString()).at("/calls/0/call_id").asText();
        assertThat(streams).hasSize(expected.size());
        for (final JsonNode e : expected) {
            final JsonNode s = streams.get(key(e));
            assertThat(s).as(key(e)).isNotNull();
            for (final String f : List.of("packets", "lost", "expected", "mean_jitter_ms", "max_jitter_ms", "start", "end", "codec")) {
                assertThat(s.get(f)).as(key(e) + " " + f).isEqualTo(e.get(f));
            }
            assertThat(s.get("call_ids")).hasSize(1);
            assertThat(s.get("call_ids").get(0).asText()).isEqualTo(callId);
        }
    }

    /**
     * samples/dubbo/dubbo-calls.pcap cut between frame 14 (the 1.5 s "slow" call) and frame 20 (its
     * answer): the exchange is answered, late, with its latency; every exchange equals the CLI's on
     * the uncut capture but for frame numbers and the connection's number.
     */
    @Test
    void dubboAnswerInTheNextFileJoinsItsRequest() throws IOException {
        final Path whole = sample("samples/dubbo/dubbo-calls.pcap");
        final Path out = jobOnCut(whole, 17, "dubbo");
        final Map<String, JsonNode> rows = new HashMap<>();
        table(out, "dubbo_exchanges", "jsonl").forEach(x -> rows.put(x.get("protocol").asText() + x.get("request_id").asText(), x));
        final JsonNode expected = cli("dubbo", "--json", whole.toString()).get("exchanges");
        assertThat(rows).hasSize(expected.size());
        final List<String> local = List.of("frame", "response_frame", "connection", "file", "files", "day");
        for (final JsonNode e : expected) {
            final JsonNode x = rows.get(e.get("protocol").asText() + e.get("request_id").asText());
            assertThat(x).isNotNull();
            e.fieldNames().forEachRemaining(f -> {
                if (!local.contains(f)) {
                    assertThat(x.get(f)).as(e.get("request_id") + " " + f).isEqualTo(e.get(f));
                }
            });
        }
        final JsonNode slow = rows.values().stream().filter(x -> x.get("method").asText().equals("slow")).findFirst().orElseThrow();
        assertThat(slow.get("files")).hasSize(2);
        assertThat(slow.get("state").asText()).isEqualTo("answered");
        assertThat(slow.get("late").asBoolean()).isTrue();
        assertThat(slow.get("latency_ms").asDouble()).isEqualTo(1506.874);
    }

    /**
     * samples/webrtc/chromium-loopback.pcap cut before frame 229 (a consent check): the ICE session
     * of both files is one row whose STUN, candidate-pair, SRTP/SRTCP and leg counts and span equal
     * the CLI's on the uncut capture, with the DTLS handshake of the first file.
     */
    @Test
    void webrtcSessionPartsAreOneSession() throws IOException {
        final Path whole = sample("samples/webrtc/chromium-loopback.pcap");
        final Path out = jobOnCut(whole, 228, "webrtc");
        final List<JsonNode> sessions = table(out, "webrtc_sessions", "jsonl");
        final JsonNode expected = cli("webrtc", "--json", whole.toString()).get("sessions");
        assertThat(sessions).hasSize(1);
        assertThat(expected).hasSize(1);
        final JsonNode s = sessions.get(0);
        final JsonNode e = expected.get(0);
        assertThat(s.get("files")).hasSize(2);
        for (final String f : List.of("ufrags", "first_ts", "duration_s", "stun_messages", "stun_transactions", "stun_answered",
            "srtp_packets", "srtcp_packets", "legs", "flows")) {
            assertThat(s.get(f)).as(f).isEqualTo(e.get(f));
        }
        // per candidate pair: every count (the consent check after the cut included); the mean round trip
        // and consent interval are the parts' (docs/spark.md)
        assertThat(s.get("pairs")).hasSize(e.get("pairs").size());
        for (int i = 0; i < e.get("pairs").size(); i++) {
            final JsonNode ep = e.get("pairs").get(i);
            final JsonNode sp = s.get("pairs").get(i);
            final String pair = "pair " + i + " ";
            ep.fieldNames().forEachRemaining(f -> {
                if (!f.equals("rtt_ms") && !f.equals("consent_interval_ms")) {
                    assertThat(sp.get(f)).as(pair + f).isEqualTo(ep.get(f));
                }
            });
        }
        assertThat(s.at("/nominated_pair/consent_checks")).isEqualTo(e.at("/nominated_pair/consent_checks"));
        assertThat(s.at("/dtls/handshake")).isEqualTo(e.at("/dtls/handshake"));
        assertThat(s.at("/dtls/cipher_suite")).isEqualTo(e.at("/dtls/cipher_suite"));
    }

    @Test
    void usageAndMissingInputAreOneLineAndAnExitCode() {
        assertThat(run("--master", "local[1]", dir.resolve("nothing-here-*.pcap").toString(), dir.resolve("o").toString()))
            .isEqualTo(SparkMain.INPUT);
        assertThat(run("only-one-argument")).isEqualTo(SparkMain.USAGE);
        assertThat(run("--format", "csv", parts.get(0).toString(), dir.resolve("o2").toString())).isEqualTo(SparkMain.USAGE);
    }

    static String read(final Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
