package dev.callscope.dissect.sip;

import dev.callscope.dissect.Binding;
import dev.callscope.dissect.Confidence;
import dev.callscope.dissect.ConversationContext;
import dev.callscope.dissect.Dissector;
import dev.callscope.dissect.DissectorSession;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.Transport;
import dev.callscope.core.FieldNode;
import dev.callscope.core.Limits;
import dev.callscope.dissect.Collected;
import dev.callscope.dissect.Describer;
import dev.callscope.dissect.StreamFramer;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * The message as tshark's "Session Initiation Protocol" shows it: the start line, each header
     * with its name and value, and the body as the dissector of its content type shows it. Bytes a
     * stream session consumed may hold more than one message: they are cut as the session cuts them.
     */
    @Override
    public List<FieldNode> describe(final Payload message, final PacketContext ctx, final Describer more) {
        if (ctx.transport() != Transport.TCP) {
            return one(message, true, ctx.transport() == Transport.SCTP ? "SCTP" : "UDP", ctx, more);
        }
        final List<FieldNode> out = new ArrayList<>();
        final StreamFramer framer = StreamFramer.textDelimited("sip", new Limits().sipMaxMessage, SipParser::streamBodyLength);
        framer.feed(message, ctx, new Collected(), (pdu, c, o) -> {
            for (final FieldNode n : one(pdu, false, "TCP", ctx, more)) {
                out.add(n.shift(pdu.offset() - message.offset()));
            }
        });
        return out;
    }

    private static List<FieldNode> one(final Payload p, final boolean datagram, final String transport, final PacketContext ctx,
                                       final Describer more) {
        if (!SipParser.looksLikeSip(p)) {
            return List.of();
        }
        final Collected sink = new Collected();
        final SipParser.Layout l = SipParser.layout(p, datagram, transport, ctx, sink);
        if (l == null) {
            return List.of();
        }
        final SipMessage m = l.message();
        final FieldNode top = FieldNode.group("Session Initiation Protocol (" + (m.isRequest() ? m.method() : String.valueOf(m.statusCode()))
            + ")", 0, p.length());
        final int s0 = l.startLine()[0];
        final int s1 = l.startLine()[1];
        final String start = p.latin1(s0, s1 - s0);
        if (m.isRequest()) {
            final FieldNode r = top.add("Request-Line", "sip.Request-Line", start, s0, s1 - s0);
            r.add("Method", "sip.Method", m.method(), s0, m.method().length());
            final int uriAt = start.indexOf(' ') + 1;
            r.add("Request-URI", "sip.r-uri", m.requestUri(), s0 + uriAt, m.requestUri().length());
        } else {
            final FieldNode r = top.add("Status-Line", "sip.Status-Line", start, s0, s1 - s0);
            r.add("Status-Code", "sip.Status-Code", m.statusCode(), s0 + 8, 3);
            r.add("Response-Phrase", null, m.reason(), s0 + Math.min(12, s1 - s0), Math.max(0, s1 - s0 - 12));
        }
        final int hStart = l.headers().isEmpty() ? s1 : l.headers().get(0)[0];
        final FieldNode hdrs = top.addLabelled("Message Header", "sip.msg_hdr", null, hStart, Math.max(0, l.bodyOffset() - hStart));
        for (int i = 0; i < m.headers().size() && i < l.headers().size(); i++) {
            final SipMessage.Header h = m.headers().get(i);
            final int[] at = l.headers().get(i);
            final FieldNode n = hdrs.add(h.name(), "sip." + h.name(), h.value(), at[0], at[1] - at[0]);
            switch (h.name().toLowerCase(Locale.ROOT)) {
                case "from" -> nameAddr(n, "from", NameAddr.parse(h.value()));
                case "to" -> nameAddr(n, "to", NameAddr.parse(h.value()));
                case "contact" -> nameAddr(n, "contact", NameAddr.parse(h.value()));
                case "cseq" -> {
                    if (m.cseq() >= 0) {
                        n.add("Sequence Number", "sip.CSeq.seq", m.cseq(), -1, 0);
                    }
                    if (m.cseqMethod() != null) {
                        n.add("Method", "sip.CSeq.method", m.cseqMethod(), -1, 0);
                    }
                }
                case "via" -> {
                    final String branch = SipParser.param(h.value(), "branch");
                    if (!branch.isEmpty()) {
                        n.add("Branch", "sip.Via.branch", branch, -1, 0);
                    }

                }
                default -> {
                }
            }
        }
        final int bodyLen = m.body().length();
        if (bodyLen > 0) {
            final FieldNode body = top.addLabelled("Message Body", "sip.msg_body", null, l.bodyOffset(), bodyLen);
            final List<FieldNode> inner = m.contentType() == null ? List.of()
                : more.handOff(m.contentType().trim(), p.slice(l.bodyOffset(), bodyLen), ctx);
            if (inner.isEmpty()) {
                body.addLabelled("Data (" + bodyLen + " bytes)", "data", null, l.bodyOffset(), bodyLen);
            }
            for (final FieldNode n : inner) {
                body.add(n.shift(l.bodyOffset()));
            }
        }
        for (final dev.callscope.dissect.Anomaly a : sink.anomalies) {
            top.addLabelled("[" + a.code() + ": " + a.detail() + "]", "_ws.expert", a.code(), -1, 0);
        }
        return List.of(top);
    }

    private static void nameAddr(final FieldNode n, final String name, final NameAddr a) {
        if (a == null) {
            return;
        }
        if (a.display() != null && !a.display().isEmpty()) {
            n.add("SIP Display info", "sip." + name + ".display.info", a.display(), -1, 0);
        }
        if (a.uri() != null) {
            n.add("SIP " + name + " address", "sip." + name + ".addr", a.uri(), -1, 0);
        }
        if (a.user() != null && !a.user().isEmpty()) {
            n.add("SIP " + name + " address User Part", "sip." + name + ".user", a.user(), -1, 0);
        }
        if (a.tag() != null && !a.tag().isEmpty()) {
            n.add("SIP " + name + " tag", "sip." + name + ".tag", a.tag(), -1, 0);
        }
    }
}
