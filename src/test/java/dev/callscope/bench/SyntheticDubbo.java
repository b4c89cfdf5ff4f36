package dev.callscope.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.PriorityQueue;

/**
 * A Dubbo capture of any size: {@code connections} TCP connections (SYN, SYN-ACK, ACK; FIN both ways
 * at the end) from 10.0.0.1 ports 30000.. to 10.0.0.2:20880, and {@code calls} hessian2 calls of
 * {@code com.example.GreetingService#greet(String)} spread over them round robin, one every {@code
 * intervalMicros}; each request carries a {@code timeout} attachment of 1000 ms. Call k is answered
 * {@link #latencyMicros} later, except every {@code unansweredEvery}-th (no response ever) and every
 * {@code lateEvery}-th (answered 1.5 s later, past its timeout). Every packet is in time order
 * (responses wait in a heap), so memory follows the calls in flight. Checksums are left 0.
 *
 * @param calls number of requests
 * @param connections TCP connections carrying them
 * @param intervalMicros time between two requests
 * @param unansweredEvery every n-th call gets no response (0: none)
 * @param lateEvery every n-th call is answered after 1.5 s (0: none)
 */
public record SyntheticDubbo(int calls, int connections, long intervalMicros, int unansweredEvery, int lateEvery) {
    /** Start of the capture, µs since the epoch (2026-01-01). */
    static final long EPOCH_MICROS = 1_767_225_600_000_000L;
    static final String SERVICE = "com.example.GreetingService";
    private static final int HEADER = PacketWriter.TCP_HEADERS;
    private static final int SYN = 0x02;
    private static final int ACK = 0x10;
    private static final int PSH = 0x08;
    private static final int FIN = 0x01;

    /** Latency of call k, µs: 200 µs to 5.2 ms, or 1.5 s for every {@code lateEvery}-th. */
    long latencyMicros(final long k) {
        if (lateEvery > 0 && k % lateEvery == lateEvery - 1) {
            return 1_500_000;
        }
        return 200 + (k * 7919) % 5000;
    }

    boolean answered(final long k) {
        return unansweredEvery <= 0 || k % unansweredEvery != unansweredEvery - 1;
    }

    /** What was written. */
    public record Summary(long packets, long bytes, long answered, long unanswered, long firstMicros, long lastMicros) {
    }

    private record Pending(long time, long seq, int conn, long id) implements Comparable<Pending> {
        @Override
        public int compareTo(final Pending o) {
            return time != o.time ? Long.compare(time, o.time) : Long.compare(seq, o.seq);
        }
    }

