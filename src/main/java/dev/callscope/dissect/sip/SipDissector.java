package dev.callscope.dissect.sip;

import dev.callscope.dissect.Binding;
import dev.callscope.dissect.Confidence;
import dev.callscope.dissect.ConversationContext;
import dev.callscope.dissect.Dissector;
import dev.callscope.dissect.DissectorSession;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.Transport;
import java.util.Locale;
import java.util.Set;

/**
 * SIP (RFC 3261) over UDP, TCP, WebSocket (RFC 7118) and TLS (recognised, encrypted). Bound to
 * port 5060 (and 5061 for TLS) and found on any other port by its start line. Bodies go to the
 * dissector bound to their content type (SDP).
 */
public final class SipDissector implements Dissector {
    public static final String ID = "sip";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Set<Binding> bindings() {
        return Set.of(Binding.udpPort(5060), Binding.tcpPort(5060), Binding.tcpPort(5061), Binding.contentType("message/sip"));
    }

    @Override
    public Set<Transport> transports() {
        return Set.of(Transport.UDP, Transport.TCP, Transport.SCTP);
    }

    @Override
    public Confidence accept(final Payload p, final PacketContext ctx) {
        if (p.length() < 8) {
            return Confidence.NO;
        }
        if (SipParser.looksLikeSip(p)) {
            return Confidence.STRONG;
        }
        if (p.length() > 16 && p.u8(0) == 'G' && p.u8(1) == 'E' && p.u8(2) == 'T' && p.u8(3) == ' ') {
            final String head = p.latin1(0, Math.min(p.length(), 4096)).toLowerCase(Locale.ROOT);
            if (head.contains("upgrade: websocket") && head.contains("sec-websocket-protocol: sip")) {
                return Confidence.STRONG;
            }
        }
        if (ctx.flow() != null && (ctx.flow().portA() == 5061 || ctx.flow().portB() == 5061) && SipSession.isTlsRecord(p, 0)) {
            return Confidence.WEAK;
        }
        return Confidence.NO;
    }

    @Override
    public DissectorSession open(final ConversationContext conversation) {
        return new SipSession(conversation);
    }
}
