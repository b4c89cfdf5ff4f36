package dev.callscope.capture;

import dev.callscope.core.InputException;
import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.sql.Timestamp;
import java.util.concurrent.TimeUnit;
import org.pcap4j.core.BpfProgram.BpfCompileMode;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapHandle.TimestampPrecision;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;
import org.pcap4j.core.PcapStat;
import org.pcap4j.core.RawPacketListener;

/**
 * Live capture on one interface through libpcap.
 *
 * <p><b>Threading.</b> {@link #open} starts one dedicated daemon thread, {@code callscope-capture-IFACE},
 * that reads libpcap's buffer a batch at a time ({@link BatchDispatch}: libpcap's buffer timeout,
 * not immediate mode, so one wake-up brings many packets). For each packet it first hands the bytes
 * to the {@link Tee} (the {@code -w} file), then copies them into a bounded, preallocated
 * {@link FrameRing} for the analysis; when the ring is full the packet is not analysed and is counted
 * ({@link Stats#queueDropped()}), but it is in the file. The capture thread never waits for the
 * analysis. Where batch reads are not available it falls back to pcap4j's per-packet listener
 * ({@code handle.loop}). The consumer thread calls {@link #next}, which blocks until a frame arrives
 * or the capture has stopped and the ring is drained.
 *
 * <p><b>Stopping.</b> {@link #stop()} may be called from any thread, including a signal or shutdown
 * hook: it calls {@code breakLoop()} (libpcap wakes the poll at once; the 100 ms read timeout is
 * the fallback), joins the capture thread and snapshots libpcap's statistics. Frames already queued
 * are still returned by {@link #next}, which then returns false. {@link #close()} stops and
 * releases the handle. The handle is closed only after the capture thread has ended: pcap4j's
 * close waits for a running loop.
 */
public final class LiveSource implements PacketSource {
    /** Default snap length: whole packets, as tcpdump and tshark use. */
    public static final int DEFAULT_SNAPLEN = 262_144;
    /**
     * Default kernel buffer size (libpcap's {@code pcap_set_buffer_size}); 0 keeps libpcap's default.
     * tcpdump's 2 MiB suffices for a C program; a JVM's capture thread also stops for garbage
     * collections, and the buffer must hold the traffic of such a pause: a 158 ms young collection of
     * the live calls view at 380,000 packets/s of SIP+RTP is 60,000 packets, about 22 MB.
     */
    public static final int DEFAULT_BUFFER_SIZE = 32 * 1024 * 1024;
    /**
     * libpcap's buffer timeout: the longest a packet waits in the kernel buffer before it is
     * delivered when traffic is slow (at high rates blocks fill and are delivered sooner).
     */
    static final int TIMEOUT_MILLIS = 20;
    /** Most packets one batch read takes from libpcap. */
    static final int BATCH_PACKETS = 512;
    /** Average frame size the ring's slots are counted for (its bytes / this = its slots). */
    static final int QUEUE_BYTES_PER_SLOT = 128;
    /** How long {@link #stop()} waits for the capture thread. */
    private static final long JOIN_MILLIS = 2_000;

    /**
     * Capture counters.
     *
     * @param received libpcap's ps_recv: packets the kernel saw for this socket
     * @param dropped libpcap's ps_drop: dropped because the kernel buffer was full
     * @param ifDropped libpcap's ps_ifdrop: dropped by the interface or driver (if supported)
     * @param queueDropped dropped by callscope because the consumer fell behind (ring full)
     * @param queued frames waiting in callscope's queue right now (the consumer's backlog)
     */
    public record Stats(long received, long dropped, long ifDropped, long queueDropped, long queued,
            long captured, long teeFailed) {
    }

    /**
     * Receives every captured packet on the capture thread before it is queued for the analysis
     * (the {@code -w} file): what it gets is complete even when the analysis falls behind.
     */
    @FunctionalInterface
    public interface Tee {
        /** Writes one packet; an exception stops further writes (counted in {@link Stats#teeFailed()}). */
        void write(byte[] data, int len, int origLen, long tsNanos) throws IOException;
    }

