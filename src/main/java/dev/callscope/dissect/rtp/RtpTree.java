package dev.callscope.dissect.rtp;

import dev.callscope.core.FieldNode;
import dev.callscope.dissect.Collected;
import dev.callscope.dissect.Describer;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.ProtocolEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** RTP and RTCP packets field by field, as tshark shows them; read with {@link RtpHeader} and {@link RtcpParser}. */
final class RtpTree {
    private RtpTree() {
    }

    /** One RTP packet (or, multiplexed on the same port, RTCP). */
    static List<FieldNode> rtp(final Payload p, final PacketContext ctx, final Describer more) {
        if (RtpHeader.isRtcpMux(p)) {
            return rtcp(p, ctx);
        }
        if (p.length() < RtpHeader.HEADER_LENGTH || RtpHeader.version(p) != RtpHeader.VERSION) {
            return List.of();
        }
        final int hl = RtpHeader.headerLength(p);
        final int pt = RtpHeader.payloadType(p);
        final String codec = more.codecName(pt);
        final FieldNode n = FieldNode.group(String.format(Locale.ROOT,
            "Real-Time Transport Protocol, PT=%s, SSRC=0x%08X, Seq=%d, Time=%d%s", codec != null ? codec : String.valueOf(pt),
            RtpHeader.ssrc(p), RtpHeader.sequence(p), RtpHeader.timestamp(p), RtpHeader.marker(p) ? ", Mark" : ""), 0, p.length());
        final int b0 = p.u8(0);
        n.addLabelled(((b0 >>> 7) & 1) + "" + ((b0 >>> 6) & 1) + ".. .... = Version: RFC 1889 Version (2)", "rtp.version",
            RtpHeader.version(p), 0, 1);
        n.addLabelled("..." + (RtpHeader.padding(p) ? 1 : 0) + " .... = Padding: " + RtpHeader.padding(p), "rtp.padding",
            RtpHeader.padding(p) ? 1 : 0, 0, 1);
        n.addLabelled("...." + (RtpHeader.extension(p) ? 1 : 0) + " .... = Extension: " + RtpHeader.extension(p), "rtp.ext",
            RtpHeader.extension(p) ? 1 : 0, 0, 1);
        n.addLabelled(".... " + bits(RtpHeader.csrcCount(p), 4) + " = Contributing source identifiers count: "
            + RtpHeader.csrcCount(p), "rtp.cc", RtpHeader.csrcCount(p), 0, 1);
        n.addLabelled((RtpHeader.marker(p) ? 1 : 0) + "... .... = Marker: " + RtpHeader.marker(p), "rtp.marker",
            RtpHeader.marker(p) ? 1 : 0, 1, 1);
        n.addLabelled("Payload type: " + (codec != null ? codec + " (" + pt + ")" : String.valueOf(pt)), "rtp.p_type", pt, 1, 1);
        n.add("Sequence number", "rtp.seq", RtpHeader.sequence(p), RtpHeader.SEQUENCE_OFFSET, 2);
        n.add("Timestamp", "rtp.timestamp", RtpHeader.timestamp(p), RtpHeader.TIMESTAMP_OFFSET, 4);
        n.addLabelled(String.format(Locale.ROOT, "Synchronization Source identifier: 0x%08x (%d)", RtpHeader.ssrc(p),
            RtpHeader.ssrc(p)), "rtp.ssrc", String.format(Locale.ROOT, "0x%08x", RtpHeader.ssrc(p)), RtpHeader.SSRC_OFFSET, 4);
        int off = RtpHeader.HEADER_LENGTH;
        for (int i = 0; i < RtpHeader.csrcCount(p) && p.has(off, 4); i++, off += 4) {
            n.addLabelled(String.format(Locale.ROOT, "Contributing Source identifier: 0x%08x (%d)", p.u32(off), p.u32(off)),
                "rtp.csrc.item", String.format(Locale.ROOT, "0x%08x", p.u32(off)), off, 4);
        }
        if (RtpHeader.extension(p) && p.has(off, 4)) {
            final int words = p.u16(off + 2);
            final FieldNode x = n.addLabelled("Header extension", "rtp.hdr_ext", null, off, 4 + 4 * words);
            x.add("Defined by profile", "rtp.ext.profile", String.format(Locale.ROOT, "0x%04x", p.u16(off)), off, 2);
            x.add("Extension length", "rtp.ext.len", words, off + 2, 2);
        }
        if (hl < 0) {
            n.addLabelled("[header runs past the packet]", "_ws.expert", "rtp.malformed", -1, 0);
            return List.of(n);
        }
        int pad = 0;
        if (RtpHeader.padding(p) && p.length() > hl) {
            pad = p.u8(p.length() - 1);
        }
        final int payload = Math.max(0, p.length() - hl - pad);
        n.addLabelled("Payload: " + payload + " bytes", "rtp.payload", payload, hl, payload);
        if (pad > 0) {
            n.add("Padding count", "rtp.padding.count", pad, p.length() - 1, 1);
        }
        return List.of(n);
    }

