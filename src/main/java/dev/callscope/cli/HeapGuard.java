package dev.callscope.cli;

import dev.callscope.core.ForwardingSource;
import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import java.io.IOException;

/**
 * Keeps a long run's heap near its live state. What a streamed or summarising run holds is the
 * state in progress; what it has written or summarised dies, but the collector (serial or parallel)
 * lets the old generation grow with that garbage until it is full, so the process would grow with the capture.
 * Every {@value #EVERY} records finished, when the heap in use passes twice what was live after
 * the last such collection (and at least {@link #BUDGET}), a full collection brings it back. A table
 * whose summaries grow with the capture thus collects as often as its live data doubles, not at
 * every look.
 */
final class HeapGuard {
    /** Heap in use above which a full collection is asked for. */
    static final long BUDGET = 160L << 20;
    /** Records (calls, messages, streams) between two looks at the heap. */
    static final int EVERY = 1024;

    private static int count;
    private static long threshold = BUDGET;

    private HeapGuard() {
    }

    /** Frames read between two looks at the heap by {@link #watching}. */
    static final int FRAMES = 1 << 16;

    /**
     * {@code source} with a look at the heap every {@value #FRAMES} frames: a command that writes
     * nothing until the end (read, flows) holds little, but the old generation filled with what its
     * packets left behind, so it grew with the capture (read: 281 MB on 100,000 calls, 425 MB on
     * 200,000), and each new page of it cost the kernel a fresh page.
     */
    static PacketSource watching(final PacketSource source) {
        return new ForwardingSource(source) {
            private int frames;

            @Override
            public boolean next(final RawFrame frame) throws IOException {
                if (++frames == FRAMES) {
                    frames = 0;
                    look();
                }
                return in.next(frame);
            }
        };
    }

    /** One record was finished (written or summarised); called from the analysing thread. */
    static void tick() {
        if (++count % EVERY != 0) {
            return;
        }
        look();
    }

    private static void look() {
        final Runtime rt = Runtime.getRuntime();
        if (rt.totalMemory() - rt.freeMemory() > threshold) {
            System.gc();
            threshold = Math.max(BUDGET, 2 * (rt.totalMemory() - rt.freeMemory()));
        }
    }
}
