package dev.callscope.cli;

import static dev.callscope.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.pcap.CaptureFiles;
import dev.callscope.testutil.SharedCaptures;
import dev.callscope.testutil.Tshark;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands that need libpcap (and, for capture, root): run by .ci/run with -Dtest.groups=live. */
@Tag("live")
class CliLiveTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void captureWritesAFileThatTsharkReadsWithIdenticalPackets(@TempDir final Path dir) throws Exception {
        final Path out = dir.resolve("live.pcapng");
        final int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        final CompletableFuture<CliTest.Run> capture = CompletableFuture.supplyAsync(() ->
            run("capture", "-i", "lo", "-f", "udp and port " + port, "-c", "25", "--duration", "20", "-w", out.toString(), "--json"));
        Thread.sleep(1500); // let libpcap attach before sending
        try (DatagramSocket s = new DatagramSocket()) {
            for (int i = 0; i < 25; i++) {
                final byte[] msg = ("datagram " + i).getBytes(StandardCharsets.US_ASCII);
                s.send(new DatagramPacket(msg, msg.length, InetAddress.getLoopbackAddress(), port));
                Thread.sleep(5);
            }
        }
        final CliTest.Run r = capture.get();
        assertThat(r.code()).as(r.err()).isZero();
        final JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("packets").asLong()).isEqualTo(25);
        assertThat(j.get("flows").get("udp").asLong()).isEqualTo(1);

        final List<String> ours = new ArrayList<>();
        try (PacketSource src = CaptureFiles.open(out.toString())) {
            final RawFrame f = new RawFrame();
            while (src.next(f)) {
                ours.add(f.origLen + " " + HexFormat.of().formatHex(f.data, 0, f.capLen));
            }
        }
        assertThat(ours).hasSize(25);
        assumeTrue(Tshark.available(), "tshark is not installed");
        final String fields = Tshark.run(out, "-T", "fields", "-e", "frame.len", "-e", "frame.cap_len");
        final List<String> theirs = fields.lines().toList();
        assertThat(theirs).hasSize(25);
        final String hex = Tshark.run(out, "-T", "fields", "-e", "udp.payload");
        assertThat(hex.lines().toList()).allSatisfy(h -> assertThat(new String(HexFormat.of().parseHex(h.replace(":", "")),
            StandardCharsets.US_ASCII)).startsWith("datagram "));
        for (int i = 0; i < 25; i++) {
            assertThat(theirs.get(i)).isEqualTo(ours.get(i).split(" ")[0] + "\t" + ours.get(i).split(" ")[1].length() / 2);
        }
    }

    @Test
    void theFileHoldsEveryCapturedPacketAndIntervalsCountThemAsTheyCome(@TempDir final Path dir) throws Exception {
        final Path out = dir.resolve("burst.pcapng");
        final int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        final int n = 5000;
        final CompletableFuture<CliTest.Run> capture = CompletableFuture.supplyAsync(() ->
            run("capture", "-i", "lo", "-f", "udp and port " + port, "-c", String.valueOf(n), "--duration", "30",
                "-w", out.toString(), "--interval", "200ms", "--jsonl"));
        Thread.sleep(1500); // let libpcap attach before sending
        try (DatagramSocket s = new DatagramSocket()) {
            final byte[] msg = new byte[160];
            for (int i = 0; i < n; i++) {
                s.send(new DatagramPacket(msg, msg.length, InetAddress.getLoopbackAddress(), port));
                if (i % 500 == 499) {
                    Thread.sleep(2);
                }
            }
        }
        final CliTest.Run r = capture.get();
        assertThat(r.code()).as(r.err()).isZero();
        long intervalPackets = 0;
        JsonNode cap = null;
        for (final String line : r.out().lines().toList()) {
            final JsonNode j = JSON.readTree(line);
            if (j.get("record").asText().equals("interval")) {
                assertThat(j.get("seconds").asDouble()).isBetween(0.0, 0.2);
                assertThat(j.get("kernel_dropped").asLong()).isZero();
                intervalPackets += j.get("packets").asLong();
            } else if (j.get("record").asText().equals("capture")) {
                cap = j;
            }
        }
        assertThat(cap).as(r.out()).isNotNull();
        assertThat(cap.get("captured").asLong()).isEqualTo(n);
        assertThat(cap.get("written").asLong()).isEqualTo(n);
        assertThat(cap.get("dropped").asLong()).isZero();
        assertThat(intervalPackets).isEqualTo(n); // the last, shorter interval closes when the capture ends
        int inFile = 0;
        try (PacketSource src = CaptureFiles.open(out.toString())) {
            final RawFrame f = new RawFrame();
            while (src.next(f)) {
                assertThat(f.capLen).isEqualTo(14 + 20 + 8 + 160);
                inFile++;
            }
        }
        assertThat(inFile).isEqualTo(n);
    }

    @Test
    void captureErrorsAreOneLineAndExit3() {
        final CliTest.Run noIface = run("capture", "-i", "nosuch0", "-c", "1");
        assertThat(noIface.code()).isEqualTo(3);
        assertThat(noIface.err().lines()).singleElement().asString().contains("no such interface: nosuch0");
        final CliTest.Run badFilter = run("capture", "-i", "lo", "-f", "udp port banana", "-c", "1");
        assertThat(badFilter.code()).isEqualTo(3);
        assertThat(badFilter.err().lines()).singleElement().asString().contains("bad capture filter");
    }

    @Test
    void theLibpcapReaderGivesTheSameAnswersAsTheBuiltinOne() throws Exception {
        for (final String name : List.of("sip/heplify__sip_ipv4_tcp.pcap", "sip/sngrep__ipv6frag.pcap", "rtp/restcomm__cisco-spa-525G2-zendesk34432.pcap",
            "webrtc/piondtls__capture-chrome-Chromium_123.pcap")) {
            final String f = SharedCaptures.file(name).toString();
            final JsonNode builtin = JSON.readTree(run("flows", "--json", f).out());
            final JsonNode pcap4j = JSON.readTree(run("flows", "--json", "--reader", "pcap4j", f).out());
            assertThat(pcap4j).as(name).isEqualTo(builtin);
        }
    }

    @Test
    void bpfFilterOnFilesGoesThroughLibpcap() throws Exception {
        final String f = SharedCaptures.file("sip/heplify__sip_ipv4_tcp.pcap").toString();
        final JsonNode j = JSON.readTree(run("read", "--json", "-f", "tcp", f).out());
        assertThat(j.get("packets").asLong()).isEqualTo(16);
        final CliTest.Run bad = run("read", "-f", "tcp port banana", f);
        assertThat(bad.code()).isEqualTo(3);
        assertThat(bad.err().lines()).singleElement().asString().contains("bad capture filter");
    }

    @Test
    void interfacesListsLoopback() {
        final CliTest.Run r = run("interfaces");
        assertThat(r.code()).isZero();
        assertThat(r.out()).containsPattern("\\d+\\. lo ");
    }


    @Test
    void captureDecryptsTlsWithAKeyLogWrittenWhileItRuns(@TempDir final Path dir) throws Exception {
        final Path keys = dir.resolve("keys.log");
        Files.writeString(keys, ""); // the client appends its secrets during its handshakes
        final Path script = dir.resolve("sip_tls_pair.py");
        final Path cert = dir.resolve("cert.pem");
        final Path key = dir.resolve("key.pem");
        for (final String[] r : new String[][] {{"sip_tls_pair.py", script.toString()}, {"test-cert.pem", cert.toString()},
            {"test-key.pem", key.toString()}}) {
            try (java.io.InputStream in = CliLiveTest.class.getResourceAsStream("/tls/" + r[0])) {
                Files.copy(in, Path.of(r[1]));
            }
        }
        final String host = "127.0.0.33";
        final int port = 5061;
        final CompletableFuture<CliTest.Run> capture = CompletableFuture.supplyAsync(() ->
            run("capture", "-i", "lo", "-f", "tcp and host " + host + " and port " + port, "--duration", "8",
                "--keylog", keys.toString(), "--json"));
        Thread.sleep(1500); // let libpcap attach before the connection
        final Process p = new ProcessBuilder("python3", script.toString(), host, String.valueOf(port), keys.toString(),
            cert.toString(), key.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        final String pyOut = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(pyOut).isZero();
        final CliTest.Run r = capture.get();
        assertThat(r.code()).as(r.err()).isZero();
        final JsonNode tls = JSON.readTree(r.out()).get("tls");
        assertThat(tls).as(r.out()).isNotNull();
        assertThat(tls.get("connections").asLong()).isEqualTo(1);
        assertThat(tls.get("decrypted").asLong()).isEqualTo(1);
        assertThat(tls.get("auth_failures").asLong()).isZero();
        // 3 INVITEs and 3 responses, each in a record of its own
        assertThat(tls.get("records_decrypted").asLong()).isGreaterThanOrEqualTo(6);
        assertThat(r.out()).contains("\"sip\"");
    }
}
