package dev.callscope.pcap;

import dev.callscope.core.InputException;
import dev.callscope.core.PacketSource;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Opens capture files: classic pcap (both byte orders, micro/nanosecond) or pcapng, found by magic
 * number; gzip-compressed transparently; "-" is standard input; several files are merged by time.
 *
 * <p>Every source returned here implements {@link CaptureInfo} or is a {@link MergedSource} of such
 * readers; {@link #infos} returns the per-file header information in both cases.
 */
public final class CaptureFiles {
    /** The path that means standard input. */
    public static final String STDIN = "-";
    /** How standard input is named in {@code describe()} and in messages. */
    public static final String STDIN_NAME = "<stdin>";

    private static final int GZIP_MAGIC = 0x1F8B;
    private static final int PCAPNG_MAGIC = PcapngReader.SHB;

    private CaptureFiles() {
    }

    /** Opens one file ("-" for stdin). */
    public static PacketSource open(final String path) throws InputException {
        if (STDIN.equals(path)) {
            return open(new FilterInputStream(System.in) {
                @Override
                public void close() {
                    // standard input stays open
                }
            }, STDIN_NAME);
        }
        final Path file;
        try {
            file = Path.of(path);
        } catch (final InvalidPathException e) {
            throw new InputException(InputException.Kind.NOT_FOUND, path + ": no such file", e);
        }
        if (Files.isDirectory(file)) {
            throw new InputException(InputException.Kind.READ_ERROR, path + ": is a directory");
        }
        final InputStream in;
        final long size;
        try {
            in = Files.newInputStream(file);
            size = Files.isRegularFile(file) ? Files.size(file) : -1;
        } catch (final NoSuchFileException e) {
            throw new InputException(InputException.Kind.NOT_FOUND, path + ": no such file", e);
        } catch (final AccessDeniedException e) {
            throw new InputException(InputException.Kind.PERMISSION, path + ": permission denied", e);
        } catch (final IOException e) {
            throw new InputException(InputException.Kind.READ_ERROR, path + ": cannot open: " + e.getMessage(), e);
        }
        return open(in, path, size);
    }

    /**
     * Reads a capture from a stream; {@code name} is used in messages. The source closes the stream.
     * Its {@link PacketSource#size()} is unknown (-1).
     */
    public static PacketSource open(final InputStream in, final String name) throws InputException {
        return open(in, name, -1);
    }

    private static PacketSource open(final InputStream in, final String name, final long size) throws InputException {
        try {
            return detect(new CountingInputStream(in), name, size);
        } catch (final InputException | RuntimeException e) {
            closeQuietly(in, e);
            throw e;
        }
    }

    private static PacketSource detect(final CountingInputStream raw, final String name, final long size) throws InputException {
        InputBuffer in = new InputBuffer(raw, name);
        boolean gzip = false;
        checkLength(in, name);
        int magic = InputBuffer.magic(in.array(), in.position());
        if (magic >>> 16 == GZIP_MAGIC) {
            final InputStream unzipped;
            try {
                unzipped = new GZIPInputStream(new SequenceInputStream(new ByteArrayInputStream(in.drain()), raw), 1 << 16);
            } catch (final EOFException e) {
                throw new InputException(InputException.Kind.TRUNCATED, name + ": truncated: the gzip header is cut off", e);
            } catch (final IOException e) {
                throw new InputException(InputException.Kind.NOT_A_CAPTURE, name + ": bad gzip data (" + e.getMessage() + ")", e);
            }
            in = new InputBuffer(unzipped, name);
            gzip = true;
            checkLength(in, name);
            magic = InputBuffer.magic(in.array(), in.position());
        }
        if (magic == PCAPNG_MAGIC) {
            return new PcapngReader(in, gzip, raw, size);
        }
        if (isPcapMagic(magic) || isPcapMagic(Integer.reverseBytes(magic))) {
            return new PcapReader(in, gzip, raw, size);
        }
        throw new InputException(InputException.Kind.NOT_A_CAPTURE,
                name + ": not a pcap or pcapng file (magic 0x" + String.format("%08x", magic) + ")");
    }

    private static boolean isPcapMagic(final int magic) {
        return magic == PcapReader.MAGIC_MICROS || magic == PcapReader.MAGIC_NANOS;
    }

    private static void checkLength(final InputBuffer in, final String name) throws InputException {
        if (!in.ensure(4)) {
            if (in.abnormalEof()) {
                throw new InputException(InputException.Kind.TRUNCATED, name + ": truncated: the compressed data is cut off");
            }
            final int n = in.available();
            throw new InputException(InputException.Kind.NOT_A_CAPTURE, name + ": not a pcap or pcapng file ("
                    + (n == 0 ? "empty" : "only " + n + (n == 1 ? " byte" : " bytes")) + ")");
        }
    }

    /** Opens every file and merges them by timestamp (one file: no merge). */
    public static PacketSource openAll(final List<String> paths) throws InputException {
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("no input files");
        }
        if (paths.size() == 1) {
            return open(paths.get(0));
        }
        final List<PacketSource> sources = new ArrayList<>(paths.size());
        try {
            for (final String path : paths) {
                sources.add(open(path));
            }
        } catch (final InputException e) {
            for (final PacketSource s : sources) {
                closeQuietly(s, e);
            }
            throw e;
        }
        return new MergedSource(sources);
    }

    /**
     * Header information of every file behind {@code source}: one entry for a single reader, one per
     * file for a merge, none for sources not made here (live capture).
     */
    public static List<CaptureInfo> infos(final PacketSource source) {
        if (source instanceof CaptureInfo) {
            return List.of((CaptureInfo) source);
        }
        if (source instanceof MergedSource) {
            final List<CaptureInfo> all = new ArrayList<>();
            for (final PacketSource s : ((MergedSource) source).sources()) {
                all.addAll(infos(s));
            }
            return all;
        }
        return List.of();
    }

    private static void closeQuietly(final AutoCloseable c, final Exception primary) {
        try {
            c.close();
        } catch (final Exception e) {
            primary.addSuppressed(e);
        }
    }
}
