package dev.callscope.tls;

import dev.callscope.core.TlsStats;
import java.util.Arrays;

/**
 * One TLS connection over a reliable stream, both directions: frames the records, follows the
 * handshake far enough to know the version, the cipher suite and the randoms (ClientHello,
 * ServerHello, and in TLS 1.3 the encrypted Finished and KeyUpdate messages), finds the
 * connection's secrets in the key log by the client random, and hands the application data of
 * each record it could open to a {@link Sink}, in order, per direction.
 *
 * <pre>
 *   record  = type(1) version(2) length(2) fragment(length)     RFC 8446 5.1, RFC 5246 6.2
 *   handshake message = type(1) length(3) body                   ClientHello 1, ServerHello 2,
 *                                                                Finished 20, KeyUpdate 24
 *   ClientHello / ServerHello body = version(2) random(32) ...
 * </pre>
 *
 * Without secrets for the connection it only counts the records (nothing is delivered: the caller
 * goes on with the encrypted bytes). A gap in a direction ends decryption of that direction: the
 * record boundaries and the sequence numbers are lost.
 */
public final class TlsConnection {
    /** Receives decrypted application data. */
    public interface Sink {
        void plaintext(int direction, byte[] buf, int off, int len);
    }

    /** Largest record fragment: 2^14 plus the expansion TLS 1.2 allows (RFC 5246 6.2.3). */
    public static final int MAX_FRAGMENT = 16384 + 2048;
    /** Largest ClientHello or ServerHello kept to read its fields (longer ones are read in part). */
    static final int MAX_HELLO = 64 * 1024;
    private static final int HEADER = 5;
    private static final int CHANGE_CIPHER_SPEC = 20;
    private static final int ALERT = 21;
    private static final int HANDSHAKE = 22;
    private static final int APPLICATION_DATA = 23;
    private static final int HEARTBEAT = 24;
    private static final int CLIENT_HELLO = 1;
    private static final int SERVER_HELLO = 2;
    private static final int FINISHED = 20;
    private static final int KEY_UPDATE = 24;
    private static final int EXT_ENCRYPT_THEN_MAC = 0x0016;
    private static final int EXT_SUPPORTED_VERSIONS = 0x002B;
    /** The ServerHello random of a HelloRetryRequest (RFC 8446 4.1.3). */
    private static final byte[] HRR_RANDOM = KeyLog.hex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C", 32);

    private final TlsContext context;
    private final KeyLog keys;
    private final TlsStats stats;
    private final int client;
    private final Dir[] dirs = {new Dir(), new Dir()};
    private byte[] clientRandom;
    private byte[] serverRandom;
    private KeyLog.Secrets secrets;
    private CipherSuite suite;
    private int version;
    private boolean unsupported;
    /** Scratch for one record's header. */
    private final byte[] header = new byte[HEADER];

    /** One direction's state. */
    private static final class Dir {
        /** A record not complete yet: its first bytes (header included). */
        byte[] partial;
        /** Bytes of a record counted but not kept (no key) still to pass over. */
        int skip;
        int partialLength;
        /** Current protection, or null while records are in the clear or no key is known. */
        RecordCipher cipher;
        /** TLS 1.2: protection that starts at this direction's ChangeCipherSpec. */
        RecordCipher pending;
        /** TLS 1.3: the current traffic secret (for KeyUpdate). */
        byte[] secret;
        /** TLS 1.2: a ChangeCipherSpec was seen; records are encrypted from now on. */
        boolean encrypted;
        /** Framing lost (a gap or an impossible record header): nothing more is read. */
        boolean broken;
        // handshake messages as a stream
        final byte[] hsHeader = new byte[4];
        int hsHeaderLength;
        int hsType;
        int hsRemaining;
        byte[] hsBody;
        int hsBodyLength;
    }

    /**
     * @param client the direction index (0 or 1) that sent the ClientHello
     */
    public TlsConnection(final TlsContext context, final int client) {
        this.context = context;
        this.keys = context.keys();
        this.stats = context.stats();
        this.client = client;
        stats.connections++;
    }

    /**
     * Whether {@code buf[off, off+len)}, the first bytes of a direction, start a TLS handshake
     * record carrying a ClientHello, with its random within reach.
     */
    public static boolean startsClientHello(final byte[] buf, final int off, final int len) {
        if (len < HEADER + 4 + 2 + 32) {
            return false;
        }
        final int recLen = (buf[off + 3] & 0xFF) << 8 | buf[off + 4] & 0xFF;
        return buf[off] == HANDSHAKE && buf[off + 1] == 3 && (buf[off + 2] & 0xFF) <= 4
            && recLen >= 4 + 2 + 32 && recLen <= MAX_FRAGMENT
            && buf[off + HEADER] == CLIENT_HELLO && buf[off + HEADER + 4] == 3;
    }

