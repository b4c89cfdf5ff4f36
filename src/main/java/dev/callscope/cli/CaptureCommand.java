package dev.callscope.cli;

import dev.callscope.capture.LiveSource;
import dev.callscope.capture.ThreadPriority;
import dev.callscope.core.InputException;
import dev.callscope.core.Limits;
import dev.callscope.core.LinkType;
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
import java.io.PrintWriter;
import java.util.ArrayList;
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

    @Option(names = "--buffer-size", paramLabel = "BYTES", defaultValue = "33554432",
        description = "libpcap's kernel buffer size (default: ${DEFAULT-VALUE}).")
    int bufferSize;

    @Option(names = "--queue-size", paramLabel = "BYTES",
        description = "Bytes of packets queued between capture and analysis; when the analysis falls behind past it, packets "
            + "are not analysed (still written to -w) and counted as queue drops (default: 67108864 with -i, "
            + "268435456 with --hep-listen, where it also absorbs the first seconds of a HEP flood while the JIT warms up).")
    Long queueSize;

    /** --queue-size of a HEP collector when none is given. */
    static final long HEP_QUEUE_BYTES = 256L * 1024 * 1024;

    @Option(names = "--interval", paramLabel = "DURATION",
        description = "Also count packets and drops (kernel, queue) per interval, e.g. 1s: JSON Lines records as each interval "
            + "ends, an 'intervals' list in --json, a list in the text summary.")
    String interval;

    @Option(names = {"-q", "--quiet"},
        description = "No \"Capturing on 'IFACE'\" line on stderr, and no packet counter under it (shown on a terminal only).")
    boolean quiet;

    @Option(names = "--view", paramLabel = "VIEW",
        description = "What to show while capturing: calls. On a terminal, a SIP calls list like sngrep's: each message shown "
            + "as it arrives, a running Duration for calls in progress; the arrow keys select a call, Enter opens its ladder, "
            + "q goes back, q in the list stops the capture (as Ctrl-C). Otherwise one line per new call or state change, "
            + "and the keyboard is never read. Default: only the summary at the end.")
    View view;

    /** Live views. */
    enum View { calls }

    @Option(names = "--keylog", paramLabel = "FILE",
        description = "TLS key log (NSS format; repeatable) followed while capturing: secrets its writer appends are used "
            + "as they arrive (a connection waits up to 3 s of packet time for its own). Without it, the file named by the "
            + "SSLKEYLOGFILE environment variable is followed when that is set.")
    List<String> keyLogs = new ArrayList<>();

    @Mixin
    DissectOptions dissect;
    @Mixin
    OutputOptions output;
    @Mixin
    LimitOptions limits;
    @Mixin
    HepOptions hep;

    /** Nice value added to the analysis thread of a live capture (the capture thread keeps its own). */
    static final int ANALYSIS_NICE = 5;

    /** What the monitor reads: libpcap's and the queue's counters, or the HEP collector's. */
    private static java.util.function.Supplier<CaptureMonitor.Counters> counters(final LiveSource live,
            final HepListenSource collector) {
        if (live != null) {
            return () -> {
                final LiveSource.Stats s = live.stats();
                return new CaptureMonitor.Counters(s.captured(), s.dropped(), s.ifDropped(), s.queueDropped(), s.queued());
            };
        }
        return () -> {
            final HepListenSource.Stats s = collector.stats();
            return new CaptureMonitor.Counters(s.received(), s.kernelDropped(), 0, s.queueDropped(), 0);
        };
    }

    @Override
    public Integer call() throws Exception {
        if (count != null && count <= 0) {
            throw new UsageException("--count must be positive");
        }
        if (duration != null && !(duration > 0)) {
            throw new UsageException("--duration must be positive");
        }
        if (queueSize != null && queueSize < 1 << 20) {
            throw new UsageException("--queue-size must be at least 1048576 bytes");
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
        final long intervalNanos = interval == null ? 0 : RtpCommand.parseInterval(interval);
        final HepTarget listenAt = hepListen == null ? null : HepOptions.target("--hep-listen", hepListen);
        final String where = listenAt != null ? "hep:" + listenAt : iface;
        final Limits l = limits.limits();
        final CaptureStats stats = new CaptureStats(l.maxAnomalyRecords);
        final dev.callscope.flow.sip.SipCallTracker sipCalls = view == View.calls ? new dev.callscope.flow.sip.SipCallTracker(l.maxCalls) : null;
        hep.start(l);
        final Engine engine = Analysis.engine(dissect, l, hep.with(sipCalls == null ? List.of(stats) : List.of(stats, sipCalls)));
        engine.decrypt(KeyLogs.follow(keyLogs, System.getenv("SSLKEYLOGFILE"), l));
        // a directory, a missing directory or a special file is refused before the capture starts
        final OutputTarget.Destination target = write == null ? null : OutputTarget.resolve(write);

        l.captureQueueBytes = queueSize != null ? queueSize : hepListen != null ? HEP_QUEUE_BYTES : Limits.DEFAULT_CAPTURE_QUEUE_BYTES;
        // -w is written by the capture (or HEP receiving) thread, before the analysis sees the packet
        final OutputTarget file = target == null ? null : OutputTarget.binary(target);
        final PcapngWriter[] fileWriter = new PcapngWriter[1];
        final LiveSource.TeeFactory tee = file == null ? null : (linkType, snap) -> {
            final PcapngWriter w = new PcapngWriter(new BufferedOutputStream(file.stream(), 1 << 16), "callscope");
            fileWriter[0] = w;
            w.addInterface(linkType, snap, where);
            return (data, len, orig, ts) -> w.write(0, linkType, data, len, orig, ts);
        };
        final long maxPackets = count == null ? 0 : count;
        final LiveSource live;
        final HepListenSource collector;
        try {
            live = listenAt != null ? null : LiveSource.open(iface, bpf, new LiveSource.Options(snaplen, !noPromiscuous,
                bufferSize, l.captureQueueBytes, maxPackets, tee));
            collector = listenAt == null ? null : HepListenSource.open(listenAt, hep.password, l.maxFlows,
                tee == null ? null : tee.open(LinkType.RAW, 65_535), maxPackets, l.captureQueueBytes);
        } catch (final IOException | RuntimeException e) {
            if (file != null) {
                file.close(); // deletes the temporary file
            }
            throw e;
        }
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

        CaptureMonitor monitor = null;
        LiveCallsView callsView = null;
        int nice = ThreadPriority.UNCHANGED;
        LiveSource.Stats capStats = null;
        HepListenSource.Stats hepStats = null;
        try {
            final boolean viewOnTerminal = sipCalls != null && TerminalInfo.isTerminal() && !output.toFile();
            final boolean streamIntervals = output.jsonl() && !output.toFile();
            final PrintWriter stdout = spec.commandLine().getOut();
            if (!quiet) {
                // as tshark: where the capture runs, on stderr, before any packet (a pipe or CI too)
                final PrintWriter err = spec.commandLine().getErr();
                err.println(listenAt != null ? "Collecting HEP on " + listenAt : "Capturing on '" + iface + "'");
                err.flush();
            }
            monitor = new CaptureMonitor(counters(live, collector),
                !viewOnTerminal && TerminalInfo.progress(quiet, false) ? spec.commandLine().getErr() : null,
                intervalNanos, l.maxIntervals, !streamIntervals ? null : r -> {
                    synchronized (stdout) {
                        Json.writeLine(stdout, HepViews.record("interval", r));
                        stdout.flush();
                    }
                });
            if (sipCalls != null) {
                callsView = LiveCallsView.open(stdout, sipCalls, viewOnTerminal, where, stop);
                callsView.status(monitor::current);
            }
            if (live != null) {
                // under CPU pressure the capture thread goes first; the analysis catches up from the queue. Not for
                // HEP: there the analysis (a SIP message per packet) is the bottleneck, and lowering it cost
                // bench/hep.sh 200k:30 13.7 % lost against 7.3 %
                nice = ThreadPriority.lowerCurrentThread(ANALYSIS_NICE);
            }
            final RawFrame frame = new RawFrame();
            long n = 0;
            while (true) {
                final PacketSource.Poll got = callsView == null ? source.next(frame) ? PacketSource.Poll.FRAME
                    : PacketSource.Poll.END : source.poll(frame, callsView.waitNanos());
                if (got == PacketSource.Poll.END) {
                    break;
                }
                if (got == PacketSource.Poll.FRAME) {
                    frame.interfaceId = 0;
                    engine.process(frame);
                }
                if (callsView != null) {
                    // also when no frame came: what arrived last is shown without waiting for the next packet
                    callsView.tick(got == PacketSource.Poll.FRAME ? frame : null);
                }
                if (got == PacketSource.Poll.FRAME && count != null && ++n >= count) {
                    stop.run();
                    break;
                }
            }
            monitor.close();
            engine.finish();
            if (callsView != null) {
                callsView.finish();
            }
            if (fileWriter[0] != null) {
                source.close(); // the capture or receiving thread has ended: its writer is ours now
                try {
                    fileWriter[0].close();
                } catch (IOException ignored) {
                    // the file's stream remembers it: commit reports it
                }
                file.commit();
            }
            if (live != null) {
                capStats = live.stats();
            } else {
                collector.close();
                hepStats = collector.stats();
            }
        } finally {
            if (callsView != null) {
                callsView.close(); // the terminal back as it was, whatever ended the capture
            }
            ThreadPriority.restoreCurrentThread(nice);
            if (monitor != null) {
                monitor.close();
            }
            if (timer != null) {
                timer.interrupt();
            }
            source.close(); // the capture thread has ended before its writer is closed
            if (fileWriter[0] != null) {
                try {
                    fileWriter[0].close(); // idempotent; after commit, nothing to do
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
                extra.put("captured", cs.captured());
                extra.put("dropped", cs.dropped());
                extra.put("if_dropped", cs.ifDropped());
                extra.put("queue_dropped", cs.queueDropped());
                if (target != null) {
                    extra.put("written", cs.captured() - cs.teeFailed());
                }
            }
            final CaptureMonitor mon = monitor;
            final List<Map<String, Object>> intervals = intervalNanos > 0 ? mon.intervals() : null;
            final boolean streamedIntervals = output.jsonl() && !output.toFile();
            final var received = hs == null ? null : HepViews.json(hs);
            final var sent = hep.json();
            final List<String> names = List.of(live != null ? "live:" + iface : "hep:" + listenAt);
            final String format = live != null ? "live" : "hep";
            output.emit(spec,
                out -> {
                    final var doc = ReadView.json(names, format, stats, null);
                    if (intervals != null) {
                        extra.put("intervals", intervals);
                        extra.put("intervals_dropped", mon.intervalsDropped());
                    }
                    if (cs != null || intervals != null) {
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
                    if (intervals != null && !streamedIntervals) {
                        for (final Map<String, Object> r : intervals) {
                            Json.writeLine(out, HepViews.record("interval", r));
                        }
                    }
                    ReadView.jsonl(out, names, format, stats, null);
                    if (cs != null) {
                        Json.writeLine(out, HepViews.record("capture", extra));
                    }
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
                        out.println("Capture:      " + cs.captured() + " packets captured; dropped by the kernel " + cs.dropped()
                            + " (interface " + cs.ifDropped() + "); " + cs.queueDropped() + " not analysed (queue full)"
                            + (target != null ? "; " + (cs.captured() - cs.teeFailed()) + " written to " + write : ""));
                    } else {
                        HepViews.text(out, hs, target != null ? write : null);
                    }
                    hep.text(out);
                    if (intervals != null) {
                        out.println();
                        out.println("Intervals:");
                        for (final Map<String, Object> r : intervals) {
                            out.println("  " + r.get("start") + "  packets " + r.get("packets") + ", dropped by the kernel "
                                + r.get("kernel_dropped") + " (interface " + r.get("if_dropped") + "), by the queue "
                                + r.get("queue_dropped"));
                        }
                    }
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
