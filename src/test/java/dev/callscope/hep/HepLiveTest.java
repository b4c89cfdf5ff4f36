package dev.callscope.hep;

import dev.callscope.cli.CliTest;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callscope.decode.HepHeader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** capture -i lo --hep-send: SIP seen live on an interface goes to the collector as HEPv3 (root, libpcap). */
@Tag("live")
class HepLiveTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Packet sockets open on this host (libpcap opens one per capture). */
    private static long packetSockets() throws java.io.IOException {
        try (var lines = java.nio.file.Files.lines(Path.of("/proc/net/packet"))) {
            return lines.count() - 1;
        }
    }

    @Test
    void sipCapturedLiveIsSentAsHepAsItArrives() throws Exception {
        final List<HepCaptures.Sip> sip = HepCaptures.sipPackets(Path.of("samples/sip-call.pcap"));
        try (DatagramSocket collector = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket sipPort = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            final int port = sipPort.getLocalPort();
            final long sockets = packetSockets();
            final CompletableFuture<CliTest.Run> capture = CompletableFuture.supplyAsync(() -> CliTest.run(
                "capture", "-i", "lo", "-f", "udp and dst port " + port, "-c", "7", "--duration", "20",
                "--hep-send", "udp:127.0.0.1:" + collector.getLocalPort(), "--hep-id", "42", "--json"));
            // let libpcap attach before sending: its packet socket shows in /proc/net/packet, then
            // the filter is set (a fixed wait of 1.5 s was too short on a loaded host)
            final long deadline = System.nanoTime() + 15_000_000_000L;
            while (packetSockets() <= sockets && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(700);
            try (DatagramSocket s = new DatagramSocket()) {
                for (final HepCaptures.Sip m : sip) {
                    s.send(new DatagramPacket(m.payload(), m.payload().length, InetAddress.getLoopbackAddress(), port));
                    Thread.sleep(5);
                }
            }
            final CliTest.Run r = capture.get(30, TimeUnit.SECONDS);
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(JSON.readTree(r.out()).get("hep_send").get("sip").asLong()).isEqualTo(7);
            collector.setSoTimeout(2000);
            final HepHeader h = new HepHeader();
            final List<String> got = new ArrayList<>();
            final byte[] buf = new byte[70_000];
            for (int i = 0; i < 7; i++) {
                final DatagramPacket p = new DatagramPacket(buf, buf.length);
                collector.receive(p);
                assertThat(h.parse(p.getData(), 0, p.getLength())).isNull();
                assertThat(h.protoType).isEqualTo(HepHeader.TYPE_SIP);
                assertThat(h.captureId).isEqualTo(42);
                assertThat(h.dstPort).isEqualTo(port);
                assertThat(Arrays.copyOf(h.dst, 4)).isEqualTo(new byte[] {127, 0, 0, 1});
                assertThat(h.tsNanos).isGreaterThan(System.currentTimeMillis() * 1_000_000L - 60_000_000_000L);
                got.add(new String(p.getData(), h.payloadOffset, h.payloadLength, StandardCharsets.ISO_8859_1));
            }
            assertThat(got).containsExactlyElementsOf(sip.stream()
                .map(m -> new String(m.payload(), StandardCharsets.ISO_8859_1)).toList());
        }
    }
}
