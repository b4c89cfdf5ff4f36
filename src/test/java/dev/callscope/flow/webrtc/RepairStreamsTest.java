package dev.callscope.flow.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.dissect.sdp.SdpDissector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * RTX and FEC streams are repair streams of their media SSRC (RFC 4588, a=ssrc-group FID), with no
 * jitter: their timestamps are the originals', sent late. samples/webrtc/chromium-loopback.pcap has
 * Chromium's video on SSRC 3774110005 (0xE0F45935, PT 118 red) and its RTX on 2863177881
 * (0xAAA8A099, PT 97 and 119, both rtx in offer.sdp: apt=96 and apt=118).
 */
class RepairStreamsTest {
    private static final Path DIR = Path.of("samples/webrtc");

    private static Map<Long, WebrtcSession.SrtpStream> streams(final boolean withSdp) throws Exception {
        final WebrtcTracker t = new WebrtcTracker();
        if (withSdp) {
            t.addSdp(SdpDissector.parseText(Files.readAllBytes(DIR.resolve("offer.sdp"))), "offer");
            t.addSdp(SdpDissector.parseText(Files.readAllBytes(DIR.resolve("answer.sdp"))), "answer");
        }
        WebrtcDifferentialTest.run(DIR.resolve("chromium-loopback.pcap"), t);
        return t.sessions().get(0).srtpStreams().stream().filter(s -> !s.rtcp())
            .collect(Collectors.toMap(WebrtcSession.SrtpStream::ssrc, Function.identity()));
    }

    @Test
    void rtxIsARepairStreamOfItsVideoWithoutJitter() throws Exception {
        final Map<Long, WebrtcSession.SrtpStream> s = streams(true);
        final WebrtcSession.SrtpStream rtx = s.get(2863177881L);
        assertThat(rtx.packets()).isEqualTo(14);
        assertThat(rtx.payloadTypes()).containsExactly(97, 119);
        assertThat(rtx.repairKind()).isEqualTo("rtx");
        assertThat(rtx.repairOf()).isEqualTo(3774110005L);
        assertThat(rtx.maxJitterMs()).isNaN();
        final WebrtcSession.SrtpStream video = s.get(3774110005L);
        assertThat(video.repairKind()).isNull();
        assertThat(video.clockRate()).isEqualTo(90000);
        assertThat(video.maxJitterMs()).isBetween(0.0, 50.0);
        final WebrtcSession.SrtpStream audio = s.get(4191794560L);
        assertThat(audio.repairKind()).isNull();
        assertThat(audio.maxJitterMs()).isBetween(0.0, 20.0);
    }

    @Test
    void withoutSdpNothingIsCalledRepair() throws Exception {
        // no SDP: neither payload types nor SSRC groups are known, and no clock rate either
        assertThat(streams(false).values()).allSatisfy(st -> {
            assertThat(st.repairKind()).isNull();
            assertThat(st.maxJitterMs()).isNaN();
        });
    }
}
