package dev.callscope.core;

import java.util.Arrays;

/** An IP address and port, immutable. Formatted like tshark: {@code 10.0.0.1:5060}, {@code [2001:db8::1]:5060}. */
public final class Endpoint implements Comparable<Endpoint>, java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final byte[] address; // 4 or 16 bytes
    private final int port;
    private final int hash;
    // the text, made on first use: a JSON Lines run names the same endpoint in every record
    private String text;

    public Endpoint(final byte[] address, final int port) {
        this(address.clone(), port, true);
    }

    /** Takes {@code owned} as it is (no copy). */
    private Endpoint(final byte[] owned, final int port, final boolean unused) {
        if (owned.length != 4 && owned.length != 16) {
            throw new IllegalArgumentException("address must be 4 or 16 bytes");
        }
        this.address = owned;
        this.port = port;
        this.hash = 31 * Arrays.hashCode(owned) + port;
    }

    /** Copies {@code len} (4 or 16) address bytes from {@code src} at {@code off}. */
    public static Endpoint of(final byte[] src, final int off, final int len, final int port) {
        return new Endpoint(Arrays.copyOfRange(src, off, off + len), port, true);
    }

    public byte[] address() {
        return address.clone();
    }

    public boolean isIpv6() {
        return address.length == 16;
    }

    public int port() {
        return port;
    }

    /** The address alone, as text. */
    public String host() {
        return IpFormat.format(address, 0, address.length);
    }

    @Override
    public String toString() {
        String t = text;
        if (t == null) {
            t = isIpv6() ? "[" + host() + "]:" + port : host() + ":" + port;
            text = t;
        }
        return t;
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof Endpoint && ((Endpoint) o).port == port && Arrays.equals(((Endpoint) o).address, address);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(final Endpoint o) {
        final int c = Arrays.compareUnsigned(address, o.address);
        return c != 0 ? c : Integer.compare(port, o.port);
    }
}
