package dev.callscope.pcap;

import dev.callscope.core.InputException;
import dev.callscope.core.RawFrame;
import java.io.IOException;
import java.util.List;

/**
 * Streaming reader for classic libpcap files, in either byte order, with microsecond or nanosecond
 * timestamps. The byte order is that of the writer and is found from the magic number.
 *
 * <pre>
 * File header (24 bytes)
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |  magic: a1b2c3d4 (microseconds) or a1b23c4d (nanoseconds)    |  0
 * +-------------------------------+-------------------------------+
 * |        major version (2)      |        minor version (4)      |  4
 * +-------------------------------+-------------------------------+
 * |                this zone (unused, normally 0)                 |  8
 * +---------------------------------------------------------------+
 * |                sigfigs (unused, normally 0)                   | 12
 * +---------------------------------------------------------------+
 * |                       snapshot length                         | 16
 * +-------+-+-----+-----------------------------------------------+
 * |FCS len|F| rsv |            link type (low 16 bits)             | 20
 * +-------+-+-----+-----------------------------------------------+
 *
 * Record header (16 bytes), followed by "captured length" bytes of packet data
 * +---------------------------------------------------------------+
 * |                 timestamp, seconds (unsigned)                 |  0
 * +---------------------------------------------------------------+
 * |       timestamp fraction: microseconds or nanoseconds         |  4
 * +---------------------------------------------------------------+
 * |                 captured length (in this file)                |  8
 * +---------------------------------------------------------------+
 * |                 original length (on the wire)                 | 12
 * +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Per packet the reader only copies bytes into the caller's {@link RawFrame}: no allocation.
 * Once {@link #next} has thrown or returned false it keeps returning false.
 */
public final class PcapReader extends CaptureFileReader {
    /** Magic of a microsecond file, as the writer's byte order stores it. */
    public static final int MAGIC_MICROS = 0xA1B2C3D4;
    /** Magic of a nanosecond file. */
    public static final int MAGIC_NANOS = 0xA1B23C4D;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_MAJOR_OFFSET = 4;
    public static final int VERSION_MINOR_OFFSET = 6;
    public static final int SNAPLEN_OFFSET = 16;
    public static final int LINKTYPE_OFFSET = 20;
    public static final int FILE_HEADER_LENGTH = LINKTYPE_OFFSET + 4;

    public static final int TS_SEC_OFFSET = 0;
    public static final int TS_FRAC_OFFSET = 4;
    public static final int CAPLEN_OFFSET = 8;
    public static final int ORIGLEN_OFFSET = 12;
    public static final int RECORD_HEADER_LENGTH = ORIGLEN_OFFSET + 4;

    /** The link type proper plus reserved bits; the FCS length and F bit sit above. */
    public static final int LINKTYPE_MASK = 0x03FF_FFFF;

    private final boolean bigEndian;
    private final long fracToNanos;
    private final int linkType;
    private final int snaplen;
    private final List<CaptureInterface> interfaces;

    /**
     * Reads the file header; the caller has checked that the first four bytes are a pcap magic.
     */
    PcapReader(final InputBuffer in, final boolean gzip, final CountingInputStream file, final long size)
            throws InputException {
        super(in, gzip, file, size);
        if (!in.ensure(FILE_HEADER_LENGTH)) {
            throw new InputException(InputException.Kind.TRUNCATED,
                    name + ": truncated: the pcap file header is cut off after " + in.available() + " bytes");
        }
        final byte[] b = in.array();
        final int p = in.position();
        final int magic = InputBuffer.magic(b, p + MAGIC_OFFSET);
        final boolean nanos;
        if (magic == MAGIC_MICROS || magic == MAGIC_NANOS) {
            bigEndian = true;
            nanos = magic == MAGIC_NANOS;
        } else if (magic == Integer.reverseBytes(MAGIC_MICROS) || magic == Integer.reverseBytes(MAGIC_NANOS)) {
            bigEndian = false;
            nanos = magic == Integer.reverseBytes(MAGIC_NANOS);
        } else {
            throw new InputException(InputException.Kind.NOT_A_CAPTURE,
                    name + ": not a pcap or pcapng file (magic 0x" + String.format("%08x", magic) + ")");
        }
        fracToNanos = nanos ? 1L : 1000L;
        snaplen = InputBuffer.int32(b, p + SNAPLEN_OFFSET, bigEndian);
        linkType = InputBuffer.int32(b, p + LINKTYPE_OFFSET, bigEndian) & LINKTYPE_MASK;
        interfaces = List.of(new CaptureInterface(0, linkType, snaplen, ""));
        in.advance(FILE_HEADER_LENGTH);
    }

    @Override
    public boolean next(final RawFrame frame) throws IOException {
        if (done) {
            return false;
        }
        final InputBuffer in = this.in;
        if (!in.ensure(RECORD_HEADER_LENGTH)) {
            if (in.available() == 0 && !in.abnormalEof()) {
                done = true;
                return false;
            }
            throw truncated();
        }
        final byte[] b = in.array();
        final int p = in.position();
        final boolean be = bigEndian;
        final long sec = InputBuffer.int32(b, p + TS_SEC_OFFSET, be) & 0xFFFF_FFFFL;
        final long frac = InputBuffer.int32(b, p + TS_FRAC_OFFSET, be) & 0xFFFF_FFFFL;
        final int capLen = InputBuffer.int32(b, p + CAPLEN_OFFSET, be);
        final int origLen = InputBuffer.int32(b, p + ORIGLEN_OFFSET, be);
        if (capLen < 0 || capLen > RawFrame.MAX_CAPLEN) {
            throw corrupt("captured length " + Integer.toUnsignedString(capLen) + " exceeds the maximum "
                    + RawFrame.MAX_CAPLEN);
        }
        if (origLen < 0) {
            throw corrupt("original length " + Integer.toUnsignedString(origLen) + " is absurd");
        }
        in.advance(RECORD_HEADER_LENGTH);
        frame.fileOffset = gzip ? -1 : in.offset();
        final byte[] data = frame.ensureCapacity(capLen);
        if (in.read(data, 0, capLen) < capLen) {
            throw truncated();
        }
        frame.tsNanos = sec * 1_000_000_000L + frac * fracToNanos;
        frame.linkType = linkType;
        frame.capLen = capLen;
        frame.origLen = origLen;
        frame.interfaceId = 0;
        frame.sourceIndex = 0;
        packets++;
        return true;
    }

    private InputException truncated() {
        done = true;
        return new InputException(InputException.Kind.TRUNCATED,
                name + ": truncated: the last record is cut off after " + packets + " packets");
    }

    private InputException corrupt(final String what) {
        done = true;
        return new InputException(InputException.Kind.NOT_A_CAPTURE,
                name + ": frame " + (packets + 1) + " at offset " + in.offset() + ": " + what);
    }

    /** Link type from the file header (FCS bits masked off). */
    public int linkType() {
        return linkType;
    }

    /** Snapshot length from the file header. */
    public int snaplen() {
        return snaplen;
    }

    /** Whether timestamps are in nanoseconds (magic a1b23c4d). */
    public boolean nanosecond() {
        return fracToNanos == 1L;
    }

    /** The byte order the file was written in. */
    public java.nio.ByteOrder byteOrder() {
        return bigEndian ? java.nio.ByteOrder.BIG_ENDIAN : java.nio.ByteOrder.LITTLE_ENDIAN;
    }

    @Override
    public List<CaptureInterface> interfaces() {
        return interfaces;
    }

    @Override
    String kind() {
        return "pcap";
    }
}
