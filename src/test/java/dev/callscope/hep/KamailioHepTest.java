package dev.callscope.hep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real HEP agent against callscope's collector: samples/hep/kamailio-live.sh places SIPp calls
 * through a Kamailio proxy on loopback (127.0.0.11 -> 127.0.0.20 -> 127.0.0.12) whose siptrace
 * module mirrors every SIP message it receives or sends, on both legs, as HEPv3 over UDP to
 * {@code capture --hep-listen} running in this JVM. Needs root, kamailio and sipp (skipped
 * otherwise), and the SIP port 5060 of those three addresses free.
 *
 * <p>Needs the HEP collector, which is not in this branch yet: until {@code capture --hep-listen}
 * exists this test fails (the option is rejected). The contract it is written against:
 * {@code capture --hep-listen udp:127.0.0.1:PORT -w OUT.pcapng --duration S --json} listens for HEP
 * on that UDP port, writes the SIP it decodes to OUT.pcapng as if captured at the agent (the
 * addresses, ports and timestamps of the HEP headers) and, when it stops, prints one JSON document
 * with at least {@code "packets"} (frames fed to the pipeline) and an object
 * {@code "hep": {"received": N, "decoded": N, "malformed": N, ...}} (at the top level; found also
 * under {@code "capture"}, where capture puts its own figures). {@code calls --json OUT.pcapng}
 * then lists the calls.
 */
