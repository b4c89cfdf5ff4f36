package dev.callscope.bench;

import static dev.callscope.bench.PacketWriter.ip;
import static dev.callscope.bench.PacketWriter.put16;
import static dev.callscope.bench.PacketWriter.put32;

import dev.callscope.core.InputException;
import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.pcap.CaptureFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Adversarial captures: a flood built to exhaust one of the analysis' bounds, followed by one real,
 * complete thing that must still be reported correctly: a SIP call with SDP and two RTP streams
 * ({@link #REAL_CALL}, call 0 of {@link SyntheticCalls}, at {@link SyntheticCalls#EPOCH_MICROS}) or
 * the WebRTC session of {@code samples/webrtc/chromium-loopback.pcap} (spliced in with shifted
 * timestamps). The flood ends a second before the real thing starts, and lasts seconds at most, so
 * no idle timeout of the analysis releases it. Written streaming: memory does not depend on the
 * size. {@code n} is the number of flood packets (case {@code regex}: of calls).
 *
 * <pre>
 * java -cp target/test-classes:target/classes dev.callscope.bench.Hostile tuples bench/out/tuples.pcap 1000000
 * </pre>
 */
public final class Hostile {
    /** The real call of the SIP cases: one call of 2 s of G.711 both ways, 7 SIP messages, 100 RTP packets each way. */
    public static final SyntheticCalls.Config REAL_CALL = new SyntheticCalls.Config(1, 1000, 2000, 17);
    /** Where the WebRTC session is read from, relative to the project's root. */
    public static final Path WEBRTC_SAMPLE = Path.of("samples", "webrtc", "chromium-loopback.pcap");
    /** The WebRTC session of {@link #WEBRTC_SAMPLE}: its ufrag pair, packets, nominated pair and main SRTP stream. */
    public static final String WEBRTC_UFRAGS = "TjSB:gHuf";
    public static final int WEBRTC_PACKETS = 313;
    public static final String WEBRTC_NOMINATED_LOCAL = "127.0.0.1:47842";
    public static final String WEBRTC_NOMINATED_REMOTE = "127.0.0.1:41518";
    public static final String WEBRTC_SRTP_SSRC = "0xF9D9B580";
    public static final int WEBRTC_SRTP_PACKETS = 165;

    /** The From URI of case {@code regex}: 61 characters, 48 of them 'a', not ending in 'a'. */
    public static final String LONG_FROM_URI = "sip:" + "a".repeat(48) + "@10.0.0.1";
    /** The spec of case {@code long-call}: the call's whole sequence. */
    public static final String LONG_CALL_SEQUENCE = "INVITE, 200, ACK, INFO*";

    private static final int SIP_PORT = 5060;
    private static final byte[] JUNK = "callscope-hostil".getBytes(StandardCharsets.US_ASCII);

    /** The cases; each name is also accepted as its letter. */
    public enum Case {
        /** 83-byte DTLS handshake fragments, each announcing a 256 KiB message: 8 pending per direction per 5-tuple. */
        DTLS("a", "dtls", 1_600),
        /** 8-byte IPv4 fragments at offset 65520 (last fragments), each of its own datagram (IP id). */
        FRAGMENTS("b", "fragments", 4_200),
        /** INVITEs that are never answered, each its own Call-ID, on one 5-tuple. */
        INVITES("c", "invites", 1_000_000),
        /** RTP with a new SSRC in every packet on the ports a call's SDP announced. */
        SSRC("d", "ssrc", 100_000),
        /** One UDP packet on each of n 5-tuples. */
        TUPLES("e", "tuples", 1_000_000),
        /** One call: INVITE, 200, ACK, then n INFO (no real call besides). */
        LONG_CALL("f", "long-call", 30_000),
        /** n complete calls whose From URI is {@link #LONG_FROM_URI} (no real call besides). */
        REGEX("g", "regex", 1),
        /** One STUN Binding request on each of n 5-tuples, then the WebRTC session. */
        STUN("h", "stun", 1_100);

        public final String letter;
        public final String id;
        public final int defaultSize;

        Case(final String letter, final String id, final int defaultSize) {
            this.letter = letter;
            this.id = id;
            this.defaultSize = defaultSize;
        }

        /** A case by name or letter. */
        public static Case of(final String s) {
            for (final Case c : values()) {
                if (c.id.equalsIgnoreCase(s) || c.letter.equalsIgnoreCase(s)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("unknown case '" + s + "'");
        }

        /** Is the real thing the WebRTC session (else the SIP call, or nothing)? */
        public boolean webrtc() {
            return this == DTLS || this == STUN;
        }

        /** Does the capture end with {@link #REAL_CALL}? */
        public boolean realCall() {
            return !webrtc() && this != LONG_CALL && this != REGEX;
        }
    }

    /** What was written: all packets, the flood's packets, file bytes. */
    public record Summary(Case hostileCase, int n, long packets, long floodPackets, long bytes) {
    }

    private Hostile() {
    }

    /** {@link #REAL_CALL}'s call: Call-ID, endpoints, SSRCs. */
    public static SyntheticCalls.Call realCall() {
        return SyntheticCalls.call(REAL_CALL, 0);
    }

    /** Writes case {@code c} of size {@code n} to {@code out} (replaced if it exists). */
    public static Summary write(final Case c, final int n, final Path out) throws IOException {
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16)) {
            return write(c, n, os);
        }
    }

    /** Writes case {@code c} of size {@code n} to {@code out} (flushed, not closed). */
    public static Summary write(final Case c, final int n, final OutputStream out) throws IOException {
        if (n < 1) {
            throw new IllegalArgumentException("size must be at least 1: " + n);
        }
        final PacketWriter w = new PacketWriter(out);
        final long t0 = SyntheticCalls.EPOCH_MICROS;
        switch (c) {
            case DTLS -> dtls(w, n, t0 - 1_000_000 - n * 100L, 100);
            case FRAGMENTS -> fragments(w, n, t0 - 1_000_000 - n * 10L, 10);
            case INVITES -> invites(w, n, t0 - 1_000_000 - n * 10L, 10);
            case SSRC -> ssrc(w, n, t0 - 1_000_000 - n * 10L, 10);
            case TUPLES -> tuples(w, n, t0 - 1_000_000 - n * 2L, 2);
            case LONG_CALL -> longCall(w, n, t0);
            case REGEX -> regex(w, n, t0);
            case STUN -> stun(w, n, t0 - 1_000_000 - n * 100L, 100);
            default -> throw new AssertionError(c);
        }
        final long flood = w.packets();
        if (c.realCall()) {
            SyntheticCalls.write(w, REAL_CALL);
        } else if (c.webrtc()) {
            splice(w, WEBRTC_SAMPLE, t0);
        }
        w.flush();
        return new Summary(c, n, w.packets(), flood, w.bytes());
    }

    // ------------------------------------------------------------------ the floods

    /**
     * DTLS 1.2 records of 83 bytes (13 record header, 12 handshake header, 58 bytes of body), each
     * the first fragment of a Certificate of 262,144 bytes with its own message_seq: 16 per
     * 5-tuple, 8 each way, from 10.3.x.y:40000 and 10.4.0.1:50000.
     */
    private static void dtls(final PacketWriter w, final int n, final long start, final int step) throws IOException {
        final byte[] p = new byte[83];
        final int server = ip(10, 4, 0, 1);
        for (int i = 0; i < n; i++) {
            final int tuple = i / 16;
            final int j = i % 16;
            final int client = ip(10, 3, tuple >>> 8 & 0xff, tuple & 0xff);
            final int cport = 40_000 + (tuple >>> 16);
            final int seq = j >>> 1;
            p[0] = 22; // handshake
            p[1] = (byte) 0xFE;
            p[2] = (byte) 0xFD; // DTLS 1.2
            put16(p, 3, 0); // epoch
            put16(p, 5, 0);
            put32(p, 7, seq); // record sequence number
            put16(p, 11, 70);
            p[13] = 11; // Certificate
            put24(p, 14, 1 << 18); // the whole message: 256 KiB
            put16(p, 17, seq); // message_seq
            put24(p, 19, 0); // fragment_offset
            put24(p, 22, 58); // fragment_length
            for (int k = 25; k < p.length; k++) {
                p[k] = (byte) (i + k);
            }
            if ((j & 1) == 0) {
                w.udp(start + (long) i * step, client, cport, server, 50_000, p);
            } else {
                w.udp(start + (long) i * step, server, 50_000, client, cport, p);
            }
        }
    }

    /**
     * Last fragments (more fragments 0) of 8 bytes at offset 65,520 of UDP datagrams from
     * 10.5.k.1 to 10.6.0.1, IP id {@code i % 65536}, {@code k = i / 65536}: each of its own
     * datagram, none ever complete.
     */
    private static void fragments(final PacketWriter w, final int n, final long start, final int step) throws IOException {
        final byte[] p = new byte[8];
        final int dst = ip(10, 6, 0, 1);
        for (int i = 0; i < n; i++) {
            put32(p, 0, i);
            put32(p, 4, ~i);
            w.ipv4Fragment(start + (long) i * step, ip(10, 5, i >>> 16 & 0xff, 1), dst, 17, i & 0xffff, 65_520, false, p, 0,
                p.length);
        }
    }

    /** INVITEs from 10.1.0.1:5060 to 10.2.0.1:5060, each its own Call-ID, From tag and branch, never answered. */
    private static void invites(final PacketWriter w, final int n, final long start, final int step) throws IOException {
        final int a = ip(10, 1, 0, 1);
        final int b = ip(10, 2, 0, 1);
        for (int i = 0; i < n; i++) {
            final String user = "caller" + i;
            final byte[] m = sip("INVITE sip:callee@10.2.0.1:5060 SIP/2.0", "10.1.0.1", "z9hG4bK-inv-" + i,
                "<sip:" + user + "@10.1.0.1>;tag=f" + i, "<sip:callee@10.2.0.1>", "flood-" + i + "@10.1.0.1", "1 INVITE",
                "<sip:" + user + "@10.1.0.1:5060>", null);
            w.udp(start + (long) i * step, a, SIP_PORT, b, SIP_PORT, m);
        }
    }

    /**
     * A call between 10.9.0.1 and 10.9.0.2 whose SDP announces RTP on 10.9.0.1:16000 and
     * 10.9.0.2:16002 (INVITE, 200, ACK), then n G.711 RTP packets between those ports, both ways
     * in turn, each with an SSRC never seen before, then BYE and its 200.
     */
    private static void ssrc(final PacketWriter w, final int n, final long start, final int step) throws IOException {
        final int a = ip(10, 9, 0, 1);
        final int b = ip(10, 9, 0, 2);
        final String callId = "ssrc-flood@10.9.0.1";
        final String from = "<sip:flooder@10.9.0.1>;tag=ff1";
        final String to = "<sip:victim@10.9.0.2>";
        final String toTagged = to + ";tag=vv1";
        w.udp(start - 3_000, a, SIP_PORT, b, SIP_PORT, sip("INVITE sip:victim@10.9.0.2:5060 SIP/2.0", "10.9.0.1",
            "z9hG4bK-ssrc-1", from, to, callId, "1 INVITE", "<sip:flooder@10.9.0.1:5060>", sdp("10.9.0.1", 16_000)));
        w.udp(start - 2_000, b, SIP_PORT, a, SIP_PORT, sip("SIP/2.0 200 OK", "10.9.0.1", "z9hG4bK-ssrc-1", from, toTagged,
            callId, "1 INVITE", "<sip:victim@10.9.0.2:5060>", sdp("10.9.0.2", 16_002)));
        w.udp(start - 1_000, a, SIP_PORT, b, SIP_PORT, sip("ACK sip:victim@10.9.0.2:5060 SIP/2.0", "10.9.0.1",
            "z9hG4bK-ssrc-2", from, toTagged, callId, "1 ACK", null, null));
        final byte[] p = new byte[12 + 160];
        for (int i = 0; i < n; i++) {
            p[0] = (byte) 0x80;
            p[1] = 8; // PCMA
            put16(p, 2, i >>> 1);
            put32(p, 4, (i >>> 1) * 160);
            put32(p, 8, SyntheticCalls.fmix32(i ^ 0x5EED5EED)); // a bijection: every SSRC new
            for (int k = 12; k < p.length; k++) {
                p[k] = (byte) 0xD5; // A-law silence
            }
            if ((i & 1) == 0) {
                w.udp(start + (long) i * step, a, 16_000, b, 16_002, p);
            } else {
                w.udp(start + (long) i * step, b, 16_002, a, 16_000, p);
            }
        }
        final long end = start + (long) n * step;
        w.udp(end + 1_000, a, SIP_PORT, b, SIP_PORT, sip("BYE sip:victim@10.9.0.2:5060 SIP/2.0", "10.9.0.1", "z9hG4bK-ssrc-3",
            from, toTagged, callId, "2 BYE", null, null));
        w.udp(end + 2_000, b, SIP_PORT, a, SIP_PORT, sip("SIP/2.0 200 OK", "10.9.0.1", "z9hG4bK-ssrc-3", from, toTagged,
            callId, "2 BYE", null, null));
    }

    /** One 16-byte UDP datagram on each of n 5-tuples: 10.(64 + i / 65536).x.y:40000 to 10.200.0.1:9999. */
    private static void tuples(final PacketWriter w, final int n, final long start, final int step) throws IOException {
        final int dst = ip(10, 200, 0, 1);
        for (int i = 0; i < n; i++) {
            w.udp(start + (long) i * step, ip(10, 64 + (i >>> 16 & 0x7f), i >>> 8 & 0xff, i & 0xff), 40_000, dst, 9_999, JUNK);
        }
    }

    /**
     * One call from 10.12.0.1 to 10.12.0.2: INVITE, 200, ACK, then n INFO requests (CSeq 2..n+1,
     * 1 ms apart, no responses); the call ends in IN CALL. Call-ID {@code long-call@10.12.0.1}.
     */
    private static void longCall(final PacketWriter w, final int n, final long start) throws IOException {
        final int a = ip(10, 12, 0, 1);
        final int b = ip(10, 12, 0, 2);
        final String callId = "long-call@10.12.0.1";
        final String from = "<sip:talker@10.12.0.1>;tag=lc1";
        final String toTagged = "<sip:listener@10.12.0.2>;tag=lc2";
        w.udp(start, a, SIP_PORT, b, SIP_PORT, sip("INVITE sip:listener@10.12.0.2:5060 SIP/2.0", "10.12.0.1", "z9hG4bK-lc-0",
            from, "<sip:listener@10.12.0.2>", callId, "1 INVITE", "<sip:talker@10.12.0.1:5060>", null));
        w.udp(start + 100_000, b, SIP_PORT, a, SIP_PORT, sip("SIP/2.0 200 OK", "10.12.0.1", "z9hG4bK-lc-0", from, toTagged,
            callId, "1 INVITE", "<sip:listener@10.12.0.2:5060>", null));
        w.udp(start + 101_000, a, SIP_PORT, b, SIP_PORT, sip("ACK sip:listener@10.12.0.2:5060 SIP/2.0", "10.12.0.1",
            "z9hG4bK-lc-1", from, toTagged, callId, "1 ACK", null, null));
        for (int i = 0; i < n; i++) {
            w.udp(start + 200_000 + i * 1_000L, a, SIP_PORT, b, SIP_PORT, sip("INFO sip:listener@10.12.0.2:5060 SIP/2.0",
                "10.12.0.1", "z9hG4bK-lc-info-" + i, from, toTagged, callId, (i + 2) + " INFO", null, null));
        }
    }

    /** n complete calls (INVITE, 200, ACK, BYE, 200) from {@link #LONG_FROM_URI}, 10.13.0.1 to 10.13.0.2. */
    private static void regex(final PacketWriter w, final int n, final long start) throws IOException {
        final int a = ip(10, 13, 0, 1);
        final int b = ip(10, 13, 0, 2);
        for (int i = 0; i < n; i++) {
            final long t = start + i * 10_000L;
            final String callId = "regex-" + i + "@10.13.0.1";
            final String from = "<" + LONG_FROM_URI + ">;tag=rx" + i;
            final String to = "<sip:bob@10.13.0.2>";
            final String toTagged = to + ";tag=rb" + i;
            final String ruri = "sip:bob@10.13.0.2:5060 SIP/2.0";
            w.udp(t, a, SIP_PORT, b, SIP_PORT, sip("INVITE " + ruri, "10.13.0.1", "z9hG4bK-rx-" + i + "-0", from, to, callId,
                "1 INVITE", "<sip:a@10.13.0.1:5060>", null));
            w.udp(t + 1_000, b, SIP_PORT, a, SIP_PORT, sip("SIP/2.0 200 OK", "10.13.0.1", "z9hG4bK-rx-" + i + "-0", from,
                toTagged, callId, "1 INVITE", "<sip:bob@10.13.0.2:5060>", null));
            w.udp(t + 2_000, a, SIP_PORT, b, SIP_PORT, sip("ACK " + ruri, "10.13.0.1", "z9hG4bK-rx-" + i + "-1", from,
                toTagged, callId, "1 ACK", null, null));
            w.udp(t + 5_000, a, SIP_PORT, b, SIP_PORT, sip("BYE " + ruri, "10.13.0.1", "z9hG4bK-rx-" + i + "-2", from,
                toTagged, callId, "2 BYE", null, null));
            w.udp(t + 6_000, b, SIP_PORT, a, SIP_PORT, sip("SIP/2.0 200 OK", "10.13.0.1", "z9hG4bK-rx-" + i + "-2", from,
                toTagged, callId, "2 BYE", null, null));
        }
    }

    /**
     * One STUN Binding request (USERNAME {@code rN:lN}, its own transaction id) on each of n
     * 5-tuples, from 10.10.x.y:50000 to 10.11.0.1:50001; never answered.
     */
    private static void stun(final PacketWriter w, final int n, final long start, final int step) throws IOException {
        final int dst = ip(10, 11, 0, 1);
        final byte[] p = new byte[20 + 4 + 32];
        for (int i = 0; i < n; i++) {
            final byte[] user = ("r" + i + ":l" + i).getBytes(StandardCharsets.US_ASCII);
            final int padded = (user.length + 3) & ~3;
            put16(p, 0, 0x0001); // Binding request
            put16(p, 2, 4 + padded);
            put32(p, 4, 0x2112A442);
            put32(p, 8, 0x4A554E4B); // "JUNK"
            put32(p, 12, i);
            put32(p, 16, SyntheticCalls.fmix32(i));
            put16(p, 20, 0x0006); // USERNAME
            put16(p, 22, user.length);
            System.arraycopy(user, 0, p, 24, user.length);
            for (int k = 24 + user.length; k < 24 + padded; k++) {
                p[k] = 0;
            }
            w.udp(start + (long) i * step, ip(10, 10, i >>> 8 & 0xff, i & 0xff), 50_000 + (i >>> 16), dst, 50_001, p, 0,
                24 + padded);
        }
    }

    // ------------------------------------------------------------------ the real session

    /** Copies every frame of {@code sample} to {@code w}, shifted so that its first packet is at {@code start} (µs). */
    static void splice(final PacketWriter w, final Path sample, final long start) throws IOException {
        final RawFrame f = new RawFrame();
        long shift = Long.MIN_VALUE;
        try (PacketSource src = CaptureFiles.open(sample.toString())) {
            while (src.next(f)) {
                final long micros = Math.floorDiv(f.tsNanos, 1000L);
                if (shift == Long.MIN_VALUE) {
                    shift = start - micros;
                }
                w.frame(micros + shift, f.data, f.capLen);
            }
        } catch (InputException e) {
            throw new IOException(sample + ": " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ SIP text

    /** A SIP message over UDP (Content-Length always present; {@code contact} and {@code sdp} optional). */
    static byte[] sip(final String firstLine, final String viaHost, final String branch, final String from, final String to,
                      final String callId, final String cseq, final String contact, final String sdp) {
        final StringBuilder m = new StringBuilder(600);
        m.append(firstLine).append("\r\n");
        m.append("Via: SIP/2.0/UDP ").append(viaHost).append(":5060;branch=").append(branch).append("\r\n");
        if (!firstLine.startsWith("SIP/2.0")) {
            m.append("Max-Forwards: 70\r\n");
        }
        m.append("From: ").append(from).append("\r\n");
        m.append("To: ").append(to).append("\r\n");
        m.append("Call-ID: ").append(callId).append("\r\n");
        m.append("CSeq: ").append(cseq).append("\r\n");
        if (contact != null) {
            m.append("Contact: ").append(contact).append("\r\n");
        }
        m.append("User-Agent: callscope-hostile\r\n");
        if (sdp == null) {
            m.append("Content-Length: 0\r\n\r\n");
        } else {
            m.append("Content-Type: application/sdp\r\n");
            m.append("Content-Length: ").append(sdp.length()).append("\r\n\r\n").append(sdp);
        }
        return m.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static String sdp(final String host, final int port) {
        return "v=0\r\n"
            + "o=- 1 1 IN IP4 " + host + "\r\n"
            + "s=-\r\n"
            + "c=IN IP4 " + host + "\r\n"
            + "t=0 0\r\n"
            + "m=audio " + port + " RTP/AVP 8\r\n"
            + "a=rtpmap:8 PCMA/8000\r\n"
            + "a=sendrecv\r\n";
    }

    private static void put24(final byte[] f, final int o, final int v) {
        f[o] = (byte) (v >>> 16);
        f[o + 1] = (byte) (v >>> 8);
        f[o + 2] = (byte) v;
    }

    /** The real call's and session's values as shell assignments (for bench/hostile.sh). */
    private static void printReal(final PrintStream out) {
        final SyntheticCalls.Call c = realCall();
        out.println("REAL_CALL_ID=" + c.callId());
        out.println("REAL_CALLER_SIP=" + c.callerSip());
        out.println("REAL_CALLEE_SIP=" + c.calleeSip());
        out.println("REAL_CALLER_MEDIA=" + c.callerMedia());
        out.println("REAL_CALLEE_MEDIA=" + c.calleeMedia());
        out.println(String.format(Locale.ROOT, "REAL_CALLER_SSRC=0x%08X", c.callerSsrc()));
        out.println(String.format(Locale.ROOT, "REAL_CALLEE_SSRC=0x%08X", c.calleeSsrc()));
        out.println("REAL_SIP_MESSAGES=" + SyntheticCalls.SIP_PER_CALL);
        out.println("REAL_RTP_PER_DIRECTION=" + REAL_CALL.rtpPerDirection());
        out.println("REAL_CALL_PACKETS=" + REAL_CALL.packetsPerCall());
        out.println("WEBRTC_UFRAGS=" + WEBRTC_UFRAGS);
        out.println("WEBRTC_PACKETS=" + WEBRTC_PACKETS);
        out.println("WEBRTC_NOMINATED_LOCAL=" + WEBRTC_NOMINATED_LOCAL);
        out.println("WEBRTC_NOMINATED_REMOTE=" + WEBRTC_NOMINATED_REMOTE);
        out.println("WEBRTC_SRTP_SSRC=" + WEBRTC_SRTP_SSRC);
        out.println("WEBRTC_SRTP_PACKETS=" + WEBRTC_SRTP_PACKETS);
    }

    private static void usage(final PrintStream out) {
        out.println("usage: Hostile CASE FILE [N]   or   Hostile real");
        out.println("  real: prints the real call's and WebRTC session's values as shell assignments");
        out.println("  writes an adversarial capture to FILE ('-': standard output); N: flood packets (regex: calls)");
        for (final Case c : Case.values()) {
            out.println(String.format(Locale.ROOT, "  %s %-10s default N %,d", c.letter, c.id, c.defaultSize));
        }
    }

    public static void main(final String[] args) throws IOException {
        final Case c;
        final int n;
        try {
            if (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
                usage(System.out);
                return;
            }
            if (args.length == 1 && args[0].equals("real")) {
                printReal(System.out);
                return;
            }
            if (args.length < 2 || args.length > 3) {
                throw new IllegalArgumentException("expected CASE FILE [N]");
            }
            c = Case.of(args[0]);
            n = args.length == 3 ? Integer.parseInt(args[2].replace("_", "")) : c.defaultSize;
            if (n < 1) {
                throw new IllegalArgumentException("N must be at least 1");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("Hostile: " + e.getMessage());
            usage(System.err);
            System.exit(2);
            return;
        }
        final long t0 = System.nanoTime();
        final Summary s;
        if (args[1].equals("-")) {
            s = write(c, n, System.out);
        } else {
            s = write(c, n, Path.of(args[1]));
        }
        System.err.println(String.format(Locale.ROOT, "%s: case %s (%s) N=%d: %d packets (%d of the flood), %d bytes; written in %.2f s",
            args[1], c.letter, c.id, n, s.packets(), s.floodPackets(), s.bytes(), (System.nanoTime() - t0) / 1e9));
    }
}
