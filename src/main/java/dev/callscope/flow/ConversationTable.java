package dev.callscope.flow;

import dev.callscope.tap.ConversationRecord;
import dev.callscope.tap.Tap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Finished conversations for {@code callscope flows}. With a top-N bound only the N largest by the
 * sort key are kept (a heap), so memory stays bounded on captures with millions of flows.
 */
public final class ConversationTable implements Tap {
    @Override
    public boolean wantsEvents() {
        return false;
    }

    /** Orders for the table. */
    public enum Sort {
        START(Comparator.comparingLong(ConversationRecord::startNanos).thenComparingLong(ConversationRecord::id)),
        PACKETS(Comparator.comparingLong(ConversationRecord::packets).reversed().thenComparingLong(ConversationRecord::id)),
        BYTES(Comparator.comparingLong(ConversationRecord::bytes).reversed().thenComparingLong(ConversationRecord::id)),
        DURATION(Comparator.comparingLong((ConversationRecord c) -> c.endNanos() - c.startNanos()).reversed()
            .thenComparingLong(ConversationRecord::id));

        final Comparator<ConversationRecord> order;

        Sort(final Comparator<ConversationRecord> order) {
            this.order = order;
        }
    }

    private final Sort sort;
    private final int top;
    private final List<ConversationRecord> all = new ArrayList<>();
    private final PriorityQueue<ConversationRecord> heap;
    private long seen;
    private final int maxRows;
    private long omitted;
    private long omittedUpTo;

    /** @param top keep only the first {@code top} in {@code sort} order; 0 keeps all */
    public ConversationTable(final Sort sort, final int top) {
        this(sort, top, Integer.MAX_VALUE);
    }

    /**
     * @param top keep only the first {@code top} in {@code sort} order; 0 keeps all
     * @param maxRows conversations kept at most; past it those with the fewest packets are left out
     *     (one-packet flows first), and counted
     */
    public ConversationTable(final Sort sort, final int top, final int maxRows) {
        this.sort = sort;
        this.top = top;
        this.maxRows = maxRows;
        this.heap = top > 0 ? new PriorityQueue<>(top + 1, sort.order.reversed()) : null;
    }

    @Override
    public void onConversation(final ConversationRecord c) {
        seen++;
        if (heap == null) {
            if (c.packets() <= omittedUpTo) {
                omitted++;
                return;
            }
            all.add(c);
            if (all.size() >= maxRows) {
                prune();
            }
            return;
        }
        heap.add(c);
        if (heap.size() > top) {
            heap.poll();
        }
    }

    /** Leaves out the conversations with the fewest packets until at most three quarters of the bound are kept. */
    private void prune() {
        long upTo = Math.max(1, omittedUpTo);
        while (all.size() > maxRows - maxRows / 4) {
            final long limit = upTo;
            final int before = all.size();
            all.removeIf(r -> r.packets() <= limit);
            omitted += before - all.size();
            omittedUpTo = Math.max(omittedUpTo, limit);
            upTo *= 2;
        }
    }

    /** Conversations left out at the bound on rows. */
    public long omitted() {
        return omitted;
    }

    /** Conversations of at most this many packets were left out (0 when none was). */
    public long omittedUpTo() {
        return omittedUpTo;
    }

    /** The conversations in the table's order. */
    public List<ConversationRecord> rows() {
        final List<ConversationRecord> l = new ArrayList<>(heap == null ? all : heap);
        l.sort(sort.order);
        return Collections.unmodifiableList(l);
    }

    /** Conversations seen in all (more than {@code rows().size()} when a top-N bound cut them). */
    public long seen() {
        return seen;
    }
}
