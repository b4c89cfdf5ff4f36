package dev.callscope.capture;

import dev.callscope.core.InputException;
import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.concurrent.TimeoutException;
import org.pcap4j.core.BpfProgram.BpfCompileMode;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapHandle.TimestampPrecision;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;

/**
 * Reads a pcap or pcapng file through libpcap, optionally filtered by a BPF expression compiled
 * by libpcap. The pure-Java reader in {@code dev.callscope.pcap} is faster and needs no native
 * library; use this source only when a BPF filter is wanted.
 *
 * <p>Each {@link #next} is one {@code getNextRawPacketEx()} (outcome by exception: EOFException is
 * the end), with the timestamp and original length read right after it on the same thread (pcap4j
 * keeps them in ThreadLocals). No pcap4j {@code Packet} is ever built. Timestamps are nanoseconds
 * when libpcap supports {@code pcap_open_offline_with_tstamp_precision}, else microseconds.
 *
 * <p>Not thread-safe: one thread calls {@link #next} and {@link #close}.
 */
public final class Pcap4jFileSource implements PacketSource {
    private static final int PCAPNG_MAGIC = 0x0A0D0D0A;

    private final String path;
    private final String format;
    private final PcapHandle handle;
    private final int linkType;
    private final int snaplen;
    private boolean done;

    private Pcap4jFileSource(final String path, final String format, final PcapHandle handle,
            final int linkType, final int snaplen) {
        this.path = path;
        this.format = format;
        this.handle = handle;
        this.linkType = linkType;
        this.snaplen = snaplen;
    }

    /**
     * Opens {@code path} through libpcap.
     *
     * @param path a pcap or pcapng file
     * @param bpf a BPF expression (tcpdump syntax), or null or blank for none
     * @throws InputException NOT_FOUND, NOT_A_CAPTURE, READ_ERROR, BAD_FILTER or NO_LIBPCAP
     */
    public static Pcap4jFileSource open(final String path, final String bpf) throws InputException {
        final Path p = Path.of(path);
        if (!Files.exists(p)) {
            throw PcapErrors.notFound(path, null);
        }
        if (Files.isDirectory(p)) {
            throw new InputException(InputException.Kind.NOT_A_CAPTURE, path + " is a directory, not a capture file");
        }
        final String format = sniffFormat(p);
        try {
            final PcapHandle handle = openHandle(path);
            try {
                if (bpf != null && !bpf.isBlank()) {
                    try {
                        handle.setFilter(bpf, BpfCompileMode.OPTIMIZE);
                    } catch (final PcapNativeException e) {
                        throw PcapErrors.badFilter(bpf, e.getMessage(), e);
                    }
                }
                final int linkType = DltMapping.toLinkType(handle.getDlt().value());
                return new Pcap4jFileSource(path, format, handle, linkType, handle.getSnapshot());
            } catch (final InputException | RuntimeException e) {
                handle.close();
                throw e;
            } catch (final NotOpenException e) {
                handle.close();
                throw new InputException(InputException.Kind.READ_ERROR, "error reading " + path + ": handle closed", e);
            }
        } catch (final LinkageError e) {
            throw PcapErrors.noLibpcap(e);
        }
    }

    private static PcapHandle openHandle(final String path) throws InputException {
        try {
            return Pcaps.openOffline(path, TimestampPrecision.NANO);
        } catch (final PcapNativeException e) {
            if (!String.valueOf(e.getMessage()).contains("is not supported by the pcap library")) {
                throw PcapErrors.openOffline(path, e.getMessage(), e);
            }
        }
        try {
            return Pcaps.openOffline(path);
        } catch (final PcapNativeException e) {
            throw PcapErrors.openOffline(path, e.getMessage(), e);
        }
    }

    private static String sniffFormat(final Path p) throws InputException {
        final byte[] magic = new byte[4];
        int n = 0;
        try (InputStream in = Files.newInputStream(p)) {
            while (n < 4) {
                final int r = in.read(magic, n, 4 - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
        } catch (final IOException e) {
            throw new InputException(InputException.Kind.READ_ERROR, "cannot read " + p + ": " + e.getMessage(), e);
        }
        final int m = n < 4 ? 0 : (magic[0] & 0xFF) << 24 | (magic[1] & 0xFF) << 16 | (magic[2] & 0xFF) << 8 | magic[3] & 0xFF;
        return m == PCAPNG_MAGIC ? "pcapng" : "pcap";
    }

    /**
     * Reads the next frame that passes the filter into {@code frame} ({@code interfaceId} and
     * {@code sourceIndex} are set to 0).
     *
     * @return false at the end of the file, or after {@link #close()}
     * @throws InputException TRUNCATED or READ_ERROR; frames returned before stay valid
     */
    @Override
    public boolean next(final RawFrame frame) throws IOException {
        if (done) {
            return false;
        }
        while (true) {
            final byte[] bytes;
            try {
                bytes = handle.getNextRawPacketEx();
            } catch (final EOFException e) {
                done = true;
                return false;
            } catch (final TimeoutException e) {
                continue; // live handles only; harmless here
            } catch (final PcapNativeException e) {
                done = true;
                throw PcapErrors.readFailed(path, e.getMessage(), e);
            } catch (final NotOpenException e) {
                done = true;
                return false;
            }
            // ThreadLocals: same thread, right after the read.
            final Timestamp ts = handle.getTimestamp();
            final Integer wireLen = handle.getOriginalLength();
            final int n = Math.min(bytes.length, RawFrame.MAX_CAPLEN);
            System.arraycopy(bytes, 0, frame.ensureCapacity(n), 0, n);
            frame.capLen = n;
            frame.origLen = wireLen == null ? bytes.length : Math.max(wireLen, n);
            frame.tsNanos = toNanos(ts);
            frame.linkType = linkType;
            frame.interfaceId = 0;
            frame.sourceIndex = 0;
            frame.fileOffset = -1;
            return true;
        }
    }

    /** Nanoseconds since the epoch from pcap4j's Timestamp (whole seconds plus its nanos field). */
    static long toNanos(final Timestamp ts) {
        if (ts == null) {
            return 0L;
        }
        return Math.floorDiv(ts.getTime(), 1000L) * 1_000_000_000L + ts.getNanos();
    }

    /** LINKTYPE_ value of the file (libpcap's DLT mapped back; see {@link DltMapping}). */
    public int linkType() {
        return linkType;
    }

    /** The file header's snap length. */
    public int snaplen() {
        return snaplen;
    }

    @Override
    public String describe() {
        return path;
    }

    @Override
    public String format() {
        return format;
    }

    /** Closes the libpcap handle; idempotent. */
    @Override
    public void close() {
        done = true;
        if (handle.isOpen()) {
            handle.close();
        }
    }
}
