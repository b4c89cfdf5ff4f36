package dev.callscope.bench;

import static dev.callscope.bench.PacketWriter.put16;
import static dev.callscope.bench.PacketWriter.put32;
import static dev.callscope.bench.PacketWriter.udpHeaders;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * A synthetic, production-scale SIP + RTP capture: many G.711 calls, each with its own media
 * addresses, interleaved in time order as a busy SBC would see them. Classic pcap, microsecond
 * timestamps, Ethernet link type, IPv4/UDP, every address in 127.0.0.0/8.
 *
 * <p>Each call: INVITE (SDP offer), 100 Trying (+2 ms), 180 Ringing (+50 ms), 200 OK (SDP answer,
 * +1 s), ACK (+1 ms), then RTP both ways (PCMA, PT 8, 160-byte payloads every 20 ms, a per-stream
 * SSRC) for {@link Config#rtpMs}, then BYE and its 200 OK: {@code 7 + 2 * rtpMs / 20} packets. Calls
 * start every {@link Config#intervalMs}. The packets of all calls in progress are merged by
 * timestamp with a heap of per-call cursors, so memory depends on the number of concurrent calls
 * only, never on the number of calls or packets. The output depends on the configuration only
 * (the seed chooses SSRCs, sequence numbers, timestamps, tags, branches and the callee's RTP phase).
 *
 * <p>Call {@code i} (0-based): caller at {@code 127.S.T.H} and callee at {@code 127.(S+64).T.H}
 * with {@code S = 1 + i / 62500}, {@code T = 1 + (i / 250) % 250}, {@code H = 1 + i % 250}; SIP on
 * port 5060 of both, RTP on caller port {@code 20000 + 2 * (i % 5000)} and callee port
 * {@code 30000 + 2 * (i % 5000)}. {@link #call} gives a test everything about call {@code i}.
 *
 * <pre>
 * java -cp target/test-classes:target/classes dev.callscope.bench.SyntheticCalls --preset 2k -o calls-2k.pcap
 * </pre>
 */
public final class SyntheticCalls {
    /** RTP packetisation (ms) and samples per packet at 8 kHz. */
    public static final int PTIME_MS = 20;
    public static final int SAMPLES_PER_PACKET = 160;
    /** SIP messages per call. */
    public static final int SIP_PER_CALL = 7;
    /** Calls the address plan can give distinct addresses to. */
    public static final int MAX_CALLS = 63 * 62_500;
    /** Capture time of call 0's INVITE: 2024-01-01 00:00:00 UTC, in microseconds. */
    public static final long EPOCH_MICROS = 1_704_067_200_000_000L;

    /** Offsets from a call's start (microseconds). */
    static final long TRYING_US = 2_000;
    static final long RINGING_US = 50_000;
    static final long OK_US = 1_000_000;
    static final long ACK_US = OK_US + 1_000;
    static final long RTP_US = ACK_US + 10_000;
    /** BYE this long after the last 20 ms slot of RTP, its 200 OK 2 ms later. */
    static final long BYE_AFTER_RTP_US = 10_000;
    static final long BYE_OK_US = 2_000;

    private static final int RTP_HEADER = 12;
    private static final int HEADERS = PacketWriter.UDP_HEADERS;
    private static final int RTP_FRAME = HEADERS + RTP_HEADER + SAMPLES_PER_PACKET;
    private static final int SIP_PORT = 5060;
    private static final byte PCMA = 8;
    private static final int DSCP_EF = 0xb8;
    private static final int DSCP_CS3 = 0x60;

    /** A-law tones, one per direction (440 Hz and 620 Hz), a second long plus one packet so no packet wraps. */
    private static final byte[] TONE_CALLER = tone(440);
    private static final byte[] TONE_CALLEE = tone(620);

    private SyntheticCalls() {
    }

    /**
     * What to generate.
     *
     * @param calls number of calls
     * @param intervalMs time between two calls' INVITEs (fractions allowed: 1000/30 for 30 calls/s)
     * @param rtpMs RTP duration per call and direction; {@code rtpMs / 20} packets each way
     * @param seed chooses SSRCs, sequence numbers, timestamps, tags, branches and phases
     */
    public record Config(int calls, double intervalMs, int rtpMs, long seed) {
        public Config {
            if (calls < 1 || calls > MAX_CALLS) {
                throw new IllegalArgumentException("calls must be in 1.." + MAX_CALLS + ": " + calls);
            }
            if (!(intervalMs > 0) || Double.isInfinite(intervalMs)) {
                throw new IllegalArgumentException("interval must be > 0 ms: " + intervalMs);
            }
            if (rtpMs < 0) {
                throw new IllegalArgumentException("RTP duration must be >= 0 ms: " + rtpMs);
            }
        }

        /** RTP packets per direction and call. */
        public int rtpPerDirection() {
            return rtpMs / PTIME_MS;
        }

        public int packetsPerCall() {
            return SIP_PER_CALL + 2 * rtpPerDirection();
        }

        public long packets() {
            return (long) calls * packetsPerCall();
        }

        /** Call {@code i}'s INVITE, microseconds after {@link #EPOCH_MICROS}. */
        public long startOffsetMicros(final int i) {
            return Math.round(i * intervalMs * 1000.0);
        }

        /** How long one call lasts, INVITE to the BYE's 200 OK (microseconds). */
        public long callMicros() {
            return RTP_US + (long) rtpPerDirection() * PTIME_MS * 1000 + BYE_AFTER_RTP_US + BYE_OK_US;
        }

        /** Calls in progress at once in the steady state (rounded up). */
        public long concurrentCalls() {
            return Math.min(calls, (long) Math.ceil(callMicros() / (intervalMs * 1000.0)));
        }

        /** The named shapes of bench/scale.sh. */
        public static Config preset(final String name) {
            return switch (name) {
                // 2,000 calls of 10 s, one every 30 ms: ~370 at once, 2,014,000 packets
                case "2k" -> new Config(2_000, 30, 10_000, 1);
                // a busy SBC's hour: 100,000 calls of 200 ms RTP at 30 calls/s, 2,700,000 packets, 200,000 streams
                case "100k" -> new Config(100_000, 1000.0 / 30, 200, 1);
                // the 100k shape with twice the calls (memory must not grow with calls)
                case "200k" -> new Config(200_000, 1000.0 / 30, 200, 1);
                // 1,000 calls of 10 s: 1,007,000 packets
                case "1m" -> new Config(1_000, 30, 10_000, 1);
                // 20 calls of 2 s, for checking by hand (tshark, sngrep, callscope)
                case "20" -> new Config(20, 200, 2_000, 1);
                default -> throw new IllegalArgumentException("unknown preset '" + name + "' (2k, 100k, 200k, 1m, 20)");
            };
        }
    }

    /** An IPv4 address and UDP port. */
    public record Endpoint(String ip, int port) {
        @Override
        public String toString() {
            return ip + ":" + port;
        }
    }

    /**
     * Everything about call {@code index}: its Call-ID, signalling and media endpoints, SSRCs (caller
     * to callee stream first), tags, the user parts of its URIs, and when it starts.
     */
    public record Call(int index, String callId, Endpoint callerSip, Endpoint calleeSip, Endpoint callerMedia,
                       Endpoint calleeMedia, long callerSsrc, long calleeSsrc, String fromTag, String toTag,
                       String callerUser, String calleeUser, long startMicros) {
    }

    /** What was written. */
    public record Summary(long packets, long sipMessages, long rtpPackets, long bytes, long firstMicros, long lastMicros) {
    }

    /** Call {@code i} of the configuration (0-based). */
    public static Call call(final Config c, final int i) {
        final State s = new State(c, i);
        return new Call(i, s.callId, new Endpoint(ip(s.callerIp), SIP_PORT), new Endpoint(ip(s.calleeIp), SIP_PORT),
            new Endpoint(ip(s.callerIp), s.callerPort), new Endpoint(ip(s.calleeIp), s.calleePort),
            s.ssrc[0] & 0xffffffffL, s.ssrc[1] & 0xffffffffL, s.fromTag, s.toTag, s.callerUser, s.calleeUser, s.start);
    }

    /** Writes the capture to {@code out} (replaced if it exists). */
    public static Summary write(final Path out, final Config c) throws IOException {
        try (OutputStream os = Files.newOutputStream(out)) {
            return write(os, c);
        }
    }

    /** Writes the capture to {@code out} (buffered here; {@code out} is flushed, not closed). */
    public static Summary write(final OutputStream out, final Config c) throws IOException {
        final PacketWriter w = new PacketWriter(out);
        final long sip = write(w, c);
        w.flush();
        return new Summary(w.packets(), sip, w.packets() - sip, w.bytes(), w.firstMicros(), w.lastMicros());
    }

    /**
     * Writes the calls' packets to {@code w}, after whatever it already holds (not flushed); returns
     * the number of SIP messages written.
     */
    static long write(final PacketWriter w, final Config c) throws IOException {
        final Heap heap = new Heap();
        final byte[] frame = new byte[4096];
        int next = 0;
        long sip = 0;
        int ipId = 0;
        while (true) {
            State top = heap.top();
            if (next < c.calls && (top == null || EPOCH_MICROS + c.startOffsetMicros(next) < top.time)) {
                // a new call starts before the next packet of any call in progress
                heap.push(new State(c, next++));
                continue;
            }
            if (top == null) {
                break;
            }
            w.frame(top.time, frame, top.frame(frame, ipId++));
            if (top.isSip()) {
                sip++;
            }
            if (top.advance()) {
                heap.siftDownTop();
            } else {
                heap.pop();
            }
        }
        return sip;
    }

    /** One call in progress: what it has sent so far, and when its next packet is due. */
    private static final class State {
        final int index;
        final int rtpPerDir;
        final long start;
        final int callerIp;
        final int calleeIp;
        final int callerPort;
        final int calleePort;
        final int[] ssrc = new int[2];
        final int[] seq = new int[2];
        final int[] ts = new int[2];
        final long phase;
        final String callId;
        final String fromTag;
        final String toTag;
        final String callerUser;
        final String calleeUser;
        final long seed;
        final int total;
        /** The next event: 0..4 INVITE, 100, 180, 200, ACK; then 2 * rtpPerDir RTP; then BYE, 200. */
        int k;
        long time;

        State(final Config c, final int i) {
            index = i;
            seed = c.seed;
            rtpPerDir = c.rtpPerDirection();
            total = SIP_PER_CALL + 2 * rtpPerDir;
            start = EPOCH_MICROS + c.startOffsetMicros(i);
            final int s = 1 + i / 62_500;
            final int t = 1 + (i / 250) % 250;
            final int h = 1 + i % 250;
            callerIp = 127 << 24 | s << 16 | t << 8 | h;
            calleeIp = 127 << 24 | (s + 64) << 16 | t << 8 | h;
            callerPort = 20_000 + 2 * (i % 5_000);
            calleePort = 30_000 + 2 * (i % 5_000);
            final int key = (int) mix(seed, -1, 0);
            for (int d = 0; d < 2; d++) {
                ssrc[d] = fmix32((2 * i + d) ^ key); // a bijection of the stream index: no two streams share an SSRC
                seq[d] = (int) mix(seed, i, 10 + d) & 0xffff;
                ts[d] = (int) mix(seed, i, 12 + d);
            }
            phase = 1_000 + Math.floorMod(mix(seed, i, 14), 18_001); // the callee's packets 1..19 ms after the caller's
            callId = hex(mix(seed, i, 1), 16) + "-" + i + "@" + ip(callerIp);
            fromTag = hex(mix(seed, i, 2), 8);
            toTag = hex(mix(seed, i, 3), 8);
            callerUser = Integer.toString(100_000_000 + i);
            calleeUser = Integer.toString(500_000_000 + i);
            time = start;
        }

        boolean isSip() {
            return k < 5 || k >= 5 + 2 * rtpPerDir;
        }

        /** Moves to the next event; false when the call is over. */
        boolean advance() {
            if (++k >= total) {
                return false;
            }
            time = start + offset(k);
            return true;
        }

        private long offset(final int event) {
            switch (event) {
                case 0: return 0;
                case 1: return TRYING_US;
                case 2: return RINGING_US;
                case 3: return OK_US;
                case 4: return ACK_US;
                default:
                    final int r = event - 5;
                    final long rtpEnd = RTP_US + (long) rtpPerDir * PTIME_MS * 1000;
                    if (r < 2 * rtpPerDir) {
                        return RTP_US + (long) (r >> 1) * PTIME_MS * 1000 + ((r & 1) == 0 ? 0 : phase);
                    }
                    return r == 2 * rtpPerDir ? rtpEnd + BYE_AFTER_RTP_US : rtpEnd + BYE_AFTER_RTP_US + BYE_OK_US;
            }
        }

        /** Writes the current event's frame into {@code f}; returns its length. */
        int frame(final byte[] f, final int ipId) {
            if (!isSip()) {
                final int r = k - 5;
                final int d = r & 1;
                final int j = r >> 1;
                int o = HEADERS;
                f[o++] = (byte) 0x80;
                f[o++] = (byte) (j == 0 ? 0x80 | PCMA : PCMA); // marker on the first packet of the talkspurt
                o = put16(f, o, seq[d] + j);
                o = put32(f, o, ts[d] + j * SAMPLES_PER_PACKET);
                o = put32(f, o, ssrc[d]);
                final byte[] tone = d == 0 ? TONE_CALLER : TONE_CALLEE;
                System.arraycopy(tone, Integer.remainderUnsigned(ts[d] + j * SAMPLES_PER_PACKET, 8000), f, o, SAMPLES_PER_PACKET);
                return d == 0
                    ? udpHeaders(f, callerIp, calleeIp, callerPort, calleePort, DSCP_EF, ipId, RTP_HEADER + SAMPLES_PER_PACKET)
                    : udpHeaders(f, calleeIp, callerIp, calleePort, callerPort, DSCP_EF, ipId, RTP_HEADER + SAMPLES_PER_PACKET);
            }
            final boolean fromCaller = k == 0 || k == 4 || k == 5 + 2 * rtpPerDir;
            final byte[] sip = sip().getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(sip, 0, f, HEADERS, sip.length);
            return fromCaller
                ? udpHeaders(f, callerIp, calleeIp, SIP_PORT, SIP_PORT, DSCP_CS3, ipId, sip.length)
                : udpHeaders(f, calleeIp, callerIp, SIP_PORT, SIP_PORT, DSCP_CS3, ipId, sip.length);
        }

        /** The headers' values shared by the call's 7 messages, made on its first message. */
        private String a;
        private String b;
        private String from;
        private String to;
        private String toTagged;
        private String ruri;

        private String sip() {
            if (a == null) {
                a = ip(callerIp);
                b = ip(calleeIp);
                from = "<sip:" + callerUser + "@" + a + ">;tag=" + fromTag;
                to = "<sip:" + calleeUser + "@" + b + ">";
                toTagged = to + ";tag=" + toTag;
                ruri = "sip:" + calleeUser + "@" + b + ":" + SIP_PORT;
            }
            final StringBuilder m = new StringBuilder(900);
            final int bye = 5 + 2 * rtpPerDir;
            if (k == 0) {
                request(m, "INVITE", via(a, 1), "1 INVITE", to);
                m.append("Contact: <sip:").append(callerUser).append('@').append(a).append(':').append(SIP_PORT).append(">\r\n");
                body(m, sdp(a, callerPort, 0));
            } else if (k == 1) {
                response(m, "100 Trying", via(a, 1), "1 INVITE", to);
                body(m, null);
            } else if (k == 2 || k == 3) {
                response(m, k == 2 ? "180 Ringing" : "200 OK", via(a, 1), "1 INVITE", toTagged);
                m.append("Contact: <sip:").append(calleeUser).append('@').append(b).append(':').append(SIP_PORT).append(">\r\n");
                body(m, k == 3 ? sdp(b, calleePort, 1) : null);
            } else if (k == 4) {
                request(m, "ACK", via(a, 2), "1 ACK", toTagged);
                body(m, null);
            } else if (k == bye) {
                request(m, "BYE", via(a, 3), "2 BYE", toTagged);
                body(m, null);
            } else {
                response(m, "200 OK", via(a, 3), "2 BYE", toTagged);
                body(m, null);
            }
            return m.toString();
        }

        private String via(final String host, final int transaction) {
            return "SIP/2.0/UDP " + host + ":" + SIP_PORT + ";branch=z9hG4bK" + hex(mix(seed, index, 4 + transaction), 16);
        }

        private void request(final StringBuilder m, final String method, final String via, final String cseq, final String to) {
            m.append(method).append(' ').append(ruri).append(" SIP/2.0\r\n");
            headersCommon(m, via, true, cseq, to);
        }

        private void response(final StringBuilder m, final String status, final String via, final String cseq, final String to) {
            m.append("SIP/2.0 ").append(status).append("\r\n");
            headersCommon(m, via, false, cseq, to);
        }

        private void headersCommon(final StringBuilder m, final String via, final boolean request, final String cseq,
                                   final String to) {
            m.append("Via: ").append(via).append("\r\n");
            if (request) {
                m.append("Max-Forwards: 70\r\n");
            }
            m.append("From: ").append(from).append("\r\n");
            m.append("To: ").append(to).append("\r\n");
            m.append("Call-ID: ").append(callId).append("\r\n");
            m.append("CSeq: ").append(cseq).append("\r\n");
        }

        private static void body(final StringBuilder m, final String sdp) {
            m.append("User-Agent: callscope-synthetic\r\n");
            if (sdp == null) {
                m.append("Content-Length: 0\r\n\r\n");
            } else {
                m.append("Content-Type: application/sdp\r\n");
                m.append("Content-Length: ").append(sdp.length()).append("\r\n\r\n").append(sdp); // ASCII: chars = bytes
            }
        }

        private String sdp(final String host, final int port, final int side) {
            final long session = (mix(seed, index, 20 + side) >>> 33) + 1;
            return "v=0\r\n"
                + "o=" + (side == 0 ? callerUser : calleeUser) + " " + session + " " + session + " IN IP4 " + host + "\r\n"
                + "s=callscope-synthetic\r\n"
                + "c=IN IP4 " + host + "\r\n"
                + "t=0 0\r\n"
                + "m=audio " + port + " RTP/AVP 8 101\r\n"
                + "a=rtpmap:8 PCMA/8000\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\n"
                + "a=fmtp:101 0-15\r\n"
                + "a=ptime:20\r\n"
                + "a=sendrecv\r\n";
        }
    }

    static String ip(final int a) {
        return PacketWriter.ip(a);
    }

    private static String hex(final long v, final int digits) {
        final String s = Long.toHexString(v);
        if (s.length() >= digits) {
            return s.substring(s.length() - digits);
        }
        final char[] pad = new char[digits - s.length()];
        Arrays.fill(pad, '0');
        return new String(pad) + s;
    }

    /** A well-mixed 64-bit value for (seed, call, field): splitmix64's finaliser. */
    static long mix(final long seed, final long call, final long field) {
        long z = seed * 0x9E3779B97F4A7C15L + call * 0xBF58476D1CE4E5B9L + field * 0x94D049BB133111EBL + 0x2545F4914F6CDD1DL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** MurmurHash3's 32-bit finaliser: a bijection of int. */
    static int fmix32(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    /** One second of a tone in A-law plus one packet's worth, so a packet never wraps. */
    private static byte[] tone(final int hz) {
        final byte[] t = new byte[8000 + SAMPLES_PER_PACKET];
        for (int n = 0; n < t.length; n++) {
            t[n] = alaw((short) Math.round(6000 * Math.sin(2 * Math.PI * hz * n / 8000.0)));
        }
        return t;
    }

    /** G.711 A-law encoding of a 16-bit sample. */
    static byte alaw(final short sample) {
        int pcm = sample >> 3; // 13-bit
        final int mask;
        if (pcm >= 0) {
            mask = 0xd5;
        } else {
            mask = 0x55;
            pcm = -pcm - 1;
        }
        int seg = 0;
        for (int end = 0x1f; seg < 8 && pcm > end; seg++) {
            end = (end << 1) | 1;
        }
        if (seg >= 8) {
            return (byte) (0x7f ^ mask);
        }
        int aval = seg << 4;
        aval |= seg < 2 ? (pcm >> 1) & 0x0f : (pcm >> seg) & 0x0f;
        return (byte) (aval ^ mask);
    }

    /** A binary min-heap of calls in progress by (time of next packet, call index). */
    private static final class Heap {
        private State[] a = new State[64];
        private int n;

        State top() {
            return n == 0 ? null : a[0];
        }

        void push(final State s) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            int i = n++;
            while (i > 0) {
                final int p = (i - 1) >>> 1;
                if (!less(s, a[p])) {
                    break;
                }
                a[i] = a[p];
                i = p;
            }
            a[i] = s;
        }

        void pop() {
            final State last = a[--n];
            a[n] = null;
            if (n > 0) {
                a[0] = last;
                siftDownTop();
            }
        }

        void siftDownTop() {
            final State s = a[0];
            int i = 0;
            while (true) {
                int c = 2 * i + 1;
                if (c >= n) {
                    break;
                }
                if (c + 1 < n && less(a[c + 1], a[c])) {
                    c++;
                }
                if (!less(a[c], s)) {
                    break;
                }
                a[i] = a[c];
                i = c;
            }
            a[i] = s;
        }

        private static boolean less(final State x, final State y) {
            return x.time < y.time || x.time == y.time && x.index < y.index;
        }
    }

    private static void usage(final PrintStream out) {
        out.println("usage: SyntheticCalls [--preset 2k|100k|200k|1m|20] [--calls N] [--interval-ms MS] [--rtp-ms MS]");
        out.println("                      [--seed S] [--list N] -o FILE");
        out.println("  --preset      a named shape (default 20); the other flags override its values");
        out.println("  --calls       number of calls");
        out.println("  --interval-ms time between two calls' INVITEs (fractions allowed)");
        out.println("  --rtp-ms      RTP per call and direction (20 ms packets, both ways)");
        out.println("  --seed        seed of SSRCs, sequence numbers, tags and branches (default 1)");
        out.println("  --list N      print call 0..N-1 (Call-ID, media endpoints, SSRCs) instead of writing");
        out.println("  -o FILE       the pcap to write ('-' for standard output)");
    }

    public static void main(final String[] args) throws IOException {
        Config base = Config.preset("20");
        Integer calls = null;
        Double interval = null;
        Integer rtp = null;
        Long seed = null;
        String out = null;
        int list = -1;
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
                    case "--preset" -> base = Config.preset(v);
                    case "--calls" -> calls = Integer.parseInt(v);
                    case "--interval-ms" -> interval = Double.parseDouble(v);
                    case "--rtp-ms" -> rtp = Integer.parseInt(v);
                    case "--seed" -> seed = Long.parseLong(v);
                    case "--list" -> list = Integer.parseInt(v);
                    case "-o", "--out" -> out = v;
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            base = new Config(calls != null ? calls : base.calls(), interval != null ? interval : base.intervalMs(),
                rtp != null ? rtp : base.rtpMs(), seed != null ? seed : base.seed());
            if (out == null && list < 0) {
                throw new IllegalArgumentException("no output file (-o FILE)");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("SyntheticCalls: " + e.getMessage());
            usage(System.err);
            System.exit(2);
            return;
        }
        if (list >= 0) {
            for (int i = 0; i < Math.min(list, base.calls()); i++) {
                final Call c = call(base, i);
                System.out.println(c.index() + "\t" + c.callId() + "\t" + c.callerMedia() + "\t" + c.calleeMedia() + "\t"
                    + String.format("0x%08X\t0x%08X", c.callerSsrc(), c.calleeSsrc()));
            }
            return;
        }
        final long t0 = System.nanoTime();
        final Summary s;
        if (out.equals("-")) {
            s = write(System.out, base);
        } else {
            s = write(Path.of(out), base);
        }
        final double secs = (System.nanoTime() - t0) / 1e9;
        System.err.println(String.format(Locale.ROOT,
            "%s: %d calls (1 every %.3f ms, %d ms RTP, ~%d at once, seed %d): %d packets (%d SIP, %d RTP, %d streams), "
                + "%d bytes, %.1f s of traffic; written in %.2f s (%.0f packets/s)",
            out, base.calls(), base.intervalMs(), base.rtpMs(), base.concurrentCalls(), base.seed(), s.packets(), s.sipMessages(),
            s.rtpPackets(), base.rtpPerDirection() > 0 ? 2L * base.calls() : 0, s.bytes(), (s.lastMicros() - s.firstMicros()) / 1e6,
            secs, s.packets() / secs));
    }
}
