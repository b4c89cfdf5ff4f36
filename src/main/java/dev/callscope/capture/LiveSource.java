package dev.callscope.capture;

import dev.callscope.core.InputException;
import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import java.io.IOException;
import java.io.InterruptedIOException;
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
 * that runs {@code handle.loop(-1, RawPacketListener)}. For each packet the listener reads the
 * timestamp and original length (pcap4j ThreadLocals, valid on that thread inside the callback)
 * and copies bytes and metadata into a bounded, preallocated {@link FrameRing}; when the ring is full
 * the packet is dropped and counted ({@link Stats#queueDropped()}). callscope allocates nothing per
 * packet; pcap4j itself allocates a byte[], a Timestamp and a Runnable. The consumer thread calls
 * {@link #next}, which blocks
 * until a frame arrives or the capture has stopped and the ring is drained.
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
    /** Default kernel buffer size (libpcap's {@code pcap_set_buffer_size}); 0 keeps libpcap's default. */
    public static final int DEFAULT_BUFFER_SIZE = 8 * 1024 * 1024;
    /** Read timeout for the kernel buffer, the fallback wake-up for {@code breakLoop()}. */
    static final int TIMEOUT_MILLIS = 100;
    /** Frames the ring can hold. */
    static final int QUEUE_SLOTS = 65_536;
    /** Bytes the ring can hold (at least two snap lengths). */
    static final int QUEUE_BYTES = 32 * 1024 * 1024;
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
    public record Stats(long received, long dropped, long ifDropped, long queueDropped, long queued) {
    }

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

    private LiveSource(final String iface, final String bpf, final PcapHandle handle, final int linkType, final int snaplen) {
        this.iface = iface;
        this.bpf = bpf;
        this.handle = handle;
        this.linkType = linkType;
        this.snaplen = snaplen;
        this.ring = new FrameRing(QUEUE_SLOTS, Math.max(QUEUE_BYTES, 2 * snaplen));
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
                source = new LiveSource(iface, bpf, handle, linkType, handle.getSnapshot());
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
     * Builds and activates the handle, asking for nanosecond timestamps and immediate mode and
     * dropping either if this libpcap lacks it.
     */
    private static PcapHandle build(final String iface, final int snaplen, final boolean promiscuous,
            final int bufferSize) throws InputException {
        boolean nano = true;
        boolean immediate = true;
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
            if (immediate) {
                b.immediateMode(true);
            }
            try {
                return b.build();
            } catch (final PcapNativeException e) {
                final String m = String.valueOf(e.getMessage());
                if (immediate && m.startsWith("Immediate mode is not supported")) {
                    immediate = false;
                } else if (nano && m.startsWith("pcap_set_tstamp_precision is not supported")) {
                    nano = false;
                } else {
                    throw PcapErrors.openLive(iface, e.getMessage(), e.getReturnCode(), e);
                }
            }
        }
    }

    /** Body of the capture thread. */
    private void captureLoop() {
        final RawPacketListener listener = this::onPacket;
        try {
            if (!stopping) {
                handle.loop(-1, listener);
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
            failure = new IOException("capture on " + iface + " failed: " + e, e);
        } finally {
            ring.finish();
        }
    }

    /** Runs on the capture thread inside pcap_loop. */
    private void onPacket(final byte[] bytes) {
        final Timestamp ts = handle.getTimestamp();
        final Integer wireLen = handle.getOriginalLength();
        ring.offer(bytes, bytes.length, Pcap4jFileSource.toNanos(ts), wireLen == null ? bytes.length : wireLen);
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
            return true;
        }
        final IOException f = failure;
        if (f != null) {
            failure = null;
            throw f;
        }
        return false;
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
                    s == null ? 0 : s.getNumPacketsDroppedByIf(), ring.drops(), ring.size());
        }
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
