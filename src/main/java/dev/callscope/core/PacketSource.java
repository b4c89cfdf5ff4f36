package dev.callscope.core;

import java.io.Closeable;
import java.io.IOException;

/**
 * Where frames come from: a capture file, several merged files, or a live interface.
 * Implementations fill the caller's reusable {@link RawFrame}.
 */
public interface PacketSource extends Closeable {

    /**
     * Reads the next frame into {@code frame}.
     *
     * @return false at the end of input
     * @throws InputException when the input is not a capture, is truncated or cannot be read; frames
     *     returned before the exception stay valid
     */
    boolean next(RawFrame frame) throws IOException;

    /** What {@link #poll} found. */
    enum Poll {
        /** A frame was read into the caller's frame. */
        FRAME,
        /** None arrived in time (or the wait was cut short): call again. */
        IDLE,
        /** The end of input, as {@link #next} returning false. */
        END
    }

    /**
     * Like {@link #next}, but waits at most about {@code maxWaitNanos} for a frame, so a live view
     * can redraw, and answer keys, while no traffic comes. It may return {@link Poll#IDLE} earlier
     * (when the calling thread is unparked, for one). Sources that never wait (files) read as
     * {@link #next} does.
     */
    default Poll poll(final RawFrame frame, final long maxWaitNanos) throws IOException {
        return next(frame) ? Poll.FRAME : Poll.END;
    }

    /** Receives decryption secrets a capture carries (pcapng Decryption Secrets Blocks). */
    interface SecretsListener {
        /**
         * @param type the secrets type ({@link #TLS_KEY_LOG} for an NSS key log)
         * @param data the block's secrets, valid only during the call
         */
        void secrets(int type, byte[] data, int off, int len);
    }

    /** pcapng secrets type of NSS key log text ("TLSK"). */
    int TLS_KEY_LOG = 0x544c534b;

    /**
     * Where secrets found in the input go; those read before this call (blocks in front of the
     * first packet) are given at once. Sources without such blocks ignore it.
     */
    default void onSecrets(final SecretsListener listener) {
    }

    /** A short human description: the file name or interface. */
    String describe();

    /** Format name for summaries ("pcap", "pcapng", "live"). */
    default String format() {
        return "unknown";
    }

    /**
     * Bytes read from the input so far (for a compressed file, the compressed bytes), or -1 when the
     * source does not count them. For progress displays: may be called from another thread while
     * {@link #next} runs, and may then be slightly behind; it must stay cheap.
     */
    default long bytesRead() {
        return -1;
    }

    /**
     * The size of the input in the unit of {@link #bytesRead()}, or -1 when unknown (standard input,
     * a pipe, a live interface).
     */
    default long size() {
        return -1;
    }
}
