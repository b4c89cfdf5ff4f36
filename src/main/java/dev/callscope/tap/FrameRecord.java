package dev.callscope.tap;

/**
 * One frame as the engine saw it, for capture-level statistics (protocol hierarchy, link types,
 * malformed counts). Reused for every frame: copy what must be kept.
 */
public final class FrameRecord {
    /** What the link, network and transport decode made of the frame. */
    public enum Status { OK, FRAGMENT, NOT_IP, UNSUPPORTED_LINK, MALFORMED }

    public long frame;
    public long tsNanos;
    public int capLen;
    public int origLen;
    public int linkType;
    public int sourceIndex;
    public boolean truncated;
    public Status status;
    /** Why the frame is malformed or unsupported (constant string), or null. */
    public String reason;
    /** Protocol path, outermost first, ending with the application protocol ("data" if none was found). */
    public final String[] layers = new String[32];
    public int layerCount;
    /**
     * The innermost transport conversation of the frame (a TCP segment, a UDP datagram, the first
     * fragment of a fragmented one), or null. The engine's own key: copy it to keep it.
     */
    public dev.callscope.core.FlowKey flow;

    public void addLayer(final String name) {
        if (layerCount < layers.length) {
            layers[layerCount++] = name;
        }
    }
}
