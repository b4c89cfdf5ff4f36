package dev.callscope.cli;

import dev.callscope.dissect.Anomaly;
import dev.callscope.tap.Tap;
import dev.callscope.flow.AnomalyLog;
import dev.callscope.flow.CaptureStats;
import dev.callscope.flow.dubbo.DubboTracker;
import dev.callscope.flow.dubbo.MethodStats;
import dev.callscope.output.DubboView;
import dev.callscope.output.Json;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code callscope dubbo}: Apache Dubbo calls, per-method latency, heartbeats and connections. */
@Command(name = "dubbo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Apache Dubbo calls (dubbo protocol over TCP, port 20880 or found by its 0xdabb magic): each request paired "
            + "with its response by request id (latency, status, exception), one-way and unanswered calls, a summary "
            + "per service#method (count, errors, p50/p90/p99/max latency), heartbeats and the life of each connection.",
        "A request waits for its response as long as its timeout attachment says (else --dubbo-timeout) plus "
            + "--dubbo-linger, in packet time; then it counts as unanswered.",
        "With --jsonl each exchange is written as soon as it is over (answered, one-way, given up, or its connection "
            + "ended), so exchanges come in that order, followed by the service, connection and totals records.",
    },
    footerHeading = "%nExamples:%n",
    footer = {"  callscope dubbo samples/dubbo/dubbo-calls.pcap",
        "  callscope dubbo --decode-as tcp.port=37312:dubbo capture.pcap",
        "  callscope dubbo --jsonl capture.pcap | jq 'select(.record==\"exchange\") | .latency_ms'"})
public final class DubboCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    InputOptions input;
    @Mixin
    OutputOptions output;
    @Mixin
    LimitOptions limits;

    @Override
    public Integer call() throws Exception {
        final ShellSession session = ShellSession.of(spec, input);
        final ShellSession.Analysed held = session == null ? null : session.analyse();
        if (held == null && output.jsonl()) {
            return stream();
        }
        final CaptureStats stats = held != null ? held.stats() : new CaptureStats(0);
        final DubboTracker tracker = held != null ? held.dubbo() : DubboTracker.of(limits.limits());
        final AnomalyLog dubboAnomalies = held != null ? held.dubboAnomalies : new AnomalyLog(0);
        final Tap anomalies = new Tap() {
            @Override
            public boolean wantsEvents() {
                return false; // anomalies only: the engine need not build events for this tap
            }

            @Override
            public void onAnomaly(final Anomaly a) {
                if (a.code().startsWith("dubbo.")) {
                    dubboAnomalies.add(a);
                }
            }
        };
        final Analysis.Result r = held != null ? held.result() : Analysis.run(input, limits, List.of(stats, tracker, anomalies));
        final Map<String, Long> counts = new TreeMap<>(dubboAnomalies.counts());
        tracker.anomalies().forEach(a -> counts.merge(a.code(), 1L, Long::sum));
        try (OutputTarget target = OutputTarget.of(output.output, spec.commandLine().getOut())) {
            if (output.json()) {
                Json.writeDocument(target.writer(), DubboView.json(tracker, stats.firstNanos(), counts));
            } else if (output.jsonl()) {
                DubboView.jsonl(target.writer(), tracker, stats.firstNanos());
            } else {
                DubboView.text(target.writer(), tracker, stats.firstNanos(), counts, output.width(spec));
            }
            target.commit();
        }
        if (r.inputError() != null) {
            throw r.inputError();
        }
        return ExitCodes.OK;
    }

    /**
     * JSON Lines as the capture is read: each exchange is written once it is over (its response
     * came, it was one-way, its timeout and linger passed, or its connection ended) and forgotten;
     * the service, connection and totals records follow at the end. Memory follows the requests in
     * flight and the connections, not the exchanges.
     */
    private int stream() throws Exception {
        final CaptureStats stats = new CaptureStats(0);
        try (StreamingOutput out = StreamingOutput.open(output, spec)) {
            final DubboTracker tracker = DubboTracker.of(limits.limits());
            tracker.stream(new DubboTracker.Listener() {
                @Override
                public void exchange(final dev.callscope.flow.dubbo.DubboExchange x) {
                    out.line(DubboView.exchange(x));
                }

                @Override
                public void triple(final dev.callscope.dissect.http2.Http2Call c) {
                    out.line(dev.callscope.output.TripleView.call(c, tracker.tripleConnectionIndex(c)));
                }
            });
            final Analysis.Result r = Analysis.run(input, limits, List.of(stats, tracker));
            DubboView.jsonlSummary(out::line, tracker, stats.firstNanos());
            final long approximate = tracker.methods().stream().filter(MethodStats::latencyApproximate).count();
            if (approximate > 0) {
                spec.commandLine().getErr().printf(java.util.Locale.ROOT, "callscope: p50/p90/p99 of %d method(s) with "
                    + "more than %d answered calls come from a histogram, within %.1f %% (max exact)%n", approximate,
                    DubboTracker.EXACT_LATENCIES, DubboTracker.LATENCY_RELATIVE_ERROR * 100);
            }
            out.commit();
            return r.exitCode();
        }
    }
}
