package dev.callscope.tap;

import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.core.ReassemblyBudget;
import dev.callscope.core.SrtpStats;
import dev.callscope.core.TlsStats;

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

    /**
     * Whether this tap reads {@link #onEvent} at all. When no tap does, dissector sessions may skip
     * building events (they still validate, confirm and report anomalies), which keeps a summary such
     * as {@code callscope read} from allocating an object per RTP packet. Defaults to true.
     */
    default boolean wantsEvents() {
        return true;
    }

    /**
     * Whether this tap reads events of {@code type} (Zeek builds an event only when a handler
     * exists). The engine delivers each event only to the taps that want its type, and a
     * dissector session skips building events of a type nobody wants. Defaults to {@link #wantsEvents()}.
     */
    default boolean wants(final Class<? extends ProtocolEvent> type) {
        return wantsEvents();
    }

    default void onAnomaly(final Anomaly anomaly) {
    }

    /** A conversation ended (or the capture did while it was open). */
    default void onConversation(final ConversationRecord conversation) {
    }

    /**
     * Once, after the last conversation was reported and before {@link #onEnd}: what the
     * reassembly budget ({@code Limits.reassemblyBudget}) held at most and dropped.
     */
    default void onReassembly(final ReassemblyBudget.Report report) {
    }

    /**
     * Once, after {@link #onReassembly}, when a key log was given (or the capture carried one):
     * what TLS decryption did.
     */
    default void onTls(final TlsStats stats) {
    }

    /** Once, after {@link #onReassembly}, when SDP announced SDES keys: what SRTP decryption did. */
    default void onSrtp(final SrtpStats stats) {
    }

    /** The source is exhausted; every open conversation was reported. */
    default void onEnd() {
    }
}
