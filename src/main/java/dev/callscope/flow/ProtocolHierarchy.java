package dev.callscope.flow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Frame and byte counts per protocol path, like {@code tshark -z io,phs}: a frame counts once at
 * every node of its path ("eth" → "ip" → "udp" → "sip"). Layer names are constant strings, so the
 * child lookup compares references first and allocates nothing once the tree has its shape.
 */
public final class ProtocolHierarchy {
    private final Node root = new Node("", null);
    /** The previous frame's path and nodes: most frames repeat it (eth:ip:udp:rtp), so it is matched by reference first. */
    private final String[] lastPath = new String[64];
    private final Node[] lastNodes = new Node[64];
    private int lastCount = -1;

    /** Adds one frame with its protocol path. */
    public void add(final String[] layers, final int count, final long bytes) {
        if (count == lastCount) {
            int i = 0;
            while (i < count && layers[i] == lastPath[i]) {
                i++;
            }
            if (i == count) {
                for (int k = 0; k < count; k++) {
                    lastNodes[k].frames++;
                    lastNodes[k].bytes += bytes;
                }
                return;
            }
        }
        Node n = root;
        for (int i = 0; i < count; i++) {
            n = n.child(layers[i]);
            n.frames++;
            n.bytes += bytes;
            if (i < lastNodes.length) {
                lastPath[i] = layers[i];
                lastNodes[i] = n;
            }
        }
        lastCount = count <= lastNodes.length ? count : -1;
    }

    /** Top-level nodes (link layers). */
    public List<Node> roots() {
        return root.children();
    }

    /** One protocol at one place in the hierarchy. */
    public static final class Node {
        private final String name;
        private final Node parent;
        private final List<Node> children = new ArrayList<>(2);
        long frames;
        long bytes;

        Node(final String name, final Node parent) {
            this.name = name;
            this.parent = parent;
        }

        Node child(final String n) {
            for (int i = 0, s = children.size(); i < s; i++) {
                final Node c = children.get(i);
                if (c.name == n || c.name.equals(n)) {
                    return c;
                }
            }
            final Node c = new Node(n, this);
            children.add(c);
            return c;
        }

        public String name() {
            return name;
        }

        public long frames() {
            return frames;
        }

        public long bytes() {
            return bytes;
        }

        /** Children in the order first seen. */
        public List<Node> children() {
            return Collections.unmodifiableList(children);
        }

        /** "eth:ip:udp" for this node. */
        public String path() {
            return parent == null || parent.name.isEmpty() ? name : parent.path() + ":" + name;
        }
    }
}
