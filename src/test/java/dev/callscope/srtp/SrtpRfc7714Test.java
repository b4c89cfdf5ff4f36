package dev.callscope.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The AES-GCM test vectors of RFC 7714 sections 16 (SRTP) and 17 (SRTCP), for AEAD_AES_128_GCM and
 * AEAD_AES_256_GCM, decrypted through the session-key constructor of {@link SrtpCrypto} (the RFC gives
 * the AEAD key and salt, not a master key). Every expected value is copied from the RFC's text as
 * pion/srtp carries it in srtp_cipher_aead_aes_gcm_rfc_test.go (createRfcAeadTestCiphers, "RFC 7714,
 * Sections 16 and 17"; the same hex appears in several other independent copies of the vectors); none
 * is computed here. The packets keep the RFC's grouping of four octets.
 *
 * <p>The RFC uses one key and salt for SRTP and SRTCP. SRTP: SSRC 0x5501a0b2, sequence number 0xf17b,
 * ROC 0. SRTCP: SSRC 0x4d617273 (in the packet), E||SRTCP index 0x800005d4 (encrypted) or 0x000005d4
 * (E=0, authenticated only). Not covered: the SRTP "authentication only" vectors (16.1.3, 16.2.3),
 * which need a NULL-cipher SRTP transform SrtpCrypto does not have.
 */
class SrtpRfc7714Test {
    // RFC 7714 16.1: AEAD_AES_128_GCM key
    private static final String KEY_128 = "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f";
    // RFC 7714 16.2: AEAD_AES_256_GCM key
    private static final String KEY_256 = """
        00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f
        10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f""";
    // RFC 7714 16.1 and 16.2: salt ("Quid pro quo")
    private static final String SALT = "51 75 69 64 20 70 72 6f 20 71 75 6f";

    // RFC 7714 16 (the SRTP parameters of every case)
    private static final long RTP_SSRC = 0x5501a0b2L;
    private static final int RTP_SEQ = 0xf17b;

    // RFC 7714 16.1.1 and 16.2.1: the RTP packet ("Gallia est omnis divisa in partes tres")
    private static final String RTP_CLEAR = """
        8040f17b 8041f8d3 5501a0b2 47616c6c
        69612065 7374206f 6d6e6973 20646976
        69736120 696e2070 61727465 73207472
        6573""";
    // RFC 7714 16.1.1: AEAD_AES_128_GCM encrypted and tagged SRTP packet
    private static final String SRTP_128 = """
        8040f17b 8041f8d3 5501a0b2 f24de3a3
        fb34de6c acba861c 9d7e4bca be633bd5
        0d294e6f 42a5f47a 51c7d19b 36de3adf
        8833899d 7f27beb1 6a9152cf 765ee439
        0cce""";
    // RFC 7714 16.2.1: AEAD_AES_256_GCM encrypted and tagged SRTP packet
    private static final String SRTP_256 = """
        8040f17b 8041f8d3 5501a0b2 32b1de78
        a822fe12 ef9f78fa 332e33aa b1801238
        9a58e2f3 b50b2a02 76ffae0f 1ba63799
        b87b7aa3 db36dfff d6b0f9bb 7878d7a7
        6c13""";

    // RFC 7714 17: the RTCP compound packet
    private static final String RTCP_CLEAR = """
        81c8000d 4d617273 4e545031 4e545032
        52545020 0000042a 0000e930 4c756e61
        deadbeef deadbeef deadbeef deadbeef
        deadbeef""";
    // RFC 7714 17: AEAD_AES_128_GCM encrypted and tagged SRTCP packet (E||index 800005d4)
    private static final String SRTCP_128 = """
        81c8000d 4d617273 63e94885 dcdab67c
        a727d766 2f6b7e99 7ff5c0f7 6c06f32d
        c676a5f1 730d6fda 4ce09b46 86303ded
        0bb9275b c84aa458 96cf4d2f c5abf872
        45d9eade 800005d4""";
    // RFC 7714 17: AEAD_AES_256_GCM encrypted and tagged SRTCP packet (E||index 800005d4)
    private static final String SRTCP_256 = """
        81c8000d 4d617273 d50ae4d1 f5ce5d30
        4ba297e4 7d470c28 2c3ece5d bffe0a50
        a2eaa5c1 110555be 8415f658 c61de047
        6f1b6fad 1d1eb30c 4446839f 57ff6f6c
        b26ac3be 800005d4""";
    // RFC 7714 17: AEAD_AES_128_GCM tagged-only SRTCP packet (E=0, E||index 000005d4)
    private static final String SRTCP_128_E0 = """
        81c8000d 4d617273 4e545031 4e545032
        52545020 0000042a 0000e930 4c756e61
        deadbeef deadbeef deadbeef deadbeef
        deadbeef 841dd968 3dd78ec9 2ae58790
        125f62b3 000005d4""";
    // RFC 7714 17: AEAD_AES_256_GCM tagged-only SRTCP packet (E=0, E||index 000005d4)
    private static final String SRTCP_256_E0 = """
        81c8000d 4d617273 4e545031 4e545032
        52545020 0000042a 0000e930 4c756e61
        deadbeef deadbeef deadbeef deadbeef
        deadbeef 91db4afb feee5a97 8fab4393
        ed2615fe 000005d4""";

    private static byte[] hex(final String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
    }

    /** The RFC's session key and salt for both SRTP and SRTCP; no MKI, no auth keys (GCM). */
    private static SrtpCrypto crypto(final SrtpSuite suite, final String key) {
        final SdesKey k = new SdesKey(suite, new byte[suite.keyLength], new byte[suite.saltLength], -1, 0, 1L << 48);
        return new SrtpCrypto(k, hex(key), hex(SALT), null, hex(key), hex(SALT), null);
    }

    /** The result of rtp for {@code packet} placed at offset 7 of a larger buffer, with the RFC's SSRC, sequence number and ROC 0. */
    private static int rtp(final SrtpCrypto c, final byte[] packet, final byte[] out) {
        final byte[] buffer = new byte[packet.length + 13];
        System.arraycopy(packet, 0, buffer, 7, packet.length);
        return c.rtp(buffer, 7, packet.length, 12, RTP_SSRC, RTP_SEQ, 0, out);
    }

    /** The result of rtcp for {@code packet} placed at offset 3 of a larger buffer. */
    private static int rtcp(final SrtpCrypto c, final byte[] packet, final byte[] out) {
        final byte[] buffer = new byte[packet.length + 9];
        System.arraycopy(packet, 0, buffer, 3, packet.length);
        return c.rtcp(buffer, 3, packet.length, out);
    }

    private static byte[] openRtp(final SrtpCrypto c, final String srtp) {
        final byte[] out = new byte[128];
        final int n = rtp(c, hex(srtp), out);
        assertThat(n).as("SrtpCrypto.rtp result").isNotNegative();
        return Arrays.copyOf(out, n);
    }

    private static byte[] openRtcp(final SrtpCrypto c, final String srtcp) {
        final byte[] out = new byte[128];
        final int n = rtcp(c, hex(srtcp), out);
        assertThat(n).as("SrtpCrypto.rtcp result").isNotNegative();
        return Arrays.copyOf(out, n);
    }

    private static byte[] flipBit(final byte[] packet, final int at) {
        final byte[] b = packet.clone();
        b[at] ^= 1;
        return b;
    }

    // ---- RFC 7714 section 16: SRTP ----

    @Test
    void srtpAeadAes128Gcm() {
        // RFC 7714 16.1.1 (encryption) / 16.1.2 (verification and decryption)
        final SrtpCrypto c = crypto(SrtpSuite.AEAD_AES_128_GCM, KEY_128);
        assertThat(openRtp(c, SRTP_128)).isEqualTo(hex(RTP_CLEAR));
        final byte[] srtp = hex(SRTP_128);
        assertThat(rtp(c, flipBit(srtp, srtp.length - 1), new byte[128])).as("tag bit").isEqualTo(-1);
        assertThat(rtp(c, flipBit(srtp, 5), new byte[128])).as("header bit (AAD)").isEqualTo(-1);
        assertThat(rtp(c, flipBit(srtp, 20), new byte[128])).as("ciphertext bit").isEqualTo(-1);
        // the same packet under another ROC or sequence number has another IV
        assertThat(c.rtp(srtp, 0, srtp.length, 12, RTP_SSRC, RTP_SEQ, 1, new byte[128])).as("ROC 1").isEqualTo(-1);
        assertThat(c.rtp(srtp, 0, srtp.length, 12, RTP_SSRC, RTP_SEQ + 1, 0, new byte[128])).as("seq + 1").isEqualTo(-1);
        // and it still opens afterwards (nothing of the failures is left behind)
        assertThat(openRtp(c, SRTP_128)).isEqualTo(hex(RTP_CLEAR));
    }

    @Test
    void srtpAeadAes256Gcm() {
        // RFC 7714 16.2.1 (encryption) / 16.2.2 (verification and decryption)
        final SrtpCrypto c = crypto(SrtpSuite.AEAD_AES_256_GCM, KEY_256);
        assertThat(openRtp(c, SRTP_256)).isEqualTo(hex(RTP_CLEAR));
        final byte[] srtp = hex(SRTP_256);
        assertThat(rtp(c, flipBit(srtp, srtp.length - 1), new byte[128])).as("tag bit").isEqualTo(-1);
        assertThat(rtp(c, flipBit(srtp, 5), new byte[128])).as("header bit (AAD)").isEqualTo(-1);
        // the 128-bit key does not open the 256-bit packet
        assertThat(rtp(crypto(SrtpSuite.AEAD_AES_128_GCM, KEY_128), srtp, new byte[128])).isEqualTo(-1);
    }

    // ---- RFC 7714 section 17: SRTCP ----

    @Test
    void srtcpAeadAes128GcmEncrypted() {
        final SrtpCrypto c = crypto(SrtpSuite.AEAD_AES_128_GCM, KEY_128);
        assertThat(openRtcp(c, SRTCP_128)).isEqualTo(hex(RTCP_CLEAR));
        final byte[] srtcp = hex(SRTCP_128);
        // the tag precedes E||index: its last octet is at length - 5
        assertThat(rtcp(c, flipBit(srtcp, srtcp.length - 5), new byte[128])).as("tag bit").isEqualTo(-1);
        assertThat(rtcp(c, flipBit(srtcp, srtcp.length - 1), new byte[128])).as("index bit (AAD and IV)").isEqualTo(-1);
        assertThat(rtcp(c, flipBit(srtcp, 1), new byte[128])).as("header bit (AAD)").isEqualTo(-1);
        final byte[] noE = srtcp.clone();
        noE[noE.length - 4] &= 0x7F;
        assertThat(rtcp(c, noE, new byte[128])).as("E cleared").isEqualTo(-1);
    }

    @Test
    void srtcpAeadAes256GcmEncrypted() {
        final SrtpCrypto c = crypto(SrtpSuite.AEAD_AES_256_GCM, KEY_256);
        assertThat(openRtcp(c, SRTCP_256)).isEqualTo(hex(RTCP_CLEAR));
        final byte[] srtcp = hex(SRTCP_256);
        assertThat(rtcp(c, flipBit(srtcp, srtcp.length - 5), new byte[128])).as("tag bit").isEqualTo(-1);
        assertThat(rtcp(c, flipBit(srtcp, srtcp.length - 1), new byte[128])).as("index bit").isEqualTo(-1);
    }

    @Test
    void srtcpAeadAes128GcmAuthenticatedOnly() {
        final SrtpCrypto c = crypto(SrtpSuite.AEAD_AES_128_GCM, KEY_128);
        assertThat(openRtcp(c, SRTCP_128_E0)).isEqualTo(hex(RTCP_CLEAR));
        final byte[] srtcp = hex(SRTCP_128_E0);
        assertThat(rtcp(c, flipBit(srtcp, srtcp.length - 5), new byte[128])).as("tag bit").isEqualTo(-1);
        assertThat(rtcp(c, flipBit(srtcp, 20), new byte[128])).as("clear payload bit (AAD)").isEqualTo(-1);
        assertThat(rtcp(c, flipBit(srtcp, srtcp.length - 1), new byte[128])).as("index bit").isEqualTo(-1);
        final byte[] withE = srtcp.clone();
        withE[withE.length - 4] |= (byte) 0x80;
        assertThat(rtcp(c, withE, new byte[128])).as("E set").isEqualTo(-1);
    }

    @Test
    void srtcpAeadAes256GcmAuthenticatedOnly() {
        final SrtpCrypto c = crypto(SrtpSuite.AEAD_AES_256_GCM, KEY_256);
        assertThat(openRtcp(c, SRTCP_256_E0)).isEqualTo(hex(RTCP_CLEAR));
        final byte[] srtcp = hex(SRTCP_256_E0);
        assertThat(rtcp(c, flipBit(srtcp, srtcp.length - 5), new byte[128])).as("tag bit").isEqualTo(-1);
        assertThat(rtcp(c, flipBit(srtcp, 20), new byte[128])).as("clear payload bit (AAD)").isEqualTo(-1);
    }

    @Test
    void theVectorsHaveTheRfcsLengths() {
        // 50-octet RTP packet, 16-octet tag; 52-octet RTCP packet, 16-octet tag, 4-octet E||index
        assertThat(hex(RTP_CLEAR)).hasSize(50);
        assertThat(hex(SRTP_128)).hasSize(66);
        assertThat(hex(SRTP_256)).hasSize(66);
        assertThat(hex(RTCP_CLEAR)).hasSize(52);
        assertThat(hex(SRTCP_128)).hasSize(72);
        assertThat(hex(SRTCP_256)).hasSize(72);
        assertThat(hex(SRTCP_128_E0)).hasSize(72);
        assertThat(hex(SRTCP_256_E0)).hasSize(72);
    }
}
