package dev.callscope.cli;

import dev.callscope.capture.LiveSource;
import dev.callscope.core.Limits;
import dev.callscope.core.RawFrame;
import dev.callscope.engine.Engine;
import dev.callscope.flow.CaptureStats;
import dev.callscope.output.Json;
import dev.callscope.output.ReadView;
import dev.callscope.pcap.PcapngWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code callscope capture}: live capture through libpcap into the same pipeline as files. */
@Command(name = "capture", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Capture live from an interface through libpcap (root or cap_net_raw,cap_net_admin needed), optionally "
            + "write every packet to a pcapng file, and print the same summary as 'read' when the capture stops "
            + "(Ctrl-C, -c or --duration).",
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "2:usage error",
        "3:capture error (unknown interface, no permission, bad BPF filter, libpcap missing, file not writable)",
        "4:internal error"},
    footerHeading = "%nExamples:%n",
    footer = {"  sudo callscope capture -i lo -f 'udp port 5060' -w /tmp/sip.pcapng --duration 30",
        "  sudo callscope capture -i eth0 -c 1000 --json"})
public final class CaptureCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-i", "--interface"}, paramLabel = "IFACE", required = true,
        description = "Interface to capture on (see 'callscope interfaces').")
    String iface;

    @Option(names = {"-f", "--bpf"}, paramLabel = "FILTER", description = "BPF capture filter (libpcap syntax).")
    String bpf;

    @Option(names = {"-w", "--write"}, paramLabel = "FILE",
        description = "Write every captured packet to this pcapng file (completed and moved into place when the capture stops; "
            + "a FIFO, e.g. for Wireshark, is written directly).")
    String write;

    @Option(names = {"-c", "--count"}, paramLabel = "N", description = "Stop after N packets.")
    Long count;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this many seconds.")
    Double duration;

    @Option(names = "--snaplen", paramLabel = "N", defaultValue = "262144",
        description = "Bytes to keep of each packet (default: ${DEFAULT-VALUE}).")
    int snaplen;

    @Option(names = "--no-promiscuous", description = "Do not put the interface in promiscuous mode.")
    boolean noPromiscuous;

    @Option(names = "--buffer-size", paramLabel = "BYTES", defaultValue = "8388608",
        description = "libpcap's kernel buffer size (default: ${DEFAULT-VALUE}).")
    int bufferSize;

    @Option(names = "--view", paramLabel = "VIEW",
        description = "What to show while capturing: calls (a SIP calls table refreshed in place on a terminal, like sngrep's "
            + "call list; one line per new call or state change otherwise). Default: only the summary at the end.")
    View view;

    /** Live views. */
    enum View { calls }

    @Mixin
    DissectOptions dissect;
    @Mixin
    OutputOptions output;
    @Mixin
    LimitOptions limits;

    @Override
    public Integer call() throws Exception {
        if (count != null && count <= 0) {
            throw new UsageException("--count must be positive");
        }
        if (duration != null && !(duration > 0)) {
            throw new UsageException("--duration must be positive");
        }
        if (snaplen <= 0 || snaplen > RawFrame.MAX_CAPLEN) {
            throw new UsageException("--snaplen must be between 1 and " + RawFrame.MAX_CAPLEN);
        }
        final Limits l = limits.limits();
        final CaptureStats stats = new CaptureStats(l.maxAnomalyRecords);
        final dev.callscope.flow.sip.SipCallTracker sipCalls = view == View.calls ? new dev.callscope.flow.sip.SipCallTracker(l.maxCalls) : null;
        final Engine engine = Analysis.engine(dissect, l, sipCalls == null ? List.of(stats) : List.of(stats, sipCalls));
        final LiveCallsView callsView = sipCalls == null ? null
            : new LiveCallsView(spec.commandLine().getOut(), sipCalls, TerminalInfo.isTerminal() && !output.toFile(), iface);
        // a directory, a missing directory or a special file is refused before the capture starts
        final OutputTarget.Destination target = write == null ? null : OutputTarget.resolve(write);

        final LiveSource live = LiveSource.open(iface, bpf, snaplen, !noPromiscuous, bufferSize);
        final CountDownLatch done = new CountDownLatch(1);
        final Thread hook = new Thread(() -> {
            live.stop();
            try {
                done.await(10, TimeUnit.SECONDS); // let the main thread finish the file and the summary
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "callscope-ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);
        Thread timer = null;
        if (duration != null) {
            final long millis = (long) (duration * 1000);
            timer = new Thread(() -> {
                try {
                    Thread.sleep(millis);
                    live.stop();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "callscope-duration");
            timer.setDaemon(true);
            timer.start();
        }

        OutputTarget file = null;
        PcapngWriter writer = null;
        LiveSource.Stats capStats;
        try {
            if (target != null) {
                file = OutputTarget.binary(target);
                final OutputStream os = new BufferedOutputStream(file.stream(), 1 << 16);
                writer = new PcapngWriter(os, "callscope");
                writer.addInterface(live.linkType(), live.snaplen(), iface);
            }
            final RawFrame frame = new RawFrame();
            long n = 0;
            while (live.next(frame)) {
                frame.interfaceId = 0;
                if (writer != null) {
                    writer.write(frame);
                }
                engine.process(frame);
                if (callsView != null) {
                    callsView.frame();
                }
                if (count != null && ++n >= count) {
                    live.stop();
                    break;
                }
            }
            engine.finish();
            if (callsView != null) {
                callsView.finish();
            }
            if (writer != null) {
                try {
                    writer.close();
                } catch (IOException ignored) {
                    // the file's stream remembers it: commit reports it
                }
                writer = null;
                file.commit();
            }
            capStats = live.stats();
        } finally {
            if (timer != null) {
                timer.interrupt();
            }
            live.close();
            if (writer != null) {
                try {
                    writer.close();
                } catch (IOException ignored) {
                    // the partial file is deleted below
                }
            }
            if (file != null) {
                file.close(); // deletes the temporary file unless it was moved into place
            }
        }
        try {
            final Map<String, Long> extra = new LinkedHashMap<>();
            extra.put("received", capStats.received());
            extra.put("dropped", capStats.dropped());
            extra.put("if_dropped", capStats.ifDropped());
            extra.put("queue_dropped", capStats.queueDropped());
            final List<String> names = List.of("live:" + iface);
            output.emit(spec,
                out -> Json.writeDocument(out, ReadView.json(names, "live", stats, null).putPOJO("capture", extra)),
                out -> ReadView.jsonl(out, names, "live", stats, null),
                out -> {
                    ReadView.text(out, names, "live", stats, null);
                    out.println();
                    out.println("Capture:      " + stats.packets() + " packets; dropped by libpcap " + capStats.dropped()
                        + " (interface " + capStats.ifDropped() + "), by callscope's queue " + capStats.queueDropped()
                        + (target != null ? "; written to " + write : ""));
                });
        } finally {
            spec.commandLine().getOut().flush(); // before a Ctrl-C hook lets the JVM end
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // already shutting down (Ctrl-C): the hook is running and waits for 'done'
            }
        }
        return ExitCodes.OK;
    }
}
