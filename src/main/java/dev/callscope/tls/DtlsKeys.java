package dev.callscope.tls;

import dev.callscope.core.TlsStats;
import java.util.Arrays;

/**
 * The DTLS 1.2 handshake of one UDP conversation, read far enough to export the DTLS-SRTP keys
 * (RFC 5764 section 4.2) with the master secret from a key log: the ClientHello's and ServerHello's
 * randoms and the SRTP protection profile the server chose (use_srtp). The handshake messages are
 * in the clear in DTLS 1.2 (epoch 0).
 *
 * <pre>
 *   record    type(1) version(2) epoch(2) sequence(6) length(2) fragment      RFC 6347 4.1
 *   handshake msg_type(1) length(3) message_seq(2) fragment_offset(3) fragment_length(3) body
 *   Client/ServerHello body = version(2) random(32) ...; use_srtp (14) = profiles(2+2n) mki(1+m)
 *   keying material = PRF(master, "EXTRACTOR-dtls_srtp", client_random || server_random,
 *                         2 * (key + salt)) = client key | server key | client salt | server salt
 * </pre>
 *
 * Only the first fragment of a Hello is needed (the randoms, and the ServerHello's extensions,
 * which fit in its first datagram in practice); a ServerHello cut before its extensions gives no
 * profile and no keys.
 */
public final class DtlsKeys {
    /** What the handshake gave: the master key and salt of each side, for the negotiated profile. */
    public record Exported(int profile, String suite, byte[] clientKey, byte[] clientSalt, byte[] serverKey, byte[] serverSalt,
                           int client) {
        @Override
        public String toString() {
            return "Exported[" + suite + "]";
        }
    }

    private static final int RECORD_HEADER = 13;
    private static final int HANDSHAKE_HEADER = 12;
    private static final int EXT_USE_SRTP = 0x000E;
    private static final int EXT_SUPPORTED_VERSIONS = 0x002B;
    private static final int DTLS13 = 0xFEFC;
    /** A HelloRetryRequest is a ServerHello with this random (RFC 8446 section 4.1.3). */
    private static final byte[] HELLO_RETRY = java.util.HexFormat.of().parseHex(
        "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");

    private final KeyLog keys;
    private final TlsStats stats;
    private byte[] clientRandom;
    private int client = -1;
    private byte[] serverRandom;
    private int suiteId = -1;
    private int profile = -1;
    private Exported exported;
    private boolean done;
    /** Record protection of each direction (index: 0/1 as given to {@link #datagram}), once keyed. */
    private final RecordCipher[] ciphers = new RecordCipher[2];
    private final byte[] header = new byte[5];
    /** DTLS 1.3 (the ServerHello's supported_versions): records open with {@link #v13} once the secrets are found. */
    private boolean dtls13;
    private Dtls13Records v13;
    private byte[] v13Out;

    public DtlsKeys(final KeyLog keys, final TlsStats stats) {
        this.keys = keys;
        this.stats = stats;
    }

    /** The keys exported so far (null until the ServerHello and the secrets are known). */
    public Exported exported() {
        return exported;
    }

    /** How long in packet time the keys are waited for when the key log is still being written (live capture). */
    static final long MAX_WAIT_NANOS = 3_000_000_000L;
    /** Packet time the handshake was complete without secrets (-1: not waiting). */
    private long waitingSince = -1;

    /** {@link #datagram(int, byte[], int, int, long)} at packet time 0 (files: no waiting). */
    public boolean datagram(final int dir, final byte[] b, final int off, final int len) {
        return datagram(dir, b, off, len, 0);
    }

