package dev.callscope.dissect;

import dev.callscope.core.FieldNode;
import java.util.List;

/**
 * What a dissector may ask for while it shows one message field by field
 * ({@link Dissector#describe}): the tree of a body it hands on (SDP in SIP, RTP in a TURN relay),
 * and the events the analysis reported for the frame. Used only to show frames a user asked for.
 */
public interface Describer {
    /**
     * The tree of {@code body} as the dissector bound to {@code contentType} shows it (offsets from
     * the body's start), or an empty list when none is bound or it shows nothing.
     */
    List<FieldNode> handOff(String contentType, Payload body, PacketContext ctx);

    /** The events the dissectors reported for the frame being shown, in order. */
    List<ProtocolEvent> events();

    /**
     * The codec of RTP payload type {@code payloadType} in the frame being shown ("PCMA/8000"), as
     * an SDP read before it announced it or as RFC 3551 assigns it statically; null when unknown.
     */
    default String codecName(final int payloadType) {
        return null;
    }
}
