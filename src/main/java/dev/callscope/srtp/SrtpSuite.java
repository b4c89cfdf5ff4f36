package dev.callscope.srtp;

/**
 * The SDES crypto suites callscope decrypts (RFC 4568 section 6.2, RFC 6188, RFC 7714 section 12):
 * key and salt lengths, the cipher, and the authentication tag lengths of SRTP and SRTCP.
 */
public enum SrtpSuite {
    AES_CM_128_HMAC_SHA1_80(16, 14, false, 10, 10),
    AES_CM_128_HMAC_SHA1_32(16, 14, false, 4, 10),
    AES_256_CM_HMAC_SHA1_80(32, 14, false, 10, 10),
    AES_256_CM_HMAC_SHA1_32(32, 14, false, 4, 10),
    AES_192_CM_HMAC_SHA1_80(24, 14, false, 10, 10),
    AES_192_CM_HMAC_SHA1_32(24, 14, false, 4, 10),
    AEAD_AES_128_GCM(16, 12, true, 16, 16),
    AEAD_AES_256_GCM(32, 12, true, 16, 16);

    /** Bytes of the master key. */
    public final int keyLength;
    /** Bytes of the master salt (and of the session salt). */
    public final int saltLength;
    /** AES-GCM (RFC 7714) rather than AES counter mode with HMAC-SHA1 (RFC 3711). */
    public final boolean gcm;
    /** Bytes of the SRTP authentication tag. */
    public final int rtpTag;
    /** Bytes of the SRTCP authentication tag (80 bits for both HMAC-SHA1 suites, RFC 4568 6.2.2). */
    public final int rtcpTag;

    SrtpSuite(final int keyLength, final int saltLength, final boolean gcm, final int rtpTag, final int rtcpTag) {
        this.keyLength = keyLength;
        this.saltLength = saltLength;
        this.gcm = gcm;
        this.rtpTag = rtpTag;
        this.rtcpTag = rtcpTag;
    }

    /** The suite of an a=crypto line's name (case as written in SDP), or null when not one of these. */
    public static SrtpSuite of(final String name) {
        for (final SrtpSuite s : values()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }
}
