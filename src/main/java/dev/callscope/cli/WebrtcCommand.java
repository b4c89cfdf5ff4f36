package dev.callscope.cli;

import dev.callscope.core.InputException;
import dev.callscope.core.Limits;
import dev.callscope.dissect.sdp.SdpDissector;
import dev.callscope.flow.CaptureStats;
import dev.callscope.flow.webrtc.WebrtcTracker;
import dev.callscope.output.Json;
import dev.callscope.output.WebrtcViews;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code callscope webrtc}: ICE, DTLS, SRTP and TURN per WebRTC session. */
@Command(name = "webrtc", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Rebuild WebRTC sessions from the wire: STUN, TURN, DTLS and SRTP on one 5-tuple demultiplexed by "
        + "their first byte (RFC 7983). Per session: the ICE candidate pairs checked (checks, successes, errors, RTT, "
        + "the nominated pair, consent freshness), the DTLS handshake (version, cipher, use_srtp, certificate "
        + "fingerprints), SRTP/SRTCP streams from their clear headers, TURN allocations and channels, and whether the "
        + "SDP (from SIP or JSON signalling over WebSocket in the capture, or --sdp) agrees on ice-ufrag, fingerprint and setup."},
    footerHeading = "%nExamples:%n",
    footer = {"  callscope webrtc samples/webrtc/chromium-loopback.pcap",
        "  callscope webrtc --sdp samples/webrtc/offer.sdp --sdp samples/webrtc/answer.sdp --json samples/webrtc/chromium-loopback.pcap"})
public final class WebrtcCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    InputOptions input;

    @Option(names = "--sdp", paramLabel = "FILE", split = ",",
        description = "SDP offer and answer from the signalling (repeatable), matched to the wire.")
    List<Path> sdp = new ArrayList<>();

    @Mixin
    OutputOptions output;
    @Mixin
    LimitOptions limits;

    @Override
    public Integer call() throws Exception {
        final WebrtcTracker tracker = tracker(sdp, limits.limits());
        final Analysis.Result r = Analysis.run(input, limits, List.of(new CaptureStats(0), tracker));
        output.emit(spec,
            out -> Json.writeDocument(out, WebrtcViews.json(tracker)),
            out -> tracker.sessions().forEach(s -> Json.writeLine(out, WebrtcViews.session(s))),
            out -> WebrtcViews.text(out, tracker, output.width(spec)));
        return r.exitCode();
    }

    /** A WebRTC tracker that knows the SDP of these files (an offer and an answer from the signalling). */
    static WebrtcTracker tracker(final List<Path> sdpFiles, final Limits limits) throws InputException {
        return withSdps(new WebrtcTracker(limits), sdpFiles);
    }

    /** {@code tracker} with the SDPs of {@code --sdp} files added. */
    static WebrtcTracker withSdps(final WebrtcTracker tracker, final List<Path> sdpFiles) throws InputException {
        for (final Path p : sdpFiles) {
            try {
                tracker.addSdp(SdpDissector.parseText(Files.readAllBytes(p)), "--sdp " + p);
            } catch (IOException e) {
                throw new InputException(InputException.Kind.READ_ERROR, "--sdp " + p + ": " + e.getMessage());
            }
        }
        return tracker;
    }
}
