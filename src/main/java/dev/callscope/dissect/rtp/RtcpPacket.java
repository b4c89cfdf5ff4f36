package dev.callscope.dissect.rtp;

import dev.callscope.core.Direction;
import dev.callscope.core.Endpoint;
import dev.callscope.core.FlowKey;
import dev.callscope.dissect.ProtocolEvent;
import java.util.List;

/**
 * One RTCP packet (RFC 3550 section 6; RFC 3611 XR; RFC 4585 feedback), one record per packet of a
 * compound datagram. Fields that the packet type does not carry are null or empty.
 *
 * @param index position within the compound datagram, from 0
 * @param packetType 200 SR, 201 RR, 202 SDES, 203 BYE, 204 APP, 205 RTPFB, 206 PSFB, 207 XR, ...
 * @param count the 5-bit count field (reception reports, sources, or the feedback format)
 * @param length bytes of this packet, header included (what its length field says)
 * @param ssrc the sender's SSRC (SR, RR, APP, feedback, XR), the first source (BYE), the first
 *     chunk's SSRC (SDES), or -1
 * @param sender the sender info of an SR, or null
 * @param reports the reception report blocks (SR, RR)
 * @param sdes the SDES chunks
 * @param byeSsrcs the sources leaving (BYE)
 * @param byeReason the BYE reason, or null
 * @param appName the APP name (4 ASCII characters), or null
 * @param mediaSsrc the media source of a feedback message (205, 206), or -1
 * @param voipMetrics the RFC 3611 VoIP metrics report blocks (XR block type 7)
 * @param muxed sent on the RTP port (RFC 5761)
 */
public record RtcpPacket(long frame, long tsNanos, FlowKey flow, Direction direction, int index, int packetType,
                         int count, int length, long ssrc, SenderInfo sender, List<ReportBlock> reports,
                         List<SdesChunk> sdes, List<Long> byeSsrcs, String byeReason, String appName, long mediaSsrc,
                         List<VoipMetrics> voipMetrics, boolean muxed) implements ProtocolEvent {
    public static final String PROTOCOL = "rtcp";
    public static final int SR = 200;
    public static final int RR = 201;
    public static final int SDES = 202;
    public static final int BYE = 203;
    public static final int APP = 204;
    public static final int RTPFB = 205;
    public static final int PSFB = 206;
    public static final int XR = 207;

    public RtcpPacket {
        reports = List.copyOf(reports);
        sdes = List.copyOf(sdes);
        byeSsrcs = List.copyOf(byeSsrcs);
        voipMetrics = List.copyOf(voipMetrics);
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    public Endpoint src() {
        return direction == Direction.A_TO_B ? flow.endpointA() : flow.endpointB();
    }

    public Endpoint dst() {
        return direction == Direction.A_TO_B ? flow.endpointB() : flow.endpointA();
    }

    /** "SR", "RR", "SDES", "BYE", "APP", "RTPFB", "PSFB", "XR", or "PT<n>". */
    public String typeName() {
        return switch (packetType) {
            case SR -> "SR";
            case RR -> "RR";
            case SDES -> "SDES";
            case BYE -> "BYE";
            case APP -> "APP";
            case RTPFB -> "RTPFB";
            case PSFB -> "PSFB";
            case XR -> "XR";
            default -> "PT" + packetType;
        };
    }

    /**
     * SR sender info.
     *
     * @param ntpTimestamp the 64-bit NTP timestamp (seconds since 1900 in the high 32 bits)
     * @param rtpTimestamp the RTP timestamp of the same instant
     */
    public record SenderInfo(long ntpTimestamp, long rtpTimestamp, long packetCount, long octetCount) {
        /** The middle 32 bits of the NTP timestamp, which a receiver echoes as LSR. */
        public long middle32() {
            return (ntpTimestamp >>> 16) & 0xFFFFFFFFL;
        }
    }

    /**
     * A reception report block (RFC 3550 section 6.4.1).
     *
     * @param ssrc the source this block reports on
     * @param fractionLost lost fraction since the last report, in 1/256
     * @param cumulativeLost packets lost since the start (signed 24 bits: duplicates make it negative)
     * @param highestSequence extended highest sequence number received
     * @param jitter interarrival jitter in timestamp units
     * @param lsr middle 32 bits of the NTP timestamp of the last SR received, 0 when none
     * @param dlsr delay since that SR, in 1/65536 s
     */
    public record ReportBlock(long ssrc, int fractionLost, int cumulativeLost, long highestSequence, long jitter,
                              long lsr, long dlsr) {
        /** Fraction lost as a percentage. */
        public double fractionLostPercent() {
            return fractionLost * 100.0 / 256.0;
        }
    }

    /** An SDES chunk: a source and its items (CNAME=1, NAME=2, EMAIL=3, PHONE=4, LOC=5, TOOL=6, NOTE=7, PRIV=8). */
    public record SdesChunk(long ssrc, List<SdesItem> items) {
        public SdesChunk {
            items = List.copyOf(items);
        }

        /** The CNAME, or null. */
        public String cname() {
            for (final SdesItem i : items) {
                if (i.type() == 1) {
                    return i.text();
                }
            }
            return null;
        }
    }

    /** One SDES item. */
    public record SdesItem(int type, String text) {
    }

    /**
     * RFC 3611 section 4.7 VoIP metrics. Rates are in 1/256; delays in ms; levels in dBm (signed,
     * 127 = unavailable); R factors 0-100 (127 unavailable); MOS values are 10 times the MOS (127
     * unavailable).
     */
    public record VoipMetrics(long ssrc, int lossRate, int discardRate, int burstDensity, int gapDensity,
                              int burstDuration, int gapDuration, int roundTripDelay, int endSystemDelay,
                              int signalLevel, int noiseLevel, int rerl, int gmin, int rFactor, int extRFactor,
                              int mosLq, int mosCq, int rxConfig, int jbNominal, int jbMaximum, int jbAbsMax) {
    }
}
