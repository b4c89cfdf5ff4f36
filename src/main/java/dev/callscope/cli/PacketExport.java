package dev.callscope.cli;

import dev.callscope.core.FlowKey;
import dev.callscope.core.InputException;
import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.tap.FrameRecord;
import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.tap.Tap;
import dev.callscope.dissect.rtp.RtcpPacket;
import dev.callscope.dissect.rtp.RtpPacket;
import dev.callscope.flow.rtp.CallMedia;
import dev.callscope.flow.rtp.RtpStream;
import dev.callscope.flow.rtp.RtpStreamTracker;
import dev.callscope.flow.sip.SipCall;
import dev.callscope.flow.sip.SipEntry;
import dev.callscope.dissect.sip.SipMessage;
import dev.callscope.pcap.CaptureFiles;
import dev.callscope.pcap.CaptureInfo;
import dev.callscope.pcap.CaptureInterface;
import dev.callscope.pcap.PcapReader;
import dev.callscope.pcap.PcapWriter;
import dev.callscope.pcap.PcapngWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code -w FILE} of {@code calls} and {@code sip}: the frames of the selected calls (their SIP
 * messages and the RTP and RTCP of their media streams) copied byte for byte into a capture file,
 * as sngrep's save does.
 *
 * <p>Two passes. While the capture is read this tap keeps only frame numbers: those of RTP and RTCP
 * per conversation (RTCP on the odd ports next to an RTP conversation is filed with it), and, for
 * each selected call once it is over ({@link #claim}), its SIP frames and the media frames of its
 * streams since its first message. Lists of conversations no stream holds any more are dropped once
 * idle for the stream timeout, so memory follows the live media and the selected calls, not the
 * capture. Then {@link #write} reads the input again and copies the frames with those numbers.
 * Standard input cannot be read twice and is refused before anything is read.
 *
 * <p>The format: pcapng for a name ending in .pcapng or .ntar, pcap for .pcap or .cap, otherwise
 * that of the (first) input. pcap from pcap keeps the input's header (byte order, time resolution,
 * snapshot length, link type) and records; pcapng gets one interface per input interface used
 * (link type, snapshot length and name kept) and nanosecond timestamps. The file is written whole
 * or not at all ({@link OutputTarget}).
 */
final class PacketExport implements Tap {
    /** What the file is written as. */
    enum Format { PCAP, PCAPNG }

    /** How often (packet time) idle conversations are looked for. */
    private static final long PRUNE_EVERY_NANOS = 5_000_000_000L;
    /** Parts of a SIP message further apart than this are not looked for. */
    private static final long PENDING_IDLE_NANOS = 60_000_000_000L;
    /** Frames kept per conversation for the next SIP message on it (a SIP message is at most 64 KiB or so). */
    private static final int MAX_PENDING = 256;
    private static final int TCP = 6;

    private final String file;
    private final OutputTarget.Destination target;
    private final RtpStreamTracker rtp;
    private final long idleNanos;
    private final Map<FlowKey, Frames> flows = new HashMap<>();
    /** TCP segments, and first fragments of UDP datagrams, since the last SIP message on their conversation. */
    private final Map<FlowKey, Frames> pending = new HashMap<>();
    /** Frames the first pass read (this tap's own pass; the shell's frames were all read whole). */
    private long framesRead;
    /** Per Call-ID: the frames before each SIP message's own that carried part of it. */
    private final Map<String, Frames> sipParts = new HashMap<>();
    /** Call-IDs of the calls claimed. */
    private final Set<String> claimedIds = new HashSet<>();
    private final FlowKey companion = new FlowKey();
    private final Frames selected = new Frames();
    private long nextPrune = Long.MIN_VALUE;
    private int calls;

    /** Frame numbers in the order seen, and the time of the last one. */
    static final class Frames {
        long[] frames = new long[8];
        int size;
        long lastNanos;

        void add(final long frame) {
            if (size > 0 && frames[size - 1] == frame) {
                return; // several RTCP packets of one compound frame
            }
            if (size == frames.length) {
                frames = Arrays.copyOf(frames, size * 2);
            }
            frames[size++] = frame;
        }

        long[] sortedUnique() {
            final long[] a = Arrays.copyOf(frames, size);
            Arrays.sort(a);
            int n = 0;
            for (int i = 0; i < a.length; i++) {
                if (n == 0 || a[n - 1] != a[i]) {
                    a[n++] = a[i];
                }
            }
            return Arrays.copyOf(a, n);
        }
    }

    private PacketExport(final String file, final OutputTarget.Destination target, final RtpStreamTracker rtp,
                         final long idleNanos) {
        this.file = file;
        this.target = target;
        this.rtp = rtp;
        this.idleNanos = idleNanos;
    }

    /**
     * Checks {@code -w FILE} before anything is read: standard input (it cannot be read twice) is a
     * usage error; a directory, a missing directory or one of the input files an input/output error.
     *
     * @param rtp the RTP tracker of the run (conversations it no longer holds may be dropped), or null
     * @param idleNanos drop an unheld conversation's frames after this much silence; 0 never
     */
    static PacketExport prepare(final String file, final InputOptions in, final boolean inMemory,
                                final RtpStreamTracker rtp, final long idleNanos) throws IOException {
        if (!inMemory && in.files.contains(CaptureFiles.STDIN)) {
            throw new UsageException("-w: standard input cannot be read twice; save it to a file first "
                + "(or capture with 'capture -w')");
        }
        final OutputTarget.Destination d = OutputTarget.resolve(file);
        if (!inMemory && !d.direct() && d.exists()) {
            for (final String f : in.files) {
                try {
                    if (Files.isSameFile(Path.of(f), d.path())) {
                        throw new IOException(file + ": is an input file");
                    }
                } catch (java.nio.file.NoSuchFileException | java.nio.file.InvalidPathException ignored) {
                    // reported by the reader
                }
            }
        }
        return new PacketExport(file, d, rtp, idleNanos);
    }

    /** The format a file of this name is written in, given the input's format ("pcap", "pcapng (gzip)"...). */
    static Format format(final String file, final String inputFormat) {
        final String n = file.toLowerCase(Locale.ROOT);
        if (n.endsWith(".pcapng") || n.endsWith(".ntar")) {
            return Format.PCAPNG;
        }
        if (n.endsWith(".pcap") || n.endsWith(".cap")) {
            return Format.PCAP;
        }
        return inputFormat != null && inputFormat.startsWith("pcap") && !inputFormat.startsWith("pcapng")
            ? Format.PCAP : Format.PCAPNG;
    }

    // ------------------------------------------------------------------ first pass

    @Override
    public boolean wants(final Class<? extends ProtocolEvent> type) {
        return type == RtpPacket.class || type == RtcpPacket.class || type == SipMessage.class;
    }

    @Override
    public void onEvent(final ProtocolEvent event) {
        if (event instanceof SipMessage m) {
            // the earlier segments (or first fragment) of this message belong to its call; a call
            // already claimed (a message after it was over) takes them, and the message, at once
            final String id = m.callId() == null ? "" : m.callId();
            final boolean late = claimedIds.contains(id);
            if (late) {
                selected.add(m.frame());
            }
            final Frames p = m.flow() == null ? null : pending.get(m.flow());
            if (p != null && p.size > 0) {
                final Frames parts = late ? selected : sipParts.computeIfAbsent(id, k -> new Frames());
                for (int i = 0; i < p.size; i++) {
                    parts.add(p.frames[i]);
                }
                parts.lastNanos = m.tsNanos();
                p.size = 0;
            }
        } else if (event instanceof RtpPacket p) {
            add(p.flow(), p.frame(), p.tsNanos());
        } else if (event instanceof RtcpPacket r) {
            final FlowKey f = r.flow();
            add(!r.muxed() && rtcpPorts(f) ? companion(f) : f, r.frame(), r.tsNanos());
        }
    }

    private static boolean rtcpPorts(final FlowKey f) {
        return (f.portA() & 1) == 1 && (f.portB() & 1) == 1;
    }

    /** The conversation of RTP that RTCP on {@code f} reports on (RFC 3550: ports one below). */
    private FlowKey companion(final FlowKey f) {
        companion.set(f.protocol(), f.endpointA().address(), f.portA() - 1, f.endpointB().address(), f.portB() - 1,
            f.endpointA().address().length);
        return companion;
    }

    private void add(final FlowKey flow, final long frame, final long nanos) {
        Frames l = flows.get(flow);
        if (l == null) {
            l = new Frames();
            flows.put(flow.copy(), l);
        }
        l.add(frame);
        l.lastNanos = nanos;
    }

    @Override
    public void onFrame(final FrameRecord frame) {
        framesRead = frame.frame;
        if (frame.flow != null && (frame.flow.protocol() == TCP || frame.status == FrameRecord.Status.FRAGMENT)) {
            // after the frame's events: a segment that ended one message may start the next
            Frames p = pending.get(frame.flow);
            if (p == null) {
                p = new Frames();
                pending.put(frame.flow.copy(), p);
            }
            if (p.size == MAX_PENDING) {
                System.arraycopy(p.frames, MAX_PENDING / 2, p.frames, 0, MAX_PENDING / 2);
                p.size = MAX_PENDING / 2;
            }
            p.add(frame.frame);
            p.lastNanos = frame.tsNanos;
        }
        if (frame.tsNanos < nextPrune) {
            return;
        }
        nextPrune = frame.tsNanos + PRUNE_EVERY_NANOS;
        pending.values().removeIf(p -> p.lastNanos + PENDING_IDLE_NANOS < frame.tsNanos);
        if (idleNanos <= 0 || rtp == null) {
            return;
        }
        Set<FlowKey> held = null;
        final Iterator<Map.Entry<FlowKey, Frames>> it = flows.entrySet().iterator();
        while (it.hasNext()) {
            final Map.Entry<FlowKey, Frames> e = it.next();
            if (e.getValue().lastNanos + idleNanos > frame.tsNanos) {
                continue;
            }
            if (held == null) {
                held = new HashSet<>();
                for (final RtpStream s : rtp.streams()) {
                    held.add(s.flow());
                }
            }
            if (!held.contains(e.getKey())) {
                it.remove();
            }
        }
    }

    /**
     * A selected call: its SIP frames, and the RTP and RTCP frames of its streams' conversations
     * from its first SIP frame on (a conversation reused by an earlier call keeps that call's frames
     * out). Call it while the streams are still held (when the call is over, before it is released).
     */
    void claim(final SipCall c, final List<RtpStream> streams) {
        claim(c, streams, f -> {
            final Frames l = flows.get(f);
            return l == null ? null : Arrays.copyOf(l.frames, l.size);
        }, false);
    }

    /**
     * As {@link #claim(SipCall, List)}, with the RTP and RTCP frames of a conversation from {@code
     * media} (the shell keeps them for all its frames, RTCP under its own conversation: with {@code
     * rtcpApart}, the conversation on the ports one above is looked up too).
     */
    void claim(final SipCall c, final List<RtpStream> streams, final Function<FlowKey, long[]> media,
               final boolean rtcpApart) {
        calls++;
        claimedIds.add(c.callId());
        final Frames parts = sipParts.remove(c.callId());
        if (parts != null) {
            for (int i = 0; i < parts.size; i++) {
                selected.add(parts.frames[i]);
            }
        }
        long first = Long.MAX_VALUE;
        for (final SipEntry e : c.entries()) {
            selected.add(e.message().frame());
            first = Math.min(first, e.message().frame());
        }
        final Set<FlowKey> seen = new HashSet<>();
        for (final RtpStream s : streams) {
            final FlowKey f = s.flow();
            if (!seen.add(f)) {
                continue;
            }
            addFrom(media.apply(f), first);
            if (rtcpApart && (f.portA() & 1) == 0 && (f.portB() & 1) == 0) {
                final FlowKey rtcp = new FlowKey();
                rtcp.set(f.protocol(), f.endpointA().address(), f.portA() + 1, f.endpointB().address(), f.portB() + 1,
                    f.endpointA().address().length);
                addFrom(media.apply(rtcp), first);
            }
        }
    }

    /**
     * A selected call of a run that kept every call (no streaming): its streams from {@code rtp}, its
     * media frames from the shell's analysis when {@code held} is given, else from this tap.
     */
    void claim(final SipCall c, final RtpStreamTracker rtp, final ShellSession.Analysed held) {
        final List<RtpStream> streams = CallMedia.streamsOf(c, rtp);
        if (held == null) {
            claim(c, streams);
        } else {
            claim(c, streams, f -> Arrays.stream(held.mediaFrames(f)).asLongStream().toArray(), true);
        }
    }

    private void addFrom(final long[] frames, final long first) {
        if (frames == null) {
            return;
        }
        for (final long f : frames) {
            if (f >= first) {
                selected.add(f);
            }
        }
    }

    @Override
    public void onConversation(final dev.callscope.tap.ConversationRecord conversation) {
        pending.remove(conversation.key());
    }

    /**
     * A call of a streaming run is over (its streams still held): claimed when {@code keep} selects
     * it, else forgotten.
     */
    void closed(final SipCall c, final java.util.function.Predicate<SipCall> keep, final RtpStreamTracker rtp) {
        if (keep.test(c)) {
            claim(c, CallMedia.streamsOf(c, rtp));
        } else {
            forget(c);
        }
    }

    /** A call not selected: what was kept of it goes. */
    void forget(final SipCall c) {
        sipParts.remove(c.callId());
    }

    /** Calls claimed so far. */
    int calls() {
        return calls;
    }

    // ------------------------------------------------------------------ second pass

    /** The second pass over the command's input: the files again, or the shell's frames in memory. */
    long write(final InputOptions in, final ShellSession session) throws IOException {
        try (PacketSource source = session != null ? session.source() : Sources.open(in)) {
            // the shell read its frames whole before: an input error now is new (a file changed since)
            return write(source, session != null ? Long.MAX_VALUE : framesRead);
        }
    }

    /**
     * Reads {@code source} (the input again, numbered as in the first pass) and writes the claimed
     * frames; the file is moved into place only when all of them were written. An input error where
     * the first pass stopped ({@code firstPass} frames: it met the error too and reports it) ends the
     * copy there; one before that is the input's change since, and propagates. Returns the frames
     * written.
     */
    long write(final PacketSource source, final long firstPass) throws IOException {
        final long[] want = selected.sortedUnique();
        final List<CaptureInfo> infos = CaptureFiles.infos(source);
        final Format format = format(file, infos.isEmpty() ? null : infos.get(0).format());
        Fatal.doing("writing " + file);
        long written = 0;
        try (OutputTarget out = OutputTarget.binary(target)) {
            final OutputStream os = new BufferedOutputStream(out.stream(), 1 << 16);
            final FrameSink sink = format == Format.PCAP ? new PcapSink(os, infos) : new PcapngSink(os, infos);
            final RawFrame f = new RawFrame();
            long n = 0;
            int k = 0;
            try {
                while (k < want.length && source.next(f)) {
                    n++;
                    if (n == want[k]) {
                        sink.write(f);
                        written++;
                        k++;
                    }
                }
            } catch (InputException e) {
                if (n < firstPass) {
                    throw e; // not where the first pass stopped: the input changed since
                }
                // the analysis met the same error and reports it: keep what came before
            }
            sink.close();
            out.commit();
        }
        return written;
    }

    /** Writes frames in one format. */
    private interface FrameSink {
        void write(RawFrame f) throws IOException;

        void close() throws IOException;
    }

    /** pcap: the header of the first input when it is pcap, else little-endian nanoseconds. */
    private final class PcapSink implements FrameSink {
        private final OutputStream os;
        private final List<CaptureInfo> infos;
        private PcapWriter w;
        private int linkType;

        PcapSink(final OutputStream os, final List<CaptureInfo> infos) throws IOException {
            this.os = os;
            this.infos = infos;
            if (!infos.isEmpty() && !infos.get(0).interfaces().isEmpty()) {
                open(infos.get(0).interfaces().get(0).linkType());
            }
        }

        private void open(final int link) throws IOException {
            linkType = link;
            if (!infos.isEmpty() && infos.get(0) instanceof PcapReader p) {
                w = new PcapWriter(os, link, p.snaplen(), p.nanosecond(), p.byteOrder());
            } else {
                final int snaplen = infos.isEmpty() || infos.get(0).interfaces().isEmpty() ? PcapngWriter.DEFAULT_SNAPLEN
                    : Math.max(infos.get(0).interfaces().get(0).snaplen(), 0);
                w = new PcapWriter(os, link, snaplen == 0 ? PcapngWriter.DEFAULT_SNAPLEN : snaplen, true,
                    ByteOrder.LITTLE_ENDIAN);
            }
        }

        @Override
        public void write(final RawFrame f) throws IOException {
            if (w == null) {
                open(f.linkType);
            }
            if (f.linkType != linkType) {
                throw new IOException("cannot write " + file + ": the selected frames have link types " + linkType
                    + " and " + f.linkType + ", and a pcap file holds one; name it .pcapng");
            }
            w.write(f);
        }

        @Override
        public void close() throws IOException {
            if (w == null) {
                open(1); // no frame and no input header to follow: Ethernet
            }
            w.flush();
        }
    }

    /** pcapng: an interface for each input interface used, declared on first use. */
    private final class PcapngSink implements FrameSink {
        private final PcapngWriter w;
        private final List<CaptureInfo> infos;
        private final Map<Long, Integer> ids = new HashMap<>();

        PcapngSink(final OutputStream os, final List<CaptureInfo> infos) throws IOException {
            this.w = new PcapngWriter(os, new VersionProvider().getVersion()[0]);
            this.infos = infos;
        }

        @Override
        public void write(final RawFrame f) throws IOException {
            final long key = ((long) f.sourceIndex << 32) | (f.interfaceId & 0xFFFF_FFFFL);
            Integer id = ids.get(key);
            if (id == null) {
                id = declare(f);
                ids.put(key, id);
            }
            w.write(id, f.linkType, f.data, f.capLen, f.origLen, f.tsNanos);
        }

        private int declare(final RawFrame f) throws IOException {
            if (f.sourceIndex < infos.size()) {
                for (final CaptureInterface i : infos.get(f.sourceIndex).interfaces()) {
                    if (i.id() == f.interfaceId && i.linkType() == f.linkType) {
                        return w.addInterface(i.linkType(), i.snaplen(), i.name().isEmpty() ? null : i.name());
                    }
                }
            }
            return w.addInterface(f.linkType, PcapngWriter.DEFAULT_SNAPLEN, null);
        }

        @Override
        public void close() throws IOException {
            w.flush();
        }
    }
}
