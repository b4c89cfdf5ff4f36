package dev.callscope.core;

/**
 * One captured frame as a source delivers it. The object is mutable and reused by the reader for
 * every frame (no per-packet allocation): copy what must outlive the next {@code next()} call.
 *
 * <p>{@code data[0 .. capLen)} holds the captured bytes; {@code origLen} is the length on the wire
 * (larger than {@code capLen} when the snap length cut the frame).
 */
public final class RawFrame {
    /** Hard ceiling for one frame's captured length, whatever a file header claims. */
    public static final int MAX_CAPLEN = 262_144 * 4;

    /** Capture time in nanoseconds since the Unix epoch. */
    public long tsNanos;
    /** Link-layer type (see {@link LinkType}). */
    public int linkType;
    /** Bytes captured, valid in {@link #data}. */
    public int capLen;
    /** Bytes on the wire. */
    public int origLen;
    /** Interface index within its file (pcapng IDB index; 0 for pcap and live). */
    public int interfaceId;
    /** Index of the source among several merged files (0 for one). */
    public int sourceIndex;
    /**
     * Where the frame's bytes start in its capture file, or -1 (a compressed file, a live capture, a
     * frame in memory): a reader that sets it guarantees the bytes are there, unchanged.
     */
    public long fileOffset = -1;
    /** Backing array, at least {@code capLen} long; may be replaced by {@link #ensureCapacity}. */
    public byte[] data = new byte[2048];

    /** Makes {@link #data} at least {@code n} bytes long (contents are not preserved). */
    public byte[] ensureCapacity(final int n) {
        if (data.length < n) {
            data = new byte[Math.max(n, data.length * 2)];
        }
        return data;
    }

    /** Copies every field of {@code other} into this frame. */
    public void copyFrom(final RawFrame other) {
        ensureCapacity(other.capLen);
        System.arraycopy(other.data, 0, data, 0, other.capLen);
        tsNanos = other.tsNanos;
        linkType = other.linkType;
        capLen = other.capLen;
        origLen = other.origLen;
        interfaceId = other.interfaceId;
        sourceIndex = other.sourceIndex;
        fileOffset = other.fileOffset;
    }
}
