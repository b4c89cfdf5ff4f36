package dev.callscope.dissect.webrtc;

import dev.callscope.core.FieldNode;
import dev.callscope.core.Limits;
import dev.callscope.core.ReassemblyBudget;
import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.Collected;
import dev.callscope.dissect.Describer;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.ProtocolEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A WebRTC 5-tuple's datagram field by field, demultiplexed as {@link WebrtcDemuxSession} does (RFC
 * 7983): STUN/TURN messages, DTLS records, TURN ChannelData, and RTP/RTCP handed on.
 */
final class WebrtcTree {
    private WebrtcTree() {
    }

    static List<FieldNode> datagram(final Payload p, final PacketContext ctx, final Describer more) {
        if (p.length() == 0) {
            return List.of();
        }
        final int b0 = p.u8(0);
        if (b0 <= 3) {
            return stun(p, ctx);
        }
        if (b0 >= 20 && b0 <= 63) {
            return dtls(p, ctx);
        }
        if (b0 >= 64 && b0 <= 79 && p.length() >= 4) {
            final int len = p.u16(2);
            final FieldNode n = FieldNode.group("TURN Channel", 0, Math.min(p.length(), 4 + len));
            n.add("Channel Number", "stun.channel", String.format(Locale.ROOT, "0x%04x", p.u16(0)), 0, 2);
            n.add("Length", "stun.length", len, 2, 2);
            final List<FieldNode> out = new ArrayList<>(List.of(n));
            if (len > 0 && p.length() >= 4 + len) {
                final int inner = p.u8(4);
                if (inner >= 128 && inner <= 191) {
                    for (final FieldNode x : more.handOff(WebrtcDissector.RTP_CONTENT_TYPE, p.slice(4, len), ctx)) {
                        out.add(x.shift(4));
                    }
                }
            }
            return out;
        }
        if (b0 >= 128 && b0 <= 191) {
            return more.handOff(WebrtcDissector.RTP_CONTENT_TYPE, p, ctx);
        }
        return List.of();
    }

    // ---------------------------------------------------------------- STUN

    private static List<FieldNode> stun(final Payload p, final PacketContext ctx) {
        final Collected sink = new Collected();
        final StunParser.Parsed parsed = StunParser.parse(p, 0, p.length(), ctx, null, sink);
        if (parsed == null) {
            return List.of();
        }
        final StunMessage m = parsed.message();
        final int total = Math.min(p.length(), StunHeader.HEADER_LENGTH + p.u16(StunHeader.LENGTH_OFFSET));
        final FieldNode n = FieldNode.group("Session Traversal Utilities for NAT", 0, total);
        final int type = p.u16(StunHeader.TYPE_OFFSET);
        final FieldNode t = n.add("Message Type", "stun.type", String.format(Locale.ROOT, "0x%04x (%s %s)", type,
            m.methodName(), m.className()), StunHeader.TYPE_OFFSET, 2);
        t.add("Message Class", "stun.type.class", m.className(), StunHeader.TYPE_OFFSET, 2);
        t.add("Message Method", "stun.type.method", String.format(Locale.ROOT, "0x%03x (%s)", m.method(), m.methodName()),
            StunHeader.TYPE_OFFSET, 2);
        n.add("Message Length", "stun.length", p.u16(StunHeader.LENGTH_OFFSET), StunHeader.LENGTH_OFFSET, 2);
        if (!m.classic()) {
            n.add("Message Cookie", "stun.cookie", String.format(Locale.ROOT, "%08x", p.u32(StunHeader.COOKIE_OFFSET)),
                StunHeader.COOKIE_OFFSET, 4);
            n.add("Message Transaction ID", "stun.id", m.transactionId(), StunHeader.TRANSACTION_OFFSET, 12);
        } else {
            n.add("Message Transaction ID", "stun.id", m.transactionId(), StunHeader.COOKIE_OFFSET, 16);
        }
        final FieldNode attrs = n.addLabelled("Attributes", null, null, StunHeader.HEADER_LENGTH, total - StunHeader.HEADER_LENGTH);
        int off = StunHeader.HEADER_LENGTH;
        int i = 0;
        while (off + 4 <= total) {
            final int at = p.u16(off);
            final int len = p.u16(off + 2);
            final StunAttribute a = i < m.attributes().size() && m.attributes().get(i).type() == at ? m.attributes().get(i) : null;
            final String name = a != null ? a.name() : StunParser.attributeName(at);
            final int padded = (len + 3) & ~3;
            final FieldNode x = attrs.addLabelled(name + (a != null && a.value() != null && !a.value().isEmpty() ? ": " + a.value() : ""),
                "stun.attribute", a != null ? a.value() : null, off, Math.min(4 + padded, total - off));
            x.add("Attribute Type", "stun.att.type", String.format(Locale.ROOT, "%s (0x%04x)", name, at), off, 2);
            x.add("Attribute Length", "stun.att.length", len, off + 2, 2);
            if (a != null) {
                i++;
            }
            off += 4 + padded;
        }
        for (final Anomaly an : sink.anomalies) {
            n.addLabelled("[" + an.code() + ": " + an.detail() + "]", "_ws.expert", an.code(), -1, 0);
        }
        return List.of(n);
    }