    /**
     * One datagram of direction {@code dir} starting with a DTLS record (first byte 20-63), at
     * packet time {@code nowNanos}.
     *
     * @return true when this datagram completed the keys ({@link #exported()} is now set)
     */
    public boolean datagram(final int dir, final byte[] b, final int off, final int len, final long nowNanos) {
        if (done) {
            return false;
        }
        int pos = off;
        final int end = off + len;
        while (end - pos >= RECORD_HEADER) {
            if (Dtls13Records.unified(b[pos] & 0xFF)) {
                final int n = Dtls13Records.recordLength(b, pos, end);
                if (n < 0) {
                    return false;
                }
                encryptedHandshake(dir, b, pos, n);
                pos += n;
                continue;
            }
            final int type = b[pos] & 0xFF;
            final int major = b[pos + 1] & 0xFF;
            final int epoch = (b[pos + 3] & 0xFF) << 8 | b[pos + 4] & 0xFF;
            final int recLen = (b[pos + 11] & 0xFF) << 8 | b[pos + 12] & 0xFF;
            if (major != 0xFE || pos + RECORD_HEADER + recLen > end) {
                return false; // not DTLS 1.0/1.2 framing (DTLS 1.3 unified header) or cut
            }
            if (type == 22 && epoch == 0) {
                handshake(dir, b, pos + RECORD_HEADER, recLen);
            }
            pos += RECORD_HEADER + recLen;
        }
        return export(nowNanos);
    }

    /**
     * Looks for the secrets again (a followed key log may have them by now: the writer logs them
     * as its handshake ends, which can be after the ServerHello went by).
     *
     * @return true when the keys were exported by this call
     */
    public boolean retry(final long nowNanos) {
        return !done && export(nowNanos);
    }

    private void handshake(final int dir, final byte[] b, final int off, final int len) {
        int pos = off;
        final int end = off + len;
        while (end - pos >= HANDSHAKE_HEADER) {
            final int msgType = b[pos] & 0xFF;
            final int fragOffset = u24(b, pos + 6);
            final int fragLen = u24(b, pos + 9);
            final int body = pos + HANDSHAKE_HEADER;
            final int avail = Math.min(fragLen, end - body);
            if (fragOffset == 0 && avail >= 34) {
                if (msgType == 1 && clientRandom == null) {
                    clientRandom = Arrays.copyOfRange(b, body + 2, body + 34);
                    client = dir;
                    stats.dtlsConnections++;
                } else if (msgType == 2 && dir != client && client >= 0 && !Arrays.equals(b, body + 2, body + 34, HELLO_RETRY, 0, 32)) {
                    serverRandom = Arrays.copyOfRange(b, body + 2, body + 34);
                    serverHello(b, body, avail);
                }
            }
            pos = body + fragLen;
        }
    }

    private void serverHello(final byte[] b, final int body, final int len) {
        int p = 34;
        if (p >= len) {
            return;
        }
        p += 1 + (b[body + p] & 0xFF); // session id
        if (p + 3 > len) {
            return;
        }
        suiteId = (b[body + p] & 0xFF) << 8 | b[body + p + 1] & 0xFF;
        p += 3;
        if (p + 2 > len) {
            return;
        }
        final int extEnd = Math.min(len, p + 2 + ((b[body + p] & 0xFF) << 8 | b[body + p + 1] & 0xFF));
        p += 2;
        while (p + 4 <= extEnd) {
            final int type = (b[body + p] & 0xFF) << 8 | b[body + p + 1] & 0xFF;
            final int extLen = (b[body + p + 2] & 0xFF) << 8 | b[body + p + 3] & 0xFF;
            p += 4;
            if (type == EXT_USE_SRTP && extLen >= 4 && p + 4 <= extEnd) {
                profile = (b[body + p + 2] & 0xFF) << 8 | b[body + p + 3] & 0xFF; // the server names one
            } else if (type == EXT_SUPPORTED_VERSIONS && extLen == 2 && p + 2 <= extEnd
                && ((b[body + p] & 0xFF) << 8 | b[body + p + 1] & 0xFF) == DTLS13) {
                dtls13 = true;
            }
            p += extLen;
        }
    }