    /** Makes the tee once the link type and snap length are known, before capturing starts. */
    @FunctionalInterface
    public interface TeeFactory {
        Tee open(int linkType, int snaplen) throws IOException;
    }

    /** Capture settings beyond the interface and filter. */
    public record Options(int snaplen, boolean promiscuous, int bufferSize, long queueBytes, long maxPackets,
            TeeFactory tee) {
        /** Defaults for an interactive capture: no tee, no packet limit. */
        public static Options of(final int snaplen, final boolean promiscuous, final int bufferSize) {
            return new Options(snaplen, promiscuous, bufferSize, DEFAULT_QUEUE_BYTES, 0, null);
        }
    }

    /** Default bytes of the queue between capture and analysis (Limits.captureQueueBytes). */
    public static final long DEFAULT_QUEUE_BYTES = dev.callscope.core.Limits.DEFAULT_CAPTURE_QUEUE_BYTES;

    private final String iface;
    private final String bpf;
    private final PcapHandle handle;
    private final int linkType;
    private final int snaplen;
    private final FrameRing ring;
    private final Thread thread;
    private final Object lock = new Object();

    private volatile boolean stopping;
    private volatile IOException failure;
    private PcapStat lastStats;
    private boolean closed;

    private final long maxPackets;
    private final boolean nano;
    private Tee tee;
    private byte[] scratch = new byte[2048];
    /** Packets the capture thread took from libpcap (its own count, published per batch in {@link #captured}). */
    private long taken;
    /** {@link #taken} as other threads see it. */
    private volatile long captured;
    /** Packets the tee could not write (it stops at its first failure). */
    private volatile long teeFailed;
    private volatile IOException teeFailure;

    private LiveSource(final String iface, final String bpf, final PcapHandle handle, final int linkType, final int snaplen,
            final long queueBytes, final long maxPackets) {
        this.iface = iface;
        this.bpf = bpf;
        this.handle = handle;
        this.linkType = linkType;
        this.snaplen = snaplen;
        final long bytes = Math.max(Math.min(queueBytes, Integer.MAX_VALUE - 16L), 2L * snaplen);
        this.ring = new FrameRing((int) Math.max(1024, bytes / QUEUE_BYTES_PER_SLOT), (int) bytes);
        this.maxPackets = maxPackets;
        this.nano = handle.getTimestampPrecision() == TimestampPrecision.NANO;
        this.thread = new Thread(this::captureLoop, "callscope-capture-" + iface);
        this.thread.setDaemon(true);
    }

    /**
     * Opens {@code iface} and starts capturing.
     *
     * @param iface interface name as {@link Interfaces#list()} prints it ("any" on Linux for all)
     * @param bpf a BPF expression (tcpdump syntax), or null or blank for none
     * @param snaplen bytes kept per packet, 1 .. {@link RawFrame#MAX_CAPLEN}
     * @param promiscuous whether to put the interface in promiscuous mode
     * @param bufferSize kernel buffer bytes, or 0 for libpcap's default
     * @throws InputException UNKNOWN_INTERFACE, PERMISSION, BAD_FILTER, NO_LIBPCAP or READ_ERROR
     */
    public static LiveSource open(final String iface, final String bpf, final int snaplen, final boolean promiscuous,
            final int bufferSize) throws InputException {
        return open(iface, bpf, Options.of(snaplen, promiscuous, bufferSize));
    }

