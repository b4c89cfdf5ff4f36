package dev.callscope.engine;

import dev.callscope.core.ReassemblyBudget;

/**
 * Bytes of one TCP direction delivered in order but not yet consumed by the dissector (a partial
 * PDU). Grows on demand up to a cap; the engine discards it and reports a gap past the cap. While it
 * holds bytes its array is charged to the {@link ReassemblyBudget}; when the budget drops it for
 * room elsewhere, {@link #dropped} says how many bytes were lost, for the engine to tell the
 * dissector on the direction's next data.
 */
final class StreamBuffer extends ReassemblyBudget.Entry {
    private static final byte[] EMPTY = new byte[0];
    /** An array at most this big is kept for reuse once empty. */
    private static final int KEEP = 64 * 1024;

    private final ReassemblyBudget budget;
    byte[] data = EMPTY;
    int length;
    /** Bytes the budget dropped since the engine last looked (0: none). */
    int dropped;
    /** The last {@link #append} failed for the budget, not the cap. */
    boolean refusedByBudget;

    StreamBuffer(final ReassemblyBudget budget) {
        super(ReassemblyBudget.Kind.TCP_MESSAGE);
        this.budget = budget;
    }

    /**
     * Appends; false when the result would exceed {@code cap} or the budget has no room for it
     * ({@link #refusedByBudget}: then this buffer was the oldest pending reassembly and has been
     * dropped and counted; the engine discards it). Nothing is appended on false.
     */
    boolean append(final byte[] src, final int off, final int len, final int cap) {
        refusedByBudget = false;
        if (len <= 0) {
            return true;
        }
        final long need = (long) length + len;
        if (need > cap) {
            return false;
        }
        final int grown = need > data.length ? (int) Math.min(cap, Math.max(need, Math.max(256, data.length * 2L))) : data.length;
        // charged: the whole array from the first byte held, then each growth
        final int charge = length == 0 ? grown : grown - data.length;
        if ((charge > 0 || !pending()) && !budget.reserve(this, charge)) {
            refusedByBudget = true;
            budget.dropped(this);
            return false;
        }
        if (grown > data.length) {
            final byte[] n = new byte[grown];
            System.arraycopy(data, 0, n, 0, length);
            data = n;
        }
        System.arraycopy(src, off, data, length, len);
        length += len;
        return true;
    }

    /** Drops the first {@code n} bytes. */
    void consume(final int n) {
        if (n >= length) {
            length = 0;
        } else {
            System.arraycopy(data, n, data, 0, length - n);
            length -= n;
        }
        if (length == 0) {
            budget.releaseAll(this);
            if (data.length > KEEP) {
                data = EMPTY; // give a large buffer back once empty
            }
        }
    }

    void clear() {
        length = 0;
        budget.releaseAll(this);
        if (data.length > KEEP) {
            data = EMPTY;
        }
    }

    @Override
    protected void evicted() {
        dropped += length;
        length = 0;
        data = EMPTY;
    }
}
