package dev.callscope.flow.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.tap.Tap;
import dev.callscope.dissect.rtp.RtcpPacket;
import dev.callscope.testutil.SharedCaptures;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rtpproxy loss / duplicate / anomaly captures, compound RTCP, and the heuristic being opt-in. */
class RtpCapturesTest {

    private static RtpStream only(final String name, final boolean heuristic) throws IOException {
        final RtpStreamTracker t = new RtpStreamTracker();
        RtpTruth.run(SharedCaptures.file(name), heuristic, t);
        assertThat(t.streams()).hasSize(1);
        return t.streams().get(0);
    }

    @Test
    void heuristicIsOffByDefault() throws IOException {
        final RtpStreamTracker t = new RtpStreamTracker();
        RtpTruth.run(SharedCaptures.file("rtp/sipp__g711a.pcap"), false, t);
        assertThat(t.streams()).isEmpty();
        assertThat(only("rtp/sipp__g711a.pcap", true).codec()).isEqualTo("PCMA/8000");
    }

    @Test
    void lossCapture() throws IOException {
        final RtpStream s = only("rtp/rtpproxy__lost.a.rtp.pcap", true);
        assertThat(s.codec()).isEqualTo("G729/8000");
        assertThat(s.packets()).isEqualTo(244);
        assertThat(s.expected()).isEqualTo(565);
        assertThat(s.lost()).isEqualTo(321);
        assertThat(s.lostPercent()).isBetween(56.8, 56.9);
        assertThat(s.sequenceErrors()).isPositive();
        assertThat(s.duplicates()).isZero();
        assertThat(s.problem()).isTrue();
        assertThat(s.mosEstimate()).isLessThan(2.0); // more than half the packets lost
    }

    @Test
    void duplicatesCapture() throws IOException {
        final RtpStream s = only("rtp/rtpproxy__dups.a.rtp.pcap", true);
        assertThat(s.lost()).isEqualTo(-1); // tshark: -1 (-0.3%)
        assertThat(s.duplicates()).isPositive();
        assertThat(s.packets()).isEqualTo(384);
    }

    @Test
    void sequenceAnomaliesCapture() throws IOException {
        final RtpStream s = only("rtp/rtpproxy__sess6.a.rtp.pcap", true);
        assertThat(s.packets()).isEqualTo(2546);
        assertThat(s.lost()).isEqualTo(-475);
        assertThat(s.sequenceErrors()).isGreaterThan(10);
        assertThat(s.outOfOrder() + s.duplicates()).isPositive();
        assertThat(s.maxJitterMs()).isGreaterThan(300);
    }

    @Test
    void compoundRtcpPacketsAllRead() throws IOException {
        final RtpStreamTracker t = new RtpStreamTracker();
        final List<RtcpPacket> packets = new ArrayList<>();
        RtpTruth.run(SharedCaptures.file("rtp/ndpi__rtcp_multiple_pkts_in_the_same_datagram.pcap"), false, t, new Tap() {
            @Override
            public void onEvent(final ProtocolEvent e) {
                if (e instanceof RtcpPacket r) {
                    packets.add(r);
                }
            }
        });
        // tshark: 3 SR, 2 RR, 5 SDES in 5 datagrams
        assertThat(t.rtcpTypes()).isEqualTo(Map.of(200, 3L, 201, 2L, 202, 5L));
        assertThat(packets).extracting(RtcpPacket::frame).containsOnly(1L, 2L, 3L, 4L, 5L);
        assertThat(packets).filteredOn(p -> p.packetType() == RtcpPacket.SR).allMatch(p -> p.sender() != null);
        assertThat(packets).filteredOn(p -> p.packetType() == RtcpPacket.SDES)
            .allMatch(p -> !p.sdes().isEmpty() && p.sdes().get(0).cname() != null);
        assertThat(packets).filteredOn(p -> p.index() > 0).isNotEmpty();
    }

    @Test
    void rtcpTypesOfSignalledCapturesEqualTshark() throws IOException {
        for (final String name : List.of("rtp/rtpproxy__rtcp.o.pcap", "sip/heplify__sip_ipv4_tcp.pcap", "sip/sngrep__aaa.pcap")) {
            final String truth = RtpTruth.truth(SharedCaptures.file(name));
            final java.util.TreeMap<Integer, Long> theirs = new java.util.TreeMap<>();
            for (final String line : RtpTruth.section(truth, "RTCP packet types").split("\n")) {
                final String[] f = line.trim().split("\\s+");
                if (f.length == 2) {
                    theirs.put(Integer.parseInt(f[1]), Long.parseLong(f[0]));
                }
            }
            final RtpStreamTracker t = new RtpStreamTracker();
            RtpTruth.run(SharedCaptures.file(name), !RtpTruth.hasSip(truth), t);
            assertThat(t.rtcpTypes()).as(name).isEqualTo(theirs);
        }
    }

    @Test
    void rtcpReportsTiedToTheirStream() throws IOException {
        final RtpStreamTracker t = new RtpStreamTracker();
        RtpTruth.run(SharedCaptures.file("rtp/heplify__rtp_rtcp_sip_ipv4_udp.pcap"), false, t);
        final RtpStream s = t.streams().stream().filter(x -> x.ssrcHex().equals("0x58F33DEA")).findFirst().orElseThrow();
        assertThat(s.rtcpReports()).isNotEmpty();
        assertThat(s.rtcpReports()).extracting(RtpStream.RtcpReport::type).containsAnyOf("SR", "RR");
        assertThat(s.rtcpReports()).allMatch(r -> r.fractionLostPercent() >= 0 && r.fractionLostPercent() <= 100);
    }

    @Test
    void intervalsAddUpToTheStream() throws IOException {
        final RtpStreamTracker t = new RtpStreamTracker(1000, 1_000_000_000L);
        RtpTruth.run(SharedCaptures.file("rtp/rtpproxy__lost.a.rtp.pcap"), true, t);
        final RtpStream s = t.streams().get(0);
        assertThat(s.intervals()).hasSizeBetween(5, 7);
        assertThat(s.intervals().stream().mapToLong(RtpStream.Interval::packets).sum()).isEqualTo(s.packets());
        assertThat(s.intervals().stream().mapToLong(RtpStream.Interval::lost).sum()).isEqualTo(s.lost());
        assertThat(s.intervals()).extracting(i -> i.startNanos() % 1_000_000_000L == t.firstNanos() % 1_000_000_000L)
            .containsOnly(true);
    }
}
