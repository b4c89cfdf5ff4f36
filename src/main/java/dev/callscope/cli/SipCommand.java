package dev.callscope.cli;

import dev.callscope.core.InputException;
import dev.callscope.flow.CaptureStats;
import dev.callscope.flow.sip.SipCallTracker;
import dev.callscope.flow.sip.SipEntry;
import dev.callscope.output.CapLines;
import dev.callscope.output.Json;
import dev.callscope.output.SipViews;
import dev.callscope.core.Limits;
import dev.callscope.flow.sip.SipCall;
import dev.callscope.flow.rtp.RtpStreamTracker;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
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

    @Option(names = "--stats", description = "Print counts like tshark -z sip,stat (requests by method, responses by code, retransmissions).")
    boolean stats;

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
        final var keep = filter.predicate().and(session != null ? session.filter() : c -> true);
        if (held == null && raw == null && !output.json()) {
            return output.jsonl() ? stream(keep) : table(keep);
        }
        final SipCallTracker tracker = held != null ? held.sip() : new SipCallTracker(limits.limits().maxCalls);
        final CaptureStats cap = held != null ? held.stats() : new CaptureStats(0);
        final RtpStreamTracker rtp = write.file == null ? null
            : held != null ? held.rtp() : new RtpStreamTracker(limits.limits(), 0);
        final PacketExport export = write.file == null ? null : PacketExport.prepare(write.file, input, held != null, rtp, 0);
        final List<dev.callscope.tap.Tap> taps = new ArrayList<>(List.of(cap, tracker));
        if (export != null && held == null) {
            tracker.media(rtp);
            taps.add(rtp);
            taps.add(export);
        }
        final Analysis.Result r = held != null ? held.result() : Analysis.run(input, limits, taps);
        final List<SipEntry> shown = tracker.messages().stream().filter(e -> keep.test(e.call()))
            .filter(e -> raw == null || e.message().frame() == raw).toList();
        if (export != null) {
            shown.stream().map(SipEntry::call).distinct().forEach(c -> export.claim(c, rtp, held));
            export.write(input, session);
        }
        if (raw != null && shown.isEmpty()) {
            throw new InputException(InputException.Kind.READ_ERROR, "frame " + raw + " holds no SIP message");
        }
        if (raw != null) {
            output.emit(spec,
                out -> rawJson(out, shown),
                out -> rawJson(out, shown),
                out -> shown.forEach(e -> {
                    final String text = e.message().raw().replace("\r\n", "\n");
                    out.print(text.endsWith("\n") ? text : text + "\n");
                }));
            return r.exitCode();
        }
        output.emit(spec,
            out -> {
                final var o = Json.object();
                o.set("stats", SipViews.statsJson(tracker));
                o.set("tls", SipViews.tlsJson(tracker.tls()));
                CapLines.sip(o, tracker);
                o.putPOJO("messages", Json.lazyArray(shown, SipViews::message));
                Json.writeDocument(out, o);
            },
            out -> shown.forEach(e -> Json.writeLine(out, SipViews.messageRecord(e))),
            out -> {
                SipViews.messagesText(out, shown, cap.firstNanos(), output.width(spec));
                CapLines.sip(tracker, limits.limits().maxCalls).forEach(out::println);
                SipViews.tlsText(out, tracker.tls());
                printStats(out, tracker);
            });
        return r.exitCode();
    }

    private void printStats(final java.io.PrintWriter out, final SipCallTracker tracker) {
        if (stats) {
            out.println();
            out.println("Retransmissions: " + tracker.resentMessages());
            tracker.requestsByMethod().forEach((k, v) -> out.printf("  %-12s %d%n", k, v));
            tracker.responsesByCode().forEach((k, v) -> out.printf("  %-12s %d%n", k, v));
        }
    }

    /**
     * The table of a long capture: a short row per message (not the message), calls summarised once
     * over; the call filters apply to each call's final state at the end.
     */
    private int table(final Predicate<SipCall> keep) throws Exception {
        final Limits lim = limits.limits();
        final SipCallTracker tracker = new SipCallTracker(lim.maxCalls);
        final CaptureStats cap = new CaptureStats(0);
        final List<SipViews.MessageRow> rows = new ArrayList<>();
        final RtpStreamTracker rtp = new RtpStreamTracker(lim, 0);
        final PacketExport export = exportFor(rtp, tracker);
        tracker.slimMessages().stream(SipCallTracker.Retention.SUMMARY, new SipCallTracker.Listener() {
            private long droppedBefore;

            @Override
            public void closed(final SipCall c) {
                if (export != null) {
                    export.closed(c, keep, rtp);
                }
            }

            @Override
            public void message(final SipEntry e) {
                rows.add(SipViews.row(e));
                HeapGuard.tick();
                final long gone = tracker.droppedCalls() + tracker.shedCalls();
                if (gone - droppedBefore > 1024 && gone - droppedBefore > rows.size() / 4) {
                    rows.removeIf(x -> x.call().dropped()); // rows of dropped calls would keep the calls
                    droppedBefore = gone;
                }
            }
        }, lim.callLingerNanos, lim.callIdleTimeoutNanos);
        final Analysis.Result r = Analysis.run(input, limits,
            export == null ? List.of(cap, tracker) : List.of(cap, tracker, rtp, export));
        tracker.closeAll();
        final List<SipViews.MessageRow> shown = rows.stream().filter(x -> keep.test(x.call())).toList();
        if (export != null) {
            filter.rethrow();
            export.write(input, null);
        }
        output.emit(spec, out -> { }, out -> { }, out -> {
            SipViews.rowsText(out, shown, cap.firstNanos(), output.width(spec));
            CapLines.sip(tracker, lim.maxCalls).forEach(out::println);
            SipViews.tlsText(out, tracker.tls());
            printStats(out, tracker);
        });
        return r.exitCode();
    }

    /**
     * JSON Lines as the capture is read: each message once its frame is done (its SDP attached), or,
     * with --state, the messages of each call once the call is over; then forgotten.
     */
    private int stream(final Predicate<SipCall> keep) throws Exception {
        final Limits lim = limits.limits();
        final SipCallTracker tracker = new SipCallTracker(lim.maxCalls);
        final boolean byCall = !filter.states.isEmpty();
        final RtpStreamTracker rtp = new RtpStreamTracker(lim, 0);
        final PacketExport export = exportFor(rtp, tracker);
        try (StreamingOutput out = StreamingOutput.open(output, spec)) {
            tracker.slimMessages().stream(SipCallTracker.Retention.NONE, new SipCallTracker.Listener() {
                @Override
                public void message(final SipEntry e) {
                    if (!byCall && keep.test(e.call())) {
                        out.line(SipViews.messageRecord(e));
                    }
                }

                @Override
                public void closed(final SipCall c) {
                    if (byCall && keep.test(c)) {
                        c.entries().forEach(e -> out.line(SipViews.messageRecord(e)));
                    }
                    if (export != null) {
                        export.closed(c, keep, rtp);
                    }
                }
            }, lim.callLingerNanos, lim.callIdleTimeoutNanos);
            final Analysis.Result r = Analysis.run(input, limits,
                export == null ? List.of(tracker) : List.of(tracker, rtp, export), out);
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

    /**
     * The -w recorder of a streaming run, its RTP tracker joined with the call tracker (streams held
     * while their call is up); null without -w.
     */
    private PacketExport exportFor(final RtpStreamTracker rtp, final SipCallTracker tracker) throws java.io.IOException {
        if (write.file == null) {
            return null;
        }
        final Limits lim = limits.limits();
        tracker.media(rtp);
        rtp.stream(lim.streamIdleTimeoutNanos, true, s -> { });
        return PacketExport.prepare(write.file, input, false, rtp, lim.streamIdleTimeoutNanos);
    }

    private static void rawJson(final java.io.PrintWriter out, final List<SipEntry> shown) {
        for (final SipEntry e : shown) {
            final var o = SipViews.message(e);
            o.put("raw", e.message().raw());
            Json.writeLine(out, o);
        }
    }
}
