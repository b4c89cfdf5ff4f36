package dev.callscope.engine;

import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.decode.PacketDecoder;
import dev.callscope.decode.PacketInfo;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;

/**
 * Reads and decodes frames (link, IP, fragment reassembly, transport headers) on a second thread,
 * a few batches ahead of the engine's thread, which runs dissectors and taps. The two threads meet
 * only at the two queues of batches, so each frame costs no synchronisation of its own; every slot
 * is reused, so nothing is allocated per frame.
 *
 * <p>Memory is bounded: {@value #BATCHES} batches of {@value #BATCH} slots, and a slot whose frame
 * buffer grew past {@value #KEEP_FRAME_BYTES} bytes gets a small one back before it is refilled.
 * A decoded payload that lives in the decoder's own reassembly buffer is copied into the slot, since
 * the decoder reuses that buffer for later frames.
 */
final class DecodeAhead implements AutoCloseable {
    static final int BATCH = 256;
    static final int BATCHES = 4;
    static final int KEEP_FRAME_BYTES = 16 * 1024;

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
    private final ArrayBlockingQueue<Batch> filled = new ArrayBlockingQueue<>(BATCHES);
    private final ArrayBlockingQueue<Batch> free = new ArrayBlockingQueue<>(BATCHES);
    private final Thread thread;
    private volatile boolean stop;
    private long frameNumber;

    /** Starts reading; frames are numbered from {@code lastFrameNumber + 1}. */
    DecodeAhead(final PacketSource source, final PacketDecoder decoder, final long lastFrameNumber) {
        this.source = source;
        this.decoder = decoder;
        this.frameNumber = lastFrameNumber;
        for (int i = 0; i < BATCHES; i++) {
            free.add(new Batch());
        }
        thread = new Thread(this::loop, "callscope-decode");
        thread.setDaemon(true);
        thread.start();
    }

    /** The next batch in order; blocks until it is ready. An interrupt becomes a cancellation. */
    Batch take() {
        try {
            return filled.take();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("cancelled");
        }
    }

    /** Gives a processed batch back for refilling. */
    void release(final Batch b) {
        free.add(b);
    }

    private void loop() {
        try {
            while (!stop) {
                final Batch b = free.take();
                b.count = 0;
                b.end = false;
                b.error = null;
                try {
                    while (b.count < BATCH) {
                        final Slot s = b.slots[b.count];
                        if (s.frame.data.length > KEEP_FRAME_BYTES) {
                            s.frame.data = new byte[2048];
                        }
                        if (!source.next(s.frame)) {
                            b.end = true;
                            break;
                        }
                        s.result = decoder.decode(s.frame, ++frameNumber, s.info);
                        keepPayload(s);
                        b.count++;
                    }
                } catch (final Throwable t) {
                    b.error = t;
                    b.end = true;
                }
                filled.put(b);
                if (b.end) {
                    return;
                }
            }
        } catch (final InterruptedException e) {
            // close() while waiting: nothing more to do
        }
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
     * Stops the reading thread and waits for it, so the caller may close the source. Batches it
     * still hands over are dropped. A thread stopped part way (an input error or a cancellation
     * on the engine's side) is interrupted, which may close an interruptible file channel under
     * it: the source is being abandoned anyway.
     */
    @Override
    public void close() {
        stop = true;
        if (thread.isAlive()) {
            thread.interrupt();
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            Batch b;
            while ((b = filled.poll()) != null) {
                free.offer(b);
            }
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
