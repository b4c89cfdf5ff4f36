package dev.callscope.cli;

import dev.callscope.core.InputException;
import dev.callscope.core.Limits;
import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.ConversationRecord;
import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.dissect.Tap;
import dev.callscope.engine.Engine;
import dev.callscope.flow.AnomalyLog;
import dev.callscope.flow.CaptureStats;
import dev.callscope.flow.dubbo.DubboTracker;
import dev.callscope.flow.rtp.RtpStreamTracker;
import dev.callscope.flow.sip.SipCall;
import dev.callscope.flow.sip.SipCallTracker;
import dev.callscope.pcap.CaptureFiles;
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
    /** Frames kept in memory at most (about 1.5 GiB of typical VoIP frames would be far beyond a lab). */
    public static final int MAX_FRAMES = 2_000_000;

    /** The analysis of a snapshot of the frames. */
    public static final class Analysed {
        final CaptureStats stats = new CaptureStats(10_000);
        final SipCallTracker sip = new SipCallTracker(new Limits().maxCalls);
        final RtpStreamTracker rtp = new RtpStreamTracker();
        final DubboTracker dubbo = new DubboTracker();

        {
            sip.media(rtp);
        }

        final dev.callscope.flow.webrtc.WebrtcTracker webrtc = new dev.callscope.flow.webrtc.WebrtcTracker();
        final AnomalyLog dubboAnomalies = new AnomalyLog(0);
        final List<ConversationRecord> conversations = new ArrayList<>();
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
    private final List<RawFrame> frames = Collections.synchronizedList(new ArrayList<>());
    private volatile Analysed analysed;
    private volatile int analysedCount = -1;
    private volatile String liveSource;
    private Predicate<SipCall> filter = c -> true;
    private String filterText = "";
    private int width;

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

    /** Reads the files into memory (replacing what was open) and analyses them. */
    public void open(final List<String> paths) throws IOException {
        final List<RawFrame> read = new ArrayList<>();
        InputException error = null;
        String format;
        try (PacketSource source = CaptureFiles.openAll(paths)) {
            format = source.format();
            final RawFrame f = new RawFrame();
            try {
                while (source.next(f)) {
                    cancelled();
                    if (read.size() >= MAX_FRAMES) {
                        error = new InputException(InputException.Kind.READ_ERROR, "more than " + MAX_FRAMES
                            + " frames: the shell keeps only the first " + MAX_FRAMES + " in memory");
                        break;
                    }
                    final RawFrame copy = new RawFrame();
                    copy.copyFrom(f);
                    read.add(copy);
                }
            } catch (InputException e) {
                error = e;
            }
        }
        synchronized (frames) {
            frames.clear();
            frames.addAll(read);
        }
        files.clear();
        files.addAll(paths);
        liveSource = null;
        analysedCount = -1;
        final Analysed a = analyse();
        a.inputError = error;
        a.format = format;
    }

    /** Adds a frame that just arrived (a background capture); thread-safe. */
    public void append(final RawFrame f) {
        final RawFrame copy = new RawFrame();
        copy.copyFrom(f);
        synchronized (frames) {
            if (frames.size() < MAX_FRAMES) {
                frames.add(copy);
            }
        }
    }

    /** Starts a live session (frames come through {@link #append}); drops what was open. */
    public void startLive(final String iface) {
        synchronized (frames) {
            frames.clear();
        }
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
        final Tap recorder = new Tap() {
            @Override
            public void onEvent(final ProtocolEvent e) {
                a.eventsByFrame.computeIfAbsent(e.frame(), k -> new ArrayList<>(2)).add(e);
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
        final List<RawFrame> snapshot = snapshot(n);
        for (final RawFrame f : snapshot) {
            cancelled();
            engine.process(f);
        }
        engine.finish();
        a.frames = snapshot.size();
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

    /** The frames in memory as a packet source (for a command whose options need its own analysis). */
    PacketSource source() {
        final List<RawFrame> snapshot = snapshot(frames.size());
        return new PacketSource() {
            private int next;

            @Override
            public boolean next(final RawFrame frame) {
                cancelled();
                if (next >= snapshot.size()) {
                    return false;
                }
                frame.copyFrom(snapshot.get(next++));
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

    private List<RawFrame> snapshot(final int n) {
        synchronized (frames) {
            return new ArrayList<>(frames.subList(0, Math.min(n, frames.size())));
        }
    }

    /** Frame {@code number} (1-based, as every command numbers frames), or null. */
    public RawFrame frame(final long number) {
        synchronized (frames) {
            return number >= 1 && number <= frames.size() ? frames.get((int) (number - 1)) : null;
        }
    }

    public int frameCount() {
        return frames.size();
    }

    /** The events the dissectors reported for a frame (empty when none). */
    public List<ProtocolEvent> events(final long frame) {
        return analyse().eventsByFrame.getOrDefault(frame, List.of());
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

    /** The terminal's width for ladders (0: unknown). */
    int width() {
        return width;
    }

    void width(final int w) {
        width = w;
    }

    /** Calls as {@code calls} shows them (after the session's filter), for completion. */
    public List<SipCall> shownCalls() {
        return analyse().calls().stream().filter(filter).toList();
    }
}
