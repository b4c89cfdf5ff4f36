package dev.callscope.bench;

import dev.callscope.core.RawFrame;
import dev.callscope.core.LinkType;
import dev.callscope.core.PacketSource;
import dev.callscope.pcap.CaptureFiles;
import dev.callscope.pcap.PcapWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Captures made to exhaust state: floods of reassemblies that never complete and of one-packet STUN
 * 5-tuples, each optionally followed by genuine traffic that must still come through. Classic pcap,
 * Ethernet, IPv4, microsecond timestamps one apart from {@link #T0}.
 *
 * <ul>
 *   <li>{@link #ipFragment}: an 8-byte last fragment at offset 65520 of a datagram that never gets
 *       its other fragments (it claims 65528 bytes); flood {@code i} uses IP id {@code i % 65536}
 *       from source 10.(i / 65536).0.1 so every fragment starts a datagram of its own.</li>
 *   <li>{@link #dtlsFragment}: an 83-byte DTLS record holding one Certificate fragment (58 bytes)
 *       of a handshake message that announces 256 KiB; packet {@code i} goes from 10.1.x.y:40000
 *       ({@code i / 8} picks the 5-tuple) with message_seq {@code i % 8}, the most a direction may
 *       have pending.</li>
 *   <li>{@link #stunRequest}: a 20-byte STUN Binding request without attributes from its own
 *       5-tuple, 10.3.x.y:50000 to 10.4.0.1:3478.</li>
 * </ul>
 *
 * <pre>
 * java -cp target/test-classes:target/classes dev.callscope.bench.HostileCaptures ip 100000 ip-flood.pcap
 * java -cp target/test-classes:target/classes dev.callscope.bench.HostileCaptures dtls 40000 dtls-flood.pcap
 * </pre>
 */
public final class HostileCaptures {
    /** Time of the first flood packet: 2024-01-01 00:00:00 UTC. */
    public static final long T0 = 1_704_067_200_000_000_000L;
    /** The length every DTLS flood message announces: the largest a handshake message may have. */
    public static final int DTLS_ANNOUNCED = 1 << 18;
    /** Bytes of handshake data in each DTLS flood record. */
    public static final int DTLS_FRAGMENT = 58;

    private HostileCaptures() {
    }

    /** A pcap writer over {@code out}: Ethernet, microseconds, little-endian. */
    public static PcapWriter writer(final OutputStream out) throws IOException {
        return new PcapWriter(out, LinkType.ETHERNET, 65535, false, ByteOrder.LITTLE_ENDIAN);
    }

    /** Flood IP fragment {@code i} (see the class comment), as an Ethernet frame. */
    public static byte[] ipFragment(final int i) {
        final byte[] ip = ipv4(new byte[] {10, (byte) (i >>> 16), 0, 1}, new byte[] {10, 9, 0, 1}, 17, i & 0xFFFF,
            false, 65520, new byte[8]);
        return eth(ip);
    }

    /** Flood DTLS record {@code i} (see the class comment), as an Ethernet frame. */
    public static byte[] dtlsFragment(final int i) {
        final int tuple = i / 8;
        final byte[] hs = new byte[12 + DTLS_FRAGMENT];
        hs[0] = 11; // Certificate
        put24(hs, 1, DTLS_ANNOUNCED);
        put16(hs, 4, i % 8);
        put24(hs, 6, (i / 8 % 64) * DTLS_FRAGMENT);
        put24(hs, 9, DTLS_FRAGMENT);
        return eth(udp(new byte[] {10, 1, (byte) (tuple >>> 8), (byte) tuple}, 40000, new byte[] {10, 2, 0, 1}, 5000,
            dtlsRecord(22, i, hs)));
    }

    /** A STUN Binding request from 5-tuple {@code i} (see the class comment), as an Ethernet frame. */
    public static byte[] stunRequest(final int i) {
        final byte[] m = new byte[20];
        put16(m, 0, 0x0001);
        put32(m, 4, 0x2112A442L);
        put32(m, 8, 0x5EED0000L + i);
        put32(m, 12, i);
        put32(m, 16, ~i);
        return eth(udp(new byte[] {10, 3, (byte) (i >>> 8), (byte) i}, 50000, new byte[] {10, 4, 0, 1}, 3478, m));
    }

    /**
     * A DTLS 1.2 ClientHello offering SRTP_AES128_CM_HMAC_SHA1_80 (use_srtp), split into two
     * handshake fragments in two datagrams, 10.5.0.1:41000 to 10.6.0.1:42000.
     */
    public static byte[][] fragmentedClientHello() {
        final byte[] body = new byte[53];
        put16(body, 0, 0xFEFD);
        for (int k = 0; k < 32; k++) {
            body[2 + k] = (byte) (k * 7);
        }
        int i = 34;
        body[i++] = 0; // session id
        body[i++] = 0; // cookie
        put16(body, i, 2);
        put16(body, i + 2, 0xC02B);
        i += 4;
        body[i++] = 1; // one compression method: null
        body[i++] = 0;
        put16(body, i, 9); // extensions
        put16(body, i + 2, 14); // use_srtp
        put16(body, i + 4, 5);
        put16(body, i + 6, 2);
        put16(body, i + 8, 0x0001);
        body[i + 10] = 0; // no MKI
        final byte[][] out = new byte[2][];
        final int[][] parts = {{0, 30}, {30, 53}};
        for (int f = 0; f < 2; f++) {
            final int from = parts[f][0];
            final int len = parts[f][1] - from;
            final byte[] hs = new byte[12 + len];
            hs[0] = 1;
            put24(hs, 1, body.length);
            put16(hs, 4, 0);
            put24(hs, 6, from);
            put24(hs, 9, len);
            System.arraycopy(body, from, hs, 12, len);
            out[f] = eth(udp(new byte[] {10, 5, 0, 1}, 41000, new byte[] {10, 6, 0, 1}, 42000, dtlsRecord(22, f, hs)));
        }
        return out;
    }

    /**
     * A SIP MESSAGE of {@code bodyLength} bytes of body over UDP in IPv4 fragments of at most 1480
     * bytes, 10.7.0.1:5060 to 10.8.0.1:5060, IP id {@code id}.
     */
    public static byte[][] fragmentedSip(final int id, final int bodyLength) {
        final String body = "x".repeat(bodyLength);
        final String sip = "MESSAGE sip:bob@10.8.0.1 SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 10.7.0.1:5060;branch=z9hG4bK-frag-" + id + "\r\n"
            + "From: <sip:alice@10.7.0.1>;tag=a" + id + "\r\n"
            + "To: <sip:bob@10.8.0.1>\r\n"
            + "Call-ID: frag-" + id + "@10.7.0.1\r\n"
            + "CSeq: 1 MESSAGE\r\n"
            + "Max-Forwards: 70\r\n"
            + "Content-Type: text/plain\r\n"
            + "Content-Length: " + bodyLength + "\r\n\r\n" + body;
        final byte[] dgram = udpHeaderAndPayload(5060, 5060, sip.getBytes(StandardCharsets.US_ASCII));
        final int n = (dgram.length + 1479) / 1480;
        final byte[][] out = new byte[n][];
        for (int f = 0; f < n; f++) {
            final int from = f * 1480;
            final int to = Math.min(dgram.length, from + 1480);
            final byte[] part = java.util.Arrays.copyOfRange(dgram, from, to);
            out[f] = eth(ipv4(new byte[] {10, 7, 0, 1}, new byte[] {10, 8, 0, 1}, 17, id, to < dgram.length, from, part));
        }
        return out;
    }

    /** Appends every frame of {@code capture} (an Ethernet capture) to {@code w}; returns how many. */
    public static int copy(final Path capture, final PcapWriter w) throws IOException {
        int n = 0;
        try (PacketSource src = CaptureFiles.open(capture.toString())) {
            final RawFrame f = new RawFrame();
            while (src.next(f)) {
                w.write(f);
                n++;
            }
        }
        return n;
    }

    /** Time of the first frame of {@code capture}. */
    public static long firstTimestamp(final Path capture) throws IOException {
        try (PacketSource src = CaptureFiles.open(capture.toString())) {
            final RawFrame f = new RawFrame();
            if (!src.next(f)) {
                throw new IOException(capture + ": no frames");
            }
            return f.tsNanos;
        }
    }

    // ---------------------------------------------------------------- headers

    private static byte[] dtlsRecord(final int type, final long seq, final byte[] body) {
        final byte[] r = new byte[13 + body.length];
        r[0] = (byte) type;
        put16(r, 1, 0xFEFD);
        put16(r, 3, 0);
        put32(r, 7, seq);
        put16(r, 11, body.length);
        System.arraycopy(body, 0, r, 13, body.length);
        return r;
    }

    private static byte[] udpHeaderAndPayload(final int sport, final int dport, final byte[] payload) {
        final byte[] u = new byte[8 + payload.length];
        put16(u, 0, sport);
        put16(u, 2, dport);
        put16(u, 4, u.length);
        System.arraycopy(payload, 0, u, 8, payload.length);
        return u;
    }

    private static byte[] udp(final byte[] src, final int sport, final byte[] dst, final int dport, final byte[] payload) {
        return ipv4(src, dst, 17, 1, false, 0, udpHeaderAndPayload(sport, dport, payload));
    }

    private static byte[] ipv4(final byte[] src, final byte[] dst, final int proto, final int id, final boolean more,
                               final int fragOffset, final byte[] payload) {
        final byte[] p = new byte[20 + payload.length];
        p[0] = 0x45;
        put16(p, 2, p.length);
        put16(p, 4, id);
        put16(p, 6, (more ? 0x2000 : 0) | (fragOffset / 8));
        p[8] = 64;
        p[9] = (byte) proto;
        System.arraycopy(src, 0, p, 12, 4);
        System.arraycopy(dst, 0, p, 16, 4);
        System.arraycopy(payload, 0, p, 20, payload.length);
        return p;
    }

    private static byte[] eth(final byte[] ip) {
        final byte[] f = new byte[14 + ip.length];
        for (int k = 0; k < 6; k++) {
            f[k] = (byte) (0x02 + k);
            f[6 + k] = (byte) (0x12 + k);
        }
        put16(f, 12, 0x0800);
        System.arraycopy(ip, 0, f, 14, ip.length);
        return f;
    }

    private static void put16(final byte[] b, final int off, final int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    private static void put24(final byte[] b, final int off, final int v) {
        b[off] = (byte) (v >>> 16);
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) v;
    }

    private static void put32(final byte[] b, final int off, final long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    /** {@code ip|dtls|stun N FILE [REAL.pcap]}: N flood packets, then the real capture's frames if given. */
    public static void main(final String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: HostileCaptures ip|dtls|stun N FILE [REAL.pcap]");
            System.exit(2);
        }
        final String kind = args[0].toLowerCase(Locale.ROOT);
        final int n = Integer.parseInt(args[1]);
        // the flood ends a millisecond before the real traffic (no timeout ends it in between)
        final long t0 = args.length > 3 ? firstTimestamp(Path.of(args[3])) - 1_000_000L - n * 1000L : T0;
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(Path.of(args[2])));
             PcapWriter w = writer(os)) {
            for (int i = 0; i < n; i++) {
                final byte[] f = switch (kind) {
                    case "ip" -> ipFragment(i);
                    case "dtls" -> dtlsFragment(i);
                    case "stun" -> stunRequest(i);
                    default -> throw new IllegalArgumentException("ip, dtls or stun: " + kind);
                };
                w.write(t0 + i * 1000L, f, 0, f.length, f.length);
            }
            if (args.length > 3) {
                copy(Path.of(args[3]), w);
            }
        }
    }
}
