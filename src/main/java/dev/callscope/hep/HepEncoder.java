package dev.callscope.hep;

import dev.callscope.decode.HepHeader;

/**
 * Writes HEPv3 packets (see {@link HepHeader}) into one reusable buffer: the chunks a HOMER
 * collector reads (address family and protocol, addresses, ports, time in seconds and
 * microseconds, protocol type, capture agent id, auth key, payload, correlation id).
 */
public final class HepEncoder {
    /** The largest HEPv3 packet: its length field has 16 bits. */
    public static final int MAX_LENGTH = 0xFFFF;

    private final byte[] buf = new byte[MAX_LENGTH];
    private final long captureId;
    private final byte[] authKey;
    private int p;

    /**
     * @param captureId the capture agent id (chunk 0x0c)
     * @param authKey the auth key (chunk 0x0e), or null for none
     */
    public HepEncoder(final long captureId, final byte[] authKey) {
        this.captureId = captureId;
        this.authKey = authKey == null || authKey.length == 0 ? null : authKey.clone();
    }

    /** The buffer the last {@link #encode} wrote into. */
    public byte[] buffer() {
        return buf;
    }

    /**
     * Encodes one packet.
     *
     * @param ipVersion 4 or 6 (the length of {@code src} and {@code dst})
     * @param ipProtocol 17 UDP, 6 TCP
     * @param correlation the correlation id (chunk 0x11), or null
     * @return the packet's length in {@link #buffer()}, or -1 when it would exceed {@link #MAX_LENGTH}
     */
    public int encode(final int ipVersion, final int ipProtocol, final byte[] src, final byte[] dst, final int srcPort,
                      final int dstPort, final long tsNanos, final int protoType, final byte[] payload, final int payloadOffset,
                      final int payloadLength, final byte[] correlation) {
        final int addr = ipVersion == 6 ? 16 : 4;
        final int need = HepHeader.HEP3_HEADER_LENGTH + 7 + 7 + 2 * (6 + addr) + 2 * 8 + 2 * 10 + 7 + 10
            + (authKey == null ? 0 : 6 + authKey.length) + 6 + payloadLength
            + (correlation == null ? 0 : 6 + correlation.length);
        if (need > MAX_LENGTH || payloadLength < 0) {
            return -1;
        }
        buf[0] = 'H';
        buf[1] = 'E';
        buf[2] = 'P';
        buf[3] = '3';
        p = HepHeader.HEP3_HEADER_LENGTH;
        u8(HepHeader.CHUNK_FAMILY, ipVersion == 6 ? HepHeader.AF_INET6 : HepHeader.AF_INET);
        u8(HepHeader.CHUNK_PROTOCOL, ipProtocol);
        bytes(ipVersion == 6 ? HepHeader.CHUNK_SRC_IP6 : HepHeader.CHUNK_SRC_IP4, src, 0, addr);
        bytes(ipVersion == 6 ? HepHeader.CHUNK_DST_IP6 : HepHeader.CHUNK_DST_IP4, dst, 0, addr);
        u16(HepHeader.CHUNK_SRC_PORT, srcPort);
        u16(HepHeader.CHUNK_DST_PORT, dstPort);
        u32(HepHeader.CHUNK_TS_SEC, Math.floorDiv(tsNanos, 1_000_000_000L));
        u32(HepHeader.CHUNK_TS_USEC, Math.floorMod(tsNanos, 1_000_000_000L) / 1000);
        u8(HepHeader.CHUNK_PROTO_TYPE, protoType);
        u32(HepHeader.CHUNK_CAPTURE_ID, captureId);
        if (authKey != null) {
            bytes(HepHeader.CHUNK_AUTH_KEY, authKey, 0, authKey.length);
        }
        bytes(HepHeader.CHUNK_PAYLOAD, payload, payloadOffset, payloadLength);
        if (correlation != null) {
            bytes(HepHeader.CHUNK_CORRELATION_ID, correlation, 0, correlation.length);
        }
        buf[4] = (byte) (p >>> 8);
        buf[5] = (byte) p;
        return p;
    }

    private void header(final int type, final int length) {
        buf[p] = 0;
        buf[p + 1] = 0;
        buf[p + 2] = (byte) (type >>> 8);
        buf[p + 3] = (byte) type;
        buf[p + 4] = (byte) ((length + 6) >>> 8);
        buf[p + 5] = (byte) (length + 6);
        p += 6;
    }

    private void u8(final int type, final int v) {
        header(type, 1);
        buf[p++] = (byte) v;
    }

    private void u16(final int type, final int v) {
        header(type, 2);
        buf[p++] = (byte) (v >>> 8);
        buf[p++] = (byte) v;
    }

    private void u32(final int type, final long v) {
        header(type, 4);
        buf[p++] = (byte) (v >>> 24);
        buf[p++] = (byte) (v >>> 16);
        buf[p++] = (byte) (v >>> 8);
        buf[p++] = (byte) v;
    }

    private void bytes(final int type, final byte[] b, final int off, final int len) {
        header(type, len);
        System.arraycopy(b, off, buf, p, len);
        p += len;
    }
}
