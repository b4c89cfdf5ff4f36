package dev.callscope.tls;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * DTLS 1.3 record protection (RFC 9147) of one connection, both ways, from the traffic secrets of a
 * key log: DTLSCiphertext records with the unified header {@code 001CSLEE} (connection id, 8- or
 * 16-bit sequence number, length, the low two bits of the epoch). Per direction and epoch (2 the
 * handshake, 3 the first application secret, each KeyUpdate one more, its secret
 * HKDF-Expand-Label(previous, "traffic upd")): the write key, IV and record number key, all with the
 * "dtls13" label prefix (section 5.9). The sequence number on the wire is masked with the first 16
 * bytes of the ciphertext encrypted under the record number key (AES-ECB, or ChaCha20 with that
 * sample as counter and nonce: section 4.2.3); the full 48-bit number is the one nearest the next
 * expected of that epoch; the nonce is the IV XOR the 64-bit sequence number; the additional data is
 * the header with the number in the clear. The inner plaintext is the content, its type and zero
 * padding. Ciphers are the JDK's.
 */
final class Dtls13Records {
    /** Epochs tried for a record's two epoch bits. */
    static final int MAX_EPOCH = 64;

    /** What one record gave: its epoch and sequence number, its inner content type, the content's length in the output. */
    record Opened(int epoch, long seq, int type, int length) {
    }

    private final CipherSuite suite;
    /** Per direction (0: client to server): the secrets by epoch, their keys, the next sequence number expected. */
    private final byte[][][] secrets = new byte[2][MAX_EPOCH][];
    private final Keys[][] keys = new Keys[2][MAX_EPOCH];
    private final long[][] next = new long[2][MAX_EPOCH];
    /** The highest epoch a record opened in, per direction: later ones are tried only up to the next after it. */
    private final int[] highest = {3, 3};
    private final byte[] aad = new byte[5];

    private final class Keys {
        final SecretKeySpec key;
        final byte[] iv;
        final SecretKeySpec sn;
        final Cipher aead;
        final Cipher mask;

        Keys(final byte[] secret) throws GeneralSecurityException {
            final String h = suite.hash();
            final boolean chacha = suite.cipher() == CipherSuite.Cipher.CHACHA20_POLY1305;
            key = new SecretKeySpec(KeySchedule.expandLabel(h, secret, "dtls13", "key", new byte[0], suite.keyLength()),
                chacha ? "ChaCha20" : "AES");
            iv = KeySchedule.expandLabel(h, secret, "dtls13", "iv", new byte[0], suite.ivLength());
            sn = new SecretKeySpec(KeySchedule.expandLabel(h, secret, "dtls13", "sn", new byte[0], suite.keyLength()),
                chacha ? "ChaCha20" : "AES");
            aead = Cipher.getInstance(chacha ? "ChaCha20-Poly1305" : "AES/GCM/NoPadding");
            mask = Cipher.getInstance(chacha ? "ChaCha20" : "AES/ECB/NoPadding");
            if (!chacha) {
                mask.init(Cipher.ENCRYPT_MODE, sn);
            }
        }

        /** The record number mask of a ciphertext's first 16 bytes. */
        byte[] mask(final byte[] b, final int off) throws GeneralSecurityException {
            if (suite.cipher() == CipherSuite.Cipher.CHACHA20_POLY1305) {
                final int counter = (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
                mask.init(Cipher.ENCRYPT_MODE, sn, new ChaCha20ParameterSpec(Arrays.copyOfRange(b, off + 4, off + 16), counter));
                return mask.doFinal(new byte[2]);
            }
            return mask.doFinal(b, off, 16);
        }
    }

    /**
     * @param suite a TLS 1.3 AEAD suite (AES-GCM or ChaCha20-Poly1305)
     * @param clientHandshake the client's handshake traffic secret (epoch 2), or null
     * @param serverHandshake the server's, or null
     * @param client0 the client's first application traffic secret (epoch 3), or null
     * @param server0 the server's, or null
     */
    Dtls13Records(final CipherSuite suite, final byte[] clientHandshake, final byte[] serverHandshake, final byte[] client0,
                  final byte[] server0) {
        this.suite = suite;
        secrets[0][2] = clientHandshake;
        secrets[1][2] = serverHandshake;
        secrets[0][3] = client0;
        secrets[1][3] = server0;
    }

    /** A unified header's first byte (RFC 9147 section 4: 001CSLEE). */
    static boolean unified(final int b0) {
        return (b0 & 0xE0) == 0x20;
    }

    /**
     * The length of the DTLSCiphertext record at {@code off} (header and body), or -1 when its
     * header is cut or names a connection id (not followed).
     */
    static int recordLength(final byte[] b, final int off, final int end) {
        final int b0 = b[off] & 0xFF;
        if ((b0 & 0x10) != 0) {
            return -1;
        }
        final int head = 1 + ((b0 & 0x08) != 0 ? 2 : 1) + ((b0 & 0x04) != 0 ? 2 : 0);
        if (end - off < head) {
            return -1;
        }
        if ((b0 & 0x04) == 0) {
            return end - off; // no length: the record runs to the end of the datagram
        }
        final int len = (b[off + head - 2] & 0xFF) << 8 | b[off + head - 1] & 0xFF;
        return off + head + len <= end ? head + len : -1;
    }

