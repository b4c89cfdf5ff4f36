package dev.callscope.bench;

import dev.callscope.core.Limits;
import dev.callscope.core.PacketSource;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.tap.Tap;
import dev.callscope.engine.Engine;
import dev.callscope.engine.EngineOptions;
import dev.callscope.flow.CaptureStats;
import dev.callscope.flow.ConversationTable;
import dev.callscope.flow.rtp.RtpStreamTracker;
import dev.callscope.flow.sip.SipCallTracker;
import dev.callscope.pcap.CaptureFiles;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Where the time of the analysis goes, without a second thread or start-up in the way: runs one
 * capture through the engine on this thread with several sets of taps and prints the CPU time of
 * each, per packet. Run with the launcher's JIT flags, e.g.
 * {@code java -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=0.3 -cp target/classes:target/test-classes:target/callscope.jar
 * dev.callscope.bench.EngineCost FILE [ROUNDS]}. A tool for looking, not a benchmark of record.
 */
public final class EngineCost {
    private EngineCost() {
    }

    public static void main(final String[] args) throws Exception {
        final String file = args[0];
        final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        final List<String> names = List.of("read", "flows", "sip", "rtp", "calls");
        final List<Supplier<List<Tap>>> sets = List.of(
            () -> List.of(new CaptureStats(0)),
            () -> List.of(new CaptureStats(0), new ConversationTable(ConversationTable.Sort.START, 0)),
            () -> List.of(new CaptureStats(0), new SipCallTracker(200_000)),
            () -> List.of(new CaptureStats(0), new RtpStreamTracker()),
            () -> {
                final SipCallTracker s = new SipCallTracker(200_000);
                final RtpStreamTracker r = new RtpStreamTracker();
                s.media(r);
                return List.of(new CaptureStats(0), s, r);
            });
        for (int round = 0; round < rounds; round++) {
            final StringBuilder line = new StringBuilder("round " + round + ":");
            for (int i = 0; i < sets.size(); i++) {
                final List<Tap> taps = new ArrayList<>(sets.get(i).get());
                final Engine e = new Engine(DissectorRegistry.builtIn(Set.of()),
                    new EngineOptions(new Limits(), List.of(), false), taps);
                final long t0 = mx.getCurrentThreadCpuTime();
                try (PacketSource src = CaptureFiles.openAll(List.of(file))) {
                    e.run(src);
                }
                final long ns = mx.getCurrentThreadCpuTime() - t0;
                line.append(String.format("  %s %.0f ns/pkt", names.get(i), (double) ns / e.frames()));
            }
            System.out.println(line);
        }
    }
}