    /** Whether the connection's secrets were found (its records are being decrypted). */
    public boolean decrypting() {
        return secrets != null && !unsupported;
    }

    /**
     * Whether this connection's bytes go only through decryption: its secrets were found and its
     * suite is one callscope decrypts (as far as known). Otherwise the caller analyses the encrypted
     * bytes as without keys.
     */
    public boolean withholds() {
        return held != null || secrets != null && !unsupported && !waitedInVain;
    }

    /** Whether the ClientHello has been read (so {@link #decrypting} is known). */
    public boolean helloSeen() {
        return clientRandom != null;
    }

    /** The negotiated suite, or null before the ServerHello or when it is not one callscope knows. */
    public CipherSuite suite() {
        return suite;
    }

    /** "TLS 1.2", "TLS 1.3", or null before the ServerHello. */
    public String version() {
        return version == 0x0304 ? "TLS 1.3" : version == 0x0303 ? "TLS 1.2" : version == 0 ? null
            : String.format("TLS 0x%04x", version);
    }

    /**
     * A connection whose first bytes, from direction {@code client}, start with a ClientHello
     * ({@link #startsClientHello}). When the key log is followed (live capture) and has no secrets
     * for it yet, its bytes are held, up to {@link #MAX_HELD} bytes and {@link #MAX_WAIT_NANOS} of
     * packet time, until the writer of the key log adds them; then they are read as if they had
     * just arrived (their plaintext is attributed to the frame that completed the wait).
     */
    public static TlsConnection start(final TlsContext context, final int client, final byte[] buf, final int off,
                                      final long nowNanos) {
        final TlsConnection c = new TlsConnection(context, client);
        final KeyLog keys = context.keys();
        if (keys != null && keys.following()) {
            final byte[] random = Arrays.copyOfRange(buf, off + HEADER + 6, off + HEADER + 6 + 32);
            if (keys.find(random, 0) == null) {
                c.held = new java.util.ArrayList<>();
                c.heldRandom = random;
                c.heldSince = nowNanos;
            }
        }
        return c;
    }

    /** Bytes a connection waiting for its secrets holds at most. */
    static final int MAX_HELD = 256 * 1024;
    /** How long in packet time a connection waits for its secrets to be logged. */
    static final long MAX_WAIT_NANOS = 3_000_000_000L;
    /** Chunks held while waiting for secrets (null when not waiting): {direction, bytes}. */
    private java.util.List<Object[]> held;
    private byte[] heldRandom;
    private long heldSince;
    private int heldBytes;

    /** Feeds bytes of direction {@code dir} in stream order, {@code nowNanos} being the packet time. */
    public void data(final int dir, final byte[] buf, final int off, final int len, final Sink sink, final long nowNanos) {
        if (held == null) {
            data(dir, buf, off, len, sink);
            return;
        }
        final boolean room = context.hold(len);
        if (room) {
            held.add(new Object[] {dir, Arrays.copyOfRange(buf, off, off + len)});
            heldBytes += len;
        }
        if (room && keys.find(heldRandom, 0) != null) {
            final java.util.List<Object[]> chunks = held;
            held = null;
            context.release(heldBytes);
            for (final Object[] ch : chunks) {
                final byte[] b = (byte[]) ch[1];
                data((Integer) ch[0], b, 0, b.length, sink);
            }
            return;
        }
        if (!room || heldBytes > MAX_HELD || nowNanos - heldSince > MAX_WAIT_NANOS) {
            held = null; // given up: the rest of the connection is read without keys, as it came
            context.release(heldBytes);
            stats.withoutKey++;
            waitedInVain = true;
            dirs[0].broken = true;
            dirs[1].broken = true;
        }
    }

    /** Secrets were awaited from a followed key log and did not come. */
    private boolean waitedInVain;

