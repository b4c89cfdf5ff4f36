package dev.callscope.pcap;

import dev.callscope.core.InputException;
import dev.callscope.core.RawFrame;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Streaming reader for pcapng files: Section Header (SHB), Interface Description (IDB), Enhanced
 * Packet (EPB), Simple Packet (SPB) and the obsolete Packet Block (PB). Every other block type is
 * skipped. A file may hold several sections, each with its own byte order and interfaces.
 *
 * <pre>
 * Every block
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |                          block type                           |  0
 * +---------------------------------------------------------------+
 * |            block total length (multiple of 4, >= 12)          |  4
 * +---------------------------------------------------------------+
 * /        body: type-specific fields, then options, padded       /  8
 * +---------------------------------------------------------------+
 * |              block total length again (trailer)               |
 * +---------------------------------------------------------------+
 *
 * Bodies (offsets from the block start)
 *   SHB 0x0A0D0D0A   8: byte-order magic 1A2B3C4D  12: major(2)=1 minor(2)  16: section length(8)  24: options
 *   IDB 0x00000001   8: link type(2) reserved(2)  12: snaplen(4)  16: options (if_name 2, if_tsresol 9, if_tsoffset 14)
 *   EPB 0x00000006   8: interface id  12: ts high  16: ts low  20: captured len  24: original len  28: data, options
 *   SPB 0x00000003   8: original len  12: data (captured len = min(original, IDB 0 snaplen, room in block))
 *   PB  0x00000002   8: interface id(2) drops(2)  12: ts high  16: ts low  20: captured len  24: original len  28: data
 *
 * Option: code(2) length(2) value, padded to 4 bytes; code 0 ends the list.
 * </pre>
 *
 * <p>Timestamps are 64-bit counts of the interface's unit: {@code if_tsresol} is 10^-n (high bit
 * clear) or 2^-n (high bit set), by default 10^-6; {@code if_tsoffset} seconds are added. An SPB
 * carries no timestamp, so it gets the previous packet's time (0 before any).
 *
 * <p>{@code RawFrame.interfaceId} numbers interfaces over the whole file: the first IDB of a second
 * section continues after the last IDB of the first. Per packet nothing is allocated.
 */
public final class PcapngReader extends CaptureFileReader {
    public static final int SHB = 0x0A0D0D0A;
    public static final int IDB = 0x00000001;
    public static final int PB = 0x00000002;
    public static final int SPB = 0x00000003;
    public static final int EPB = 0x00000006;
    /** Decryption Secrets Block: secrets type(4) secrets length(4) secrets, padded. */
    public static final int DSB = 0x0000000A;
    /** Secrets held until a listener is set (blocks in front of the first packet are read on opening). */
    static final int MAX_HELD_SECRETS = 16 << 20;
    /** The byte-order magic as the writer's byte order stores it. */
    public static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;

    public static final int BLOCK_TYPE_OFFSET = 0;
    public static final int BLOCK_LENGTH_OFFSET = 4;
    public static final int BLOCK_BODY_OFFSET = 8;
    public static final int TRAILER_LENGTH = 4;
    public static final int MIN_BLOCK_LENGTH = BLOCK_BODY_OFFSET + TRAILER_LENGTH;

    public static final int SHB_BOM_OFFSET = 8;
    public static final int SHB_MAJOR_OFFSET = 12;
    public static final int SHB_MINOR_OFFSET = 14;
    public static final int SHB_SECTION_LENGTH_OFFSET = 16;
    public static final int SHB_HEADER_LENGTH = SHB_SECTION_LENGTH_OFFSET + 8;

    public static final int IDB_LINKTYPE_OFFSET = 8;
    public static final int IDB_SNAPLEN_OFFSET = 12;
    public static final int IDB_HEADER_LENGTH = IDB_SNAPLEN_OFFSET + 4;

    public static final int EPB_INTERFACE_OFFSET = 8;
    public static final int EPB_TS_HIGH_OFFSET = 12;
    public static final int EPB_TS_LOW_OFFSET = 16;
    public static final int EPB_CAPLEN_OFFSET = 20;
    public static final int EPB_ORIGLEN_OFFSET = 24;
    public static final int EPB_HEADER_LENGTH = EPB_ORIGLEN_OFFSET + 4;

    public static final int PB_INTERFACE_OFFSET = 8;
    public static final int PB_DROPS_OFFSET = 10;

    public static final int SPB_ORIGLEN_OFFSET = 8;
    public static final int SPB_HEADER_LENGTH = SPB_ORIGLEN_OFFSET + 4;

