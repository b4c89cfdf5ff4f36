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
}
