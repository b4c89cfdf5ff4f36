package dev.callscope.hep;

import dev.callscope.capture.BatchUdpReceiver;
import dev.callscope.capture.FrameRing;
import dev.callscope.capture.LiveSource;
import dev.callscope.core.InputException;
import dev.callscope.core.LinkType;
import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.decode.HepHeader;
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
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * callscope as a HEP collector: HEPv3 (and HEPv1/v2 over UDP) from any capture agent, turned back
 * into the packets the agent captured (raw IP frames with the original addresses, ports and
 * capture time) and fed to the pipeline like frames from an interface, so that a pcapng written
 * from them holds the decapsulated packets.
 *
 * <p>A receiving thread reads datagrams (a batch per system call where {@link BatchUdpReceiver} is
 * available; or, over TCP, HEP packets framed by their length from any number of agent
 * connections), decodes each into the packet it carries, hands that to the tee (the -w file) and
 * queues it in a bounded {@link FrameRing}; it never waits for the analysis: when the ring is full
 * the packet is not analysed and is counted. {@link #next} takes decoded packets. Bad HEP, a wrong auth key and reports that carry no packet (RTCP as JSON, QoS reports,
 * logs) are counted with their reason and skipped; none of them stops the collector.
 */
public final class HepListenSource implements PacketSource {
    /** Receive buffer asked of the kernel (it grants at most net.core.rmem_max). */
    static final int SOCKET_BUFFER = 32 * 1024 * 1024;
    /** TCP agents connected at once; more are refused (closed at once) and counted. */
    static final int MAX_CONNECTIONS = 256;
    /** A connection's first buffer; it grows to hold the longest HEP packet (64 KiB) only when one comes. */
    private static final int FIRST_BUFFER = 8 * 1024;
    private static final int MAX_BUFFER = 2 * 65_536;

    /** What the collector received and what became of it. */
    public record Stats(long received, long decoded, long malformed, long rejected, long reports, long unsupported,
                        long queueDropped, long kernelDropped, long connections, long refusedConnections, int socketBuffer,
                        Map<String, Long> reasons, Map<Integer, Long> byType) {
    }

    private final HepTarget at;
    private final HepFrames frames;
    private final FrameRing ring;
    private final Thread thread;
    private DatagramChannel udp;
    /** The UDP socket read with recvmmsg where available (else {@link #udp}). */
    private BatchUdpReceiver batch;
    private ServerSocketChannel server;
    private Selector selector;
    private volatile Selector udpIdle;
    private volatile boolean stopped;
    private volatile long received;
    private volatile long connections;
    private volatile long refused;
    private int socketBuffer;

    /** The -w file: written on the receiving thread before a packet is queued for the analysis. */
    private LiveSource.Tee tee;
    private volatile IOException teeFailure;
    private final RawFrame decodedFrame = new RawFrame();
    private long maxPackets;
    /** Packets decoded and delivered (receiving thread). */
    private long delivered;
    private byte[] scratch = new byte[2048];

    private HepListenSource(final HepTarget at, final String password, final int maxStreams, final long queueBytes) {
        final long bytes = Math.max(1 << 20, Math.min(queueBytes, Integer.MAX_VALUE - 16L));
        this.ring = new FrameRing((int) Math.max(1024, bytes / 128), (int) bytes);
        this.at = at;
        this.frames = new HepFrames(password, maxStreams);
        this.thread = new Thread(at.tcp() ? this::runTcp : this::receive, "callscope-hep-listen");
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
        return open(at, password, maxStreams, null);
    }

    /**
     * As {@link #open(HepTarget, String, int)}, with every decoded packet handed to {@code tee} (the
     * -w file) on the receiving thread before it is queued: the file is complete even when the
     * analysis falls behind.
     */
    public static HepListenSource open(final HepTarget at, final String password, final int maxStreams,
            final LiveSource.Tee tee) throws InputException {
        return open(at, password, maxStreams, tee, 0, LiveSource.DEFAULT_QUEUE_BYTES);
    }