    // ---------------------------------------------------------------- DTLS

    private static List<FieldNode> dtls(final Payload p, final PacketContext ctx) {
        final Limits limits = new Limits();
        final Collected sink = new Collected();
        new DtlsParser(limits.dtlsMaxHandshakeFragments, new ReassemblyBudget(limits.reassemblyBudget))
            .datagram(p, 0, p.length(), ctx, null, sink);
        final List<DtlsRecord> records = new ArrayList<>();
        final List<DtlsHandshake> handshakes = new ArrayList<>();
        for (final ProtocolEvent e : sink.events) {
            if (e instanceof DtlsRecord r) {
                records.add(r);
            } else if (e instanceof DtlsHandshake h) {
                handshakes.add(h);
            }
        }
        final FieldNode top = FieldNode.group("Datagram Transport Layer Security", 0, p.length());
        int off = 0;
        for (final DtlsRecord r : records) {
            if (off >= p.length()) {
                break;
            }
            if (r.unified()) {
                final FieldNode u = top.addLabelled("DTLS 1.3 Record Layer: unified header, epoch " + r.epoch(), "dtls.record",
                    null, off, Math.max(0, Math.min(p.length() - off, r.length())));
                u.add("Sequence Number", "dtls.record.sequence_number", r.sequence(), -1, 0);
                u.add("Length", "dtls.record.length", r.length(), -1, 0);
                break; // the unified header's own layout: shown once, not walked further
            }
            final int body = off + 13;
            final int len = Math.min(r.length(), Math.max(0, p.length() - body));
            final FieldNode rec = top.addLabelled("DTLS Record Layer: " + r.contentTypeName() + " Protocol", "dtls.record", null,
                off, 13 + len);
            rec.add("Content Type", "dtls.record.content_type", r.contentTypeName() + " (" + r.contentType() + ")", off, 1);
            rec.add("Version", "dtls.record.version", DtlsNames.version(r.version()) + String.format(Locale.ROOT, " (0x%04x)",
                r.version()), off + 1, 2);
            rec.add("Epoch", "dtls.record.epoch", r.epoch(), off + 3, 2);
            rec.add("Sequence Number", "dtls.record.sequence_number", r.sequence(), off + 5, 6);
            rec.add("Length", "dtls.record.length", r.length(), off + 11, 2);
            if (r.contentType() == DtlsRecord.HANDSHAKE && !r.encrypted() && len >= 12) {
                final int ht = p.u8(body);
                final FieldNode h = rec.addLabelled("Handshake Protocol: " + DtlsNames.handshake(ht), null, null, body, len);
                h.add("Handshake Type", "dtls.handshake.type", DtlsNames.handshake(ht) + " (" + ht + ")", body, 1);
                h.add("Length", "dtls.handshake.length", p.u24(body + 1), body + 1, 3);
                h.add("Message Sequence", "dtls.handshake.message_seq", p.u16(body + 4), body + 4, 2);
                h.add("Fragment Offset", "dtls.handshake.fragment_offset", p.u24(body + 6), body + 6, 3);
                h.add("Fragment Length", "dtls.handshake.fragment_length", p.u24(body + 9), body + 9, 3);
            } else if (r.encrypted()) {
                rec.addLabelled("Encrypted " + r.contentTypeName() + " (" + len + " bytes)", null, null, body, len);
            }
            off = body + r.length();
        }
        for (final DtlsHandshake h : handshakes) {
            if (h.msgType() >= 0) {
                top.addLabelled("[Handshake message: " + DtlsNames.handshake(h.msgType()) + "]", null, null, -1, 0);
            }
        }
        for (final Anomaly an : sink.anomalies) {
            top.addLabelled("[" + an.code() + ": " + an.detail() + "]", "_ws.expert", an.code(), -1, 0);
        }
        return List.of(top);
    }
}
