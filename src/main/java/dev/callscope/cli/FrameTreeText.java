package dev.callscope.cli;

import dev.callscope.core.FieldNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * A frame's dissection tree as text, the way {@code tshark -V} indents it, with two columns in
 * front: the field's byte offset and length (blank for a value with no bytes of its own, such as a
 * relative sequence number). With hex, the bytes follow as {@code tshark -x} prints them.
 */
final class FrameTreeText {
    private FrameTreeText() {
    }

    static void write(final PrintWriter out, final List<FieldNode> tree, final byte[] frame, final int capLen, final boolean hex) {
        for (final FieldNode n : tree) {
            node(out, n, 0);
        }
        if (hex) {
            out.println();
            dump(out, frame, capLen);
            for (final FieldNode n : tree) {
                reassembled(out, n);
            }
        }
    }

    private static void reassembled(final PrintWriter out, final FieldNode n) {
        if (n.data != null) {
            out.println();
            out.println(n.label.startsWith("Reassembled") ? "Reassembled message (" + n.data.length + " bytes):"
                : "Reassembled datagram of " + n.label + " (" + n.data.length + " bytes):");
            dump(out, n.data, n.data.length);
            return;
        }
        for (final FieldNode c : n.children()) {
            reassembled(out, c);
        }
    }

    private static void node(final PrintWriter out, final FieldNode n, final int depth) {
        final String where = n.offset >= 0 ? String.format(Locale.ROOT, "%5d %5d  ", n.offset, n.length) : " ".repeat(13);
        out.println(where + "    ".repeat(depth) + n.label);
        for (final FieldNode c : n.children()) {
            node(out, c, depth + 1);
        }
    }

    /** {@code tshark -x}: offset, 16 bytes in hex (two groups of eight), the same bytes as ASCII. */
    static void dump(final PrintWriter out, final byte[] data, final int len) {
        for (int off = 0; off < len; off += 16) {
            final StringBuilder h = new StringBuilder(52);
            final StringBuilder a = new StringBuilder(17);
            for (int i = 0; i < 16; i++) {
                if (off + i < len) {
                    final int b = data[off + i] & 0xff;
                    h.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xF, 16)).append(' ');
                    a.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
                } else {
                    h.append("   ");
                }
                if (i == 7) {
                    h.append(' ');
                    if (off + i < len) {
                        a.append(' ');
                    }
                }
            }
            out.printf(Locale.ROOT, "%04x  %s %s%n", off, h, a);
        }
    }
}
