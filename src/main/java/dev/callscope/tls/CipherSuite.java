package dev.callscope.tls;

/**
 * The TLS cipher suites callscope decrypts: the record protection (cipher, key and IV lengths,
 * MAC) and the hash of the key schedule (the TLS 1.2 PRF or the TLS 1.3 HKDF). Suites of TLS 1.0/1.1
 * key schedules, CCM, 3DES, RC4 and the export suites are not here: a connection using one stays
 * encrypted and is counted as unsupported.
 *
 * @param id the IANA code point
 * @param name the IANA name
 * @param tls13 a TLS 1.3 suite (key schedule by HKDF, nonce from the IV and the sequence number)
 * @param cipher record protection
 * @param keyLength bytes of the write key
 * @param ivLength bytes of the write IV from the key block or key schedule (GCM in TLS 1.2: the 4-byte salt)
 * @param macAlgorithm the JCA HMAC of a CBC suite, or null for AEAD
 * @param macLength bytes of that MAC (and of its key)
 * @param hash the JCA HMAC of the key schedule ("HmacSHA256" or "HmacSHA384")
 */
public record CipherSuite(int id, String name, boolean tls13, Cipher cipher, int keyLength, int ivLength,
                          String macAlgorithm, int macLength, String hash) {
    /** How records are protected. */
    public enum Cipher {
        AES_GCM,
        CHACHA20_POLY1305,
        AES_CBC
    }

    private static final String SHA256 = "HmacSHA256";
    private static final String SHA384 = "HmacSHA384";

    /** The suite with code point {@code id}, or null when it is not one callscope decrypts. */
    public static CipherSuite of(final int id) {
        return switch (id) {
            case 0x1301 -> new CipherSuite(id, "TLS_AES_128_GCM_SHA256", true, Cipher.AES_GCM, 16, 12, null, 0, SHA256);
            case 0x1302 -> new CipherSuite(id, "TLS_AES_256_GCM_SHA384", true, Cipher.AES_GCM, 32, 12, null, 0, SHA384);
            case 0x1303 -> new CipherSuite(id, "TLS_CHACHA20_POLY1305_SHA256", true, Cipher.CHACHA20_POLY1305, 32, 12, null, 0, SHA256);
            case 0x009C -> gcm(id, "TLS_RSA_WITH_AES_128_GCM_SHA256", 16, SHA256);
            case 0x009D -> gcm(id, "TLS_RSA_WITH_AES_256_GCM_SHA384", 32, SHA384);
            case 0x009E -> gcm(id, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", 16, SHA256);
            case 0x009F -> gcm(id, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", 32, SHA384);
            case 0xC02B -> gcm(id, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 16, SHA256);
            case 0xC02C -> gcm(id, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", 32, SHA384);
            case 0xC02F -> gcm(id, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 16, SHA256);
            case 0xC030 -> gcm(id, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 32, SHA384);
            case 0xCCA8 -> chacha(id, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
            case 0xCCA9 -> chacha(id, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
            case 0xCCAA -> chacha(id, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
            case 0x002F -> cbc(id, "TLS_RSA_WITH_AES_128_CBC_SHA", 16, "HmacSHA1", 20, SHA256);
            case 0x0035 -> cbc(id, "TLS_RSA_WITH_AES_256_CBC_SHA", 32, "HmacSHA1", 20, SHA256);
            case 0x0033 -> cbc(id, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", 16, "HmacSHA1", 20, SHA256);
            case 0x0039 -> cbc(id, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", 32, "HmacSHA1", 20, SHA256);
            case 0xC009 -> cbc(id, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", 16, "HmacSHA1", 20, SHA256);
            case 0xC00A -> cbc(id, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", 32, "HmacSHA1", 20, SHA256);
            case 0xC013 -> cbc(id, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", 16, "HmacSHA1", 20, SHA256);
            case 0xC014 -> cbc(id, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", 32, "HmacSHA1", 20, SHA256);
            case 0x003C -> cbc(id, "TLS_RSA_WITH_AES_128_CBC_SHA256", 16, SHA256, 32, SHA256);
            case 0x003D -> cbc(id, "TLS_RSA_WITH_AES_256_CBC_SHA256", 32, SHA256, 32, SHA256);
            case 0x0067 -> cbc(id, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", 16, SHA256, 32, SHA256);
            case 0x006B -> cbc(id, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", 32, SHA256, 32, SHA256);
            case 0xC023 -> cbc(id, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", 16, SHA256, 32, SHA256);
            case 0xC024 -> cbc(id, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", 32, SHA384, 48, SHA384);
            case 0xC027 -> cbc(id, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", 16, SHA256, 32, SHA256);
            case 0xC028 -> cbc(id, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", 32, SHA384, 48, SHA384);
            default -> null;
        };
    }

    private static CipherSuite gcm(final int id, final String name, final int keyLength, final String hash) {
        return new CipherSuite(id, name, false, Cipher.AES_GCM, keyLength, 4, null, 0, hash);
    }

    private static CipherSuite chacha(final int id, final String name) {
        return new CipherSuite(id, name, false, Cipher.CHACHA20_POLY1305, 32, 12, null, 0, SHA256);
    }

    private static CipherSuite cbc(final int id, final String name, final int keyLength, final String mac,
                                   final int macLength, final String hash) {
        return new CipherSuite(id, name, false, Cipher.AES_CBC, keyLength, 16, mac, macLength, hash);
    }

    /** Bytes of the key schedule's hash (32 for SHA-256, 48 for SHA-384). */
    public int hashLength() {
        return SHA384.equals(hash) ? 48 : 32;
    }
}
