package dev.callscope.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One line of a frame's dissection tree (what {@code tshark -V} prints): a label, the field's value,
 * where its bytes are and the fields inside it. Built on demand for the frames a user asks to see,
 * never on the per-packet path.
 *
 * <p>{@link #offset} counts from the start of the bytes the tree describes: the frame, or, for a
 * message reassembled from TCP segments, that message (see {@link #data}). A field with no bytes of
 * its own (a computed value, such as a relative sequence number) has offset -1 and length 0.
 */
public final class FieldNode {
    /** The text tshark would print, e.g. "Time to Live: 64" or "Internet Protocol Version 4, Src: ..., Dst: ...". */
    public final String label;
    /** A tshark-style field name ("ip.ttl"), or null. */
    public final String field;
    /** The value alone, as text ("64"), or null for a node that only groups others. */
    public final String value;
    public int offset;
    public final int length;
    /**
     * Set on a top node whose offsets count from bytes other than the frame's (a reassembled
     * message): those bytes, so that a hex dump can show them. Null otherwise.
     */
    public byte[] data;
    private final List<FieldNode> children = new ArrayList<>();

    public FieldNode(final String label, final String field, final String value, final int offset, final int length) {
        this.label = label;
        this.field = field;
        this.value = value;
        this.offset = length > 0 ? offset : (offset < 0 ? -1 : offset);
        this.length = Math.max(0, length);
    }

    /** A node that groups others: its label alone. */
    public static FieldNode group(final String label, final int offset, final int length) {
        return new FieldNode(label, null, null, offset, length);
    }

    /** Adds a child "{@code name}: {@code value}" and returns it. */
    public FieldNode add(final String name, final String field, final Object value, final int offset, final int length) {
        final String v = String.valueOf(value);
        final FieldNode n = new FieldNode(name + ": " + v, field, v, offset, length);
        children.add(n);
        return n;
    }

    /** Adds a child whose label differs from "name: value" (a flag bit, a summary). */
    public FieldNode addLabelled(final String label, final String field, final Object value, final int offset,
                                 final int length) {
        final FieldNode n = new FieldNode(label, field, value == null ? null : String.valueOf(value), offset, length);
        children.add(n);
        return n;
    }

    public FieldNode add(final FieldNode child) {
        children.add(child);
        return child;
    }

    public List<FieldNode> children() {
        return Collections.unmodifiableList(children);
    }

    /** Moves this node and everything below it by {@code delta} bytes (offsets of -1 stay). */
    public FieldNode shift(final int delta) {
        if (offset >= 0) {
            offset += delta;
        }
        for (final FieldNode c : children) {
            c.shift(delta);
        }
        return this;
    }

    /** The first node at or below this one with the tshark field name {@code name}, or null. */
    public FieldNode find(final String name) {
        if (name.equals(field)) {
            return this;
        }
        for (final FieldNode c : children) {
            final FieldNode f = c.find(name);
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    /** Every node at or below this one with the field name {@code name}, in tree order. */
    public List<FieldNode> findAll(final String name) {
        final List<FieldNode> out = new ArrayList<>();
        collect(name, out);
        return out;
    }

    private void collect(final String name, final List<FieldNode> out) {
        if (name.equals(field)) {
            out.add(this);
        }
        for (final FieldNode c : children) {
            c.collect(name, out);
        }
    }

    @Override
    public String toString() {
        return label;
    }
}
