package dev.callscope.dissect.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.callscope.core.Direction;
import dev.callscope.core.FlowKey;
import dev.callscope.dissect.Confidence;
import dev.callscope.dissect.DissectorSession;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.Transport;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The WebSocket signalling dissector: its heuristic, the JSON scanner, the shapes of signalling, fuzzing. */
class WebSocketDissectorTest {
    static final String UPGRADE = "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Version: 13\r\n\r\n";

    static Payload p(final String s) {
        return Payload.of(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    static final class Sink extends dev.callscope.dissect.Collected {
    }

    static PacketContext ctx(final Direction d) {
        final FlowKey k = new FlowKey();
        k.set(6, new byte[] {10, 0, 0, 1}, 40000, new byte[] {10, 0, 0, 2}, 80, 4);
        return new PacketContext().set(1, 1_000_000L, k, d, Transport.TCP, false);
    }

    /** A conversation that records what is handed off. */
    static final class Conversation extends dev.callscope.testutil.FakeConversation {
        Conversation() {
            super(null, Transport.TCP, true);
        }
    }

    @Test
    void heuristicClaimsUpgradesThatAreNotSip() {
        final WebSocketDissector d = new WebSocketDissector();
        assertThat(d.accept(p(UPGRADE), ctx(Direction.A_TO_B))).isEqualTo(Confidence.STRONG);
        assertThat(d.accept(p("HTTP/1.1 101 Switching Protocols\r\nupgrade:WebSocket\r\n\r\n"), ctx(Direction.A_TO_B)))
            .isEqualTo(Confidence.STRONG);
        assertThat(d.accept(p(UPGRADE.replace("\r\n\r\n", "\r\nSec-WebSocket-Protocol: sip\r\n\r\n")), ctx(Direction.A_TO_B)))
            .isEqualTo(Confidence.NO);
        assertThat(d.accept(p(UPGRADE.replace("\r\n\r\n", "\r\nSec-WebSocket-Protocol: chat, sip\r\n\r\n")), ctx(Direction.A_TO_B)))
            .isEqualTo(Confidence.NO);
        assertThat(d.accept(p(UPGRADE.replace("\r\n\r\n", "\r\nSec-WebSocket-Protocol: sipfoo\r\n\r\n")), ctx(Direction.A_TO_B)))
            .isEqualTo(Confidence.STRONG);
        assertThat(d.accept(p("GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n"), ctx(Direction.A_TO_B))).isEqualTo(Confidence.NO);
        assertThat(d.accept(p("HTTP/1.1 200 OK\r\nUpgrade: websocket\r\n\r\n"), ctx(Direction.A_TO_B))).isEqualTo(Confidence.NO);
        assertThat(d.accept(p("GET "), ctx(Direction.A_TO_B))).isEqualTo(Confidence.NO);
    }

    @Test
    void roomEnvelopes() {
        final String sdp = "v=0\\r\\no=- 1 1 IN IP4 0.0.0.0\\r\\n";
        assertThat(JsonSignalling.find("{\"type\":\"join\",\"room\":\"lab\",\"from\":\"alice\"}").envelope())
            .isEqualTo(new SignallingMessage.Envelope("join", "lab", "alice", null, null, java.util.List.of()));
        final JsonSignalling.Found offer = JsonSignalling.find("{\"type\":\"offer\",\"room\":\"lab\",\"from\":\"bob\",\"to\":\"alice\","
            + "\"sdp\":\"" + sdp + "\"}");
        assertThat(offer.type()).isEqualTo("offer");
        assertThat(offer.envelope()).isEqualTo(new SignallingMessage.Envelope("offer", "lab", "bob", "alice", null, java.util.List.of()));
        assertThat(JsonSignalling.find("{\"type\":\"peers\",\"room\":\"lab\",\"peers\":[\"bob\",{\"id\":1,\"name\":\"carol\"},7]}")
            .envelope().peers()).containsExactly("bob", "carol"); // numbers are not names
        // socket.io style: the event outside, the fields in its data
        assertThat(JsonSignalling.find("{\"event\":\"peer-left\",\"data\":{\"roomId\":\"42\",\"peerId\":\"carol\"}}").envelope())
            .isEqualTo(new SignallingMessage.Envelope("peer-left", "42", null, null, "carol", java.util.List.of()));
        assertThat(JsonSignalling.find("{\"x\":1}").envelope()).isNull();
        assertThat(JsonSignalling.find("{\"type\":\"join\",\"room\":\"" + "r".repeat(1000) + "\"}").envelope().room())
            .hasSize(JsonSignalling.MAX_NAME);
    }

    @Test
    void signallingShapes() {
        final String sdp = "v=0\\r\\no=- 1 1 IN IP4 0.0.0.0\\r\\n";
        assertThat(JsonSignalling.find("{\"type\":\"offer\",\"sdp\":\"" + sdp + "\"}"))
            .isEqualTo(new JsonSignalling.Found("offer", "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n", null,
                new SignallingMessage.Envelope("offer", null, null, null, null, java.util.List.of())));
        assertThat(JsonSignalling.find("{\"sdp\":{\"type\":\"answer\",\"sdp\":\"" + sdp + "\"}}").type()).isEqualTo("answer");
        assertThat(JsonSignalling.find("{\"type\":\"signal\",\"description\":{\"type\":\"Offer\",\"sdp\":\"" + sdp + "\"}}").type())
            .isEqualTo("offer");
        assertThat(JsonSignalling.find("{\"event\":\"x\",\"payload\":{\"type\":\"answer\",\"sdp\":\"" + sdp + "\"}}").type())
            .isEqualTo("answer");
        assertThat(JsonSignalling.find("{\"message\":{\"data\":{\"sdp\":{\"type\":\"offer\",\"sdp\":\"" + sdp + "\"}}}}").type())
            .isEqualTo("offer");
        assertThat(JsonSignalling.find("{\"data\":\"{\\\"type\\\":\\\"answer\\\",\\\"sdp\\\":\\\"" + sdp.replace("\\", "\\\\")
            + "\\\"}\"}").sdp()).startsWith("v=0\r\n");
        assertThat(JsonSignalling.find("{\"answer\":{\"sdp\":\"" + sdp + "\"}}").type()).isEqualTo("answer");
        assertThat(JsonSignalling.find("{\"sdp\":\"" + sdp + "\"}").type()).isEqualTo("sdp");
        assertThat(JsonSignalling.find("{\"candidate\":\"candidate:1 1 udp 1 10.0.0.1 5000 typ host\",\"sdpMid\":\"0\"}"))
            .isEqualTo(new JsonSignalling.Found("candidate", null, "candidate:1 1 udp 1 10.0.0.1 5000 typ host", null));
        assertThat(JsonSignalling.find("{\"type\":\"ice\",\"ice\":{\"candidate\":\"a=candidate:2 1 udp 1 ::1 9 typ host\"}}")
            .candidate()).isEqualTo("candidate:2 1 udp 1 ::1 9 typ host");
        assertThat(JsonSignalling.find("{\"candidate\":\"\"}").type()).isEqualTo("other"); // end of candidates
        assertThat(JsonSignalling.find("{\"type\":\"offer\",\"sdp\":\"not sdp\"}").type()).isEqualTo("other");
        assertThat(JsonSignalling.find("[1,2]").type()).isEqualTo("other");
        assertThat(JsonSignalling.find("hello").type()).isEqualTo("not_json");
        // deeper than MAX_NESTING wrappers is not looked into
        assertThat(JsonSignalling.find("{\"data\":{\"data\":{\"data\":{\"data\":{\"data\":{\"type\":\"offer\",\"sdp\":\""
            + sdp + "\"}}}}}}").type()).isEqualTo("other");
    }

    static byte[] frame(final byte[] d, final boolean mask, final int first) {
        final ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(first);
        o.write((mask ? 0x80 : 0) | (d.length < 126 ? d.length : 126));
        if (d.length >= 126) {
            o.write(d.length >>> 8);
            o.write(d.length & 0xFF);
        }
        final byte[] x = d.clone();
        if (mask) {
            o.writeBytes(new byte[] {1, 2, 3, 4});
            for (int i = 0; i < x.length; i++) {
                x[i] ^= (byte) (1 + (i & 3));
            }
        }
        o.writeBytes(x);
        return o.toByteArray();
    }

    @Test
    void sessionHandsTheSdpOffAndReportsEachTextMessage() {
        final Conversation c = new Conversation();
        final DissectorSession s = new WebSocketDissector().open(c);
        final Sink sink = new Sink();
        final byte[] client = concat(UPGRADE.getBytes(StandardCharsets.US_ASCII),
            frame("{\"type\":\"offer\",\"sdp\":\"v=0\\r\\ns=-\\r\\n\"}".getBytes(StandardCharsets.UTF_8), true, 0x81),
            frame(new byte[] {(byte) 0xff, (byte) 0xfe}, true, 0x81), // not UTF-8
            frame("{\"x\":1}".getBytes(StandardCharsets.UTF_8), true, 0x82)); // binary JSON is read too
        int used = s.onStream(Payload.of(client), ctx(Direction.A_TO_B), sink);
        assertThat(used).isEqualTo(UPGRADE.length());
        used += s.onStream(Payload.of(Arrays.copyOfRange(client, used, client.length)), ctx(Direction.A_TO_B), sink);
        assertThat(used).isEqualTo(client.length);
        assertThat(c.handedOff).containsExactly("application/sdp v=0\r\ns=-\r\n");
        assertThat(sink.events).map(e -> ((SignallingMessage) e).type()).containsExactly("offer", "not_json", "other");
    }

    /** A permessage-deflate payload (RFC 7692): raw DEFLATE, sync-flushed, without the 00 00 ff ff tail. */
    static byte[] deflate(final String text) {
        final java.util.zip.Deflater d = new java.util.zip.Deflater(java.util.zip.Deflater.DEFAULT_COMPRESSION, true);
        d.setInput(text.getBytes(StandardCharsets.UTF_8));
        final byte[] buf = new byte[1024];
        final int n = d.deflate(buf, 0, buf.length, java.util.zip.Deflater.SYNC_FLUSH);
        d.end();
        return Arrays.copyOf(buf, n - 4);
    }

    @Test
    void aCompressedMessageAfterTheEndIsStillRead() {
        // late segments after a RST reach the session after onEnd (found by the fuzz campaign: the closed
        // inflater threw a NullPointerException)
        final DissectorSession s = new WebSocketDissector().open(new Conversation());
        final Sink sink = new Sink();
        final byte[] msg = frame(deflate("{\"type\":\"offer\",\"sdp\":\"v=0\\r\\n\"}"), true, 0xC1);
        final byte[] first = concat(UPGRADE.getBytes(StandardCharsets.US_ASCII), msg);
        int used = s.onStream(Payload.of(first), ctx(Direction.A_TO_B), sink);
        used += s.onStream(Payload.of(Arrays.copyOfRange(first, used, first.length)), ctx(Direction.A_TO_B), sink);
        assertThat(used).isEqualTo(first.length);
        s.onEnd(sink);
        assertThat(s.onStream(Payload.of(msg), ctx(Direction.A_TO_B), sink)).isEqualTo(msg.length);
        assertThat(sink.events).map(e -> ((SignallingMessage) e).type()).containsExactly("offer", "offer");
        s.onEnd(sink);
    }

    static byte[] concat(final byte[]... parts) {
        final ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (final byte[] x : parts) {
            o.writeBytes(x);
        }
        return o.toByteArray();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 1234, 99991})
    void mutatedJsonAndStreamsNeverThrow(final long seed) {
        final Random r = new Random(seed);
        final String json = "{\"type\":\"offer\",\"data\":{\"description\":{\"sdp\":\"v=0\\r\\na=x:\\u00e9\\/\\\"\"}},"
            + "\"candidate\":{\"candidate\":\"candidate:1 1 udp 1 ::1 9 typ host\"},\"n\":[1,2.5,-3e2,true,null]}";
        for (int i = 0; i < 2000; i++) {
            final char[] m = json.toCharArray();
            for (int k = 1 + r.nextInt(4); k > 0; k--) {
                final String alphabet = "{}[]\",:\\u0 \u00e9x";
                m[r.nextInt(m.length)] = alphabet.charAt(r.nextInt(alphabet.length()));
            }
            final String t = new String(m, 0, 1 + r.nextInt(m.length));
            assertThatCode(() -> JsonSignalling.find(t)).as("seed %d: %s", seed, t).doesNotThrowAnyException();
        }
        final byte[] base = concat(UPGRADE.getBytes(StandardCharsets.US_ASCII),
            frame(json.getBytes(StandardCharsets.UTF_8), true, 0x81), frame(json.getBytes(StandardCharsets.UTF_8), false, 0xC1),
            frame(new byte[] {0x4b, 0x04, 0x00}, false, 0xC1));
        for (int i = 0; i < 300; i++) {
            final byte[] m = base.clone();
            for (int k = r.nextInt(6); k > 0; k--) {
                m[r.nextInt(m.length)] = (byte) r.nextInt(256);
            }
            final byte[] cut = Arrays.copyOf(m, 1 + r.nextInt(m.length));
            assertThatCode(() -> {
                final DissectorSession s = new WebSocketDissector().open(new Conversation());
                final Sink sink = new Sink();
                int at = 0;
                for (int step = 0; step < 100 && at < cut.length; step++) {
                    final int used = s.onStream(Payload.of(Arrays.copyOfRange(cut, at, cut.length)), ctx(Direction.B_TO_A), sink);
                    if (used == 0) {
                        break;
                    }
                    at += used;
                }
                s.onEnd(sink);
            }).as("seed %d run %d", seed, i).doesNotThrowAnyException();
        }
    }
}
