package dev.callscope.tls;

import dev.callscope.core.TlsStats;
/**
 * What every TLS connection of a run shares: the key log, the counters, and one scratch buffer for
 * the content of the record being opened (its bytes are valid only during a {@link
 * TlsConnection.Sink#plaintext} call; connections are fed one at a time).
 */
public final class TlsContext {
    private final KeyLog keys;
    private final TlsStats stats = new TlsStats();
    private byte[] scratch;

    /** @param keys the secrets, or null when none were given (connections are then only counted) */
    public TlsContext(final KeyLog keys) {
        this.keys = keys;
    }

    public KeyLog keys() {
        return keys;
    }

    public TlsStats stats() {
        return stats;
    }

    /** Bytes all connections waiting for their secrets may hold together (live capture). */
    static final long MAX_HELD_TOTAL = 32L << 20;
    private long held;

    /** Reserves {@code n} bytes for a connection waiting for its secrets; false when all together would pass the bound. */
    boolean hold(final int n) {
        if (held + n > MAX_HELD_TOTAL) {
            return false;
        }
        held += n;
        return true;
    }

    void release(final long n) {
        held -= n;
    }

    byte[] scratch() {
        if (scratch == null) {
            scratch = new byte[TlsConnection.MAX_FRAGMENT];
        }
        return scratch;
    }
}
