package dev.callscope.flow.rtp;

import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.dissect.Tap;
import dev.callscope.dissect.rtp.RtpPacket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ScratchDump {
    @Test
    void dump() throws Exception {
        final String f = System.getProperty("cap");
        final long ssrc = Long.decode(System.getProperty("ssrc"));
        final RtpStreamTracker t = new RtpStreamTracker();
        RtpTruth.run(Path.of(f), Boolean.getBoolean("heur"), new Tap() {
            @Override
            public void onEvent(final ProtocolEvent e) {
                t.onEvent(e);
                if (e instanceof RtpPacket p && p.ssrc() == ssrc) {
                    for (RtpStream s : t.streams()) {
                        if (s.ssrc() == ssrc && s.src().equals(p.src())) {
                            System.out.printf("%d pt=%d m=%b seq=%d ts=%d flags=%x delta=%.3f jit=%.3f maxd=%.3f%n", p.frame(), p.payloadType(), p.marker(), p.sequence(), p.timestamp(), s.stats.flags, s.stats.delta, s.stats.jitter, s.stats.maxDelta);
                        }
                    }
                }
            }
            @Override
            public void onFrame(final dev.callscope.dissect.FrameRecord fr) { t.onFrame(fr); }
        });
    }
}
