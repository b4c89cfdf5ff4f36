package dev.callscope.hep;

import dev.callscope.cli.CliTest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callscope.testutil.Tshark;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sngrep (the HEP peer most VoIP engineers have) on both ends: as the collector of what callscope
 * sends, checked with tshark against the original capture, and as the agent whose HEP callscope
 * collects. Skipped when sngrep is not installed.
 */
class SngrepHepTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SAMPLE = "samples/sip-call.pcap";
    /** What tshark shows of each SIP message: time to the microsecond, addresses, ports, method or status, CSeq, Call-ID. */
    private static final String[] FIELDS = {"-Y", "sip", "-T", "fields", "-e", "frame.time_epoch", "-e", "ip.src", "-e",
        "udp.srcport", "-e", "ip.dst", "-e", "udp.dstport", "-e", "sip.Method", "-e", "sip.Status-Code", "-e", "sip.CSeq",
        "-e", "sip.Call-ID"};
    @TempDir
    Path tmp;

    @BeforeAll
    static void sngrep() {
        assumeTrue(onPath("sngrep"), "sngrep is not installed");
    }

    static boolean onPath(final String cmd) {
        return Arrays.stream(String.valueOf(System.getenv("PATH")).split(File.pathSeparator))
            .anyMatch(d -> Files.isExecutable(Path.of(d, cmd)));
    }

    @Test
    void sngrepCollectsWhatCallscopeSendsWithEveryFieldAndTimestamp() throws Exception {
        final int port = HepCollectorTest.freeUdpPort();
        final Path out = tmp.resolve("sngrep.pcap");
        final Process sngrep = new ProcessBuilder("sngrep", "-N", "-q", "-L", "udp:127.0.0.1:" + port, "-O", out.toString())
            .redirectErrorStream(true).redirectOutput(tmp.resolve("sngrep.log").toFile()).start();
        try {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!HepCollectorTest.udpBound(port) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(HepCollectorTest.udpBound(port)).as("sngrep listening").isTrue();
            final CliTest.Run r = CliTest.run("read", SAMPLE, "--hep-send", "udp:127.0.0.1:" + port);
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("HEP sent:     9 packets", "(SIP 7, RTCP 0, QoS reports 2); 0 failed");
            Thread.sleep(1000); // sngrep writes each packet as it arrives
        } finally {
            sngrep.destroy(); // SIGTERM: sngrep closes its file
            sngrep.waitFor(10, TimeUnit.SECONDS);
            sngrep.destroyForcibly();
        }
        assertThat(out).exists();
        if (Tshark.available()) {
            final String want = Tshark.run(Path.of(SAMPLE), FIELDS);
            assertThat(want.lines()).hasSize(7);
            assertThat(Tshark.run(out, FIELDS)).isEqualTo(want);
        }
        // and callscope reads sngrep's file as the same call
        assertThat(HepInCaptureTest.messages(HepInCaptureTest.json("sip", "--json", out.toString())))
            .isEqualTo(HepInCaptureTest.messages(HepInCaptureTest.json("sip", "--json", SAMPLE)));
    }

    @Test
    void callscopeCollectsWhatSngrepSends() throws Exception {
        final int port = HepCollectorTest.freeUdpPort();
        final Path out = tmp.resolve("collected.pcapng");
        final CompletableFuture<CliTest.Run> run = HepCollectorTest.collector(false, port, "capture", "--hep-listen",
            "udp:127.0.0.1:" + port, "-c", "7", "--duration", "20", "-w", out.toString(), "--json");
        final Process sngrep = new ProcessBuilder("sngrep", "-N", "-q", "-I", SAMPLE, "-H", "udp:127.0.0.1:" + port)
            .redirectErrorStream(true).redirectOutput(tmp.resolve("sngrep.log").toFile()).start();
        try {
            final CliTest.Run r = run.get(30, TimeUnit.SECONDS);
            assertThat(r.code()).as(r.err()).isZero();
            final JsonNode hep = JSON.readTree(r.out()).get("hep");
            assertThat(hep.get("decoded").asLong()).isEqualTo(7);
            assertThat(hep.get("malformed").asLong()).isZero();
        } finally {
            sngrep.waitFor(10, TimeUnit.SECONDS);
            sngrep.destroyForcibly();
        }
        final JsonNode got = HepInCaptureTest.json("calls", "--json", out.toString());
        final JsonNode want = HepInCaptureTest.json("calls", "--json", SAMPLE);
        assertThat(calls(got)).isEqualTo(calls(want)).hasSize(1);
        assertThat(HepInCaptureTest.messages(HepInCaptureTest.json("sip", "--json", out.toString())))
            .isEqualTo(HepInCaptureTest.messages(HepInCaptureTest.json("sip", "--json", SAMPLE)));
    }

    private static List<String> calls(final JsonNode calls) {
        return java.util.stream.StreamSupport.stream(calls.get("calls").spliterator(), false)
            .map(c -> c.get("call_id").asText() + " " + c.get("state").asText() + " " + c.get("message_count").asInt()
                + " " + c.get("timings"))
            .collect(Collectors.toList());
    }
}
