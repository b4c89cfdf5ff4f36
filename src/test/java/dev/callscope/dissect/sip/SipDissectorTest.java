package dev.callscope.dissect.sip;

import static dev.callscope.decode.Frames.A4;
import static dev.callscope.decode.Frames.B4;
import static dev.callscope.decode.Frames.eth;
import static dev.callscope.decode.Frames.ipv4;
import static dev.callscope.decode.Frames.tcp;
import static dev.callscope.decode.Frames.udp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.core.LinkType;
import dev.callscope.core.RawFrame;
import dev.callscope.decode.Frames;
import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.Binding;
import dev.callscope.dissect.Confidence;
import dev.callscope.dissect.ConversationContext;
import dev.callscope.dissect.Dissector;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.dissect.DissectorSession;
import dev.callscope.dissect.EventSink;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.tap.Tap;
import dev.callscope.engine.Engine;
import dev.callscope.engine.EngineOptions;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SIP dissector through the engine: UDP, TCP framing, WebSocket, TLS, bodies, malformed input. */
class SipDissectorTest {
    static final String INVITE = "INVITE sip:bob@b.example SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP a.example:5060;branch=z9hG4bK776asdhds\r\n"
        + "Max-Forwards: 70\r\n"
        + "To: Bob <sip:bob@b.example>\r\n"
        + "From: \"Alice\" <sip:alice@a.example>;tag=1928301774\r\n"
        + "Call-ID: a84b4c76e66710@pc33\r\n"
        + "CSeq: 314159 INVITE\r\n"
        + "Contact: <sip:alice@10.0.0.1>\r\n"
        + "User-Agent: test/1.0\r\n"
        + "Content-Type: text/x-probe\r\n"
        + "Content-Length: 4\r\n\r\nbody";
    static final String OK = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP a.example:5060;branch=z9hG4bK776asdhds\r\n"
        + "To: Bob <sip:bob@b.example>;tag=a6c85cf\r\nFrom: \"Alice\" <sip:alice@a.example>;tag=1928301774\r\n"
        + "Call-ID: a84b4c76e66710@pc33\r\nCSeq: 314159 INVITE\r\nContent-Length: 0\r\n\r\n";

    /** Collects SIP events, probe bodies and anomalies. */
    static final class Recorder implements Tap {
        final List<SipMessage> messages = new ArrayList<>();
        final List<String> bodies = new ArrayList<>();
        final List<SipTls> tls = new ArrayList<>();
        final List<Anomaly> anomalies = new ArrayList<>();

        @Override
        public void onEvent(final ProtocolEvent e) {
            if (e instanceof SipMessage m) {
                messages.add(m);
            } else if (e instanceof SipTls t) {
                tls.add(t);
            } else if (e instanceof Body b) {
                bodies.add(b.text());
            }
        }

        @Override
        public void onAnomaly(final Anomaly a) {
            anomalies.add(a);
        }
    }

    record Body(long frame, long tsNanos, dev.callscope.core.FlowKey flow, String text) implements ProtocolEvent {
        @Override
        public String protocol() {
            return "probe";
        }
    }

    /** Stands in for a body dissector bound to a content type. */
    static final class Probe implements Dissector {
        @Override
        public String id() {
            return "probe";
        }

        @Override
        public Set<Binding> bindings() {
            return Set.of(Binding.contentType("text/x-probe"));
        }

        @Override
        public boolean heuristic() {
            return false;
        }

        @Override
        public Confidence accept(final Payload p, final PacketContext ctx) {
            return Confidence.NO;
        }

        @Override
        public DissectorSession open(final ConversationContext c) {
            return new DissectorSession() {
                @Override
                public void onDatagram(final Payload p, final PacketContext ctx, final EventSink out) {
                    out.emit(new Body(ctx.frame(), ctx.tsNanos(), ctx.flow(), p.latin1(0, p.length())));
                }
            };
        }
    }

    static Recorder run(final RawFrame... frames) {
        final Recorder r = new Recorder();
        final Engine e = new Engine(DissectorRegistry.of(List.of(new SipDissector(), new Probe())), EngineOptions.defaults(),
            List.of(r));
        for (final RawFrame f : frames) {
            e.process(f);
        }
        e.finish();
        return r;
    }

    static RawFrame udpFrame(final int sport, final int dport, final String text) {
        return Frames.frame(LinkType.ETHERNET, eth(0x0800, ipv4(A4, B4, 17, 1, false, 0, new byte[0],
            udp(sport, dport, text.getBytes(StandardCharsets.ISO_8859_1)))));
    }

    static RawFrame tcpFrame(final boolean fromA, final long seq, final int flags, final byte[] data) {
        final byte[] seg = fromA ? tcp(40000, 5062, seq, 0, flags, data) : tcp(5062, 40000, seq, 0, flags, data);
        return Frames.frame(LinkType.ETHERNET, eth(0x0800, ipv4(fromA ? A4 : B4, fromA ? B4 : A4, 6, 1, false, 0, new byte[0], seg)));
    }

