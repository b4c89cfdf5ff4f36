package dev.callscope.cli;

import dev.callscope.core.InputException;
import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.pcap.CaptureFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The frames the shell keeps, packed: the bytes of a frame read from an uncompressed capture file
 * stay in the file (the store keeps where they are and reads them again when asked), other frames'
 * bytes are copied one after another into large chunks; their headers are in parallel arrays. So a
 * million frames of a file cost about 40 bytes each (copying them cost a 1,007,000-frame capture
 * 0.22 s and 260 MB when the shell opened it), and a live capture its own bytes and 40 more (a
 * {@link RawFrame} per frame would cost 2 KiB or more). Appends come from one thread at a time;
 * reads of frames already stored may come from others ({@link #size()} is published last).
 */
final class FrameStore {
    /** Bytes of one chunk; a frame larger than this gets a chunk of its own. */
    private static final int CHUNK = 8 << 20;

    private final int maxFrames;
    private final long maxBytes;
    private final List<byte[]> chunks = new ArrayList<>();
    private byte[] current;
    private int used;
    private long bytes;
    private long[] ts = new long[1024];
    /** Chunk index (high 32 bits) and offset in it (low 32 bits). */
    private long[] where = new long[1024];
    private int[] capLen = new int[1024];
    private int[] origLen = new int[1024];
    private short[] linkType = new short[1024];
    /** For each frame, the index of its file in {@link #files}, or -1 when its bytes are in a chunk. */
    private short[] file = new short[1024];
    /** The capture files whose frames stay in them, with their sizes when opened. */
    private final List<FileChannel> files = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final List<Long> sizes = new ArrayList<>();
    private volatile int size;
    /** What a frame read again says when its file's size is not what it was when opened. */
    private static final String CHANGED = "the file changed since it was opened (open it again)";
    /** Frames whose bytes were copied into a chunk. */
    private int inMemory;

    FrameStore(final int maxFrames, final long maxBytes) {
        this.maxFrames = maxFrames;
        this.maxBytes = maxBytes;
    }

    /**
     * Frames read from {@code paths} (regular files, in the order the reader numbers them with
     * {@link RawFrame#sourceIndex}) may stay in them: opens each for reading again. A path that
     * cannot be opened so keeps its frames in memory.
     */
    synchronized void backedBy(final List<String> paths) {
        closeFiles();
        for (final String p : paths) {
            FileChannel c = null;
            long n = -1;
            try {
                final Path path = Path.of(p);
                if (!CaptureFiles.STDIN.equals(p) && Files.isRegularFile(path)) {
                    c = FileChannel.open(path, StandardOpenOption.READ);
                    n = c.size();
                }
            } catch (IOException | RuntimeException e) {
                c = null;
            }
            files.add(c);
            names.add(p);
            sizes.add(n);
        }
    }

    /** Stores {@code f} (its place in its file, or a copy of its bytes); false (nothing stored) when the store is full. */
    synchronized boolean add(final RawFrame f) {
        final int n = size;
        final int src = f.fileOffset >= 0 && f.sourceIndex < files.size() && f.sourceIndex <= Short.MAX_VALUE
            && files.get(f.sourceIndex) != null ? f.sourceIndex : -1;
        if (n >= maxFrames || src < 0 && bytes + f.capLen > maxBytes) {
            return false;
        }
        if (n == ts.length) {
            final int cap = n * 2;
            ts = Arrays.copyOf(ts, cap);
            where = Arrays.copyOf(where, cap);
            capLen = Arrays.copyOf(capLen, cap);
            origLen = Arrays.copyOf(origLen, cap);
            linkType = Arrays.copyOf(linkType, cap);
            file = Arrays.copyOf(file, cap);
        }
        ts[n] = f.tsNanos;
        capLen[n] = f.capLen;
        origLen[n] = f.origLen;
        linkType[n] = (short) f.linkType;
        file[n] = (short) src;
        if (src >= 0) {
            where[n] = f.fileOffset;
            size = n + 1;
            return true;
        }
        if (current == null || used + f.capLen > current.length) {
            current = new byte[Math.max(CHUNK, f.capLen)];
            chunks.add(current);
            used = 0;
        }
        System.arraycopy(f.data, 0, current, used, f.capLen);
        inMemory++;
        where[n] = ((long) (chunks.size() - 1) << 32) | used;
        used += f.capLen;
        bytes += f.capLen;
        size = n + 1;
        return true;
    }

    /**
     * Frame {@code i} (0-based) into {@code into}.
     *
     * @throws UncheckedIOException when the frame's file can no longer be read or has changed
     */
    synchronized void get(final int i, final RawFrame into) {
        into.ensureCapacity(capLen[i]);
        if (file[i] >= 0) {
            readBack(i, into.data);
        } else {
            final byte[] chunk = chunks.get((int) (where[i] >>> 32));
            System.arraycopy(chunk, (int) where[i], into.data, 0, capLen[i]);
        }
        into.tsNanos = ts[i];
        into.capLen = capLen[i];
        into.origLen = origLen[i];
        into.linkType = linkType[i] & 0xFFFF;
        into.interfaceId = 0;
        into.sourceIndex = 0;
        into.fileOffset = -1;
    }

    private void readBack(final int i, final byte[] into) {
        final FileChannel c = files.get(file[i]);
        final String name = names.get(file[i]);
        try {
            if (c.size() != sizes.get(file[i])) {
                throw new IOException(CHANGED);
            }
            final ByteBuffer b = ByteBuffer.wrap(into, 0, capLen[i]);
            long at = where[i];
            while (b.hasRemaining()) {
                final int r = c.read(b, at);
                if (r < 0) {
                    throw new IOException("the file ends before frame " + (i + 1) + " (open it again)");
                }
                at += r;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot read frame " + (i + 1) + " again: " + e.getMessage(), e);
        }
    }

    /**
     * The first {@code n} frames read again from their files in one pass (what a command that needs
     * its own analysis of everything reads: a positional read per frame cost a million-frame capture
     * 4 s more than memory did), or null when some frame's bytes are in memory. The files are opened
     * again at the first frame asked for; a file that changed since is an error.
     */
    synchronized PacketSource reread(final int n) {
        if (inMemory > 0 || files.isEmpty() || files.contains(null)) {
            return null;
        }
        final List<String> paths = List.copyOf(names);
        final List<Long> expected = List.copyOf(sizes);
        return new PacketSource() {
            private PacketSource in;
            private int next;

            @Override
            public boolean next(final RawFrame frame) throws IOException {
                if (next >= n) {
                    return false;
                }
                if (in == null) {
                    for (int i = 0; i < paths.size(); i++) {
                        if (Files.size(Path.of(paths.get(i))) != expected.get(i)) {
                            throw new InputException(InputException.Kind.READ_ERROR, paths.get(i) + ": " + CHANGED);
                        }
                    }
                    in = CaptureFiles.openAll(paths);
                }
                if (!in.next(frame)) {
                    throw new InputException(InputException.Kind.READ_ERROR,
                        String.join(", ", paths) + ": ends before frame " + (next + 1) + " (open it again)");
                }
                next++;
                return true;
            }

            @Override
            public String describe() {
                return String.join(", ", paths);
            }

            @Override
            public String format() {
                return "memory";
            }

            @Override
            public void close() throws IOException {
                if (in != null) {
                    in.close();
                }
            }
        };
    }

    private void closeFiles() {
        for (final FileChannel c : files) {
            if (c != null) {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // read-only: nothing was lost
                }
            }
        }
        files.clear();
        names.clear();
        sizes.clear();
    }

    int size() {
        return size;
    }

    long bytes() {
        return bytes;
    }

    boolean full(final RawFrame next) {
        return size >= maxFrames || bytes + next.capLen > maxBytes;
    }

    void clear() {
        synchronized (this) {
            chunks.clear();
            closeFiles();
            inMemory = 0;
            current = null;
            used = 0;
            bytes = 0;
            size = 0;
        }
    }
}
