package dev.callscope.tls;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One direction's record protection under one key: opens the records of that direction in order,
 * counting their sequence numbers. The ciphers are the JDK's ({@code AES/GCM/NoPadding},
 * {@code ChaCha20-Poly1305}, {@code AES/CBC/NoPadding} with {@code Hmac*}).
 *
 * <pre>
 *   TLS 1.3 (RFC 8446 5.2)    nonce = iv XOR seq          aad = the 5-byte record header
 *                             plaintext = content || type || zeros
 *   TLS 1.2 AES-GCM (5288)    nonce = salt(4) || explicit(8, first bytes of the record)
 *                             aad = seq(8) type(1) version(2) plaintext length(2)
 *   TLS 1.2 ChaCha20 (7905)   nonce = iv XOR seq          aad as AES-GCM
 *   TLS 1.2 CBC (5246 6.2.3.2) iv(16) || E(content || mac || padding), mac over seq type version length content
 *   TLS 1.2 CBC + encrypt_then_mac (7366)  iv || E(content || padding) || mac, mac over seq type version length iv || E(...)
 * </pre>
 */
final class RecordCipher {
    /** What opening a record gave. */
    enum Result {
        OK,
        /** The tag or MAC did not match: a wrong key, or not this connection's records. */
        BAD_TAG,
        /** Too short for its protection, or bad CBC padding length. */
        MALFORMED
    }

    private static final int TAG = 16;

    private final CipherSuite suite;
    private final boolean tls13;
    private final boolean encryptThenMac;
    private final byte[] iv;
    private final Cipher cipher;
    private final SecretKeySpec key;
    private final Mac mac;
    private final byte[] nonce = new byte[12];
    private final byte[] aad13 = new byte[5];
    private final byte[] aad12 = new byte[13];
    private long seq;
    /** Bytes of the last opened record's content and its inner type (TLS 1.3). */
    private int length;
    private int innerType;

