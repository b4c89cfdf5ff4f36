package dev.callscope.pcap;

import dev.callscope.core.InputException;
import dev.callscope.core.PacketSource;
import java.io.InputStream;
import java.util.List;

/**
 * Opens capture files: classic pcap (both byte orders, micro/nanosecond) or pcapng, found by magic
 * number; gzip-compressed transparently; "-" is standard input; several files are merged by time.
 */
public final class CaptureFiles {
    private CaptureFiles() {
    }

    /** Opens one file ("-" for stdin). */
    public static PacketSource open(final String path) throws InputException {
        throw new UnsupportedOperationException("to be implemented");
    }

    /** Reads a capture from a stream; {@code name} is used in messages. */
    public static PacketSource open(final InputStream in, final String name) throws InputException {
        throw new UnsupportedOperationException("to be implemented");
    }

    /** Opens every file and merges them by timestamp (one file: no merge). */
    public static PacketSource openAll(final List<String> paths) throws InputException {
        throw new UnsupportedOperationException("to be implemented");
    }

}
