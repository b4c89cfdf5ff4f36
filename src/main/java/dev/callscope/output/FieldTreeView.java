package dev.callscope.output;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.callscope.core.FieldNode;
import java.util.List;

/**
 * A frame's dissection tree as JSON: {@code {"frame": N, "tree": [node...]}}, each node
 * {@code {"name", "field", "value", "offset", "length", "children"}} ({@code field} is the
 * tshark-style field name when there is one; {@code offset} is null for a value with no bytes of
 * its own; {@code children} is left out when empty).
 */
public final class FieldTreeView {
    private FieldTreeView() {
    }

    /** One frame; {@code hex} (the captured bytes as hex digits) only when asked for, else null. */
    public static ObjectNode frame(final long number, final List<FieldNode> tree, final String hex) {
        final ObjectNode o = Json.object();
        o.put("frame", number);
        final ArrayNode a = o.putArray("tree");
        for (final FieldNode n : tree) {
            a.add(node(n, hex != null));
        }
        if (hex != null) {
            o.put("hex", hex);
        }
        return o;
    }

    private static ObjectNode node(final FieldNode n, final boolean hex) {
        final ObjectNode o = Json.object();
        o.put("name", n.label);
        if (n.field != null) {
            o.put("field", n.field);
        }
        if (n.value != null) {
            o.put("value", n.value);
        }
        if (n.offset >= 0) {
            o.put("offset", n.offset);
        } else {
            o.putNull("offset");
        }
        o.put("length", n.length);
        if (n.data != null) {
            o.put("reassembled_length", n.data.length);
            if (hex) {
                o.put("reassembled_hex", hexText(n.data, n.data.length));
            }
        }
        if (!n.children().isEmpty()) {
            final ArrayNode c = o.putArray("children");
            for (final FieldNode x : n.children()) {
                c.add(node(x, hex));
            }
        }
        return o;
    }

    /** Bytes as lower-case hex digits, no separators. */
    public static String hexText(final byte[] b, final int len) {
        final StringBuilder sb = new StringBuilder(len * 2);
        for (int i = 0; i < len; i++) {
            sb.append(Character.forDigit((b[i] >>> 4) & 0xF, 16)).append(Character.forDigit(b[i] & 0xF, 16));
        }
        return sb.toString();
    }
}
