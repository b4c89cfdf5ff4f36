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

    byte[] scratch() {
        if (scratch == null) {
            scratch = new byte[TlsConnection.MAX_FRAGMENT];
        }
        return scratch;
    }
}
