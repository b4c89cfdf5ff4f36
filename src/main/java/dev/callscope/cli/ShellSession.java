package dev.callscope.cli;

import dev.callscope.core.ForwardingSource;
import dev.callscope.core.InputException;
import dev.callscope.core.Limits;
import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.decode.PacketDecoder;
import dev.callscope.decode.PacketInfo;
import dev.callscope.dissect.rtp.RtcpPacket;
import dev.callscope.dissect.rtp.RtpPacket;
import dev.callscope.dissect.Anomaly;
import dev.callscope.tap.ConversationRecord;
import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.tap.Tap;
import dev.callscope.engine.Engine;
import dev.callscope.flow.AnomalyLog;
import dev.callscope.flow.CaptureStats;
import dev.callscope.flow.dubbo.DubboTracker;
import dev.callscope.flow.rtp.RtpStreamTracker;
import dev.callscope.flow.sip.SipCall;
import dev.callscope.flow.sip.SipCallTracker;
import dev.callscope.pcap.CaptureFiles;
import dev.callscope.tls.KeyLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The shell's captures, opened once and kept in memory: every frame (for {@code show} and
 * {@code export}) and the analysis of all of them (SIP calls, RTP streams, Dubbo, conversations,
 * statistics, and the events of each frame). The analysis commands take their data from here
 * instead of reading files when they run inside the shell without file arguments ({@link #of}).
 *
 * <p>Frames may be appended while the shell runs (a background {@code capture}); the analysis is then
 * redone over the frames in memory the next time a command asks for it, so commands always see a
 * consistent snapshot of "what has arrived so far". Not thread-safe except {@link #append}.
 */
public final class ShellSession {
    /** The shell's bounds: {@link Limits} defaults (frames and bytes kept in memory, calls, streams...). */
    private static final Limits LIMITS = new Limits();

    /** The analysis of a snapshot of the frames. */
    public static final class Analysed {
        final CaptureStats stats = new CaptureStats(10_000);
        private final dev.callscope.flow.Trackers trackers = dev.callscope.flow.Trackers.of(LIMITS);
        final SipCallTracker sip = trackers.sip();
        final RtpStreamTracker rtp = trackers.rtp();
        final DubboTracker dubbo = trackers.dubbo();
        final dev.callscope.flow.webrtc.WebrtcTracker webrtc = trackers.webrtc();
        final AnomalyLog dubboAnomalies = new AnomalyLog(0);
        final List<ConversationRecord> conversations = new ArrayList<>();
        /** Frames that carried RTP or RTCP (their events are made again on demand). */
        final java.util.BitSet rtpFrames = new java.util.BitSet();
        final java.util.BitSet rtcpFrames = new java.util.BitSet();
        /** The RTP and RTCP frames of each conversation, in order. */
        final Map<Object, FrameList> mediaFrames = new HashMap<>();

        /** Frames of RTP or RTCP on a conversation (for exporting a call with its media). */
        public int[] mediaFrames(final Object flow) {
            final FrameList l = mediaFrames.get(flow);
            return l == null ? new int[0] : java.util.Arrays.copyOf(l.frames, l.size);
        }
        final Map<Long, List<ProtocolEvent>> eventsByFrame = new HashMap<>();
        InputException inputError;
        long frames;

        public List<SipCall> calls() {
            return sip.calls();
        }

        public SipCallTracker sip() {
            return sip;
        }

        public RtpStreamTracker rtp() {
            return rtp;
        }

        public DubboTracker dubbo() {
            return dubbo;
        }

        public CaptureStats stats() {
            return stats;
        }

        public dev.callscope.flow.webrtc.WebrtcTracker webrtc() {
            return webrtc;
        }

        /** What the command run produced besides the trackers (an input error reading the files). */
        Analysis.Result result() {
            return new Analysis.Result(format, inputError);
        }

        private String format = "memory";
    }

    private final List<String> files = new ArrayList<>();
    /** TLS secrets of the open capture: open's --keylog files and the files' own Decryption Secrets Blocks. */
    private KeyLog keys = new KeyLog(new Limits().maxKeyLogSecrets);

    /** The secrets the session decrypts with (see {@link #open(List, java.io.PrintWriter, List)}). */
    KeyLog keys() {
        return keys;
    }
    private final FrameStore frames = new FrameStore(LIMITS.shellMaxFrames, LIMITS.shellMaxBytes);
    private volatile Analysed analysed;
    private volatile int analysedCount = -1;
    private volatile String liveSource;
    private Predicate<SipCall> filter = c -> true;
    private String filterText = "";
    private java.util.function.IntSupplier width = () -> 0;

    /** The session of the shell a command runs in, or null outside the shell or when the command was given files. */
    static ShellSession of(final CommandSpec spec, final InputOptions in) {
        if (in != null && !in.files.isEmpty()) {
            return null;
        }
        final ShellSession s = of(spec);
        if (s != null && !s.isOpen()) {
            throw new UsageException("no capture open: use 'open FILE...' first, or give the command a file");
        }
        return s;
    }

    /** The session of the shell a command runs in, or null outside the shell. */
    static ShellSession of(final CommandSpec spec) {
        if (spec == null) {
            return null;
        }
        final Object root = spec.root().userObject();
        return root instanceof MainCommand m ? m.session : null;
    }

    /**
     * In the shell {@code ladder 2} means call 2: positional words that are not files (a number, a
     * Call-ID) move from {@code files} to {@code calls}.
     */
    static void callsNamedAsFiles(final List<String> files, final List<String> calls) {
        for (final java.util.Iterator<String> it = files.iterator(); it.hasNext();) {
            final String w = it.next();
            if (!java.nio.file.Files.exists(java.nio.file.Path.of(w))) {
                calls.add(w);
                it.remove();
            }
        }
    }

    /**
     * Reads the files into memory (replacing what was open) and analyses them in the same pass: the
     * frames are stored as the engine's reading thread takes them from the files.
     */
    public void open(final List<String> paths) throws IOException {
        open(paths, null);
    }

    /** As {@link #open(List)}, with the progress line on {@code err} when it is a terminal. */
    public void open(final List<String> paths, final java.io.PrintWriter err) throws IOException {
        open(paths, err, List.of());
    }

    /**
     * As {@link #open(List, java.io.PrintWriter)}, decrypting TLS with the secrets of {@code keyLogs}
     * (and of the files' Decryption Secrets Blocks), kept for the later analyses of the session.
     */
    public void open(final List<String> paths, final java.io.PrintWriter err, final List<String> keyLogs) throws IOException {
        final KeyLog loaded = KeyLogs.load(keyLogs, new Limits());
        keys = loaded;
        frames.clear();
        files.clear();
        files.addAll(paths);
        liveSource = null;
        analysed = null;
        analysedCount = -1;
        final InputException[] full = new InputException[1];
        Fatal.reading(paths);
        final Analysed a = new Analysed();
        try (PacketSource files = CaptureFiles.openAll(paths)) {
            frames.backedBy(paths);
            a.format = files.format();
            final PacketSource tee = new ForwardingSource(files) {
                @Override
                public boolean next(final RawFrame frame) throws IOException {
                    if (!in.next(frame)) {
                        return false;
                    }
                    if (!frames.add(frame)) {
                        full[0] = new InputException(InputException.Kind.READ_ERROR, "more than " + LIMITS.shellMaxFrames
                            + " frames or " + (LIMITS.shellMaxBytes >> 20) + " MiB: the shell keeps only the first " + frames.size()
                            + " frames");
                        return false;
                    }
                    return true;
                }

                @Override
                public void close() {
                    // the files are closed by the caller
                }
            };
            try {
                run(a, tee, err, keys);
            } catch (InputException e) {
                a.inputError = e;
            }
        }
        if (full[0] != null) {
            a.inputError = full[0];
        }
        a.frames = frames.size();
        analysed = a;
        analysedCount = frames.size();
    }

    /** Drops every frame and the analysis (after running out of memory): the shell has nothing open. */
    void forget() {
        frames.clear();
        files.clear();
        liveSource = null;
        analysed = null;
        analysedCount = -1;
    }

    /** A growable list of frame numbers. */
    static final class FrameList {
        int[] frames = new int[16];
        int size;

        void add(final int frame) {
            if (size > 0 && frames[size - 1] == frame) {
                return; // several packets of one frame (compound RTCP)
            }
            if (size == frames.length) {
                frames = java.util.Arrays.copyOf(frames, size * 2);
            }
            frames[size++] = frame;
        }
    }

    /** Adds a frame that just arrived (a background capture); one capturing thread at a time. */
    public void append(final RawFrame f) {
        frames.add(f);
    }

    /** Starts a live session (frames come through {@link #append}); drops what was open. */
    public void startLive(final String iface) {
        frames.clear();
        files.clear();
        liveSource = "live:" + iface;
        analysedCount = -1;
    }

    /** The analysis of every frame in memory, redone when frames were added since the last one. */
    public Analysed analyse() {
        final int n = frames.size();
        if (analysed != null && analysedCount == n) {
            return analysed;
        }
        final Analysed a = new Analysed();
        Fatal.doing("analysing " + (liveSource != null ? liveSource : describeFiles()));
        try {
            run(a, source(n), null, keys);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // frames in memory: no I/O
        }
        a.frames = n;
        if (liveSource != null) {
            a.format = "live";
        }
        if (analysed != null) {
            a.inputError = analysed.inputError;
            if (liveSource == null) {
                a.format = analysed.format;
            }
        }
        analysed = a;
        analysedCount = n;
        return a;
    }

    /** Runs a source through every tracker the shell keeps, recording the events of each frame. */
    private static void run(final Analysed a, final PacketSource source, final java.io.PrintWriter err, final KeyLog keys)
        throws IOException {
        final Tap recorder = new Tap() {
            @Override
            public void onEvent(final ProtocolEvent e) {
                if (e instanceof RtpPacket || e instanceof RtcpPacket) {
                    (e instanceof RtpPacket ? a.rtpFrames : a.rtcpFrames).set((int) e.frame());
                    a.mediaFrames.computeIfAbsent(e.flow(), k -> new FrameList()).add((int) e.frame());
                } else {
                    a.eventsByFrame.computeIfAbsent(e.frame(), k -> new ArrayList<>(2)).add(e);
                }
            }

            @Override
            public void onAnomaly(final Anomaly x) {
                if (x.code().startsWith("dubbo.")) {
                    a.dubboAnomalies.add(x);
                }
            }

            @Override
            public void onConversation(final ConversationRecord c) {
                a.conversations.add(c);
            }
        };
        final Engine engine = Analysis.engine(new DissectOptions(), new Limits(),
            List.of(a.stats, a.sip, a.rtp, a.dubbo, a.webrtc, recorder));
        engine.decrypt(keys);
        source.onSecrets((type, data, off, len) -> {
            if (type == PacketSource.TLS_KEY_LOG) {
                keys.read(data, off, len);
            }
        });
        try (Progress progress = Progress.start(false, false, source, engine::frames, a.sip::callsSeen, err)) {
            engine.run(source);
        }
    }

    /** The frames in memory as a packet source (for a command whose options need its own analysis). */
    PacketSource source() {
        return source(frames.size());
    }

    private PacketSource source(final int n) {
        final PacketSource files = frames.reread(n); // named as describeFiles() names them
        if (files != null) {
            return files;
        }
        return new PacketSource() {
            private int next;

            @Override
            public boolean next(final RawFrame frame) {
                if (next >= n) {
                    return false;
                }
                frames.get(next++, frame);
                return true;
            }

            @Override
            public String describe() {
                return describeFiles();
            }

            @Override
            public String format() {
                return "memory";
            }

            @Override
            public void close() {
                // nothing held
            }
        };
    }

    /** Ctrl-C in the shell interrupts the command's thread: stop reading or analysing, keep the session as it was. */
    private static void cancelled() {
        if (Thread.currentThread().isInterrupted()) {
            throw new java.util.concurrent.CancellationException("cancelled");
        }
    }

    /** Frame {@code number} (1-based, as every command numbers frames), a copy, or null. */
    public RawFrame frame(final long number) {
        if (number < 1 || number > frames.size()) {
            return null;
        }
        final RawFrame f = new RawFrame();
        frames.get((int) (number - 1), f);
        return f;
    }

    public int frameCount() {
        return frames.size();
    }

    /**
     * The events the dissectors reported for a frame (empty when none). RTP and RTCP events are
     * not kept (a million of them would cost hundreds of MiB): the frame is dissected again on its
     * own, as the protocol the analysis found in it.
     */
    public List<ProtocolEvent> events(final long frame) {
        final Analysed a = analyse();
        final int i = (int) frame;
        if (frame > 0 && frame <= Integer.MAX_VALUE && (a.rtpFrames.get(i) || a.rtcpFrames.get(i))) {
            return again(frame, a.rtpFrames.get(i) ? "rtp" : "rtcp");
        }
        return a.eventsByFrame.getOrDefault(frame, List.of());
    }

    /** The events of one frame dissected alone, its UDP ports decoded as {@code protocol}. */
    private List<ProtocolEvent> again(final long number, final String protocol) {
        final RawFrame f = frame(number);
        final PacketInfo info = new PacketInfo();
        new PacketDecoder(new Limits()).decode(f, number, info);
        if (info.transportCount == 0 || info.transport().protocol != PacketInfo.Transport.UDP) {
            return List.of();
        }
        final DissectOptions d = new DissectOptions();
        d.decodeAs.add("udp.port=" + info.transport().dstPort + ":" + protocol);
        d.decodeAs.add("udp.port=" + info.transport().srcPort + ":" + protocol);
        final List<ProtocolEvent> out = new ArrayList<>();
        final Engine engine = Analysis.engine(d, new Limits(), List.of(new Tap() {
            @Override
            public void onEvent(final ProtocolEvent e) {
                out.add(e);
            }
        }));
        engine.nextFrameNumber(number);
        engine.process(f);
        engine.finish();
        return out;
    }

    public List<String> files() {
        return List.copyOf(files);
    }

    public boolean isOpen() {
        return !files.isEmpty() || liveSource != null;
    }

    String describeFiles() {
        return liveSource != null ? liveSource : String.join(", ", files);
    }

    /** The calls filter set by {@code filter}; commands combine it with their own options. */
    public Predicate<SipCall> filter() {
        return filter;
    }

    public String filterText() {
        return filterText;
    }

    void filter(final Predicate<SipCall> p, final String text) {
        filter = p;
        filterText = text;
    }

    /** The terminal's width now, for tables and ladders (0: unknown). */
    int width() {
        return Math.max(0, width.getAsInt());
    }

    /** Where the terminal's width is read (it follows the window's size). */
    void width(final java.util.function.IntSupplier w) {
        width = w;
    }

    /** Calls as {@code calls} shows them (after the session's filter), for completion. */
    public List<SipCall> shownCalls() {
        return analyse().calls().stream().filter(filter).toList();
    }
}