    /**
     * As {@link #open(HepTarget, String, int, LiveSource.Tee)}, receiving stops by itself after
     * {@code maxPackets} decoded packets (0: no limit), so the tee gets exactly that many, and the
     * queue for the analysis holds {@code queueBytes} (Limits.captureQueueBytes).
     */
    public static HepListenSource open(final HepTarget at, final String password, final int maxStreams,
            final LiveSource.Tee tee, final long maxPackets, final long queueBytes) throws InputException {
        final HepListenSource s = new HepListenSource(at, password, maxStreams, queueBytes);
        s.tee = tee;
        s.maxPackets = maxPackets;
        try {
            if (at.tcp()) {
                s.server = ServerSocketChannel.open();
                s.server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                s.server.bind(at.address(), 128);
                s.server.configureBlocking(false);
                s.selector = Selector.open();
                s.server.register(s.selector, SelectionKey.OP_ACCEPT);
            } else if ((s.batch = BatchUdpReceiver.open(at.address(), SOCKET_BUFFER)) != null) {
                s.socketBuffer = s.batch.receiveBuffer();
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

    private void receive() {
        if (batch != null) {
            runBatch();
        } else {
            runUdp();
        }
    }

    /** UDP through recvmmsg: up to 64 datagrams per system call. */
    private void runBatch() {
        long n = 0;
        try {
            final ByteBuffer data = batch.data();
            while (!stopped) {
                final int got = batch.receive();
                if (got < 0) {
                    break;
                }
                if (got == 0) {
                    received = n;
                    continue;
                }
                final long now = System.currentTimeMillis() * 1_000_000L;
                for (int i = 0; i < got; i++) {
                    final int len = Math.min(batch.length(i), BatchUdpReceiver.SLOT);
                    data.get(i * BatchUdpReceiver.SLOT, scratch(len), 0, len);
                    deliver(scratch, 0, len, now);
                }
                n += got;
                received = n;
            }
        } catch (IOException e) {
            // the socket failed: end the capture with what was received
        } finally {
            received = n;
            kernelDrops(); // the last figure, while /proc still lists the socket
            batch.release();
            ring.finish();
        }
    }

    private byte[] scratch(final int len) {
        if (scratch.length < len) {
            scratch = new byte[Math.max(len, 2 * scratch.length)];
        }
        return scratch;
    }

    /**
     * One HEP packet ({@code data[off..off+len)}, receiving thread): decoded into the packet it
     * carries, written to the tee, then queued for the analysis. Packets that carry none are counted
     * by the decoder.
     */
    private void deliver(final byte[] data, final int off, final int len, final long arrivalNanos) {
        final byte[] b;
        if (off == 0) {
            b = data;
        } else {
            b = scratch(len);
            System.arraycopy(data, off, b, 0, len);
        }
        if (maxPackets > 0 && delivered >= maxPackets) {
            return;
        }
        final RawFrame f = decodedFrame;
        if (!frames.decode(b, len, arrivalNanos, f)) {
            return;
        }
        if (maxPackets > 0 && ++delivered >= maxPackets) {
            stopped = true; // the loops end after this batch
        }
        final LiveSource.Tee t = tee;
        if (t != null && teeFailure == null) {
            try {
                t.write(f.data, f.capLen, f.origLen, f.tsNanos);
            } catch (IOException e) {
                teeFailure = e;
            }
        }
        ring.offer(f.data, f.capLen, f.tsNanos, f.origLen);
    }

    /** The first error writing the tee, or null. */
    public IOException teeFailure() {
        return teeFailure;
    }

    private void runUdp() {
        final ByteBuffer buf = ByteBuffer.allocateDirect(65_536); // the socket reads into it without a copy
        // non-blocking reads while datagrams wait (a blocking read costs more per call), and a wait in
        // select only when the socket is empty
        long n = 0;
        try (Selector idle = Selector.open()) {
            udp.configureBlocking(false);
            udp.register(idle, SelectionKey.OP_READ);
            udpIdle = idle;
            while (!stopped) {
                buf.clear();
                if (udp.receive(buf) == null) {
                    received = n;
                    idle.select(200);
                    idle.selectedKeys().clear();
                    continue;
                }
                n++;
                if ((n & 1023) == 0) {
                    received = n;
                }
                final int len = buf.position();
                buf.get(0, scratch(len), 0, len);
                deliver(scratch, 0, len, System.currentTimeMillis() * 1_000_000L);
            }
        } catch (ClosedChannelException | ClosedSelectorException e) {
            // stopped
        } catch (IOException e) {
            // the socket failed: end the capture with what was received
        } finally {
            received = n;
            ring.finish();
        }
    }

    /** One agent connection: bytes read and not yet framed. */
    private static final class Conn {
        ByteBuffer buf = ByteBuffer.allocate(FIRST_BUFFER);
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
        ByteBuffer b = conn.buf;
        if (!b.hasRemaining() && b.capacity() < MAX_BUFFER) {
            final ByteBuffer bigger = ByteBuffer.allocate(Math.min(MAX_BUFFER, 2 * b.capacity()));
            b.flip();
            bigger.put(b);
            conn.buf = bigger;
            b = bigger;
        }
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
                tcpErrors++;
                close(k);
                return;
            }
            if (end - p < len) {
                break;
            }
            received++;
            deliver(a, p, len, System.currentTimeMillis() * 1_000_000L);
            p += len;
        }
        b.position(p).limit(end);
        b.compact();
    }

    /** Connections closed because their bytes were not HEPv3 (written by the receiving thread). */
    private volatile long tcpErrors;

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
        try {
            if (!ring.take(frame)) {
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        frame.linkType = LinkType.RAW; // decoded on the receiving thread
        frame.interfaceId = 0;
        frame.sourceIndex = 0;
        frame.fileOffset = -1;
        return true;
    }

    /** {@link #next} that waits at most {@code maxWaitNanos} (a live view redraws meanwhile). */
    @Override
    public Poll poll(final RawFrame frame, final long maxWaitNanos) {
        final int got = ring.poll(frame, maxWaitNanos);
        if (got == 0) {
            return Thread.currentThread().isInterrupted() ? Poll.END : Poll.IDLE;
        }
        if (got < 0) {
            return Poll.END;
        }
        frame.linkType = LinkType.RAW; // decoded on the receiving thread
        frame.interfaceId = 0;
        frame.sourceIndex = 0;
        frame.fileOffset = -1;
        return Poll.FRAME;
    }

    /** Stops receiving; {@link #next} returns what is queued, then false. Safe from any thread. */
    public void stop() {
        stopped = true;
        kernelDrops(); // the last figure, while /proc still lists the socket
        closeChannels();
        if (selector != null) {
            selector.wakeup();
        }
        final Selector idle = udpIdle;
        if (idle != null) {
            idle.wakeup();
        }
    }

    private void closeChannels() {
        if (batch != null) {
            batch.close(); // wakes the receiving thread, which releases the socket
        }
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
        final Map<String, Long> r = new TreeMap<>(frames.reasons());
        if (tcpErrors > 0) {
            r.merge("hep.tcp_framing", tcpErrors, Long::sum);
        }
        return new Stats(received, frames.decoded(), frames.malformed() + tcpErrors, frames.rejected(), frames.reports(),
            frames.unsupported(), ring.drops(), kernelDrops(), connections, refused, socketBuffer, r, frames.byType());
    }

    /** Datagrams the kernel dropped because the socket's receive buffer was full (Linux; else 0). */
    private long kernelDrops() {
        if (udp == null && batch == null) {
            return 0;
        }
        final long d = UdpDrops.of(at.address().getPort());
        if (d >= 0) {
            lastKernelDrops = d;
        }
        return lastKernelDrops; // after close the socket is gone from /proc: keep the last figure
    }

    private volatile long lastKernelDrops;

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
