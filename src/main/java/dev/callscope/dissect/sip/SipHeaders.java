package dev.callscope.dissect.sip;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * The headers of a parsed message, kept as where their values are in the message's text: a call
 * holds its messages until it is over, and a list of header objects with a string per value cost
 * more than the message text itself (on 100,000 calls, most of what the collector promoted). A
 * header becomes a {@link SipMessage.Header} only when asked for; {@link #value} finds one without
 * making any.
 */
final class SipHeaders extends AbstractList<SipMessage.Header> implements RandomAccess {
    private final String raw;
    private final String[] names;
    /** For header i, its value's first char and the char after its last in {@code raw}. */
    private final int[] spans;
    /** Values of folded headers (several lines joined), null for the others; null when none is folded. */
    private final String[] folded;

    SipHeaders(final String raw, final String[] names, final int[] spans, final String[] folded) {
        this.raw = raw;
        this.names = names;
        this.spans = spans;
        this.folded = folded;
    }

    @Override
    public SipMessage.Header get(final int i) {
        if (i < 0 || i >= names.length) {
            throw new IndexOutOfBoundsException(i);
        }
        return new SipMessage.Header(names[i], valueAt(i));
    }

    @Override
    public int size() {
        return names.length;
    }

    private String valueAt(final int i) {
        if (folded != null && folded[i] != null) {
            return folded[i];
        }
        return raw.substring(spans[2 * i], spans[2 * i + 1]);
    }

    /** The first value of the header named {@code name} (long form, any case), or null. */
    String value(final String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                return valueAt(i);
            }
        }
        return null;
    }
}