    public static final int OPT_ENDOFOPT = 0;
    public static final int OPT_IF_NAME = 2;
    public static final int OPT_IF_TSRESOL = 9;
    public static final int OPT_IF_TSOFFSET = 14;

    /** Larger blocks are taken as corruption, whatever their type. */
    public static final int MAX_BLOCK_LENGTH = 64 << 20;
    /** SHB and IDB bodies are buffered to parse options; this bounds that buffer. */
    static final int MAX_HEADER_BLOCK_LENGTH = 1 << 20;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final byte TS_MULTIPLY = 0;
    private static final byte TS_DIVIDE = 1;
    private static final byte TS_BINARY = 2;

    private boolean bigEndian;
    private int sectionFirstInterface;
    private int sectionInterfaces;

    // per interface, indexed by the file-wide interface id
    private int[] ifLinkType = new int[4];
    private int[] ifSnaplen = new int[4];
    private byte[] ifTsKind = new byte[4];
    private long[] ifTsFactor = new long[4];
    private long[] ifTsOffsetNanos = new long[4];
    private final List<CaptureInterface> interfaces = new ArrayList<>();
    private final List<CaptureInterface> interfacesView = Collections.unmodifiableList(interfaces);

    private byte[] scratch = new byte[256];
    private long lastTsNanos;
    private int sections;

    /**
     * Reads the first section header and every block up to the first packet; the caller has checked
     * that the file starts with the SHB block type.
     */
    PcapngReader(final InputBuffer in, final boolean gzip, final CountingInputStream file, final long size)
            throws InputException {
        super(in, gzip, file, size);
        readBlocks(null);
    }

    @Override
    public boolean next(final RawFrame frame) throws IOException {
        if (done) {
            return false;
        }
        if (readBlocks(frame)) {
            packets++;
            return true;
        }
        done = true;
        return false;
    }

    /**
     * Handles blocks until one packet has been read into {@code frame}. With a null frame, stops
     * in front of the first packet block instead (used when opening).
     *
     * @return true when a packet was read, false at the end of the input (or at a packet block for
     *     a null frame)
     */
    private boolean readBlocks(final RawFrame frame) throws InputException {
        final InputBuffer in = this.in;
        while (true) {
            if (!in.ensure(BLOCK_BODY_OFFSET)) {
                if (in.available() == 0 && !in.abnormalEof()) {
                    return false;
                }
                throw truncated();
            }
            final byte[] b = in.array();
            final int p = in.position();
            final int type = InputBuffer.int32(b, p + BLOCK_TYPE_OFFSET, bigEndian);
            if (type == SHB) {
                readSectionHeader();
                continue;
            }
            if (sections == 0) {
                throw corrupt("the file does not start with a section header block");
            }
            final int length = InputBuffer.int32(b, p + BLOCK_LENGTH_OFFSET, bigEndian);
            if (length < MIN_BLOCK_LENGTH || (length & 3) != 0 || length > MAX_BLOCK_LENGTH) {
                throw corrupt("invalid block length " + Integer.toUnsignedString(length) + " (block type 0x"
                        + Integer.toHexString(type) + ")");
            }
            switch (type) {
                case EPB:
                case PB:
                    if (frame == null) {
                        return false;
                    }
                    readPacketBlock(frame, type, length);
                    return true;
                case SPB:
                    if (frame == null) {
                        return false;
                    }
                    readSimplePacket(frame, length);
                    return true;
                case IDB:
                    readInterface(length);
                    break;
                case DSB:
                    readSecrets(length);
                    break;
                default:
                    final long blockOffset = in.offset();
                    in.advance(BLOCK_BODY_OFFSET);
                    skipRest(length - BLOCK_BODY_OFFSET - TRAILER_LENGTH);
                    checkTrailer(length, blockOffset);
                    break;
            }
        }
    }

    private SecretsListener secretsListener;
    /** Secrets read before a listener was set: {type, bytes}. */
    private final List<Object[]> heldSecrets = new ArrayList<>();
    private long heldSecretBytes;

    @Override
    public void onSecrets(final SecretsListener listener) {
        secretsListener = listener;
        for (final Object[] h : heldSecrets) {
            final byte[] d = (byte[]) h[1];
            listener.secrets((Integer) h[0], d, 0, d.length);
        }
        heldSecrets.clear();
        heldSecretBytes = 0;
    }

