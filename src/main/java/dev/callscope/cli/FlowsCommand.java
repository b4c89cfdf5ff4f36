package dev.callscope.cli;

import dev.callscope.flow.CaptureStats;
import dev.callscope.tap.ConversationRecord;
import dev.callscope.tap.Tap;
import dev.callscope.flow.ConversationTable;
import dev.callscope.output.FlowsView;
import dev.callscope.output.Json;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code callscope flows}: the UDP and TCP conversations. */
@Command(name = "flows", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "List UDP and TCP conversations (like tshark -z conv,udp -z conv,tcp): packets and bytes each way, "
            + "start, duration, and the protocol found. Address A is the side that sent the first packet.",
    },
    footerHeading = "%nExamples:%n",
    footer = {"  callscope flows samples/sip-call.pcap", "  callscope flows --sort bytes --top 10 big.pcapng",
        "  callscope flows --jsonl capture.pcap | jq .service"})
public final class FlowsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    InputOptions input;

    @Option(names = "--sort", paramLabel = "KEY", defaultValue = "start",
        description = "Order: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; packets, bytes and duration are largest first).")
    SortKey sort;

    /** Table orders, as typed on the command line. */
    enum SortKey { start, packets, bytes, duration }

    @Option(names = "--top", paramLabel = "N", defaultValue = "0",
        description = "Show only the first N conversations in that order (0: all).")
    int top;

    @Mixin
    OutputOptions output;
    @Mixin
    LimitOptions limits;

    @Override
    public Integer call() throws Exception {
        if (top < 0) {
            throw new UsageException("--top must not be negative");
        }
        final ShellSession session = ShellSession.of(spec, input);
        final ShellSession.Analysed held = session == null ? null : session.analyse();
        if (held == null && output.jsonl() && top == 0 && sort == SortKey.start) {
            return stream();
        }
        final CaptureStats stats = held != null ? held.stats() : new CaptureStats(0);
        final ConversationTable table = new ConversationTable(ConversationTable.Sort.valueOf(sort.name().toUpperCase(java.util.Locale.ROOT)), top,
            limits.limits().maxFlowRows);
        if (held != null) {
            held.conversations.forEach(table::onConversation);
        }
        final Analysis.Result r = held != null ? held.result() : Analysis.run(input, limits, List.of(stats, table));
        output.emit(spec,
            out -> {
                final var doc = FlowsView.json(table.rows(), table.seen(), stats.firstNanos());
                if (table.omitted() > 0) {
                    doc.put("omitted_flows", table.omitted());
                    doc.put("omitted_flows_max_packets", table.omittedUpTo());
                }
                Json.writeDocument(out, doc);
            },
            out -> FlowsView.jsonl(out, table.rows(), stats.firstNanos()),
            out -> {
                FlowsView.text(out, table.rows(), table.seen(), stats.firstNanos(), output.width(spec));
                if (table.omitted() > 0) {
                    out.println("--max-flow-rows " + limits.limits().maxFlowRows + " reached: " + table.omitted()
                        + " conversations of at most " + table.omittedUpTo() + (table.omittedUpTo() == 1 ? " packet" : " packets")
                        + " are not listed");
                }
            });
        return r.exitCode();
    }

    /** JSON Lines as the capture is read: each conversation when it ends (idle, closed, or the capture's end). */
    private int stream() throws Exception {
        final CaptureStats stats = new CaptureStats(0);
        try (StreamingOutput out = StreamingOutput.open(output, spec)) {
            final Tap writer = new Tap() {
                @Override
                public boolean wantsEvents() {
                    return false;
                }

                @Override
                public void onConversation(final ConversationRecord c) {
                    out.line(FlowsView.record(c, stats.firstNanos()));
                }
            };
            final Analysis.Result r = Analysis.run(input, limits, List.of(stats, writer), out);
            out.commit();
            return r.exitCode();
        }
    }
}
