package dev.callscope.dissect.dubbo;

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
 * Apache Dubbo's exchange protocol over TCP ({@code dubbo://}, port 20880 by default): 16-byte
 * headers with magic 0xdabb, framed per direction, bodies decoded by serialization
 * ({@link DubboSession}). Heuristic: STRONG on the magic followed by a sane header.
 */
public final class DubboDissector implements Dissector {
    public static final String ID = "dubbo";
    public static final int DEFAULT_PORT = 20880;
    /** How far into a first payload the heuristic looks for a header (a capture that starts mid-stream). */
    static final int SCAN_WINDOW = 256;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Set<Binding> bindings() {
        return Set.of(Binding.tcpPort(DEFAULT_PORT));
    }

    @Override
    public Set<Transport> transports() {
        return Set.of(Transport.TCP);
    }

    @Override
    public Confidence accept(final Payload p, final PacketContext ctx) {
        if (p.length() < DubboHeader.HEADER_LENGTH) {
            return Confidence.NO;
        }
        final long max = (ctx == null ? new PacketContext() : ctx).limits().dubboMaxPayload;
        final Confidence first = at(p, 0, max);
        if (first != Confidence.NO) {
            return first;
        }
        // mid-stream start: a sane header further in is worth a weak match (the framer resynchronises)
        final int limit = Math.min(p.length() - DubboHeader.HEADER_LENGTH, SCAN_WINDOW);
        for (int i = 1; i <= limit; i++) {
            if (p.u8(i) == 0xda && p.u8(i + 1) == 0xbb && at(p, i, max) == Confidence.STRONG) {
                return Confidence.WEAK;
            }
        }
        return Confidence.NO;
    }

    /** STRONG for a sane header at {@code i}, WEAK when only its body length is over the run's {@code dubboMaxPayload}. */
    private static Confidence at(final Payload p, final int i, final long maxBody) {
        if (!p.has(i, DubboHeader.HEADER_LENGTH)) {
            return Confidence.NO;
        }
        final Payload h = p.slice(i, DubboHeader.HEADER_LENGTH);
        if (!DubboHeader.plausible(h, DubboHeader.HEADER_LENGTH)) {
            return Confidence.NO;
        }
        return h.u32(DubboHeader.BODY_LENGTH_OFFSET) <= maxBody ? Confidence.STRONG : Confidence.WEAK;
    }

    @Override
    public DissectorSession open(final ConversationContext conversation) {
        return new DubboSession(conversation.limits(), conversation.id());
    }

    /**
     * Each Dubbo frame in the bytes the session consumed: the 16-byte header read with {@link
     * DubboHeader}, and the body as the session decoded it (the frame's {@link DubboFrame} event).
     */
    @Override
    public java.util.List<dev.callscope.core.FieldNode> describe(final Payload message, final PacketContext ctx,
                                                                 final dev.callscope.dissect.Describer more) {
        final java.util.List<dev.callscope.core.FieldNode> out = new java.util.ArrayList<>();
        final DubboHeader h = new DubboHeader();
        int off = 0;
        while (off + DubboHeader.HEADER_LENGTH <= message.length()) {
            final Payload at = message.slice(off, message.length() - off);
            h.wrap(at);
            if (h.magic() != DubboHeader.MAGIC) {
                break;
            }
            final long bodyLength = h.bodyLength();
            final int total = (int) Math.min(message.length() - off, DubboHeader.HEADER_LENGTH + bodyLength);
            final dev.callscope.core.FieldNode n = dev.callscope.core.FieldNode.group("Dubbo " + (h.event() ? "Event"
                : h.request() ? "Request" : "Response") + ", Request ID: " + Long.toUnsignedString(h.requestId()), off, total);
            n.add("Magic", "dubbo.magic", String.format(java.util.Locale.ROOT, "0x%04x", h.magic()), off + DubboHeader.MAGIC_OFFSET, 2);
            final dev.callscope.core.FieldNode f = n.add("Flags", "dubbo.flags", String.format(java.util.Locale.ROOT, "0x%02x", h.flags()),
                off + DubboHeader.FLAG_OFFSET, 1);
            f.add("Request", "dubbo.flags.request", h.request(), off + DubboHeader.FLAG_OFFSET, 1);
            f.add("Two-way", "dubbo.flags.twoway", h.twoWay(), off + DubboHeader.FLAG_OFFSET, 1);
            f.add("Event", "dubbo.flags.event", h.event(), off + DubboHeader.FLAG_OFFSET, 1);
            f.add("Serialization", "dubbo.serialization", DubboHeader.serializationName(h.serializationId()) + " ("
                + h.serializationId() + ")", off + DubboHeader.FLAG_OFFSET, 1);
            n.add("Status", "dubbo.status", h.request() ? "0 (not used in a request)" : DubboHeader.statusName(h.status()) + " ("
                + h.status() + ")", off + DubboHeader.STATUS_OFFSET, 1);
            n.add("Request ID", "dubbo.request_id", Long.toUnsignedString(h.requestId()), off + DubboHeader.REQUEST_ID_OFFSET, 8);
            n.add("Body Length", "dubbo.body_length", bodyLength, off + DubboHeader.BODY_LENGTH_OFFSET, 4);
            final dev.callscope.core.FieldNode body = n.addLabelled("Body (" + bodyLength + " bytes)", "dubbo.body", null,
                off + DubboHeader.HEADER_LENGTH, total - DubboHeader.HEADER_LENGTH);
            for (final dev.callscope.dissect.ProtocolEvent e : more.events()) {
                if (e instanceof DubboFrame d && d.requestId() == h.requestId() && d.request() == h.request()) {
                    body(body, d.body());
                    break;
                }
            }
            out.add(n);
            off += total;
        }
        return out;
    }

    private static void body(final dev.callscope.core.FieldNode n, final DubboBody b) {
        add(n, "Dubbo version", "dubbo.version", b.dubboVersion());
        add(n, "Service", "dubbo.service", b.service());
        add(n, "Service version", "dubbo.service_version", b.version());
        add(n, "Method", "dubbo.method", b.method());
        add(n, "Parameter types", "dubbo.parameter_types", b.parameterTypes());
        int i = 0;
        for (final String a : b.arguments()) {
            add(n, "Argument " + i++, "dubbo.argument", a);
        }
        for (final java.util.Map.Entry<String, String> e : b.attachments().entrySet()) {
            add(n, "Attachment " + e.getKey(), "dubbo.attachment", e.getValue());
        }
        add(n, "Result", "dubbo.result_kind", b.resultKind());
        add(n, "Value", "dubbo.value", b.value());
        add(n, "Exception class", "dubbo.exception_class", b.exceptionClass());
        add(n, "Exception message", "dubbo.exception_message", b.exceptionMessage());
        add(n, "Error message", "dubbo.error_message", b.errorMessage());
        add(n, "Event data", "dubbo.event_data", b.eventData());
        if (b.problem() != null) {
            n.addLabelled("[body not decoded whole: " + b.problem() + "]", "_ws.expert", b.problem(), -1, 0);
        }
    }

    private static void add(final dev.callscope.core.FieldNode n, final String name, final String field, final String value) {
        if (value != null) {
            n.add(name, field, value, -1, 0);
        }
    }
}
