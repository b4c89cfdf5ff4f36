package dev.callscope.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callscope.bench.Hostile;
import dev.callscope.bench.SyntheticCalls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adversarial captures ({@link Hostile}) through the command line in a child JVM with a small heap
 * ({@value #DEFAULT_HEAP}, the launcher's other options): each command must end normally (exit 0,
 * or the exit the case calls for), with no stack trace, within a peak resident set of {@value
 * #DEFAULT_MAX_RSS_MIB} MiB, and still report the real call or session that follows the flood with
 * its real values. The sizes are small enough for {@code mvn verify} yet large enough that a
 * command keeping the whole flood runs out of that heap.
 *
 * <p>Run alone with {@code mvn -o test -Dtest=HostileInputTest}. {@code -Dhostile.heap=2g
 * -Dhostile.maxRssMib=4096} checks the assertions themselves against a heap that fits; {@code
 * -Dhostile.scale=0.5} halves every size; {@code -Dhostile.jvmArgs=-Xss1g} adds options to the child.
 */
class HostileInputTest {
    static final String DEFAULT_HEAP = "128m";
    static final int DEFAULT_MAX_RSS_MIB = 300;
    private static final String HEAP = System.getProperty("hostile.heap", DEFAULT_HEAP);
    private static final long MAX_RSS_KIB = Long.getLong("hostile.maxRssMib", DEFAULT_MAX_RSS_MIB) * 1024;
    /** Extra options of the child JVM, space-separated (e.g. -Xss1g). */
    private static final String JVM_ARGS = System.getProperty("hostile.jvmArgs", "");
    private static final long TIMEOUT_S = 90;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Sizes (flood packets): the audit's for a and b; for the others enough to exhaust 128 MiB when kept whole. */
    static final int DTLS_N = scaled(780);
    static final int FRAGMENTS_N = scaled(4_200);
    static final int INVITES_N = scaled(20_000);
    /** With --max-calls=5000: memory must not grow with the calls dropped either. */
    static final int INVITES_MAX_CALLS_N = scaled(60_000);
    static final int SSRC_N = scaled(30_000);
    static final int TUPLES_READ_N = scaled(300_000);
    static final int TUPLES_FLOWS_N = scaled(100_000);
    static final int LONG_CALL_N = scaled(30_000);
    static final int STUN_N = scaled(1_100);

    @TempDir
    Path tmp;

    // ------------------------------------------------------------------ a: DTLS fragments

    @Test
    void dtlsFragmentsWebrtc() throws Exception {
        final Path f = capture(Hostile.Case.DTLS, DTLS_N);
        final Result r = run("webrtc", f.toString());
        r.assertClean();
        assertRealWebrtcSession(r.stdout());
    }

    @Test
    void dtlsFragmentsRead() throws Exception {
        final Path f = capture(Hostile.Case.DTLS, DTLS_N);
        final Result r = run("read", f.toString());
        r.assertClean();
        final long total = DTLS_N + Hostile.WEBRTC_PACKETS;
        assertThat(r.stdout()).containsPattern("(?m)^Packets:\\s+" + total + "$");
        assertThat(hierarchyFrames(r.stdout(), "webrtc")).isEqualTo(total);
    }

    // ------------------------------------------------------------------ b: IPv4 fragments

    @Test
    void ipFragmentsRead() throws Exception {
        final Path f = capture(Hostile.Case.FRAGMENTS, FRAGMENTS_N);
        final Result r = run("read", f.toString());
        r.assertClean();
        assertThat(r.stdout()).containsPattern("(?m)^Packets:\\s+" + (FRAGMENTS_N + realCallPackets()) + "$");
        assertRealCallInHierarchy(r.stdout());
    }

    @Test
    void ipFragmentsFlows() throws Exception {
        final Path f = capture(Hostile.Case.FRAGMENTS, FRAGMENTS_N);
        final Result r = run("flows", "--json", f.toString());
        r.assertClean();
        assertRealCallFlows(r);
    }

    // ------------------------------------------------------------------ c: unanswered INVITEs

    @Test
    void unansweredInvitesCalls() throws Exception {
        final Path f = capture(Hostile.Case.INVITES, INVITES_N);
        final Result r = run("calls", "--json", f.toString());
        r.assertClean();
        assertRealCall(r);
    }

    @Test
    void unansweredInvitesCallsWithMaxCalls() throws Exception {
        final Path f = capture(Hostile.Case.INVITES, INVITES_MAX_CALLS_N);
        final Result r = run("calls", "--json", "--max-calls=5000", f.toString());
        r.assertClean();
        assertRealCall(r);
    }

    // ------------------------------------------------------------------ d: a new SSRC per RTP packet

    @Test
    void ssrcFloodRtp() throws Exception {
        final Path f = capture(Hostile.Case.SSRC, SSRC_N);
        final Result r = run("rtp", "--json", f.toString());
        r.assertClean();
        final SyntheticCalls.Call c = Hostile.realCall();
        final List<JsonNode> streams = r.jsonElements("streams",
            s -> s.path("src").asText().startsWith("127.") || s.path("dst").asText().startsWith("127."));
        assertThat(streams).as("the real call's RTP streams").hasSize(2);
        final int perDirection = Hostile.REAL_CALL.rtpPerDirection();
        assertStream(streams, ssrc(c.callerSsrc()), c.callerMedia().toString(), c.calleeMedia().toString(), perDirection);
        assertStream(streams, ssrc(c.calleeSsrc()), c.calleeMedia().toString(), c.callerMedia().toString(), perDirection);
    }

    @Test
    void ssrcFloodCalls() throws Exception {
        final Path f = capture(Hostile.Case.SSRC, SSRC_N);
        final Result r = run("calls", "--json", f.toString());
        r.assertClean();
        assertRealCall(r);
    }

    // ------------------------------------------------------------------ e: a million 5-tuples

    @Test
    void manyTuplesRead() throws Exception {
        final Path f = capture(Hostile.Case.TUPLES, TUPLES_READ_N);
        final Result r = run("read", f.toString());
        r.assertClean();
        assertThat(r.stdout()).containsPattern("(?m)^Packets:\\s+" + (TUPLES_READ_N + realCallPackets()) + "$");
        assertRealCallInHierarchy(r.stdout());
    }

    @Test
    void manyTuplesFlows() throws Exception {
        final Path f = capture(Hostile.Case.TUPLES, TUPLES_FLOWS_N);
        final Result r = run("flows", "--json", f.toString());
        r.assertClean();
        assertRealCallFlows(r);
    }

    @Test
    void manyTuplesFlowsWithMaxFlows() throws Exception {
        final Path f = capture(Hostile.Case.TUPLES, TUPLES_FLOWS_N);
        final Result r = run("flows", "--json", "--max-flows=20000", f.toString());
        r.assertClean();
        assertRealCallFlows(r);
    }

    // ------------------------------------------------------------------ f: a call of 30,003 messages

    @Test
    void longCallVerify() throws Exception {
        final Path f = capture(Hostile.Case.LONG_CALL, LONG_CALL_N);
        final Path matching = spec("matching.yaml", "long call", Hostile.LONG_CALL_SEQUENCE);
        final Path hungUp = spec("hung-up.yaml", "long call hung up", Hostile.LONG_CALL_SEQUENCE + ", BYE");
        final Result r = run("verify", "--json", "--spec", matching.toString(), "--spec", hungUp.toString(), f.toString());
        // the first spec holds, the second cannot (no BYE): exit 1, verification failed
        r.assertClean(1);
        final JsonNode report = JSON.readTree(r.stdoutFile().toFile());
        assertThat(report.path("assertions").asInt()).isEqualTo(4);
        assertThat(report.path("failures").asInt()).isEqualTo(1);
        final JsonNode suites = report.path("suites");
        assertThat(suites.size()).isEqualTo(2);
        assertThat(suites.get(0).path("name").asText()).isEqualTo("long call");
        assertThat(suites.get(0).path("passed").asBoolean()).isTrue();
        assertThat(suites.get(1).path("name").asText()).isEqualTo("long call hung up");
        assertThat(suites.get(1).path("passed").asBoolean()).isFalse();
        final JsonNode failed = sequenceResult(suites.get(1));
        assertThat(failed.path("passed").asBoolean()).isFalse();
        assertThat(failed.path("message").asText()).startsWith("expected " + Hostile.LONG_CALL_SEQUENCE + ", BYE; actual INVITE, 200, ACK, INFO");
        final JsonNode held = sequenceResult(suites.get(0));
        assertThat(held.path("passed").asBoolean()).isTrue();
        assertThat(held.path("message").asText().split(", ")).hasSize(3 + LONG_CALL_N);
    }

    // ------------------------------------------------------------------ g: a regular expression that backtracks

    @Test
    void backtrackingFromRegex() throws Exception {
        final Path f = capture(Hostile.Case.REGEX, 1);
        final long t0 = System.nanoTime();
        final Result r = run(30, "calls", "--from", "(.*a){10}$", f.toString());
        final double secs = (System.nanoTime() - t0) / 1e9;
        assertThat(r.exit()).as("exit code; stderr: %s", r.stderr()).isEqualTo(2);
        // one line saying what is wrong with --from (and at most the usual hint to --help)
        final List<String> lines = r.stderrLines().stream().filter(l -> !l.startsWith("Try '")).toList();
        assertThat(lines).as("stderr").hasSize(1);
        assertThat(lines.get(0)).startsWith("callscope: ").contains("--from");
        r.assertNoStackTrace();
        r.assertRss();
        assertThat(secs).as("seconds to refuse").isLessThan(15);
    }

    // ------------------------------------------------------------------ h: junk STUN before a WebRTC session

    @Test
    void stunJunkBeforeWebrtcSession() throws Exception {
        final Path f = capture(Hostile.Case.STUN, STUN_N);
        final Result r = run("webrtc", f.toString());
        r.assertClean();
        assertRealWebrtcSession(r.stdout());
    }

    // ------------------------------------------------------------------ the real things

    /** {@code n} times {@code -Dhostile.scale} (default 1), at least 1. */
    private static int scaled(final int n) {
        return (int) Math.max(1, Math.round(n * Double.parseDouble(System.getProperty("hostile.scale", "1"))));
    }

    private static int realCallPackets() {
        return (int) Hostile.REAL_CALL.packetsPerCall();
    }

    /** {@code read}'s protocol hierarchy counts the real call's 7 SIP messages and 200 RTP packets. */
    private static void assertRealCallInHierarchy(final String read) {
        assertThat(hierarchyFrames(read, "sip")).as("sip frames").isEqualTo(SyntheticCalls.SIP_PER_CALL);
        assertThat(hierarchyFrames(read, "rtp")).as("rtp frames").isEqualTo(2L * Hostile.REAL_CALL.rtpPerDirection());
    }

    /** The frames of {@code protocol} in read's protocol hierarchy, -1 when it is not listed. */
    private static long hierarchyFrames(final String read, final String protocol) {
        final Matcher m = Pattern.compile("(?m)^\\s+" + Pattern.quote(protocol) + "\\s+frames:(\\d+)\\s").matcher(read);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** {@code flows --json} lists the real call's SIP flow (3 packets one way, 4 back) and its RTP flow (100 each way). */
    private static void assertRealCallFlows(final Result r) throws IOException {
        final SyntheticCalls.Call c = Hostile.realCall();
        final List<JsonNode> flows = r.jsonElements("flows", fl -> fl.path("a_addr").asText().startsWith("127."));
        assertThat(flows).as("the real call's flows").hasSize(2);
        final JsonNode sip = flows.stream().filter(fl -> "sip".equals(fl.path("service").asText())).findFirst().orElseThrow();
        assertThat(sip.path("a").asText()).isEqualTo(c.callerSip().toString());
        assertThat(sip.path("b").asText()).isEqualTo(c.calleeSip().toString());
        assertThat(sip.path("packets_a_to_b").asLong()).isEqualTo(3);
        assertThat(sip.path("packets_b_to_a").asLong()).isEqualTo(4);
        final JsonNode rtp = flows.stream().filter(fl -> "rtp".equals(fl.path("service").asText())).findFirst().orElseThrow();
        assertThat(rtp.path("a").asText()).isEqualTo(c.callerMedia().toString());
        assertThat(rtp.path("b").asText()).isEqualTo(c.calleeMedia().toString());
        assertThat(rtp.path("packets_a_to_b").asLong()).isEqualTo(Hostile.REAL_CALL.rtpPerDirection());
        assertThat(rtp.path("packets_b_to_a").asLong()).isEqualTo(Hostile.REAL_CALL.rtpPerDirection());
    }

    /** {@code calls --json} has the real call: COMPLETED, 7 messages, its two media addresses. */
    private static void assertRealCall(final Result r) throws IOException {
        final SyntheticCalls.Call c = Hostile.realCall();
        final List<JsonNode> calls = r.jsonElements("calls", call -> c.callId().equals(call.path("call_id").asText()));
        assertThat(calls).as("the real call %s", c.callId()).hasSize(1);
        final JsonNode call = calls.get(0);
        assertThat(call.path("state").asText()).isEqualTo("COMPLETED");
        assertThat(call.path("message_count").asInt()).isEqualTo(SyntheticCalls.SIP_PER_CALL);
        assertThat(call.path("from_user").asText()).isEqualTo(c.callerUser());
        assertThat(call.path("to_user").asText()).isEqualTo(c.calleeUser());
        final List<String> media = new ArrayList<>();
        call.path("media").forEach(m -> media.add(m.asText()));
        assertThat(media).containsExactlyInAnyOrder(c.callerMedia().toString(), c.calleeMedia().toString());
    }

    private static void assertStream(final List<JsonNode> streams, final String ssrc, final String src, final String dst,
                                     final int packets) {
        final JsonNode s = streams.stream().filter(x -> ssrc.equals(x.path("ssrc").asText())).findFirst()
            .orElseThrow(() -> new AssertionError("no stream " + ssrc + " in " + streams));
        assertThat(s.path("src").asText()).isEqualTo(src);
        assertThat(s.path("dst").asText()).isEqualTo(dst);
        assertThat(s.path("packets").asLong()).isEqualTo(packets);
        assertThat(s.path("lost").asLong()).isZero();
        assertThat(s.path("codec").asText()).isEqualTo("PCMA/8000");
    }

    private static String ssrc(final long v) {
        return String.format(Locale.ROOT, "0x%08X", v);
    }

    /**
     * {@code webrtc}'s text has the session of chromium-loopback.pcap with its real values: the
     * ufrag pair and counts, the nominated pair with 5 checks and 5 successes, DTLS 1.3 and the
     * main SRTP stream of 165 packets.
     */
    private static void assertRealWebrtcSession(final String text) {
        final Matcher m = Pattern.compile("(?m)^Session \\d+  ufrags " + Pattern.quote(Hostile.WEBRTC_UFRAGS) + "  .*$").matcher(text);
        assertThat(m.find()).as("a session with ufrags %s in:%n%s", Hostile.WEBRTC_UFRAGS, head(text)).isTrue();
        final int end = text.indexOf("\nSession ", m.end());
        final String session = text.substring(m.start(), end < 0 ? text.length() : end);
        assertThat(session).contains("20 STUN, 213 SRTP, 61 SRTCP");
        assertThat(session).containsPattern(Pattern.quote(Hostile.WEBRTC_NOMINATED_LOCAL) + "\\s+"
            + Pattern.quote(Hostile.WEBRTC_NOMINATED_REMOTE) + "\\s+controlling\\s+5\\s+5\\s+0\\s+\\S+\\s+NOMINATED");
        assertThat(session).contains("DTLS 1.3  client " + Hostile.WEBRTC_NOMINATED_REMOTE + "  server "
            + Hostile.WEBRTC_NOMINATED_LOCAL);
        assertThat(session).contains("SRTP  " + Hostile.WEBRTC_SRTP_SSRC + " " + Hostile.WEBRTC_NOMINATED_LOCAL + " -> "
            + Hostile.WEBRTC_NOMINATED_REMOTE + "  " + Hostile.WEBRTC_SRTP_PACKETS + " packets");
    }

    private static JsonNode sequenceResult(final JsonNode suite) {
        for (final JsonNode result : suite.path("results")) {
            if ("sequence".equals(result.path("name").asText())) {
                return result;
            }
        }
        throw new AssertionError("no sequence result in " + suite.path("name"));
    }

    private Path spec(final String file, final String name, final String sequence) throws IOException {
        final Path p = tmp.resolve(file);
        Files.writeString(p, "name: " + name + "\n"
            + "sip:\n"
            + "  - name: the call\n"
            + "    match: {method: INVITE}\n"
            + "    calls: 1\n"
            + "    sequence: \"" + sequence + "\"\n");
        return p;
    }

    // ------------------------------------------------------------------ running the child JVM

    private Path capture(final Hostile.Case c, final int n) throws IOException {
        final Path f = tmp.resolve(c.id + "-" + n + ".pcap");
        if (!Files.exists(f)) {
            Hostile.write(c, n, f);
        }
        return f;
    }

    private Result run(final String... args) throws Exception {
        return run(TIMEOUT_S, args);
    }

    /** Runs callscope with {@code args} through {@link SmallHeapMain} in a child JVM with the launcher's options and {@link #HEAP}. */
    private Result run(final long timeoutSeconds, final String... args) throws Exception {
        final String java = ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        final String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        final List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(launcherOptions());
        cmd.add("-Xmx" + HEAP);
        if (!JVM_ARGS.isBlank()) {
            cmd.addAll(List.of(JVM_ARGS.trim().split("\\s+")));
        }
        cmd.add("-cp");
        cmd.add(cp);
        cmd.add(SmallHeapMain.class.getName());
        cmd.addAll(Arrays.asList(args));
        final Path out = Files.createTempFile(tmp, "stdout", ".txt");
        final Path err = Files.createTempFile(tmp, "stderr", ".txt");
        final ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("NO_COLOR", "1");
        final Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("callscope " + String.join(" ", args) + " still running after " + timeoutSeconds
                + " s at -Xmx" + HEAP + "; stderr: " + Files.readString(err, StandardCharsets.UTF_8));
        }
        return new Result(String.join(" ", args), p.exitValue(), out, Files.readString(err, StandardCharsets.UTF_8));
    }

    /** The JVM options of the launcher (src/main/sh/callscope's {@code opts=}), without a class-data archive. */
    static List<String> launcherOptions() throws IOException {
        final Path launcher = Path.of("src", "main", "sh", "callscope");
        for (final String line : Files.readAllLines(launcher)) {
            final Matcher m = Pattern.compile("^opts=\"([^\"$]*)\"$").matcher(line.trim());
            if (m.matches()) {
                return List.of(m.group(1).trim().split("\\s+"));
            }
        }
        throw new AssertionError("no opts=\"...\" line in " + launcher);
    }

    private static String head(final String s) {
        return s.length() <= 2000 ? s : s.substring(0, 2000) + "\n...";
    }

    /** What the child printed; stderr without its last line, the peak RSS. */
    record Result(String command, int exit, Path stdoutFile, String stderrAll) {
        String stdout() throws IOException {
            return Files.readString(stdoutFile, StandardCharsets.UTF_8);
        }

        /** Peak RSS in KiB from the last line of stderr, -1 when missing. */
        long rssKib() {
            final List<String> lines = stderrAll.lines().toList();
            if (lines.isEmpty() || !lines.get(lines.size() - 1).startsWith(SmallHeapMain.RSS_PREFIX)) {
                return -1;
            }
            return Long.parseLong(lines.get(lines.size() - 1).substring(SmallHeapMain.RSS_PREFIX.length()).trim());
        }

        List<String> stderrLines() {
            return stderrAll.lines().filter(l -> !l.startsWith(SmallHeapMain.RSS_PREFIX)).toList();
        }

        String stderr() {
            return String.join("\n", stderrLines());
        }

        void assertClean() {
            assertClean(0);
        }

        /** Exit code {@code expected}, no stack trace, peak RSS under the bound. */
        void assertClean(final int expected) {
            assertThat(exit).as("exit code of callscope %s at -Xmx%s; stderr:%n%s", command, HEAP, firstLines(stderr()))
                .isEqualTo(expected);
            assertNoStackTrace();
            assertRss();
        }

        void assertNoStackTrace() {
            assertThat(stderr()).as("stderr of callscope %s", command)
                .doesNotContain("Exception in thread").doesNotContain("\tat ").doesNotContainPattern("java\\.lang\\.\\w*Error");
        }

        void assertRss() {
            assertThat(rssKib()).as("peak RSS (KiB) of callscope %s at -Xmx%s", command, HEAP).isPositive()
                .isLessThan(MAX_RSS_KIB);
        }

        /** The elements of the top-level array {@code field} of the JSON on stdout that {@code keep} accepts, read as a stream. */
        List<JsonNode> jsonElements(final String field, final Predicate<JsonNode> keep) throws IOException {
            final List<JsonNode> kept = new ArrayList<>();
            boolean found = false;
            try (JsonParser p = JSON.getFactory().createParser(stdoutFile.toFile())) {
                assertThat(p.nextToken()).as("stdout is a JSON object").isEqualTo(JsonToken.START_OBJECT);
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    final String name = p.currentName();
                    final JsonToken value = p.nextToken();
                    if (name.equals(field) && value == JsonToken.START_ARRAY) {
                        found = true;
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            final JsonNode e = JSON.readTree(p);
                            if (keep.test(e)) {
                                kept.add(e);
                            }
                        }
                    } else {
                        p.skipChildren();
                    }
                }
            }
            assertThat(found).as("a \"%s\" array in the output of callscope %s", field, command).isTrue();
            return kept;
        }

        private static String firstLines(final String s) {
            return s.lines().limit(8).reduce((a, b) -> a + "\n" + b).orElse("");
        }
    }
}
