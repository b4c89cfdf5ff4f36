package dev.callscope.srtp;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The session keys of one SDES master key and the packet transforms that use them, with the JDK's
 * ciphers ({@code AES/CTR/NoPadding}, {@code HmacSHA1}, {@code AES/GCM/NoPadding}).
 *
 * <pre>
 *   key derivation (RFC 3711 4.3, r = 0)   x = master salt (112 bits; a 96-bit GCM salt padded, RFC 7714 errata 4938)
 *                                          x[7] ^= label; session key = AES-CM(master key, IV = x || 0x0000)
 *   SRTP   AES-CM   IV = salt*2^16 ^ SSRC*2^64 ^ index*2^16     tag = HMAC-SHA1(header||payload||ROC)
 *          layout   header | encrypted payload | MKI | tag
 *   SRTCP  AES-CM   the same IV with the 31-bit SRTCP index      tag over header..E||index
 *          layout   header(8) | encrypted | E||index(4) | MKI | tag
 *   SRTP   AES-GCM  IV = (0x0000||SSRC||ROC||SEQ) ^ salt(12), aad = header (RFC 7714 8.1)
 *          layout   header | ciphertext and tag | MKI
 *   SRTCP  AES-GCM  IV = (0x0000||SSRC||0x0000||index) ^ salt, aad = header(8) || E||index (RFC 7714 9.1)
 *          layout   header(8) | ciphertext and tag | E||index(4) | MKI
 * </pre>
 */
final class SrtpCrypto {
    static final int LABEL_RTP_KEY = 0;
    static final int LABEL_RTP_AUTH = 1;
    static final int LABEL_RTP_SALT = 2;
    static final int LABEL_RTCP_KEY = 3;
    static final int LABEL_RTCP_AUTH = 4;
    static final int LABEL_RTCP_SALT = 5;

    final SdesKey key;
    final SrtpSuite suite;
    private final SecretKeySpec rtpKey;
    private final byte[] rtpSalt;
    private final SecretKeySpec rtcpKey;
    private final byte[] rtcpSalt;
    private final Mac rtpMac;
    private final Mac rtcpMac;
    private final Cipher cipher;
    private final byte[] iv;
    private final byte[] roc = new byte[4];
    private final byte[] aad = new byte[12];
    /** The HMAC-SHA1 of the packet being authenticated (no allocation per packet). */
    private final byte[] mac = new byte[20];

    /** The session keys derived from an SDES master key. */
    SrtpCrypto(final SdesKey key) {
        this(key, derive(key, LABEL_RTP_KEY, key.suite().keyLength), derive(key, LABEL_RTP_SALT, key.suite().saltLength),
            key.suite().gcm ? null : derive(key, LABEL_RTP_AUTH, 20), derive(key, LABEL_RTCP_KEY, key.suite().keyLength),
            derive(key, LABEL_RTCP_SALT, key.suite().saltLength), key.suite().gcm ? null : derive(key, LABEL_RTCP_AUTH, 20));
    }

