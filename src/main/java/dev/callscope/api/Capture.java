package dev.callscope.api;

import dev.callscope.core.Limits;
import dev.callscope.core.PacketSource;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.engine.Engine;
import dev.callscope.engine.EngineOptions;
import dev.callscope.flow.Trackers;
import dev.callscope.flow.dubbo.DubboTracker;
import dev.callscope.flow.rtp.RtpStreamTracker;
import dev.callscope.flow.sip.SipCallTracker;
import dev.callscope.flow.webrtc.WebrtcTracker;
import dev.callscope.pcap.CaptureFiles;
import dev.callscope.tls.KeyLog;
import dev.callscope.verify.Evidence;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

    /**
     * Reads one or more capture files (merged by timestamp). I/O and format errors are unchecked.
     * Keys in a pcapng Decryption Secrets Block are used; see {@link #read(List, Path...)} for key logs.
     */
    public static Evidence read(final Path... files) {
        return read(List.of(), files);
    }

    /**
     * Reads capture files with TLS key logs (NSS format, as {@code --keylog} takes them): SIP over
     * TLS is decrypted, and with it the SDES keys of its SDP decrypt the SRTP media.
     *
     * <pre>{@code
     * CaptureAssert.assertThat(Capture.read(List.of(Path.of("keys.log")), Path.of("tls-call.pcap")))
     *     .sipCalls().element(0).hasDtmf("59");
     * }</pre>
     */
    public static Evidence read(final List<Path> keyLogs, final Path... files) {
        final List<String> paths = new ArrayList<>();
        for (final Path f : files) {
            paths.add(f.toString());
        }
        final Limits limits = new Limits();
        final Trackers t = Trackers.of(limits);
        final SipCallTracker sip = t.sip();
        final RtpStreamTracker rtp = t.rtp();
        final DubboTracker dubbo = t.dubbo();
        final WebrtcTracker webrtc = t.webrtc();
        final Engine engine = new Engine(DissectorRegistry.builtIn(Set.of()), new EngineOptions(limits, List.of()), t.taps());
        final KeyLog keys = new KeyLog(limits.maxKeyLogSecrets);
        try (PacketSource source = CaptureFiles.openAll(paths)) {
            for (final Path k : keyLogs) {
                try (java.io.Reader r = Files.newBufferedReader(k, StandardCharsets.ISO_8859_1)) {
                    keys.read(r);
                }
            }
            engine.decrypt(keys);
            source.onSecrets((type, data, off, len) -> {
                if (type == PacketSource.TLS_KEY_LOG) {
                    keys.read(data, off, len);
                }
            });
            engine.run(source);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + paths + ": " + e.getMessage(), e);
        }
        return new Evidence(sip.calls(), rtp.streams(), rtp.sipInfoDtmf(), dubbo, webrtc.sessions(), null, webrtc.signallingView());
    }
}