    /** Writes the capture to {@code out} (replaced if it exists). */
    public Summary write(final Path out) throws IOException {
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16)) {
            return write(os);
        }
    }

    /** Writes the capture to {@code out} (flushed, not closed). */
    public Summary write(final OutputStream out) throws IOException {
        final Writer w = new Writer(new PacketWriter(out), connections);
        long t = EPOCH_MICROS;
        for (int c = 0; c < connections; c++) {
            w.tcp(t, c, true, SYN, null);
            w.tcp(t + 50, c, false, SYN | ACK, null);
            w.tcp(t + 100, c, true, ACK, null);
            t += 200;
        }
        final PriorityQueue<Pending> responses = new PriorityQueue<>();
        long answered = 0;
        long seq = 0;
        for (long k = 0; k < calls; k++) {
            final long at = t + k * intervalMicros;
            while (!responses.isEmpty() && responses.peek().time() <= at) {
                final Pending p = responses.poll();
                w.tcp(p.time(), p.conn(), false, PSH | ACK, response(p.id()));
            }
            final int conn = (int) (k % connections);
            w.tcp(at, conn, true, PSH | ACK, request(k));
            if (answered(k)) {
                responses.add(new Pending(at + latencyMicros(k), seq++, conn, k));
                answered++;
            }
        }
        long end = t + calls * intervalMicros;
        while (!responses.isEmpty()) {
            final Pending p = responses.poll();
            w.tcp(p.time(), p.conn(), false, PSH | ACK, response(p.id()));
            end = Math.max(end, p.time());
        }
        end += 1000;
        for (int c = 0; c < connections; c++) {
            w.tcp(end, c, true, FIN | ACK, null);
            w.tcp(end + 50, c, false, FIN | ACK, null);
            w.tcp(end + 100, c, true, ACK, null);
            end += 200;
        }
        w.pcap.flush();
        return new Summary(w.pcap.packets(), w.pcap.bytes(), answered, calls - answered, EPOCH_MICROS, w.pcap.lastMicros());
    }

    /** Frames and TCP sequence numbers. */
    private static final class Writer {
        private static final int CLIENT = PacketWriter.ip(10, 0, 0, 1);
        private static final int SERVER = PacketWriter.ip(10, 0, 0, 2);
        final PacketWriter pcap;
        final long[][] seqs;
        final byte[] frame = new byte[HEADER + 512];
        int ipId;

        Writer(final PacketWriter pcap, final int connections) {
            this.pcap = pcap;
            this.seqs = new long[connections][2];
            for (int c = 0; c < connections; c++) {
                seqs[c][0] = 1_000L + c;
                seqs[c][1] = 900_000L + c;
            }
        }

        void tcp(final long micros, final int conn, final boolean fromClient, final int flags, final byte[] payload)
            throws IOException {
            final int len = payload == null ? 0 : payload.length;
            if (len > 0) {
                System.arraycopy(payload, 0, frame, HEADER, len);
            }
            final int clientPort = 30_000 + conn;
            final int dir = fromClient ? 0 : 1;
            final int n = fromClient
                ? PacketWriter.tcpHeaders(frame, CLIENT, SERVER, clientPort, 20880, seqs[conn][dir],
                    (flags & ACK) != 0 ? seqs[conn][1 - dir] : 0, flags, ipId++ & 0xFFFF, len)
                : PacketWriter.tcpHeaders(frame, SERVER, CLIENT, 20880, clientPort, seqs[conn][dir],
                    (flags & ACK) != 0 ? seqs[conn][1 - dir] : 0, flags, ipId++ & 0xFFFF, len);
            seqs[conn][dir] += len + ((flags & (SYN | FIN)) != 0 ? 1 : 0);
            pcap.frame(micros, frame, n);
        }
    }

    /** A Dubbo frame: the 16-byte header (magic, flags, status, id, length) then the body. */
    private static byte[] frame(final int flags, final int status, final long id, final byte[] body) {
        final byte[] f = new byte[16 + body.length];
        f[0] = (byte) 0xda;
        f[1] = (byte) 0xbb;
        f[2] = (byte) flags;
        f[3] = (byte) status;
        for (int i = 0; i < 8; i++) {
            f[4 + i] = (byte) (id >>> (56 - 8 * i));
        }
        PacketWriter.put32(f, 12, body.length);
        System.arraycopy(body, 0, f, 16, body.length);
        return f;
    }

    /** Request k: greet("n" + k), hessian2, two-way, with a timeout attachment of 1000 ms. */
    static byte[] request(final long k) {
        final java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream(128);
        str(b, "2.0.2");
        str(b, SERVICE);
        str(b, "0.0.0");
        str(b, "greet");
        str(b, "Ljava/lang/String;");
        str(b, "n" + k);
        b.write('H');
        str(b, "path");
        str(b, SERVICE);
        str(b, "timeout");
        str(b, "1000");
        b.write('Z');
        return frame(0x80 | 0x40 | 2, 0, k, b.toByteArray());
    }

    /** The OK response to request k: RESPONSE_VALUE (1) then "Hello, n" + k. */
    static byte[] response(final long k) {
        final java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream(32);
        b.write(0x91);
        str(b, "Hello, n" + k);
        return frame(2, 20, k, b.toByteArray());
    }

    /** A hessian2 short string (under 1024 chars, ASCII). */
    private static void str(final java.io.ByteArrayOutputStream b, final String s) {
        final byte[] a = s.getBytes(StandardCharsets.US_ASCII);
        if (a.length < 32) {
            b.write(a.length);
        } else {
            b.write(0x30 + (a.length >> 8));
            b.write(a.length & 0xFF);
        }
        b.writeBytes(a);
    }

    private static void usage(final PrintStream out) {
        out.println("usage: SyntheticDubbo [--calls N] [--connections N] [--interval-us US] [--unanswered-every N]");
        out.println("                      [--late-every N] -o FILE");
        out.println("  defaults: 1000 calls, 4 connections, 1000 us apart, every 1000th unanswered, every 97th late");
    }

    public static void main(final String[] args) throws IOException {
        int calls = 1000;
        int connections = 4;
        long interval = 1000;
        int unanswered = 1000;
        int late = 97;
        String out = null;
        try {
            for (int i = 0; i < args.length; i++) {
                final String a = args[i];
                if (a.equals("-h") || a.equals("--help")) {
                    usage(System.out);
                    return;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + a);
                }
                final String v = args[++i];
                switch (a) {
                    case "--calls" -> calls = Integer.parseInt(v);
                    case "--connections" -> connections = Integer.parseInt(v);
                    case "--interval-us" -> interval = Long.parseLong(v);
                    case "--unanswered-every" -> unanswered = Integer.parseInt(v);
                    case "--late-every" -> late = Integer.parseInt(v);
                    case "-o", "--out" -> out = v;
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (out == null) {
                throw new IllegalArgumentException("no output file (-o FILE)");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("SyntheticDubbo: " + e.getMessage());
            usage(System.err);
            System.exit(2);
            return;
        }
        final SyntheticDubbo g = new SyntheticDubbo(calls, connections, interval, unanswered, late);
        final long t0 = System.nanoTime();
        final Summary s = g.write(Path.of(out));
        System.err.println(String.format(Locale.ROOT, "%s: %d calls on %d connections (%d answered, %d unanswered), "
                + "%d packets, %d bytes, %.1f s of traffic; written in %.2f s", out, calls, connections, s.answered(),
            s.unanswered(), s.packets(), s.bytes(), (s.lastMicros() - s.firstMicros()) / 1e6, (System.nanoTime() - t0) / 1e9));
    }
}
