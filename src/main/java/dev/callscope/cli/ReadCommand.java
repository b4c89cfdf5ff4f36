package dev.callscope.cli;

import dev.callscope.flow.CaptureStats;
import dev.callscope.output.Json;
import dev.callscope.output.ReadView;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code callscope read}: what a capture holds. */
@Command(name = "read", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Summarise capture files: packets, bytes, time span, link types, a protocol hierarchy with counts "
            + "(like tshark -z io,phs), malformed and unsupported frames, number of flows.",
    },
    footerHeading = "%nExamples:%n",
    footer = {"  callscope read samples/sip-call.pcap", "  callscope read --json a.pcapng b.pcap.gz",
        "  callscope read -f 'udp port 5060' capture.pcap"})
public final class ReadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    InputOptions input;
    @Mixin
    OutputOptions output;
    @Mixin
    LimitOptions limits;
    @Mixin
    HepOptions hep;

    @Override
    public Integer call() throws Exception {
        final CaptureStats stats = new CaptureStats(limits.limits().maxAnomalyRecords);
        hep.start(limits.limits());
        final Analysis.Result r = Analysis.run(input, limits, hep.with(List.of(stats)));
        final String err = r.inputError() == null ? null : r.inputError().getMessage();
        final var sent = hep.json();
        output.emit(spec,
            out -> {
                final var doc = ReadView.json(input.files, r.format(), stats, err);
                if (sent != null) {
                    doc.putPOJO("hep_send", sent);
                }
                Json.writeDocument(out, doc);
            },
            out -> {
                ReadView.jsonl(out, input.files, r.format(), stats, err);
                if (sent != null) {
                    Json.writeLine(out, HepViews.record("hep_send", sent));
                }
            },
            out -> {
                ReadView.text(out, input.files, r.format(), stats, err);
                hep.text(out);
            });
        return r.exitCode();
    }
}