    /**
     * A Decryption Secrets Block: its secrets go to the listener (or are held for it, up to {@link
     * #MAX_HELD_SECRETS} bytes). A secrets length past the block's end is ignored (the block is
     * skipped as any other).
     */
    private void readSecrets(final int length) throws InputException {
        final long blockOffset = in.offset();
        final int bodyLength = length - BLOCK_BODY_OFFSET - TRAILER_LENGTH;
        if (!in.ensure(BLOCK_BODY_OFFSET + 8)) {
            throw truncated();
        }
        final byte[] b = in.array();
        final int p = in.position() + BLOCK_BODY_OFFSET;
        final int type = InputBuffer.int32(b, p, bigEndian);
        final long secretsLength = Integer.toUnsignedLong(InputBuffer.int32(b, p + 4, bigEndian));
        in.advance(BLOCK_BODY_OFFSET);
        int left = bodyLength;
        if (bodyLength >= 8 && secretsLength <= bodyLength - 8) {
            in.advance(8);
            final byte[] data = new byte[(int) secretsLength];
            if (in.read(data, 0, data.length) < data.length) {
                throw truncated();
            }
            left -= 8 + data.length;
            if (secretsListener != null) {
                secretsListener.secrets(type, data, 0, data.length);
            } else if (heldSecretBytes + data.length <= MAX_HELD_SECRETS) {
                heldSecrets.add(new Object[] {type, data});
                heldSecretBytes += data.length;
            }
        }
        skipRest(left);
        checkTrailer(length, blockOffset);
    }

    private void readSectionHeader() throws InputException {
        final long blockOffset = in.offset();
        if (!in.ensure(SHB_HEADER_LENGTH)) {
            throw truncated();
        }
        final byte[] b = in.array();
        final int p = in.position();
        final int bom = InputBuffer.int32(b, p + SHB_BOM_OFFSET, true);
        if (bom == BYTE_ORDER_MAGIC) {
            bigEndian = true;
        } else if (bom == Integer.reverseBytes(BYTE_ORDER_MAGIC)) {
            bigEndian = false;
        } else {
            throw corrupt("section header with a bad byte-order magic 0x" + String.format("%08x", bom));
        }
        final int length = InputBuffer.int32(b, p + BLOCK_LENGTH_OFFSET, bigEndian);
        if (length < SHB_HEADER_LENGTH + TRAILER_LENGTH || (length & 3) != 0 || length > MAX_HEADER_BLOCK_LENGTH) {
            throw corrupt("invalid section header block length " + Integer.toUnsignedString(length));
        }
        final int major = InputBuffer.uint16(b, p + SHB_MAJOR_OFFSET, bigEndian);
        final int minor = InputBuffer.uint16(b, p + SHB_MINOR_OFFSET, bigEndian);
        if (major != 1) {
            throw new InputException(InputException.Kind.NOT_A_CAPTURE,
                    name + ": unsupported pcapng version " + major + "." + minor + " at offset " + blockOffset);
        }
        in.advance(SHB_HEADER_LENGTH);
        skipRest(length - SHB_HEADER_LENGTH - TRAILER_LENGTH);
        checkTrailer(length, blockOffset);
        sections++;
        sectionFirstInterface = interfaces.size();
        sectionInterfaces = 0;
    }

