package dev.callscope.dissect;

import dev.callscope.core.FieldNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A protocol dissector, registered in {@code META-INF/services/dev.callscope.dissect.Dissector} and
 * loaded with {@link java.util.ServiceLoader}. It declares what it is ({@link #id()}) separately from
 * where it attaches ({@link #bindings()}, heuristics), as Wireshark's register/handoff split does.
 */
public interface Dissector {
    /** Lower-case short name ("sip", "dubbo"): used in JSON, {@code --decode-as} and {@code --disable}. */
    String id();

    /** Ports and content types it is bound to. */
    default Set<Binding> bindings() {
        return Set.of();
    }

    /** Whether it may be tried as a heuristic on conversations no binding claimed. */
    default boolean heuristic() {
        return true;
    }

    /**
     * Preferences for this run (Wireshark's {@code -o proto.pref:value}), given once before the
     * registry reads {@link #bindings()} and {@link #heuristic()}. Keys are {@code <id>.<name>}
     * ("rtp.heuristic"); a dissector ignores keys it does not know. Default: nothing to configure.
     */
    default void configure(final Map<String, String> preferences) {
    }

    /** Transports it understands. */
    default Set<Transport> transports() {
        return Set.of(Transport.UDP, Transport.TCP);
    }

    /**
     * Cheap and side-effect free: is {@code payload} this protocol? Must check lengths before every
     * read and must not throw. For streams, {@code payload} is the start of the buffered data.
     */
    Confidence accept(Payload payload, PacketContext ctx);

    /** A session for one conversation. */
    DissectorSession open(ConversationContext conversation);

    /**
     * The message in {@code message} field by field, as {@code tshark -V} shows it: one node per
     * protocol layer it decodes, offsets from {@code message}'s start. {@code message} is what the
     * engine gave the session: a datagram, or one message a stream session consumed. Values must
     * come from the same parsing the session does. Called only for the frames a user asks to see,
     * never on the per-packet path; must not throw. Default: nothing to show (the caller then
     * shows the bytes as data).
     */
    default List<FieldNode> describe(final Payload message, final PacketContext ctx, final Describer more) {
        return List.of();
    }
}