    /**
     * Opens {@code iface} and starts capturing with the given options.
     *
     * @throws InputException as {@link #open(String, String, int, boolean, int)}; READ_ERROR when
     *     the tee cannot be made
     */
    public static LiveSource open(final String iface, final String bpf, final Options o) throws InputException {
        final int snaplen = o.snaplen();
        final boolean promiscuous = o.promiscuous();
        final int bufferSize = o.bufferSize();
        if (iface == null || iface.isBlank()) {
            throw PcapErrors.unknownInterface(String.valueOf(iface), null);
        }
        if (snaplen < 1 || snaplen > RawFrame.MAX_CAPLEN) {
            throw new IllegalArgumentException("snaplen must be 1.." + RawFrame.MAX_CAPLEN + ": " + snaplen);
        }
        if (bufferSize < 0) {
            throw new IllegalArgumentException("bufferSize must be >= 0: " + bufferSize);
        }
        try {
            final PcapHandle handle = build(iface, snaplen, promiscuous, bufferSize);
            final LiveSource source;
            try {
                if (bpf != null && !bpf.isBlank()) {
                    try {
                        handle.setFilter(bpf, BpfCompileMode.OPTIMIZE);
                    } catch (final PcapNativeException e) {
                        throw PcapErrors.badFilter(bpf, e.getMessage(), e);
                    }
                }
                final int linkType = DltMapping.toLinkType(handle.getDlt().value());
                source = new LiveSource(iface, bpf, handle, linkType, handle.getSnapshot(), o.queueBytes(), o.maxPackets());
                if (o.tee() != null) {
                    try {
                        source.tee = o.tee().open(linkType, source.snaplen);
                    } catch (final IOException e) {
                        throw new java.io.UncheckedIOException(e); // headers into a buffer: not expected
                    }
                }
            } catch (final InputException | RuntimeException e) {
                handle.close();
                throw e;
            } catch (final NotOpenException e) {
                handle.close();
                throw PcapErrors.captureFailed(iface, "handle closed", e);
            }
            source.thread.start();
            return source;
        } catch (final LinkageError e) {
            throw PcapErrors.noLibpcap(e);
        }
    }

    /**
     * Builds and activates the handle, asking for nanosecond timestamps (dropped if this libpcap
     * lacks them). Immediate mode stays off: libpcap then delivers the kernel buffer a block at a
     * time, at the latest {@link #TIMEOUT_MILLIS} after a packet arrived, instead of waking the
     * capture thread for every packet.
     */
    private static PcapHandle build(final String iface, final int snaplen, final boolean promiscuous,
            final int bufferSize) throws InputException {
        boolean nano = true;
        while (true) {
            final PcapHandle.Builder b = new PcapHandle.Builder(iface)
                    .snaplen(snaplen)
                    .promiscuousMode(promiscuous ? PromiscuousMode.PROMISCUOUS : PromiscuousMode.NONPROMISCUOUS)
                    .timeoutMillis(TIMEOUT_MILLIS);
            if (bufferSize > 0) {
                b.bufferSize(bufferSize);
            }
            if (nano) {
                b.timestampPrecision(TimestampPrecision.NANO);
            }
            try {
                return b.build();
            } catch (final PcapNativeException e) {
                final String m = String.valueOf(e.getMessage());
                if (nano && m.startsWith("pcap_set_tstamp_precision is not supported")) {
                    nano = false;
                } else {
                    throw PcapErrors.openLive(iface, e.getMessage(), e.getReturnCode(), e);
                }
            }
        }
    }

    /** Body of the capture thread. */
    private void captureLoop() {
        try {
            if (!stopping) {
                final BatchDispatch batches = BatchDispatch.open(handle, BATCH_PACKETS, nano);
                if (batches != null) {
                    try (batches) {
                        batchLoop(batches);
                    }
                } else {
                    final RawPacketListener listener = this::onPacket;
                    handle.loop(maxPackets > 0 ? (int) Math.min(maxPackets, Integer.MAX_VALUE) : -1, listener);
                }
            }
        } catch (final InterruptedException e) {
            // breakLoop(): the normal way out
        } catch (final PcapNativeException e) {
            if (!stopping) {
                failure = PcapErrors.captureFailed(iface, e.getMessage(), e);
            }
        } catch (final NotOpenException e) {
            if (!stopping) {
                failure = PcapErrors.captureFailed(iface, "handle closed", e);
            }
        } catch (final RuntimeException e) {
            if (!stopping) {
                failure = new IOException("capture on " + iface + " failed: " + e.getMessage(), e);
            }
        } finally {
            synchronized (lock) {
                snapshotStats(); // the final counters, also when the packet limit ended the capture
            }
            ring.finish();
        }
    }

