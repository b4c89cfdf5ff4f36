package dev.callscope.hep;

import static dev.callscope.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callscope.cli.CliTest;
import dev.callscope.cli.CliTest.Run;
import dev.callscope.decode.HepHeader;
import dev.callscope.testutil.SharedCaptures;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** read --hep-send: what a collector receives, packet by packet. */
class HepAgentTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every datagram a local collector got while {@code args} ran. */
    static List<byte[]> collect(final String... args) throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setReceiveBufferSize(4 << 20);
            final String[] a = Arrays.copyOf(args, args.length + 2);
            a[args.length] = "--hep-send";
            a[args.length + 1] = "udp:127.0.0.1:" + s.getLocalPort();
            final Run r = run(a);
            assertThat(r.code()).as(r.err()).isZero();
            final List<byte[]> got = new ArrayList<>();
            s.setSoTimeout(1000);
            final byte[] buf = new byte[70_000];
            while (true) {
                final DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    s.receive(p);
                } catch (SocketTimeoutException e) {
                    return got;
                }
                got.add(Arrays.copyOf(p.getData(), p.getLength()));
            }
        }
    }

    @Test
    void everySipMessageGoesAsHep3WithItsOwnAddressesTimeAndCallId() throws IOException {
        final List<byte[]> got = collect("read", "samples/sip-call.pcap", "--hep-id", "2001", "--hep-password", "pw");
        final List<HepCaptures.Sip> want = HepCaptures.sipPackets(Path.of("samples/sip-call.pcap"));
        final HepHeader h = new HepHeader();
        final List<byte[]> sip = new ArrayList<>();
        final List<JsonNode> qos = new ArrayList<>();
        for (final byte[] p : got) {
            assertThat(h.parse(p, 0, p.length)).isNull();
            assertThat(h.version).isEqualTo(3);
            assertThat(h.captureId).isEqualTo(2001);
            assertThat(h.authMatches(p, "pw".getBytes(StandardCharsets.UTF_8))).isTrue();
            assertThat(new String(p, h.correlationOffset, h.correlationLength, StandardCharsets.UTF_8))
                .isEqualTo("1-27528@127.0.0.11");
            if (h.protoType == HepHeader.TYPE_SIP) {
                final HepCaptures.Sip w = want.get(sip.size());
                assertThat(h.tsNanos).isEqualTo(w.tsNanos());
                assertThat(Arrays.copyOf(h.src, 4)).isEqualTo(w.src());
                assertThat(Arrays.copyOf(h.dst, 4)).isEqualTo(w.dst());
                assertThat(h.srcPort).isEqualTo(w.srcPort());
                assertThat(h.dstPort).isEqualTo(w.dstPort());
                assertThat(h.ipProtocol).isEqualTo(17);
                sip.add(Arrays.copyOfRange(p, h.payloadOffset, h.payloadOffset + h.payloadLength));
                assertThat(sip.get(sip.size() - 1)).isEqualTo(w.payload());
            } else {
                assertThat(h.protoType).isEqualTo(HepHeader.TYPE_QOS_REPORT);
                qos.add(JSON.readTree(new String(p, h.payloadOffset, h.payloadLength, StandardCharsets.UTF_8)));
            }
        }
        assertThat(sip).hasSize(7);
        // one quality summary per RTP stream of the call: 236 packets each way, nothing lost
        assertThat(qos).hasSize(2);
        for (final JsonNode q : qos) {
            assertThat(q.get("CORRELATION_ID").asText()).isEqualTo("1-27528@127.0.0.11");
            assertThat(q.get("TOTAL_PK").asLong()).isEqualTo(236);
            assertThat(q.get("PACKET_LOSS").asLong()).isZero();
            assertThat(q.get("CODEC_PT").asInt()).isEqualTo(8);
            assertThat(q.get("MOS").asDouble()).isBetween(4.0, 4.5);
        }
        assertThat(qos).extracting(q -> q.get("SRC_PORT").asInt()).containsExactlyInAnyOrder(6000, 7000);
    }

    @Test
    void rtcpReportsGoAsHomerJsonWithTheCallIdOfTheSdpThatAnnouncedThem() throws IOException {
        final Path f = SharedCaptures.file("rtp/heplify__rtp_rtcp_sip_ipv4_udp.pcap");
        final List<byte[]> got = collect("read", f.toString());
        final HepHeader h = new HepHeader();
        int rtcp = 0;
        int correlated = 0;
        final Set<String> ports = new HashSet<>();
        for (final byte[] p : got) {
            assertThat(h.parse(p, 0, p.length)).isNull();
            if (h.protoType != HepHeader.TYPE_RTCP) {
                continue;
            }
            rtcp++;
            final JsonNode j = JSON.readTree(new String(p, h.payloadOffset, h.payloadLength, StandardCharsets.UTF_8));
            assertThat(j.get("type").asInt()).isIn(200, 201);
            assertThat(j.get("report_blocks").isArray()).isTrue();
            final String pair = h.srcPort + ">" + h.dstPort;
            if (h.correlationLength > 0) {
                correlated++;
                assertThat(new String(p, h.correlationOffset, h.correlationLength, StandardCharsets.UTF_8))
                    .isEqualTo("12013223@200.57.7.195");
                ports.add(pair);
            } else {
                // the only RTCP whose ports no SDP of the capture announced
                assertThat(pair).isIn("40379>4801", "4801>40379");
            }
        }
        // one report per SR or RR packet of the compound datagrams; tshark -d udp.port==4801,rtcp counts 44
        // (rtcp.pt 200 or 201), 22 of them between 200.57.7.196:40377 and 200.57.7.204:8001, announced
        // by the SDP of call 12013223@200.57.7.195
        assertThat(rtcp).isEqualTo(44);
        assertThat(correlated).isEqualTo(22);
        assertThat(ports).containsExactlyInAnyOrder("40377>8001", "8001>40377");
    }

    @Test
    void anUnreachableCollectorIsCountedNotFatal() throws IOException {
        final int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        final Run r = run("read", "--json", "samples/sip-call.pcap", "--hep-send", "tcp:127.0.0.1:" + port);
        assertThat(r.code()).as(r.err()).isZero();
        final JsonNode j = JSON.readTree(r.out()).get("hep_send");
        assertThat(j.get("sent").asLong()).isZero();
        assertThat(j.get("failed").asLong()).isEqualTo(9);
        assertThat(j.get("last_error").asText()).contains("cannot connect to tcp:127.0.0.1:" + port);
        final Run text = run("read", "samples/sip-call.pcap", "--hep-send", "tcp:127.0.0.1:" + port);
        assertThat(text.out()).contains("HEP sent:     0 packets to tcp:127.0.0.1:" + port + " (SIP 7, RTCP 0, QoS reports 2); 9 failed");
    }

    @Test
    void aBadTargetIsAUsageError() {
        for (final String t : List.of("9060", "http:127.0.0.1:9060", "udp:127.0.0.1", "udp:127.0.0.1:70000", "udp:::1:9060")) {
            final Run r = run("read", "samples/sip-call.pcap", "--hep-send", t);
            assertThat(r.code()).as(t).isEqualTo(2);
            assertThat(r.err()).as(t).startsWith("callscope: --hep-send: ").doesNotContain("Exception");
        }
    }
}