    private void readInterface(final int length) throws InputException {
        final long blockOffset = in.offset();
        if (length < IDB_HEADER_LENGTH + TRAILER_LENGTH || length > MAX_HEADER_BLOCK_LENGTH) {
            throw corrupt("invalid interface description block length " + length);
        }
        if (!in.ensure(IDB_HEADER_LENGTH)) {
            throw truncated();
        }
        final byte[] b = in.array();
        final int p = in.position();
        final int linkType = InputBuffer.uint16(b, p + IDB_LINKTYPE_OFFSET, bigEndian);
        final int snaplen = InputBuffer.int32(b, p + IDB_SNAPLEN_OFFSET, bigEndian);
        in.advance(IDB_HEADER_LENGTH);
        final int optionsLength = length - IDB_HEADER_LENGTH - TRAILER_LENGTH;
        if (scratch.length < optionsLength) {
            scratch = new byte[optionsLength];
        }
        if (in.read(scratch, 0, optionsLength) < optionsLength) {
            throw truncated();
        }
        checkTrailer(length, blockOffset);

        // options: defaults are microseconds and no offset
        String ifName = "";
        int tsresol = 6;
        long tsOffset = 0;
        final boolean be = bigEndian;
        int o = 0;
        while (o + 4 <= optionsLength) {
            final int code = InputBuffer.uint16(scratch, o, be);
            final int len = InputBuffer.uint16(scratch, o + 2, be);
            if (code == OPT_ENDOFOPT || o + 4 + len > optionsLength) {
                break;
            }
            final int v = o + 4;
            if (code == OPT_IF_NAME) {
                ifName = new String(scratch, v, len, StandardCharsets.UTF_8);
            } else if (code == OPT_IF_TSRESOL && len >= 1) {
                tsresol = scratch[v] & 0xFF;
            } else if (code == OPT_IF_TSOFFSET && len >= 8) {
                tsOffset = InputBuffer.int64(scratch, v, be);
            }
            o = v + ((len + 3) & ~3);
        }

        final int id = interfaces.size();
        if (id == ifLinkType.length) {
            final int n = id * 2;
            ifLinkType = Arrays.copyOf(ifLinkType, n);
            ifSnaplen = Arrays.copyOf(ifSnaplen, n);
            ifTsKind = Arrays.copyOf(ifTsKind, n);
            ifTsFactor = Arrays.copyOf(ifTsFactor, n);
            ifTsOffsetNanos = Arrays.copyOf(ifTsOffsetNanos, n);
        }
        ifLinkType[id] = linkType;
        ifSnaplen[id] = snaplen;
        final int exponent = tsresol & 0x7F;
        if ((tsresol & 0x80) != 0) {
            if (exponent > 63) {
                throw corruptAt(blockOffset, "if_tsresol 2^-" + exponent + " is not supported");
            }
            ifTsKind[id] = TS_BINARY;
            ifTsFactor[id] = exponent;
        } else if (exponent <= 9) {
            ifTsKind[id] = TS_MULTIPLY;
            ifTsFactor[id] = pow10(9 - exponent);
        } else if (exponent <= 27) {
            ifTsKind[id] = TS_DIVIDE;
            ifTsFactor[id] = pow10(exponent - 9);
        } else {
            throw corruptAt(blockOffset, "if_tsresol 10^-" + exponent + " is not supported");
        }
        ifTsOffsetNanos[id] = tsOffset * NANOS_PER_SECOND;
        interfaces.add(new CaptureInterface(id, linkType, snaplen, ifName));
        sectionInterfaces++;
    }

    /** EPB or PB: the two share their layout except for the 16-bit interface id of the PB. */
    private void readPacketBlock(final RawFrame frame, final int type, final int length) throws InputException {
        final long blockOffset = in.offset();
        if (length < EPB_HEADER_LENGTH + TRAILER_LENGTH) {
            throw corrupt("invalid packet block length " + length);
        }
        if (!in.ensure(EPB_HEADER_LENGTH)) {
            throw truncated();
        }
        final byte[] b = in.array();
        final int p = in.position();
        final boolean be = bigEndian;
        final int localId = type == EPB
                ? InputBuffer.int32(b, p + EPB_INTERFACE_OFFSET, be)
                : InputBuffer.uint16(b, p + PB_INTERFACE_OFFSET, be);
        final long units = ((long) InputBuffer.int32(b, p + EPB_TS_HIGH_OFFSET, be) << 32)
                | (InputBuffer.int32(b, p + EPB_TS_LOW_OFFSET, be) & 0xFFFF_FFFFL);
        final int capLen = InputBuffer.int32(b, p + EPB_CAPLEN_OFFSET, be);
        final int origLen = InputBuffer.int32(b, p + EPB_ORIGLEN_OFFSET, be);
        if (localId < 0 || localId >= sectionInterfaces) {
            throw corrupt("packet on interface " + Integer.toUnsignedString(localId) + " but the section declares "
                    + sectionInterfaces);
        }
        if (capLen < 0 || capLen > RawFrame.MAX_CAPLEN) {
            throw corrupt("captured length " + Integer.toUnsignedString(capLen) + " exceeds the maximum "
                    + RawFrame.MAX_CAPLEN);
        }
        if (capLen > length - EPB_HEADER_LENGTH - TRAILER_LENGTH) {
            throw corrupt("captured length " + capLen + " does not fit in block length " + length);
        }
        if (origLen < 0) {
            throw corrupt("original length " + Integer.toUnsignedString(origLen) + " is absurd");
        }
        in.advance(EPB_HEADER_LENGTH);
        frame.fileOffset = gzip ? -1 : in.offset();
        final byte[] data = frame.ensureCapacity(capLen);
        if (in.read(data, 0, capLen) < capLen) {
            throw truncated();
        }
        skipRest(length - EPB_HEADER_LENGTH - capLen - TRAILER_LENGTH);
        checkTrailer(length, blockOffset);
        final int id = sectionFirstInterface + localId;
        final long ts = toNanos(units, id);
        lastTsNanos = ts;
        frame.tsNanos = ts;
        frame.linkType = ifLinkType[id];
        frame.capLen = capLen;
        frame.origLen = origLen;
        frame.interfaceId = id;
        frame.sourceIndex = 0;
    }

