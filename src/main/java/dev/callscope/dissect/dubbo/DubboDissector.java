package dev.callscope.dissect.dubbo;

import dev.callscope.core.Limits;
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
    private static final long DEFAULT_MAX_BODY = new Limits().dubboMaxPayload;

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
        final Confidence first = at(p, 0);
        if (first != Confidence.NO) {
            return first;
        }
        // mid-stream start: a sane header further in is worth a weak match (the framer resynchronises)
        final int limit = Math.min(p.length() - DubboHeader.HEADER_LENGTH, SCAN_WINDOW);
        for (int i = 1; i <= limit; i++) {
            if (p.u8(i) == 0xda && p.u8(i + 1) == 0xbb && at(p, i) == Confidence.STRONG) {
                return Confidence.WEAK;
            }
        }
        return Confidence.NO;
    }

    /** STRONG for a sane header at {@code i}, WEAK when only its body length is over the default limit. */
    private static Confidence at(final Payload p, final int i) {
        if (!p.has(i, DubboHeader.HEADER_LENGTH)) {
            return Confidence.NO;
        }
        final Payload h = p.slice(i, DubboHeader.HEADER_LENGTH);
        if (!DubboHeader.plausible(h, DubboHeader.HEADER_LENGTH)) {
            return Confidence.NO;
        }
        return h.u32(DubboHeader.BODY_LENGTH_OFFSET) <= DEFAULT_MAX_BODY ? Confidence.STRONG : Confidence.WEAK;
    }

    @Override
    public DissectorSession open(final ConversationContext conversation) {
        return new DubboSession(conversation.limits(), conversation.id());
    }
}