    /** Feeds bytes of direction {@code dir} in stream order. */
    public void data(final int dir, final byte[] buf, final int off, final int len, final Sink sink) {
        final Dir d = dirs[dir];
        int pos = off;
        final int end = off + len;
        while (pos < end && !d.broken) {
            if (d.skip > 0) {
                final int n = Math.min(d.skip, end - pos);
                d.skip -= n;
                pos += n;
                continue;
            }
            if (d.partialLength > 0) {
                if (d.partialLength < HEADER) {
                    final int n = Math.min(HEADER - d.partialLength, end - pos);
                    System.arraycopy(buf, pos, d.partial, d.partialLength, n);
                    d.partialLength += n;
                    pos += n;
                    if (d.partialLength < HEADER || !checkHeader(d, d.partial, 0)) {
                        return;
                    }
                    d.partial = Arrays.copyOf(d.partial, HEADER + recordLength(d.partial, 0));
                }
                final int n = Math.min(d.partial.length - d.partialLength, end - pos);
                System.arraycopy(buf, pos, d.partial, d.partialLength, n);
                d.partialLength += n;
                pos += n;
                if (d.partialLength == d.partial.length) {
                    final byte[] rec = d.partial;
                    d.partial = null;
                    d.partialLength = 0;
                    record(dir, d, rec, 0, sink);
                }
                continue;
            }
            if (end - pos < HEADER) {
                d.partial = new byte[HEADER];
                d.partialLength = end - pos;
                System.arraycopy(buf, pos, d.partial, 0, end - pos);
                return;
            }
            if (!checkHeader(d, buf, pos)) {
                return;
            }
            final int total = HEADER + recordLength(buf, pos);
            if (end - pos < total && clientRandom != null && secrets == null) {
                // no key: the record is only counted, its bytes are skipped rather than held
                if (buf[pos] == APPLICATION_DATA || d.encrypted && buf[pos] != CHANGE_CIPHER_SPEC) {
                    stats.recordsWithoutKey++;
                }
                d.skip = total - (end - pos);
                return;
            }
            if (end - pos < total) {
                d.partial = new byte[total];
                d.partialLength = end - pos;
                System.arraycopy(buf, pos, d.partial, 0, end - pos);
                return;
            }
            record(dir, d, buf, pos, sink);
            pos += total;
        }
    }

    /** Bytes of direction {@code dir} were lost: its records can no longer be framed or numbered. */
    public void gap(final int dir) {
        final Dir d = dirs[dir];
        d.broken = true;
        d.partial = null;
        d.partialLength = 0;
        d.hsBody = null;
    }

    private static int recordLength(final byte[] b, final int at) {
        return (b[at + 3] & 0xFF) << 8 | b[at + 4] & 0xFF;
    }

    /** A record header that cannot be TLS: the framing is lost and the direction stops. */
    private boolean checkHeader(final Dir d, final byte[] b, final int at) {
        final int type = b[at] & 0xFF;
        if (type < CHANGE_CIPHER_SPEC || type > HEARTBEAT || b[at + 1] != 3 || recordLength(b, at) > MAX_FRAGMENT) {
            stats.malformed++;
            d.broken = true;
            d.partial = null;
            d.partialLength = 0;
            return false;
        }
        return true;
    }

    private void record(final int dir, final Dir d, final byte[] b, final int at, final Sink sink) {
        final int type = b[at] & 0xFF;
        final int len = recordLength(b, at);
        final int frag = at + HEADER;
        if (type == CHANGE_CIPHER_SPEC) {
            if (version != 0x0304) {
                d.encrypted = true;
                d.cipher = d.pending;
                d.pending = null;
            }
            return; // TLS 1.3: the compatibility record, never protected
        }
        final boolean protectedRecord = version == 0x0304 ? type == APPLICATION_DATA : d.encrypted;
        if (!protectedRecord) {
            if (type == HANDSHAKE) {
                handshake(dir, d, b, frag, len);
            }
            return;
        }
        if (d.cipher == null) {
            stats.recordsWithoutKey++;
            return;
        }
        final byte[] out = context.scratch();
        System.arraycopy(b, at, header, 0, HEADER);
        final RecordCipher.Result r = d.cipher.open(header, b, frag, len, out);
        if (r == RecordCipher.Result.BAD_TAG) {
            stats.authFailures++;
            return;
        }
        if (r == RecordCipher.Result.MALFORMED) {
            stats.malformed++;
            return;
        }
        stats.records++;
        final int n = d.cipher.length();
        switch (d.cipher.innerType()) {
            case APPLICATION_DATA -> {
                stats.plaintextBytes += n;
                if (n > 0) {
                    sink.plaintext(dir, out, 0, n);
                }
            }
            case HANDSHAKE -> handshake(dir, d, out, 0, n);
            default -> {
                // alerts and heartbeats carry nothing to analyse
            }
        }
    }

    /** Handshake bytes of one direction, clear or decrypted, as a stream of messages. */
    private void handshake(final int dir, final Dir d, final byte[] b, final int at, final int len) {
        int pos = at;
        final int end = at + len;
        while (pos < end) {
            if (d.hsRemaining == 0 && d.hsBody == null) {
                final int n = Math.min(4 - d.hsHeaderLength, end - pos);
                System.arraycopy(b, pos, d.hsHeader, d.hsHeaderLength, n);
                d.hsHeaderLength += n;
                pos += n;
                if (d.hsHeaderLength < 4) {
                    return;
                }
                d.hsHeaderLength = 0;
                d.hsType = d.hsHeader[0] & 0xFF;
                d.hsRemaining = (d.hsHeader[1] & 0xFF) << 16 | (d.hsHeader[2] & 0xFF) << 8 | d.hsHeader[3] & 0xFF;
                if (d.hsType == CLIENT_HELLO || d.hsType == SERVER_HELLO || d.hsType == KEY_UPDATE) {
                    d.hsBody = new byte[Math.min(d.hsRemaining, MAX_HELLO)];
                    d.hsBodyLength = 0;
                }
                if (d.hsRemaining == 0) {
                    message(dir, d);
                    continue;
                }
            }
            final int n = Math.min(d.hsRemaining, end - pos);
            if (d.hsBody != null) {
                final int keep = Math.min(n, d.hsBody.length - d.hsBodyLength);
                System.arraycopy(b, pos, d.hsBody, d.hsBodyLength, keep);
                d.hsBodyLength += keep;
            }
            d.hsRemaining -= n;
            pos += n;
            if (d.hsRemaining == 0) {
                message(dir, d);
            }
        }
    }

