package dev.callscope.cli;

import dev.callscope.core.RegexBudget;
import dev.callscope.flow.CaptureStats;
import dev.callscope.flow.dubbo.DubboTracker;
import dev.callscope.flow.rtp.RtpStreamTracker;
import dev.callscope.flow.sip.SipCallTracker;
import dev.callscope.output.Json;
import dev.callscope.output.SpecException;
import dev.callscope.output.SpecReader;
import dev.callscope.output.VerifyViews;
import dev.callscope.verify.Evidence;
import dev.callscope.verify.VerificationReport;
import dev.callscope.verify.Verifier;
import dev.callscope.verify.VerifySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

/** {@code callscope verify}: checks captures against call-flow specs, for CI. */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Check that captures show the call flows a spec (YAML or JSON) demands: which SIP calls, their "
        + "message sequence (INVITE, 100?, 18x*, 200, ACK, BYE, 200), end state, timing budgets and media quality; "
        + "Dubbo calls per service#method, statuses, latency percentiles and heartbeats. Prints ✔/✘ per assertion, "
        + "with expected and actual ladders side by side for a failed sequence, and can write JUnit XML for CI."},
    footerHeading = "%nExamples:%n",
    footer = {"  callscope verify --spec call.yaml samples/sip-call.pcap",
        "  callscope verify --spec call.yaml --spec dubbo.yaml --junit target/callscope.xml capture.pcapng"})
public final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    InputOptions input;

    @Option(names = "--sdp", paramLabel = "FILE", split = ",",
        description = "SDP offer and answer from the signalling (repeatable), for the WebRTC fingerprint and ICE checks.")
    List<java.nio.file.Path> sdp = new ArrayList<>();

    @Option(names = "--spec", paramLabel = "SPEC", required = true,
        description = "The spec file (YAML, or JSON); repeatable: one JUnit testsuite per spec.")
    List<Path> specs = new ArrayList<>();

    @Option(names = "--junit", paramLabel = "FILE", description = "Also write JUnit XML to FILE (written whole or not at all).")
    String junit;

    @picocli.CommandLine.ArgGroup(exclusive = true)
    Format format = new Format();

    /** Mutually exclusive machine formats. */
    static final class Format {
        @Option(names = "--json", description = "Print the report as one JSON document.")
        boolean json;

        @Option(names = "--jsonl", description = "JSON Lines: one line per assertion (record \"result\"), then one "
            + "\"summary\" line.")
        boolean jsonl;
    }

    @Option(names = "--ascii", description = "ASCII marks and lines instead of ✔/✘ and box drawing.")
    boolean ascii;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
        description = "Write the report to FILE instead of standard output (as -o of the other commands: a file is replaced "
            + "whole or not at all, a FIFO or device written directly).")
    String output;

    @Mixin
    LimitOptions limits;

    @Override
    public Integer call() throws Exception {
        final List<VerifySpec> parsed = new ArrayList<>();
        for (final Path p : specs) {
            final String text;
            try {
                text = Files.readString(p, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return specError(p + ": cannot read the spec: " + e.getMessage());
            }
            try {
                parsed.add(SpecReader.read(p.toString(), text));
            } catch (SpecException e) {
                return specError(e.getMessage());
            }
        }
        final dev.callscope.core.Limits lim = limits.limits();
        final dev.callscope.flow.Trackers trackers = dev.callscope.flow.Trackers.of(lim);
        final SipCallTracker sip = trackers.sip();
        final RtpStreamTracker rtp = trackers.rtp();
        // only the calls a rule selects keep their messages and media; the rest is summarised once over
        sip.stream(SipCallTracker.Retention.SUMMARY, new SipCallTracker.Listener() { }, lim.callLingerNanos,
            lim.callIdleTimeoutNanos).keepWhole(c -> parsed.stream().anyMatch(s -> s.sip().stream()
                .anyMatch(rule -> selectsOrTooSlow(rule.match(), c))));
        rtp.stream(lim.streamIdleTimeoutNanos, true, s -> { });
        final DubboTracker dubbo = trackers.dubbo();
        final dev.callscope.flow.webrtc.WebrtcTracker webrtc = WebrtcCommand.withSdps(trackers.webrtc(), sdp);
        final Analysis.Result r = Analysis.run(input, limits, List.of(new CaptureStats(0), sip, rtp, dubbo, webrtc));
        sip.closeAll();
        if (r.inputError() != null) {
            throw r.inputError(); // a partly read capture proves nothing
        }
        final Evidence ev = new Evidence(sip.calls(), rtp.streams(), rtp.sipInfoDtmf(), dubbo, webrtc.sessions(), null,
            webrtc.signallingView());
        final Verifier verifier = new Verifier(new dev.callscope.verify.WebrtcChecks(ev.webrtc(), ev.signalling()));
        final List<VerificationReport.Suite> suites = new ArrayList<>();
        for (int i = 0; i < parsed.size(); i++) {
            try {
                suites.add(verifier.verify(parsed.get(i), ev));
            } catch (RegexBudget.TooSlowException e) {
                return specError(specs.get(i) + ": " + e.getMessage());
            }
        }
        final VerificationReport report = new VerificationReport(suites);
        if (junit != null) {
            try (OutputTarget t = OutputTarget.of(junit, spec.commandLine().getOut())) {
                t.writer().print(VerifyViews.junitXml(report));
                t.commit();
            }
        }
        try (OutputTarget t = OutputTarget.of(output, spec.commandLine().getOut())) {
            if (format != null && format.json) {
                Json.writeDocument(t.writer(), VerifyViews.json(report));
            } else if (format != null && format.jsonl) {
                VerifyViews.jsonl(t.writer(), report);
            } else {
                VerifyViews.text(t.writer(), report, !ascii);
            }
            t.commit();
        }
        return report.passed() ? ExitCodes.OK : ExitCodes.VERIFY_FAILED;
    }

    /**
     * Whether a rule selects the call, and true when one of its patterns takes too long (the call
     * is kept whole; the verdict then reports the pattern).
     */
    private static boolean selectsOrTooSlow(final VerifySpec.CallMatch m, final dev.callscope.flow.sip.SipCall c) {
        try {
            return Verifier.selects(m, c);
        } catch (RegexBudget.TooSlowException e) {
            return true;
        }
    }

    private int specError(final String message) {
        spec.commandLine().getErr().println("callscope: bad spec: " + message);
        spec.commandLine().getErr().flush();
        return ExitCodes.USAGE;
    }
}
