package dev.callscope.cli;

import dev.callscope.flow.CaptureStats;
import dev.callscope.flow.sip.SipCall;
import dev.callscope.flow.sip.SipCallTracker;
import dev.callscope.output.Json;
import dev.callscope.output.SipViews;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code callscope calls}: one row per SIP call (Call-ID). */
@Command(name = "calls", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"List SIP calls (one per Call-ID), like sngrep's call list: method, from, to, endpoints, state "
        + "(CALL SETUP, RINGING, IN CALL, COMPLETED, CANCELLED, REJECTED, BUSY, FAILED, DIVERTED; PENDING for a "
        + "non-INVITE dialog without a final response), setup time and duration."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "2:usage error", "3:input error (after reporting what was read)", "4:internal error"},
    footerHeading = "%nExamples:%n",
    footer = {"  callscope calls samples/sip-call.pcap", "  callscope calls --state BUSY,REJECTED --from alice big.pcapng",
        "  callscope calls --json capture.pcap"})
public final class CallsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    InputOptions input;
    @Mixin
    SipFilterOptions filter;

    @Option(names = "--sort", paramLabel = "KEY", defaultValue = "start",
        description = "Order: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    SortKey sort;

    /** Orders of the calls table. */
    enum SortKey { start, duration, messages, state }

    @Mixin
    OutputOptions output;
    @Mixin
    LimitOptions limits;

    @Override
    public Integer call() throws Exception {
        final ShellSession session = ShellSession.of(spec, input);
        final ShellSession.Analysed held = session == null ? null : session.analyse();
        final SipCallTracker tracker = held != null ? held.sip() : new SipCallTracker(limits.limits().maxCalls);
        final dev.callscope.flow.rtp.RtpStreamTracker rtp = held != null ? held.rtp() : new dev.callscope.flow.rtp.RtpStreamTracker();
        final Analysis.Result r = held != null ? held.result() : Analysis.run(input, limits, List.of(new CaptureStats(0), tracker, rtp));
        final List<SipCall> all = tracker.calls();
        final Comparator<SipCall> order = switch (sort) {
            case duration -> Comparator.comparingDouble(SipCall::durationSeconds).reversed();
            case messages -> Comparator.comparingInt((SipCall c) -> c.entries().size()).reversed();
            case state -> Comparator.comparing(SipCall::state);
            default -> Comparator.comparingLong(SipCall::startNanos);
        };
        final List<SipCall> shown = all.stream().filter(filter.predicate().and(session != null ? session.filter() : c -> true)).sorted(order.thenComparingInt(SipCall::index)).toList();
        output.emit(spec,
            out -> Json.writeDocument(out, SipViews.callsJson(shown, all.size(), rtp)),
            out -> shown.forEach(c -> Json.writeLine(out, SipViews.call(c, true, rtp))),
            out -> SipViews.callsText(out, shown, all.size()));
        return r.exitCode();
    }
}
