package dev.callscope.dissect.rtp;

import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.EventSink;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.Severity;
import dev.callscope.dissect.rtp.RtcpPacket.ReportBlock;
import dev.callscope.dissect.rtp.RtcpPacket.SdesChunk;
import dev.callscope.dissect.rtp.RtcpPacket.SdesItem;
import dev.callscope.dissect.rtp.RtcpPacket.SenderInfo;
import dev.callscope.dissect.rtp.RtcpPacket.VoipMetrics;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a (compound) RTCP datagram and emits one {@link RtcpPacket} per packet.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    RC   |   PT=SR=200   |             length            |  length: 32-bit words - 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         SSRC of sender                        |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |  NTP timestamp (8) | RTP timestamp (4) | packets (4) | octets (4)   (SR only)
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * | report block: SSRC | fraction lost (1) cumulative lost (3) | highest seq | jitter | LSR | DLSR |  x RC
 * </pre>
 *
 * Malformed input never throws: a length running past the datagram gives {@code rtcp.bad_length}
 * (unless the snap length cut it), what could be read is still reported, and parsing stops.
 * At most {@link #MAX_PACKETS} packets per datagram and {@link #MAX_ITEMS} items of each kind are kept.
 */
public final class RtcpParser {
    public static final int HEADER_LENGTH = 4;
    public static final int REPORT_BLOCK_LENGTH = 24;
    public static final int SENDER_INFO_LENGTH = 20;
    public static final int VOIP_METRICS_BLOCK_TYPE = 7;
    public static final int VOIP_METRICS_LENGTH = 36;
    static final int MAX_PACKETS = 64;
    static final int MAX_ITEMS = 64;

    private RtcpParser() {
    }

    /** Whether {@code p} starts like an RTCP packet: version 2, type 192-223, length within the datagram. */
    public static boolean plausible(final Payload p) {
        if (p.length() < HEADER_LENGTH + 4) {
            return false;
        }
        final int pt = p.u8(1);
        return (p.u8(0) >>> 6) == 2 && pt >= 192 && pt <= 223 && (p.u16(2) + 1) * 4 <= p.length();
    }

    /** Parses every packet of the compound datagram {@code p}; returns how many were emitted. */
    public static int parse(final Payload p, final PacketContext ctx, final EventSink out, final boolean muxed) {
        int off = 0;
        int index = 0;
        final int len = p.length();
        while (off + HEADER_LENGTH <= len && index < MAX_PACKETS) {
            final int b0 = p.u8(off);
            if (b0 >>> 6 != 2) {
                out.anomaly(new Anomaly("rtcp.bad_version", Severity.WARN, ctx.frame(), off,
                    "RTCP version " + (b0 >>> 6) + " in packet " + index + " of the compound datagram"));
                return index;
            }
            final int count = b0 & 0x1F;
            final int pt = p.u8(off + 1);
            if (pt < 192 || pt > 223) {
                out.anomaly(new Anomaly("rtcp.bad_type", Severity.WARN, ctx.frame(), off + 1,
                    "packet type " + pt + " is not RTCP (192-223)"));
                return index;
            }
            final int declared = (p.u16(off + 2) + 1) * 4;
            int plen = declared;
            if (off + plen > len) {
                if (!ctx.truncated()) {
                    out.anomaly(new Anomaly("rtcp.bad_length", Severity.WARN, ctx.frame(), off,
                        "RTCP packet " + index + " says " + declared + " bytes but " + (len - off) + " remain"));
                }
                plen = len - off;
            }
            final Payload body = p.slice(off, plen);
            out.emit(packet(body, count, pt, declared, index, ctx, out, muxed));
            index++;
            off += plen;
        }
        if (off < len && index < MAX_PACKETS && !ctx.truncated()) {
            out.anomaly(new Anomaly("rtcp.trailing_bytes", Severity.INFO, ctx.frame(), off,
                (len - off) + " bytes after the last RTCP packet (SRTCP trailer?)"));
        }
        return index;
    }

    private static RtcpPacket packet(final Payload b, final int count, final int pt, final int declared, final int index,
                                     final PacketContext ctx, final EventSink out, final boolean muxed) {
        long ssrc = b.has(4, 4) ? b.u32(4) : -1;
        SenderInfo sender = null;
        final List<ReportBlock> reports = new ArrayList<>(0);
        final List<SdesChunk> sdes = new ArrayList<>(0);
        final List<Long> bye = new ArrayList<>(0);
        final List<VoipMetrics> voip = new ArrayList<>(0);
        String reason = null;
        String appName = null;
        long mediaSsrc = -1;
        switch (pt) {
            case RtcpPacket.SR -> {
                if (b.has(8, SENDER_INFO_LENGTH)) {
                    sender = new SenderInfo(b.s64(8), b.u32(16), b.u32(20), b.u32(24));
                    blocks(b, 8 + SENDER_INFO_LENGTH, count, reports, ctx, out);
                } else {
                    short_(ctx, out, "SR sender info");
                }
            }
            case RtcpPacket.RR -> blocks(b, 8, count, reports, ctx, out);
            case RtcpPacket.SDES -> {
                sdes(b, count, sdes);
                ssrc = sdes.isEmpty() ? -1 : sdes.get(0).ssrc();
            }
            case RtcpPacket.BYE -> {
                int off = 4;
                for (int i = 0; i < count && b.has(off, 4); i++, off += 4) {
                    if (bye.size() < MAX_ITEMS) {
                        bye.add(b.u32(off));
                    }
                }
                if (b.has(off, 1) && b.u8(off) > 0 && b.has(off + 1, b.u8(off))) {
                    reason = b.utf8(off + 1, b.u8(off));
                }
            }
            case RtcpPacket.APP -> {
                if (b.has(8, 4)) {
                    appName = b.latin1(8, 4);
                }
            }
            case RtcpPacket.RTPFB, RtcpPacket.PSFB -> mediaSsrc = b.has(8, 4) ? b.u32(8) : -1;
            case RtcpPacket.XR -> xr(b, voip);
            default -> {
            }
        }
        return new RtcpPacket(ctx.frame(), ctx.tsNanos(), ctx.flow(), ctx.direction(), index, pt, count, declared, ssrc,
            sender, reports, sdes, bye, reason, appName, mediaSsrc, voip, muxed);
    }

    private static void short_(final PacketContext ctx, final EventSink out, final String what) {
        if (!ctx.truncated()) {
            out.anomaly(new Anomaly("rtcp.malformed", Severity.WARN, ctx.frame(), -1, what + " runs past the packet"));
        }
    }

    private static void blocks(final Payload b, final int start, final int count, final List<ReportBlock> reports,
                               final PacketContext ctx, final EventSink out) {
        int off = start;
        for (int i = 0; i < count; i++, off += REPORT_BLOCK_LENGTH) {
            if (!b.has(off, REPORT_BLOCK_LENGTH)) {
                short_(ctx, out, "report block " + i);
                return;
            }
            int cum = b.u24(off + 5);
            if ((cum & 0x800000) != 0) {
                cum |= 0xFF000000; // signed 24 bits
            }
            reports.add(new ReportBlock(b.u32(off), b.u8(off + 4), cum, b.u32(off + 8), b.u32(off + 12),
                b.u32(off + 16), b.u32(off + 20)));
        }
    }

    private static void sdes(final Payload b, final int count, final List<SdesChunk> chunks) {
        int off = 4;
        for (int c = 0; c < count && b.has(off, 4) && chunks.size() < MAX_ITEMS; c++) {
            final long ssrc = b.u32(off);
            off += 4;
            final List<SdesItem> items = new ArrayList<>(2);
            while (b.has(off, 1)) {
                final int type = b.u8(off);
                if (type == 0) {
                    off++;
                    break;
                }
                if (!b.has(off + 1, 1) || !b.has(off + 2, b.u8(off + 1))) {
                    off = b.length();
                    break;
                }
                final int n = b.u8(off + 1);
                if (items.size() < MAX_ITEMS) {
                    items.add(new SdesItem(type, b.utf8(off + 2, n)));
                }
                off += 2 + n;
            }
            off = (off + 3) & ~3; // chunks end on a 32-bit boundary
            chunks.add(new SdesChunk(ssrc, items));
        }
    }

    private static void xr(final Payload b, final List<VoipMetrics> voip) {
        int off = 8;
        while (b.has(off, 4) && voip.size() < MAX_ITEMS) {
            final int type = b.u8(off);
            final int blen = 4 + 4 * b.u16(off + 2);
            if (type == VOIP_METRICS_BLOCK_TYPE && blen >= VOIP_METRICS_LENGTH && b.has(off, VOIP_METRICS_LENGTH)) {
                final int o = off + 4;
                voip.add(new VoipMetrics(b.u32(o), b.u8(o + 4), b.u8(o + 5), b.u8(o + 6), b.u8(o + 7), b.u16(o + 8),
                    b.u16(o + 10), b.u16(o + 12), b.u16(o + 14), (byte) b.u8(o + 16), (byte) b.u8(o + 17), b.u8(o + 18),
                    b.u8(o + 19), b.u8(o + 20), b.u8(o + 21), b.u8(o + 22), b.u8(o + 23), b.u8(o + 24), b.u16(o + 26),
                    b.u16(o + 28), b.u16(o + 30)));
            }
            off += blen;
        }
    }
}
