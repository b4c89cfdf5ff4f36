package dev.callscope.pcap;

import dev.callscope.core.RawFrame;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes a pcapng file: one SHB, one IDB per (link type, snaplen) seen or declared, EPBs with
 * nanosecond timestamps (if_tsresol = 9). tshark reads the result with identical packets.
 *
 * <pre>
 * SHB: 0A0D0D0A | length | 1A2B3C4D | major 1, minor 0 | section length -1 (unknown)
 *      | shb_userappl (code 4) | end of options | length
 * IDB: 00000001 | length | link type(2) reserved(2) | snaplen | [if_name (2)] | if_tsresol (9) = 9
 *      | end of options | length
 * EPB: 00000006 | length | interface | ts high | ts low | captured len | original len
 *      | data, zero-padded to 4 bytes | length
 * </pre>
 *
 * <p>Little-endian. Blocks go through an internal buffer; frames larger than it are written
 * directly. A frame whose {@code interfaceId} was not declared, or was declared with another link
 * type, goes to the first interface with its link type, which is declared on first use (snaplen
 * {@link #DEFAULT_SNAPLEN}). {@link #close} flushes and closes the stream.
 */
public final class PcapngWriter implements Closeable {
    /** Snaplen of interfaces the writer declares by itself. */
    public static final int DEFAULT_SNAPLEN = 262_144;

    private static final int OPT_SHB_USERAPPL = 4;
    private static final int BUFFER_SIZE = 1 << 16;
    private static final int EPB_OVERHEAD = PcapngReader.EPB_HEADER_LENGTH + PcapngReader.TRAILER_LENGTH;
    private static final byte[] PADDING = new byte[4];

    private final OutputStream out;
    private final ByteBuffer buf = ByteBuffer.allocate(BUFFER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    private int[] linkTypes = new int[4];
    private int interfaceCount;
    private boolean closed;

    /** @param userAppl written as the SHB's shb_userappl option (e.g. "callscope 0.1.0") */
    public PcapngWriter(final OutputStream out, final String userAppl) throws IOException {
        this.out = out;
        final byte[] appl = userAppl == null ? new byte[0] : userAppl.getBytes(StandardCharsets.UTF_8);
        final int options = appl.length > 0 ? 4 + pad(appl.length) + 4 : 0;
        final int length = PcapngReader.SHB_HEADER_LENGTH + options + PcapngReader.TRAILER_LENGTH;
        room(length);
        buf.putInt(PcapngReader.SHB).putInt(length).putInt(PcapngReader.BYTE_ORDER_MAGIC)
                .putShort((short) 1).putShort((short) 0).putLong(-1L);
        if (appl.length > 0) {
            putOption(OPT_SHB_USERAPPL, appl);
            buf.putInt(0);
        }
        buf.putInt(length);
    }

    /** Declares an interface up front (live capture knows it); returns its index. */
    public int addInterface(final int linkType, final int snaplen, final String name) throws IOException {
        ensureOpen();
        final byte[] ifName = name == null ? new byte[0] : name.getBytes(StandardCharsets.UTF_8);
        if (ifName.length > 0xFFFF) {
            throw new IllegalArgumentException("interface name too long");
        }
        final int options = (ifName.length > 0 ? 4 + pad(ifName.length) : 0) + 8 + 4;
        final int length = PcapngReader.IDB_HEADER_LENGTH + options + PcapngReader.TRAILER_LENGTH;
        room(length);
        buf.putInt(PcapngReader.IDB).putInt(length).putShort((short) linkType).putShort((short) 0).putInt(snaplen);
        if (ifName.length > 0) {
            putOption(PcapngReader.OPT_IF_NAME, ifName);
        }
        buf.putShort((short) PcapngReader.OPT_IF_TSRESOL).putShort((short) 1).put((byte) 9).put(PADDING, 0, 3);
        buf.putInt(0);
        buf.putInt(length);
        if (interfaceCount == linkTypes.length) {
            linkTypes = Arrays.copyOf(linkTypes, interfaceCount * 2);
        }
        linkTypes[interfaceCount] = linkType;
        return interfaceCount++;
    }

    /** Writes a frame on interface {@code frame.interfaceId} (declared with addInterface) . */
    public void write(final RawFrame frame) throws IOException {
        write(frame.interfaceId, frame.linkType, frame.data, frame.capLen, frame.origLen, frame.tsNanos);
    }

    /**
     * Writes {@code data[0..capLen)} as one packet on interface {@code interfaceId}, or on the first
     * interface with {@code linkType} when that one was declared with another link type.
     */
    public void write(final int interfaceId, final int linkType, final byte[] data, final int capLen, final int origLen,
                      final long ts) throws IOException {
        ensureOpen();
        int id = interfaceId;
        if (id < 0 || id >= interfaceCount || linkTypes[id] != linkType) {
            id = interfaceFor(linkType);
        }
        final int padded = pad(capLen);
        final int length = EPB_OVERHEAD + padded;
        if (length <= BUFFER_SIZE) {
            room(length);
            buf.putInt(PcapngReader.EPB).putInt(length).putInt(id).putInt((int) (ts >>> 32)).putInt((int) ts)
                    .putInt(capLen).putInt(origLen).put(data, 0, capLen).put(PADDING, 0, padded - capLen)
                    .putInt(length);
        } else {
            room(PcapngReader.EPB_HEADER_LENGTH);
            buf.putInt(PcapngReader.EPB).putInt(length).putInt(id).putInt((int) (ts >>> 32)).putInt((int) ts)
                    .putInt(capLen).putInt(origLen);
            flushBuffer();
            out.write(data, 0, capLen);
            buf.put(PADDING, 0, padded - capLen).putInt(length);
        }
    }

    private int interfaceFor(final int linkType) throws IOException {
        for (int i = 0; i < interfaceCount; i++) {
            if (linkTypes[i] == linkType) {
                return i;
            }
        }
        return addInterface(linkType, DEFAULT_SNAPLEN, null);
    }

    /** Number of interfaces declared so far (explicitly or on first use). */
    public int interfaceCount() {
        return interfaceCount;
    }

    /** Writes buffered blocks to the stream and flushes it. */
    public void flush() throws IOException {
        ensureOpen();
        flushBuffer();
        out.flush();
    }

    private void putOption(final int code, final byte[] value) {
        buf.putShort((short) code).putShort((short) value.length).put(value).put(PADDING, 0, pad(value.length) - value.length);
    }

    private void room(final int n) throws IOException {
        if (buf.remaining() < n) {
            flushBuffer();
        }
    }

    private void flushBuffer() throws IOException {
        if (buf.position() > 0) {
            out.write(buf.array(), 0, buf.position());
            buf.clear();
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("pcapng writer is closed");
        }
    }

    private static int pad(final int n) {
        return (n + 3) & ~3;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            flushBuffer();
            out.flush();
        } finally {
            out.close();
        }
    }
}
