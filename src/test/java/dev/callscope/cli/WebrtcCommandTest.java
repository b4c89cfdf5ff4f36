package dev.callscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code callscope webrtc} and {@code ladder --protocol webrtc} on the Chromium loopback sample. */
class WebrtcCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SAMPLE = "samples/webrtc/chromium-loopback.pcap";
    private static final String OFFER = "samples/webrtc/offer.sdp";
    private static final String ANSWER = "samples/webrtc/answer.sdp";

    static String[] run(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void textShowsPairsDtlsAndSrtp() {
        final String[] r = run("webrtc", "--sdp", OFFER + "," + ANSWER, SAMPLE);
        assertThat(r[0]).isEqualTo("0");
        assertThat(r[1]).contains("ufrags TjSB:gHuf", "NOMINATED consent", "DTLS 1.3  client 127.0.0.1:41518",
            "cipher TLS_AES_128_GCM_SHA256", "handshake: ClientHello, ServerHello, EncryptedHandshake",
            "SDP ok: DTLS client 127.0.0.1:41518 agrees with a=setup:active").doesNotContain("MISMATCH");
    }

    @Test
    void jsonHasTheIssueFields() throws Exception {
        final String[] r = run("webrtc", "--json", "--sdp", OFFER, "--sdp", ANSWER, SAMPLE);
        assertThat(r[0]).isEqualTo("0");
        final JsonNode j = JSON.readTree(r[1]);
        final JsonNode s = j.get("sessions").get(0);
        assertThat(s.has("pairs") && s.has("dtls") && s.has("srtp_streams") && s.has("srtp_packets")
            && s.has("srtcp_packets") && s.has("turn")).isTrue();
        assertThat(s.get("stun_messages").asInt()).isEqualTo(20);
        assertThat(s.get("srtp_packets").asInt()).isEqualTo(213);
        assertThat(s.get("srtcp_packets").asInt()).isEqualTo(61);
        assertThat(s.get("nominated_pair").get("local").asText()).isEqualTo("127.0.0.1:47842");
        assertThat(s.get("dtls").get("version").asText()).isEqualTo("DTLS 1.3");
        final JsonNode p = s.get("pairs").get(0);
        for (final String f : new String[] {"local", "remote", "role", "binding_requests", "binding_successes",
            "binding_errors", "rtt_ms", "nominated"}) {
            assertThat(p.has(f)).as(f).isTrue();
        }
        final JsonNode d = s.get("dtls");
        for (final String f : new String[] {"version", "client", "server", "cipher_suite", "srtp_profile", "fingerprints",
            "fingerprints_match_sdp", "handshake"}) {
            assertThat(d.has(f)).as(f).isTrue();
        }
    }

    @Test
    void ladderDrawsAWebrtcSession() {
        final String[] r = run("ladder", "--protocol", "webrtc", "--ascii", SAMPLE);
        assertThat(r[0]).isEqualTo("0");
        assertThat(r[1]).contains("ClientHello", "SRTP");
    }

    /** samples/webrtc/record-ws.sh: the same call, its offer, answer and candidates sent as JSON over WebSockets. */
    @Test
    void sdpFromWebSocketSignallingInTheCaptureIsMatched() throws Exception {
        final String ws = "samples/webrtc/chromium-websocket.pcap";
        final String[] r = run("webrtc", "--json", ws);
        assertThat(r[0]).isEqualTo("0");
        final JsonNode j = JSON.readTree(r[1]);
        final JsonNode s = j.get("sessions").get(0);
        assertThat(s.get("sdp_mismatches")).isEmpty();
        assertThat(s.get("sdp_matches").toString()).contains("matches the SDP from websocket frame",
            "agrees with a=setup:active from websocket frame");
        final JsonNode sdps = j.get("sdps");
        assertThat(sdps).hasSize(4); // the offer and the answer, each as sent and as relayed
        assertThat(sdps.get(0).get("source").asText()).matches("websocket frame \\d+ message 1 \\(offer\\)");
        assertThat(sdps.get(0).get("setup").asText()).isEqualTo("actpass");
        assertThat(sdps.get(3).get("source").asText()).endsWith("(answer)");
        // the SDP taken from the JSON is the one the page saved
        final String offer = java.nio.file.Files.readString(java.nio.file.Path.of("samples/webrtc/ws-offer.sdp"));
        assertThat(offer).contains("a=ice-ufrag:" + sdps.get(0).get("ice_ufrag").asText() + "\r\n",
            "a=fingerprint:" + sdps.get(0).get("fingerprint").asText() + "\r\n");
        final java.util.Map<String, Integer> types = new java.util.TreeMap<>();
        j.get("signalling").forEach(m -> types.merge(m.get("type").asText(), 1, Integer::sum));
        assertThat(types).containsEntry("offer", 2).containsEntry("answer", 2).containsKey("candidate");
        final String[] text = run("webrtc", ws);
        assertThat(text[1]).contains("Signalling over WebSocket:", "SDP from websocket frame").doesNotContain("MISMATCH");
    }

    @Test
    void missingSdpFileIsAnInputError() {
        assertThat(run("webrtc", "--sdp", "no/such.sdp", SAMPLE)[0]).isEqualTo("3");
    }
}
