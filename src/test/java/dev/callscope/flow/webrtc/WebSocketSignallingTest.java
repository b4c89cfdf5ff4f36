package dev.callscope.flow.webrtc;

import static dev.callscope.decode.Frames.A4;
import static dev.callscope.decode.Frames.B4;
import static dev.callscope.decode.Frames.eth;
import static dev.callscope.decode.Frames.ipv4;
import static dev.callscope.decode.Frames.tcp;
import static dev.callscope.decode.Frames.udp;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.callscope.core.LinkType;
import dev.callscope.core.RawFrame;
import dev.callscope.decode.Frames;
import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.tap.Tap;
import dev.callscope.dissect.sdp.SdpBody;
import dev.callscope.dissect.websocket.SignallingMessage;
import dev.callscope.engine.Engine;
import dev.callscope.engine.EngineOptions;
import dev.callscope.output.WebrtcViews;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * A WebRTC call whose offer and answer went as JSON over a WebSocket in the same capture: an HTTP
 * upgrade, the offer in masked client frames, the answer in unmasked server frames (fragmented,
 * permessage-deflate), a trickled candidate, then STUN and DTLS 1.2 on a UDP 5-tuple. The WebRTC
 * tracker must correlate the SDP taken from the WebSocket with the wire as it does SDP from SIP.
 */
class WebSocketSignallingTest {
    static final int WS_CLIENT_PORT = 40000;
    static final int WS_SERVER_PORT = 8443;
    static final int MEDIA_A = 50000;
    static final int MEDIA_B = 50002;
    static final byte[] CERT_A = "certificate of the offerer".getBytes(StandardCharsets.US_ASCII);
    static final byte[] CERT_B = "certificate of the answerer".getBytes(StandardCharsets.US_ASCII);

