package dev.callscope.tls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.core.SrtpStats;
import dev.callscope.core.TlsStats;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.tap.Tap;
import dev.callscope.dissect.rtp.RtcpPacket;
import dev.callscope.dissect.rtp.RtpPacket;
import dev.callscope.engine.Engine;
import dev.callscope.engine.EngineOptions;
import dev.callscope.pcap.CaptureFiles;
import java.io.IOException;
import java.io.StringReader;
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
 * WebRTC sessions between two werift peers (samples/dtls/record.sh; DTLS 1.2, the master secret in
 * a key log): the DTLS-SRTP keys exported from the handshake (RFC 5764 4.2) equal the peers' own,
 * and with them every SRTP packet and SRTCP report each peer sent comes out as it sent it.
 */
class DtlsSrtpTest {
    private static final Path DIR = Path.of("samples/dtls");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static KeyLog keys(final String name) throws IOException {
        final KeyLog k = new KeyLog(100);
        k.read(new StringReader(Files.readString(DIR.resolve(name + ".keys"))));
        return k;
    }

    @ParameterizedTest
    @ValueSource(strings = {"webrtc-dtls12-aescm", "webrtc-dtls12-gcm"})
    void theExportedKeysAreThePeers(final String name) throws Exception {
        final JsonNode truth = JSON.readTree(DIR.resolve(name + ".truth.json").toFile()).get("srtp");
        final DtlsKeys dtls = new DtlsKeys(keys(name), new TlsStats());
        final String client = JSON.readTree(DIR.resolve(name + ".truth.json").toFile()).get("dtls").get("client_address").asText();
        try (PacketSource s = CaptureFiles.open(DIR.resolve(name + ".pcap").toString())) {
            final RawFrame f = new RawFrame();
            while (s.next(f) && dtls.exported() == null) {
                final byte[] d = f.data;
                final int ihl = (d[14] & 0x0F) * 4;
                if (d[14 + 9] != 17) {
                    continue;
                }
                final int udp = 14 + ihl;
                final int payload = udp + 8;
                final int b0 = d[payload] & 0xFF;
                if (b0 >= 20 && b0 <= 63) {
                    final String src = (d[26] & 0xFF) + "." + (d[27] & 0xFF) + "." + (d[28] & 0xFF) + "." + (d[29] & 0xFF) + ":"
                        + ((d[udp] & 0xFF) << 8 | d[udp + 1] & 0xFF);
                    dtls.datagram(src.equals(client) ? 0 : 1, d, payload, f.capLen - payload);
                }
            }
        }
        final DtlsKeys.Exported e = dtls.exported();
        assertThat(e).isNotNull();
        assertThat(e.suite()).isEqualTo(truth.get("profile").asText().replace("SRTP_AES128_CM", "AES_CM_128").replace("SRTP_", ""));
        final JsonNode k = truth.get("keys");
        assertThat(HexFormat.of().formatHex(e.clientKey())).isEqualTo(k.get("client_write_key").asText());
        assertThat(HexFormat.of().formatHex(e.serverKey())).isEqualTo(k.get("server_write_key").asText());
        assertThat(HexFormat.of().formatHex(e.clientSalt())).isEqualTo(k.get("client_write_salt").asText());
        assertThat(HexFormat.of().formatHex(e.serverSalt())).isEqualTo(k.get("server_write_salt").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"webrtc-dtls12-aescm", "webrtc-dtls12-gcm"})
    void everyPacketEachPeerSentComesOutAsItWasSent(final String name) throws Exception {
        final DecryptedMedia media = DecryptedMedia.of(DIR.resolve(name + ".pcap"), keys(name));
        final List<RtpPacket> rtp = media.rtp();
        final List<RtcpPacket> rtcp = media.rtcp();
        final SrtpStats[] stats = {media.stats()};
        final List<JsonNode> sent = new ArrayList<>();
        final List<JsonNode> reports = new ArrayList<>();
        for (final String line : Files.readAllLines(DIR.resolve(name + ".media.truth.jsonl"))) {
            final JsonNode n = JSON.readTree(line);
            (n.has("rtcp") ? reports : sent).add(n);
        }
        assertThat(rtp).hasSize(sent.size());
        for (final JsonNode t : sent) {
            final RtpPacket p = rtp.stream().filter(x -> x.ssrc() == t.get("ssrc").asLong() && x.sequence() == t.get("seq").asInt())
                .findFirst().orElseThrow(() -> new AssertionError("not found: " + t));
            assertThat(p.srtp()).isEqualTo(RtpPacket.SRTP_DECRYPTED);
            assertThat(p.timestamp()).isEqualTo(t.get("ts").asLong());
            assertThat(p.payloadType()).isEqualTo(t.get("pt").asInt());
            assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(p.payload())))
                .as("payload of %s", t).isEqualTo(t.get("payload_sha256").asText());
        }
        assertThat(stats[0].decrypted).isEqualTo(sent.size());
        assertThat(stats[0].authFailures).isZero();
        assertThat(stats[0].rtcpDecrypted).isEqualTo(reports.size());
        assertThat(rtcp).hasSize(reports.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"webrtc-dtls12-gcm"})
    void webrtcAndReadSayWhatWasDecrypted(final String name) throws Exception {
        final java.io.StringWriter out = new java.io.StringWriter();
        final java.io.StringWriter err = new java.io.StringWriter();
        final int code = dev.callscope.cli.Main.run(new java.io.PrintWriter(out), new java.io.PrintWriter(err), "webrtc", "--json",
            "--keylog", DIR.resolve(name + ".keys").toString(), DIR.resolve(name + ".pcap").toString());
        assertThat(code).as(err.toString()).isZero();
        final JsonNode streams = JSON.readTree(out.toString()).get("sessions").get(0).get("srtp_streams");
        long decrypted = 0;
        for (final JsonNode st : streams) {
            if (!st.get("rtcp").asBoolean()) {
                assertThat(st.get("decrypted").asLong()).isEqualTo(st.get("packets").asLong());
                assertThat(st.get("auth_failures").asLong()).isZero();
                decrypted += st.get("decrypted").asLong();
            }
        }
        assertThat(decrypted).isEqualTo(300);
        final java.io.StringWriter read = new java.io.StringWriter();
        dev.callscope.cli.Main.run(new java.io.PrintWriter(read), new java.io.PrintWriter(new java.io.StringWriter()), "read",
            "--keylog", DIR.resolve(name + ".keys").toString(), DIR.resolve(name + ".pcap").toString());
        assertThat(read.toString()).contains("DTLS:         1 handshake, 1 with DTLS-SRTP keys exported, 0 without a key")
            .doesNotContain("TLS:          0 connections");
        // without the key log: as before, nothing decrypted
        final java.io.StringWriter clear = new java.io.StringWriter();
        dev.callscope.cli.Main.run(new java.io.PrintWriter(clear), new java.io.PrintWriter(new java.io.StringWriter()), "webrtc",
            DIR.resolve(name + ".pcap").toString());
        assertThat(clear.toString()).doesNotContain("decrypted");
    }

    @ParameterizedTest
    @ValueSource(strings = {"webrtc-dtls12-aescm", "webrtc-dtls12-gcm"})
    void dataChannelsAreReadOutOfTheDecryptedDtls(final String name) throws Exception {
        final JsonNode facts = JSON.readTree(DIR.resolve(name + ".truth.json").toFile());
        final Map<String, String> address = Map.of("A", facts.get("ice").get("five_tuple").get("a").asText(),
            "B", facts.get("ice").get("five_tuple").get("b").asText());
        // what each peer sent, by label and sender: messages and bytes
        final Map<String, long[]> sent = new java.util.HashMap<>();
        final Map<String, JsonNode> channels = new java.util.HashMap<>();
        for (final String line : Files.readAllLines(DIR.resolve(name + ".channels.truth.jsonl"))) {
            final JsonNode n = JSON.readTree(line);
            if (n.get("kind").asText().equals("channel")) {
                channels.put(n.get("label").asText(), n);
            } else if (n.get("kind").asText().equals("message")) {
                final long[] c = sent.computeIfAbsent(n.get("label").asText() + " " + address.get(n.get("from").asText()), k -> new long[2]);
                c[0]++;
                c[1] += n.get("length").asLong();
            }
        }
        final java.io.StringWriter out = new java.io.StringWriter();
        final int code = dev.callscope.cli.Main.run(new java.io.PrintWriter(out), new java.io.PrintWriter(new java.io.StringWriter()),
            "webrtc", "--json", "--keylog", DIR.resolve(name + ".keys").toString(), DIR.resolve(name + ".pcap").toString());
        assertThat(code).isZero();
        final JsonNode found = JSON.readTree(out.toString()).get("sessions").get(0).get("data_channels");
        assertThat(found).hasSize(channels.size());
        for (final JsonNode ch : found) {
            final JsonNode t = channels.get(ch.get("label").asText());
            assertThat(t).as(ch.toString()).isNotNull();
            assertThat(ch.get("stream_id").asInt()).isEqualTo(t.get("stream_id").asInt());
            assertThat(ch.get("protocol").asText()).isEqualTo(t.get("protocol").asText());
            assertThat(ch.get("opened_by").asText()).isEqualTo(address.get(t.get("opened_by").asText()));
            assertThat(ch.get("acked").asBoolean()).isTrue();
            // the channel type on the wire, as the opener's DCEP message carried it
            assertThat(ch.get("ordered").asBoolean()).isEqualTo((Integer.decode(t.get("dcep_open").get("channel_type").asText()) & 0x80) == 0);
            for (final JsonNode side : ch.get("sent")) {
                final long[] c = sent.getOrDefault(ch.get("label").asText() + " " + side.get("src").asText(), new long[2]);
                assertThat(side.get("messages").asLong()).as("%s from %s", ch.get("label"), side.get("src")).isEqualTo(c[0]);
                assertThat(side.get("bytes").asLong()).as("%s from %s", ch.get("label"), side.get("src")).isEqualTo(c[1]);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void aFollowedKeyLogWrittenAfterTheHandshakeStillKeysTheMedia(@org.junit.jupiter.api.io.TempDir final Path tmp) throws Exception {
        final String name = "webrtc-dtls12-aescm";
        final Path log = tmp.resolve("live.keys");
        Files.writeString(log, "");
        final KeyLog keys = new KeyLog(100);
        keys.follow(log);
        final SrtpStats[] srtp = new SrtpStats[1];
        final TlsStats[] tls = new TlsStats[1];
        final Engine engine = new Engine(DissectorRegistry.builtIn(Set.of(), Map.of()), EngineOptions.defaults(), List.of(new Tap() {
            @Override
            public void onSrtp(final SrtpStats s) {
                srtp[0] = s;
            }

            @Override
            public void onTls(final TlsStats s) {
                tls[0] = s;
            }
        }));
        engine.decrypt(keys);
        // the key log line is written only once frame 20 was read: after the ServerHello (frame 8) went by
        try (PacketSource source = new dev.callscope.core.ForwardingSource(CaptureFiles.open(DIR.resolve(name + ".pcap").toString())) {
            private int n;

            @Override
            public boolean next(final RawFrame f) throws IOException {
                if (++n == 20) {
                    Files.writeString(log, Files.readString(DIR.resolve(name + ".keys")));
                    try {
                        Thread.sleep(20); // past the interval between two looks at the file
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return in.next(f);
            }
        }) {
            engine.run(source);
        }
        assertThat(tls[0].dtlsKeyed).isEqualTo(1);
        assertThat(tls[0].dtlsWithoutKey).isZero();
        assertThat(srtp[0].decrypted).isEqualTo(300);
    }

    @org.junit.jupiter.api.Test
    void damagedHandshakeDatagramsNeverThrow() throws Exception {
        // the capture's DTLS datagrams with bytes changed and cut, through the key export and the record opening
        final String name = "webrtc-dtls12-aescm";
        final List<byte[]> dtls = new ArrayList<>();
        try (PacketSource s = CaptureFiles.open(DIR.resolve(name + ".pcap").toString())) {
            final RawFrame f = new RawFrame();
            while (s.next(f)) {
                final int payload = 14 + (f.data[14] & 0x0F) * 4 + 8;
                if (f.data[14 + 9] == 17 && (f.data[payload] & 0xFF) >= 20 && (f.data[payload] & 0xFF) <= 63) {
                    dtls.add(java.util.Arrays.copyOfRange(f.data, payload, f.capLen));
                }
            }
        }
        assertThat(dtls).hasSizeGreaterThan(10);
        final KeyLog k = keys(name);
        final java.util.Random rnd = new java.util.Random(5764);
        final byte[] out = new byte[TlsConnection.MAX_FRAGMENT];
        for (int round = 0; round < 2_000; round++) {
            final DtlsKeys d = new DtlsKeys(k, new TlsStats());
            for (final byte[] clean : dtls) {
                final byte[] b = clean.clone();
                for (int n = rnd.nextInt(4); n > 0; n--) {
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                }
                final int len = rnd.nextInt(8) == 0 ? rnd.nextInt(b.length + 1) : b.length;
                final int dir = rnd.nextInt(2);
                org.assertj.core.api.Assertions.assertThatCode(() -> {
                    d.datagram(dir, b, 0, len);
                    d.applicationData(dir, b, 0, len, (x, buf, o, l) -> { }, out);
                }).doesNotThrowAnyException();
            }
        }
    }

    /**
     * werift's sender reports carry an NTP clock that is not the capture's (the capture-clock RTT came
     * out at 1,384 and 1,584 ms on loopback, the estimated MOS near 1): the RTT is taken from when the
     * sender report and the report answering it were captured, less DLSR.
     */
    @org.junit.jupiter.api.Test
    void rttComesFromCaptureTimesNotTheSendersClock() throws Exception {
        final java.io.StringWriter out = new java.io.StringWriter();
        dev.callscope.cli.Main.run(new java.io.PrintWriter(out), new java.io.PrintWriter(new java.io.StringWriter()), "rtp", "--json",
            "--keylog", DIR.resolve("webrtc-dtls12-aescm.keys").toString(), DIR.resolve("webrtc-dtls12-aescm.pcap").toString());
        int withRtt = 0;
        for (final JsonNode st : JSON.readTree(out.toString()).get("streams")) {
            if (!st.get("rtt_ms").isNull()) {
                withRtt++;
                assertThat(st.get("rtt_ms").asDouble()).as("loopback RTT of %s", st.get("src")).isBetween(0.0, 20.0);
                assertThat(st.get("mos_estimate").asDouble()).isGreaterThan(4.0);
            }
        }
        assertThat(withRtt).isEqualTo(2);
    }
}
