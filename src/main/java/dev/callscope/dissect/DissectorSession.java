package dev.callscope.dissect;

import dev.callscope.core.Direction;

/**
 * A dissector's state for one conversation, both directions (Zeek: one analyzer per connection).
 * Calls never overlap. A method that throws is caught by the engine and recorded as a
 * {@code <id>.dissector_bug} anomaly; sessions should never rely on that.
 */
public interface DissectorSession {

    /** One UDP datagram's payload. */
    default void onDatagram(final Payload payload, final PacketContext ctx, final EventSink out) {
    }

    /**
     * Stream transports: {@code buffered} holds the bytes of {@code ctx.direction()} not consumed yet,
     * in order. Return how many bytes were consumed from its start; 0 means "need more" (the engine
     * keeps them and calls again when more arrive). Never consume part of a PDU you have not handled.
     * The engine calls again while a call consumes something and bytes remain.
     */
    default int onStream(final Payload buffered, final PacketContext ctx, final EventSink out) {
        return buffered.length();
    }

    /** {@code length} bytes at sequence {@code seq} of direction {@code dir} will never arrive. */
    default void onGap(final long seq, final int length, final Direction dir, final EventSink out) {
    }

    /** The conversation ended (FIN/RST, idle timeout, eviction or end of capture). */
    default void onEnd(final EventSink out) {
    }
}