    /**
     * A DTLS 1.3 record of the handshake (epoch 2): opened with the handshake secrets of the key log
     * as soon as the ServerHello said DTLS 1.3, for the EncryptedExtensions and the use_srtp the server
     * chose in them (RFC 9147: only the Hellos are in the clear).
     */
    private void encryptedHandshake(final int dir, final byte[] b, final int off, final int len) {
        if (!records13() || v13 == null) {
            return;
        }
        final Dtls13Records.Opened o = v13.open(dir == client ? 0 : 1, b, off, len, v13Out);
        if (o == null || o.type() != 22) {
            return;
        }
        int pos = 0;
        while (o.length() - pos >= HANDSHAKE_HEADER) {
            final int msgType = v13Out[pos] & 0xFF;
            final int fragOffset = u24(v13Out, pos + 6);
            final int fragLen = Math.min(u24(v13Out, pos + 9), o.length() - pos - HANDSHAKE_HEADER);
            final int body = pos + HANDSHAKE_HEADER;
            if (msgType == 8 && fragOffset == 0 && fragLen >= 2) { // EncryptedExtensions
                final int extEnd = Math.min(body + fragLen, body + 2 + ((v13Out[body] & 0xFF) << 8 | v13Out[body + 1] & 0xFF));
                int p = body + 2;
                while (p + 4 <= extEnd) {
                    final int type = (v13Out[p] & 0xFF) << 8 | v13Out[p + 1] & 0xFF;
                    final int extLen = (v13Out[p + 2] & 0xFF) << 8 | v13Out[p + 3] & 0xFF;
                    p += 4;
                    if (type == EXT_USE_SRTP && extLen >= 4 && p + 4 <= extEnd) {
                        profile = (v13Out[p + 2] & 0xFF) << 8 | v13Out[p + 3] & 0xFF;
                    }
                    p += extLen;
                }
            }
            pos = body + fragLen;
        }
    }

    /** Sets up DTLS 1.3 record protection once its version, suite and secrets are known; false when not DTLS 1.3. */
    private boolean records13() {
        if (!dtls13) {
            return false;
        }
        if (v13 == null && clientRandom != null && keys != null) {
            final KeyLog.Secrets s = keys.find(clientRandom, 0);
            final CipherSuite suite = CipherSuite.of(suiteId);
            if (s != null && suite != null && suite.tls13() && (s.clientHandshake() != null || s.client0() != null)) {
                v13 = new Dtls13Records(suite, s.clientHandshake(), s.serverHandshake(), s.client0(), s.server0());
                v13Out = new byte[TlsConnection.MAX_FRAGMENT + 256];
            }
        }
        return true;
    }

    private boolean export(final long nowNanos) {
        // DTLS 1.2 names the profile in the ServerHello; DTLS 1.3 in the EncryptedExtensions, which only
        // the secrets open: without them, the handshake is one without a key all the same
        if (exported != null || clientRandom == null || serverRandom == null || profile < 0 && !dtls13) {
            return false;
        }
        final KeyLog.Secrets s = keys == null ? null : keys.find(clientRandom, 0);
        if (s != null && profile < 0 && (s.exporter() != null || s.clientHandshake() != null)) {
            return false; // DTLS 1.3 with its secrets: the EncryptedExtensions are still to come
        }
        if (s == null || (dtls13 ? s.exporter() == null : s.master == null)) {
            if (keys != null && keys.following()) {
                if (waitingSince < 0) {
                    waitingSince = nowNanos;
                }
                if (nowNanos - waitingSince <= MAX_WAIT_NANOS) {
                    return false; // the writer may log them shortly
                }
            }
            done = true;
            stats.dtlsWithoutKey++;
            return false;
        }
        done = true;
        final CipherSuite suite = CipherSuite.of(suiteId);
        final String srtp = srtpSuite(profile);
        if (suite == null || srtp == null) {
            stats.dtlsUnsupported++;
            return false;
        }
        final int keyLen = profile == 0x0008 ? 32 : 16;
        final int saltLen = profile == 0x0007 || profile == 0x0008 ? 12 : 14;
        final byte[] m;
        if (dtls13) {
            records13();
            m = Dtls13Records.export(suite, s.exporter(), "EXTRACTOR-dtls_srtp", 2 * (keyLen + saltLen));
        } else {
            records(s.master, suite);
            m = KeySchedule.prf(suite.hash(), s.master, "EXTRACTOR-dtls_srtp", KeySchedule.concat(clientRandom, serverRandom),
                2 * (keyLen + saltLen));
        }
        exported = new Exported(profile, srtp, Arrays.copyOfRange(m, 0, keyLen), Arrays.copyOfRange(m, 2 * keyLen, 2 * keyLen + saltLen),
            Arrays.copyOfRange(m, keyLen, 2 * keyLen), Arrays.copyOfRange(m, 2 * keyLen + saltLen, 2 * (keyLen + saltLen)), client);
        stats.dtlsKeyed++;
        return true;
    }

