package dev.callscope.tls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.core.TlsStats;
import dev.callscope.pcap.CaptureFiles;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * DTLS 1.3 (RFC 9147) between a wolfSSL 5.9.2 client and server (samples/dtls13): a HelloRetryRequest,
 * the handshake in epoch 2 with use_srtp in the encrypted EncryptedExtensions, application data in
 * epochs 3 and 4 (a KeyUpdate each way), ACKs and close_notify. With the key log: the DTLS-SRTP keys
 * equal the ones both peers exported, and every application record opens to what its sender logged.
 */
class Dtls13Test {
    private static final Path DIR = Path.of("samples/dtls13");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CLIENT_PORT = 4434;

    private static KeyLog keys() throws Exception {
        final KeyLog k = new KeyLog(100);
        k.read(new StringReader(Files.readString(DIR.resolve("dtls13.keys"))));
        return k;
    }

    /** Each UDP payload of the capture, with its direction (0: from the client). */
    private record Datagram(int dir, byte[] data, int off, int len) {
    }

    private static List<Datagram> datagrams() throws Exception {
        final List<Datagram> l = new ArrayList<>();
        try (PacketSource s = CaptureFiles.open(DIR.resolve("dtls13.pcap").toString())) {
            final RawFrame f = new RawFrame();
            while (s.next(f)) {
                final byte[] d = f.data.clone();
                final int ihl = (d[14] & 0x0F) * 4;
                final int udp = 14 + ihl;
                final int src = (d[udp] & 0xFF) << 8 | d[udp + 1] & 0xFF;
                l.add(new Datagram(src == CLIENT_PORT ? 0 : 1, d, udp + 8, f.capLen - udp - 8));
            }
        }
        return l;
    }

    @Test
    void theSrtpKeysAreThePeersAndEveryMessageOpensAsSent() throws Exception {
        final TlsStats stats = new TlsStats();
        final DtlsKeys dtls = new DtlsKeys(keys(), stats);
        final List<String> opened = new ArrayList<>();
        final byte[] out = new byte[TlsConnection.MAX_FRAGMENT];
        for (final Datagram g : datagrams()) {
            if (dtls.exported() == null) {
                dtls.datagram(g.dir(), g.data(), g.off(), g.len());
            } else {
                dtls.applicationData(g.dir(), g.data(), g.off(), g.len(),
                    (dir, b, off, len) -> opened.add((dir == 0 ? "client: " : "server: ") + new String(b, off, len, StandardCharsets.UTF_8)),
                    out);
            }
        }
        final List<String> sent = new ArrayList<>();
        JsonNode handshake = null;
        for (final String line : Files.readAllLines(DIR.resolve("dtls13.truth.jsonl"))) {
            final JsonNode n = JSON.readTree(line);
            if ("sent".equals(n.path("event").asText())) {
                sent.add(n.get("side").asText() + ": " + n.get("text").asText());
            } else if ("handshake".equals(n.path("event").asText())) {
                handshake = n;
            }
        }
        assertThat(handshake).isNotNull();
        final DtlsKeys.Exported e = dtls.exported();
        assertThat(e).isNotNull();
        assertThat(e.suite()).isEqualTo("AES_CM_128_HMAC_SHA1_80");
        assertThat(HexFormat.of().formatHex(e.clientKey())).isEqualTo(handshake.get("srtp_client_write_key").asText());
        assertThat(HexFormat.of().formatHex(e.serverKey())).isEqualTo(handshake.get("srtp_server_write_key").asText());
        assertThat(HexFormat.of().formatHex(e.clientSalt())).isEqualTo(handshake.get("srtp_client_write_salt").asText());
        assertThat(HexFormat.of().formatHex(e.serverSalt())).isEqualTo(handshake.get("srtp_server_write_salt").asText());
        // epochs 3 and 4 (after each side's KeyUpdate), in the order the capture has them
        assertThat(opened).containsExactlyInAnyOrderElementsOf(sent).hasSize(10);
        assertThat(stats.dtlsRecords).isEqualTo(10);
        assertThat(stats.dtlsAuthFailures).isZero();
    }

    @Test
    void readSaysWhatWasDecryptedAndWithoutKeysNothingIs() {
        final StringWriter with = new StringWriter();
        dev.callscope.cli.Main.run(new java.io.PrintWriter(with), new java.io.PrintWriter(new StringWriter()), "read",
            "--keylog", DIR.resolve("dtls13.keys").toString(), DIR.resolve("dtls13.pcap").toString());
        assertThat(with.toString()).contains("DTLS:         1 handshake, 1 with DTLS-SRTP keys exported, 0 without a key; "
            + "records: 10 decrypted, 0 failed authentication").contains("Anomalies:    0");
        final StringWriter without = new StringWriter();
        dev.callscope.cli.Main.run(new java.io.PrintWriter(without), new java.io.PrintWriter(new StringWriter()), "read",
            DIR.resolve("dtls13.pcap").toString());
        assertThat(without.toString()).doesNotContain("decrypted");
        // a key log without this connection's secrets: the use_srtp is out of reach, the handshake one without a key
        final StringWriter other = new StringWriter();
        dev.callscope.cli.Main.run(new java.io.PrintWriter(other), new java.io.PrintWriter(new StringWriter()), "read",
            "--keylog", "samples/dtls/webrtc-dtls12-aescm.keys", DIR.resolve("dtls13.pcap").toString());
        assertThat(other.toString()).contains("DTLS:         1 handshake, 0 with DTLS-SRTP keys exported, 1 without a key");
        // the WebRTC view tells the HelloRetryRequest from the ServerHello (both are type 2 on the wire)
        final StringWriter webrtc = new StringWriter();
        dev.callscope.cli.Main.run(new java.io.PrintWriter(webrtc), new java.io.PrintWriter(new StringWriter()), "webrtc",
            DIR.resolve("dtls13.pcap").toString());
        assertThat(webrtc.toString()).contains("DTLS 1.3  client 127.0.0.1:4434  server 127.0.0.1:4433")
            .contains("cipher TLS_AES_128_GCM_SHA256").contains("handshake: ClientHello, HelloRetryRequest, ClientHello, ServerHello, ");
    }

    @Test
    void damagedRecordsNeverThrow() throws Exception {
        final Random r = new Random(9147);
        final List<Datagram> all = datagrams();
        for (int round = 0; round < 300; round++) {
            final DtlsKeys dtls = new DtlsKeys(keys(), new TlsStats());
            final byte[] out = new byte[TlsConnection.MAX_FRAGMENT];
            for (final Datagram g : all) {
                final byte[] d = g.data().clone();
                int len = g.len();
                if (r.nextInt(3) == 0) {
                    d[g.off() + r.nextInt(len)] ^= (byte) (1 + r.nextInt(255));
                }
                if (r.nextInt(8) == 0) {
                    len = r.nextInt(len + 1);
                }
                if (len == 0) {
                    continue;
                }
                if (dtls.exported() == null) {
                    dtls.datagram(g.dir(), d, g.off(), len);
                } else {
                    dtls.applicationData(g.dir(), d, g.off(), len, (dir, b, off, n) -> { }, out);
                }
            }
        }
    }
}