    @Test
    void udpMessageIsParsedWithEveryField() {
        final Recorder r = run(udpFrame(5060, 5060, INVITE), udpFrame(5060, 5060, OK));
        assertThat(r.messages).hasSize(2);
        final SipMessage m = r.messages.get(0);
        assertThat(m.method()).isEqualTo("INVITE");
        assertThat(m.requestUri()).isEqualTo("sip:bob@b.example");
        assertThat(m.callId()).isEqualTo("a84b4c76e66710@pc33");
        assertThat(m.cseq()).isEqualTo(314159);
        assertThat(m.cseqMethod()).isEqualTo("INVITE");
        assertThat(m.from().display()).isEqualTo("Alice");
        assertThat(m.from().uri()).isEqualTo("sip:alice@a.example");
        assertThat(m.from().user()).isEqualTo("alice");
        assertThat(m.from().tag()).isEqualTo("1928301774");
        assertThat(m.to().tag()).isNull();
        assertThat(m.branch()).isEqualTo("z9hG4bK776asdhds");
        assertThat(m.userAgent()).isEqualTo("test/1.0");
        assertThat(m.contact().uri()).isEqualTo("sip:alice@10.0.0.1");
        assertThat(m.transport()).isEqualTo("UDP");
        assertThat(m.body()).isEqualTo("body");
        assertThat(r.bodies).containsExactly("body");
        assertThat(r.messages.get(1).statusCode()).isEqualTo(200);
        assertThat(r.messages.get(1).reason()).isEqualTo("OK");
        assertThat(r.messages.get(1).to().tag()).isEqualTo("a6c85cf");
        assertThat(r.anomalies).isEmpty();
    }