    private static String bits(final int v, final int n) {
        final StringBuilder sb = new StringBuilder(n);
        for (int i = n - 1; i >= 0; i--) {
            sb.append((v >>> i) & 1);
        }
        return sb.toString();
    }

    /** Each packet of an RTCP compound datagram, its values from {@link RtcpParser}. */
    static List<FieldNode> rtcp(final Payload p, final PacketContext ctx) {
        final Collected sink = new Collected();
        RtcpParser.parse(p, ctx, sink, false);
        final List<FieldNode> out = new ArrayList<>();
        int off = 0;
        for (final ProtocolEvent e : sink.events) {
            if (!(e instanceof RtcpPacket r) || !p.has(off, RtcpParser.HEADER_LENGTH)) {
                continue;
            }
            final int len = Math.min(r.length(), p.length() - off);
            final FieldNode n = FieldNode.group("Real-time Transport Control Protocol (" + longName(r.packetType()) + ")", off, len);
            n.addLabelled("10.. .... = Version: RFC 1889 Version (2)", "rtcp.version", 2, off, 1);
            n.add("Padding", "rtcp.padding", (p.u8(off) & 0x20) != 0 ? "True" : "False", off, 1);
            n.add(r.packetType() == RtcpPacket.SR || r.packetType() == RtcpPacket.RR ? "Reception report count"
                : r.packetType() == RtcpPacket.SDES ? "Source count" : "Count/Subtype",
                r.packetType() == RtcpPacket.SR || r.packetType() == RtcpPacket.RR ? "rtcp.rc" : "rtcp.sc", r.count(), off, 1);
            n.add("Packet type", "rtcp.pt", longName(r.packetType()) + " (" + r.packetType() + ")", off + 1, 1);
            n.add("Length", "rtcp.length", (r.length() / 4 - 1) + " (" + r.length() + " bytes)", off + 2, 2);
            if (r.ssrc() >= 0 && r.packetType() != RtcpPacket.SDES && r.packetType() != RtcpPacket.BYE) {
                n.add("Sender SSRC", "rtcp.senderssrc", String.format(Locale.ROOT, "0x%08x (%d)", r.ssrc(), r.ssrc()), off + 4, 4);
            }
            int at = off + 8;
            if (r.sender() != null) {
                final RtcpPacket.SenderInfo s = r.sender();
                n.add("Timestamp, MSW", "rtcp.timestamp.ntp.msw", s.ntpTimestamp() >>> 32, at, 4);
                n.add("Timestamp, LSW", "rtcp.timestamp.ntp.lsw", s.ntpTimestamp() & 0xFFFFFFFFL, at + 4, 4);
                n.add("RTP timestamp", "rtcp.timestamp.rtp", s.rtpTimestamp(), at + 8, 4);
                n.add("Sender's packet count", "rtcp.sender.packetcount", s.packetCount(), at + 12, 4);
                n.add("Sender's octet count", "rtcp.sender.octetcount", s.octetCount(), at + 16, 4);
                at += RtcpParser.SENDER_INFO_LENGTH;
            }
            int i = 1;
            for (final RtcpPacket.ReportBlock b : r.reports()) {
                final FieldNode rb = n.addLabelled(String.format(Locale.ROOT, "Source %d", i++), null, null, at,
                    RtcpParser.REPORT_BLOCK_LENGTH);
                rb.add("Identifier", "rtcp.ssrc.identifier", String.format(Locale.ROOT, "0x%08x (%d)", b.ssrc(), b.ssrc()), at, 4);
                rb.add("Fraction lost", "rtcp.ssrc.fraction", b.fractionLost() + " / 256", at + 4, 1);
                rb.add("Cumulative number of packets lost", "rtcp.ssrc.cum_nr", b.cumulativeLost(), at + 5, 3);
                rb.add("Extended highest sequence number received", "rtcp.ssrc.ext_high", b.highestSequence(), at + 8, 4);
                rb.add("Interarrival jitter", "rtcp.ssrc.jitter", b.jitter(), at + 12, 4);
                rb.add("Last SR timestamp", "rtcp.ssrc.lsr", b.lsr(), at + 16, 4);
                rb.add("Delay since last SR timestamp", "rtcp.ssrc.dlsr", b.dlsr(), at + 20, 4);
                at += RtcpParser.REPORT_BLOCK_LENGTH;
            }
            for (final RtcpPacket.SdesChunk c : r.sdes()) {
                final FieldNode ch = n.addLabelled(String.format(Locale.ROOT, "Chunk, SSRC/CSRC 0x%08X", c.ssrc()), null, null, -1, 0);
                ch.add("Identifier", "rtcp.ssrc.identifier", String.format(Locale.ROOT, "0x%08x (%d)", c.ssrc(), c.ssrc()), -1, 0);
                for (final RtcpPacket.SdesItem it : c.items()) {
                    ch.add(sdesName(it.type()), "rtcp.sdes.text", it.text(), -1, 0);
                }
            }
            for (final Long s : r.byeSsrcs()) {
                n.add("Identifier", "rtcp.ssrc.identifier", String.format(Locale.ROOT, "0x%08x (%d)", s, s), -1, 0);
            }
            if (r.byeReason() != null) {
                n.add("Text", "rtcp.bye_reason_text", r.byeReason(), -1, 0);
            }
            if (r.appName() != null) {
                n.add("Name (ASCII)", "rtcp.app.name", r.appName(), off + 8, 4);
            }
            if (r.mediaSsrc() >= 0) {
                n.add("Media source SSRC", "rtcp.media_ssrc", String.format(Locale.ROOT, "0x%08x (%d)", r.mediaSsrc(), r.mediaSsrc()),
                    off + 8, 4);
            }
            for (final RtcpPacket.VoipMetrics v : r.voipMetrics()) {
                final FieldNode vm = n.addLabelled("VoIP Metrics Block", null, null, -1, 0);
                vm.add("Loss Rate", "rtcp.xr.voipmetrics.lossrate", v.lossRate(), -1, 0);
                vm.add("Discard Rate", "rtcp.xr.voipmetrics.discardrate", v.discardRate(), -1, 0);
                vm.add("Round Trip Delay", "rtcp.xr.voipmetrics.rtdelay", v.roundTripDelay() + " ms", -1, 0);
                vm.add("R Factor", "rtcp.xr.voipmetrics.rfactor", v.rFactor(), -1, 0);
                vm.add("MOS - Listening Quality", "rtcp.xr.voipmetrics.moslq", v.mosLq() / 10.0, -1, 0);
                vm.add("MOS - Conversational Quality", "rtcp.xr.voipmetrics.moscq", v.mosCq() / 10.0, -1, 0);
            }
            out.add(n);
            off += r.length();
        }
        for (final dev.callscope.dissect.Anomaly a : sink.anomalies) {
            if (!out.isEmpty()) {
                out.get(out.size() - 1).addLabelled("[" + a.code() + ": " + a.detail() + "]", "_ws.expert", a.code(), -1, 0);
            }
        }
        return out;
    }

    private static String longName(final int pt) {
        return switch (pt) {
            case RtcpPacket.SR -> "Sender Report";
            case RtcpPacket.RR -> "Receiver Report";
            case RtcpPacket.SDES -> "Source description";
            case RtcpPacket.BYE -> "Goodbye";
            case RtcpPacket.APP -> "Application specific";
            case RtcpPacket.RTPFB -> "Generic RTP Feedback";
            case RtcpPacket.PSFB -> "Payload-specific Feedback";
            case RtcpPacket.XR -> "Extended report (RFC 3611)";
            default -> "Unknown";
        };
    }

    private static String sdesName(final int type) {
        return switch (type) {
            case 1 -> "CNAME";
            case 2 -> "NAME";
            case 3 -> "EMAIL";
            case 4 -> "PHONE";
            case 5 -> "LOC";
            case 6 -> "TOOL";
            case 7 -> "NOTE";
            case 8 -> "PRIV";
            default -> "Type " + type;
        };
    }
}
