package dev.callscope.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callscope.cli.Main;
import dev.callscope.core.PacketSource;
import dev.callscope.core.SrtpStats;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.tap.Tap;
import dev.callscope.dissect.rtp.RtcpPacket;
import dev.callscope.dissect.rtp.RtpDissector;
import dev.callscope.dissect.rtp.RtpPacket;
import dev.callscope.engine.Engine;
import dev.callscope.engine.EngineOptions;
import dev.callscope.pcap.CaptureFiles;
import dev.callscope.tls.KeyLog;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Calls recorded by samples/srtp/record.sh: SIP over TLS 1.3 whose SDP carries SDES keys (a=crypto),
 * media protected by libsrtp2. With the TLS key log, the SDP is read, and with its keys every SRTP
 * packet each sender protected comes out as it sent it: sequence number, timestamp, payload type,
 * marker and the SHA-256 of the clear payload from the sender's own record
 * (NAME.media.truth.jsonl), and every SRTCP sender report with its packet and octet counts.
 */
class SrtpDecryptionTest {
    private static final Path DIR = Path.of("samples/srtp");
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Result(List<RtpPacket> rtp, List<RtcpPacket> rtcp, SrtpStats srtp) {
    }

    private static Result run(final String name, final boolean withKeys) throws IOException {
        final List<RtpPacket> rtp = new ArrayList<>();
        final List<RtcpPacket> rtcp = new ArrayList<>();
        final SrtpStats[] stats = new SrtpStats[1];
        final Tap tap = new Tap() {
            @Override
            public void onEvent(final ProtocolEvent e) {
                if (e instanceof RtpPacket p) {
                    rtp.add(p);
                } else if (e instanceof RtcpPacket p) {
                    rtcp.add(p);
                }
            }

            @Override
            public void onSrtp(final SrtpStats s) {
                stats[0] = s;
            }
        };
        final Engine engine = new Engine(DissectorRegistry.builtIn(Set.of(), Map.of(RtpDissector.PREF_KEEP_PAYLOAD, "true")),
            EngineOptions.defaults(), List.of(tap));
        final KeyLog keys = new KeyLog(100);
        if (withKeys) {
            keys.read(new StringReader(Files.readString(DIR.resolve(name + ".keys"))));
        }
        engine.decrypt(keys);
        try (PacketSource source = CaptureFiles.open(DIR.resolve(name + ".pcap").toString())) {
            engine.run(source);
        }
        return new Result(rtp, rtcp, stats[0]);
    }

    private static List<JsonNode> truth(final String name, final boolean rtcp) throws IOException {
        final List<JsonNode> out = new ArrayList<>();
        for (final String line : Files.readAllLines(DIR.resolve(name + ".media.truth.jsonl"))) {
            final JsonNode n = JSON.readTree(line);
            if (n.has("rtcp") == rtcp) {
                out.add(n);
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"call-aes-cm", "call-gcm", "call-mki"})
    void everyPacketSentComesOutAsItWasSent(final String name) throws Exception {
        final Result r = run(name, true);
        final List<JsonNode> sent = truth(name, false);
        assertThat(r.rtp()).hasSize(sent.size());
        // the capture's order is the order of sending on loopback, per sender; compare per SSRC
        for (final JsonNode t : sent) {
            final RtpPacket p = r.rtp().stream()
                .filter(x -> x.ssrc() == t.get("ssrc").asLong() && x.sequence() == t.get("seq").asInt()
                    && x.timestamp() == t.get("ts").asLong())
                .findFirst().orElseThrow(() -> new AssertionError("not found: " + t));
            assertThat(p.srtp()).isEqualTo(RtpPacket.SRTP_DECRYPTED);
            assertThat(p.payloadType()).isEqualTo(t.get("pt").asInt());
            assertThat(p.marker()).isEqualTo(t.get("marker").asInt() == 1);
            assertThat(p.payloadLength()).isEqualTo(t.get("payload_len").asInt());
            assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(p.payload())))
                .as("payload of %s", t).isEqualTo(t.get("payload_sha256").asText());
        }
        assertThat(sent.stream().anyMatch(t -> t.get("roc").asInt() > 0)).as("a stream's sequence number wraps").isTrue();

