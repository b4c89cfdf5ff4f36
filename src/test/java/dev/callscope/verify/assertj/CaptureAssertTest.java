package dev.callscope.verify.assertj;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.callscope.api.Capture;
import dev.callscope.verify.Evidence;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The AssertJ API on the samples: passing chains, and failure messages that say what was found. */
class CaptureAssertTest {
    private static Evidence call;
    private static Evidence busy;
    private static Evidence dubbo;

    @BeforeAll
    static void read() {
        call = Capture.read(Path.of("samples/sip-call.pcap"));
        busy = Capture.read(Path.of("samples/sip-busy.pcap"));
        dubbo = Capture.read(Path.of("samples/dubbo/dubbo-calls.pcap"));
    }

    @Test
    void theIssuesExamplePasses() {
        CaptureAssert.assertThat(call).sipCalls().singleElement()
            .hasFlow("INVITE", "100", "180", "200", "ACK", "BYE", "200")
            .hasRtpLossBelow(1.0)
            .hasFlow("INVITE", "100?", "18x*", "2xx", "ACK", "BYE", "200")
            .hasState("COMPLETED")
            .hasSetupTimeBelow(1000)
            .hasPostDialDelayBelow(200)
            .hasDurationBetween(5, 10)
            .hasNoRetransmissions()
            .hasMediaBothWays()
            .hasCodec("PCMA")
            .hasJitterBelow(5)
            .hasMosAbove(4.0)
            .hasDtmf("");
        CaptureAssert.assertThat(call).inviteCalls().hasSize(1).matching("alice", "bob", null, null).hasSize(1)
            .allSatisfy(c -> c.hasState("completed"));
    }

    @Test
    void webrtcEntryPoint() {
        final Evidence webrtc = Capture.read(Path.of("samples/webrtc/chromium-loopback.pcap"));
        CaptureAssert.assertThat(webrtc).webrtc().hasNominatedPair().hasDtlsCompleted().hasUseSrtp();
        // the sample's media flows one way only
        assertThatThrownBy(() -> CaptureAssert.assertThat(webrtc).webrtc().hasSrtpBothWays())
            .hasMessage("WebRTC: srtp both ways: session 1: SRTP packets one way 0, the other 213");
        assertThatThrownBy(() -> CaptureAssert.assertThat(call).webrtc().hasNominatedPair())
            .hasMessage("WebRTC: nominated pair: no WebRTC session (no STUN or DTLS on an ICE 5-tuple) in the capture");
    }

    @Test
    void tripleCallsThroughTheDubboAssertions() {
        final Evidence triple = Capture.read(Path.of("samples/triple/triple-streaming.pcap"));
        CaptureAssert.assertThat(triple).dubbo().method("StreamService#sum").wasCalled(2).hasStatuses("OK");
        assertThatThrownBy(() -> CaptureAssert.assertThat(triple).dubbo().method("StreamService#countdown").hasStatuses("OK"))
            .hasMessageContaining("UNKNOWN=1");
    }

    @Test
    void dubboFailureAssertions() {
        // samples/dubbo-failures: the truth logs say which call timed out on the consumer, which was over a
        // payload limit, and that the frozen provider's consumer reconnected twice
        final Evidence late = Capture.read(Path.of("samples/dubbo-failures/dubbo-late-response.pcap"));
        CaptureAssert.assertThat(late).dubbo().hasNoPayloadOverLimit().hasNoReconnects();
        assertThatThrownBy(() -> CaptureAssert.assertThat(late).dubbo().hasNoLateResponses())
            .hasMessage("Dubbo: late responses: 1 late response(s): frame 21 after 3009.41 ms (timeout 1000 ms)");
        final Evidence payload = Capture.read(Path.of("samples/dubbo-failures/dubbo-payload-limit.pcap"));
        CaptureAssert.assertThat(payload).dubbo().hasNoLateResponses().method("FailService#ping").hasNoLateResponses();
        assertThatThrownBy(() -> CaptureAssert.assertThat(payload).dubbo().hasNoPayloadOverLimit())
            .hasMessageContaining("1 call(s) over the payload limit: frame 33").hasMessageContaining("FailService#big, response of 100090 B over "
                + "the provider's payload limit of 65536 B (its error says)");
        final Evidence frozen = Capture.read(Path.of("samples/dubbo-failures/dubbo-frozen-provider.pcap"));
        assertThatThrownBy(() -> CaptureAssert.assertThat(frozen).dubbo().hasNoReconnects()).hasMessage("Dubbo: reconnects: 2 reconnect(s)");
    }

