package dev.callscope.dissect.webrtc;

import dev.callscope.dissect.Binding;
import dev.callscope.dissect.Confidence;
import dev.callscope.dissect.ConversationContext;
import dev.callscope.dissect.Dissector;
import dev.callscope.dissect.DissectorSession;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.Transport;
import java.util.Set;

/**
 * The WebRTC 5-tuple: STUN/TURN, DTLS, SRTP/SRTCP and ZRTP sharing one flow, told apart by their
 * first byte as RFC 7983 says (0-3 STUN, 16-19 ZRTP, 20-63 DTLS, 64-79 TURN ChannelData, 128-191
 * RTP/RTCP). RTP and RTCP are handed to whichever dissector is bound to the content type
 * {@value #RTP_CONTENT_TYPE} (the RTP dissector), so this package does not import it.
 *
 * <p>Attaches by UDP/TCP port 3478 (STUN/TURN), by SDP (the SDP dissector announces media with ICE
 * to {@value #ID}), and as a STRONG heuristic on a STUN message with the magic cookie, an RFC 3489
 * message whose attributes tile it exactly, or a DTLS record header; over TCP also on RFC 4571 /
 * RFC 6544 framing around either.
 */
public final class WebrtcDissector implements Dissector {
    public static final String ID = "webrtc";
    /** Where RTP and RTCP packets of the 5-tuple are handed on. */
    public static final String RTP_CONTENT_TYPE = "application/x-rtp";
    /** STUN/TURN's port (RFC 8489 section 9). */
    public static final int STUN_PORT = 3478;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Set<Binding> bindings() {
        return Set.of(Binding.udpPort(STUN_PORT), Binding.tcpPort(STUN_PORT));
    }

    @Override
    public Set<Transport> transports() {
        return Set.of(Transport.UDP, Transport.TCP);
    }

    @Override
    public Confidence accept(final Payload p, final PacketContext ctx) {
        if (p.length() < 4) {
            return Confidence.NO;
        }
        if (ctx.transport() == Transport.TCP) {
            if (stunAt(p, 0, true)) {
                return Confidence.STRONG;
            }
            if (p.length() >= 6 && p.u16(0) >= 4) {
                final Payload inner = p.slice(2, p.length() - 2);
                if (stunAt(inner, 0, true) || DtlsParser.plausible(inner)) {
                    return Confidence.STRONG;
                }
            }
            return onStunPort(ctx) && channelData(p, true) ? Confidence.WEAK : Confidence.NO;
        }
        if (stunAt(p, 0, false) || DtlsParser.plausible(p)
            || StunHeader.classic(p, 0, p.length())) {
            return Confidence.STRONG;
        }
        return onStunPort(ctx) && channelData(p, false) ? Confidence.WEAK : Confidence.NO;
    }

    private static boolean onStunPort(final PacketContext ctx) {
        return ctx.flow() != null && (ctx.flow().portA() == STUN_PORT || ctx.flow().portB() == STUN_PORT);
    }

    /** A modern STUN message at {@code off}; over UDP it must fill the datagram exactly. */
    static boolean stunAt(final Payload p, final int off, final boolean stream) {
        if (!StunHeader.modern(p, off)) {
            return false;
        }
        final int total = StunHeader.HEADER_LENGTH + p.u16(off + StunHeader.LENGTH_OFFSET);
        return stream || total == p.length() - off;
    }

    static boolean channelData(final Payload p, final boolean stream) {
        if (p.length() < 4 || p.u8(0) < 64 || p.u8(0) > 79) {
            return false;
        }
        final int n = 4 + p.u16(2);
        return stream ? n <= p.length() : n == p.length() || ((n + 3) & ~3) == p.length();
    }

    @Override
    public DissectorSession open(final ConversationContext conversation) {
        return new WebrtcDemuxSession(conversation);
    }

    /** A datagram of the 5-tuple, demultiplexed as the session does: STUN, DTLS, ChannelData, or RTP handed on. */
    @Override
    public java.util.List<dev.callscope.core.FieldNode> describe(final Payload message, final PacketContext ctx,
                                                                 final dev.callscope.dissect.Describer more) {
        return WebrtcTree.datagram(message, ctx, more);
    }
}
