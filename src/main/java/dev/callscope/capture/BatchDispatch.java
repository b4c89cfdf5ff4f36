package dev.callscope.capture;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.pcap4j.core.PcapHandle;

/**
 * Reads packets from libpcap a batch at a time without a Java call per packet.
 *
 * <p>pcap4j hands each packet to Java through a JNA callback, which allocates a byte array, a
 * timestamp and a task per packet and costs microseconds: at 100,000 packets/s on loopback that
 * alone made libpcap drop a fifth of the packets. Here libpcap's own {@code pcap_dump} is the
 * callback of {@code pcap_dispatch} (as tcpdump uses it), writing into a memory stream
 * ({@code open_memstream}); after each dispatch the batch is one native buffer of pcap records
 * that Java reads in place. The cost per packet is two {@code memcpy} in native code; the Java
 * calls (dispatch, flush, tell, seek) are per batch.
 *
 * <p>The handle stays pcap4j's (opened, filtered and queried for statistics through pcap4j); only
 * its {@code pcap_t} pointer is borrowed. {@link #open} returns null when this platform lacks
 * something (no {@code open_memstream}, another pcap4j): the caller then uses pcap4j's listener.
 *
 * <p>Threading: every method but {@link #open} runs on the capture thread.
 */
final class BatchDispatch implements AutoCloseable {
    /** pcap record header: ts_sec, ts_frac, caplen, len (32 bits each, host order). */
    static final int RECORD_HEADER = 16;
    private static final int SEEK_SET = 0;

    /** The native functions, resolved once; null when unavailable. */
    private static final class Natives {
        final Function dispatch;
        final Function dumpFopen;
        final Function dumpClose;
        final Function pcapDump;
        final Function openMemstream;
        final Function fflush;
        final Function ftell;
        final Function fseek;
        final Function free;
        final Field handleField;

        Natives() throws ReflectiveOperationException {
            dispatch = Libc.pcap("pcap_dispatch");
            dumpFopen = Libc.pcap("pcap_dump_fopen");
            dumpClose = Libc.pcap("pcap_dump_close");
            pcapDump = Libc.pcap("pcap_dump");
            openMemstream = Libc.function("open_memstream");
            fflush = Libc.function("fflush");
            ftell = Libc.function("ftell");
            fseek = Libc.function("fseek");
            free = Libc.function("free");
            handleField = PcapHandle.class.getDeclaredField("handle");
            handleField.setAccessible(true);
        }
    }

    private static volatile Natives natives;
    private static volatile boolean unavailable;

    private final Natives n;
    private final Pointer pcap;
    /** {@code char *buf; size_t size;} that open_memstream keeps up to date on each flush. */
    private final Memory where = new Memory(2L * Native.POINTER_SIZE);
    private final Pointer stream;
    private final Pointer dumper;
    private final int maxPackets;
    private final boolean nano;
    private boolean closed;

    private BatchDispatch(final Natives n, final Pointer pcap, final int maxPackets, final boolean nano) {
        this.n = n;
        this.pcap = pcap;
        this.maxPackets = maxPackets;
        this.nano = nano;
        where.clear();
        stream = (Pointer) n.openMemstream.invoke(Pointer.class, new Object[] {where, where.share(Native.POINTER_SIZE)});
        if (stream == null) {
            throw new IllegalStateException("open_memstream failed");
        }
        dumper = (Pointer) n.dumpFopen.invoke(Pointer.class, new Object[] {pcap, stream});
        if (dumper == null) {
            n.fflush.invokeInt(new Object[] {stream});
            throw new IllegalStateException("pcap_dump_fopen failed");
        }
        // the file header is not wanted: every batch starts at offset 0
        n.fflush.invokeInt(new Object[] {stream});
        rewind();
    }

    /**
     * Prepares batch reads on {@code handle}, or returns null if this platform cannot (the caller
     * falls back to pcap4j's per-packet listener).
     *
     * @param maxPackets most packets one batch holds: the memory stream grows to at most that many
     *     records of the snap length plus 16 bytes each, and is reused for every batch
     * @param nano whether the handle delivers nanosecond timestamps
     */
    static BatchDispatch open(final PcapHandle handle, final int maxPackets, final boolean nano) {
        if (unavailable || Boolean.getBoolean("callscope.capture.perPacket")) {
            return null;
        }
        try {
            Natives n = natives;
            if (n == null) {
                n = new Natives();
                natives = n;
            }
            final Pointer p = (Pointer) n.handleField.get(handle);
            if (p == null) {
                return null;
            }
            return new BatchDispatch(n, p, maxPackets, nano);
        } catch (final ReflectiveOperationException | RuntimeException | LinkageError e) {
            unavailable = true;
            return null;
        }
    }

    /**
     * Runs one {@code pcap_dispatch}: waits up to the handle's timeout for packets, then returns
     * the records it read as a view of native memory, valid until the next call.
     *
     * @return the batch (possibly empty); null when {@code pcap_breakloop} ended the wait
     * @throws IllegalStateException with libpcap's error text when the read failed
     */
    ByteBuffer next() {
        final int got = n.dispatch.invokeInt(new Object[] {pcap, maxPackets, n.pcapDump, dumper});
        if (got == -2) {
            return null;
        }
        if (got < 0) {
            throw new IllegalStateException("pcap_dispatch failed");
        }
        if (got == 0) {
            return EMPTY;
        }
        n.fflush.invokeInt(new Object[] {stream});
        final long len = n.ftell.invokeLong(new Object[] {stream});
        final Pointer buf = where.getPointer(0);
        rewind();
        if (len <= 0 || buf == null) {
            return EMPTY;
        }
        return buf.getByteBuffer(0, len).order(ByteOrder.nativeOrder());
    }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private void rewind() {
        n.fseek.invokeInt(new Object[] {stream, new NativeLong(0), SEEK_SET});
    }

    /** Whether record timestamps carry nanoseconds (else microseconds). */
    boolean nano() {
        return nano;
    }

    /** Releases the dumper, the stream and its buffer; the pcap handle stays open. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        n.dumpClose.invokeVoid(new Object[] {dumper}); // fclose on the memory stream
        final Pointer buf = where.getPointer(0);
        if (buf != null) {
            n.free.invokeVoid(new Object[] {buf});
        }
    }
}