@Tag("live")
class KamailioHepTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCRIPT = Path.of("samples/hep/kamailio-live.sh");
    private static final int CALLS = 5;
    /** How long the collector listens: the script takes about 3 s for 5 calls and is bounded by 30 s. */
    private static final int COLLECT_SECONDS = 20;
    private static final String CALLER = "127.0.0.11:5060";
    private static final String PROXY = "127.0.0.20:5060";
    private static final String CALLEE = "127.0.0.12:5060";
    private static final Pattern SUMMARY = Pattern.compile(
        "calls=(\\d+) sipp_successful=(\\d+) kamailio_exit=(\\d+) mirrored=(\\d+) kamailio_errors=(\\d+)");

    @BeforeAll
    static void peersAndRoot() throws Exception {
        assumeTrue(onPath("kamailio"), "kamailio is not installed");
        assumeTrue(onPath("sipp"), "sipp (sip-tester) is not installed");
        assumeTrue(isRoot(), "needs root (SIP on 127.0.0.11, .12 and .20)");
    }

    @Test
    void everyCallKamailioMirrorsReachesTheCollectorWithBothLegs(@TempDir final Path dir) throws Exception {
        final int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        final Path out = dir.resolve("hep.pcapng");
        final CompletableFuture<HepSamplesTest.Run> collector = CompletableFuture.supplyAsync(() -> HepSamplesTest.run(
            "capture", "--hep-listen", "udp:127.0.0.1:" + port, "-w", out.toString(),
            "--duration", String.valueOf(COLLECT_SECONDS), "--json"));
        waitForUdpListener(port, collector);

        final List<String> lines = runScript(String.valueOf(port));
        final Matcher s = SUMMARY.matcher(lines.isEmpty() ? "" : lines.get(lines.size() - 1));
        assertThat(s.matches()).as("summary line of %s:%n%s", SCRIPT, String.join("\n", lines)).isTrue();
        assertThat(Integer.parseInt(s.group(1))).isEqualTo(CALLS);
        assertThat(Integer.parseInt(s.group(2))).as("calls SIPp completed").isEqualTo(CALLS);
        assertThat(Integer.parseInt(s.group(3))).as("kamailio exit status").isZero();
        assertThat(Integer.parseInt(s.group(5))).as("errors in kamailio's log").isZero();
        final int mirrored = Integer.parseInt(s.group(4));
        assertThat(mirrored).as("messages kamailio mirrored").isGreaterThanOrEqualTo(CALLS * 14);

        final HepSamplesTest.Run capture = collector.get(COLLECT_SECONDS + 30, TimeUnit.SECONDS);
        assertThat(capture.code()).as(capture.err()).isZero();
        final JsonNode stats = JSON.readTree(capture.out());
        final JsonNode hep = stats.has("hep") ? stats.get("hep") : stats.path("capture").path("hep");
        assertThat(hep.isObject()).as("\"hep\" object in %s", capture.out()).isTrue();
        assertThat(hep.get("received").asLong()).as("HEP packets received").isEqualTo(mirrored);
        assertThat(hep.get("decoded").asLong()).as("HEP packets decoded").isEqualTo(mirrored);
        assertThat(hep.get("malformed").asLong()).isZero();
        assertThat(stats.get("packets").asLong()).as("frames fed to the pipeline").isEqualTo(mirrored);

        final HepSamplesTest.Run r = HepSamplesTest.run("calls", "--json", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        final JsonNode calls = JSON.readTree(r.out());
        assertThat(calls.get("total_calls").asInt()).isEqualTo(CALLS);
        int messages = 0;
        for (final JsonNode c : calls.get("calls")) {
            final String id = c.get("call_id").asText();
            messages += c.get("messages").size();
            final Map<String, List<String>> legs = HepSamplesTest.legs(c);
            assertThat(legs.keySet()).as(id)
                .containsExactly(HepSamplesTest.leg(CALLER, PROXY), HepSamplesTest.leg(PROXY, CALLEE));
            // each leg: INVITE, 100, 180, 200, ACK, BYE, 200, in any order, plus any retransmission
            final Map<String, List<String>> firsts = HepSamplesTest.legs(withoutRetransmissions(c));
            firsts.forEach((leg, msgs) -> assertThat(msgs).as(id + " " + leg)
                .isEqualTo(List.of("100", "180", "200", "200", "ACK", "BYE", "INVITE")));
        }
        assertThat(messages).as("SIP messages in the calls").isEqualTo(mirrored);
    }

    /** A copy of the call whose messages array keeps only first transmissions. */
    private static JsonNode withoutRetransmissions(final JsonNode call) {
        final ObjectNode copy = call.deepCopy();
        final ArrayNode kept = copy.putArray("messages");
        call.get("messages").forEach(m -> {
            if (!m.path("retransmission").asBoolean(false)) {
                kept.add(m);
            }
        });
        return copy;
    }

    /** Runs the script (bounded: it ends within 30 s; killed after 60) and returns its output lines. */
    private static List<String> runScript(final String port) throws Exception {
        final Process p = new ProcessBuilder("bash", SCRIPT.toString(), "udp", port, String.valueOf(CALLS))
            .redirectErrorStream(true).start();
        final CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "reading the script's output failed: " + e;
            }
        });
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroy(); // SIGTERM: the script's trap stops the peers it started
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            fail(SCRIPT + " did not finish in 60 s");
        }
        return output.get(10, TimeUnit.SECONDS).lines().toList();
    }

    /** Waits (at most 10 s) until something listens on 127.0.0.1:port over UDP, per ss(8). */
    private static void waitForUdpListener(final int port, final CompletableFuture<?> collector) throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (collector.isDone()) {
                fail("the collector stopped before listening: " + collector.get());
            }
            final Process ss = new ProcessBuilder("ss", "-Hlun", "src", "127.0.0.1:" + port)
                .redirectErrorStream(true).start();
            final String listening = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            ss.waitFor(5, TimeUnit.SECONDS);
            if (listening.contains("127.0.0.1:" + port)) {
                return;
            }
            Thread.sleep(100);
        }
        fail("nothing listens on udp 127.0.0.1:" + port + " after 10 s");
    }

    private static boolean onPath(final String command) {
        final List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin"));
        return dirs.stream().filter(d -> !d.isEmpty()).anyMatch(d -> Files.isExecutable(Path.of(d, command)));
    }

    private static boolean isRoot() throws Exception {
        final Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
        final String uid = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return p.waitFor(10, TimeUnit.SECONDS) && "0".equals(uid);
    }
}
