package dev.callscope.tls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callscope.core.SrtpStats;
import dev.callscope.dissect.rtp.RtcpPacket;
import dev.callscope.dissect.rtp.RtpPacket;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * DTLS-SRTP between two werift peers that talk only through coturn (samples/dtls-turn): the same
 * handshake and media cross three legs, client A to the server in TURN ChannelData, the two relayed
 * addresses as plain UDP, the server to client B in ChannelData. With the key log every leg's SRTP
 * and SRTCP decrypt, inside ChannelData too, to what the senders' own records say they sent.
 */
class DtlsThroughTurnTest {
    private static final Path DIR = Path.of("samples/dtls-turn");
    private static final String NAME = "webrtc-dtls12-turn";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyLegDecryptsToWhatEachPeerSent() throws Exception {
        final KeyLog keys = new KeyLog(100);
        keys.read(new StringReader(Files.readString(DIR.resolve(NAME + ".keys"))));
        final DecryptedMedia media = DecryptedMedia.of(DIR.resolve(NAME + ".pcap"), keys);
        final List<RtpPacket> rtp = media.rtp();
        final List<RtcpPacket> rtcp = media.rtcp();
        final SrtpStats[] stats = {media.stats()};
        final List<JsonNode> sent = new ArrayList<>();
        long reports = 0;
        for (final String line : Files.readAllLines(DIR.resolve(NAME + ".media.truth.jsonl"))) {
            final JsonNode n = JSON.readTree(line);
            if (n.has("rtcp")) {
                reports++;
            } else {
                sent.add(n);
            }
        }
        final int legs = JSON.readTree(DIR.resolve(NAME + ".truth.json").toFile()).get("turn").get("legs").size();
        assertThat(legs).isEqualTo(3);
        // each packet was captured once per leg, and each copy decrypts to what its sender sent
        assertThat(rtp).hasSize(sent.size() * legs);
        final SoftAssertions soft = new SoftAssertions();
        for (final JsonNode t : sent) {
            final List<RtpPacket> copies = rtp.stream().filter(x -> x.ssrc() == t.get("ssrc").asLong() && x.sequence() == t.get("seq").asInt())
                .toList();
            soft.assertThat(copies).as("copies of %s/%s", t.get("ssrc"), t.get("seq")).hasSize(legs);
            for (final RtpPacket p : copies) {
                soft.assertThat(p.srtp()).isEqualTo(RtpPacket.SRTP_DECRYPTED);
                soft.assertThat(p.timestamp()).isEqualTo(t.get("ts").asLong());
                soft.assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(p.payload())))
                    .as("payload of %s on %s", t.get("seq"), p.flow()).isEqualTo(t.get("payload_sha256").asText());
            }
        }
        soft.assertAll();
        assertThat(stats[0].decrypted).isEqualTo(sent.size() * legs);
        assertThat(stats[0].authFailures).isZero();
        assertThat(stats[0].rtcpDecrypted).isEqualTo(reports * legs);
        assertThat(rtcp).hasSize((int) reports * legs);
    }

    @Test
    void bothTurnClientsAreNamedAndNoCopyIsReadAsClearRtcp() throws Exception {
        final StringWriter read = new StringWriter();
        dev.callscope.cli.Main.run(new java.io.PrintWriter(read), new java.io.PrintWriter(new StringWriter()), "read",
            "--keylog", DIR.resolve(NAME + ".keys").toString(), DIR.resolve(NAME + ".pcap").toString());
        assertThat(read.toString()).contains("Anomalies:    0").contains("3 with DTLS-SRTP keys exported");
        final StringWriter out = new StringWriter();
        dev.callscope.cli.Main.run(new java.io.PrintWriter(out), new java.io.PrintWriter(new StringWriter()), "webrtc", "--json",
            "--keylog", DIR.resolve(NAME + ".keys").toString(), DIR.resolve(NAME + ".pcap").toString());
        final JsonNode session = JSON.readTree(out.toString()).get("sessions").get(0);
        final JsonNode wire = JSON.readTree(DIR.resolve(NAME + ".wire.json").toFile()).get("legs");
        final SoftAssertions soft = new SoftAssertions();
        int viaTurn = 0;
        for (final JsonNode leg : session.get("legs")) {
            final String flow = leg.get("flow").asText();
            if (flow.contains("127.0.0.20:3478")) {
                viaTurn++;
                soft.assertThat(leg.get("via").asText()).as(flow).isEqualTo("turn");
            }
            // frames each way equal the recording's count of that 5-tuple
            for (final JsonNode w : (Iterable<JsonNode>) wire::elements) {
                final String src = w.get("src").asText();
                final String dst = w.get("dst").asText();
                if (flow.equals("udp " + src + " <-> " + dst)) {
                    soft.assertThat(leg.get("frames_a_to_b").asLong()).as("%s -> %s", src, dst).isEqualTo(w.get("frames").asLong());
                } else if (flow.equals("udp " + dst + " <-> " + src)) {
                    soft.assertThat(leg.get("frames_b_to_a").asLong()).as("%s -> %s", src, dst).isEqualTo(w.get("frames").asLong());
                }
            }
        }
        soft.assertThat(viaTurn).isEqualTo(2);
        soft.assertAll();
    }
}
