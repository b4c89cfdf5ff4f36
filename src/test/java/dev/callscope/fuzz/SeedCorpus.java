package dev.callscope.fuzz;

import dev.callscope.core.FlowKey;
import dev.callscope.core.Limits;
import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.decode.PacketDecoder;
import dev.callscope.decode.PacketInfo;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.tap.FrameRecord;
import dev.callscope.tap.Tap;
import dev.callscope.engine.Engine;
import dev.callscope.engine.EngineOptions;
import dev.callscope.pcap.CaptureFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Seed conversations for packet-level fuzzing, taken from real captures: each capture is run
 * through the engine (every dissector, RTP heuristic on) to learn which dissector took each frame,
 * and through the decoder to get each frame's innermost payload and 5-tuple. A conversation is
 * filed under the dissector that took most of its frames. SDP seeds are SIP conversations whose
 * messages carry an SDP body. A dissector with no seed in the captures at hand (RTCP when only the
 * bundled samples exist) gets synthetic ones.
 */
final class SeedCorpus {
    /** Messages kept per conversation, and conversations per dissector and capture. */
    static final int MAX_MESSAGES = 48;
    static final int MAX_FLOWS_PER_CAPTURE = 4;

    /** One payload of a conversation, and the frame it came in. */
    record Message(boolean fromClient, byte[] payload, byte[] frame, int linkType, int payloadOffset) {
    }

    /** One conversation: its 5-tuple and payloads in capture order. */
    record Flow(String protocol, String source, boolean tcp, int ipVersion, byte[] client, byte[] server,
                int clientPort, int serverPort, long clientIsn, long serverIsn, List<Message> messages) {
        @Override
        public String toString() {
            return protocol + " " + (tcp ? "tcp" : "udp") + " from " + source + " (" + messages.size() + " messages)";
        }
    }

    private final Map<String, List<Flow>> byProtocol = new TreeMap<>();

    /** Conversations filed under {@code protocol} (a dissector id). */
    List<Flow> flows(final String protocol) {
        return byProtocol.getOrDefault(protocol, List.of());
    }

    /** The dissector ids that have seeds. */
    Set<String> protocols() {
        return byProtocol.keySet();
    }

    /** Loads the captures that exist among {@code files} and fills the gaps with synthetic seeds. */
    static SeedCorpus load(final List<Path> files) {
        final SeedCorpus c = new SeedCorpus();
        for (final Path f : files) {
            if (Files.isRegularFile(f)) {
                c.add(f);
            }
        }
        if (c.flows("rtcp").isEmpty()) {
            c.file(synthRtcp());
        }
        if (c.flows("rtp").isEmpty()) {
            c.file(synthRtp());
        }
        return c;
    }

    private void file(final Flow f) {
        byProtocol.computeIfAbsent(f.protocol(), k -> new ArrayList<>()).add(f);
    }

    private void add(final Path file) {
        final List<RawFrame> frames = readAll(file);
        final String[] app = classify(frames);
        final PacketDecoder decoder = new PacketDecoder(new Limits());
        final PacketInfo info = new PacketInfo();
        final Map<FlowKey, Builder> flows = new LinkedHashMap<>();
        for (int i = 0; i < frames.size(); i++) {
            final RawFrame f = frames.get(i);
            final PacketDecoder.Result r = decoder.decode(f, i + 1, info);
            if (r != PacketDecoder.Result.UDP && r != PacketDecoder.Result.TCP || info.transportCount == 0) {
                continue;
            }
            final PacketInfo.Transport t = info.transport();
            Builder b = flows.get(t.key);
            if (b == null) {
                b = new Builder(t);
                flows.put(t.key.copy(), b);
            }
            b.add(t, info, f, app[i]);
        }
        final Map<String, Integer> perProtocol = new HashMap<>();
        final String name = file.getFileName().toString();
        for (final Builder b : flows.values()) {
            final String protocol = b.protocol();
            if (protocol == null || b.messages.isEmpty() || perProtocol.merge(protocol, 1, Integer::sum) > MAX_FLOWS_PER_CAPTURE) {
                continue;
            }
            final Flow flow = b.flow(protocol, name);
            file(flow);
            if ("sip".equals(protocol) && flow.messages().stream().anyMatch(m -> sdpBody(m.payload()) >= 0)) {
                file(new Flow("sdp", name, flow.tcp(), flow.ipVersion(), flow.client(), flow.server(), flow.clientPort(),
                    flow.serverPort(), flow.clientIsn(), flow.serverIsn(), flow.messages()));
            }
        }
    }