    @Test
    void foundOnAnyPortByItsStartLine() {
        assertThat(run(udpFrame(7777, 8888, INVITE)).messages).hasSize(1);
        assertThat(run(udpFrame(7777, 8888, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")).messages).isEmpty();
    }

    @Test
    void compactFormsAndFoldedHeaders() {
        final String compact = "MESSAGE sip:bob@b SIP/2.0\r\nv: SIP/2.0/UDP h;branch=z9hG4bK1\r\nf: <sip:a@a>;tag=x\r\n"
            + "t: <sip:bob@b>\r\ni: compact-1\r\nCSeq: 7\r\n MESSAGE\r\nSubject: first\r\n\tsecond\r\nc: text/x-probe\r\nl: 2\r\n\r\nhi";
        final SipMessage m = run(udpFrame(5060, 5060, compact)).messages.get(0);
        assertThat(m.callId()).isEqualTo("compact-1");
        assertThat(m.cseq()).isEqualTo(7);
        assertThat(m.cseqMethod()).isEqualTo("MESSAGE");
        assertThat(m.header("Subject")).isEqualTo("first second");
        assertThat(m.header("Via")).startsWith("SIP/2.0/UDP");
        assertThat(m.body()).isEqualTo("hi");
    }

    @Test
    void multipartBodiesAreSplitAndEachPartHandedOn() {
        final String body = "--b1\r\nContent-Type: text/x-probe\r\n\r\npart one\r\n--b1\r\nContent-Type: application/isup\r\n\r\n"
            + "\u0001\u0002\r\n--b1\r\nContent-Type: text/x-probe\r\n\r\npart two\r\n--b1--\r\n";
        final String msg = INVITE.substring(0, INVITE.indexOf("Content-Type"))
            + "Content-Type: multipart/mixed;boundary=b1\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
        assertThat(run(udpFrame(5060, 5060, msg)).bodies).containsExactly("part one", "part two");
    }

    @Test
    void malformedMessagesGiveAnomaliesAndWhatCouldBeRead() {
        final String bad = "INVITE sip:bob@b SIP/2.0\r\nCall-ID: x1\r\nCSeq: abc INVITE\r\nno colon here\r\n"
            + "Content-Length: 999\r\n\r\nshort";
        final Recorder r = run(udpFrame(5060, 5060, bad));
        assertThat(r.messages).singleElement().satisfies(m -> {
            assertThat(m.callId()).isEqualTo("x1");
            assertThat(m.cseq()).isEqualTo(-1);
            assertThat(m.body()).isEqualTo("short");
        });
        assertThat(r.anomalies).extracting(Anomaly::code)
            .containsExactlyInAnyOrder("sip.bad_cseq", "sip.bad_header", "sip.bad_content_length");
    }

    @Test
    void junkBeforeTheMethodIsSkipped() {
        final Recorder r = run(udpFrame(5060, 5060, "DBREGISTER sip:1.1.1.1:5060 SIP/2.0\r\nExpires: 3600\r\n\r\n"));
        assertThat(r.messages).singleElement().extracting(SipMessage::method).isEqualTo("REGISTER");
        assertThat(r.anomalies).extracting(Anomaly::code).contains("sip.junk_before_start_line", "sip.missing_call_id");
    }

    private static byte[] bytes(final String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void tcpMessagesAreFramedByContentLengthWhateverTheSegmentation() {
        final byte[] stream = bytes(INVITE + OK + "\r\n\r\n" + INVITE.replace("314159", "314160"));
        for (int cut = 1; cut < stream.length; cut += 7) {
            final byte[] a = java.util.Arrays.copyOfRange(stream, 0, cut);
            final byte[] b = java.util.Arrays.copyOfRange(stream, cut, stream.length);
            final Recorder r = run(tcpFrame(true, 0, 0x02, new byte[0]), tcpFrame(true, 1, 0x18, a),
                tcpFrame(true, 1 + a.length, 0x18, b));
            assertThat(r.messages).as("cut at %d", cut).extracting(SipMessage::cseq).containsExactly(314159L, 314159L, 314160L);
            assertThat(r.messages).allMatch(m -> m.transport().equals("TCP"));
            assertThat(r.bodies).as("cut at %d", cut).containsExactly("body", "body");
        }
    }

    static byte[] wsFrame(final String text, final boolean mask, final boolean fin, final int opcode) {
        final byte[] data = bytes(text);
        final ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write((fin ? 0x80 : 0) | opcode);
        final int maskBit = mask ? 0x80 : 0;
        if (data.length < 126) {
            o.write(maskBit | data.length);
        } else {
            o.write(maskBit | 126);
            o.write(data.length >>> 8);
            o.write(data.length & 0xFF);
        }
        final byte[] key = {0x11, 0x22, 0x33, 0x44};
        if (mask) {
            o.writeBytes(key);
            for (int i = 0; i < data.length; i++) {
                data[i] ^= key[i & 3];
            }
        }
        o.writeBytes(data);
        return o.toByteArray();
    }

    @Test
    void sipOverWebSocketMaskedUnmaskedAndFragmented() {
        final byte[] upgrade = bytes("GET / HTTP/1.1\r\nHost: ws.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: sip\r\nSec-WebSocket-Version: 13\r\n\r\n");
        final byte[] answer = bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: sip\r\n\r\n");
        final byte[] invite = wsFrame(INVITE, true, true, 1);
        final byte[] part1 = wsFrame(OK.substring(0, 30), false, false, 2);
        final byte[] part2 = wsFrame(OK.substring(30), false, true, 0);
        final byte[] ping = wsFrame("", false, true, 9);
        final Recorder r = run(tcpFrame(true, 0, 0x02, new byte[0]), tcpFrame(false, 0, 0x12, new byte[0]),
            tcpFrame(true, 1, 0x18, upgrade), tcpFrame(false, 1, 0x18, answer),
            tcpFrame(true, 1 + upgrade.length, 0x18, invite),
            tcpFrame(false, 1 + answer.length, 0x18, concat(ping, part1, part2)));
        assertThat(r.messages).extracting(SipMessage::label).containsExactly("INVITE", "200 OK");
        assertThat(r.messages).allMatch(m -> m.transport().equals("WS"));
        assertThat(r.anomalies).isEmpty();
    }

    static byte[] concat(final byte[]... parts) {
        final ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (final byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    @Test
    void sipOverTlsIsRecognisedAsEncrypted() {
        final byte[] record = {23, 3, 3, 0, 4, 1, 2, 3, 4};
        final byte[] seg = tcp(40000, 5061, 1, 0, 0x18, concat(record, record));
        final Recorder r = run(Frames.frame(LinkType.ETHERNET, eth(0x0800, ipv4(A4, B4, 6, 1, false, 0, new byte[0], seg))));
        assertThat(r.tls).singleElement().extracting(SipTls::version).isEqualTo("TLS 1.2");
        assertThat(r.messages).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 7, 42, 2024, 99991})
    void mutatedMessagesNeverBreakTheDissector(final long seed) {
        final Random rnd = new Random(seed);
        final byte[] base = bytes(INVITE + OK);
        final List<RawFrame> frames = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            final byte[] m = java.util.Arrays.copyOf(base, rnd.nextInt(base.length) + 1);
            for (int k = rnd.nextInt(8); k > 0; k--) {
                m[rnd.nextInt(m.length)] = (byte) rnd.nextInt(256);
            }
            if (rnd.nextBoolean()) {
                frames.add(udpFrame(5060, 5060, new String(m, StandardCharsets.ISO_8859_1)));
            } else {
                frames.add(tcpFrame(true, 1 + (long) i * 10_000, 0x18, m));
            }
        }
        final Recorder r = run(frames.toArray(new RawFrame[0]));
        assertThat(r.anomalies).as("seed %d", seed).noneMatch(a -> a.code().endsWith("dissector_bug"));
    }
}
