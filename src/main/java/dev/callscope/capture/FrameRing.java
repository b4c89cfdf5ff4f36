package dev.callscope.capture;

import dev.callscope.core.RawFrame;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Bounded single-producer, single-consumer queue of captured frames, preallocated once: a byte
 * arena holds the packet bytes back to back and parallel arrays hold each record's metadata.
 * Offering a frame never allocates and never blocks; when either the record slots or the arena
 * bytes are exhausted the frame is dropped and counted.
 *
 * <pre>
 *   arena (capacity B):  | rec k | rec k+1 | pad | rec k+2 ...       (a record never wraps:
 *                        ^consumedBytes            ^producedBytes       the tail gap is padding)
 *   slots (capacity N):  tsNanos[], capLen[], origLen[], offset[], footprint[]
 * </pre>
 *
 * <p>Positions are monotonic byte counts; {@code producedBytes - consumedBytes <= B} always, so a
 * record written in {@code [p + pad, p + pad + len)} can never overlap unread data. The producer
 * publishes a record by a volatile write of {@code tail}; the consumer frees it by volatile writes of
 * {@code consumedBytes} and {@code head}. A waiting consumer parks; the producer unparks it after
 * publishing (volatile flag, re-checked by the consumer before parking, so no wake-up is lost).
 *
 * <p>Threading: {@link #offer} and {@link #finish} from the producer thread only; {@link #take}
 * from one consumer thread at a time; {@link #drops()}, {@link #size()} from any thread.
 */
public final class FrameRing {
    /** Longest a consumer parks before re-checking (a safety net, not the wake-up path). */
    private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final byte[] arena;
    private final int slots;
    private final long[] tsNanos;
    private final int[] capLen;
    private final int[] origLen;
    private final int[] offset;
    private final int[] footprint;

    /** Records published (written by the producer). */
    private final AtomicLong tail = new AtomicLong();
    /** Records consumed (written by the consumer). */
    private final AtomicLong head = new AtomicLong();
    /** Arena bytes consumed including padding (written by the consumer). */
    private final AtomicLong consumedBytes = new AtomicLong();
    /** Arena bytes produced including padding (producer-local). */
    private long producedBytes;

    private final AtomicLong drops = new AtomicLong();
    private volatile Thread waiter;
    private volatile boolean finished;

    /**
     * @param slots maximum number of queued frames
     * @param arenaBytes bytes for queued packet data; a frame longer than this is cut to fit
     */
    public FrameRing(final int slots, final int arenaBytes) {
        if (slots < 1 || arenaBytes < 1) {
            throw new IllegalArgumentException("slots and arenaBytes must be positive");
        }
        this.slots = slots;
        this.arena = new byte[arenaBytes];
        this.tsNanos = new long[slots];
        this.capLen = new int[slots];
        this.origLen = new int[slots];
        this.offset = new int[slots];
        this.footprint = new int[slots];
    }

    /**
     * Queues a copy of {@code data[0..len)} (producer thread only).
     *
     * @return false if the queue was full and the frame was dropped
     */
    public boolean offer(final byte[] data, final int len, final long ts, final int wireLen) {
        return offer(data, 0, null, len, ts, wireLen);
    }

    /**
     * Queues a copy of {@code data[off..off+len)} (producer thread only): one packet of a stream
     * buffer, without copying it out first.
     *
     * @return false if the queue was full and the frame was dropped
     */
    public boolean offerRange(final byte[] data, final int off, final int len, final long ts) {
        return offer(data, off, null, len, ts, len);
    }

    /**
     * Queues a copy of {@code data}'s bytes from 0 to its position (producer thread only): a direct
     * buffer a socket read into is copied once, straight into the queue.
     *
     * @return false if the queue was full and the frame was dropped
     */
    public boolean offer(final java.nio.ByteBuffer data, final long ts) {
        return offer(null, 0, data, data.position(), ts, data.position());
    }

    /**
     * Queues a copy of {@code data[off..off+len)} (producer thread only): one record of a batch
     * read into native memory, copied once.
     *
     * @param wireLen the packet's length on the wire (at least {@code len})
     * @return false if the queue was full and the frame was dropped
     */
    public boolean offer(final java.nio.ByteBuffer data, final int off, final int len, final long ts, final int wireLen) {
        return offer(null, off, data, len, ts, wireLen);
    }

    private boolean offer(final byte[] data, final int off, final java.nio.ByteBuffer buffer, final int len,
                          final long ts, final int wireLen) {
        final int n = Math.min(len, arena.length);
        final long t = tail.get();
        if (t - head.get() >= slots) {
            drops.incrementAndGet();
            return false;
        }
        final int pos = (int) (producedBytes % arena.length);
        final int pad = pos + n > arena.length ? arena.length - pos : 0;
        final int fp = pad + n;
        if (producedBytes + fp - consumedBytes.get() > arena.length) {
            drops.incrementAndGet();
            return false;
        }
        final int start = pad == 0 ? pos : 0;
        if (data != null) {
            System.arraycopy(data, off, arena, start, n);
        } else {
            buffer.get(off, arena, start, n);
        }
        final int slot = (int) (t % slots);
        tsNanos[slot] = ts;
        capLen[slot] = n;
        origLen[slot] = Math.max(wireLen, n);
        offset[slot] = start;
        footprint[slot] = fp;
        producedBytes += fp;
        tail.set(t + 1);
        final Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
        return true;
    }

    /** No more frames will be offered (producer thread, or any thread once the producer is gone). */
    public void finish() {
        finished = true;
        final Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    /** Whether {@link #finish()} was called. */
    public boolean isFinished() {
        return finished;
    }

    /**
     * Takes the oldest frame into {@code frame}, waiting for one if the queue is empty.
     *
     * @return false once the queue is finished and drained
     * @throws InterruptedException if the consumer thread is interrupted while waiting
     */
    public boolean take(final RawFrame frame) throws InterruptedException {
        while (true) {
            final long h = head.get();
            if (h < tail.get()) {
                copyOut(h, frame);
                return true;
            }
            if (finished) {
                // finish() happens after the last publish: one more look settles it.
                if (h < tail.get()) {
                    continue;
                }
                return false;
            }
            waiter = Thread.currentThread();
            try {
                if (head.get() >= tail.get() && !finished) {
                    LockSupport.parkNanos(this, PARK_NANOS);
                }
            } finally {
                waiter = null;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    /**
     * Takes the oldest frame into {@code frame}, waiting at most {@code maxWaitNanos} (and at most
     * once: an unpark of the consumer thread also ends the wait).
     *
     * @return 1 for a frame, 0 for none yet, -1 once the queue is finished and drained
     */
    public int poll(final RawFrame frame, final long maxWaitNanos) {
        for (int round = 0; ; round++) {
            final long h = head.get();
            if (h < tail.get()) {
                copyOut(h, frame);
                return 1;
            }
            if (finished) {
                if (h < tail.get()) {
                    continue;
                }
                return -1;
            }
            if (round > 0 || maxWaitNanos <= 0) {
                return 0;
            }
            waiter = Thread.currentThread();
            try {
                if (head.get() >= tail.get() && !finished) {
                    LockSupport.parkNanos(this, Math.min(maxWaitNanos, PARK_NANOS));
                }
            } finally {
                waiter = null;
            }
        }
    }

    private void copyOut(final long h, final RawFrame frame) {
        final int slot = (int) (h % slots);
        final int n = capLen[slot];
        final byte[] dst = frame.ensureCapacity(n);
        System.arraycopy(arena, offset[slot], dst, 0, n);
        frame.capLen = n;
        frame.origLen = origLen[slot];
        frame.tsNanos = tsNanos[slot];
        consumedBytes.set(consumedBytes.get() + footprint[slot]);
        head.set(h + 1);
    }

    /** Frames dropped because the queue was full. */
    public long drops() {
        return drops.get();
    }

    /** Frames currently queued (approximate while the threads run). */
    public int size() {
        return (int) Math.max(0, tail.get() - head.get());
    }
}
