package dev.callscope.engine;

import dev.callscope.core.FlowKey;
import dev.callscope.dissect.Transport;
import java.util.ArrayList;
import java.util.List;

/**
 * The open conversations by key, and in order of last packet (least recently seen first).
 *
 * <p>Every packet looks its conversation up here, so this is an open-addressing table with linear
 * probing whose slots keep each key's hash and packed 5-tuple in flat arrays: an IPv4 lookup
 * compares two longs per probe and touches only the conversation it finds (a {@code HashMap} would
 * chase node, key and two address arrays). Deletion shifts the following run back, so there are no
 * tombstones. The recency order is threaded through the conversations as two doubly linked lists,
 * one of connections (TCP, SCTP) and one of datagram conversations, which idle out after different
 * times; a count of sightings orders the two together for eviction of the least recently seen
 * conversation at the flow limit.
 */
final class FlowTable {
    private static final int MIN_CAPACITY = 1024;

    private Conversation[] slots = new Conversation[MIN_CAPACITY];
    private int[] hashes = new int[MIN_CAPACITY];
    private long[] addresses = new long[MIN_CAPACITY];
    private long[] ports = new long[MIN_CAPACITY];
    private int mask = MIN_CAPACITY - 1;
    private int size;

    /** Index of the list of connections (TCP, SCTP). */
    static final int CONNECTIONS = 0;
    /** Index of the list of datagram conversations (UDP and the rest). */
    static final int DATAGRAMS = 1;

    /** Least recently seen of each list. */
    private final Conversation[] eldest = new Conversation[2];
    /** Most recently seen of each list. */
    private final Conversation[] newest = new Conversation[2];
    private long sightings;

    /** The recency list {@code c} is on. */
    static int list(final Conversation c) {
        return isConnection(c.transport) ? CONNECTIONS : DATAGRAMS;
    }

    /** Whether conversations of {@code t} are connections (idle out after the longer time). */
    static boolean isConnection(final Transport t) {
        return t == Transport.TCP || t == Transport.SCTP;
    }

    int size() {
        return size;
    }

    /** The conversation with this key, or null; does not change the recency order. */
    Conversation get(final FlowKey key) {
        final int h = key.hashCode();
        final long addr = key.packedAddresses();
        final long port = key.packedPorts();
        final boolean exact = key.packedIsExact();
        final Conversation[] s = slots;
        final int m = mask;
        int i = spread(h) & m;
        Conversation c;
        while ((c = s[i]) != null) {
            if (hashes[i] == h && addresses[i] == addr && ports[i] == port && (exact || c.key.equals(key))) {
                return c;
            }
            i = (i + 1) & m;
        }
        return null;
    }

    /** Adds a conversation whose key is not in the table, as the most recently seen. */
    void put(final Conversation c) {
        if (size + 1 > (slots.length >> 1)) {
            resize(slots.length << 1);
        }
        insert(c);
        size++;
        append(c, list(c));
    }

    /** Marks the conversation as the most recently seen. */
    void touch(final Conversation c) {
        final int l = list(c);
        if (c == newest[l]) {
            c.seenOrder = ++sightings;
            return;
        }
        unlink(c, l);
        append(c, l);
    }

    private void append(final Conversation c, final int l) {
        c.seenOrder = ++sightings;
        final Conversation last = newest[l];
        c.olderSeen = last;
        c.newerSeen = null;
        if (last != null) {
            last.newerSeen = c;
        } else {
            eldest[l] = c;
        }
        newest[l] = c;
    }

    /** The least recently seen conversation, or null when the table is empty. */
    Conversation eldest() {
        return older(eldest[CONNECTIONS], eldest[DATAGRAMS]);
    }

    /** The least recently seen conversation of one list ({@link #CONNECTIONS} or {@link #DATAGRAMS}), or null. */
    Conversation eldest(final int list) {
        return eldest[list];
    }

    /** The most recently seen conversation of one list, or null. */
    Conversation newest(final int list) {
        return newest[list];
    }

    /** The one of {@code a} and {@code b} (either may be null) seen less recently. */
    static Conversation older(final Conversation a, final Conversation b) {
        if (a == null) {
            return b;
        }
        return b == null || a.seenOrder < b.seenOrder ? a : b;
    }

    /** Removes the conversation if it is in the table (by identity). */
    void remove(final Conversation c) {
        final FlowKey key = c.key;
        final Conversation[] s = slots;
        final int m = mask;
        int i = spread(key.hashCode()) & m;
        Conversation x;
        while ((x = s[i]) != null && x != c) {
            i = (i + 1) & m;
        }
        if (x == null) {
            return;
        }
        // backward-shift deletion: move later members of the probe run into the hole when their home allows
        int hole = i;
        int j = i;
        while (true) {
            j = (j + 1) & m;
            final Conversation y = s[j];
            if (y == null) {
                break;
            }
            final int home = spread(hashes[j]) & m;
            // y may fill the hole unless its home lies cyclically in (hole, j]
            final boolean homeBetween = hole <= j ? home > hole && home <= j : home > hole || home <= j;
            if (!homeBetween) {
                s[hole] = y;
                hashes[hole] = hashes[j];
                addresses[hole] = addresses[j];
                ports[hole] = ports[j];
                hole = j;
            }
        }
        s[hole] = null;
        size--;
        unlink(c, list(c));
        c.olderSeen = null;
        c.newerSeen = null;
    }

    /** Every conversation, least recently seen first. */
    List<Conversation> values() {
        final List<Conversation> out = new ArrayList<>(size);
        Conversation a = eldest[CONNECTIONS];
        Conversation b = eldest[DATAGRAMS];
        while (a != null || b != null) {
            if (older(a, b) == a) {
                out.add(a);
                a = a.newerSeen;
            } else {
                out.add(b);
                b = b.newerSeen;
            }
        }
        return out;
    }

    void clear() {
        slots = new Conversation[MIN_CAPACITY];
        hashes = new int[MIN_CAPACITY];
        addresses = new long[MIN_CAPACITY];
        ports = new long[MIN_CAPACITY];
        mask = MIN_CAPACITY - 1;
        size = 0;
        for (int l = 0; l < 2; l++) {
            for (Conversation c = eldest[l]; c != null; ) {
                final Conversation next = c.newerSeen;
                c.olderSeen = null;
                c.newerSeen = null;
                c = next;
            }
            eldest[l] = null;
            newest[l] = null;
        }
    }

    private void unlink(final Conversation c, final int l) {
        final Conversation older = c.olderSeen;
        final Conversation newer = c.newerSeen;
        if (older != null) {
            older.newerSeen = newer;
        } else if (eldest[l] == c) {
            eldest[l] = newer;
        }
        if (newer != null) {
            newer.olderSeen = older;
        } else if (newest[l] == c) {
            newest[l] = older;
        }
    }

    private void insert(final Conversation c) {
        final FlowKey key = c.key;
        final int h = key.hashCode();
        int i = spread(h) & mask;
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        slots[i] = c;
        hashes[i] = h;
        addresses[i] = key.packedAddresses();
        ports[i] = key.packedPorts();
    }

    private void resize(final int capacity) {
        final Conversation[] old = slots;
        slots = new Conversation[capacity];
        hashes = new int[capacity];
        addresses = new long[capacity];
        ports = new long[capacity];
        mask = capacity - 1;
        for (final Conversation c : old) {
            if (c != null) {
                insert(c);
            }
        }
    }

    /** FlowKey hashes are already mixed; this only guards against a key type whose low bits are poor. */
    private static int spread(final int h) {
        return h ^ (h >>> 16);
    }
}