    /** Reads batches until stopped, the packet limit is reached or libpcap fails. */
    private void batchLoop(final BatchDispatch batches) {
        while (!stopping) {
            final ByteBuffer b;
            try {
                b = batches.next();
            } catch (final IllegalStateException e) {
                failure = PcapErrors.captureFailed(iface, errorText(), e);
                return;
            }
            if (b == null) {
                return; // pcap_breakloop
            }
            final int end = b.limit();
            int p = 0;
            while (p + BatchDispatch.RECORD_HEADER <= end) {
                final long sec = b.getInt(p) & 0xFFFF_FFFFL;
                final long frac = b.getInt(p + 4) & 0xFFFF_FFFFL;
                final int capLen = b.getInt(p + 8);
                final int origLen = b.getInt(p + 12);
                final int data = p + BatchDispatch.RECORD_HEADER;
                if (capLen < 0 || capLen > end - data) {
                    break; // cannot happen with libpcap's own writer; never read past the batch
                }
                final long ts = sec * 1_000_000_000L + (nano ? frac : frac * 1_000L);
                deliver(b, data, capLen, origLen, ts);
                p = data + capLen;
                if (maxPackets > 0 && taken >= maxPackets) {
                    captured = taken;
                    stopping = true;
                    return;
                }
            }
            captured = taken;
        }
    }

    private String errorText() {
        try {
            return handle.getError();
        } catch (final NotOpenException e) {
            return "handle closed";
        }
    }

    /** One packet of a batch: to the tee first, then to the analysis queue. */
    private void deliver(final ByteBuffer b, final int off, final int capLen, final int origLen, final long ts) {
        taken++;
        final Tee t = tee;
        if (t == null) {
            ring.offer(b, off, capLen, ts, Math.max(origLen, capLen));
            return;
        }
        if (scratch.length < capLen) {
            scratch = new byte[Math.max(capLen, scratch.length * 2)];
        }
        b.get(off, scratch, 0, capLen);
        write(t, scratch, capLen, origLen, ts);
        ring.offer(scratch, capLen, ts, Math.max(origLen, capLen));
    }

    private void write(final Tee t, final byte[] data, final int capLen, final int origLen, final long ts) {
        if (teeFailure != null) {
            teeFailed++;
            return;
        }
        try {
            t.write(data, capLen, Math.max(origLen, capLen), ts);
        } catch (final IOException e) {
            teeFailure = e;
            teeFailed++;
        }
    }

    /** Runs on the capture thread inside pcap_loop (the per-packet fallback). */
    private void onPacket(final byte[] bytes) {
        final Timestamp ts = handle.getTimestamp();
        final Integer wireLen = handle.getOriginalLength();
        final long nanos = Pcap4jFileSource.toNanos(ts);
        final int orig = wireLen == null ? bytes.length : wireLen;
        captured = ++taken;
        if (tee != null) {
            write(tee, bytes, bytes.length, orig, nanos);
        }
        ring.offer(bytes, bytes.length, nanos, orig);
    }

    /**
     * Takes the next captured frame, blocking until one arrives.
     *
     * @return false once the capture has stopped and every queued frame has been returned
     * @throws InputException READ_ERROR if the capture loop failed (after the queued frames)
     * @throws InterruptedIOException if the calling thread is interrupted while waiting
     */
    @Override
    public boolean next(final RawFrame frame) throws IOException {
        final boolean got;
        try {
            got = ring.take(frame);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for packets on " + iface);
        }
        if (got) {
            frame.linkType = linkType;
            frame.interfaceId = 0;
            frame.sourceIndex = 0;
            frame.fileOffset = -1;
            return true;
        }
        final IOException f = failure;
        if (f != null) {
            failure = null;
            throw f;
        }
        return false;
    }