    /** Offset of the body of a SIP message that carries SDP, or -1. */
    static int sdpBody(final byte[] p) {
        final String head = new String(p, 0, Math.min(p.length, 4096), StandardCharsets.ISO_8859_1);
        final int end = head.indexOf("\r\n\r\n");
        if (end < 0 || !head.substring(0, end).toLowerCase(java.util.Locale.ROOT).contains("application/sdp")) {
            return -1;
        }
        return end + 4 < p.length ? end + 4 : -1;
    }

    private static List<RawFrame> readAll(final Path file) {
        final List<RawFrame> out = new ArrayList<>();
        try (PacketSource s = CaptureFiles.open(file.toString())) {
            final RawFrame f = new RawFrame();
            while (s.next(f)) {
                final RawFrame copy = new RawFrame();
                copy.data = Arrays.copyOf(f.data, f.capLen);
                copy.capLen = f.capLen;
                copy.origLen = f.origLen;
                copy.linkType = f.linkType;
                copy.tsNanos = f.tsNanos;
                out.add(copy);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("seed capture " + file, e);
        }
        return out;
    }

    /** The dissector id that took each frame (null when none did). */
    private static String[] classify(final List<RawFrame> frames) {
        final DissectorRegistry registry = DissectorRegistry.builtIn(Set.of(), Map.of("rtp.heuristic", "true"));
        final String[] app = new String[frames.size()];
        final Tap tap = new Tap() {
            @Override
            public boolean wantsEvents() {
                return false;
            }

            @Override
            public void onFrame(final FrameRecord r) {
                if (r.layerCount > 0 && registry.byId(r.layers[r.layerCount - 1]) != null) {
                    app[(int) r.frame - 1] = r.layers[r.layerCount - 1];
                }
            }
        };
        try {
            new Engine(registry, EngineOptions.defaults(), List.of(tap)).run(new ListSource(frames));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return app;
    }

    /** Collects one conversation while the capture is decoded. */
    private static final class Builder {
        final boolean tcp;
        final int ipVersion;
        final byte[] client;
        final byte[] server;
        final int clientPort;
        final int serverPort;
        long clientIsn = -1;
        long serverIsn = -1;
        final long[] nextSeq = {-1, -1};
        final List<Message> messages = new ArrayList<>();
        final Map<String, Integer> votes = new HashMap<>();

        Builder(final PacketInfo.Transport t) {
            tcp = t.protocol == PacketInfo.Transport.TCP;
            ipVersion = t.ipVersion;
            final int n = t.addressLength();
            // the side that sends first is the client, unless it is a SYN-ACK
            final boolean reversed = tcp && (t.tcpFlags & 0x12) == 0x12;
            client = Arrays.copyOf(reversed ? t.dst : t.src, n);
            server = Arrays.copyOf(reversed ? t.src : t.dst, n);
            clientPort = reversed ? t.dstPort : t.srcPort;
            serverPort = reversed ? t.srcPort : t.dstPort;
        }

        void add(final PacketInfo.Transport t, final PacketInfo info, final RawFrame f, final String app) {
            final boolean fromClient = t.srcPort == clientPort && Arrays.equals(Arrays.copyOf(t.src, t.addressLength()), client);
            if (app != null) {
                votes.merge(app, 1, Integer::sum);
            }
            final int d = fromClient ? 0 : 1;
            if (tcp) {
                if ((t.tcpFlags & 0x02) != 0) {
                    if (fromClient) {
                        clientIsn = t.tcpSeq;
                    } else {
                        serverIsn = t.tcpSeq;
                    }
                    nextSeq[d] = (t.tcpSeq + 1) & 0xFFFFFFFFL;
                    return;
                }
                if (info.payloadLength == 0) {
                    return;
                }
                if (nextSeq[d] < 0) {
                    nextSeq[d] = t.tcpSeq;
                    if (fromClient && clientIsn < 0) {
                        clientIsn = (t.tcpSeq - 1) & 0xFFFFFFFFL;
                    } else if (!fromClient && serverIsn < 0) {
                        serverIsn = (t.tcpSeq - 1) & 0xFFFFFFFFL;
                    }
                }
                // a retransmission adds nothing to the seed stream
                final long ahead = (t.tcpSeq + info.payloadLength - nextSeq[d]) & 0xFFFFFFFFL;
                if (ahead == 0 || ahead > 0x7FFFFFFFL) {
                    return;
                }
                nextSeq[d] = (t.tcpSeq + info.payloadLength) & 0xFFFFFFFFL;
            } else if (info.payloadLength == 0) {
                return;
            }
            if (messages.size() >= MAX_MESSAGES) {
                return;
            }
            final byte[] payload = Arrays.copyOfRange(info.payload == null ? f.data : info.payload, info.payloadOffset,
                info.payloadOffset + info.payloadLength);
            final int offset = info.payload == null || info.payload == f.data ? info.payloadOffset : -1;
            messages.add(new Message(fromClient, payload, Arrays.copyOf(f.data, f.capLen), f.linkType, offset));
        }

        String protocol() {
            return votes.entrySet().stream().max(Map.Entry.<String, Integer>comparingByValue()
                .thenComparing(Map.Entry.comparingByKey())).map(Map.Entry::getKey).orElse(null);
        }

        Flow flow(final String protocol, final String source) {
            return new Flow(protocol, source, tcp, ipVersion, client, server, clientPort, serverPort,
                clientIsn < 0 ? 1000 : clientIsn, serverIsn < 0 ? 900_000 : serverIsn, List.copyOf(messages));
        }
    }

    // ---------------------------------------------------------------- synthetic seeds

    private static Flow synthRtp() {
        final List<Message> m = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            final byte[] p = new byte[12 + 160];
            p[0] = (byte) 0x80;
            p[1] = (byte) (i == 8 ? 0x80 | 101 : 0);
            Mutator.put(p, 2, 2, 100 + i, true);
            Mutator.put(p, 4, 4, 160L * i, true);
            Mutator.put(p, 8, 4, 0x1234_5678L, true);
            m.add(new Message(i % 2 == 0, p, null, 0, -1));
        }
        return new Flow("rtp", "synthetic", false, 4, new byte[] {10, 0, 0, 1}, new byte[] {10, 0, 0, 2}, 40_000, 50_000,
            0, 0, m);
    }

    /** SR with a report block and SDES, RR, BYE with a reason, APP, and an XR VoIP metrics report. */
    private static Flow synthRtcp() {
        final List<Message> m = new ArrayList<>();
        final byte[] sr = hex("81c8000c12345678" + "e6a0bd8d4fdf3b64" + "000003c0" + "00000010" + "00000a00"
            + "87654321" + "01000002" + "0000ffff" + "00000010" + "bd8d4fdf" + "00000100"
            + "81ca0005" + "12345678" + "0105616c696365" + "0203626f62" + "00" + "000000");
        final byte[] rr = hex("81c9000787654321" + "12345678" + "05000003" + "00001000" + "00000020" + "3b640000" + "00000400");
        final byte[] bye = hex("81cb00031234567807" + "676f6f64627965");
        final byte[] app = hex("80cc000312345678" + "6e616d65" + "00000000");
        final byte[] xr = hex("80cf000a12345678" + "07000008" + "87654321" + "10200000" + "00100020" + "00300040"
            + "5a5a7f7f" + "7f7f2020" + "42404040" + "00100020");
        for (int i = 0; i < 4; i++) {
            m.add(new Message(true, sr, null, 0, -1));
            m.add(new Message(false, rr, null, 0, -1));
            m.add(new Message(true, xr, null, 0, -1));
            m.add(new Message(false, app, null, 0, -1));
        }
        m.add(new Message(true, bye, null, 0, -1));
        return new Flow("rtcp", "synthetic", false, 4, new byte[] {10, 0, 0, 1}, new byte[] {10, 0, 0, 2}, 40_001, 50_001,
            0, 0, m);
    }

    static byte[] hex(final String s) {
        return java.util.HexFormat.of().parseHex(s);
    }
}
