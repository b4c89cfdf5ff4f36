package dev.callscope.bench;

import dev.callscope.pcap.PcapWriter;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;

/**
 * The frame writer of the bench generators: Ethernet + IPv4 (+ UDP or TCP) frames into a classic
 * pcap (microsecond timestamps, Ethernet link type, little-endian), counting what it wrote. The
 * static helpers build headers in place in front of a payload already in the frame; the instance
 * methods build a whole frame in a buffer of their own and write it. Ethernet addresses are
 * locally administered and derived from the IPv4 addresses ({@code 02:00:a.b.c.d}); the IPv4
 * header has its checksum, UDP and TCP checksums are 0 (none: legal for UDP over IPv4, and not
 * checked by the readers for TCP).
 */
public final class PacketWriter implements Flushable {
    public static final int ETH = 14;
    public static final int IPV4 = 20;
    public static final int UDP = 8;
    public static final int TCP = 20;
    /** Ethernet + IPv4 + UDP. */
    public static final int UDP_HEADERS = ETH + IPV4 + UDP;
    /** Ethernet + IPv4 + TCP without options. */
    public static final int TCP_HEADERS = ETH + IPV4 + TCP;
    /** The IPv4 flags and fragment offset field of an unfragmented datagram: don't fragment. */
    public static final int DONT_FRAGMENT = 0x4000;

    private final PcapWriter pcap;
    private final byte[] frame = new byte[UDP_HEADERS + 65_536];
    private long packets;
    private long bytes = 24;
    private long firstMicros = -1;
    private long lastMicros;
    private int ipId;

    /** Writes the pcap file header to {@code out} (buffered here; {@link #flush} flushes, nothing closes). */
    public PacketWriter(final OutputStream out) throws IOException {
        this.pcap = new PcapWriter(out, 1, 65_535, false, ByteOrder.LITTLE_ENDIAN);
    }

    /** Writes the frame {@code f[0, len)} captured at {@code micros} (µs since the epoch). */
    public void frame(final long micros, final byte[] f, final int len) throws IOException {
        pcap.write(micros * 1000, f, 0, len, len);
        packets++;
        bytes += 16 + len;
        if (firstMicros < 0) {
            firstMicros = micros;
        }
        lastMicros = micros;
    }

    /** One UDP datagram (DSCP 0, don't fragment) carrying {@code p[off, off + len)}. */
    public void udp(final long micros, final int src, final int sport, final int dst, final int dport, final byte[] p,
                    final int off, final int len) throws IOException {
        System.arraycopy(p, off, frame, UDP_HEADERS, len);
        frame(micros, frame, udpHeaders(frame, src, dst, sport, dport, 0, ipId++, len));
    }

    /** One UDP datagram carrying {@code p}. */
    public void udp(final long micros, final int src, final int sport, final int dst, final int dport, final byte[] p)
        throws IOException {
        udp(micros, src, sport, dst, dport, p, 0, p.length);
    }

    /**
     * One IPv4 fragment: {@code p[off, off + len)} at byte {@code offset} (a multiple of 8) of the
     * datagram {@code id}'s payload; {@code more}: more fragments follow.
     */
    public void ipv4Fragment(final long micros, final int src, final int dst, final int protocol, final int id,
                             final int offset, final boolean more, final byte[] p, final int off, final int len)
        throws IOException {
        ethernet(frame, src, dst);
        ipv4(frame, ETH, src, dst, protocol, 0, id, (more ? 0x2000 : 0) | offset >>> 3, len);
        System.arraycopy(p, off, frame, ETH + IPV4, len);
        frame(micros, frame, ETH + IPV4 + len);
    }

    @Override
    public void flush() throws IOException {
        pcap.flush();
    }

    public long packets() {
        return packets;
    }

    /** Bytes of the file so far, its 24-byte header included. */
    public long bytes() {
        return bytes;
    }

    /** Time of the first packet (µs), -1 before any. */
    public long firstMicros() {
        return firstMicros;
    }

    public long lastMicros() {
        return lastMicros;
    }

