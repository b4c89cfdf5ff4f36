package dev.callscope.decode;

import dev.callscope.core.RawFrame;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** Test-only builder of frames: link headers, IPv4/IPv6 (with fragments), UDP, TCP and tunnels. */
public final class Frames {
    public static final byte[] A4 = {10, 0, 0, 1};
    public static final byte[] B4 = {10, 0, 0, 2};
    public static final byte[] A6 = v6(1);
    public static final byte[] B6 = v6(2);

    private Frames() {
    }

    public static byte[] v6(final int last) {
        final byte[] a = new byte[16];
        a[0] = 0x20;
        a[1] = 0x01;
        a[2] = 0x0d;
        a[3] = (byte) 0xb8;
        a[15] = (byte) last;
        return a;
    }

    public static byte[] cat(final byte[]... parts) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] p : parts) {
            out.write(p, 0, p.length);
        }
        return out.toByteArray();
    }

    public static byte[] bytes(final int... v) {
        final byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    public static byte[] ascii(final String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    public static byte[] pattern(final int n, final int seed) {
        final byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + seed);
        }
        return b;
    }

    public static void put16(final byte[] b, final int off, final int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    public static void put32(final byte[] b, final int off, final long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    // ---------------------------------------------------------------- transports

    public static byte[] udp(final int sport, final int dport, final byte[] payload) {
        final byte[] h = new byte[8];
        put16(h, 0, sport);
        put16(h, 2, dport);
        put16(h, 4, 8 + payload.length);
        return cat(h, payload);
    }

    public static byte[] tcp(final int sport, final int dport, final long seq, final long ack, final int flags,
                      final byte[] payload) {
        return tcp(sport, dport, seq, ack, flags, new byte[0], payload);
    }

    public static byte[] tcp(final int sport, final int dport, final long seq, final long ack, final int flags,
                      final byte[] options, final byte[] payload) {
        final byte[] h = new byte[20 + options.length];
        put16(h, 0, sport);
        put16(h, 2, dport);
        put32(h, 4, seq);
        put32(h, 8, ack);
        h[12] = (byte) ((h.length / 4) << 4);
        h[13] = (byte) flags;
        put16(h, 14, 65535);
        System.arraycopy(options, 0, h, 20, options.length);
        return cat(h, payload);
    }

    // ---------------------------------------------------------------- IP

    public static byte[] ipv4(final int proto, final byte[] payload) {
        return ipv4(A4, B4, proto, 1, false, 0, new byte[0], payload);
    }

    public static byte[] ipv4(final byte[] src, final byte[] dst, final int proto, final int id, final boolean more,
                       final int fragOffset, final byte[] options, final byte[] payload) {
        final byte[] h = new byte[20 + options.length];
        h[0] = (byte) (0x40 | (h.length / 4));
        put16(h, 2, h.length + payload.length);
        put16(h, 4, id);
        put16(h, 6, (more ? 0x2000 : 0) | (fragOffset / 8));
        h[8] = 64;
        h[9] = (byte) proto;
        System.arraycopy(src, 0, h, 12, 4);
        System.arraycopy(dst, 0, h, 16, 4);
        System.arraycopy(options, 0, h, 20, options.length);
        return cat(h, payload);
    }

    public static byte[] ipv6(final int nextHeader, final byte[] payload) {
        return ipv6(A6, B6, nextHeader, payload);
    }

    public static byte[] ipv6(final byte[] src, final byte[] dst, final int nextHeader, final byte[] payload) {
        final byte[] h = new byte[40];
        h[0] = 0x60;
        put16(h, 4, payload.length);
        h[6] = (byte) nextHeader;
        h[7] = 64;
        System.arraycopy(src, 0, h, 8, 16);
        System.arraycopy(dst, 0, h, 24, 16);
        return cat(h, payload);
    }

    /** Hop-by-hop, routing or destination options header of {@code units} x 8 bytes (PadN filled). */
    public static byte[] ext(final int nextHeader, final int units) {
        final byte[] h = new byte[units * 8];
        h[0] = (byte) nextHeader;
        h[1] = (byte) (units - 1);
        h[2] = 1; // PadN
        h[3] = (byte) (h.length - 4);
        return h;
    }

    public static byte[] ah(final int nextHeader) {
        final byte[] h = new byte[24]; // 12 fixed + 12 ICV: (24/4) - 2 = 4
        h[0] = (byte) nextHeader;
        h[1] = 4;
        return h;
    }

    public static byte[] frag6(final int nextHeader, final int offset, final boolean more, final long id) {
        final byte[] h = new byte[8];
        h[0] = (byte) nextHeader;
        put16(h, 2, (offset & 0xFFF8) | (more ? 1 : 0));
        put32(h, 4, id);
        return h;
    }

    /** One IPv4 fragment of {@code payload} (the IP payload of the whole datagram). */
    public static byte[] frag4(final int proto, final int id, final byte[] payload, final int from, final int to) {
        final byte[] part = java.util.Arrays.copyOfRange(payload, from, to);
        return ipv4(A4, B4, proto, id, to < payload.length, from, new byte[0], part);
    }

    /** One IPv6 fragment packet of {@code payload} (the fragmentable part). */
    public static byte[] frag6Packet(final int nextHeader, final long id, final byte[] payload, final int from,
                              final int to) {
        final byte[] part = java.util.Arrays.copyOfRange(payload, from, to);
        return ipv6(44, cat(frag6(nextHeader, from, to < payload.length, id), part));
    }

    /** Splits [0, len) at multiples of {@code size} (a multiple of 8). */
    public static List<int[]> split(final int len, final int size) {
        final List<int[]> out = new ArrayList<>();
        for (int from = 0; from < len; from += size) {
            out.add(new int[] {from, Math.min(len, from + size)});
        }
        return out;
    }

    // ---------------------------------------------------------------- link layers

    public static byte[] eth(final int type, final byte[] payload) {
        final byte[] h = new byte[14];
        for (int i = 0; i < 6; i++) {
            h[i] = (byte) (0x02 + i);
            h[6 + i] = (byte) (0x12 + i);
        }
        put16(h, 12, type);
        return cat(h, payload);
    }

    /** Ethernet with stacked tags: {@code tpids[i]} is the TPID of tag i; {@code type} the inner EtherType. */
    public static byte[] ethTagged(final int[] tpids, final int type, final byte[] payload) {
        byte[] inner = payload;
        int t = type;
        for (int i = tpids.length - 1; i >= 0; i--) {
            final byte[] tag = new byte[4];
            put16(tag, 0, 100 + i);
            put16(tag, 2, t);
            inner = cat(tag, inner);
            t = tpids[i];
        }
        return eth(t, inner);
    }

    public static byte[] sll(final int protocol, final byte[] payload) {
        final byte[] h = new byte[16];
        put16(h, 2, 1);
        put16(h, 4, 6);
        put16(h, 14, protocol);
        return cat(h, payload);
    }

    public static byte[] sll2(final int protocol, final byte[] payload) {
        final byte[] h = new byte[20];
        put16(h, 0, protocol);
        put32(h, 4, 3);
        put16(h, 8, 1);
        h[11] = 6;
        return cat(h, payload);
    }

    public static byte[] nullLink(final int family, final boolean littleEndian, final byte[] payload) {
        final byte[] h = new byte[4];
        if (littleEndian) {
            h[0] = (byte) family;
        } else {
            h[3] = (byte) family;
        }
        return cat(h, payload);
    }

    // ---------------------------------------------------------------- tunnels

    /** GRE with the given flags word; optional fields are zero-filled according to the flags. */
    public static byte[] gre(final int flags, final int protocol, final byte[] payload) {
        int n = 4;
        if ((flags & 0x8000) != 0) {
            n += 4;
        }
        if ((flags & 0x2000) != 0) {
            n += 4;
        }
        if ((flags & 0x1000) != 0) {
            n += 4;
        }
        if ((flags & 0x7) == 1 && (flags & 0x0080) != 0) {
            n += 4;
        }
        final byte[] h = new byte[n];
        put16(h, 0, flags);
        put16(h, 2, protocol);
        return cat(h, payload);
    }

    public static byte[] gtp(final int flags, final int type, final byte[] optional, final byte[] payload) {
        final byte[] h = new byte[8];
        h[0] = (byte) flags;
        h[1] = (byte) type;
        put16(h, 2, optional.length + payload.length);
        put32(h, 4, 0x11223344L);
        return cat(h, optional, payload);
    }

    // ---------------------------------------------------------------- frames

    public static RawFrame frame(final int linkType, final byte[] data) {
        return frame(linkType, data, data.length, data.length, 1_000_000_000L);
    }

    public static RawFrame frame(final int linkType, final byte[] data, final long ts) {
        return frame(linkType, data, data.length, data.length, ts);
    }

    /** A frame cut by the snap length to {@code capLen} bytes. */
    public static RawFrame truncated(final int linkType, final byte[] data, final int capLen) {
        return frame(linkType, data, capLen, data.length, 1_000_000_000L);
    }

    public static RawFrame frame(final int linkType, final byte[] data, final int capLen, final int origLen, final long ts) {
        final RawFrame f = new RawFrame();
        f.linkType = linkType;
        f.ensureCapacity(data.length);
        System.arraycopy(data, 0, f.data, 0, Math.min(data.length, capLen));
        f.capLen = capLen;
        f.origLen = origLen;
        f.tsNanos = ts;
        return f;
    }
}