    /** One complete handshake message of direction {@code dir} (its body in {@code d.hsBody} when kept). */
    private void message(final int dir, final Dir d) {
        final byte[] body = d.hsBody;
        final int len = d.hsBodyLength;
        d.hsBody = null;
        switch (d.hsType) {
            case CLIENT_HELLO -> {
                if (dir == client && clientRandom == null && body != null && len >= 34) {
                    clientRandom = Arrays.copyOfRange(body, 2, 34);
                    secrets = keys == null ? null : keys.find(clientRandom, 0);
                    if (secrets == null) {
                        stats.withoutKey++;
                    }
                }
            }
            case SERVER_HELLO -> {
                if (dir != client && body != null && len >= 38) {
                    serverHello(body, len);
                }
            }
            case FINISHED -> {
                if (version == 0x0304 && secrets != null && suite != null) {
                    // the application secrets take over after this direction's Finished
                    final byte[] next = dir == client ? secrets.client0 : secrets.server0;
                    d.secret = next;
                    d.cipher = next == null ? null : RecordCipher.tls13(suite, next);
                }
            }
            case KEY_UPDATE -> {
                if (version == 0x0304 && d.secret != null && suite != null) {
                    stats.keyUpdates++;
                    d.secret = KeySchedule.nextTrafficSecret(suite, d.secret);
                    d.cipher = RecordCipher.tls13(suite, d.secret);
                }
            }
            default -> {
                // certificates, key exchange, tickets: nothing needed
            }
        }
    }

    private void serverHello(final byte[] body, final int len) {
        final byte[] random = Arrays.copyOfRange(body, 2, 34);
        if (Arrays.equals(random, HRR_RANDOM)) {
            return; // HelloRetryRequest: a second ClientHello and ServerHello follow
        }
        serverRandom = random;
        int pos = 34;
        final int sidLen = body[pos] & 0xFF;
        pos += 1 + sidLen;
        if (pos + 3 > len) {
            stats.malformed++;
            return;
        }
        final int suiteId = (body[pos] & 0xFF) << 8 | body[pos + 1] & 0xFF;
        pos += 3; // suite and compression method
        int ver = (body[0] & 0xFF) << 8 | body[1] & 0xFF;
        boolean etm = false;
        if (pos + 2 <= len) {
            final int extEnd = Math.min(len, pos + 2 + ((body[pos] & 0xFF) << 8 | body[pos + 1] & 0xFF));
            pos += 2;
            while (pos + 4 <= extEnd) {
                final int type = (body[pos] & 0xFF) << 8 | body[pos + 1] & 0xFF;
                final int extLen = (body[pos + 2] & 0xFF) << 8 | body[pos + 3] & 0xFF;
                pos += 4;
                if (type == EXT_SUPPORTED_VERSIONS && extLen == 2 && pos + 2 <= extEnd) {
                    ver = (body[pos] & 0xFF) << 8 | body[pos + 1] & 0xFF;
                } else if (type == EXT_ENCRYPT_THEN_MAC) {
                    etm = true;
                }
                pos += extLen;
            }
        }
        version = ver;
        suite = CipherSuite.of(suiteId);
        if (secrets == null) {
            return;
        }
        if (suite == null || suite.tls13() != (ver == 0x0304) || ver < 0x0303) {
            unsupported = true;
            stats.unsupported++;
            return;
        }
        stats.decrypted++;
        final Dir c = dirs[client];
        final Dir s = dirs[1 - client];
        if (suite.tls13()) {
            c.cipher = secrets.clientHandshake == null ? null : RecordCipher.tls13(suite, secrets.clientHandshake);
            s.cipher = secrets.serverHandshake == null ? null : RecordCipher.tls13(suite, secrets.serverHandshake);
            return;
        }
        if (secrets.master == null) {
            return;
        }
        final RecordCipher[] both = RecordCipher.tls12(suite, secrets.master, clientRandom, serverRandom, etm);
        c.pending = both[0];
        s.pending = both[1];
    }
}
