package dev.callscope.dissect;

/**
 * A listener on the engine (Wireshark's tap): trackers and statistics subscribe here and never see
 * bytes. Every method has a no-op default; calls come from the engine's single thread.
 */
public interface Tap {
    /** After each frame was dispatched (its events were delivered first). The record is reused. */
    default void onFrame(final FrameRecord frame) {
    }

    default void onEvent(final ProtocolEvent event) {
    }

    default void onAnomaly(final Anomaly anomaly) {
    }

    /** A conversation ended (or the capture did while it was open). */
    default void onConversation(final ConversationRecord conversation) {
    }

    /** The source is exhausted; every open conversation was reported. */
    default void onEnd() {
    }
}
