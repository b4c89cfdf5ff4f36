package dev.callscope.core;

/**
 * Whether what the analysis keeps is about to fill the heap. Trackers ask every few thousand new
 * items (calls, streams, conversations); when the state still live after a full collection fills
 * more than {@link #TIGHT} of the maximum heap, they shed what made no progress (calls without a
 * response, streams and conversations of one packet) before anything else, and say so. A flood of
 * junk thus costs the junk, not the run nor the real calls in it; a heap too small for the real
 * state still ends in an out-of-memory error, which the command reports in one line.
 *
 * <p>One collection is asked for only when the heap in use has grown half way from the live state
 * of the last look to the maximum (or past the tight share, after a look that found it tight), so a
 * run that is not short of memory never pays for it. Trackers shed all but the newest {@link #KEEP}
 * items without progress at once, so one tight spell costs a few collections, not one per item.
 */
public final class HeapBudget {
    /** Share of the maximum heap the live state may fill before trackers shed. */
    public static final double TIGHT = 0.6;
    /** Items without progress a tracker keeps when it sheds (the newest: they may yet make some). */
    public static final int KEEP = 1024;

    private static final Runtime RT = Runtime.getRuntime();
    private static long nextLook = -1;
    private static long tightLooks;

    private HeapBudget() {
    }

    /**
     * How many looks so far found the heap tight; a tracker sheds when this moved since it last
     * shed, so every tracker answers each tight look once. May run a full collection.
     */
    private static synchronized long pressure() {
        final long max = RT.maxMemory();
        if (max == Long.MAX_VALUE) {
            return tightLooks;
        }
        final long floor = (long) (max * TIGHT);
        if (nextLook < 0) {
            nextLook = floor;
        }
        if (RT.totalMemory() - RT.freeMemory() < nextLook) {
            return tightLooks;
        }
        System.gc();
        final long live = RT.totalMemory() - RT.freeMemory();
        if (live > floor) {
            tightLooks++;
            nextLook = floor; // look again soon: the trackers are about to shed, and this sees whether it was enough
        } else {
            nextLook = live + (max - live) / 2;
        }
        return tightLooks;
    }

    /**
     * One tracker's view of the budget: it counts the tracker's new items and, every {@value
     * #EVERY} of them, looks at the heap once.
     */
    public static final class Watch {
        private long items;
        private long seen;

        /** One new item; true when a look found the heap tight since this watch last said so (then shed). */
        public boolean newItem() {
            if (++items % EVERY != 0) {
                return false;
            }
            final long p = pressure();
            if (p == seen) {
                return false;
            }
            seen = p;
            return true;
        }
    }

    /** New items (calls, streams, conversations) between two looks of one tracker at the heap. */
    public static final int EVERY = 4096;

    /** The maximum heap in MiB, for the lines that report shedding. */
    public static long maxMiB() {
        return RT.maxMemory() >> 20;
    }
}
