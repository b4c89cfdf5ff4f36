package dev.callscope.dissect.webrtc;

/** Names of DTLS code points (IANA TLS registries; RFC 5764 SRTP profiles). */
public final class DtlsNames {
    private DtlsNames() {
    }

    /** "DTLS 1.0", "DTLS 1.2", "DTLS 1.3", or "0x%04x". */
    public static String version(final int v) {
        return switch (v) {
            case 0xFEFF -> "DTLS 1.0";
            case 0xFEFD -> "DTLS 1.2";
            case 0xFEFC -> "DTLS 1.3";
            case 0x0100 -> "DTLS 1.0 (OpenSSL pre-RFC)";
            default -> String.format("0x%04x", v);
        };
    }

    public static String handshake(final int t) {
        return switch (t) {
            case -1 -> "EncryptedHandshake";
            case 0 -> "HelloRequest";
            case 1 -> "ClientHello";
            case 2 -> "ServerHello";
            case 3 -> "HelloVerifyRequest";
            case 4 -> "NewSessionTicket";
            case 5 -> "EndOfEarlyData";
            case 6 -> "HelloRetryRequest";
            case 8 -> "EncryptedExtensions";
            case 11 -> "Certificate";
            case 12 -> "ServerKeyExchange";
            case 13 -> "CertificateRequest";
            case 14 -> "ServerHelloDone";
            case 15 -> "CertificateVerify";
            case 16 -> "ClientKeyExchange";
            case 20 -> "Finished";
            case 24 -> "KeyUpdate";
            default -> "handshake" + t;
        };
    }

    public static String srtpProfile(final int p) {
        return switch (p) {
            case 0x0001 -> "SRTP_AES128_CM_HMAC_SHA1_80";
            case 0x0002 -> "SRTP_AES128_CM_HMAC_SHA1_32";
            case 0x0005 -> "SRTP_NULL_HMAC_SHA1_80";
            case 0x0006 -> "SRTP_NULL_HMAC_SHA1_32";
            case 0x0007 -> "SRTP_AEAD_AES_128_GCM";
            case 0x0008 -> "SRTP_AEAD_AES_256_GCM";
            default -> String.format("0x%04x", p);
        };
    }

    public static String cipherSuite(final int c) {
        return switch (c) {
            case 0x1301 -> "TLS_AES_128_GCM_SHA256";
            case 0x1302 -> "TLS_AES_256_GCM_SHA384";
            case 0x1303 -> "TLS_CHACHA20_POLY1305_SHA256";
            case 0xC02B -> "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
            case 0xC02C -> "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384";
            case 0xC02F -> "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
            case 0xC030 -> "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384";
            case 0xC009 -> "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA";
            case 0xC00A -> "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA";
            case 0xC013 -> "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA";
            case 0xC014 -> "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA";
            case 0xCCA8 -> "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256";
            case 0xCCA9 -> "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256";
            case 0x002F -> "TLS_RSA_WITH_AES_128_CBC_SHA";
            case 0x0035 -> "TLS_RSA_WITH_AES_256_CBC_SHA";
            case 0x009C -> "TLS_RSA_WITH_AES_128_GCM_SHA256";
            case 0x00FF -> "TLS_EMPTY_RENEGOTIATION_INFO_SCSV";
            default -> String.format("0x%04x", c);
        };
    }

    public static String alert(final int d) {
        return switch (d) {
            case 0 -> "close_notify";
            case 10 -> "unexpected_message";
            case 20 -> "bad_record_mac";
            case 40 -> "handshake_failure";
            case 42 -> "bad_certificate";
            case 43 -> "unsupported_certificate";
            case 44 -> "certificate_revoked";
            case 45 -> "certificate_expired";
            case 46 -> "certificate_unknown";
            case 47 -> "illegal_parameter";
            case 48 -> "unknown_ca";
            case 50 -> "decode_error";
            case 51 -> "decrypt_error";
            case 70 -> "protocol_version";
            case 71 -> "insufficient_security";
            case 80 -> "internal_error";
            case 90 -> "user_canceled";
            case 109 -> "missing_extension";
            case 110 -> "unsupported_extension";
            default -> "alert" + d;
        };
    }

    public static String group(final int g) {
        return switch (g) {
            case 23 -> "secp256r1";
            case 24 -> "secp384r1";
            case 25 -> "secp521r1";
            case 29 -> "x25519";
            case 30 -> "x448";
            case 0x11EC -> "X25519MLKEM768";
            default -> String.format("0x%04x", g);
        };
    }
}
