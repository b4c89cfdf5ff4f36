package dev.callscope.core;

import java.util.Arrays;

/**
 * A conversation's canonical 5-tuple: the two endpoints ordered so that both directions give the
 * same key ({@code a} is the lower of address:port), plus the transport protocol (6 TCP, 17 UDP).
 *
 * <p>A key stored in a map is never changed. The engine keeps one extra instance as a mutable probe
 * ({@link #set}) so looking up a packet's conversation allocates nothing.
 */
public final class FlowKey implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final byte[] a = new byte[16];
    private final byte[] b = new byte[16];
    private int addrLen;
    private int portA;
    private int portB;
    private int protocol;
    private int hash;
    // what one tap keeps about this conversation (see tapData); never part of the key's identity
    private transient Object tapOwner;
    private transient Object tapData;
    // the endpoints, made on first use
    private Endpoint endA;
    private Endpoint endB;
    // the text, made on first use
    private String text;
    /** IPv4: both addresses in one long (a high, b low); IPv6: a fold of them. Compared first by lookups. */
    private long packedAddresses;

    /**
     * Sets this key from a packet's source and destination.
     *
     * @return true when the source is endpoint {@code a} (the packet goes a→b)
     */
    public boolean set(final int protocol, final byte[] src, final int srcPort, final byte[] dst, final int dstPort,
                       final int addrLen) {
        endA = null;
        endB = null;
        text = null;
        this.protocol = protocol;
        this.addrLen = addrLen;
        final boolean forward;
        if (addrLen == 4) {
            // IPv4, the common case: compare and hash the addresses as ints
            final int s = be32(src);
            final int d = be32(dst);
            final int c = s != d ? Integer.compareUnsigned(s, d) : Integer.compare(srcPort, dstPort);
            forward = c <= 0;
            final int lo = forward ? s : d;
            final int hi = forward ? d : s;
            put32(a, lo);
            put32(b, hi);
            portA = forward ? srcPort : dstPort;
            portB = forward ? dstPort : srcPort;
            hash = mix(31 * (31 * protocol + lo) + hi, portA, portB);
            packedAddresses = ((long) lo << 32) | (hi & 0xFFFF_FFFFL);
            return forward;
        }
        int c = Arrays.compareUnsigned(src, 0, addrLen, dst, 0, addrLen);
        if (c == 0) {
            c = Integer.compare(srcPort, dstPort);
        }
        forward = c <= 0;
        if (forward) {
            System.arraycopy(src, 0, a, 0, addrLen);
            System.arraycopy(dst, 0, b, 0, addrLen);
            portA = srcPort;
            portB = dstPort;
        } else {
            System.arraycopy(dst, 0, a, 0, addrLen);
            System.arraycopy(src, 0, b, 0, addrLen);
            portA = dstPort;
            portB = srcPort;
        }
        int h = protocol;
        long fold = 0;
        for (int i = 0; i < addrLen; i++) {
            h = 31 * h + a[i];
            h = 31 * h + b[i];
            fold = 31 * fold + ((a[i] & 0xFF) << 8 | (b[i] & 0xFF));
        }
        hash = mix(h, portA, portB);
        packedAddresses = fold;
        return forward;
    }

    private static int be32(final byte[] x) {
        return ((x[0] & 0xFF) << 24) | ((x[1] & 0xFF) << 16) | ((x[2] & 0xFF) << 8) | (x[3] & 0xFF);
    }

    private static void put32(final byte[] x, final int v) {
        x[0] = (byte) (v >>> 24);
        x[1] = (byte) (v >>> 16);
        x[2] = (byte) (v >>> 8);
        x[3] = (byte) v;
    }

    /** Spreads the bits (MurmurHash3's finaliser): loopback addresses and nearby ports otherwise collide. */
    private static int mix(final int seed, final int portA, final int portB) {
        int h = seed ^ ((portA << 16) | portB);
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    /** An immutable copy of this key, for storing. */
    public FlowKey copy() {
        final FlowKey k = new FlowKey();
        System.arraycopy(a, 0, k.a, 0, addrLen);
        System.arraycopy(b, 0, k.b, 0, addrLen);
        k.addrLen = addrLen;
        k.portA = portA;
        k.portB = portB;
        k.protocol = protocol;
        k.hash = hash;
        k.packedAddresses = packedAddresses;
        return k;
    }

    /**
     * What tap {@code owner} attached to this conversation (Wireshark's conversation_add_proto_data):
     * per-conversation state found with two loads instead of a hash lookup per packet. The key of
     * a conversation is one instance for its whole life, so a tap reads back what it attached; a
     * tap must still find its state another way when this returns null (another tap took the
     * slot, or the conversation was evicted and came back under a new instance).
     */
    public Object tapData(final Object owner) {
        return tapOwner == owner ? tapData : null;
    }

    /** Attaches {@code data} for {@code owner} (replacing what any tap attached). */
    public void tapData(final Object owner, final Object data) {
        tapOwner = owner;
        tapData = data;
    }

    public int protocol() {
        return protocol;
    }

    /** "udp", "tcp" or "sctp". */
    public String transportName() {
        return protocol == 6 ? "tcp" : protocol == 17 ? "udp" : protocol == 132 ? "sctp" : "ip.proto_" + protocol;
    }

    /** Endpoint a (made once per key: a stored key never changes, and {@link #set} forgets it). */
    public Endpoint endpointA() {
        Endpoint e = endA;
        if (e == null) {
            e = Endpoint.of(a, 0, addrLen, portA);
            endA = e;
        }
        return e;
    }

    /** Endpoint b (made once per key, like {@link #endpointA}). */
    public Endpoint endpointB() {
        Endpoint e = endB;
        if (e == null) {
            e = Endpoint.of(b, 0, addrLen, portB);
            endB = e;
        }
        return e;
    }

    public int portA() {
        return portA;
    }

    public int portB() {
        return portB;
    }

    /**
     * The ports, protocol and address length in one long: with {@link #packedAddresses} it identifies an
     * IPv4 key completely, so a table can compare two longs before it looks at the key itself.
     */
    public long packedPorts() {
        return ((long) protocol << 40) | ((long) addrLen << 32) | ((long) portA << 16) | portB;
    }

    /** IPv4: the two addresses (see {@link #packedPorts}); IPv6: a fold of them, equal for equal keys. */
    public long packedAddresses() {
        return packedAddresses;
    }

    /** Whether {@link #packedAddresses} and {@link #packedPorts} alone decide equality (IPv4). */
    public boolean packedIsExact() {
        return addrLen == 4;
    }

    @Override
    public boolean equals(final Object o) {
        if (!(o instanceof FlowKey)) {
            return false;
        }
        final FlowKey k = (FlowKey) o;
        if (k.hash != hash || k.packedAddresses != packedAddresses || k.protocol != protocol || k.addrLen != addrLen
            || k.portA != portA || k.portB != portB) {
            return false;
        }
        return addrLen == 4
            || Arrays.equals(a, 0, addrLen, k.a, 0, addrLen) && Arrays.equals(b, 0, addrLen, k.b, 0, addrLen);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        String t = text;
        if (t == null) {
            t = transportName() + " " + endpointA() + " <-> " + endpointB();
            text = t;
        }
        return t;
    }
}
