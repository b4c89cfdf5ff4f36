package dev.callscope.cli;

import dev.callscope.core.FieldNode;
import dev.callscope.core.Limits;
import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.decode.FrameTree;
import dev.callscope.decode.LayerTrace;
import dev.callscope.decode.PacketDecoder;
import dev.callscope.decode.PacketInfo;
import dev.callscope.dissect.Describer;
import dev.callscope.dissect.Dissector;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.tap.FrameRecord;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.tap.Tap;
import dev.callscope.dissect.sdp.SdpBody;
import dev.callscope.engine.Engine;
import dev.callscope.tls.KeyLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Shows chosen frames field by field ({@code show}): reads a source up to the last frame asked
 * for through the same engine as the analysis (so TCP messages are reassembled, SDP seen before
 * names the RTP codecs, and each conversation has the dissector the analysis gave it), and builds
 * the tree only for the frames asked for: the headers from a decode that records where each one
 * starts, the messages from each dissector's own {@link Dissector#describe}.
 */
final class FrameDissection {
    /** One frame shown. */
    record Shown(long number, RawFrame frame, List<FieldNode> tree) {
    }

    private final NavigableSet<Long> wanted;
    private final DissectOptions options;
    private final Limits limits;
    private final DissectorRegistry registry;
    /** TLS secrets (--keylog; a pcapng's own are added as they are read). */
    private KeyLog keys;

    FrameDissection(final NavigableSet<Long> wanted, final DissectOptions options, final Limits limits) {
        this.wanted = wanted;
        this.options = options;
        this.limits = limits;
        this.registry = DissectorRegistry.builtIn(new LinkedHashSet<>(options.disabled),
            options.rtpHeuristic ? Map.of("rtp.heuristic", "true") : Map.of());
    }

    /** Decrypts TLS with these secrets (and those the capture carries). */
    FrameDissection decrypt(final KeyLog keys) {
        this.keys = keys;
        return this;
    }

    /** One message the engine gave a session in a wanted frame. */
    private record Message(Dissector dissector, byte[] bytes, int frameOffset, boolean stream, PacketContext ctx) {
    }

