package dev.callscope.dissect.sdp;

import static dev.callscope.dissect.sdp.SdpFakes.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.callscope.dissect.Binding;
import dev.callscope.dissect.Confidence;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.Transport;
import dev.callscope.testutil.FakeConversation.Expectation;
import dev.callscope.dissect.sdp.SdpFakes.Run;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SdpDissectorTest {
    private final SdpDissector d = new SdpDissector();

    @Test
    void declaration() {
        assertThat(d.id()).isEqualTo("sdp");
        assertThat(d.bindings()).containsExactly(Binding.contentType("application/sdp"));
        assertThat(d.heuristic()).isFalse();
        assertThat(d.transports()).containsExactlyInAnyOrder(Transport.UDP, Transport.TCP);
    }

    @Test
    void accept() {
        final PacketContext ctx = new PacketContext();
        assertThat(d.accept(payload("v=0\r\n"), ctx)).isEqualTo(Confidence.STRONG);
        assertThat(d.accept(payload("v=0"), ctx)).isEqualTo(Confidence.STRONG);
        assertThat(d.accept(payload("o=- 1 1 IN IP4 1.2.3.4"), ctx)).isEqualTo(Confidence.WEAK);
        assertThat(d.accept(payload("v="), ctx)).isEqualTo(Confidence.WEAK);
        assertThat(d.accept(payload("INVITE sip:a SIP/2.0"), ctx)).isEqualTo(Confidence.NO);
        assertThat(d.accept(payload("v"), ctx)).isEqualTo(Confidence.NO);
        assertThat(d.accept(payload(""), ctx)).isEqualTo(Confidence.NO);
    }

    @Test
    void webRtcBundleAnnouncesOneRtpFlowAndNoRtcp() {
        final Run r = run(SdpParserTest.WEBRTC, 12);
        assertThat(r.expected()).containsExactly(new Expectation(Transport.UDP, "203.0.113.7:54400", "webrtc", 12));
    }

    @Test
    void rfc8866ExampleAnnouncesRtpAndRtcpPerMedia() {
        final Run r = run(SdpParserTest.RFC8866, 3);
        assertThat(r.expected()).extracting(Expectation::transport, Expectation::endpoint, Expectation::dissectorId,
                Expectation::frame)
            .containsExactly(
                tuple(Transport.UDP, "198.51.100.1:49170", "rtp", 3L),
                tuple(Transport.UDP, "198.51.100.1:49171", "rtcp", 3L),
                tuple(Transport.UDP, "198.51.100.1:49180", "rtp", 3L),
                tuple(Transport.UDP, "198.51.100.1:49181", "rtcp", 3L),
                tuple(Transport.UDP, "[2001:db8::2]:51372", "rtp", 3L),
                tuple(Transport.UDP, "[2001:db8::2]:51373", "rtcp", 3L));
    }

    @Test
    void nothingAnnouncedForRejectedNonRtpOrTcpMedia() {
        final Run r = run("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
            + "m=audio 0 RTP/AVP 0\r\n"
            + "m=image 4000 udptl t38\r\n"
            + "m=audio 4002 TCP/RTP/AVP 0\r\n"
            + "m=message 4004 TCP/MSRP *\r\n"
            + "m=video 4006 RTP/SAVPF 96\r\na=rtcp-mux\r\n"
            + "m=audio 4010 RTP/AVP 0\r\na=rtcp:4020\r\n"
            + "m=audio 65535 RTP/AVP 0\r\n", 1);
        assertThat(r.codes()).isEmpty();
        assertThat(r.expected()).extracting(Expectation::endpoint, Expectation::dissectorId)
            .containsExactly(tuple("10.0.0.1:4006", "rtp"), tuple("10.0.0.1:4010", "rtp"), tuple("10.0.0.1:4020", "rtcp"),
                tuple("10.0.0.1:65535", "rtp"));
    }

    @Test
    void badAndHostNameAddresses() {
        final Run r = run("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nt=0 0\r\n"
            + "m=audio 4000 RTP/AVP 0\r\nc=IN IP4 $\r\n"
            + "m=audio 4002 RTP/AVP 0\r\nc=IN IP4 media.example.com\r\n"
            + "m=audio 4004 RTP/AVP 0\r\nc=IN IP4 10.0.0.9\r\na=rtcp:5000 IN IP4 rtcp.example.com\r\n", 1);
        assertThat(r.codes()).containsExactly("sdp.bad_address", "sdp.fqdn_address", "sdp.fqdn_address");
        assertThat(r.expected()).extracting(Expectation::endpoint).containsExactly("10.0.0.9:4004");
    }

    @Test
    void eachBodyIsIndependent() {
        final SdpFakes.Conversation c = new SdpFakes.Conversation();
        final SdpFakes.Sink sink = new SdpFakes.Sink();
        final var session = d.open(c);
        final PacketContext ctx = new PacketContext();
        ctx.set(1, 0, c.flow(), dev.callscope.core.Direction.A_TO_B, Transport.UDP, false);
        session.onDatagram(payload("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\na=sendonly\r\n"
            + "m=audio 4000 RTP/AVP 0\r\n"), ctx, sink);
        ctx.set(2, 0, c.flow(), dev.callscope.core.Direction.B_TO_A, Transport.UDP, false);
        session.onDatagram(payload("v=0\r\no=- 2 2 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\nt=0 0\r\n"
            + "m=audio 5000 RTP/AVP 8\r\n"), ctx, sink);
        assertThat(sink.events).extracting(e -> ((SdpBody) e).summary())
            .containsExactly("audio 10.0.0.1:4000 PCMU/8000 sendonly", "audio 10.0.0.2:5000 PCMA/8000 sendrecv");
        assertThat(sink.events).extracting(e -> e.frame()).containsExactly(1L, 2L);
        assertThat(c.expected).extracting(Expectation::frame).containsExactly(1L, 1L, 2L, 2L);
    }

    private static Payload payload(final String s) {
        return Payload.of(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