    /** The record protection of both directions, from the TLS 1.2 key block (RFC 5246 6.3). */
    private void records(final byte[] master, final CipherSuite suite) {
        if (suite.tls13()) {
            return;
        }
        final RecordCipher[] both = RecordCipher.tls12(suite, master, clientRandom, serverRandom, false);
        ciphers[client] = both[0];
        ciphers[1 - client] = both[1];
    }

    /**
     * The application data of a datagram of direction {@code dir} (DTLS records of epoch 1 or
     * later, content type 23, each opened with its own epoch and sequence number): each record's
     * content goes to {@code sink} (for WebRTC, one SCTP packet per record). Records that fail
     * authentication are counted.
     */
    public void applicationData(final int dir, final byte[] b, final int off, final int len, final TlsConnection.Sink sink,
                                final byte[] out) {
        if (v13 != null) {
            applicationData13(dir, b, off, len, sink);
            return;
        }
        final RecordCipher c = ciphers[dir];
        if (c == null) {
            return;
        }
        int pos = off;
        final int end = off + len;
        while (end - pos >= RECORD_HEADER) {
            final int type = b[pos] & 0xFF;
            final int recLen = (b[pos + 11] & 0xFF) << 8 | b[pos + 12] & 0xFF;
            if ((b[pos + 1] & 0xFF) != 0xFE || pos + RECORD_HEADER + recLen > end) {
                return;
            }
            final int epoch = (b[pos + 3] & 0xFF) << 8 | b[pos + 4] & 0xFF;
            if (type == 23 && epoch > 0) {
                long seq = 0;
                for (int i = 3; i < 11; i++) {
                    seq = seq << 8 | b[pos + i] & 0xFF; // epoch and sequence number: the record's own
                }
                header[0] = b[pos];
                header[1] = b[pos + 1];
                header[2] = b[pos + 2];
                header[3] = b[pos + 11];
                header[4] = b[pos + 12];
                final RecordCipher.Result r = c.open(header, b, pos + RECORD_HEADER, recLen, out, seq);
                if (r == RecordCipher.Result.OK) {
                    stats.dtlsRecords++;
                    if (c.length() > 0) {
                        sink.plaintext(dir, out, 0, c.length());
                    }
                } else {
                    stats.dtlsAuthFailures++;
                }
            }
            pos += RECORD_HEADER + recLen;
        }
    }

    /** DTLS 1.3: each DTLSCiphertext opened (handshake, ACK and KeyUpdate records too, to follow the numbers), application data to the sink. */
    private void applicationData13(final int dir, final byte[] b, final int off, final int len, final TlsConnection.Sink sink) {
        int pos = off;
        final int end = off + len;
        while (end - pos >= RECORD_HEADER - 8) {
            if (!Dtls13Records.unified(b[pos] & 0xFF)) {
                if (end - pos < RECORD_HEADER) {
                    return;
                }
                pos += RECORD_HEADER + ((b[pos + 11] & 0xFF) << 8 | b[pos + 12] & 0xFF);
                continue;
            }
            final int n = Dtls13Records.recordLength(b, pos, end);
            if (n < 0) {
                return;
            }
            final Dtls13Records.Opened o = v13.open(dir == client ? 0 : 1, b, pos, n, v13Out);
            if (o == null) {
                stats.dtlsAuthFailures++;
            } else if (o.type() == 23) {
                stats.dtlsRecords++;
                if (o.length() > 0) {
                    sink.plaintext(dir, v13Out, 0, o.length());
                }
            }
            pos += n;
        }
    }

    /** The SDES name of an SRTP protection profile (RFC 5764 4.1.2, RFC 7714 14.2), or null. */
    static String srtpSuite(final int profile) {
        return switch (profile) {
            case 0x0001 -> "AES_CM_128_HMAC_SHA1_80";
            case 0x0002 -> "AES_CM_128_HMAC_SHA1_32";
            case 0x0007 -> "AEAD_AES_128_GCM";
            case 0x0008 -> "AEAD_AES_256_GCM";
            default -> null;
        };
    }

    private static int u24(final byte[] b, final int at) {
        return (b[at] & 0xFF) << 16 | (b[at + 1] & 0xFF) << 8 | b[at + 2] & 0xFF;
    }
}