    private Keys keys(final int dir, final int epoch) throws GeneralSecurityException {
        Keys k = keys[dir][epoch];
        if (k == null) {
            final byte[] s = secret(dir, epoch);
            if (s == null) {
                return null;
            }
            k = new Keys(s);
            keys[dir][epoch] = k;
        }
        return k;
    }

    /** The traffic secret of an epoch: given (2, 3), or the previous one's after a KeyUpdate (section 6.1). */
    private byte[] secret(final int dir, final int epoch) {
        if (secrets[dir][epoch] == null && epoch > 3) {
            final byte[] previous = secret(dir, epoch - 1);
            if (previous != null) {
                secrets[dir][epoch] = KeySchedule.expandLabel(suite.hash(), previous, "dtls13", "traffic upd", new byte[0],
                    suite.hashLength());
            }
        }
        return secrets[dir][epoch];
    }

    /**
     * Opens the record of {@code len} bytes at {@code off} sent in direction {@code dir} (0: client
     * to server) into {@code out}, trying each epoch its two bits allow that has keys.
     *
     * @return what it held, or null when no epoch's keys authenticate it
     */
    Opened open(final int dir, final byte[] b, final int off, final int len, final byte[] out) {
        final int b0 = b[off] & 0xFF;
        final int seqLen = (b0 & 0x08) != 0 ? 2 : 1;
        final int head = 1 + seqLen + ((b0 & 0x04) != 0 ? 2 : 0);
        final int body = off + head;
        final int bodyLen = len - head;
        if (bodyLen < 16 || bodyLen > out.length + 16) {
            return null; // under the record number mask's sample (the tag alone is 16 bytes), or over the output
        }
        // the epochs the two bits allow, up to the first past the highest opened (RFC 9147 section 4.2.2:
        // a receiver expects the current epoch or the next), so a forged record costs a few tries at most
        final int last = Math.min(MAX_EPOCH - 1, highest[dir] + 4);
        for (int epoch = 2 + ((b0 & 3) - 2 & 3); epoch <= last; epoch += 4) {
            try {
                final Keys k = keys(dir, epoch);
                if (k == null) {
                    if (epoch > 3) {
                        return null;
                    }
                    continue;
                }
                final byte[] m = k.mask(b, body);
                final int low = seqLen == 2 ? ((b[off + 1] ^ m[0]) & 0xFF) << 8 | (b[off + 2] ^ m[1]) & 0xFF : (b[off + 1] ^ m[0]) & 0xFF;
                final long window = 1L << (8 * seqLen);
                final long expected = next[dir][epoch];
                long seq = (expected & ~(window - 1)) | low;
                if (seq + window / 2 < expected) {
                    seq += window;
                } else if (seq > expected + window / 2 && seq >= window) {
                    seq -= window;
                }
                final byte[] header = head <= aad.length ? aad : new byte[head];
                header[0] = (byte) b0;
                if (seqLen == 2) {
                    header[1] = (byte) (low >>> 8);
                    header[2] = (byte) low;
                } else {
                    header[1] = (byte) low;
                }
                System.arraycopy(b, off + 1 + seqLen, header, 1 + seqLen, head - 1 - seqLen);
                final byte[] nonce = k.iv.clone();
                for (int i = 0; i < 8; i++) {
                    nonce[nonce.length - 1 - i] ^= (byte) (seq >>> (8 * i));
                }
                if (suite.cipher() == CipherSuite.Cipher.CHACHA20_POLY1305) {
                    k.aead.init(Cipher.DECRYPT_MODE, k.key, new IvParameterSpec(nonce));
                } else {
                    k.aead.init(Cipher.DECRYPT_MODE, k.key, new GCMParameterSpec(128, nonce));
                }
                k.aead.updateAAD(header, 0, head);
                int n;
                try {
                    n = k.aead.doFinal(b, body, bodyLen, out, 0);
                } catch (final javax.crypto.AEADBadTagException e) {
                    continue; // another epoch with the same two bits, or not this connection's
                }
                next[dir][epoch] = Math.max(expected, seq + 1);
                highest[dir] = Math.max(highest[dir], epoch);
                while (n > 0 && out[n - 1] == 0) {
                    n--; // the padding
                }
                if (n == 0) {
                    return null; // no content type: malformed (RFC 9147 section 4)
                }
                return new Opened(epoch, seq, out[n - 1] & 0xFF, n - 1);
            } catch (final GeneralSecurityException | IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    /** The TLS 1.3 exporter (RFC 8446 section 7.5) with DTLS 1.3's labels, empty context. */
    static byte[] export(final CipherSuite suite, final byte[] exporterSecret, final String label, final int length) {
        final String h = suite.hash();
        final byte[] empty;
        try {
            empty = java.security.MessageDigest.getInstance(suite.hashLength() == 48 ? "SHA-384" : "SHA-256").digest(new byte[0]);
        } catch (final java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        final byte[] derived = KeySchedule.expandLabel(h, exporterSecret, "dtls13", label, empty, suite.hashLength());
        return KeySchedule.expandLabel(h, derived, "dtls13", "exporter", empty, length);
    }
}
