package dev.callscope.decode;

import dev.callscope.core.FlowKey;

/**
 * What {@link PacketDecoder} found in one frame, reused for every frame (no per-packet allocation).
 *
 * <p>{@link #layers}[0 .. layerCount) is the protocol path as tshark's {@code io,phs} names it
 * ("eth", "vlan", "ip", "udp", ...). {@link #transports}[0 .. transportCount) holds every UDP or TCP
 * header in the frame, outermost first (a GTP-U or GRE tunnel gives more than one); the last one is
 * the innermost, whose payload is {@link #payload}. Conversations are counted for each transport
 * layer, as tshark's conversation taps do.
 */
public final class PacketInfo {
    public static final int MAX_LAYERS = 24;
    public static final int MAX_TRANSPORTS = 4;

    /** Frame number, 1-based, in reading order. */
    public long frameNumber;
    public long tsNanos;
    public int capLen;
    public int origLen;
    /** The snap length cut this frame (capLen &lt; origLen). */
    public boolean truncated;

    public final String[] layers = new String[MAX_LAYERS];
    public int layerCount;

    public final Transport[] transports = new Transport[MAX_TRANSPORTS];
    public int transportCount;

    /** Innermost payload: bytes {@code payload[payloadOffset .. payloadOffset+payloadLength)}. May be a reassembly buffer. */
    public byte[] payload;
    public int payloadOffset;
    public int payloadLength;

    /** Why the frame was malformed, cut short or (for a fragment) dropped, or null. A constant string (no allocation). */
    public String reason;

    /**
     * Reassemblies the decoder's own budget dropped while decoding this frame (only when the decoder
     * owns its budget, see {@link PacketDecoder#PacketDecoder(dev.callscope.core.Limits,
     * dev.callscope.core.ReassemblyBudget, boolean)}; otherwise the budget's user reports them).
     */
    public int budgetDrops;
    /** Bytes those held. */
    public long budgetDropBytes;
    /** The frame the first of them started in. */
    public long budgetDropSince;
    /** IP datagrams dropped while decoding this frame because {@code ipMaxPendingDatagrams} were pending. */
    public int ipEvicted;

    public PacketInfo() {
        for (int i = 0; i < MAX_TRANSPORTS; i++) {
            transports[i] = new Transport();
        }
    }

    /** Clears per-frame state. */
    public void reset(final long frameNumber, final long tsNanos, final int capLen, final int origLen) {
        this.frameNumber = frameNumber;
        this.tsNanos = tsNanos;
        this.capLen = capLen;
        this.origLen = origLen;
        this.truncated = capLen < origLen;
        this.layerCount = 0;
        this.transportCount = 0;
        this.payload = null;
        this.payloadOffset = 0;
        this.payloadLength = 0;
        this.reason = null;
        this.budgetDrops = 0;
        this.budgetDropBytes = 0;
        this.ipEvicted = 0;
    }

    public void addLayer(final String name) {
        if (layerCount < MAX_LAYERS) {
            layers[layerCount++] = name;
        }
    }

    /** The innermost transport, or null when the frame has none. */
    public Transport transport() {
        return transportCount == 0 ? null : transports[transportCount - 1];
    }

    /** One UDP or TCP header with the IP addresses around it. */
    public static final class Transport {
        public static final int UDP = 17;
        public static final int TCP = 6;
        public static final int SCTP = 132;

        /** 4 or 6. */
        public int ipVersion;
        /** Address bytes in [0, 4) or [0, 16). */
        public final byte[] src = new byte[16];
        public final byte[] dst = new byte[16];
        /** {@link #UDP}, {@link #TCP} or {@link #SCTP}. */
        public int protocol;
        public int srcPort;
        public int dstPort;
        /** TCP only: flags byte (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10). */
        public int tcpFlags;
        /** TCP only: sequence and acknowledgement numbers, unsigned 32-bit. */
        public long tcpSeq;
        public long tcpAck;
        /** Payload length of this transport layer (for TCP: the segment's data). */
        public int payloadLength;

        /** This layer's conversation key, set by the decoder once the header is read ({@link #computeKey}). */
        public final FlowKey key = new FlowKey();
        /** The packet goes from the key's endpoint A to B. */
        public boolean forward;

        public int addressLength() {
            return ipVersion == 6 ? 16 : 4;
        }

        /** Sets {@link #key} and {@link #forward} from the addresses, ports and protocol. */
        public void computeKey() {
            forward = key.set(protocol, src, srcPort, dst, dstPort, addressLength());
        }
    }
}