    RecordCipher(final CipherSuite suite, final byte[] key, final byte[] iv, final byte[] macKey, final boolean encryptThenMac) {
        this.suite = suite;
        this.tls13 = suite.tls13();
        this.encryptThenMac = encryptThenMac;
        this.iv = iv;
        try {
            switch (suite.cipher()) {
                case AES_GCM -> {
                    this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
                    this.key = new SecretKeySpec(key, "AES");
                    this.mac = null;
                }
                case CHACHA20_POLY1305 -> {
                    this.cipher = Cipher.getInstance("ChaCha20-Poly1305");
                    this.key = new SecretKeySpec(key, "ChaCha20");
                    this.mac = null;
                }
                default -> {
                    this.cipher = Cipher.getInstance("AES/CBC/NoPadding");
                    this.key = new SecretKeySpec(key, "AES");
                    this.mac = Mac.getInstance(suite.macAlgorithm());
                    this.mac.init(new SecretKeySpec(macKey, suite.macAlgorithm()));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot decrypt " + suite.name(), e);
        }
    }

    /**
     * TLS 1.2 and DTLS 1.2 protection of both directions from the master secret: the key block
     * (RFC 5246 6.3, "key expansion" over server random || client random) cut into MAC keys, write
     * keys and IVs. Returns {client's, server's}.
     */
    static RecordCipher[] tls12(final CipherSuite suite, final byte[] master, final byte[] clientRandom, final byte[] serverRandom,
                                final boolean encryptThenMac) {
        final int macLen = suite.macAlgorithm() == null ? 0 : suite.macLength();
        final int keyLen = suite.keyLength();
        final int ivLen = suite.ivLength();
        final byte[] block = KeySchedule.prf(suite.hash(), master, "key expansion", KeySchedule.concat(serverRandom, clientRandom),
            2 * (macLen + keyLen + ivLen));
        int p = 0;
        final byte[] clientMac = java.util.Arrays.copyOfRange(block, p, p += macLen);
        final byte[] serverMac = java.util.Arrays.copyOfRange(block, p, p += macLen);
        final byte[] clientKey = java.util.Arrays.copyOfRange(block, p, p += keyLen);
        final byte[] serverKey = java.util.Arrays.copyOfRange(block, p, p += keyLen);
        final byte[] clientIv = java.util.Arrays.copyOfRange(block, p, p += ivLen);
        final byte[] serverIv = java.util.Arrays.copyOfRange(block, p, p + ivLen);
        return new RecordCipher[] {new RecordCipher(suite, clientKey, clientIv, clientMac, encryptThenMac),
            new RecordCipher(suite, serverKey, serverIv, serverMac, encryptThenMac)};
    }

    /** TLS 1.3 protection from a traffic secret. */
    static RecordCipher tls13(final CipherSuite suite, final byte[] secret) {
        return new RecordCipher(suite, KeySchedule.trafficKey(suite, secret), KeySchedule.trafficIv(suite, secret), null, false);
    }

    /**
     * Opens the record whose header is {@code hdr[0..5)} and whose fragment is {@code buf[off, off+len)},
     * writing the content to {@code out} from 0 ({@code out} has room for {@code len} bytes). The
     * sequence number advances whatever the outcome.
     */
    Result open(final byte[] hdr, final byte[] buf, final int off, final int len, final byte[] out) {
        return open(hdr, buf, off, len, out, seq++);
    }

    /** As {@link #open(byte[], byte[], int, int, byte[])} with the record's own sequence number (DTLS: epoch and sequence). */
    Result open(final byte[] hdr, final byte[] buf, final int off, final int len, final byte[] out, final long n) {
        try {
            return switch (suite.cipher()) {
                case AES_GCM, CHACHA20_POLY1305 -> aead(n, hdr, buf, off, len, out);
                default -> cbc(n, hdr, buf, off, len, out);
            };
        } catch (AEADBadTagException e) {
            return Result.BAD_TAG;
        } catch (GeneralSecurityException e) {
            return Result.MALFORMED;
        }
    }

    private Result aead(final long n, final byte[] hdr, final byte[] buf, final int off, final int len, final byte[] out)
        throws GeneralSecurityException {
        final boolean explicit = !tls13 && suite.cipher() == CipherSuite.Cipher.AES_GCM;
        final int start = explicit ? off + 8 : off;
        final int ctLen = len - (explicit ? 8 : 0);
        if (ctLen < TAG) {
            return Result.MALFORMED;
        }
        if (explicit) {
            System.arraycopy(iv, 0, nonce, 0, 4);
            System.arraycopy(buf, off, nonce, 4, 8);
        } else {
            System.arraycopy(iv, 0, nonce, 0, 12);
            for (int i = 0; i < 8; i++) {
                nonce[4 + i] ^= (byte) (n >>> (56 - 8 * i));
            }
        }
        if (suite.cipher() == CipherSuite.Cipher.AES_GCM) {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG * 8, nonce));
        } else {
            cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(nonce));
        }
        if (tls13) {
            System.arraycopy(hdr, 0, aad13, 0, 5);
            cipher.updateAAD(aad13);
        } else {
            cipher.updateAAD(aad12(n, hdr, ctLen - TAG));
        }
        final int plain = cipher.doFinal(buf, start, ctLen, out, 0);
        if (tls13) {
            int end = plain;
            while (end > 0 && out[end - 1] == 0) {
                end--;
            }
            if (end == 0) {
                return Result.MALFORMED; // no content type: RFC 8446 calls it an unexpected_message
            }
            innerType = out[end - 1] & 0xFF;
            length = end - 1;
        } else {
            innerType = hdr[0] & 0xFF;
            length = plain;
        }
        return Result.OK;
    }

    private Result cbc(final long n, final byte[] hdr, final byte[] buf, final int off, final int len, final byte[] out)
        throws GeneralSecurityException {
        final int macLen = suite.macLength();
        innerType = hdr[0] & 0xFF;
        if (encryptThenMac) {
            final int ctLen = len - macLen;
            if (ctLen < 32 || (ctLen - 16) % 16 != 0) {
                return Result.MALFORMED;
            }
            mac.update(aad12(n, hdr, ctLen));
            mac.update(buf, off, ctLen);
            final byte[] expect = mac.doFinal();
            if (!MessageDigest.isEqual(expect, java.util.Arrays.copyOfRange(buf, off + ctLen, off + len))) {
                return Result.BAD_TAG;
            }
            cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(buf, off, 16));
            final int plain = cipher.doFinal(buf, off + 16, ctLen - 16, out, 0);
            final int pad = out[plain - 1] & 0xFF;
            if (pad + 1 > plain) {
                return Result.MALFORMED;
            }
            length = plain - pad - 1;
            return Result.OK;
        }
        if (len < 32 || len % 16 != 0) {
            return Result.MALFORMED;
        }
        cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(buf, off, 16));
        final int plain = cipher.doFinal(buf, off + 16, len - 16, out, 0);
        final int pad = out[plain - 1] & 0xFF;
        if (pad + 1 + macLen > plain) {
            return Result.BAD_TAG; // a padding that cannot be: the key is wrong
        }
        final int content = plain - pad - 1 - macLen;
        mac.update(aad12(n, hdr, content));
        mac.update(out, 0, content);
        final byte[] expect = mac.doFinal();
        if (!MessageDigest.isEqual(expect, java.util.Arrays.copyOfRange(out, content, content + macLen))) {
            return Result.BAD_TAG;
        }
        length = content;
        return Result.OK;
    }

    private byte[] aad12(final long n, final byte[] hdr, final int contentLength) {
        for (int i = 0; i < 8; i++) {
            aad12[i] = (byte) (n >>> (56 - 8 * i));
        }
        aad12[8] = hdr[0];
        aad12[9] = hdr[1];
        aad12[10] = hdr[2];
        aad12[11] = (byte) (contentLength >>> 8);
        aad12[12] = (byte) contentLength;
        return aad12;
    }

    /** Bytes of content the last {@link #open} gave. */
    int length() {
        return length;
    }

    /** The content type of the last record opened (TLS 1.3: the inner type). */
    int innerType() {
        return innerType;
    }

    CipherSuite suite() {
        return suite;
    }
}
