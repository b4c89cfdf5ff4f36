package dev.callscope.dissect;

import java.nio.charset.StandardCharsets;

/**
 * A read-only window {@code [offset, offset+length)} over a byte array, reused by the engine (a
 * flyweight: no copy, no allocation). Index arguments are relative to the window. The accessors
 * check bounds and throw {@link IndexOutOfBoundsException}, which the engine's firewall turns into
 * a {@code <proto>.dissector_bug} anomaly; parsers should check {@link #length()} first.
 */
public final class Payload {
    private byte[] array;
    private int offset;
    private int length;

    public Payload() {
        this(new byte[0], 0, 0);
    }

    public Payload(final byte[] array, final int offset, final int length) {
        wrap(array, offset, length);
    }

    public static Payload of(final byte[] bytes) {
        return new Payload(bytes, 0, bytes.length);
    }

    public Payload wrap(final byte[] array, final int offset, final int length) {
        if (offset < 0 || length < 0 || offset + length > array.length) {
            throw new IndexOutOfBoundsException("window " + offset + "+" + length + " over " + array.length);
        }
        this.array = array;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /** The backing array; valid bytes are {@code [offset(), offset()+length())}. Do not modify. */
    public byte[] array() {
        return array;
    }

    public int offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    public boolean has(final int index, final int n) {
        return index >= 0 && n >= 0 && index + n <= length;
    }

    private int check(final int index, final int n) {
        if (!has(index, n)) {
            throw new IndexOutOfBoundsException("read " + n + " at " + index + " of " + length);
        }
        return offset + index;
    }

    public int u8(final int index) {
        return array[check(index, 1)] & 0xFF;
    }

    public int u16(final int index) {
        final int i = check(index, 2);
        return ((array[i] & 0xFF) << 8) | (array[i + 1] & 0xFF);
    }

    public int u24(final int index) {
        final int i = check(index, 3);
        return ((array[i] & 0xFF) << 16) | ((array[i + 1] & 0xFF) << 8) | (array[i + 2] & 0xFF);
    }

    public long u32(final int index) {
        final int i = check(index, 4);
        return ((long) (array[i] & 0xFF) << 24) | ((array[i + 1] & 0xFF) << 16) | ((array[i + 2] & 0xFF) << 8)
            | (array[i + 3] & 0xFF);
    }

    public long s64(final int index) {
        return (u32(index) << 32) | u32(index + 4);
    }

    /** A copy of {@code n} bytes at {@code index}. */
    public byte[] bytes(final int index, final int n) {
        final int i = check(index, n);
        final byte[] out = new byte[n];
        System.arraycopy(array, i, out, 0, n);
        return out;
    }

    /** Bytes as ISO-8859-1 text (one char per byte, never fails). */
    public String latin1(final int index, final int n) {
        return new String(array, check(index, n), n, StandardCharsets.ISO_8859_1);
    }

    public String utf8(final int index, final int n) {
        return new String(array, check(index, n), n, StandardCharsets.UTF_8);
    }

    /** First index {@code >= from} of {@code b}, or -1. */
    public int indexOf(final byte b, final int from) {
        for (int i = Math.max(0, from); i < length; i++) {
            if (array[offset + i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** First index {@code >= from} where {@code needle} starts, or -1. */
    public int indexOf(final byte[] needle, final int from) {
        outer:
        for (int i = Math.max(0, from); i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (array[offset + i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A new window over {@code [index, index+n)} of this one (allocates a Payload). */
    public Payload slice(final int index, final int n) {
        return new Payload(array, check(index, n), n);
    }
}