    /** {@link #next} that waits at most {@code maxWaitNanos} (a live view redraws meanwhile). */
    @Override
    public Poll poll(final RawFrame frame, final long maxWaitNanos) throws IOException {
        final int got = ring.poll(frame, maxWaitNanos);
        if (got > 0) {
            frame.linkType = linkType;
            frame.interfaceId = 0;
            frame.sourceIndex = 0;
            frame.fileOffset = -1;
            return Poll.FRAME;
        }
        if (got == 0) {
            if (Thread.interrupted()) {
                throw new InterruptedIOException("interrupted while waiting for packets on " + iface);
            }
            return Poll.IDLE;
        }
        final IOException f = failure;
        if (f != null) {
            failure = null;
            throw f;
        }
        return Poll.END;
    }

    /**
     * Stops capturing: breaks libpcap's loop and waits (up to 2 s) for the capture thread. Safe from
     * any thread, including signal and shutdown hooks; idempotent. Queued frames stay readable.
     */
    public void stop() {
        stopping = true;
        if (Thread.currentThread() == thread) {
            breakLoop();
            return;
        }
        breakLoop();
        try {
            thread.join(JOIN_MILLIS);
            if (thread.isAlive()) {
                breakLoop();
                thread.join(JOIN_MILLIS);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!thread.isAlive()) {
            ring.finish();
        }
        synchronized (lock) {
            snapshotStats();
        }
    }

    private void breakLoop() {
        try {
            handle.breakLoop();
        } catch (final NotOpenException e) {
            // already closed
        }
    }

    /** Reads libpcap's counters into {@link #lastStats} while the handle is open; caller holds lock. */
    private void snapshotStats() {
        if (closed || !handle.isOpen()) {
            return;
        }
        try {
            lastStats = handle.getStats();
        } catch (final PcapNativeException | NotOpenException e) {
            // keep the previous snapshot
        }
    }

    /**
     * Current counters: libpcap's ps_recv, ps_drop and ps_ifdrop (live while capturing, frozen at
     * {@link #stop()}), plus callscope's own queue drops and backlog.
     */
    public Stats stats() {
        synchronized (lock) {
            if (!stopping) {
                snapshotStats();
            }
            final PcapStat s = lastStats;
            return new Stats(s == null ? 0 : s.getNumPacketsReceived(), s == null ? 0 : s.getNumPacketsDropped(),
                    s == null ? 0 : s.getNumPacketsDroppedByIf(), ring.drops(), ring.size(), captured, teeFailed);
        }
    }

    /** The first error the tee reported, or null (read after the capture has stopped). */
    public IOException teeFailure() {
        return teeFailure;
    }

    /** LINKTYPE_ value of the interface (for a pcapng IDB). */
    public int linkType() {
        return linkType;
    }

    /** Snap length libpcap applies (for a pcapng IDB). */
    public int snaplen() {
        return snaplen;
    }

    /** The interface name. */
    public String interfaceName() {
        return iface;
    }

    /** The BPF filter, or null. */
    public String filter() {
        return bpf == null || bpf.isBlank() ? null : bpf;
    }

    @Override
    public String describe() {
        return iface;
    }

    @Override
    public String format() {
        return "live";
    }

    /**
     * Stops the capture and releases the libpcap handle; idempotent. If the capture thread did not
     * end in time the handle is left open rather than risk blocking forever in pcap4j's close.
     */
    @Override
    public void close() {
        stop();
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (!thread.isAlive() && handle.isOpen()) {
                handle.close();
            }
        }
        ring.finish();
    }
}
