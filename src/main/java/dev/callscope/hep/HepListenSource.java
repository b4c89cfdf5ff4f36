package dev.callscope.hep;

import dev.callscope.capture.FrameRing;
import dev.callscope.core.InputException;
import dev.callscope.core.LinkType;
import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.decode.HepHeader;
import dev.callscope.decode.HepStreams;
import java.io.IOException;
import java.net.BindException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * callscope as a HEP collector: HEPv3 (and HEPv1/v2 over UDP) from any capture agent, turned back
 * into the packets the agent captured (raw IP frames with the original addresses, ports and
 * capture time) and fed to the pipeline like frames from an interface, so that a pcapng written
 * from them holds the decapsulated packets.
 *
 * <p>A receiving thread reads datagrams (or, over TCP, HEP packets framed by their length from any
 * number of agent connections) into a bounded {@link FrameRing} and never waits for the analysis;
 * when the ring is full the packet is dropped and counted. {@link #next} decodes on the caller's
 * thread. Bad HEP, a wrong auth key and reports that carry no packet (RTCP as JSON, QoS reports,
 * logs) are counted with their reason and skipped; none of them stops the collector.
 */
public final class HepListenSource implements PacketSource {
    /** Datagrams or packets the ring holds. */
    static final int QUEUE_SLOTS = 65_536;
    /** Bytes the ring holds. */
    static final int QUEUE_BYTES = 32 * 1024 * 1024;
    /** Receive buffer asked of the kernel (it grants at most net.core.rmem_max). */
    static final int SOCKET_BUFFER = 32 * 1024 * 1024;
    /** TCP agents connected at once; more are refused (closed at once) and counted. */
    static final int MAX_CONNECTIONS = 1024;
    private static final int IPV4_HEADER = 20;
    private static final int IPV6_HEADER = 40;
    private static final int UDP_HEADER = 8;
    private static final int TCP_HEADER = 20;

    /** What the collector received and what became of it. */
    public record Stats(long received, long decoded, long malformed, long rejected, long reports, long unsupported,
                        long queueDropped, long connections, long refusedConnections, int socketBuffer,
                        Map<String, Long> reasons, Map<Integer, Long> byType) {
    }

    private final HepTarget at;
    private final byte[] password;
    private final FrameRing ring = new FrameRing(QUEUE_SLOTS, QUEUE_BYTES);
    private final Thread thread;
    private final HepHeader hep = new HepHeader();
    private final HepStreams streams;
    private final RawFrame in = new RawFrame();
    private DatagramChannel udp;
    private ServerSocketChannel server;
    private Selector selector;
    private volatile boolean stopped;
    private volatile long received;
    private volatile long connections;
    private volatile long refused;
    private int socketBuffer;
    private long decoded;
    private long malformed;
    private long rejected;
    private long reports;
    private long unsupported;
    private final long[] byType = new long[256];
    private final Map<String, Long> reasons = new TreeMap<>();

    private HepListenSource(final HepTarget at, final String password, final int maxStreams) {
        this.at = at;
        this.password = password == null || password.isEmpty() ? null : password.getBytes(StandardCharsets.UTF_8);
        this.streams = new HepStreams(maxStreams);
        this.thread = new Thread(at.tcp() ? this::runTcp : this::runUdp, "callscope-hep-listen");
        this.thread.setDaemon(true);
    }

    /**
     * Binds {@code at} and starts receiving.
     *
     * @param password the auth key agents must send (HEPv3 chunk 0x0e), or null to accept any
     * @param maxStreams TCP directions whose made-up sequence numbers are remembered
     * @throws InputException ({@link InputException.Kind#CANNOT_LISTEN}) when the address cannot be bound
     */
    public static HepListenSource open(final HepTarget at, final String password, final int maxStreams)
        throws InputException {
        final HepListenSource s = new HepListenSource(at, password, maxStreams);
        try {
            if (at.tcp()) {
                s.server = ServerSocketChannel.open();
                s.server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                s.server.bind(at.address(), 128);
                s.server.configureBlocking(false);
                s.selector = Selector.open();
                s.server.register(s.selector, SelectionKey.OP_ACCEPT);
            } else {
                s.udp = DatagramChannel.open(at.address().getAddress().getAddress().length == 16
                    ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET);
                s.udp.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
                s.udp.bind(at.address());
                s.socketBuffer = s.udp.getOption(StandardSocketOptions.SO_RCVBUF);
            }
        } catch (BindException e) {
            s.closeChannels();
            throw new InputException(InputException.Kind.CANNOT_LISTEN, "cannot listen on " + at + ": "
                + (String.valueOf(e.getMessage()).contains("in use") ? "address already in use" : e.getMessage()), e);
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            s.closeChannels();
            throw new InputException(InputException.Kind.CANNOT_LISTEN, "cannot listen on " + at + ": " + e.getMessage(), e);
        }
        s.thread.start();
        return s;
    }

    /** Frames are raw IP (LINKTYPE_RAW): IPv4 and IPv6 both. */
    public int linkType() {
        return LinkType.RAW;
    }

    public HepTarget address() {
        return at;
    }

    // ------------------------------------------------------------------ receiving thread

    private void runUdp() {
        final ByteBuffer buf = ByteBuffer.allocate(65_536);
        try {
            while (!stopped) {
                buf.clear();
                if (udp.receive(buf) == null) {
                    continue;
                }
                received++;
                ring.offer(buf.array(), buf.position(), System.currentTimeMillis() * 1_000_000L, buf.position());
            }
        } catch (ClosedChannelException e) {
            // stopped
        } catch (IOException e) {
            // the socket failed: end the capture with what was received
        } finally {
            ring.finish();
        }
    }

    /** One agent connection: bytes read and not yet framed. */
    private static final class Conn {
        final ByteBuffer buf = ByteBuffer.allocate(2 * 65_536);
    }

    private void runTcp() {
        try {
            while (!stopped) {
                selector.select(200);
                final Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    final SelectionKey k = it.next();
                    it.remove();
                    if (!k.isValid()) {
                        continue;
                    }
                    if (k.isAcceptable()) {
                        accept();
                    } else if (k.isReadable()) {
                        read(k);
                    }
                }
            }
        } catch (IOException | ClosedSelectorException e) {
            // stopped, or the selector failed: end the capture with what was received
        } finally {
            ring.finish();
        }
    }

    private void accept() throws IOException {
        final SocketChannel c = server.accept();
        if (c == null) {
            return;
        }
        if (selector.keys().size() > MAX_CONNECTIONS) {
            refused++;
            c.close();
            return;
        }
        connections++;
        c.configureBlocking(false);
        c.register(selector, SelectionKey.OP_READ, new Conn());
    }

    private void read(final SelectionKey k) {
        final SocketChannel c = (SocketChannel) k.channel();
        final Conn conn = (Conn) k.attachment();
        final ByteBuffer b = conn.buf;
        try {
            final int n = c.read(b);
            if (n < 0) {
                close(k);
                return;
            }
        } catch (IOException e) {
            close(k);
            return;
        }
        final byte[] a = b.array();
        int p = 0;
        final int end = b.position();
        while (end - p >= HepHeader.HEP3_HEADER_LENGTH) {
            final int len = ((a[p + 4] & 0xFF) << 8) | (a[p + 5] & 0xFF);
            if (!HepHeader.isHep3(a, p, end - p) || len < HepHeader.HEP3_HEADER_LENGTH) {
                // not HEPv3 framing: nothing after this can be found again on this connection
                received++;
                countTcpError();
                close(k);
                return;
            }
            if (end - p < len) {
                break;
            }
            received++;
            ring.offer(slice(a, p, len), len, System.currentTimeMillis() * 1_000_000L, len);
            p += len;
        }
        b.position(p).limit(end);
        b.compact();
    }

    private final byte[] one = new byte[65_536];

    private byte[] slice(final byte[] a, final int p, final int len) {
        System.arraycopy(a, p, one, 0, len);
        return one;
    }

    private volatile long tcpErrors;

    private void countTcpError() {
        tcpErrors++;
    }

    private static void close(final SelectionKey k) {
        k.cancel();
        try {
            k.channel().close();
        } catch (IOException ignored) {
            // closing
        }
    }

    // ------------------------------------------------------------------ the caller's thread

    @Override
    public boolean next(final RawFrame frame) throws IOException {
        while (true) {
            try {
                if (!ring.take(in)) {
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (decode(in, frame)) {
                return true;
            }
        }
    }

    /** Turns one HEP packet into the frame it describes; false when it is counted and skipped. */
    boolean decode(final RawFrame hepPacket, final RawFrame frame) {
        final byte[] b = hepPacket.data;
        final String why = hep.parse(b, 0, hepPacket.capLen);
        if (why != null) {
            count(why);
            return false;
        }
        byType[hep.protoType & 0xFF]++;
        if (password != null && (hep.version != 3 || !hep.authMatches(b, password))) {
            rejected++;
            reason(hep.version != 3 ? "hep.no_auth_key" : "hep.bad_auth_key");
            return false;
        }
        if (!hep.carriesPacket(b)) {
            reports++;
            return false;
        }
        if (hep.ipProtocol != 17 && hep.ipProtocol != 6) {
            unsupported++;
            reason("hep.unsupported_protocol");
            return false;
        }
        final boolean tcp = hep.ipProtocol == 6;
        final int ip = hep.ipVersion == 6 ? IPV6_HEADER : IPV4_HEADER;
        final int tr = tcp ? TCP_HEADER : UDP_HEADER;
        final int total = ip + tr + hep.payloadLength;
        if (total > 65_535 + (hep.ipVersion == 6 ? IPV6_HEADER : 0)) {
            count("hep.too_long");
            return false;
        }
        final byte[] f = frame.ensureCapacity(total);
        int p = 0;
        if (hep.ipVersion == 6) {
            f[0] = 0x60;
            f[1] = 0;
            f[2] = 0;
            f[3] = 0;
            put16(f, 4, tr + hep.payloadLength);
            f[6] = (byte) hep.ipProtocol;
            f[7] = 64;
            System.arraycopy(hep.src, 0, f, 8, 16);
            System.arraycopy(hep.dst, 0, f, 24, 16);
            p = IPV6_HEADER;
        } else {
            f[0] = 0x45;
            f[1] = 0;
            put16(f, 2, total);
            put16(f, 4, 0);
            put16(f, 6, 0x4000); // don't fragment
            f[8] = 64;
            f[9] = (byte) hep.ipProtocol;
            put16(f, 10, 0);
            System.arraycopy(hep.src, 0, f, 12, 4);
            System.arraycopy(hep.dst, 0, f, 16, 4);
            put16(f, 10, ipv4Checksum(f));
            p = IPV4_HEADER;
        }
        put16(f, p, hep.srcPort);
        put16(f, p + 2, hep.dstPort);
        if (tcp) {
            final long seq = streams.next(hep, hep.payloadLength);
            f[p + 4] = (byte) (seq >>> 24);
            f[p + 5] = (byte) (seq >>> 16);
            f[p + 6] = (byte) (seq >>> 8);
            f[p + 7] = (byte) seq;
            put16(f, p + 8, 0);
            put16(f, p + 10, 0);
            f[p + 12] = (byte) (TCP_HEADER / 4 << 4);
            f[p + 13] = (byte) HepStreams.PSH_ACK;
            put16(f, p + 14, 65_535);
            put16(f, p + 16, 0); // checksum not computed (as for offloaded packets)
            put16(f, p + 18, 0);
        } else {
            put16(f, p + 4, UDP_HEADER + hep.payloadLength);
            put16(f, p + 6, 0); // no checksum
        }
        System.arraycopy(b, hep.payloadOffset, f, p + tr, hep.payloadLength);
        frame.capLen = total;
        frame.origLen = total;
        frame.linkType = LinkType.RAW;
        frame.tsNanos = hep.tsNanos != 0 ? hep.tsNanos : hepPacket.tsNanos;
        frame.interfaceId = 0;
        frame.sourceIndex = 0;
        decoded++;
        return true;
    }

    private void count(final String why) {
        malformed++;
        reason(why);
    }

    private void reason(final String why) {
        reasons.merge(why, 1L, Long::sum);
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

    /** Stops receiving; {@link #next} returns what is queued, then false. Safe from any thread. */
    public void stop() {
        stopped = true;
        closeChannels();
        if (selector != null) {
            selector.wakeup();
        }
    }

    private void closeChannels() {
        try {
            if (udp != null) {
                udp.close();
            }
            if (server != null) {
                server.close();
            }
        } catch (IOException ignored) {
            // closing
        }
    }

    /** Counters so far (call after {@link #next} returned false for final figures). */
    public Stats stats() {
        final Map<Integer, Long> types = new TreeMap<>();
        for (int i = 0; i < byType.length; i++) {
            if (byType[i] != 0) {
                types.put(i, byType[i]);
            }
        }
        final Map<String, Long> r = new TreeMap<>(reasons);
        if (tcpErrors > 0) {
            r.merge("hep.tcp_framing", tcpErrors, Long::sum);
        }
        return new Stats(received, decoded, malformed + tcpErrors, rejected, reports, unsupported, ring.drops(),
            connections, refused, socketBuffer, r, types);
    }

    @Override
    public String describe() {
        return "hep:" + at;
    }

    @Override
    public String format() {
        return "hep";
    }

    @Override
    public void close() {
        stop();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (selector != null) {
            try {
                for (final SelectionKey k : selector.keys()) {
                    k.channel().close();
                }
                selector.close();
            } catch (IOException | ClosedSelectorException ignored) {
                // closing
            }
        }
    }
}
