package dev.callscope.output;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.callscope.dissect.rtp.RtcpPacket;
import dev.callscope.flow.rtp.RtpStream;

/**
 * The JSON payloads of the HEP reports callscope sends to a HOMER collector: an RTCP sender or
 * receiver report in the shape HOMER's RTCP view reads (HEP type 5, as heplify and captagent send
 * it), and a per-stream quality summary at the end of a call (HEP type 34) with the field names of
 * HOMER's RTP agent reports.
 */
public final class HepReports {
    private HepReports() {
    }

    /** An SR or RR as HOMER's RTCP JSON, or null for the other packet types. */
    public static byte[] rtcp(final RtcpPacket p) {
        if (p.packetType() != RtcpPacket.SR && p.packetType() != RtcpPacket.RR) {
            return null;
        }
        final ObjectNode o = Json.object();
        final RtcpPacket.SenderInfo si = p.sender();
        if (si != null) {
            final ObjectNode s = o.putObject("sender_information");
            s.put("ntp_timestamp_sec", si.ntpTimestamp() >>> 32);
            s.put("ntp_timestamp_usec", si.ntpTimestamp() & 0xFFFF_FFFFL);
            s.put("rtp_timestamp", si.rtpTimestamp());
            s.put("packets", si.packetCount());
            s.put("octets", si.octetCount());
        }
        o.put("ssrc", p.ssrc());
        o.put("type", p.packetType());
        o.put("report_count", p.reports().size());
        final ArrayNode blocks = o.putArray("report_blocks");
        for (final RtcpPacket.ReportBlock b : p.reports()) {
            final ObjectNode r = blocks.addObject();
            r.put("source_ssrc", b.ssrc());
            r.put("fraction_lost", b.fractionLost());
            r.put("packets_lost", b.cumulativeLost());
            r.put("highest_seq_no", b.highestSequence());
            r.put("ia_jitter", b.jitter());
            r.put("lsr", b.lsr());
            r.put("dlsr", b.dlsr());
        }
        o.putObject("report_blocks_xr");
        o.put("sdes_ssrc", p.ssrc());
        return bytes(o);
    }

    /**
     * The quality summary of one RTP stream of a call that ended: packets, loss, jitter and delta in
     * milliseconds, and the E-model estimate (MOS, R-factor), as HOMER's QoS view charts them.
     */
    public static byte[] streamQuality(final String callId, final RtpStream s, final long reportNanos) {
        final ObjectNode o = Json.object();
        o.put("CORRELATION_ID", callId);
        o.put("RTP_SIP_CALL_ID", callId);
        o.put("TYPE", "HANGUP");
        o.put("REPORT_NAME", "callscope");
        o.put("REPORT_TS", reportNanos / 1_000_000_000L);
        o.put("REPORT_START", s.startNanos() / 1_000_000_000L);
        o.put("REPORT_END", s.endNanos() / 1_000_000_000L);
        o.put("SRC_IP", s.src().host());
        o.put("SRC_PORT", s.src().port());
        o.put("DST_IP", s.dst().host());
        o.put("DST_PORT", s.dst().port());
        o.put("SSRC", s.ssrcHex());
        o.put("SSRC_CHG", 0);
        o.put("CODEC_PT", s.payloadType());
        o.put("CODEC_NAME", s.codec() == null ? "" : s.codec());
        o.put("CLOCK", s.clockRate());
        o.put("TOTAL_PK", s.packets());
        o.put("EXPECTED_PK", s.expected());
        o.put("PACKET_LOSS", Math.max(0, s.lost()));
        o.put("LOSS_PERCENT", round(Math.max(0, s.lostPercent())));
        o.put("SEQ", s.sequenceErrors());
        o.put("OUT_ORDER", s.outOfOrder());
        o.put("DUPLICATES", s.duplicates());
        o.put("MAX_JITTER", round(s.maxJitterMs()));
        o.put("MEAN_JITTER", round(s.meanJitterMs()));
        o.put("JITTER", round(s.meanJitterMs()));
        o.put("MAX_DELTA", round(s.maxDeltaMs()));
        o.put("DELTA", round(s.meanDeltaMs()));
        o.put("MAX_SKEW", round(s.maxSkewMs()));
        final double mos = s.mosEstimate();
        final double r = s.rFactorEstimate();
        o.put("MOS", round(mos));
        o.put("MEAN_MOS", round(mos));
        o.put("MIN_MOS", round(mos));
        o.put("RFACTOR", round(r));
        o.put("MEAN_RFACTOR", round(r));
        o.put("MIN_RFACTOR", round(r));
        o.put("DIR", 0);
        return bytes(o);
    }

    private static double round(final double v) {
        return Double.isFinite(v) ? Math.round(v * 1000.0) / 1000.0 : 0;
    }

    private static byte[] bytes(final ObjectNode o) {
        return Json.compactBytes(o);
    }
}
