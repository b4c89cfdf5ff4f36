package dev.callscope.cli;

import dev.callscope.flow.sip.SipCall;
import dev.callscope.flow.sip.SipCallTracker;
import dev.callscope.output.CapLines;
import dev.callscope.output.Json;
import dev.callscope.output.SipViews;
import dev.callscope.core.Limits;
import dev.callscope.flow.rtp.RtpStreamTracker;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
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
    WriteOption write;
    @Mixin
    OutputOptions output;
    @Mixin
    LimitOptions limits;

    @Override
    public Integer call() throws Exception {
        final ShellSession session = ShellSession.of(spec, input);
        final ShellSession.Analysed held = session == null ? null : session.analyse();
        final Predicate<SipCall> keep = filter.predicate().and(session != null ? session.filter() : c -> true);
        final Limits lim = limits.limits();
        if (held == null && output.jsonl()) {
            return stream(keep);
        }
        final SipCallTracker tracker = held != null ? held.sip() : new SipCallTracker(lim.maxCalls);
        final RtpStreamTracker rtp = held != null ? held.rtp() : new RtpStreamTracker(lim, 0);
        final boolean streaming = held == null && !output.json();
        final PacketExport export = write.file == null ? null
            : PacketExport.prepare(write.file, input, held != null, rtp, streaming ? lim.streamIdleTimeoutNanos : 0);
        if (held == null) {
            tracker.media(rtp);
            if (streaming) {
                // a table keeps a summary of each call once it is over, not its messages or media
                tracker.slimMessages().stream(SipCallTracker.Retention.SUMMARY, new SipCallTracker.Listener() {
                    @Override
                    public void closed(final SipCall c) {
                        if (export != null) {
                            export.closed(c, keep, rtp);
                        }
                        HeapGuard.tick();
                    }
                }, lim.callLingerNanos, lim.callIdleTimeoutNanos);
                rtp.stream(lim.streamIdleTimeoutNanos, true, s -> { });
            }
        }
        final Analysis.Result r = held != null ? held.result()
            : Analysis.run(input, limits, export == null ? List.of(tracker, rtp) : List.of(tracker, rtp, export));
        tracker.closeAll();
        final List<SipCall> all = tracker.calls();
        final Comparator<SipCall> order = switch (sort) {
            case duration -> Comparator.comparingDouble(SipCall::durationSeconds).reversed();
            case messages -> Comparator.comparingInt(SipCall::messageCount).reversed();
            case state -> Comparator.comparing(SipCall::state);
            default -> Comparator.comparingLong(SipCall::startNanos);
        };
        final List<SipCall> shown = all.stream().filter(keep).sorted(order.thenComparingInt(SipCall::index)).toList();
        if (export != null) {
            filter.rethrow();
            if (!streaming) {
                shown.forEach(c -> export.claim(c, rtp, held));
            }
            export.write(input, session);
        }
        output.emit(spec,
            out -> {
                final var doc = SipViews.callsJson(shown, all.size(), rtp);
                CapLines.sip(doc, tracker);
                Json.writeDocument(out, doc);
            },
            out -> shown.forEach(c -> Json.writeLine(out, SipViews.callRecord(c, true, rtp))),
            out -> {
                SipViews.callsText(out, shown, all.size(), output.width(spec));
                CapLines.sip(tracker, lim.maxCalls).forEach(out::println);
            });
        return r.exitCode();
    }

    /**
     * JSON Lines as the capture is read: each call is written once it is over (see {@link
     * Limits#callLingerNanos}), with its messages and media, and then forgotten; calls still open
     * at the end follow in order of first message. Memory follows the calls in progress.
     */
    private int stream(final Predicate<SipCall> keep) throws Exception {
        final Limits lim = limits.limits();
        final SipCallTracker tracker = new SipCallTracker(lim.maxCalls);
        final RtpStreamTracker rtp = new RtpStreamTracker(lim, 0);
        final PacketExport export = write.file == null ? null
            : PacketExport.prepare(write.file, input, false, rtp, lim.streamIdleTimeoutNanos);
        try (StreamingOutput out = StreamingOutput.open(output, spec)) {
            tracker.media(rtp).slimMessages().stream(SipCallTracker.Retention.NONE, new SipCallTracker.Listener() {
                @Override
                public void closed(final SipCall c) {
                    if (keep.test(c)) {
                        // a call that is over and whose streams are its own changes no more: it is
                        // encoded on the second thread (an export reads the same streams here)
                        final Json.Writable later = export == null ? SipViews.finishedCallRecord(c, rtp) : null;
                        if (later != null) {
                            out.lineLater(later, c.messageCount() + c.mediaEndpoints().size());
                        } else {
                            out.line(SipViews.callRecord(c, true, rtp));
                        }
                    }
                    if (export != null) {
                        export.closed(c, keep, rtp);
                    }
                }
            }, lim.callLingerNanos, lim.callIdleTimeoutNanos);
            rtp.stream(lim.streamIdleTimeoutNanos, true, s -> { });
            final Analysis.Result r = Analysis.run(input, limits,
                export == null ? List.of(tracker, rtp) : List.of(tracker, rtp, export), out);
            tracker.closeAll();
            filter.rethrow();
            if (export != null) {
                export.write(input, null);
            }
            CapLines.sip(tracker, lim.maxCalls).forEach(l -> spec.commandLine().getErr().println("callscope: " + l));
            out.commit();
            return r.exitCode();
        }
    }
}
