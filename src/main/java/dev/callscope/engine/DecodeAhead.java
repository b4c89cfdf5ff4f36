package dev.callscope.engine;

import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.decode.PacketDecoder;
import dev.callscope.decode.PacketInfo;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads and decodes frames (link, IP, fragment reassembly, transport headers) on a second thread,
 * a few batches ahead of the engine's thread, which runs dissectors and taps. Off by default (see
 * {@link EngineOptions}): on two vCPUs the handover of every frame between cores costs more than it saves. The threads meet at
 * a ring of batches with two counters (filled, given back): no lock, and a thread parks only when
 * it has nothing to do, so a frame costs no synchronisation of its own. (Spinning instead of
 * parking was measured and made things slower: on two cores the spinner takes the cycles the other
 * thread and the JIT need.) Every slot is reused, so nothing is allocated per frame.
 *
 * <p>Memory is bounded: {@value #BATCHES} batches of at most {@value #BATCH} slots and about
 * {@value #BATCH_BYTES} bytes of frames each (a batch of large frames is handed over early), and a
 * slot whose frame buffer grew past {@value #KEEP_FRAME_BYTES} bytes gets a small one back before it
 * is refilled.
 * A decoded payload that lives in the decoder's own reassembly buffer is copied into the slot, since
 * the decoder reuses that buffer for later frames.
 */
final class DecodeAhead implements AutoCloseable {
    static final int BATCH = 256;
    static final int BATCHES = 4;
    static final int KEEP_FRAME_BYTES = 16 * 1024;
    /** A batch is handed over once its frames hold this many bytes, however few they are. */
    static final int BATCH_BYTES = 4 * 1024 * 1024;
    /** A reader that found every batch full sleeps until this many are free again (fewer wake-ups). */
    private static final int RESUME = 2;

    /** One decoded frame. */
    static final class Slot {
        final RawFrame frame = new RawFrame();
        final PacketInfo info = new PacketInfo();
        PacketDecoder.Result result;
        private byte[] payloadCopy;
    }

    /** Frames handed over together; {@link #end} marks the last batch (with {@link #error} if the source failed). */
    static final class Batch {
        final Slot[] slots = new Slot[BATCH];
        int count;
        boolean end;
        Throwable error;

        Batch() {
            for (int i = 0; i < BATCH; i++) {
                slots[i] = new Slot();
            }
        }
    }

    private final PacketSource source;
    private final PacketDecoder decoder;
    /** Batch i lives in ring[i % BATCHES]; the reader fills, the engine takes and gives back, in order. */
    private final Batch[] ring = new Batch[BATCHES];
    private final Thread thread;
    private final Thread engineThread;
    /** Batches the reader has filled (written by the reader only). */
    private volatile long filled;
    /** Batches the engine has given back (written by the engine only). */
    private volatile long released;
    /** Batches the engine has taken (engine-local). */
    private long taken;
    private volatile boolean readerParked;
    private volatile boolean engineParked;
    private volatile boolean stop;
    private long frameNumber;

    /** Starts reading; frames are numbered from {@code lastFrameNumber + 1}. */
    DecodeAhead(final PacketSource source, final PacketDecoder decoder, final long lastFrameNumber) {
        this.source = source;
        this.decoder = decoder;
        this.frameNumber = lastFrameNumber;
        for (int i = 0; i < BATCHES; i++) {
            ring[i] = new Batch();
        }
        engineThread = Thread.currentThread();
        thread = new Thread(this::loop, "callscope-decode");
        thread.setDaemon(true);
        thread.start();
    }

    /** The next batch in order; waits until it is ready. An interrupt becomes a cancellation. */
    Batch take() {
        final long want = taken;
        while (filled <= want) {
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("cancelled");
            }
            engineParked = true;
            if (filled <= want) {
                LockSupport.park(this);
            }
            engineParked = false;
        }
        taken = want + 1;
        return ring[(int) (want % BATCHES)];
    }

    /** Gives the batch taken last back for refilling (batches go back in the order they were taken). */
    void release() {
        final long r = released + 1;
        released = r;
        // a reader parked on a full ring is woken once RESUME batches are free
        if (readerParked && filled - r <= BATCHES - RESUME) {
            LockSupport.unpark(thread);
        }
    }

    private void loop() {
        long n = 0;
        while (true) {
            if (n - released >= BATCHES) {
                // all full: sleep until the engine has given back RESUME of them
                while (n - released > BATCHES - RESUME) {
                    if (stop) {
                        return;
                    }
                    readerParked = true;
                    if (n - released > BATCHES - RESUME && !stop) {
                        LockSupport.park(this);
                    }
                    readerParked = false;
                }
            }
            if (stop) {
                return;
            }
            final Batch b = ring[(int) (n % BATCHES)];
            b.count = 0;
            b.end = false;
            b.error = null;
            try {
                long bytes = 0;
                while (b.count < BATCH && bytes < BATCH_BYTES) {
                    final Slot s = b.slots[b.count];
                    if (!readOne(s)) {
                        b.end = true;
                        break;
                    }
                    bytes += s.frame.data.length;
                    b.count++;
                }
            } catch (final Throwable t) {
                b.error = t;
                b.end = true;
            }
            n++;
            filled = n;
            if (engineParked) {
                LockSupport.unpark(engineThread);
            }
            if (b.end) {
                return;
            }
        }
    }

    /**
     * Reads and decodes one frame into the slot; false at the end of the source. (A method of its
     * own so that the JIT compiles it after a few hundred frames instead of waiting to replace the
     * running loop.)
     */
    private boolean readOne(final Slot s) throws java.io.IOException {
        if (s.frame.data.length > KEEP_FRAME_BYTES) {
            s.frame.data = new byte[2048];
        }
        if (!source.next(s.frame)) {
            return false;
        }
        s.result = decoder.decode(s.frame, ++frameNumber, s.info);
        keepPayload(s);
        return true;
    }

    private static void keepPayload(final Slot s) {
        final PacketInfo info = s.info;
        if (info.payload == null || info.payload == s.frame.data) {
            return;
        }
        final int n = info.payloadLength;
        if (s.payloadCopy == null || s.payloadCopy.length < n) {
            s.payloadCopy = new byte[Math.max(n, 2048)];
        }
        System.arraycopy(info.payload, info.payloadOffset, s.payloadCopy, 0, n);
        info.payload = s.payloadCopy;
        info.payloadOffset = 0;
    }

    /**
     * Stops the reading thread and waits for it, so the caller may close the source. A thread
     * stopped part way (an input error or a cancellation on the engine's side) is interrupted, which
     * may close an interruptible file channel under it: the source is being abandoned anyway.
     */
    @Override
    public void close() {
        stop = true;
        boolean interrupted = false;
        while (thread.isAlive()) {
            thread.interrupt();
            LockSupport.unpark(thread);
            try {
                thread.join(5);
            } catch (final InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
