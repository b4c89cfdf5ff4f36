package dev.callscope.pcap;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Hand-assembles pcapng blocks for tests, in either byte order, including blocks the writer never
 * produces (SPB, PB, unknown types, binary time resolutions, several sections).
 */
final class PcapngBuilder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteOrder order = ByteOrder.LITTLE_ENDIAN;

    PcapngBuilder shb(final ByteOrder byteOrder) {
        this.order = byteOrder;
        final ByteBuffer body = body(16);
        body.putInt(PcapngReader.BYTE_ORDER_MAGIC).putShort((short) 1).putShort((short) 0).putLong(-1L);
        return block(PcapngReader.SHB, body);
    }

    /** IDB; {@code tsresol} < 0 omits the option, {@code tsOffset} 0 omits if_tsoffset. */
    PcapngBuilder idb(final int linkType, final int snaplen, final String name, final int tsresol, final long tsOffset) {
        final ByteBuffer body = body(256);
        body.putShort((short) linkType).putShort((short) 0).putInt(snaplen);
        if (name != null) {
            option(body, PcapngReader.OPT_IF_NAME, name.getBytes(StandardCharsets.UTF_8));
        }
        if (tsresol >= 0) {
            option(body, PcapngReader.OPT_IF_TSRESOL, new byte[] {(byte) tsresol});
        }
        if (tsOffset != 0) {
            final byte[] v = ByteBuffer.allocate(8).order(order).putLong(tsOffset).array();
            option(body, PcapngReader.OPT_IF_TSOFFSET, v);
        }
        body.putInt(0);
        return block(PcapngReader.IDB, body);
    }

    PcapngBuilder epb(final int ifId, final long units, final byte[] data, final int origLen) {
        final ByteBuffer body = body(64 + data.length);
        body.putInt(ifId).putInt((int) (units >>> 32)).putInt((int) units).putInt(data.length).putInt(origLen);
        body.put(data).put(new byte[pad(data.length) - data.length]);
        // an option to be skipped: opt_comment
        option(body, 1, "hello".getBytes(StandardCharsets.US_ASCII));
        body.putInt(0);
        return block(PcapngReader.EPB, body);
    }

    PcapngBuilder pb(final int ifId, final long units, final byte[] data, final int origLen) {
        final ByteBuffer body = body(32 + data.length);
        body.putShort((short) ifId).putShort((short) 0).putInt((int) (units >>> 32)).putInt((int) units)
                .putInt(data.length).putInt(origLen);
        body.put(data).put(new byte[pad(data.length) - data.length]);
        return block(PcapngReader.PB, body);
    }

    /** SPB carrying {@code data} (already cut to the snaplen by the caller) of a packet of {@code origLen}. */
    PcapngBuilder spb(final byte[] data, final int origLen) {
        final ByteBuffer body = body(8 + data.length);
        body.putInt(origLen).put(data).put(new byte[pad(data.length) - data.length]);
        return block(PcapngReader.SPB, body);
    }

    PcapngBuilder unknown(final int type, final int bodyLength) {
        final ByteBuffer body = body(bodyLength);
        body.put(new byte[bodyLength]);
        return block(type, body);
    }

    /** Raw bytes, for corrupt fixtures. */
    PcapngBuilder raw(final byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    private ByteBuffer body(final int capacity) {
        return ByteBuffer.allocate(capacity).order(order);
    }

    private PcapngBuilder block(final int type, final ByteBuffer body) {
        final int length = 12 + body.position();
        final ByteBuffer b = ByteBuffer.allocate(length).order(order);
        b.putInt(type).putInt(length).put(body.array(), 0, body.position()).putInt(length);
        out.writeBytes(b.array());
        return this;
    }

    private static void option(final ByteBuffer body, final int code, final byte[] value) {
        body.putShort((short) code).putShort((short) value.length).put(value).put(new byte[pad(value.length) - value.length]);
    }

    static int pad(final int n) {
        return (n + 3) & ~3;
    }
}
