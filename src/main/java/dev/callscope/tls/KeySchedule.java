package dev.callscope.tls;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Key schedules built on the JDK's HMAC ({@code javax.crypto.Mac}): the TLS 1.2 PRF (RFC 5246
 * section 5, P_hash) and TLS 1.3's HKDF-Expand-Label (RFC 8446 section 7.1, over RFC 5869's
 * HKDF-Expand). Only expansion is needed: the key log gives the master secret (1.2) or the traffic
 * secrets (1.3), never the inputs of the extraction steps.
 */
public final class KeySchedule {
    private KeySchedule() {
    }

    /** TLS 1.2 PRF(secret, label, seed) truncated to {@code length} bytes, with HMAC {@code hmac}. */
    public static byte[] prf(final String hmac, final byte[] secret, final String label, final byte[] seed, final int length) {
        try {
            final Mac mac = Mac.getInstance(hmac);
            mac.init(new SecretKeySpec(secret, hmac));
            final byte[] labelSeed = concat(label.getBytes(StandardCharsets.US_ASCII), seed);
            final byte[] out = new byte[length];
            byte[] a = labelSeed; // A(0)
            int done = 0;
            while (done < length) {
                a = mac.doFinal(a); // A(i) = HMAC(secret, A(i-1))
                mac.update(a);
                final byte[] block = mac.doFinal(labelSeed);
                final int n = Math.min(block.length, length - done);
                System.arraycopy(block, 0, out, done, n);
                done += n;
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + hmac, e);
        }
    }

    /** HKDF-Expand(prk, info, length) with HMAC {@code hmac} (RFC 5869 section 2.3). */
    public static byte[] hkdfExpand(final String hmac, final byte[] prk, final byte[] info, final int length) {
        try {
            final Mac mac = Mac.getInstance(hmac);
            mac.init(new SecretKeySpec(prk, hmac));
            final byte[] out = new byte[length];
            byte[] t = new byte[0];
            int done = 0;
            for (int i = 1; done < length; i++) {
                mac.update(t);
                mac.update(info);
                mac.update((byte) i);
                t = mac.doFinal();
                final int n = Math.min(t.length, length - done);
                System.arraycopy(t, 0, out, done, n);
                done += n;
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + hmac, e);
        }
    }

    /**
     * HKDF-Expand-Label(secret, label, context, length) of TLS 1.3 (RFC 8446 section 7.1), and of
     * DTLS 1.3 with {@code prefix} "dtls13" instead of "tls13 " (RFC 9147 section 5.9).
     */
    public static byte[] expandLabel(final String hmac, final byte[] secret, final String prefix, final String label,
                                     final byte[] context, final int length) {
        final byte[] full = (prefix + label).getBytes(StandardCharsets.US_ASCII);
        final byte[] info = new byte[2 + 1 + full.length + 1 + context.length];
        info[0] = (byte) (length >>> 8);
        info[1] = (byte) length;
        info[2] = (byte) full.length;
        System.arraycopy(full, 0, info, 3, full.length);
        info[3 + full.length] = (byte) context.length;
        System.arraycopy(context, 0, info, 4 + full.length, context.length);
        return hkdfExpand(hmac, secret, info, length);
    }

    /** TLS 1.3 write key of a traffic secret. */
    public static byte[] trafficKey(final CipherSuite suite, final byte[] secret) {
        return expandLabel(suite.hash(), secret, "tls13 ", "key", new byte[0], suite.keyLength());
    }

    /** TLS 1.3 write IV of a traffic secret. */
    public static byte[] trafficIv(final CipherSuite suite, final byte[] secret) {
        return expandLabel(suite.hash(), secret, "tls13 ", "iv", new byte[0], suite.ivLength());
    }

    /** The next TLS 1.3 application traffic secret after a KeyUpdate (RFC 8446 section 7.2). */
    public static byte[] nextTrafficSecret(final CipherSuite suite, final byte[] secret) {
        return expandLabel(suite.hash(), secret, "tls13 ", "traffic upd", new byte[0], suite.hashLength());
    }

    static byte[] concat(final byte[] a, final byte[] b) {
        final byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
