package dev.callscope.cli;

import dev.callscope.flow.CaptureStats;
import dev.callscope.flow.sip.SipCallTracker;
import dev.callscope.flow.sip.SipEntry;
import dev.callscope.output.Json;
import dev.callscope.output.SipViews;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code callscope sip}: the SIP message list. */
@Command(name = "sip", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"List SIP messages like tshark's SIP column (frame, time, source, destination, transport, summary, "
        + "call index), or print one message whole with --raw."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "2:usage error", "3:input error (after reporting what was read), or no SIP message in the --raw frame",
        "4:internal error"},
    footerHeading = "%nExamples:%n",
    footer = {"  callscope sip samples/sip-call.pcap", "  callscope sip --raw 1 samples/sip-call.pcap",
        "  callscope sip --jsonl --call-id '^a84b' capture.pcap"})
public final class SipCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    InputOptions input;
    @Mixin
    SipFilterOptions filter;

    @Option(names = "--raw", paramLabel = "FRAME", description = "Print the SIP message(s) of this frame whole.")
    Long raw;

    @Option(names = "--stats", description = "Print counts like tshark -z sip,stat (requests by method, responses by code, resent).")
    boolean stats;

    @Mixin
    OutputOptions output;
    @Mixin
    LimitOptions limits;

    @Override
    public Integer call() throws Exception {
        final SipCallTracker tracker = new SipCallTracker(limits.limits().maxCalls);
        final CaptureStats cap = new CaptureStats(0);
        final Analysis.Result r = Analysis.run(input, limits, List.of(cap, tracker));
        final var keep = filter.predicate();
        final List<SipEntry> shown = tracker.messages().stream().filter(e -> keep.test(e.call()))
            .filter(e -> raw == null || e.message().frame() == raw).toList();
        try (OutputTarget target = OutputTarget.of(output.output, spec.commandLine().getOut())) {
            if (raw != null) {
                if (shown.isEmpty()) {
                    throw new dev.callscope.core.InputException(dev.callscope.core.InputException.Kind.READ_ERROR,
                        "frame " + raw + " holds no SIP message");
                }
                for (final SipEntry e : shown) {
                    if (output.json() || output.jsonl()) {
                        final var o = SipViews.message(e);
                        o.put("raw", e.message().raw());
                        Json.writeLine(target.writer(), o);
                    } else {
                        target.writer().print(e.message().raw().replace("\r\n", "\n"));
                        if (!e.message().raw().endsWith("\n")) {
                            target.writer().println();
                        }
                    }
                }
            } else if (output.json()) {
                final var o = Json.object();
                o.set("stats", SipViews.statsJson(tracker));
                final var arr = o.putArray("messages");
                shown.forEach(e -> arr.add(SipViews.message(e)));
                Json.writeDocument(target.writer(), o);
            } else if (output.jsonl()) {
                shown.forEach(e -> Json.writeLine(target.writer(), SipViews.message(e)));
            } else {
                SipViews.messagesText(target.writer(), shown, cap.firstNanos());
                if (stats) {
                    target.writer().println();
                    target.writer().println("Resent: " + tracker.resentMessages());
                    tracker.requestsByMethod().forEach((k, v) -> target.writer().printf("  %-12s %d%n", k, v));
                    tracker.responsesByCode().forEach((k, v) -> target.writer().printf("  %-12s %d%n", k, v));
                }
            }
            target.commit();
        }
        if (r.inputError() != null) {
            throw r.inputError();
        }
        return ExitCodes.OK;
    }
}