        final List<JsonNode> reports = truth(name, true);
        final List<RtcpPacket> srs = r.rtcp().stream().filter(p -> p.packetType() == RtcpPacket.SR).toList();
        assertThat(srs).hasSize(reports.size());
        for (final JsonNode t : reports) {
            assertThat(srs).anySatisfy(p -> {
                assertThat(p.ssrc()).isEqualTo(t.get("ssrc").asLong());
                assertThat(p.sender().packetCount()).isEqualTo(t.get("packets").asLong());
                assertThat(p.sender().octetCount()).isEqualTo(t.get("octets").asLong());
                assertThat(p.sender().rtpTimestamp()).isEqualTo(t.get("rtp_ts").asLong());
            });
        }
        assertThat(r.srtp().authFailures).isZero();
        assertThat(r.srtp().rtcpAuthFailures).isZero();
        assertThat(r.srtp().decrypted).isEqualTo(sent.size());
        assertThat(r.srtp().rtcpDecrypted).isEqualTo(reports.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"call-aes-cm", "call-gcm", "call-mki"})
    void withoutTheTlsKeysTheSdpIsUnreadAndTheMediaIsAnalysedAsBefore(final String name) throws Exception {
        final Result r = run(name, false);
        // no SDP read: no media expected, no keys; nothing is decrypted or failed
        assertThat(r.srtp()).isNull();
        assertThat(r.rtp()).allSatisfy(p -> assertThat(p.srtp()).isEqualTo(RtpPacket.SRTP_NONE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"call-aes-cm"})
    void rtpAndReadSayWhatWasDecrypted(final String name) throws Exception {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = Main.run(new PrintWriter(out), new PrintWriter(err), "rtp", "--json", "--keylog",
            DIR.resolve(name + ".keys").toString(), DIR.resolve(name + ".pcap").toString());
        assertThat(code).as(err.toString()).isZero();
        final JsonNode streams = JSON.readTree(out.toString()).get("streams");
        assertThat(streams).hasSize(4);
        for (final JsonNode s : streams) {
            assertThat(s.get("srtp").get("decrypted").asLong()).isEqualTo(s.get("packets").asLong());
            assertThat(s.get("srtp").get("auth_failures").asLong()).isZero();
            assertThat(s.get("lost").asLong()).isZero();
        }
        final StringWriter text = new StringWriter();
        Main.run(new PrintWriter(text), new PrintWriter(new StringWriter()), "read", "--keylog",
            DIR.resolve(name + ".keys").toString(), DIR.resolve(name + ".pcap").toString());
        assertThat(text.toString()).contains("SRTP:").contains("0 failed authentication");
        assertThat(text.toString()).doesNotContain("inline:");
    }

    @org.junit.jupiter.api.Test
    void damagedPacketsFailAuthenticationOnTheirStreamAndTheOthersStillDecrypt(@org.junit.jupiter.api.io.TempDir final Path tmp)
        throws Exception {
        // every 10th SRTP/SRTCP datagram of the capture gets one byte of its protected part flipped
        final Path damaged = tmp.resolve("call-aes-cm.pcap");
        Files.copy(DIR.resolve("call-aes-cm.keys"), tmp.resolve("call-aes-cm.keys"));
        int flipped = 0;
        int media = 0;
        try (PacketSource in = CaptureFiles.open(DIR.resolve("call-aes-cm.pcap").toString());
             dev.callscope.pcap.PcapWriter out = new dev.callscope.pcap.PcapWriter(Files.newOutputStream(damaged), 1, 262144, false,
                 java.nio.ByteOrder.LITTLE_ENDIAN)) {
            final dev.callscope.core.RawFrame f = new dev.callscope.core.RawFrame();
            while (in.next(f)) {
                final byte[] d = f.data;
                final int ihl = (d[14] & 0x0F) * 4;
                final boolean udp = d[14 + 9] == 17;
                if (udp) {
                    final int dst = (d[14 + ihl + 2] & 0xFF) << 8 | d[14 + ihl + 3] & 0xFF;
                    if (dst >= 40000 && dst < 60000 && media++ % 10 == 5) {
                        d[f.capLen - 12] ^= 0x40; // in the payload (or the SRTCP index), before the tag
                        flipped++;
                    }
                }
                out.write(f);
            }
        }
        final Path saved = DIR;
        final Result r;
        {
            final List<RtpPacket> rtp = new ArrayList<>();
            final SrtpStats[] stats = new SrtpStats[1];
            final Engine engine = new Engine(DissectorRegistry.builtIn(Set.of(), Map.of()), EngineOptions.defaults(), List.of(new Tap() {
                @Override
                public void onEvent(final ProtocolEvent e) {
                    if (e instanceof RtpPacket p) {
                        rtp.add(p);
                    }
                }

                @Override
                public void onSrtp(final SrtpStats s) {
                    stats[0] = s;
                }
            }));
            final KeyLog keys = new KeyLog(100);
            keys.read(new StringReader(Files.readString(saved.resolve("call-aes-cm.keys"))));
            engine.decrypt(keys);
            try (PacketSource source = CaptureFiles.open(damaged.toString())) {
                engine.run(source);
            }
            r = new Result(rtp, List.of(), stats[0]);
        }
        assertThat(flipped).isGreaterThan(50);
        assertThat(r.srtp().authFailures + r.srtp().rtcpAuthFailures).isEqualTo(flipped);
        assertThat(r.srtp().decrypted + r.srtp().rtcpDecrypted).isEqualTo(media - flipped);
        assertThat(r.rtp().stream().filter(p -> p.srtp() == RtpPacket.SRTP_AUTH_FAILED).count()).isEqualTo(r.srtp().authFailures);
    }
}
