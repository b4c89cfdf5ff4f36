package dev.callscope.pcap;

import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Test snapshots of frames (the reader reuses one RawFrame, so tests copy what they keep). */
final class Frames {
    private Frames() {
    }

    /** An immutable copy of one frame. */
    record Frame(long tsNanos, int linkType, int capLen, int origLen, int interfaceId, int sourceIndex, byte[] data) {
        static Frame of(final RawFrame f) {
            return new Frame(f.tsNanos, f.linkType, f.capLen, f.origLen, f.interfaceId, f.sourceIndex,
                    Arrays.copyOf(f.data, f.capLen));
        }
    }

    /** Reads everything; frames before an exception are added to {@code into} before it propagates. */
    static List<Frame> readAll(final PacketSource source, final List<Frame> into) throws IOException {
        final RawFrame f = new RawFrame();
        while (source.next(f)) {
            into.add(Frame.of(f));
        }
        return into;
    }

    static List<Frame> readAll(final PacketSource source) throws IOException {
        return readAll(source, new ArrayList<>());
    }

    static PacketSource open(final byte[] bytes, final String name) throws IOException {
        return CaptureFiles.open(new ByteArrayInputStream(bytes), name);
    }

    static List<Frame> readAll(final byte[] bytes) throws IOException {
        try (PacketSource s = open(bytes, "test")) {
            return readAll(s);
        }
    }

    /** {@code n} bytes counting up from {@code seed}. */
    static byte[] payload(final int n, final int seed) {
        final byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i);
        }
        return b;
    }

    static RawFrame frame(final long tsNanos, final int linkType, final byte[] data, final int origLen) {
        final RawFrame f = new RawFrame();
        f.tsNanos = tsNanos;
        f.linkType = linkType;
        f.ensureCapacity(data.length);
        System.arraycopy(data, 0, f.data, 0, data.length);
        f.capLen = data.length;
        f.origLen = origLen;
        return f;
    }
}
