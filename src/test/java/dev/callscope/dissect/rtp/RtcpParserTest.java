package dev.callscope.dissect.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.callscope.dissect.Confidence;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.Transport;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RtcpParserTest {

    @Test
    void compoundSrSdesBye() {
        final var flow = RtpFakes.flow(4001, 5001, 17);
        final RtpFakes.Sink sink = new RtpFakes.Sink();
        assertThat(RtcpParser.parse(Payload.of(RtpFakes.compound()), RtpFakes.ctx(flow, 1, Transport.UDP), sink, false)).isEqualTo(3);
        final var p = sink.of(RtcpPacket.class);
        assertThat(p).extracting(RtcpPacket::typeName, RtcpPacket::index, RtcpPacket::ssrc)
            .containsExactly(tuple("SR", 0, 0x11111111L), tuple("SDES", 1, 0x11111111L), tuple("BYE", 2, 0x11111111L));
        final RtcpPacket sr = p.get(0);
        assertThat(sr.sender().packetCount()).isEqualTo(1000);
        assertThat(sr.sender().middle32()).isEqualTo(0x45678000L);
        assertThat(sr.reports()).extracting(RtcpPacket.ReportBlock::ssrc, RtcpPacket.ReportBlock::fractionLost,
                RtcpPacket.ReportBlock::cumulativeLost, RtcpPacket.ReportBlock::highestSequence, RtcpPacket.ReportBlock::jitter,
                RtcpPacket.ReportBlock::lsr, RtcpPacket.ReportBlock::dlsr)
            .containsExactly(tuple(0x22222222L, 64, -2, 0x10010L, 80L, 0x45678000L, 0x8000L));
        assertThat(sr.reports().get(0).fractionLostPercent()).isEqualTo(25.0);
        assertThat(p.get(1).sdes().get(0).cname()).isEqualTo("alice");
        assertThat(p.get(2).byeSsrcs()).containsExactly(0x11111111L);
        assertThat(p.get(2).byeReason()).isEqualTo("bye");
        assertThat(sink.anomalies).isEmpty();
    }

    @Test
    void xrVoipMetrics() {
        final var flow = RtpFakes.flow(4001, 5001, 17);
        final RtpFakes.Sink sink = new RtpFakes.Sink();
        RtcpParser.parse(Payload.of(RtpFakes.xrVoip()), RtpFakes.ctx(flow, 1, Transport.UDP), sink, false);
        final RtcpPacket xr = sink.of(RtcpPacket.class).get(0);
        assertThat(xr.voipMetrics()).extracting(RtcpPacket.VoipMetrics::ssrc, RtcpPacket.VoipMetrics::lossRate,
                RtcpPacket.VoipMetrics::roundTripDelay, RtcpPacket.VoipMetrics::signalLevel, RtcpPacket.VoipMetrics::rFactor,
                RtcpPacket.VoipMetrics::mosLq, RtcpPacket.VoipMetrics::jbAbsMax)
            .containsExactly(tuple(0x22222222L, 12, 150, -20, 80, 41, 200));
    }

    @Test
    void lengthPastTheDatagramIsAnAnomalyAndWhatWasReadIsKept() {
        final byte[] cut = Arrays.copyOf(RtpFakes.compound(), 40);
        final var flow = RtpFakes.flow(4001, 5001, 17);
        final RtpFakes.Sink sink = new RtpFakes.Sink();
        RtcpParser.parse(Payload.of(cut), RtpFakes.ctx(flow, 1, Transport.UDP), sink, false);
        assertThat(sink.of(RtcpPacket.class)).extracting(RtcpPacket::packetType).containsExactly(200);
        assertThat(sink.anomalies).extracting(a -> a.code()).contains("rtcp.bad_length", "rtcp.malformed");
    }

    @Test
    void heuristicNeedsOddPortsSrOrRrFirstAndExactLengths() {
        final RtcpDissector d = new RtcpDissector();
        final Payload good = Payload.of(RtpFakes.compound());
        assertThat(d.accept(good, RtpFakes.ctx(RtpFakes.flow(4001, 5001, 17), 1, Transport.UDP))).isEqualTo(Confidence.WEAK);
        assertThat(d.accept(good, RtpFakes.ctx(RtpFakes.flow(4000, 5001, 17), 1, Transport.UDP))).isEqualTo(Confidence.NO);
        assertThat(d.accept(Payload.of(Arrays.copyOf(RtpFakes.compound(), 60)), RtpFakes.ctx(RtpFakes.flow(4001, 5001, 17), 1,
            Transport.UDP))).isEqualTo(Confidence.NO);
        assertThat(d.accept(Payload.of(RtpFakes.xrVoip()), RtpFakes.ctx(RtpFakes.flow(4001, 5001, 17), 1, Transport.UDP)))
            .isEqualTo(Confidence.NO);
    }
}
