package dev.callscope.dissect.rtp;

import dev.callscope.dissect.Confidence;
import dev.callscope.dissect.ConversationContext;
import dev.callscope.dissect.Dissector;
import dev.callscope.dissect.DissectorSession;
import dev.callscope.dissect.EventSink;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.Transport;
import java.util.Set;

/**
 * RTCP (RFC 3550 section 6, RFC 3611 XR, RFC 4585 feedback) on its own port: announced by SDP
 * (port + 1 or a=rtcp), forced with {@code --decode-as udp.port=N:rtcp}, or found by a strict
 * heuristic that, like Wireshark's {@code rtcp_udp} (enabled by default there), needs both ports
 * odd, version 2, a first packet that is an SR or RR, and packet lengths that add up to the
 * datagram exactly. RTCP on the RTP port (RFC 5761) is read by the RTP session.
 */
public final class RtcpDissector implements Dissector {
    public static final String ID = "rtcp";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Set<Transport> transports() {
        return Set.of(Transport.UDP);
    }

    @Override
    public Confidence accept(final Payload p, final PacketContext ctx) {
        if (ctx.flow() == null || (ctx.flow().portA() & 1) == 0 || (ctx.flow().portB() & 1) == 0) {
            return Confidence.NO;
        }
        if (!RtcpParser.plausible(p)) {
            return Confidence.NO;
        }
        final int first = p.u8(1);
        if (first != RtcpPacket.SR && first != RtcpPacket.RR) {
            return Confidence.NO;
        }
        int off = 0;
        while (off + 4 <= p.length()) {
            if (p.u8(off) >>> 6 != 2) {
                return Confidence.NO;
            }
            off += (p.u16(off + 2) + 1) * 4;
        }
        return off == p.length() ? Confidence.WEAK : Confidence.NO;
    }

    @Override
    public DissectorSession open(final ConversationContext conversation) {
        return new DissectorSession() {
            @Override
            public void onDatagram(final Payload p, final PacketContext ctx, final EventSink out) {
                if (ctx.authFailed()) {
                    return; // SRTCP that no key opened: its reports are encrypted
                }
                if (RtcpParser.parse(p, ctx, out, false) > 0) {
                    out.confirm();
                }
            }
        };
    }

    /** Each packet of the compound datagram as tshark's "Real-time Transport Control Protocol" shows it. */
    @Override
    public java.util.List<dev.callscope.core.FieldNode> describe(final Payload message, final PacketContext ctx,
                                                                 final dev.callscope.dissect.Describer more) {
        return RtpTree.rtcp(message, ctx);
    }
}
