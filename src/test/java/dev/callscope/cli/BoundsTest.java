package dev.callscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callscope.core.LinkType;
import dev.callscope.decode.Frames;
import dev.callscope.pcap.PcapWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bounds on calls, streams and flow rows protect what made progress: a flood of one-message
 * calls, one-packet streams or one-packet flows after a real call is dropped before the real call,
 * and every bound hit is said in the human output and counted in JSON.
 */
class BoundsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    private static Run run(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    /** A raw-IPv4 capture written frame by frame, 1 ms apart unless told otherwise. */
    private static final class Capture implements AutoCloseable {
        private final OutputStream file;
        private final PcapWriter w;
        long ts = 1_700_000_000_000_000_000L;
        private int id;

        Capture(final Path p) throws IOException {
            file = Files.newOutputStream(p);
            w = new PcapWriter(file, LinkType.RAW, 65535, false, ByteOrder.LITTLE_ENDIAN);
        }

        void udp(final String src, final int sport, final String dst, final int dport, final byte[] payload) throws IOException {
            ts += 1_000_000L;
            final byte[] f = Frames.ipv4(ip(src), ip(dst), 17, ++id & 0xffff, false, 0, new byte[0], Frames.udp(sport, dport, payload));
            w.write(ts, f, 0, f.length, f.length);
        }

        @Override
        public void close() throws IOException {
            w.close();
            file.close();
        }

        private static byte[] ip(final String s) {
            final String[] p = s.split("\\.");
            return new byte[] {(byte) Integer.parseInt(p[0]), (byte) Integer.parseInt(p[1]), (byte) Integer.parseInt(p[2]),
                (byte) Integer.parseInt(p[3])};
        }
    }

    private static byte[] sip(final String text) {
        return text.replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] invite(final String callId, final String from, final int port) {
        final String sdp = port == 0 ? "" : "v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\nm=audio " + port
            + " RTP/AVP 0\na=rtpmap:0 PCMU/8000\n";
        final int len = sdp.replace("\n", "\r\n").length();
        return sip("INVITE sip:bob@10.0.0.2 SIP/2.0\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK" + callId
            + "\nFrom: <sip:" + from + "@10.0.0.1>;tag=a" + callId + "\nTo: <sip:bob@10.0.0.2>\nCall-ID: " + callId
            + "\nCSeq: 1 INVITE\nMax-Forwards: 70\n" + (sdp.isEmpty() ? "" : "Content-Type: application/sdp\n")
            + "Content-Length: " + len + "\n\n" + sdp);
    }

    private static byte[] response(final String callId, final String cseq, final int port) {
        final String sdp = port == 0 ? "" : "v=0\no=- 2 2 IN IP4 10.0.0.2\ns=-\nc=IN IP4 10.0.0.2\nt=0 0\nm=audio " + port
            + " RTP/AVP 0\na=rtpmap:0 PCMU/8000\n";
        final int len = sdp.replace("\n", "\r\n").length();
        return sip("SIP/2.0 200 OK\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK" + callId + "\nFrom: <sip:alice@10.0.0.1>;tag=a"
            + callId + "\nTo: <sip:bob@10.0.0.2>;tag=b" + callId + "\nCall-ID: " + callId + "\nCSeq: " + cseq + "\n"
            + (sdp.isEmpty() ? "" : "Content-Type: application/sdp\n") + "Content-Length: " + len + "\n\n" + sdp);
    }

    private static byte[] request(final String method, final String callId, final int cseq) {
        return sip(method + " sip:bob@10.0.0.2 SIP/2.0\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK" + callId + method
            + "\nFrom: <sip:alice@10.0.0.1>;tag=a" + callId + "\nTo: <sip:bob@10.0.0.2>;tag=b" + callId + "\nCall-ID: " + callId
            + "\nCSeq: " + cseq + " " + method + "\nContent-Length: 0\n\n");
    }

    private static byte[] rtp(final int seq, final long ssrc) {
        final byte[] p = new byte[12 + 160];
        p[0] = (byte) 0x80;
        Frames.put16(p, 2, seq & 0xffff);
        Frames.put32(p, 4, seq * 160L);
        Frames.put32(p, 8, ssrc);
        return p;
    }

    /** A real call set up with SDP, {@code packets} RTP packets each way, not yet hung up. */
    private static void realCallStart(final Capture c, final int packets) throws IOException {
        c.udp("10.0.0.1", 5060, "10.0.0.2", 5060, invite("REAL", "alice", 40000));
        c.udp("10.0.0.2", 5060, "10.0.0.1", 5060, response("REAL", "1 INVITE", 50000));
        c.udp("10.0.0.1", 5060, "10.0.0.2", 5060, request("ACK", "REAL", 1));
        for (int i = 0; i < packets; i++) {
            c.udp("10.0.0.1", 40000, "10.0.0.2", 50000, rtp(i, 0x1111));
            c.udp("10.0.0.2", 50000, "10.0.0.1", 40000, rtp(i, 0x2222));
        }
    }

    private static void realCallEnd(final Capture c) throws IOException {
        c.udp("10.0.0.1", 5060, "10.0.0.2", 5060, request("BYE", "REAL", 2));
        c.udp("10.0.0.2", 5060, "10.0.0.1", 5060, response("REAL", "2 BYE", 0));
    }

    @Test
    void unansweredCallsGoBeforeTheAnsweredCallAtTheCallsBound() throws IOException {
        final Path f = dir.resolve("invites.pcap");
        try (Capture c = new Capture(f)) {
            realCallStart(c, 10);
            for (int i = 0; i < 200; i++) {
                c.udp("10.1." + (i >> 8) + "." + (i & 255), 5060, "10.0.0.2", 5060, invite("junk" + i, "x", 0));
            }
            realCallEnd(c);
        }
        final Run json = run("calls", "--json", "--max-calls", "50", f.toString());
        assertThat(json.code()).isZero();
        final JsonNode doc = JSON.readTree(json.out());
        // 201 calls through a bound of 50: 151 dropped, every one of them unanswered
        assertThat(doc.get("dropped_calls").asLong()).isEqualTo(151);
        assertThat(doc.get("dropped_calls_unanswered").asLong()).isEqualTo(151);
        final List<String> ids = new ArrayList<>();
        doc.get("calls").forEach(x -> ids.add(x.get("call_id").asText()));
        assertThat(ids).hasSize(50).contains("REAL").doesNotContain("junk0", "junk150").contains("junk151", "junk199");
        final JsonNode real = find(doc.get("calls"), "REAL");
        assertThat(real.get("state").asText()).isEqualTo("COMPLETED");
        assertThat(real.get("streams")).hasSize(2);

        final Run table = run("calls", "--max-calls", "50", f.toString());
        assertThat(table.code()).isZero();
        assertThat(table.out()).contains("REAL").contains("--max-calls 50 reached: 151 calls were dropped, those without a response first");
    }

    @Test
    void oneMessageStreamsGoBeforeRealStreamsAtTheStreamsBound() throws IOException {
        final Path f = dir.resolve("ssrc.pcap");
        final Random r = new Random(7);
        try (Capture c = new Capture(f)) {
            realCallStart(c, 50);
            for (int i = 0; i < 100; i++) {
                c.udp("10.0.0.9", 40000, "10.0.0.2", 50000, rtp(i, r.nextInt() & 0xffffffffL | 0x1_0000L));
            }
            realCallEnd(c);
        }
        final Run json = run("rtp", "--json", "--max-streams", "20", f.toString());
        assertThat(json.code()).isZero();
        final JsonNode doc = JSON.readTree(json.out());
        assertThat(doc.get("streams_limit_hits").asLong()).isEqualTo(82);
        assertThat(doc.get("dropped_one_packet_streams").asLong()).isEqualTo(82);
        final JsonNode a = findSsrc(doc.get("streams"), "0x00001111");
        final JsonNode b = findSsrc(doc.get("streams"), "0x00002222");
        assertThat(a.get("packets").asLong()).isEqualTo(50);
        assertThat(b.get("packets").asLong()).isEqualTo(50);
        assertThat(doc.get("streams")).hasSize(20);

        final Run table = run("rtp", "--max-streams", "20", f.toString());
        // a table writes a stream pushed out at the bound as it stands: all 102 are listed
        assertThat(table.out()).contains("102 RTP streams")
            .contains("--max-streams 20 reached: 82 streams were written before they ended, those of one packet first (82 of them)");
    }

    @Test
    void intervalRowsOfAllStreamsTogetherStopAtTheBound() throws IOException {
        // 20 streams, each silent for 2 s: at 1 ms each would fill 2,000 empty rows, 40,000 in all
        final Path f = dir.resolve("intervals.pcap");
        try (Capture c = new Capture(f)) {
            realCallStart(c, 1);
            for (int k = 0; k < 2; k++) {
                for (int s = 0; s < 20; s++) {
                    c.udp("10.0.0.1", 40000, "10.0.0.2", 50000, rtp(k + 1, 0x5000 + s));
                }
                c.ts += 2_000_000_000L;
            }
            realCallEnd(c);
        }
        final Run json = run("rtp", "--json", "--interval", "1ms", "--max-intervals", "5000", f.toString());
        assertThat(json.code()).isZero();
        final JsonNode doc = JSON.readTree(json.out());
        long kept = 0;
        for (final JsonNode s : doc.get("streams")) {
            kept += s.path("intervals").size();
        }
        assertThat(kept).isEqualTo(5000);
        assertThat(doc.get("dropped_intervals").asLong()).isGreaterThan(30_000);
        final Run table = run("rtp", "--interval", "1ms", "--max-intervals", "5000", f.toString());
        assertThat(table.out()).contains("--max-intervals reached: " + doc.get("dropped_intervals").asLong() + " --interval rows were not kept");
    }

    @Test
    void flowRowsPastTheBoundLeaveOutOnePacketFlowsAndSaySo() throws IOException {
        final Path f = dir.resolve("flows.pcap");
        try (Capture c = new Capture(f)) {
            realCallStart(c, 5);
            for (int i = 0; i < 300; i++) {
                c.udp("11.0." + (i >> 8) + "." + (i & 255), 1000 + i, "12.0.0.1", 2000, new byte[] {1, 2, 3});
            }
            realCallEnd(c);
        }
        final Run json = run("flows", "--json", "--max-flow-rows", "100", f.toString());
        assertThat(json.code()).isZero();
        final JsonNode doc = JSON.readTree(json.out());
        assertThat(doc.get("total_flows").asLong()).isEqualTo(302);
        assertThat(doc.get("omitted_flows").asLong()).isEqualTo(doc.get("total_flows").asLong() - doc.get("flows").size());
        assertThat(doc.get("omitted_flows_max_packets").asLong()).isEqualTo(1);
        final List<String> rows = new ArrayList<>();
        doc.get("flows").forEach(x -> rows.add(x.get("packets").asText()));
        assertThat(doc.get("flows")).anySatisfy(x -> assertThat(x.get("packets").asLong()).isEqualTo(10));
        final Run table = run("flows", "--max-flow-rows", "100", f.toString());
        assertThat(table.out()).contains("--max-flow-rows 100 reached: " + doc.get("omitted_flows").asLong()
            + " conversations of at most 1 packet are not listed");
    }

    private static JsonNode find(final JsonNode calls, final String id) {
        for (final JsonNode c : calls) {
            if (id.equals(c.get("call_id").asText())) {
                return c;
            }
        }
        throw new AssertionError("no call " + id);
    }

    private static JsonNode findSsrc(final JsonNode streams, final String ssrc) {
        for (final JsonNode s : streams) {
            if (ssrc.equals(s.get("ssrc").asText())) {
                return s;
            }
        }
        throw new AssertionError("no stream " + ssrc);
    }
}
