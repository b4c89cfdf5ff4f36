package dev.callscope.core;

/** What SRTP decryption with SDES keys did over a run. Never any key material. */
public final class SrtpStats {
    /** SSRCs (per direction) whose key was found. */
    public long streams;
    /** SRTP packets authenticated and decrypted. */
    public long decrypted;
    /** SRTP packets no candidate key authenticated (wrong key, or not SRTP). */
    public long authFailures;
    /** SRTCP packets authenticated and decrypted. */
    public long rtcpDecrypted;
    /** SRTCP packets no candidate key authenticated. */
    public long rtcpAuthFailures;
    /** Packets too short for their suite's tag and MKI. */
    public long malformed;
    /** Packets of SSRCs past the per-conversation bound, not tried. */
    public long overLimit;
    /** a=crypto keys announced in SDP that callscope could read. */
    public long keys;
    /** a=crypto lines with a suite or key it does not decrypt. */
    public long unusableKeys;

    public boolean isEmpty() {
        return keys == 0 && unusableKeys == 0 && decrypted == 0 && authFailures == 0;
    }
}
