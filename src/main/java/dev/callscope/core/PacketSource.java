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
