package dev.callscope.cli;

/**
 * Keeps a long run's heap near its live state. What a streamed or summarising run holds is the
 * state in progress; what it has written or summarised dies, but the serial collector lets the old
 * generation grow with that garbage until it is full, so the process would grow with the capture.
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

    /** One record was finished (written or summarised); called from the analysing thread. */
    static void tick() {
        if (++count % EVERY != 0) {
            return;
        }
        final Runtime rt = Runtime.getRuntime();
        if (rt.totalMemory() - rt.freeMemory() > threshold) {
            System.gc();
            threshold = Math.max(BUDGET, 2 * (rt.totalMemory() - rt.freeMemory()));
        }
    }
}