    @Test
    void roomAssertions() {
        final Evidence room = Capture.read(Path.of("samples/webrtc-room/webrtc-room-mesh.pcap"));
        CaptureAssert.assertThat(room).webrtc().roomHasMembers("lab", "alice", "bob", "carol").roomIsFullyConnected("lab")
            .hasNoSignallingOutageOver(1);
        assertThatThrownBy(() -> CaptureAssert.assertThat(room).webrtc().roomHasMembers("lab", "alice", "bob"))
            .hasMessage("WebRTC: room members: room lab had [alice, bob, carol], expected [alice, bob]");
        final Evidence down = Capture.read(Path.of("samples/webrtc-reneg/webrtc-reneg-reconnect.pcap"));
        assertThatThrownBy(() -> CaptureAssert.assertThat(down).webrtc().hasNoSignallingOutageOver(5))
            .hasMessageStartingWith("WebRTC: max reconnect s: alice without signalling 7.");
    }

    @Test
    void failuresSayWhatTheCaptureShows() {
        assertThatThrownBy(() -> CaptureAssert.assertThat(busy).sipCalls().singleElement()
            .hasFlow("INVITE", "100", "180", "200", "ACK", "BYE", "200"))
            .isInstanceOf(AssertionError.class)
            .hasMessage("Call 1 (1-27607@127.0.0.11): flow: expected INVITE, 100, 180, 200, ACK, BYE, 200; actual INVITE, 100, 486, ACK");
        assertThatThrownBy(() -> CaptureAssert.assertThat(busy).sipCalls().singleElement().hasRtpLossBelow(1.0))
            .hasMessage("Call 1 (1-27607@127.0.0.11): RTP loss: no RTP stream for this call, so no loss");
        assertThatThrownBy(() -> CaptureAssert.assertThat(busy).sipCalls().singleElement().hasState("IN CALL"))
            .hasMessage("Call 1 (1-27607@127.0.0.11): state: expected IN CALL, was BUSY");
        assertThatThrownBy(() -> CaptureAssert.assertThat(call).sipCalls().singleElement().hasMosAbove(4.5))
            .hasMessage("Call 1 (1-27528@127.0.0.11): MOS: estimated MOS 127.0.0.12:7000->127.0.0.11:6000 4.395 ✘, "
                + "127.0.0.11:6000->127.0.0.12:7000 4.395 ✘ (at least 4.5)");
        assertThatThrownBy(() -> CaptureAssert.assertThat(call).sipCalls().hasSize(2))
            .hasMessageStartingWith("Expected 2 SIP call(s) but the capture has 1:")
            .hasMessageContaining("call 1 1-27528@127.0.0.11 INVITE COMPLETED");
        assertThatThrownBy(() -> CaptureAssert.assertThat(dubbo).sipCalls().singleElement())
            .hasMessageStartingWith("Expected exactly one SIP call but the capture has 0");
        assertThatThrownBy(() -> CaptureAssert.assertThat(call).sipCalls().singleElement().hasFlow("INVITE", "1x"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sequence item 2 '1x'");
    }

    @Test
    void dubboEntryPoints() {
        CaptureAssert.assertThat(dubbo).dubbo()
            .hasNoUnansweredRequests()
            .hasHeartbeats()
            .hasNoMissedHeartbeats()
            .method("GreetingService#greet").wasCalled(3).hasStatuses("OK").hasNoUnansweredRequests()
            .hasLatencyBelow("p50", 10).hasLatencyBelow("max", 100);
        assertThatThrownBy(() -> CaptureAssert.assertThat(dubbo).dubbo().method("GreetingService#slow").hasLatencyBelow("p99", 100))
            .hasMessage("Dubbo GreetingService#slow: latency: p99 latency 1506.874 ms over 100 ms");
        assertThatThrownBy(() -> CaptureAssert.assertThat(dubbo).dubbo().method("GreetingService#greet").wasCalled(4))
            .hasMessage("Dubbo GreetingService#greet: calls: expected 4 call(s) to GreetingService#greet, got 3");
        assertThatThrownBy(() -> CaptureAssert.assertThat(dubbo).dubbo().method("UserService#login"))
            .hasMessageStartingWith("Expected calls to UserService#login but the capture has none; methods called: "
                + "[dev.callscope.samples.dubbo.GreetingService#add");
        assertThatThrownBy(() -> CaptureAssert.assertThat(call).dubbo().hasHeartbeats())
            .hasMessage("Dubbo: heartbeats: 0 heartbeat(s)");
    }

    @Test
    void encryptedCallsReadWithTheirKeyLog() {
        final Evidence e = Capture.read(List.of(Path.of("samples/srtp/call-aes-cm.keys")), Path.of("samples/srtp/call-aes-cm.pcap"));
        CaptureAssert.assertThat(e).inviteCalls().hasSize(2);
        CaptureAssert.assertThat(e).inviteCalls().element(0)
            .hasFlow("INVITE", "100", "180", "200", "ACK", "BYE", "200")
            .hasMediaBothWays()
            .hasRtpLossBelow(0.1)
            .hasDtmf("59");
        // without the key log the SIP over TLS is not read: no call at all
        CaptureAssert.assertThat(Capture.read(Path.of("samples/srtp/call-aes-cm.pcap"))).inviteCalls().hasSize(0);
    }
}
