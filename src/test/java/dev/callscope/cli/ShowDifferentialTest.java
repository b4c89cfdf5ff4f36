package dev.callscope.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.callscope.core.FieldNode;
import dev.callscope.core.Limits;
import dev.callscope.core.PacketSource;
import dev.callscope.pcap.CaptureFiles;
import dev.callscope.testutil.SharedCaptures;
import dev.callscope.testutil.Tshark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code show}'s field values against tshark's for the same frames: every occurrence of each field
 * tshark prints with {@code -T fields -E occurrence=a} must be in the tree, in the same order, with
 * the same value (numbers compared as numbers, hex or decimal).
 */
class ShowDifferentialTest {
    private static final List<String> FRAME = List.of("frame.len", "frame.cap_len");
    private static final List<String> ETH = List.of("eth.src", "eth.dst", "eth.type");
    private static final List<String> IP = List.of("ip.version", "ip.hdr_len", "ip.dsfield", "ip.len", "ip.id", "ip.flags",
        "ip.flags.df", "ip.flags.mf", "ip.frag_offset", "ip.ttl", "ip.proto", "ip.checksum", "ip.src", "ip.dst");
    private static final List<String> IPV6 = List.of("ipv6.version", "ipv6.tclass", "ipv6.flow", "ipv6.plen", "ipv6.nxt",
        "ipv6.hlim", "ipv6.src", "ipv6.dst");
    private static final List<String> UDP = List.of("udp.srcport", "udp.dstport", "udp.length", "udp.checksum");
    private static final List<String> TCP = List.of("tcp.srcport", "tcp.dstport", "tcp.len", "tcp.seq", "tcp.nxtseq", "tcp.ack",
        "tcp.seq_raw", "tcp.ack_raw", "tcp.hdr_len", "tcp.flags", "tcp.window_size_value", "tcp.checksum", "tcp.urgent_pointer");
    /** Which frames a reassembled message came from: only where every TCP payload is a protocol callscope dissects. */
    private static final List<String> TCP_SEGMENTS = List.of("tcp.segment", "tcp.reassembled_in");
    private static final List<String> SIP = List.of("sip.Method", "sip.r-uri", "sip.Status-Code", "sip.Call-ID", "sip.CSeq.seq",
        "sip.CSeq.method", "sip.from.tag", "sip.to.tag", "sip.Via.branch");
    private static final List<String> SDP = List.of("sdp.version", "sdp.owner.username", "sdp.owner.sessionid",
        "sdp.session_name", "sdp.connection_info.address", "sdp.media.media", "sdp.media.port", "sdp.media.proto");
    private static final List<String> RTP = List.of("rtp.version", "rtp.padding", "rtp.ext", "rtp.cc", "rtp.marker", "rtp.p_type",
        "rtp.seq", "rtp.timestamp", "rtp.ssrc");
    private static final List<String> STUN = List.of("stun.type", "stun.length", "stun.cookie", "stun.id", "stun.att.type",
        "stun.att.length");
    private static final List<String> RTCP = List.of("rtcp.pt", "rtcp.rc", "rtcp.senderssrc", "rtcp.timestamp.rtp",
        "rtcp.sender.packetcount", "rtcp.sender.octetcount", "rtcp.ssrc.identifier", "rtcp.ssrc.cum_nr",
        "rtcp.ssrc.ext_high", "rtcp.ssrc.jitter", "rtcp.ssrc.lsr", "rtcp.ssrc.dlsr");

    static Stream<Arguments> captures() {
        return Stream.of(
            Arguments.of("samples/sip-call.pcap", 479, join(FRAME, ETH, IP, UDP, SIP, SDP, RTP)),
            Arguments.of("samples/sip-tcp.pcap", 32, join(FRAME, IP, TCP, TCP_SEGMENTS, SIP, SDP)),
            Arguments.of("samples/webrtc/chromium-loopback.pcap", 313, join(FRAME, IP, UDP, STUN)),
            Arguments.of("shared:sip/heplify__sip_ipv6_udp.pcap", 6, join(FRAME, ETH, IPV6, UDP, SIP, SDP)),
            Arguments.of("shared:sip/heplify__sip_ipv4_tcp.pcap", 84, join(FRAME, ETH, IP, TCP, TCP_SEGMENTS, UDP, SIP, RTP, RTCP)),
            Arguments.of("shared:sip/suricata-verify__sip-body-large.pcap", 16, join(FRAME, IP, TCP, TCP_SEGMENTS, SIP)),
            Arguments.of("shared:sip/suricata-verify__sip-tcp.pcap", 11, join(FRAME, IP, TCP, TCP_SEGMENTS, SIP)),
            Arguments.of("shared:sip/heplify__sip_ipv4_tcp_retrans.pcap", 196, join(FRAME, IP, TCP)),
            Arguments.of("shared:rtp/ndpi__rtcp_multiple_pkts_in_the_same_datagram.pcap", 5, join(FRAME, IP, UDP, RTCP)));
    }

