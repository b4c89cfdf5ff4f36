package dev.callscope.cli;

import dev.callscope.capture.LiveSource;
import dev.callscope.core.Limits;
import dev.callscope.core.RawFrame;
import dev.callscope.core.PacketSource;
import dev.callscope.engine.Engine;
import dev.callscope.hep.HepListenSource;
import dev.callscope.hep.HepTarget;
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
        "Capture live from an interface through libpcap (root or cap_net_raw,cap_net_admin needed), or collect HEP "
            + "from capture agents (--hep-listen, like a HOMER collector or sngrep -L), optionally write every packet "
            + "to a pcapng file, and print the same summary as 'read' when the capture stops (Ctrl-C, -c or --duration).",
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "2:usage error",
        "3:capture error (unknown interface, no permission, bad BPF filter, libpcap missing, HEP address in use or not "
            + "bindable, file not writable)",
        "4:internal error"},
    footerHeading = "%nExamples:%n",
    footer = {"  sudo callscope capture -i lo -f 'udp port 5060' -w /tmp/sip.pcapng --duration 30",
        "  sudo callscope capture -i eth0 -c 1000 --json",
        "  callscope capture --hep-listen udp:0.0.0.0:9060 --view calls -w /tmp/hep.pcapng",
        "  sudo callscope capture -i eth0 -f 'port 5060' --hep-send udp:homer.example:9060 --hep-id 2001"})
public final class CaptureCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-i", "--interface"}, paramLabel = "IFACE",
        description = "Interface to capture on (see 'callscope interfaces'). One of -i and --hep-listen is needed.")
    String iface;

    @Option(names = "--hep-listen", paramLabel = "udp:ADDR:PORT|tcp:ADDR:PORT",
        description = "Collect HEP (v3, and v1/v2 over UDP) from capture agents (Kamailio, OpenSIPS, FreeSWITCH, "
            + "heplify, sngrep -H) instead of capturing an interface: each HEP packet becomes the packet it carries, "
            + "with its original addresses, ports and time; -w writes those packets. --hep-password rejects packets "
            + "without that key. No root needed above port 1023.")
    String hepListen;

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
    @Mixin
    HepOptions hep;

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
        if ((iface == null) == (hepListen == null)) {
            throw new UsageException(iface == null ? "give an interface (-i IFACE) or --hep-listen udp:ADDR:PORT"
                : "-i and --hep-listen cannot be used together");
        }
        if (hepListen != null && bpf != null) {
            throw new UsageException("-f/--bpf filters an interface; it cannot be used with --hep-listen");
        }
        final HepTarget listenAt = hepListen == null ? null : HepOptions.target("--hep-listen", hepListen);
        final String where = listenAt != null ? "hep:" + listenAt : iface;
        final Limits l = limits.limits();
        final CaptureStats stats = new CaptureStats(l.maxAnomalyRecords);
        final dev.callscope.flow.sip.SipCallTracker sipCalls = view == View.calls ? new dev.callscope.flow.sip.SipCallTracker(l.maxCalls) : null;
        hep.start(l);
        final Engine engine = Analysis.engine(dissect, l, hep.with(sipCalls == null ? List.of(stats) : List.of(stats, sipCalls)));
        final LiveCallsView callsView = sipCalls == null ? null
            : new LiveCallsView(spec.commandLine().getOut(), sipCalls, TerminalInfo.isTerminal() && !output.toFile(), where);
        // a directory, a missing directory or a special file is refused before the capture starts
        final OutputTarget.Destination target = write == null ? null : OutputTarget.resolve(write);

        final LiveSource live = listenAt != null ? null : LiveSource.open(iface, bpf, snaplen, !noPromiscuous, bufferSize);
        final HepListenSource collector = listenAt == null ? null : HepListenSource.open(listenAt, hep.password, l.maxFlows);
        final PacketSource source = live != null ? live : collector;
        final Runnable stop = live != null ? live::stop : collector::stop;
        final CountDownLatch done = new CountDownLatch(1);
        final Thread hook = new Thread(() -> {
            stop.run();
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
                    stop.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "callscope-duration");
            timer.setDaemon(true);
            timer.start();
        }

        OutputTarget file = null;
        PcapngWriter writer = null;
        LiveSource.Stats capStats = null;
        HepListenSource.Stats hepStats = null;
        try {
            if (target != null) {
                file = OutputTarget.binary(target);
                final OutputStream os = new BufferedOutputStream(file.stream(), 1 << 16);
                writer = new PcapngWriter(os, "callscope");
                if (live != null) {
                    writer.addInterface(live.linkType(), live.snaplen(), iface);
                } else {
                    writer.addInterface(collector.linkType(), 65_535, "hep:" + listenAt);
                }
            }
            final RawFrame frame = new RawFrame();
            long n = 0;
            while (source.next(frame)) {
                frame.interfaceId = 0;
                if (writer != null) {
                    writer.write(frame);
                }
                engine.process(frame);
                if (callsView != null) {
                    callsView.frame();
                }
                if (count != null && ++n >= count) {
                    stop.run();
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
            if (live != null) {
                capStats = live.stats();
            } else {
                collector.close();
                hepStats = collector.stats();
            }
        } finally {
            if (timer != null) {
                timer.interrupt();
            }
            source.close();
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
            final Map<String, Object> extra = new LinkedHashMap<>();
            final LiveSource.Stats cs = capStats;
            final HepListenSource.Stats hs = hepStats;
            if (cs != null) {
                extra.put("received", cs.received());
                extra.put("dropped", cs.dropped());
                extra.put("if_dropped", cs.ifDropped());
                extra.put("queue_dropped", cs.queueDropped());
            }
            final var received = hs == null ? null : HepViews.json(hs);
            final var sent = hep.json();
            final List<String> names = List.of(live != null ? "live:" + iface : "hep:" + listenAt);
            final String format = live != null ? "live" : "hep";
            output.emit(spec,
                out -> {
                    final var doc = ReadView.json(names, format, stats, null);
                    if (cs != null) {
                        doc.putPOJO("capture", extra);
                    }
                    if (received != null) {
                        doc.putPOJO("hep", received);
                    }
                    if (sent != null) {
                        doc.putPOJO("hep_send", sent);
                    }
                    Json.writeDocument(out, doc);
                },
                out -> {
                    ReadView.jsonl(out, names, format, stats, null);
                    if (received != null) {
                        Json.writeLine(out, HepViews.record("hep", received));
                    }
                    if (sent != null) {
                        Json.writeLine(out, HepViews.record("hep_send", sent));
                    }
                },
                out -> {
                    ReadView.text(out, names, format, stats, null);
                    out.println();
                    if (cs != null) {
                        out.println("Capture:      " + stats.packets() + " packets; dropped by libpcap " + cs.dropped()
                            + " (interface " + cs.ifDropped() + "), by callscope's queue " + cs.queueDropped()
                            + (target != null ? "; written to " + write : ""));
                    } else {
                        HepViews.text(out, hs, target != null ? write : null);
                    }
                    hep.text(out);
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