    /**
     * Given session keys (the published test vectors of RFC 7714 start from them); {@code key}
     * gives the suite and the MKI. The authentication keys are null for AES-GCM.
     */
    SrtpCrypto(final SdesKey key, final byte[] rtpKey, final byte[] rtpSalt, final byte[] rtpAuthKey, final byte[] rtcpKey,
               final byte[] rtcpSalt, final byte[] rtcpAuthKey) {
        this.key = key;
        this.suite = key.suite();
        try {
            this.rtpKey = new SecretKeySpec(rtpKey, "AES");
            this.rtpSalt = rtpSalt;
            this.rtcpKey = new SecretKeySpec(rtcpKey, "AES");
            this.rtcpSalt = rtcpSalt;
            if (suite.gcm) {
                rtpMac = null;
                rtcpMac = null;
                cipher = Cipher.getInstance("AES/GCM/NoPadding");
                iv = new byte[12];
            } else {
                rtpMac = Mac.getInstance("HmacSHA1");
                rtpMac.init(new SecretKeySpec(rtpAuthKey, "HmacSHA1"));
                rtcpMac = Mac.getInstance("HmacSHA1");
                rtcpMac.init(new SecretKeySpec(rtcpAuthKey, "HmacSHA1"));
                cipher = Cipher.getInstance("AES/CTR/NoPadding");
                iv = new byte[16];
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot do " + suite, e);
        }
    }

    private static byte[] derive(final SdesKey key, final int label, final int length) {
        try {
            return kdf(key, label, length);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot do " + key.suite(), e);
        }
    }

    /** Whether the MKI field at {@code at} names this key (always true without MKI). */
    private boolean mkiMatches(final byte[] b, final int at) {
        final int n = key.mkiLength();
        if (n == 0) {
            return true;
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            if (n - i > 8 && b[at + i] != 0) {
                return false;
            }
            v = v << 8 | b[at + i] & 0xFF;
        }
        return v == key.mki();
    }

    /** The SRTP key derivation function with key_derivation_rate 0 (RFC 3711 4.3.1, 4.3.3). */
    static byte[] kdf(final SdesKey key, final int label, final int length) throws GeneralSecurityException {
        final byte[] x = new byte[16];
        System.arraycopy(key.masterSalt(), 0, x, 0, Math.min(14, key.masterSalt().length));
        x[7] ^= (byte) label;
        final Cipher ctr = Cipher.getInstance("AES/CTR/NoPadding");
        ctr.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key.masterKey(), "AES"), new IvParameterSpec(x));
        return ctr.doFinal(new byte[length]);
    }

    /**
     * Authenticates and decrypts one SRTP packet, {@code b[off, off+len)} with an RTP header of
     * {@code hdr} bytes, under rollover counter {@code roc}. The clear packet (header, payload; no MKI
     * or tag) goes to {@code out} from 0.
     *
     * @return its length, or -1 when the tag does not match, or -2 when the packet is too short
     */
    int rtp(final byte[] b, final int off, final int len, final int hdr, final long ssrc, final int seq, final long roc,
            final byte[] out) {
        final int mki = key.mkiLength();
        final int tag = suite.rtpTag;
        if (len < hdr + mki + tag) {
            return -2;
        }
        if (mki > 0 && !mkiMatches(b, off + len - mki - (suite.gcm ? 0 : tag))) {
            return -1; // another master key's packet
        }
        try {
            if (suite.gcm) {
                final int ct = len - hdr - mki;
                if (ct < tag) {
                    return -2;
                }
                iv[0] = 0;
                iv[1] = 0;
                put32(iv, 2, ssrc);
                put32(iv, 6, roc);
                iv[10] = (byte) (seq >>> 8);
                iv[11] = (byte) seq;
                xor(iv, rtpSalt, 12);
                cipher.init(Cipher.DECRYPT_MODE, rtpKey, new GCMParameterSpec(tag * 8, iv));
                cipher.updateAAD(b, off, hdr);
                System.arraycopy(b, off, out, 0, hdr);
                return hdr + cipher.doFinal(b, off + hdr, ct, out, hdr);
            }
            final int authed = len - mki - tag;
            rtpMac.update(b, off, authed);
            put32(this.roc, 0, roc);
            rtpMac.update(this.roc);
            rtpMac.doFinal(mac, 0);
            if (!tagMatches(b, off + len - tag, tag)) {
                return -1;
            }
            ctrIv(rtpSalt, ssrc, roc << 16 | seq);
            cipher.init(Cipher.DECRYPT_MODE, rtpKey, new IvParameterSpec(iv));
            System.arraycopy(b, off, out, 0, hdr);
            return hdr + cipher.doFinal(b, off + hdr, authed - hdr, out, hdr);
        } catch (AEADBadTagException e) {
            return -1;
        } catch (GeneralSecurityException e) {
            return -2;
        }
    }

    /**
     * Authenticates and decrypts one SRTCP packet; the clear compound packet (the 8-byte header
     * and the rest, without E||index, MKI and tag) goes to {@code out} from 0.
     *
     * @return its length, or -1 when the tag does not match, or -2 when the packet is too short
     */
    int rtcp(final byte[] b, final int off, final int len, final byte[] out) {
        final int mki = key.mkiLength();
        final int tag = suite.rtcpTag;
        try {
            if (suite.gcm) {
                final int indexAt = len - mki - 4;
                if (indexAt < 8 + tag) {
                    return -2;
                }
                if (mki > 0 && !mkiMatches(b, off + len - mki)) {
                    return -1;
                }
                final long eIndex = get32(b, off + indexAt);
                final boolean encrypted = (eIndex & 0x8000_0000L) != 0;
                final long index = eIndex & 0x7FFF_FFFFL;
                iv[0] = 0;
                iv[1] = 0;
                put32(iv, 2, get32(b, off + 4));
                iv[6] = 0;
                iv[7] = 0;
                put32(iv, 8, index);
                xor(iv, rtcpSalt, 12);
                cipher.init(Cipher.DECRYPT_MODE, rtcpKey, new GCMParameterSpec(tag * 8, iv));
                System.arraycopy(b, off, out, 0, 8);
                if (!encrypted) {
                    cipher.updateAAD(b, off, indexAt - tag);
                    cipher.updateAAD(b, off + indexAt, 4);
                    cipher.doFinal(b, off + indexAt - tag, tag, out, 0);
                    System.arraycopy(b, off, out, 0, indexAt - tag);
                    return indexAt - tag;
                }
                System.arraycopy(b, off, aad, 0, 8);
                System.arraycopy(b, off + indexAt, aad, 8, 4);
                cipher.updateAAD(aad, 0, 12);
                return 8 + cipher.doFinal(b, off + 8, indexAt - 8, out, 8);
            }
            final int indexAt = len - mki - tag - 4;
            if (indexAt < 8) {
                return -2;
            }
            if (mki > 0 && !mkiMatches(b, off + indexAt + 4)) {
                return -1;
            }
            rtcpMac.update(b, off, indexAt + 4);
            rtcpMac.doFinal(mac, 0);
            if (!tagMatches(b, off + len - tag, tag)) {
                return -1;
            }
            final long eIndex = get32(b, off + indexAt);
            System.arraycopy(b, off, out, 0, 8);
            if ((eIndex & 0x8000_0000L) == 0) {
                System.arraycopy(b, off + 8, out, 8, indexAt - 8);
                return indexAt;
            }
            ctrIv(rtcpSalt, get32(b, off + 4), eIndex & 0x7FFF_FFFFL);
            cipher.init(Cipher.DECRYPT_MODE, rtcpKey, new IvParameterSpec(iv));
            return 8 + cipher.doFinal(b, off + 8, indexAt - 8, out, 8);
        } catch (AEADBadTagException e) {
            return -1;
        } catch (GeneralSecurityException e) {
            return -2;
        }
    }

    /** Whether the first {@code n} bytes of the computed MAC equal the packet's tag at {@code at}. */
    private boolean tagMatches(final byte[] b, final int at, final int n) {
        int diff = 0;
        for (int i = 0; i < n; i++) {
            diff |= mac[i] ^ b[at + i];
        }
        return diff == 0;
    }

    /** The AES-CM IV: the session salt, the SSRC at bits 64-95 and the 48-bit index at bits 16-63. */
    private void ctrIv(final byte[] salt, final long ssrc, final long index) {
        Arrays.fill(iv, (byte) 0);
        System.arraycopy(salt, 0, iv, 0, 14);
        iv[4] ^= (byte) (ssrc >>> 24);
        iv[5] ^= (byte) (ssrc >>> 16);
        iv[6] ^= (byte) (ssrc >>> 8);
        iv[7] ^= (byte) ssrc;
        for (int i = 0; i < 6; i++) {
            iv[8 + i] ^= (byte) (index >>> (40 - 8 * i));
        }
    }

    private static void xor(final byte[] a, final byte[] b, final int n) {
        for (int i = 0; i < n; i++) {
            a[i] ^= b[i];
        }
    }

    private static void put32(final byte[] a, final int at, final long v) {
        a[at] = (byte) (v >>> 24);
        a[at + 1] = (byte) (v >>> 16);
        a[at + 2] = (byte) (v >>> 8);
        a[at + 3] = (byte) v;
    }

    static long get32(final byte[] a, final int at) {
        return (a[at] & 0xFFL) << 24 | (a[at + 1] & 0xFFL) << 16 | (a[at + 2] & 0xFFL) << 8 | a[at + 3] & 0xFFL;
    }
}