    @SafeVarargs
    private static List<String> join(final List<String>... lists) {
        final List<String> out = new ArrayList<>();
        for (final List<String> l : lists) {
            out.addAll(l);
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void fieldValuesEqualTsharks(final String name, final int frames, final List<String> fields) throws Exception {
        assumeTrue(Tshark.sameAsTruth(), "tshark " + Tshark.TRUTH_VERSION + "x is not installed");
        final Path file = name.startsWith("shared:") ? SharedCaptures.file(name.substring(7)) : Path.of(name);
        final List<String> args = new ArrayList<>(List.of("-2", "-T", "fields", "-E", "occurrence=a", "-E", "separator=/t",
            "-E", "aggregator=\u0001", "-o", "tcp.desegment_tcp_streams:TRUE", "-e", "frame.number"));
        for (final String f : fields) {
            args.add("-e");
            args.add(f);
        }
        final String out = Tshark.run(file, args.toArray(String[]::new));
        final Map<Long, String[]> truth = new HashMap<>();
        for (final String line : out.split("\n")) {
            if (!line.isBlank()) {
                final String[] cols = line.split("\t", -1);
                truth.put(Long.parseLong(cols[0]), cols);
            }
        }
        final NavigableSet<Long> wanted = new TreeSet<>();
        for (long i = 1; i <= frames; i++) {
            wanted.add(i);
        }
        final List<FrameDissection.Shown> shown;
        try (PacketSource s = CaptureFiles.openAll(List.of(file.toString()))) {
            shown = new FrameDissection(wanted, new DissectOptions(), new Limits()).run(s);
        }
        assertThat(shown).hasSize(frames);
        final Map<String, Integer> compared = new HashMap<>();
        final List<String> mismatches = new ArrayList<>();
        for (final FrameDissection.Shown f : shown) {
            final String[] cols = truth.get(f.number());
            assertThat(cols).as("tshark printed frame %d", f.number()).isNotNull();
            for (int i = 0; i < fields.size(); i++) {
                final String field = fields.get(i);
                final String t = i + 1 < cols.length ? cols[i + 1] : "";
                if (t.isEmpty()) {
                    continue; // tshark has no such field in this frame
                }
                final List<String> expected = new ArrayList<>();
                for (final String v : t.split("\u0001")) {
                    expected.add(norm(v));
                }
                final List<String> actual = new ArrayList<>();
                for (final FieldNode n : f.tree()) {
                    for (final FieldNode x : n.findAll(field)) {
                        actual.add(norm(x.value));
                    }
                }
                if (!actual.equals(expected)) {
                    mismatches.add("frame " + f.number() + " " + field + ": tshark " + expected + ", show " + actual);
                }
                compared.merge(field, 1, Integer::sum);
            }
        }
        assertThat(mismatches).as("fields that differ from tshark").isEmpty();
        // each protocol asked for was compared in some frame: a capture without it would prove nothing
        for (final String field : fields) {
            final String proto = field.substring(0, field.indexOf('.') + 1);
            assertThat(compared.keySet()).as("%s fields compared in %s", proto, name).anyMatch(k -> k.startsWith(proto));
        }
        assertThat(compared.values().stream().mapToInt(Integer::intValue).sum()).as("values compared").isGreaterThan(frames * 3);
    }

    private static final Pattern TRAILING_NUMBER = Pattern.compile(".*\\((0x[0-9a-fA-F]+|-?\\d+)\\)$");

    /**
     * A value as text both sides agree on: a number in parentheses at the end ("UDP (17)", "USERNAME
     * (0x0006)") or at the start ("0x4f48 [validation disabled]", "0x2, Don't fragment") as a decimal;
     * "True"/"False" as 1/0; anything else whole.
     */
    static String norm(final String value) {
        if (value == null) {
            return "null";
        }
        final String v = value.trim();
        final Matcher m = TRAILING_NUMBER.matcher(v);
        if (m.matches()) {
            return number(m.group(1));
        }
        final String first = v.split("[ ,]", 2)[0];
        final String n = number(first);
        if (n != null && (first.startsWith("0x") || v.equals(first) || v.startsWith(first + " "))) {
            return n;
        }
        if (v.equalsIgnoreCase("true")) {
            return "1";
        }
        if (v.equalsIgnoreCase("false")) {
            return "0";
        }
        return v;
    }

    private static String number(final String s) {
        try {
            if (s.startsWith("0x")) {
                return Long.toString(Long.parseLong(s.substring(2), 16));
            }
            return Long.toString(Long.parseLong(s));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