    static String sha256(final byte[] b) throws Exception {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    static String sdp(final String ufrag, final String fingerprint, final String setup, final int port, final String ip) {
        return "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=caf\u00e9\r\nt=0 0\r\n"
            + "a=group:BUNDLE 0\r\nm=audio " + port + " UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 " + ip + "\r\n"
            + "a=candidate:1 1 udp 2122260223 " + ip + " " + port + " typ host\r\n"
            + "a=ice-ufrag:" + ufrag + "\r\na=ice-pwd:pwdpwdpwdpwdpwdpwdpwdpwd\r\n"
            + "a=fingerprint:sha-256 " + fingerprint + "\r\na=setup:" + setup + "\r\na=mid:0\r\na=rtcp-mux\r\n"
            + "a=rtpmap:111 opus/48000/2\r\n";
    }

    /** JSON string escaping as a browser's JSON.stringify, plus "\/" and a \\u escape to exercise the scanner. */
    static String json(final String s) {
        final StringBuilder b = new StringBuilder("\"");
        for (final char c : s.toCharArray()) {
            switch (c) {
                case '\r' -> b.append("\\r");
                case '\n' -> b.append("\\n");
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '/' -> b.append("\\/");
                default -> b.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return b.append('"').toString();
    }

    static byte[] wsFrame(final byte[] data, final boolean mask, final boolean fin, final int opcode, final boolean rsv1) {
        final ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode);
        final int maskBit = mask ? 0x80 : 0;
        if (data.length < 126) {
            o.write(maskBit | data.length);
        } else if (data.length < 65536) {
            o.write(maskBit | 126);
            o.write(data.length >>> 8);
            o.write(data.length & 0xFF);
        } else {
            o.write(maskBit | 127);
            for (int i = 7; i >= 0; i--) {
                o.write((int) ((long) data.length >>> (8 * i)) & 0xFF);
            }
        }
        final byte[] d = data.clone();
        if (mask) {
            final byte[] key = {0x37, (byte) 0xfa, 0x21, 0x3d};
            o.writeBytes(key);
            for (int i = 0; i < d.length; i++) {
                d[i] ^= key[i & 3];
            }
        }
        o.writeBytes(d);
        return o.toByteArray();
    }

    static byte[] text(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** permessage-deflate (RFC 7692 section 7.2.1): raw DEFLATE, sync flush, the 00 00 ff ff tail removed. */
    static byte[] deflate(final byte[] data) {
        final Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        d.setInput(data);
        final byte[] buf = new byte[data.length + 1024];
        final int n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
        d.end();
        return Arrays.copyOf(buf, n - 4);
    }

    // ------------------------------------------------------------------ frames

    static RawFrame tcpFrame(final boolean fromClient, final long seq, final int flags, final byte[] data) {
        final byte[] seg = fromClient ? tcp(WS_CLIENT_PORT, WS_SERVER_PORT, seq, 0, flags, data)
            : tcp(WS_SERVER_PORT, WS_CLIENT_PORT, seq, 0, flags, data);
        return Frames.frame(LinkType.ETHERNET, eth(0x0800, ipv4(fromClient ? A4 : B4, fromClient ? B4 : A4, 6, 1, false, 0,
            new byte[0], seg)));
    }

    static RawFrame udpFrame(final boolean fromA, final byte[] data) {
        final byte[] dgram = fromA ? udp(MEDIA_A, MEDIA_B, data) : udp(MEDIA_B, MEDIA_A, data);
        return Frames.frame(LinkType.ETHERNET, eth(0x0800, ipv4(fromA ? A4 : B4, fromA ? B4 : A4, 17, 1, false, 0,
            new byte[0], dgram)));
    }

    static byte[] stun(final int type, final int txid, final String username, final boolean controlling,
                       final boolean useCandidate) {
        final ByteArrayOutputStream attrs = new ByteArrayOutputStream();
        if (username != null) {
            final byte[] u = username.getBytes(StandardCharsets.US_ASCII);
            attrs.writeBytes(new byte[] {0x00, 0x06, 0, (byte) u.length});
            attrs.writeBytes(u);
            attrs.writeBytes(new byte[(4 - u.length % 4) % 4]);
            attrs.writeBytes(Frames.bytes(controlling ? 0x80 : 0x80, controlling ? 0x2A : 0x29, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8));
            if (useCandidate) {
                attrs.writeBytes(Frames.bytes(0x00, 0x25, 0, 0));
            }
        }
        final byte[] a = attrs.toByteArray();
        final byte[] h = new byte[20];
        Frames.put16(h, 0, type);
        Frames.put16(h, 2, a.length);
        Frames.put32(h, 4, 0x2112A442L);
        Frames.put32(h, 16, txid);
        return Frames.cat(h, a);
    }

    static byte[] handshake(final int type, final int seq, final byte[] body) {
        final byte[] h = new byte[12];
        h[0] = (byte) type;
        h[1] = (byte) (body.length >>> 16);
        h[2] = (byte) (body.length >>> 8);
        h[3] = (byte) body.length;
        Frames.put16(h, 4, seq);
        h[9] = h[1];
        h[10] = h[2];
        h[11] = h[3];
        final byte[] msg = Frames.cat(h, body);
        final byte[] rec = new byte[13];
        rec[0] = 22;
        rec[1] = (byte) 0xfe;
        rec[2] = (byte) 0xfd;
        rec[12] = (byte) msg.length;
        rec[11] = (byte) (msg.length >>> 8);
        rec[10] = (byte) seq;
        return Frames.cat(rec, msg);
    }

    static byte[] clientHello() {
        return handshake(1, 0, HexFormat.of().parseHex("fefd" + "11".repeat(32) + "00" + "00" + "0002c02b" + "0100"
            + "0009" + "000e00050002000100"));
    }

    static byte[] serverHello() {
        return handshake(2, 0, HexFormat.of().parseHex("fefd" + "22".repeat(32) + "00" + "c02b" + "00"
            + "0009" + "000e00050002000100"));
    }

    static byte[] certificate(final byte[] cert) {
        final byte[] body = new byte[6 + cert.length];
        body[2] = (byte) (cert.length + 3);
        body[5] = (byte) cert.length;
        System.arraycopy(cert, 0, body, 6, cert.length);
        return handshake(11, 1, body);
    }

    /** The capture: WebSocket signalling, then ICE (A controlling) and DTLS with the answerer B as client. */
    static List<RawFrame> capture(final String offer, final String answer) {
        final List<RawFrame> f = new ArrayList<>();
        final byte[] upgrade = text("GET /signal HTTP/1.1\r\nHost: signal.example\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n");
        final byte[] switching = text("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n");
        final byte[] offerMsg = wsFrame(text("{\"type\":\"offer\",\"sdp\":" + json(offer) + "}"), true, true, 1, false);
        final byte[] candidate = wsFrame(text("{\"candidate\":{\"candidate\":\"candidate:1 1 udp 2122260223 10.0.0.1 "
            + MEDIA_A + " typ host\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}}"), true, true, 1, false);
        final byte[] hello = wsFrame(text("hello"), true, true, 1, false);
        // the answer, relayed by the server: wrapped, compressed, and in two fragments with a ping between
        final byte[] answerJson = deflate(text("{\"event\":\"relay\",\"data\":{\"description\":{\"type\":\"answer\",\"sdp\":"
            + json(answer) + "}}}"));
        final int half = answerJson.length / 2;
        final byte[] answer1 = wsFrame(Arrays.copyOfRange(answerJson, 0, half), false, false, 1, true);
        final byte[] ping = wsFrame(new byte[0], false, true, 9, false);
        final byte[] answer2 = wsFrame(Arrays.copyOfRange(answerJson, half, answerJson.length), false, true, 0, false);
        long c = 1;
        long s = 1;
        f.add(tcpFrame(true, 0, 0x02, new byte[0]));
        f.add(tcpFrame(false, 0, 0x12, new byte[0]));
        f.add(tcpFrame(true, c, 0x18, upgrade));
        c += upgrade.length;
        f.add(tcpFrame(false, s, 0x18, switching));
        s += switching.length;
        // the offer split across two TCP segments
        f.add(tcpFrame(true, c, 0x18, Arrays.copyOfRange(offerMsg, 0, 100)));
        f.add(tcpFrame(true, c + 100, 0x18, Frames.cat(Arrays.copyOfRange(offerMsg, 100, offerMsg.length), candidate, hello)));
        c += offerMsg.length + candidate.length + hello.length;
        f.add(tcpFrame(false, s, 0x18, Frames.cat(answer1, ping)));
        s += answer1.length + ping.length;
        f.add(tcpFrame(false, s, 0x18, answer2));
        // ICE: A (offerer) controlling, nominates; B checks back
        f.add(udpFrame(true, stun(0x0001, 1, "ansU:offU", true, true)));
        f.add(udpFrame(false, stun(0x0101, 1, null, false, false)));
        f.add(udpFrame(false, stun(0x0001, 2, "offU:ansU", false, false)));
        f.add(udpFrame(true, stun(0x0101, 2, null, false, false)));
        // DTLS 1.2: the answerer B is the client (a=setup:active)
        f.add(udpFrame(false, clientHello()));
        f.add(udpFrame(true, Frames.cat(serverHello(), certificate(CERT_A))));
        f.add(udpFrame(false, certificate(CERT_B)));
        return f;
    }

    static final class Recorder implements Tap {
        final List<SignallingMessage> signalling = new ArrayList<>();
        final List<SdpBody> sdps = new ArrayList<>();
        final List<Anomaly> anomalies = new ArrayList<>();

        @Override
        public void onEvent(final ProtocolEvent e) {
            if (e instanceof SignallingMessage m) {
                signalling.add(m);
            } else if (e instanceof SdpBody b) {
                sdps.add(b);
            }
        }

        @Override
        public void onAnomaly(final Anomaly a) {
            anomalies.add(a);
        }
    }

    static WebrtcTracker run(final List<RawFrame> frames, final Recorder r) {
        final WebrtcTracker t = new WebrtcTracker();
        final Engine e = new Engine(DissectorRegistry.builtIn(Set.of(), Map.of()), EngineOptions.defaults(), List.of(t, r));
        frames.forEach(e::process);
        e.finish();
        return t;
    }

    @Test
    void sdpFromWebSocketJsonIsCorrelatedWithTheWire() throws Exception {
        final String offer = sdp("offU", sha256(CERT_A), "actpass", MEDIA_A, "10.0.0.1");
        final String answer = sdp("ansU", sha256(CERT_B), "active", MEDIA_B, "10.0.0.2");
        final Recorder r = new Recorder();
        final WebrtcTracker t = run(capture(offer, answer), r);

        assertThat(r.signalling).extracting(SignallingMessage::type).containsExactly("offer", "candidate", "not_json", "answer");
        assertThat(r.signalling).extracting(SignallingMessage::index).containsExactly(1L, 2L, 3L, 4L);
        assertThat(r.signalling.get(1).candidate()).startsWith("candidate:1 1 udp").endsWith("typ host");
        assertThat(r.signalling.get(0).sdpLength()).isEqualTo(offer.getBytes(StandardCharsets.UTF_8).length);
        assertThat(r.sdps).extracting(SdpBody::sessionName).containsExactly("caf\u00e9", "caf\u00e9");
        assertThat(r.sdps).extracting(b -> b.media().get(0).setup()).containsExactly("actpass", "active");
        assertThat(t.sdpSources()).hasSize(2);
        assertThat(t.sdpSources().get(0)).matches("websocket frame \\d+ message 1 \\(offer\\)");
        assertThat(t.sdpSources().get(1)).matches("websocket frame \\d+ message 4 \\(answer\\)");
        assertThat(r.anomalies).filteredOn(a -> a.code().startsWith("websocket") || a.code().startsWith("sdp")
            || a.code().endsWith("dissector_bug")).isEmpty();

        assertThat(t.sessions()).hasSize(1);
        final WebrtcSession s = t.sessions().get(0);
        assertThat(s.sdpMismatches()).isEmpty();
        assertThat(s.sdpMatches()).contains(
            "ice-ufrag ansU matches the SDP from " + t.sdpSources().get(1),
            "ice-ufrag offU matches the SDP from " + t.sdpSources().get(0),
            "certificate of 10.0.0.1:" + MEDIA_A + " matches a=fingerprint from " + t.sdpSources().get(0),
            "certificate of 10.0.0.2:" + MEDIA_B + " matches a=fingerprint from " + t.sdpSources().get(1),
            "DTLS client 10.0.0.2:" + MEDIA_B + " agrees with a=setup:active from " + t.sdpSources().get(1));
        assertThat(s.dtls().fingerprintsMatchSdp()).isTrue();

        final JsonNode j = new com.fasterxml.jackson.databind.ObjectMapper().readTree(WebrtcViews.json(t).toString());
        assertThat(j.get("sdps").get(0).get("source").asText()).endsWith("(offer)");
        assertThat(j.get("sdps").get(1).get("ice_ufrag").asText()).isEqualTo("ansU");
        assertThat(j.get("signalling").get(3).get("type").asText()).isEqualTo("answer");
        assertThat(j.get("signalling_messages").asInt()).isEqualTo(4);
        final StringWriter text = new StringWriter();
        WebrtcViews.text(new PrintWriter(text), t);
        assertThat(text.toString()).contains("Signalling over WebSocket: 4 messages", "SDP from websocket frame");
    }

    @Test
    void wrongFingerprintAndSetupInTheAnswerAreMismatches() throws Exception {
        final String offer = sdp("offU", sha256(CERT_A), "actpass", MEDIA_A, "10.0.0.1");
        final String answer = sdp("ansU", sha256("another certificate".getBytes(StandardCharsets.US_ASCII)), "passive",
            MEDIA_B, "10.0.0.2");
        final WebrtcTracker t = run(capture(offer, answer), new Recorder());
        final WebrtcSession s = t.sessions().get(0);
        final String certB = sha256(CERT_B);
        assertThat(s.sdpMatches()).anyMatch(m -> m.startsWith("ice-ufrag ansU matches"))
            .anyMatch(m -> m.startsWith("certificate of 10.0.0.1:" + MEDIA_A + " matches"));
        assertThat(s.sdpMismatches()).anyMatch(m -> m.startsWith("certificate of 10.0.0.2:" + MEDIA_B + " has sha-256 "
            + certB))
            .anyMatch(m -> m.startsWith("DTLS client is 10.0.0.2:" + MEDIA_B + " but its SDP from websocket frame")
                && m.contains("says a=setup:passive"));
        assertThat(s.dtls().fingerprintsMatchSdp()).isFalse();
    }

    @Test
    void unknownUfragsOnTheWireAreReported() throws Exception {
        final String offer = sdp("zzzz", sha256(CERT_A), "actpass", MEDIA_A, "10.0.0.1");
        final String answer = sdp("yyyy", sha256(CERT_B), "active", MEDIA_B, "10.0.0.2");
        final WebrtcSession s = run(capture(offer, answer), new Recorder()).sessions().get(0);
        assertThat(s.sdpMismatches()).containsExactly("ice-ufrag ansU and offU on the wire are in no SDP");
    }
}