    /**
     * Reads {@code source} up to the last wanted frame (no further) and returns the wanted frames
     * that exist, in order; {@link #read()} then says how many frames were read.
     */
    List<Shown> run(final PacketSource source) throws IOException {
        final long last = wanted.isEmpty() ? 0 : wanted.last();
        final Map<Long, List<ProtocolEvent>> events = new HashMap<>();
        final Map<Long, String> protocols = new HashMap<>();
        final Map<String, SdpBody.Media> announced = new HashMap<>();
        final Tap tap = new Tap() {
            @Override
            public void onEvent(final ProtocolEvent e) {
                if (wanted.contains(e.frame())) {
                    events.computeIfAbsent(e.frame(), k -> new ArrayList<>()).add(e);
                }
                if (e instanceof SdpBody b) {
                    for (final SdpBody.Media m : b.media()) {
                        final String addr = m.connectionAddress() != null ? m.connectionAddress() : b.connectionAddress();
                        if (addr != null && m.port() > 0) {
                            announced.put(addr + " " + m.port(), m);
                        }
                    }
                }
            }

            @Override
            public void onFrame(final FrameRecord r) {
                if (wanted.contains(r.frame)) {
                    final StringBuilder sb = new StringBuilder();
                    for (int i = 0; i < r.layerCount; i++) {
                        sb.append(i == 0 ? "" : ":").append(r.layers[i]);
                    }
                    protocols.put(r.frame, sb.toString());
                }
            }
        };
        final Engine engine = Analysis.engine(options, limits, List.of(tap));
        final KeyLog secrets = keys != null ? keys : new KeyLog(limits.maxKeyLogSecrets);
        engine.decrypt(secrets);
        source.onSecrets((type, data, off, len) -> {
            if (type == PacketSource.TLS_KEY_LOG) {
                secrets.read(data, off, len);
            }
        });
        final Map<Long, List<Message>> messages = new TreeMap<>();
        final RawFrame[] current = new RawFrame[1];
        engine.observe((frame, dissector, buf, off, len, stream, ctx) -> {
            if (wanted.contains(frame)) {
                final byte[] copy = java.util.Arrays.copyOfRange(buf, off, off + len);
                final int at = !stream && buf == current[0].data ? off : -1;
                final PacketContext c = new PacketContext().set(ctx.frame(), ctx.tsNanos(), ctx.flow(), ctx.direction(),
                    ctx.transport(), ctx.truncated());
                c.decrypted(ctx.decrypted());
                messages.computeIfAbsent(frame, k -> new ArrayList<>()).add(new Message(dissector, copy, at, stream, c));
            }
        });
        final PacketDecoder decoder = new PacketDecoder(limits);
        final FrameTree headers = new FrameTree();
        final LayerTrace trace = new LayerTrace();
        final PacketInfo info = new PacketInfo();
        final List<Shown> out = new ArrayList<>();
        final RawFrame f = new RawFrame();
        final Segments segments = new Segments();
        final Map<Long, FieldNode> partial = new HashMap<>();
        long n = 0;
        while (n < last && source.next(f)) {
            n++;
            current[0] = f;
            final boolean shown = wanted.contains(n);
            if (shown) {
                decoder.decode(f, n, info, trace);
            } else {
                decoder.decode(f, n, info);
            }
            engine.process(f);
            headers.observe(info);
            final long[] segment = segments.add(n, info);
            if (shown) {
                final List<FieldNode> tree = new ArrayList<>(headers.build(f, n, trace, info, protocols.getOrDefault(n, "")));
                final List<ProtocolEvent> ev = events.getOrDefault(n, List.of());
                final List<Message> ms = messages.getOrDefault(n, List.of());
                final PacketInfo.Transport t = info.transport();
                boolean completed = false;
                int searchFrom = info.payload == f.data ? info.payloadOffset : -1;
                for (final Message m : ms) {
                    final int in = m.stream && searchFrom >= 0 ? within(f.data, searchFrom, info.payloadOffset + info.payloadLength, m.bytes) : -1;
                    if (in >= 0) {
                        // the whole message is in this segment: shown in place, as tshark shows it
                        searchFrom = in + m.bytes.length;
                        tree.addAll(message(new Message(m.dissector, m.bytes, in, false, m.ctx), ev, announced));
                        completed = true;
                        continue;
                    }
                    tree.addAll(message(m, ev, announced));
                    completed |= m.stream;
                }
                if (segment != null) {
                    // the segments of each reassembled message, last message first: each ends where the next began
                    long end = segment[1];
                    for (int i = tree.size() - 1; i >= 0 && end >= 0; i--) {
                        final FieldNode node = tree.get(i);
                        if (node.data != null && node.label.startsWith("Reassembled TCP message")) {
                            final List<long[]> parts = segments.covering(segment[2], end - node.data.length, end);
                            node.add(segmentsNode(parts, node.data.length));
                            for (final long[] p : parts) {
                                final FieldNode note = partial.remove(p[0]);
                                if (note != null) {
                                    note.addLabelled("[Reassembled PDU in frame: " + n + "]", "tcp.reassembled_in", n, -1, 0);
                                }
                            }
                            end -= node.data.length;
                        }
                    }
                }
                if (t != null && t.protocol == PacketInfo.Transport.TCP && info.payloadLength > 0 && !completed) {
                    final FieldNode note = FieldNode.group(ms.isEmpty() && engineHasDissector(protocols.get(n))
                        ? "[TCP segment of a reassembled PDU: its message is not complete in this frame]"
                        : "[TCP segment: no message completed in this frame]", -1, 0);
                    tree.add(note);
                    partial.put(n, note);
                } else if (ms.isEmpty() && info.payloadLength > 0) {
                    tree.add(FieldNode.group("Data (" + info.payloadLength + " bytes)", info.payload == f.data ? info.payloadOffset : -1,
                        info.payloadLength));
                }
                final RawFrame copy = new RawFrame();
                copy.copyFrom(f);
                out.add(new Shown(n, copy, tree));
            }
            headers.timed(f.tsNanos);
            events.remove(n);
            messages.remove(n);
        }
        read = n;
        return out;
    }

