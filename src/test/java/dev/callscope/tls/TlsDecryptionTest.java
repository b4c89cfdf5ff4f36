package dev.callscope.tls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callscope.cli.Main;
import dev.callscope.core.PacketSource;
import dev.callscope.core.TlsStats;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.tap.Tap;
import dev.callscope.dissect.sip.SipMessage;
import dev.callscope.dissect.sip.SipTls;
import dev.callscope.engine.Engine;
import dev.callscope.engine.EngineOptions;
import dev.callscope.pcap.CaptureFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SIP over TLS recorded by samples/tls/record.sh (Python's ssl over OpenSSL, key logs written by
 * the peers), decrypted with the key logs: every SIP message each side sent (its bytes' SHA-256 from
 * the sender's own record, samples/tls/NAME.truth.jsonl) comes out, in order, in the frames tshark
 * 4.0 decrypts it in (NAME.tshark.tsv: {@code tshark -o tls.keylog_file:NAME.keys -Y sip -T fields
 * -e frame.number -e sip.Method -e sip.Status-Code -e sip.Call-ID -e sip.CSeq}).
 */
class TlsDecryptionTest {
    private static final Path DIR = Path.of("samples/tls");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** What a run gave: the SIP messages, the encrypted-SIP reports and the TLS counters. */
    private record Result(List<SipMessage> messages, List<SipTls> encrypted, TlsStats tls) {
    }

    private static Result run(final Path capture, final KeyLog keys) throws IOException {
        final List<SipMessage> messages = new ArrayList<>();
        final List<SipTls> encrypted = new ArrayList<>();
        final TlsStats[] stats = new TlsStats[1];
        final Tap tap = new Tap() {
            @Override
            public void onEvent(final ProtocolEvent e) {
                if (e instanceof SipMessage m) {
                    messages.add(m);
                } else if (e instanceof SipTls t) {
                    encrypted.add(t);
                }
            }

            @Override
            public void onTls(final TlsStats s) {
                stats[0] = s;
            }
        };
        final Engine engine = new Engine(DissectorRegistry.builtIn(Set.of(), Map.of()), EngineOptions.defaults(), List.of(tap));
        engine.decrypt(keys);
        try (PacketSource source = CaptureFiles.open(capture.toString())) {
            source.onSecrets((type, data, off, len) -> keys.read(data, off, len));
            engine.run(source);
        }
        return new Result(messages, encrypted, stats[0]);
    }

    private static KeyLog keys(final String name) throws IOException {
        final KeyLog k = new KeyLog(1000);
        k.read(new StringReader(Files.readString(DIR.resolve(name + ".keys"))));
        return k;
    }

    private static String sha256(final String s) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sip-tls13", "sip-tls13-chacha", "sip-tls12", "sip-tls12-chacha", "sip-tls12-cbc", "sip-tls12-cbc-sha1"})
    void everyMessageSentComesOutWhole(final String name) throws Exception {
        final Result r = run(DIR.resolve(name + ".pcap"), keys(name));

        final List<JsonNode> truth = new ArrayList<>();
        for (final String line : Files.readAllLines(DIR.resolve(name + ".truth.jsonl"))) {
            truth.add(JSON.readTree(line));
        }
        assertThat(r.messages()).hasSize(truth.size());
        assertThat(r.encrypted()).isEmpty();
        for (int i = 0; i < truth.size(); i++) {
            final JsonNode t = truth.get(i);
            final SipMessage m = r.messages().get(i);
            assertThat(m.callId()).as("message %d", i).isEqualTo(t.get("call_id").asText());
            assertThat(m.cseq() + " " + m.cseqMethod()).as("message %d", i).isEqualTo(t.get("cseq").asText());
            assertThat(m.raw().length()).as("message %d", i).isEqualTo(t.get("length").asInt());
            assertThat(sha256(m.raw())).as("message %d bytes", i).isEqualTo(t.get("sha256").asText());
            assertThat(m.transport()).isEqualTo("TLS");
        }
        assertThat(r.tls().connections).isEqualTo(1);
        assertThat(r.tls().decrypted).isEqualTo(1);
        assertThat(r.tls().authFailures).isZero();
        assertThat(r.tls().recordsWithoutKey).isZero();
        assertThat(r.tls().malformed).isZero();
        if (name.equals("sip-tls13-chacha")) {
            assertThat(r.tls().keyUpdates).as("the recording's KeyUpdates").isPositive();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sip-tls13", "sip-tls13-chacha", "sip-tls12", "sip-tls12-chacha", "sip-tls12-cbc", "sip-tls12-cbc-sha1"})
    void framesAndFieldsAgreeWithTshark(final String name) throws Exception {
        final Result r = run(DIR.resolve(name + ".pcap"), keys(name));
        // tshark writes one row per frame; a frame with two messages lists their values comma-separated
        final List<String> ours = new ArrayList<>();
        long frame = -1;
        StringBuilder method = null;
        StringBuilder status = null;
        StringBuilder callId = null;
        StringBuilder cseq = null;
        for (final SipMessage m : r.messages()) {
            if (m.frame() != frame) {
                if (frame >= 0) {
                    ours.add(frame + "\t" + method + "\t" + status + "\t" + callId + "\t" + cseq);
                }
                frame = m.frame();
                method = new StringBuilder();
                status = new StringBuilder();
                callId = new StringBuilder();
                cseq = new StringBuilder();
            } else {
                callId.append(',');
                cseq.append(',');
                if (m.method() != null && method.length() > 0) {
                    method.append(',');
                }
                if (m.method() == null && status.length() > 0) {
                    status.append(',');
                }
            }
            if (m.method() != null) {
                method.append(m.method());
            } else {
                status.append(m.statusCode());
            }
            callId.append(m.callId());
            cseq.append(m.cseq()).append(' ').append(m.cseqMethod());
        }
        ours.add(frame + "\t" + method + "\t" + status + "\t" + callId + "\t" + cseq);
        assertThat(ours).containsExactlyElementsOf(Files.readAllLines(DIR.resolve(name + ".tshark.tsv")));
    }

    @Test
    void keysEmbeddedInPcapngAreUsedWithoutAKeyLog() throws Exception {
        final Result r = run(DIR.resolve("sip-tls13-dsb.pcapng"), new KeyLog(1000));
        assertThat(r.messages()).hasSize(Files.readAllLines(DIR.resolve("sip-tls13.truth.jsonl")).size());
        assertThat(r.tls().decrypted).isEqualTo(1);
    }

    @Test
    void withoutKeysTheConnectionIsReportedEncryptedAsBefore() throws Exception {
        final Result none = run(DIR.resolve("sip-tls12.pcap"), new KeyLog(1000));
        assertThat(none.messages()).isEmpty();
        assertThat(none.encrypted()).hasSize(2);
        assertThat(none.tls().connections).isZero(); // no key at all: nothing is even looked at

        final Result other = run(DIR.resolve("sip-tls12.pcap"), keys("sip-tls13"));
        assertThat(other.messages()).isEmpty();
        assertThat(other.encrypted()).hasSize(2);
        assertThat(other.tls().connections).isEqualTo(1);
        assertThat(other.tls().withoutKey).isEqualTo(1);
        assertThat(other.tls().recordsWithoutKey).isPositive();
        assertThat(other.tls().records).isZero();
    }

    @Test
    void aWrongSecretFailsAuthenticationAndNothingIsDelivered() throws Exception {
        for (final String name : List.of("sip-tls13", "sip-tls12", "sip-tls12-cbc")) {
            final StringBuilder wrong = new StringBuilder();
            for (final String line : Files.readAllLines(DIR.resolve(name + ".keys"))) {
                final String[] p = line.split(" ");
                if (p.length == 3) {
                    // same client random, secret with its first byte changed
                    final String flipped = String.format("%02x", Integer.parseInt(p[2].substring(0, 2), 16) ^ 0x01);
                    wrong.append(p[0]).append(' ').append(p[1]).append(' ').append(flipped).append(p[2].substring(2)).append('\n');
                }
            }
            final KeyLog k = new KeyLog(1000);
            k.read(new StringReader(wrong.toString()));
            final Result r = run(DIR.resolve(name + ".pcap"), k);
            assertThat(r.messages()).as(name).isEmpty();
            assertThat(r.tls().authFailures).as(name).isPositive();
            assertThat(r.tls().records).as(name).isZero();
        }
    }

    // ------------------------------------------------------------------ the command line

    private record Run(int code, String out, String err) {
    }

    private static Run cli(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void readSaysWhatDecryptionDid() throws Exception {
        final Run r = cli("read", "--json", "--keylog", DIR.resolve("sip-tls13-chacha.keys").toString(),
            DIR.resolve("sip-tls13-chacha.pcap").toString());
        assertThat(r.code()).as(r.err()).isZero();
        final JsonNode tls = JSON.readTree(r.out()).get("tls");
        assertThat(tls.get("connections").asLong()).isEqualTo(1);
        assertThat(tls.get("decrypted").asLong()).isEqualTo(1);
        assertThat(tls.get("key_updates").asLong()).isPositive();
        assertThat(tls.get("records_without_key").asLong()).isZero();

        final Run text = cli("read", "--keylog", DIR.resolve("sip-tls12.keys").toString(), DIR.resolve("sip-tls13.pcap").toString());
        assertThat(text.out()).contains("TLS:          1 connection, 0 decrypted, 1 without a key");
        assertThat(text.out()).doesNotContain(Files.readString(DIR.resolve("sip-tls12.keys")).split(" ")[2].strip());
    }

    @Test
    void sipShowsTheDecryptedMessagesAsTls() throws Exception {
        final Run r = cli("sip", "--jsonl", "--keylog", DIR.resolve("sip-tls12.keys").toString(), DIR.resolve("sip-tls12.pcap").toString());
        assertThat(r.code()).as(r.err()).isZero();
        final long lines = r.out().lines().filter(l -> l.contains("\"transport\":\"TLS\"")).count();
        assertThat(lines).isEqualTo(Files.readAllLines(DIR.resolve("sip-tls12.truth.jsonl")).size());
    }

    @Test
    void badKeyLogsAreOneLineAndExitCode3() throws Exception {
        final Run missing = cli("sip", "--keylog", tmp.resolve("nope.keys").toString(), DIR.resolve("sip-tls12.pcap").toString());
        assertThat(missing.code()).isEqualTo(3);
        assertThat(missing.err().strip()).isEqualTo("callscope: error: --keylog " + tmp.resolve("nope.keys") + ": no such file");

        final Run notKeys = cli("sip", "--keylog", DIR.resolve("sip-tls12.pcap").toString(), DIR.resolve("sip-tls12.pcap").toString());
        assertThat(notKeys.code()).isEqualTo(3);
        assertThat(notKeys.err().lines().count()).isEqualTo(1);
        assertThat(notKeys.err()).contains("not a key log");

        final Path mixed = tmp.resolve("mixed.keys");
        Files.writeString(mixed, "# a comment\nCLIENT_RANDOM zz 00\nGARBAGE\n" + Files.readString(DIR.resolve("sip-tls12.keys")));
        final Run partly = cli("read", "--keylog", mixed.toString(), DIR.resolve("sip-tls12.pcap").toString());
        assertThat(partly.code()).as(partly.err()).isZero();
        assertThat(partly.out()).contains("1 decrypted").contains("skipped 2 malformed lines");
    }

    @Test
    void showGivesTheDecryptedMessageFieldByField() throws Exception {
        final Run tls = cli("show", "--keylog", DIR.resolve("sip-tls13.keys").toString(), DIR.resolve("sip-tls13.pcap").toString(), "14");
        assertThat(tls.code()).as(tls.err()).isZero();
        assertThat(tls.out()).contains("[Protocols in frame: eth:ip:tcp:tls:sip]")
            .contains("Decrypted TLS message (4252 bytes").contains("Session Initiation Protocol (INVITE)");
        final Run clear = cli("show", DIR.resolve("sip-tls13.pcap").toString(), "14");
        assertThat(clear.out()).doesNotContain("Session Initiation Protocol");

        final Run srtp = cli("show", "--keylog", "samples/srtp/call-aes-cm.keys", "samples/srtp/call-aes-cm.pcap", "161");
        assertThat(srtp.code()).as(srtp.err()).isZero();
        assertThat(srtp.out()).contains("Decrypted SRTP/SRTCP packet (16 bytes").contains("Payload type: telephone-event/8000 (101)");
    }
}
