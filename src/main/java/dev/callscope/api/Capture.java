package dev.callscope.api;

import dev.callscope.core.Limits;
import dev.callscope.core.PacketSource;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.engine.Engine;
import dev.callscope.engine.EngineOptions;
import dev.callscope.flow.dubbo.DubboTracker;
import dev.callscope.flow.rtp.RtpStreamTracker;
import dev.callscope.flow.sip.SipCallTracker;
import dev.callscope.flow.webrtc.WebrtcTracker;
import dev.callscope.pcap.CaptureFiles;
import dev.callscope.verify.Evidence;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The library entry point for tests: reads capture files through the same pipeline as the command
 * line (built-in reader, every dissector, default limits) and returns what the trackers found, for
 * {@code dev.callscope.verify.assertj.CaptureAssert} or a {@code dev.callscope.verify.Verifier}.
 *
 * <pre>{@code
 * CaptureAssert.assertThat(Capture.read(Path.of("call.pcap")))
 *     .sipCalls().singleElement()
 *     .hasFlow("INVITE", "100", "180", "200", "ACK", "BYE", "200")
 *     .hasRtpLossBelow(1.0);
 * }</pre>
 */
public final class Capture {
    private Capture() {
    }

    /** Reads one or more capture files (merged by timestamp). I/O and format errors are unchecked. */
    public static Evidence read(final Path... files) {
        final List<String> paths = new ArrayList<>();
        for (final Path f : files) {
            paths.add(f.toString());
        }
        final Limits limits = new Limits();
        final SipCallTracker sip = new SipCallTracker(limits.maxCalls);
        final RtpStreamTracker rtp = new RtpStreamTracker();
        sip.media(rtp);
        final DubboTracker dubbo = new DubboTracker();
        final WebrtcTracker webrtc = new WebrtcTracker();
        final Engine engine = new Engine(DissectorRegistry.builtIn(Set.of()), new EngineOptions(limits, List.of()),
            List.of(sip, rtp, dubbo, webrtc));
        try (PacketSource source = CaptureFiles.openAll(paths)) {
            engine.run(source);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + paths + ": " + e.getMessage(), e);
        }
        return new Evidence(sip.calls(), rtp.streams(), rtp.sipInfoDtmf(), dubbo, webrtc.sessions());
    }
}
