package dev.callscope.cli;

import dev.callscope.core.InputException;
import dev.callscope.dissect.rtp.RtpDissector;
import dev.callscope.flow.rtp.RtpStream;
import dev.callscope.flow.rtp.RtpStreamTracker;
import dev.callscope.output.CapLines;
import dev.callscope.output.Json;
import dev.callscope.output.RtpViews;
import dev.callscope.output.WavWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code callscope rtp}: RTP streams and their quality, DTMF, RTCP, audio export. */
@Command(name = "rtp", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"List RTP streams like tshark -z rtp,streams (packets, lost, max delta, mean and max jitter, problems) "
        + "plus max skew, an estimated MOS (ITU-T G.107 E-model) and DTMF (RFC 4733 events and SIP INFO). Streams are "
        + "found from SDP, --decode-as, or --rtp-heuristic."},
    footerHeading = "%nExamples:%n",
    footer = {"  callscope rtp samples/sip-call.pcap", "  callscope rtp --rtp-heuristic --interval 1s --json media.pcap",
        "  callscope rtp --export-wav audio/ --decode-as udp.port=5000:rtp g711.pcap"})
public final class RtpCommand implements Callable<Integer> {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m)?");

    @Spec
    CommandSpec spec;
    @Mixin
    InputOptions input;

    @Option(names = "--interval", paramLabel = "DURATION",
        description = "Add a time series per stream (packets, lost, jitter per interval), e.g. 1s, 500ms, 1m.")
    String interval;

    @Option(names = "--export-wav", paramLabel = "DIR",
        description = "Write each G.711 (PCMU/PCMA) stream as a 16-bit 8 kHz WAV file in DIR, silence for lost packets.")
    Path exportWav;

    @Mixin
    OutputOptions output;
    @Mixin
    LimitOptions limits;

    /** "1s", "500ms", "2m", "0.5" (seconds) to nanoseconds; a usage error otherwise. */
    static long parseInterval(final String text) {
        final Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new UsageException("bad --interval '" + text + "': expected a duration like 1s, 500ms or 1m");
        }
        final double v = Double.parseDouble(m.group(1));
        final String unit = m.group(2) == null ? "s" : m.group(2);
        final double nanos = v * (unit.equals("ms") ? 1e6 : unit.equals("m") ? 60e9 : 1e9);
        if (nanos < 1e6 || nanos > 86_400e9) {
            throw new UsageException("bad --interval '" + text + "': must be between 1ms and 24h");
        }
        return (long) nanos;
    }

    @Override
    public Integer call() throws Exception {
        final long intervalNanos = interval == null ? 0 : parseInterval(interval);
        if (exportWav != null && Files.exists(exportWav) && !Files.isDirectory(exportWav)) {
            throw new UsageException("--export-wav " + exportWav + ": not a directory");
        }
        final ShellSession session = intervalNanos == 0 && exportWav == null ? ShellSession.of(spec, input) : null;
        final ShellSession.Analysed held = session == null ? null : session.analyse();
        if (held == null && exportWav == null && output.jsonl()) {
            return stream(intervalNanos);
        }
        final RtpStreamTracker tracker = held != null ? held.rtp() : new RtpStreamTracker(limits.limits(), intervalNanos);
        final List<RtpStream> ended = new ArrayList<>();
        if (held == null && exportWav == null && !output.json()) {
            // a table keeps each stream that went silent without its sequence window
            tracker.stream(limits.limits().streamIdleTimeoutNanos, false, s -> {
                s.compact();
                ended.add(s);
                HeapGuard.tick();
            });
        }
        final Map<String, String> prefs = exportWav == null ? Map.of() : Map.of(RtpDissector.PREF_KEEP_PAYLOAD, "true");
        final Analysis.Result r = held != null ? held.result() : Analysis.run(input, limits, List.of(tracker), prefs);
        try (OutputTarget target = OutputTarget.of(output.output, spec.commandLine().getOut())) {
            if (output.json()) {
                Json.writeDocument(target.writer(), RtpViews.json(tracker));
            } else if (output.jsonl()) {
                RtpViews.jsonl(target.writer(), tracker);
            } else if (held == null && exportWav == null) {
                tracker.flush();
                ended.sort(java.util.Comparator.comparingInt(RtpStream::index));
                RtpViews.text(target.writer(), tracker, ended, intervalNanos > 0, output.width(spec));
            } else {
                RtpViews.text(target.writer(), tracker, intervalNanos > 0, output.width(spec));
            }
            target.commit();
        }
        if (exportWav != null) {
            export(tracker.streams());
        }
        if (r.inputError() != null) {
            throw r.inputError();
        }
        return ExitCodes.OK;
    }

    /**
     * JSON Lines as the capture is read: each stream once it has been silent for --stream-timeout
     * (or the capture ended), then forgotten; SIP INFO digits at the end.
     */
    private int stream(final long intervalNanos) throws Exception {
        final RtpStreamTracker tracker = new RtpStreamTracker(limits.limits(), intervalNanos);
        try (StreamingOutput out = StreamingOutput.open(output, spec)) {
            // a stream handed on here has been forgotten by the tracker and changes no more: it is
            // encoded on the second thread
            tracker.stream(limits.limits().streamIdleTimeoutNanos, false,
                s -> out.lineLater(RtpViews.streamRecord(s, tracker.firstNanos()), 1));
            final Analysis.Result r = Analysis.run(input, limits, List.of(tracker), out);
            tracker.flush();
            CapLines.rtp(tracker, tracker.maxStreams()).forEach(l -> spec.commandLine().getErr().println("callscope: " + l));
            tracker.sipInfoDtmf().forEach(e -> out.line(RtpViews.dtmfRecord(e)));
            out.commit();
            return r.exitCode();
        }
    }

    private void export(final List<RtpStream> streams) throws InputException {
        try {
            Files.createDirectories(exportWav);
            int written = 0;
            for (final RtpStream s : streams) {
                if (s.exportableAudio()) {
                    WavWriter.write(exportWav.resolve(WavWriter.fileName(s)), s.decodeAudio());
                    written++;
                }
            }
            spec.commandLine().getErr().println(written + " WAV file" + (written == 1 ? "" : "s") + " written to " + exportWav);
        } catch (IOException e) {
            throw new InputException(InputException.Kind.READ_ERROR, "--export-wav " + exportWav + ": " + e.getMessage());
        }
    }
}