    private long read;

    /** "[5 Reassembled TCP Segments (65793 bytes): #5(16332), ...]", as tshark lists them. */
    private static FieldNode segmentsNode(final List<long[]> parts, final int length) {
        final StringBuilder sb = new StringBuilder();
        for (final long[] p : parts) {
            sb.append(sb.length() == 0 ? "" : ", ").append('#').append(p[0]).append('(').append(p[1]).append(')');
        }
        final FieldNode n = FieldNode.group("[" + parts.size() + " Reassembled TCP Segments (" + length + " bytes): " + sb + "]",
            -1, 0);
        for (final long[] p : parts) {
            n.addLabelled("[Frame: " + p[0] + ", payload: " + p[1] + " bytes]", "tcp.segment", p[0], -1, 0);
        }
        return n;
    }

    /**
     * The data segments of each TCP direction read so far (frame, start and end in the direction's
     * byte stream), to tell which frames a reassembled message came from. Retransmitted bytes are
     * not counted twice; each direction keeps its last {@link #MAX} segments.
     */
    private static final class Segments {
        static final int MAX = 65_536;
        private final Map<String, Integer> index = new HashMap<>();
        private final List<java.util.ArrayDeque<long[]>> queues = new ArrayList<>();
        private final List<Long> base = new ArrayList<>();

        /** Notes frame {@code n}'s segment; returns {frame, its end in the stream, direction index} or null when it carries no data. */
        long[] add(final long n, final PacketInfo info) {
            final PacketInfo.Transport t = info.transport();
            if (t == null || t.protocol != PacketInfo.Transport.TCP || t.payloadLength <= 0) {
                return null;
            }
            final int al = t.addressLength();
            final String key = dev.callscope.core.IpFormat.format(t.src, 0, al) + " " + t.srcPort + " "
                + dev.callscope.core.IpFormat.format(t.dst, 0, al) + " " + t.dstPort;
            final int d = index.computeIfAbsent(key, k -> {
                queues.add(new java.util.ArrayDeque<>());
                base.add(t.tcpSeq);
                return queues.size() - 1;
            });
            final long start = (t.tcpSeq - base.get(d)) & 0xFFFFFFFFL;
            final long end = start + t.payloadLength;
            final java.util.ArrayDeque<long[]> q = queues.get(d);
            final long seen = q.isEmpty() ? 0 : q.peekLast()[2];
            if (end > seen) {
                q.addLast(new long[] {n, Math.max(start, seen), end});
                if (q.size() > MAX) {
                    q.removeFirst();
                }
            }
            return new long[] {n, end, d};
        }

        /** The segments holding stream bytes {@code [from, to)} of direction {@code keyIndex}: {frame, bytes} each, oldest first. */
        List<long[]> covering(final long direction, final long from, final long to) {
            final List<long[]> out = new ArrayList<>();
            for (final long[] s : queues.get((int) direction)) {
                final long a = Math.max(from, s[1]);
                final long z = Math.min(to, s[2]);
                if (z > a) {
                    out.add(new long[] {s[0], z - a});
                }
            }
            return out;
        }
    }