    /**
     * Ethernet, IPv4 (don't fragment, TTL 64) and UDP (checksum 0) before a payload of {@code n}
     * bytes already at {@code f[UDP_HEADERS]}; returns the frame's length.
     */
    public static int udpHeaders(final byte[] f, final int src, final int dst, final int sport, final int dport,
                                 final int tos, final int ipId, final int n) {
        ethernet(f, src, dst);
        ipv4(f, ETH, src, dst, 17, tos, ipId, DONT_FRAGMENT, UDP + n);
        final int o = ETH + IPV4;
        put16(f, o, sport);
        put16(f, o + 2, dport);
        put16(f, o + 4, UDP + n);
        put16(f, o + 6, 0);
        return UDP_HEADERS + n;
    }

    /**
     * Ethernet, IPv4 (don't fragment, TTL 64) and a 20-byte TCP header (window 65535, checksum 0)
     * before a payload of {@code n} bytes already at {@code f[TCP_HEADERS]}; returns the frame's length.
     */
    public static int tcpHeaders(final byte[] f, final int src, final int dst, final int sport, final int dport,
                                 final long seq, final long ack, final int flags, final int ipId, final int n) {
        ethernet(f, src, dst);
        ipv4(f, ETH, src, dst, 6, 0, ipId, DONT_FRAGMENT, TCP + n);
        final int o = ETH + IPV4;
        put16(f, o, sport);
        put16(f, o + 2, dport);
        put32(f, o + 4, (int) seq);
        put32(f, o + 8, (int) ack);
        f[o + 12] = 0x50;
        f[o + 13] = (byte) flags;
        put16(f, o + 14, 65_535);
        put16(f, o + 16, 0);
        put16(f, o + 18, 0);
        return TCP_HEADERS + n;
    }

    /** An Ethernet II header for IPv4 from {@code src} to {@code dst}. */
    public static void ethernet(final byte[] f, final int src, final int dst) {
        f[0] = 0x02;
        f[1] = 0x00;
        put32(f, 2, dst);
        f[6] = 0x02;
        f[7] = 0x00;
        put32(f, 8, src);
        f[12] = 0x08;
        f[13] = 0x00;
    }

    /**
     * A 20-byte IPv4 header at {@code f[o]} with its checksum, TTL 64.
     *
     * @param fragField the flags and fragment offset field (offset in units of 8 bytes)
     * @param payload bytes after the IP header
     */
    public static void ipv4(final byte[] f, final int o, final int src, final int dst, final int protocol, final int tos,
                            final int ipId, final int fragField, final int payload) {
        f[o] = 0x45;
        f[o + 1] = (byte) tos;
        put16(f, o + 2, IPV4 + payload);
        put16(f, o + 4, ipId);
        put16(f, o + 6, fragField);
        f[o + 8] = 64;
        f[o + 9] = (byte) protocol;
        f[o + 10] = 0;
        f[o + 11] = 0;
        put32(f, o + 12, src);
        put32(f, o + 16, dst);
        int sum = 0;
        for (int p = o; p < o + IPV4; p += 2) {
            sum += (f[p] & 0xff) << 8 | f[p + 1] & 0xff;
        }
        sum = (sum & 0xffff) + (sum >>> 16);
        sum += sum >>> 16;
        put16(f, o + 10, ~sum);
    }

    public static int put16(final byte[] f, final int o, final int v) {
        f[o] = (byte) (v >>> 8);
        f[o + 1] = (byte) v;
        return o + 2;
    }

    public static int put32(final byte[] f, final int o, final int v) {
        f[o] = (byte) (v >>> 24);
        f[o + 1] = (byte) (v >>> 16);
        f[o + 2] = (byte) (v >>> 8);
        f[o + 3] = (byte) v;
        return o + 4;
    }

    /** The address {@code a.b.c.d} as an int. */
    public static int ip(final int a, final int b, final int c, final int d) {
        return a << 24 | b << 16 | c << 8 | d;
    }

    /** Dotted-quad text of {@code a}. */
    public static String ip(final int a) {
        return (a >>> 24) + "." + (a >>> 16 & 0xff) + "." + (a >>> 8 & 0xff) + "." + (a & 0xff);
    }
}
