package dev.callscope.spark;

import dev.callscope.core.RawFrame;

/** Builds Ethernet frames around a UDP datagram, for messages read again. */
final class Frames {
    private static final int LINKTYPE_ETHERNET = 1;

    private Frames() {
    }

    /** Fills {@code f} with one frame; false when the payload does not fit in one IP packet. */
    static boolean udp(final RawFrame f, final long tsNanos, final byte[] src, final int srcPort, final byte[] dst,
                       final int dstPort, final byte[] payload) {
        final boolean v6 = src.length == 16;
        final int ipHeader = v6 ? 40 : 20;
        final int udpLength = 8 + payload.length;
        if (udpLength > 65_535 - (v6 ? 0 : ipHeader) || src.length != dst.length) {
            return false;
        }
        final int len = 14 + ipHeader + udpLength;
        if (f.data.length < len) {
            f.data = new byte[len];
        }
        final byte[] d = f.data;
        java.util.Arrays.fill(d, 0, 12, (byte) 0);
        d[12] = (byte) (v6 ? 0x86 : 0x08);
        d[13] = (byte) (v6 ? 0xDD : 0x00);
        int p = 14;
        if (v6) {
            d[p] = 0x60;
            d[p + 1] = 0;
            d[p + 2] = 0;
            d[p + 3] = 0;
            put16(d, p + 4, udpLength);
            d[p + 6] = 17;
            d[p + 7] = 64;
            System.arraycopy(src, 0, d, p + 8, 16);
            System.arraycopy(dst, 0, d, p + 24, 16);
        } else {
            d[p] = 0x45;
            d[p + 1] = 0;
            put16(d, p + 2, ipHeader + udpLength);
            put16(d, p + 4, 0);
            put16(d, p + 6, 0x4000); // don't fragment
            d[p + 8] = 64;
            d[p + 9] = 17;
            put16(d, p + 10, 0);
            System.arraycopy(src, 0, d, p + 12, 4);
            System.arraycopy(dst, 0, d, p + 16, 4);
            int sum = 0;
            for (int i = 0; i < 20; i += 2) {
                sum += ((d[p + i] & 0xFF) << 8) | (d[p + i + 1] & 0xFF);
            }
            sum = (sum >>> 16) + (sum & 0xFFFF);
            sum += sum >>> 16;
            put16(d, p + 10, ~sum & 0xFFFF);
        }
        p += ipHeader;
        put16(d, p, srcPort);
        put16(d, p + 2, dstPort);
        put16(d, p + 4, udpLength);
        put16(d, p + 6, 0); // no checksum
        System.arraycopy(payload, 0, d, p + 8, payload.length);
        f.tsNanos = tsNanos;
        f.linkType = LINKTYPE_ETHERNET;
        f.capLen = len;
        f.origLen = len;
        f.interfaceId = 0;
        f.sourceIndex = 0;
        f.fileOffset = -1;
        return true;
    }

    private static void put16(final byte[] d, final int off, final int v) {
        d[off] = (byte) (v >>> 8);
        d[off + 1] = (byte) v;
    }
}