    /** Where {@code needle} starts in {@code hay[from, to)}, or -1. */
    private static int within(final byte[] hay, final int from, final int to, final byte[] needle) {
        for (int i = from; i + needle.length <= to; i++) {
            if (java.util.Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    /** Frames read by {@link #run} (the source's length when it ended before the last wanted frame). */
    long read() {
        return read;
    }

    private static boolean engineHasDissector(final String protocols) {
        return protocols != null && !protocols.endsWith(":data") && !protocols.endsWith(":tcp");
    }

    private List<FieldNode> message(final Message m, final List<ProtocolEvent> events, final Map<String, SdpBody.Media> announced) {
        final Describer describer = new Describer() {
            @Override
            public List<FieldNode> handOff(final String contentType, final Payload body, final PacketContext ctx) {
                final String ct = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
                final Dissector d = registry.byContentType(ct);
                return d == null ? List.of() : safe(d, body, ctx, this);
            }

            @Override
            public List<ProtocolEvent> events() {
                return events;
            }

            @Override
            public String codecName(final int payloadType) {
                final PacketContext c = m.ctx;
                if (c.flow() != null) {
                    for (final dev.callscope.core.Endpoint e : List.of(c.destination(), c.source())) {
                        final SdpBody.Media media = announced.get(e.host() + " " + e.port());
                        if (media != null && media.codecName(payloadType) != null) {
                            return media.codecName(payloadType);
                        }
                    }
                }
                return SdpBody.staticCodecName(payloadType);
            }
        };
        final List<FieldNode> nodes = safe(m.dissector, new Payload(m.bytes, 0, m.bytes.length), m.ctx, describer);
        final List<FieldNode> out = new ArrayList<>();
        if (m.stream) {
            final FieldNode top = FieldNode.group((m.ctx.decrypted() ? "Decrypted TLS message (" : "Reassembled TCP message (")
                + m.bytes.length + " bytes, completed by this frame; offsets from the message's first byte)", 0, m.bytes.length);
            top.data = m.bytes;
            if (nodes.isEmpty()) {
                top.add(FieldNode.group("Data (" + m.bytes.length + " bytes)", 0, m.bytes.length));
            }
            nodes.forEach(top::add);
            out.add(top);
            return out;
        }
        if (nodes.isEmpty()) {
            out.add(FieldNode.group("Data (" + m.bytes.length + " bytes)", m.frameOffset, m.bytes.length));
            return out;
        }
        if (m.ctx.decrypted()) {
            final FieldNode top = FieldNode.group("Decrypted SRTP/SRTCP packet (" + m.bytes.length
                + " bytes without MKI and tag; offsets from its first byte)", 0, m.bytes.length);
            top.data = m.bytes;
            nodes.forEach(top::add);
            out.add(top);
            return out;
        }
        for (final FieldNode n : nodes) {
            if (m.frameOffset >= 0) {
                out.add(n.shift(m.frameOffset));
            } else {
                n.data = m.bytes;
                out.add(n);
            }
        }
        return out;
    }

    /** A dissector's tree; a bug in it shows as one line, never as a failed command. */
    private static List<FieldNode> safe(final Dissector d, final Payload p, final PacketContext ctx, final Describer more) {
        try {
            return d.describe(p, ctx, more);
        } catch (RuntimeException e) {
            return List.of(FieldNode.group("[" + d.id() + ": could not show this message (" + e + ")]", -1, 0));
        }
    }

    /**
     * Frame numbers from words such as "5", "7-9" and "3,5,10-12".
     *
     * @throws UsageException for anything else, or a range that runs backwards
     */
    static NavigableSet<Long> parse(final List<String> words) {
        final NavigableSet<Long> out = new TreeSet<>();
        for (final String w : words) {
            for (final String part : w.split(",")) {
                final String p = part.trim();
                if (p.isEmpty()) {
                    continue;
                }
                final int dash = p.indexOf('-', 1);
                try {
                    final long a = Long.parseLong(dash < 0 ? p : p.substring(0, dash));
                    final long b = dash < 0 ? a : Long.parseLong(p.substring(dash + 1));
                    if (a < 1 || b < a) {
                        throw new UsageException("frame '" + p + "': frames are numbered from 1 and a range goes up (as in 7-9)");
                    }
                    if (b - a > 1_000_000) {
                        throw new UsageException("frame range '" + p + "' is longer than a million frames");
                    }
                    for (long i = a; i <= b; i++) {
                        out.add(i);
                    }
                } catch (NumberFormatException e) {
                    throw new UsageException("frame '" + p + "' is not a frame number or a range such as 7-9");
                }
            }
        }
        if (out.isEmpty()) {
            throw new UsageException("no frame number given");
        }
        return out;
    }
}
