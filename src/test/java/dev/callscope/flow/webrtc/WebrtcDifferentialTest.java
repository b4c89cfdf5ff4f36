package dev.callscope.flow.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.core.PacketSource;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.tap.FrameRecord;
import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.tap.Tap;
import dev.callscope.dissect.webrtc.ChannelData;
import dev.callscope.dissect.webrtc.DtlsRecord;
import dev.callscope.dissect.webrtc.StunMessage;
import dev.callscope.engine.Engine;
import dev.callscope.engine.EngineOptions;
import dev.callscope.pcap.CaptureFiles;
import dev.callscope.testutil.SharedCaptures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every capture under webrtc/ against tshark 4.0 (truth files): the STUN message types with their
 * counts, the DTLS records (per frame) and the TurnChannelData count must be equal. Where tshark
 * 4.0 is blind, the RFC decides and {@link #TSHARK_BLIND} says why.
 */
class WebrtcDifferentialTest {
    /**
     * Frames whose DTLS records tshark 4.0 does not show, with the reason; our count there comes
     * from the RFC.
     */
    static final Map<String, String> TSHARK_BLIND = Map.of(
        "ndpi__stun.pcap#196",
        "a record header that RFC 6347 accepts (type 22, version 0xfeff, epoch 0, length 78) whose handshake "
            + "header is garbage (type 0xfe) and 98 bytes trailing: tshark's heuristic rejects the datagram; "
            + "callscope counts the record and reports dtls.bad_fragment and dtls.bad_record");

    static Stream<String> captures() throws IOException {
        try (Stream<Path> s = Files.list(SharedCaptures.dir().resolve("webrtc"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    static String section(final String text, final String title) {
        final int i = text.indexOf("=== " + title);
        if (i < 0) {
            return "";
        }
        final int start = text.indexOf('\n', i) + 1;
        final int end = text.indexOf("\n=== ", start);
        return text.substring(start, end < 0 ? text.length() : end);
    }

    /** "0x0001" -> count, from the "STUN message types" section. */
    static Map<String, Long> tsharkStunTypes(final String truth) {
        final Map<String, Long> m = new TreeMap<>();
        for (final String line : section(truth, "STUN message types").split("\n")) {
            final String[] f = line.trim().split("\\s+");
            if (f.length >= 2 && f[1].startsWith("0x")) {
                m.put(f[1], Long.parseLong(f[0]));
            }
        }
        return m;
    }

    /** frame -> content types ("22,22,20"), from the "DTLS records" section. */
    static Map<Long, String> tsharkDtls(final String truth) {
        final Map<Long, String> m = new TreeMap<>();
        for (final String line : section(truth, "DTLS records").split("\n")) {
            final String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && f[0].matches("\\d+")) {
                m.put(Long.parseLong(f[0]), f[2]);
            }
        }
        return m;
    }

    static long count(final String truth, final String filter) {
        for (final String line : section(truth, "counts").split("\n")) {
            final String[] f = line.trim().split("\\s+");
            if (f.length >= 2 && f[0].equals(filter) && f[1].startsWith("default=")) {
                return Long.parseLong(f[1].substring(8));
            }
        }
        return -1;
    }

    /** Runs a capture through the engine with the built-in dissectors and default options. */
    static void run(final Path file, final Tap... taps) throws IOException {
        final Engine e = new Engine(DissectorRegistry.builtIn(Set.of(), Map.of()), EngineOptions.defaults(), List.of(taps));
        try (PacketSource src = CaptureFiles.open(file.toString())) {
            e.run(src);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void countsEqualTshark(final String name) throws IOException {
        final Path file = SharedCaptures.file("webrtc/" + name);
        final String truth = Files.readString(SharedCaptures.file("truth/" + name + ".txt"));
        final Map<Long, StringBuilder> stunFrames = new TreeMap<>();
        final Map<Long, StringBuilder> dtls = new TreeMap<>();
        final Set<Long> channelFrames = new TreeSet<>();
        final Set<Long> icmpFrames = new TreeSet<>();
        final Set<Long> relayedDtls = new TreeSet<>();
        run(file, new Tap() {
            @Override
            public void onFrame(final FrameRecord f) {
                for (int i = 0; i < f.layerCount; i++) {
                    if (f.layers[i].startsWith("icmp")) {
                        icmpFrames.add(f.frame);
                    }
                }
            }

            @Override
            public void onEvent(final ProtocolEvent e) {
                if (e instanceof StunMessage m && !m.classic() && !m.relayed()) {
                    final StringBuilder b = stunFrames.computeIfAbsent(m.frame(), k -> new StringBuilder());
                    b.append(b.length() == 0 ? "" : ",").append(String.format("0x%04x", m.type()));
                } else if (e instanceof DtlsRecord r && r.relayed()) {
                    relayedDtls.add(r.frame());
                } else if (e instanceof DtlsRecord r) {
                    final StringBuilder b = dtls.computeIfAbsent(r.frame(), k -> new StringBuilder());
                    b.append(b.length() == 0 ? "" : ",").append(r.unified() ? "u" : Integer.toString(r.contentType()));
                } else if (e instanceof ChannelData c) {
                    channelFrames.add(c.frame());
                }
            }
        });
        // tshark lists the types of one frame together ("0x0003,0x0003" for two messages in a segment)
        final Map<String, Long> stun = new TreeMap<>();
        stunFrames.values().forEach(b -> stun.merge(b.toString(), 1L, Long::sum));
        if (Boolean.getBoolean("webrtc.debug")) {
            stunFrames.forEach((k, v) -> System.out.println("STUN " + name + " " + k + " " + v));
            dtls.forEach((k, v) -> System.out.println("DTLS " + name + " " + k + " " + v));
        }
        final SoftAssertions soft = new SoftAssertions();
        // tshark also dissects the datagram an ICMP error quotes (ndpi__stun_signal: 53 "port
        // unreachable" quoting STUN requests); that copy is not traffic and callscope does not count it.
        // So: every type at most tshark's count, and the difference is one message per ICMP frame.
        final Map<String, Long> theirsStun = tsharkStunTypes(truth);
        long missing = 0;
        for (final Map.Entry<String, Long> t : theirsStun.entrySet()) {
            final long o = stun.getOrDefault(t.getKey(), 0L);
            soft.assertThat(o).as("STUN %s", t.getKey()).isLessThanOrEqualTo(t.getValue());
            missing += t.getValue() - o;
        }
        soft.assertThat(theirsStun.keySet()).as("STUN message types").containsAll(stun.keySet());
        soft.assertThat(missing).as("STUN messages tshark found only inside ICMP errors").isEqualTo(icmpFrames.size());
        final Map<Long, String> ours = new TreeMap<>();
        dtls.forEach((k, v) -> ours.put(k, v.toString()));
        final Map<Long, String> theirs = tsharkDtls(truth);
        for (final Map.Entry<String, String> b : TSHARK_BLIND.entrySet()) {
            if (b.getKey().startsWith(name + "#")) {
                final long frame = Long.parseLong(b.getKey().substring(name.length() + 1));
                theirs.remove(frame);
                ours.remove(frame);
            }
        }
        // DTLS relayed inside TURN Send/Data indications over TCP (ndpi__stun_dtls_rtp frames 59-86):
        // tshark 4.0 leaves the DATA attribute of STUN over TCP undissected; RFC 8656 section 11 says
        // it carries the peer's datagram, which callscope demultiplexes as a relayed leg. Those
        // records are checked by WebrtcCapturesTest, not against tshark.
        soft.assertThat(ours).as("DTLS records per frame").isEqualTo(theirs);
        if (Boolean.getBoolean("webrtc.debug")) {
            System.out.println("relayed DTLS " + name + " " + relayedDtls);
        }
        soft.assertThat((long) channelFrames.size()).as("ChannelData frames").isEqualTo(count(truth, "stun.channel"));
        soft.assertAll();
    }
}
