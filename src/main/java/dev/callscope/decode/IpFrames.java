package dev.callscope.decode;

import dev.callscope.core.LinkType;
import dev.callscope.core.RawFrame;

/**
 * Packets made again from what they carried: a raw IP frame (IPv4 or IPv6, a UDP or TCP header, the
 * payload) with given addresses, ports and time. For HEP packets turned back into the packets they
 * describe, and for messages read again from a record of them.
 */
public final class IpFrames {
    public static final int IPV4_HEADER = 20;
    public static final int IPV6_HEADER = 40;
    public static final int UDP_HEADER = 8;
    public static final int TCP_HEADER = 20;
    public static final int UDP = 17;
    public static final int TCP = 6;

    private IpFrames() {
    }

    /** Whether a payload of {@code length} bytes fits in one IP packet of that version and transport. */
    public static boolean fits(final boolean ipv6, final int ipProtocol, final int length) {
        final int total = (ipv6 ? IPV6_HEADER : IPV4_HEADER) + (ipProtocol == TCP ? TCP_HEADER : UDP_HEADER) + length;
        return length >= 0 && total <= 65_535 + (ipv6 ? IPV6_HEADER : 0);
    }

    /**
     * Fills {@code frame} with one raw IP frame; false (and the frame untouched) when the payload does
     * not fit ({@link #fits}) or an address is shorter than its version needs.
     *
     * @param src the source address in its first 4 (IPv4) or 16 (IPv6) bytes
     * @param dst the destination address, as {@code src}
     * @param ipProtocol {@link #UDP} or {@link #TCP}
     * @param tcpSeq the TCP sequence number (TCP only)
     * @param tcpFlags the TCP flags (TCP only)
     */
    public static boolean write(final RawFrame frame, final long tsNanos, final boolean v6, final byte[] src,
                                final int srcPort, final byte[] dst, final int dstPort, final int ipProtocol,
                                final long tcpSeq, final int tcpFlags, final byte[] payload, final int off, final int len) {
        final int addr = v6 ? 16 : 4;
        if (src.length < addr || dst.length < addr || !fits(v6, ipProtocol, len)) {
            return false;
        }
        final boolean tcp = ipProtocol == TCP;
        final int ip = v6 ? IPV6_HEADER : IPV4_HEADER;
        final int tr = tcp ? TCP_HEADER : UDP_HEADER;
        final int total = ip + tr + len;
        final byte[] f = frame.ensureCapacity(total);
        if (v6) {
            f[0] = 0x60;
            f[1] = 0;
            f[2] = 0;
            f[3] = 0;
            put16(f, 4, tr + len);
            f[6] = (byte) ipProtocol;
            f[7] = 64;
            System.arraycopy(src, 0, f, 8, 16);
            System.arraycopy(dst, 0, f, 24, 16);
        } else {
            f[0] = 0x45;
            f[1] = 0;
            put16(f, 2, total);
            put16(f, 4, 0);
            put16(f, 6, 0x4000); // don't fragment
            f[8] = 64;
            f[9] = (byte) ipProtocol;
            put16(f, 10, 0);
            System.arraycopy(src, 0, f, 12, 4);
            System.arraycopy(dst, 0, f, 16, 4);
            put16(f, 10, ipv4Checksum(f));
        }
        final int p = ip;
        put16(f, p, srcPort);
        put16(f, p + 2, dstPort);
        if (tcp) {
            f[p + 4] = (byte) (tcpSeq >>> 24);
            f[p + 5] = (byte) (tcpSeq >>> 16);
            f[p + 6] = (byte) (tcpSeq >>> 8);
            f[p + 7] = (byte) tcpSeq;
            put16(f, p + 8, 0);
            put16(f, p + 10, 0);
            f[p + 12] = (byte) (TCP_HEADER / 4 << 4);
            f[p + 13] = (byte) tcpFlags;
            put16(f, p + 14, 65_535);
            put16(f, p + 16, 0); // checksum not computed (as for offloaded packets)
            put16(f, p + 18, 0);
        } else {
            put16(f, p + 4, UDP_HEADER + len);
            put16(f, p + 6, 0); // no checksum
        }
        System.arraycopy(payload, off, f, p + tr, len);
        frame.capLen = total;
        frame.origLen = total;
        frame.linkType = LinkType.RAW;
        frame.tsNanos = tsNanos;
        frame.interfaceId = 0;
        frame.sourceIndex = 0;
        frame.fileOffset = -1;
        return true;
    }

    private static void put16(final byte[] b, final int off, final int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    private static int ipv4Checksum(final byte[] b) {
        int sum = 0;
        for (int i = 0; i < IPV4_HEADER; i += 2) {
            sum += ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return ~sum & 0xFFFF;
    }
}
