package dev.callscope.tls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callscope.core.PacketSource;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.tap.Tap;
import dev.callscope.dissect.sip.SipMessage;
import dev.callscope.dissect.websocket.SignallingMessage;
import dev.callscope.engine.Engine;
import dev.callscope.engine.EngineOptions;
import dev.callscope.pcap.CaptureFiles;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Secure WebSocket recorded by samples/wss/record.sh (Python's ssl, TLS 1.3, key logs): SIP over
 * WSS (RFC 7118) and JSON signalling of a WebRTC app, decrypted and read as over plain WebSocket.
 */
class WssDecryptionTest {
    private static final Path DIR = Path.of("samples/wss");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<ProtocolEvent> run(final String name) throws IOException {
        final List<ProtocolEvent> events = new ArrayList<>();
        final Engine engine = new Engine(DissectorRegistry.builtIn(Set.of(), Map.of()), EngineOptions.defaults(), List.of(new Tap() {
            @Override
            public void onEvent(final ProtocolEvent e) {
                events.add(e);
            }
        }));
        final KeyLog keys = new KeyLog(100);
        keys.read(new StringReader(Files.readString(DIR.resolve(name + ".keys"))));
        engine.decrypt(keys);
        try (PacketSource source = CaptureFiles.open(DIR.resolve(name + ".pcap").toString())) {
            engine.run(source);
        }
        return events;
    }

    @Test
    void sipOverWssComesOutWholeInTsharksFrames() throws Exception {
        final List<SipMessage> messages = run("sip-wss").stream().filter(SipMessage.class::isInstance).map(SipMessage.class::cast).toList();
        final List<String> truth = Files.readAllLines(DIR.resolve("sip-wss.truth.jsonl"));
        assertThat(messages).hasSize(truth.size());
        for (int i = 0; i < truth.size(); i++) {
            final JsonNode t = JSON.readTree(truth.get(i));
            final SipMessage m = messages.get(i);
            assertThat(m.transport()).isEqualTo("WSS");
            assertThat(m.callId()).isEqualTo(t.get("call_id").asText());
            assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(m.raw().getBytes(StandardCharsets.ISO_8859_1))))
                .as("message %d", i).isEqualTo(t.get("sha256").asText());
        }
        // the frames tshark 4.0 decrypts each message in (one row per frame)
        final List<Long> frames = new ArrayList<>();
        for (final SipMessage m : messages) {
            if (frames.isEmpty() || frames.get(frames.size() - 1) != m.frame()) {
                frames.add(m.frame());
            }
        }
        final List<Long> tshark = Files.readAllLines(DIR.resolve("sip-wss.tshark.tsv")).stream()
            .map(l -> Long.parseLong(l.split("\t")[0])).toList();
        assertThat(frames).isEqualTo(tshark);
    }

    @Test
    void jsonSignallingOverWssIsReadAsOverPlainWebSocket() throws Exception {
        final List<SignallingMessage> all = run("json-wss").stream().filter(SignallingMessage.class::isInstance)
            .map(SignallingMessage.class::cast).toList();
        // close frames are reported too, with their code: the two ends closed normally
        assertThat(all).filteredOn(m -> m.type().equals("close")).extracting(SignallingMessage::closeCode).containsExactly(1000, 1000);
        final List<SignallingMessage> messages = all.stream().filter(m -> !m.type().equals("close")).toList();
        final List<String> truth = Files.readAllLines(DIR.resolve("json-wss.truth.jsonl"));
        assertThat(messages).hasSize(truth.size());
        for (int i = 0; i < truth.size(); i++) {
            final JsonNode t = JSON.readTree(truth.get(i));
            assertThat(messages.get(i).length()).as("message %d", i).isEqualTo(t.get("length").asInt());
            final String carries = t.get("carries").asText();
            if (!carries.equals("other")) {
                assertThat(messages.get(i).type()).as("message %d", i).isEqualTo(carries);
            }
        }
    }
}
