package dev.callscope.hep;

import dev.callscope.cli.CliTest;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** capture --hep-listen: HEP from agents back into packets, over UDP and TCP, with the bad ones counted. */
class HepCollectorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;

    static int freeUdpPort() throws SocketException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Runs the collector on a thread; returns once its UDP port is bound. */
    static CompletableFuture<CliTest.Run> collector(final boolean tcp, final int port, final String... args)
        throws InterruptedException, IOException {
        final CompletableFuture<CliTest.Run> f = CompletableFuture.supplyAsync(() -> CliTest.run(args));
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline && !f.isDone()) {
            if (tcp) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    return f; // an empty connection: closed before any byte, harmless
                } catch (IOException e) {
                    Thread.sleep(50);
                }
            } else if (udpBound(port)) {
                return f;
            } else {
                Thread.sleep(50);
            }
        }
        return f;
    }

    /** Whether a UDP socket is bound to {@code port} (Linux: /proc/net/udp), without touching it. */
    static boolean udpBound(final int port) throws IOException {
        final String hex = String.format(":%04X ", port);
        for (final String t : List.of("/proc/net/udp", "/proc/net/udp6")) {
            final Path p = Path.of(t);
            if (Files.exists(p) && Files.readAllLines(p).stream().anyMatch(l -> l.trim().split("\\s+")[1].endsWith(hex.trim()))) {
                return true;
            }
        }
        return false;
    }

    private static List<byte[]> hep3(final String sample, final String password) throws IOException {
        final List<byte[]> l = new ArrayList<>();
        for (final HepCaptures.Sip s : HepCaptures.sipPackets(Path.of("samples", sample))) {
            final HepEncoder e = new HepEncoder(9, password == null ? null : password.getBytes(StandardCharsets.UTF_8));
            final int n = e.encode(4, s.ipProtocol(), s.src(), s.dst(), s.srcPort(), s.dstPort(), s.tsNanos(), 1,
                s.payload(), 0, s.payload().length, null);
            l.add(java.util.Arrays.copyOf(e.buffer(), n));
        }
        return l;
    }

    @Test
    void udpAgentsPacketsBecomeTheOriginalPacketsAndBadOnesAreCounted() throws Exception {
        udpAgents();
    }

    /** The same through a DatagramChannel, where recvmmsg is not available. */
    @Test
    void theChannelReceiverGetsTheSame() throws Exception {
        System.setProperty("callscope.hep.nioReceive", "true");
        try {
            udpAgents();
        } finally {
            System.clearProperty("callscope.hep.nioReceive");
        }
    }

    private void udpAgents() throws Exception {
        final int port = freeUdpPort();
        final Path out = tmp.resolve("hep.pcapng");
        final CompletableFuture<CliTest.Run> run = collector(false, port, "capture", "--hep-listen",
            "udp:127.0.0.1:" + port, "--hep-password", "k1", "-c", "7", "-w", out.toString(), "--json");
        final List<byte[]> good = hep3("sip-call.pcap", "k1");
        try (DatagramSocket s = new DatagramSocket()) {
            final InetSocketAddress to = new InetSocketAddress("127.0.0.1", port);
            final byte[] bad = good.get(0).clone();
            bad[6 + 5] = (byte) 250;
            s.send(new DatagramPacket(bad, bad.length, to));
            final byte[] wrongKey = hep3("sip-call.pcap", "k2").get(0);
            s.send(new DatagramPacket(wrongKey, wrongKey.length, to));
            final byte[] v2 = HepCaptures.hep2(HepCaptures.sipPackets(Path.of("samples/sip-call.pcap")).get(0), 1);
            s.send(new DatagramPacket(v2, v2.length, to));
            final HepEncoder e = new HepEncoder(9, "k1".getBytes(StandardCharsets.UTF_8));
            final byte[] json = "{\"type\":200}".getBytes(StandardCharsets.UTF_8);
            final int n = e.encode(4, 17, HepCaptures.AGENT, HepCaptures.COLLECTOR, 1, 2, 1, 5, json, 0, json.length, null);
            s.send(new DatagramPacket(e.buffer(), n, to));
            for (final byte[] p : good) {
                s.send(new DatagramPacket(p, p.length, to));
                Thread.sleep(5);
            }
        }
        final CliTest.Run r = run.get(30, TimeUnit.SECONDS);
        assertThat(r.code()).as(r.err()).isZero();
        final JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("packets").asLong()).isEqualTo(7);
        final JsonNode hep = j.get("hep");
        assertThat(hep.get("received").asLong()).isEqualTo(11);
        assertThat(hep.get("kernel_dropped").asLong()).isZero();
        assertThat(hep.get("queue_dropped").asLong()).isZero();
        assertThat(hep.get("decoded").asLong()).isEqualTo(7);
        assertThat(hep.get("malformed").asLong()).isEqualTo(1);
        assertThat(hep.get("rejected").asLong()).isEqualTo(2); // a wrong key, and HEPv2 that carries none
        assertThat(hep.get("reports").asLong()).isEqualTo(1);
        assertThat(hep.get("reasons").get("hep.bad_chunk").asLong()).isEqualTo(1);
        assertThat(hep.get("reasons").get("hep.bad_auth_key").asLong()).isEqualTo(1);
        assertThat(hep.get("reasons").get("hep.no_auth_key").asLong()).isEqualTo(1);
        // the pcapng holds the agent's packets: the same SIP messages, addresses and times as the sample
        assertThat(HepInCaptureTest.messages(HepInCaptureTest.json("sip", "--json", out.toString())))
            .isEqualTo(HepInCaptureTest.messages(HepInCaptureTest.json("sip", "--json", "samples/sip-call.pcap")));
    }

    @Test
    void tcpAgentsStreamsAreFramedWhateverTheSegmentBoundaries() throws Exception {
        final int port = freeUdpPort();
        final Path out = tmp.resolve("tcp.pcapng");
        final CompletableFuture<CliTest.Run> run = collector(true, port, "capture", "--hep-listen",
            "tcp:127.0.0.1:" + port, "-c", "14", "-w", out.toString(), "--json");
        final List<byte[]> pkts = hep3("sip-tcp.pcap", null);
        final java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        pkts.forEach(all::writeBytes);
        final byte[] stream = all.toByteArray();
        // two agents: one writes 7-byte pieces, the other everything at once
        final int half = pkts.subList(0, 6).stream().mapToInt(p -> p.length).sum();
        try (Socket a = new Socket("127.0.0.1", port); Socket b = new Socket("127.0.0.1", port)) {
            a.setTcpNoDelay(true);
            final OutputStream oa = a.getOutputStream();
            for (int i = 0; i < half; i += 7) {
                oa.write(stream, i, Math.min(7, half - i));
                oa.flush();
            }
            Thread.sleep(200);
            b.getOutputStream().write(stream, half, stream.length - half);
            b.getOutputStream().flush();
            final CliTest.Run r = run.get(30, TimeUnit.SECONDS);
            assertThat(r.code()).as(r.err()).isZero();
            final JsonNode hep = JSON.readTree(r.out()).get("hep");
            assertThat(hep.get("decoded").asLong()).isEqualTo(14);
            assertThat(hep.get("malformed").asLong()).isZero();
            assertThat(hep.get("connections").asLong()).isGreaterThanOrEqualTo(2);
        }
        assertThat(HepInCaptureTest.messages(HepInCaptureTest.json("sip", "--json", out.toString())))
            .isEqualTo(HepInCaptureTest.messages(HepInCaptureTest.json("sip", "--json", "samples/sip-tcp.pcap")));
        assertThat(HepInCaptureTest.json("calls", "--json", out.toString()).get("total_calls").asInt()).isEqualTo(2);
    }

    @Test
    void aTcpStreamThatIsNotHepIsClosedAndCounted() throws Exception {
        final int port = freeUdpPort();
        final CompletableFuture<CliTest.Run> run = collector(true, port, "capture", "--hep-listen",
            "tcp:127.0.0.1:" + port, "-c", "1", "--json");
        try (Socket a = new Socket("127.0.0.1", port)) {
            a.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            a.getOutputStream().flush();
            Thread.sleep(300);
            try (Socket b = new Socket("127.0.0.1", port)) {
                b.getOutputStream().write(hep3("sip-call.pcap", null).get(0));
                b.getOutputStream().flush();
                final CliTest.Run r = run.get(30, TimeUnit.SECONDS);
                assertThat(r.code()).as(r.err()).isZero();
                final JsonNode hep = JSON.readTree(r.out()).get("hep");
                assertThat(hep.get("decoded").asLong()).isEqualTo(1);
                assertThat(hep.get("reasons").get("hep.tcp_framing").asLong()).isEqualTo(1);
            }
        }
    }

    @Test
    void aPortInUseIsOneLineAndExit3() throws Exception {
        try (DatagramSocket held = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            final CliTest.Run r = CliTest.run("capture", "--hep-listen", "udp:127.0.0.1:" + held.getLocalPort(),
                "--duration", "1");
            assertThat(r.code()).isEqualTo(3);
            assertThat(r.err().strip()).isEqualTo("callscope: error: cannot listen on udp:127.0.0.1:" + held.getLocalPort()
                + ": address already in use");
        }
        final CliTest.Run r = CliTest.run("capture", "--hep-listen", "udp:192.0.2.1:9060", "--duration", "1");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).startsWith("callscope: error: cannot listen on udp:192.0.2.1:9060: ").doesNotContain("Exception");
    }

    @Test
    void usageMistakesAreExit2() {
        assertThat(CliTest.run("capture", "--duration", "1").code()).isEqualTo(2);
        assertThat(CliTest.run("capture", "-i", "lo", "--hep-listen", "udp:127.0.0.1:9060").code()).isEqualTo(2);
        assertThat(CliTest.run("capture", "--hep-listen", "udp:127.0.0.1:9060", "-f", "udp").code()).isEqualTo(2);
        final CliTest.Run r = CliTest.run("capture", "--hep-listen", "sctp:127.0.0.1:9060");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--hep-listen: 'sctp:127.0.0.1:9060' is not udp:HOST:PORT or tcp:HOST:PORT");
    }

    @Test
    void itStopsAfterItsDurationWithNothingReceived() throws Exception {
        final int port = freeUdpPort();
        final CliTest.Run r = CliTest.run("capture", "--hep-listen", "udp:127.0.0.1:" + port, "--duration", "0.5");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Packets:      0", "HEP received: 0 packets");
        assertThat(Files.exists(tmp)).isTrue();
    }
}