    private void readSimplePacket(final RawFrame frame, final int length) throws InputException {
        final long blockOffset = in.offset();
        if (length < SPB_HEADER_LENGTH + TRAILER_LENGTH) {
            throw corrupt("invalid simple packet block length " + length);
        }
        if (sectionInterfaces == 0) {
            throw corrupt("simple packet block before any interface description");
        }
        if (!in.ensure(SPB_HEADER_LENGTH)) {
            throw truncated();
        }
        final int origLen = InputBuffer.int32(in.array(), in.position() + SPB_ORIGLEN_OFFSET, bigEndian);
        if (origLen < 0) {
            throw corrupt("original length " + Integer.toUnsignedString(origLen) + " is absurd");
        }
        final int id = sectionFirstInterface;
        final int snaplen = ifSnaplen[id];
        int capLen = Math.min(origLen, length - SPB_HEADER_LENGTH - TRAILER_LENGTH);
        if (snaplen > 0 && snaplen < capLen) {
            capLen = snaplen;
        }
        if (capLen > RawFrame.MAX_CAPLEN) {
            throw corrupt("captured length " + capLen + " exceeds the maximum " + RawFrame.MAX_CAPLEN);
        }
        in.advance(SPB_HEADER_LENGTH);
        frame.fileOffset = gzip ? -1 : in.offset();
        final byte[] data = frame.ensureCapacity(capLen);
        if (in.read(data, 0, capLen) < capLen) {
            throw truncated();
        }
        skipRest(length - SPB_HEADER_LENGTH - capLen - TRAILER_LENGTH);
        checkTrailer(length, blockOffset);
        frame.tsNanos = lastTsNanos;
        frame.linkType = ifLinkType[id];
        frame.capLen = capLen;
        frame.origLen = origLen;
        frame.interfaceId = id;
        frame.sourceIndex = 0;
    }

    private long toNanos(final long units, final int id) {
        final long nanos;
        switch (ifTsKind[id]) {
            case TS_MULTIPLY:
                nanos = units * ifTsFactor[id];
                break;
            case TS_DIVIDE:
                nanos = Long.divideUnsigned(units, ifTsFactor[id]);
                break;
            default:
                final int shift = (int) ifTsFactor[id];
                if (shift == 0) {
                    nanos = units * NANOS_PER_SECOND;
                } else {
                    // whole seconds, then the fraction as a 0.64 fixed-point number times 10^9
                    final long fraction = units << (64 - shift);
                    nanos = (units >>> shift) * NANOS_PER_SECOND
                            + Math.multiplyHigh(fraction, NANOS_PER_SECOND) + ((fraction >> 63) & NANOS_PER_SECOND);
                }
                break;
        }
        return nanos + ifTsOffsetNanos[id];
    }

    private static long pow10(final int n) {
        long v = 1;
        for (int i = 0; i < n; i++) {
            v *= 10;
        }
        return v;
    }

    private void skipRest(final int n) throws InputException {
        if (n > 0 && in.skip(n) < n) {
            throw truncated();
        }
    }

    private void checkTrailer(final int length, final long blockOffset) throws InputException {
        if (!in.ensure(TRAILER_LENGTH)) {
            throw truncated();
        }
        final int trailer = InputBuffer.int32(in.array(), in.position(), bigEndian);
        if (trailer != length) {
            throw corruptAt(blockOffset, "block length " + length + " and trailing length "
                    + Integer.toUnsignedString(trailer) + " differ");
        }
        in.advance(TRAILER_LENGTH);
    }

    private InputException truncated() {
        done = true;
        return new InputException(InputException.Kind.TRUNCATED,
                name + ": truncated: the last record is cut off after " + packets + " packets");
    }

    private InputException corrupt(final String what) {
        return corruptAt(in.offset(), what);
    }

    private InputException corruptAt(final long offset, final String what) {
        done = true;
        return new InputException(InputException.Kind.NOT_A_CAPTURE,
                name + ": block at offset " + offset + " (after " + packets + " packets): " + what);
    }

    /** Section headers read so far. */
    public int sections() {
        return sections;
    }

    @Override
    public List<CaptureInterface> interfaces() {
        return interfacesView;
    }

    @Override
    String kind() {
        return "pcapng";
    }
}
