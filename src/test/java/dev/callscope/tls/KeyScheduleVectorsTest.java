package dev.callscope.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The key schedules and the TLS 1.3 record protection against published vectors, every expected
 * value copied from its document (none computed here):
 * <ul>
 *   <li>RFC 8448 section 3, "Simple 1-RTT Handshake" (TLS_AES_128_GCM_SHA256): traffic secrets,
 *       write keys and IVs, and the protected records of both sides;</li>
 *   <li>RFC 5869 appendix A, test cases 1 to 3 (HKDF-Expand with SHA-256, from the given PRK);</li>
 *   <li>the TLS 1.2 PRF vectors posted to the IETF TLS list
 *       (https://www.ietf.org/mail-archive/web/tls/current/msg03416.html), as BearSSL's
 *       test/test_crypto.c and GnuTLS's tests carry them.</li>
 * </ul>
 * The RFC texts were read from the rfc-editor.org plain-text copies (RFC 8448 and RFC 5869 as kept
 * under compliance/specs/www.rfc-editor.org/rfc/ in aws/s2n-tls). The hex keeps the RFC's own line
 * breaks: each constant is the field named in its comment, under the step ("{server} ...") that
 * shows it.
 */
class KeyScheduleVectorsTest {
    private static final CipherSuite AES_128_GCM_SHA256 = CipherSuite.of(0x1301);
    private static final String SHA256 = "HmacSHA256";
    private static final int HANDSHAKE = 22;
    private static final int APPLICATION_DATA = 23;
    private static final int ALERT = 21;

    // RFC 8448 section 3, {server} extract secret "handshake" -> secret (32 octets)
    private static final String HANDSHAKE_SECRET = """
        1d c8 26 e9 36 06 aa 6f dc 0a ad c1 2f 74 1b
        01 04 6a a6 b9 9f 69 1e d2 21 a9 f0 ca 04 3f be ac""";
    // RFC 8448 section 3, {server} derive secret "tls13 c hs traffic" -> hash (32 octets)
    private static final String HELLO_HASH = """
        86 0c 06 ed c0 78 58 ee 8e 78 f0 e7 42 8c 58 ed
        d6 b4 3f 2c a3 e6 e9 5f 02 ed 06 3c f0 e1 ca d8""";
    // RFC 8448 section 3, {server} derive secret "tls13 c hs traffic" -> expanded (32 octets)
    private static final String C_HS_TRAFFIC = """
        b3 ed db 12 6e 06 7f 35 a7 80 b3 ab f4 5e
        2d 8f 3b 1a 95 07 38 f5 2e 96 00 74 6a 0e 27 a5 5a 21""";
    // RFC 8448 section 3, {server} derive secret "tls13 s hs traffic" -> expanded (32 octets)
    private static final String S_HS_TRAFFIC = """
        b6 7b 7d 69 0c c1 6c 4e 75 e5 42 13 cb 2d
        37 b4 e9 c9 12 bc de d9 10 5d 42 be fd 59 d3 91 ad 38""";
    // RFC 8448 section 3, {server} derive secret for master "tls13 derived" -> hash (32 octets)
    private static final String EMPTY_HASH = """
        e3 b0 c4 42 98 fc 1c 14 9a fb f4 c8 99 6f b9 24
        27 ae 41 e4 64 9b 93 4c a4 95 99 1b 78 52 b8 55""";
    // RFC 8448 section 3, {server} derive secret for master "tls13 derived" -> expanded (32 octets)
    private static final String DERIVED_FOR_MASTER = """
        43 de 77 e0 c7 77 13 85 9a 94 4d b9 db 25
        90 b5 31 90 a6 5b 3e e2 e4 f1 2d d7 a0 bb 7c e2 54 b4""";
    // RFC 8448 section 3, {server} extract secret "master" -> secret (32 octets)
    private static final String MASTER_SECRET = """
        18 df 06 84 3d 13 a0 8b f2 a4 49 84 4c 5f 8a
        47 80 01 bc 4d 4c 62 79 84 d5 a4 1d a8 d0 40 29 19""";
    // RFC 8448 section 3, {server} derive write traffic keys for handshake data -> key info (13 octets)
    private static final String S_HS_KEY_INFO = "00 10 09 74 6c 73 31 33 20 6b 65 79 00";
    // RFC 8448 section 3, {server} derive write traffic keys for handshake data -> key expanded (16 octets)
    private static final String S_HS_KEY = """
        3f ce 51 60 09 c2 17 27 d0 f2 e4 e8 6e
        e4 03 bc""";
    // RFC 8448 section 3, {server} derive write traffic keys for handshake data -> iv info (12 octets)
    private static final String S_HS_IV_INFO = "00 0c 08 74 6c 73 31 33 20 69 76 00";
    // RFC 8448 section 3, {server} derive write traffic keys for handshake data -> iv expanded (12 octets)
    private static final String S_HS_IV = "5d 31 3e b2 67 12 76 ee 13 00 0b 30";
    // RFC 8448 section 3, {server} construct an EncryptedExtensions handshake message -> EncryptedExtensions (40 octets)
    private static final String ENCRYPTED_EXTENSIONS = """
        08 00 00 24 00 22 00 0a 00 14 00
        12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 1c
        00 02 40 01 00 00 00 00""";
    // RFC 8448 section 3, {server} calculate finished "tls13 finished" -> expanded (32 octets)
    private static final String S_FINISHED_KEY = """
        00 8d 3b 66 f8 16 ea 55 9f 96 b5 37 e8 85
        c3 1f c0 68 bf 49 2c 65 2f 01 f2 88 a1 d8 cd c1 9f c8""";
    // RFC 8448 section 3, {server} construct a Finished handshake message -> Finished (36 octets)
    private static final String S_FINISHED = """
        14 00 00 20 9b 9b 14 1d 90 63 37 fb d2 cb
        dc e7 1d f4 de da 4a b4 2c 30 95 72 cb 7f ff ee 54 54 b7 8f 07
        18""";
    // RFC 8448 section 3, {server} send handshake record -> payload (657 octets)
    private static final String S_FLIGHT_PAYLOAD = """
        08 00 00 24 00 22 00 0a 00 14 00 12 00 1d
        00 17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 1c 00 02 40
        01 00 00 00 00 0b 00 01 b9 00 00 01 b5 00 01 b0 30 82 01 ac 30
        82 01 15 a0 03 02 01 02 02 01 02 30 0d 06 09 2a 86 48 86 f7 0d
        01 01 0b 05 00 30 0e 31 0c 30 0a 06 03 55 04 03 13 03 72 73 61
        30 1e 17 0d 31 36 30 37 33 30 30 31 32 33 35 39 5a 17 0d 32 36
        30 37 33 30 30 31 32 33 35 39 5a 30 0e 31 0c 30 0a 06 03 55 04
        03 13 03 72 73 61 30 81 9f 30 0d 06 09 2a 86 48 86 f7 0d 01 01
        01 05 00 03 81 8d 00 30 81 89 02 81 81 00 b4 bb 49 8f 82 79 30
        3d 98 08 36 39 9b 36 c6 98 8c 0c 68 de 55 e1 bd b8 26 d3 90 1a
        24 61 ea fd 2d e4 9a 91 d0 15 ab bc 9a 95 13 7a ce 6c 1a f1 9e
        aa 6a f9 8c 7c ed 43 12 09 98 e1 87 a8 0e e0 cc b0 52 4b 1b 01
        8c 3e 0b 63 26 4d 44 9a 6d 38 e2 2a 5f da 43 08 46 74 80 30 53
        0e f0 46 1c 8c a9 d9 ef bf ae 8e a6 d1 d0 3e 2b d1 93 ef f0 ab
        9a 80 02 c4 74 28 a6 d3 5a 8d 88 d7 9f 7f 1e 3f 02 03 01 00 01
        a3 1a 30 18 30 09 06 03 55 1d 13 04 02 30 00 30 0b 06 03 55 1d
        0f 04 04 03 02 05 a0 30 0d 06 09 2a 86 48 86 f7 0d 01 01 0b 05
        00 03 81 81 00 85 aa d2 a0 e5 b9 27 6b 90 8c 65 f7 3a 72 67 17
        06 18 a5 4c 5f 8a 7b 33 7d 2d f7 a5 94 36 54 17 f2 ea e8 f8 a5
        8c 8f 81 72 f9 31 9c f3 6b 7f d6 c5 5b 80 f2 1a 03 01 51 56 72
        60 96 fd 33 5e 5e 67 f2 db f1 02 70 2e 60 8c ca e6 be c1 fc 63
        a4 2a 99 be 5c 3e b7 10 7c 3c 54 e9 b9 eb 2b d5 20 3b 1c 3b 84
        e0 a8 b2 f7 59 40 9b a3 ea c9 d9 1d 40 2d cc 0c c8 f8 96 12 29
        ac 91 87 b4 2b 4d e1 00 00 0f 00 00 84 08 04 00 80 5a 74 7c 5d
        88 fa 9b d2 e5 5a b0 85 a6 10 15 b7 21 1f 82 4c d4 84 14 5a b3
        ff 52 f1 fd a8 47 7b 0b 7a bc 90 db 78 e2 d3 3a 5c 14 1a 07 86
        53 fa 6b ef 78 0c 5e a2 48 ee aa a7 85 c4 f3 94 ca b6 d3 0b be
        8d 48 59 ee 51 1f 60 29 57 b1 54 11 ac 02 76 71 45 9e 46 44 5c
        9e a5 8c 18 1e 81 8e 95 b8 c3 fb 0b f3 27 84 09 d3 be 15 2a 3d
        a5 04 3e 06 3d da 65 cd f5 ae a2 0d 53 df ac d4 2f 74 f3 14 00
        00 20 9b 9b 14 1d 90 63 37 fb d2 cb dc e7 1d f4 de da 4a b4 2c
        30 95 72 cb 7f ff ee 54 54 b7 8f 07 18""";
    // RFC 8448 section 3, {server} send handshake record -> complete record (679 octets)
    private static final String S_FLIGHT_RECORD = """
        17 03 03 02 a2 d1 ff 33 4a 56 f5 bf
        f6 59 4a 07 cc 87 b5 80 23 3f 50 0f 45 e4 89 e7 f3 3a f3 5e df
        78 69 fc f4 0a a4 0a a2 b8 ea 73 f8 48 a7 ca 07 61 2e f9 f9 45
        cb 96 0b 40 68 90 51 23 ea 78 b1 11 b4 29 ba 91 91 cd 05 d2 a3
        89 28 0f 52 61 34 aa dc 7f c7 8c 4b 72 9d f8 28 b5 ec f7 b1 3b
        d9 ae fb 0e 57 f2 71 58 5b 8e a9 bb 35 5c 7c 79 02 07 16 cf b9
        b1 18 3e f3 ab 20 e3 7d 57 a6 b9 d7 47 76 09 ae e6 e1 22 a4 cf
        51 42 73 25 25 0c 7d 0e 50 92 89 44 4c 9b 3a 64 8f 1d 71 03 5d
        2e d6 5b 0e 3c dd 0c ba e8 bf 2d 0b 22 78 12 cb b3 60 98 72 55
        cc 74 41 10 c4 53 ba a4 fc d6 10 92 8d 80 98 10 e4 b7 ed 1a 8f
        d9 91 f0 6a a6 24 82 04 79 7e 36 a6 a7 3b 70 a2 55 9c 09 ea d6
        86 94 5b a2 46 ab 66 e5 ed d8 04 4b 4c 6d e3 fc f2 a8 94 41 ac
        66 27 2f d8 fb 33 0e f8 19 05 79 b3 68 45 96 c9 60 bd 59 6e ea
        52 0a 56 a8 d6 50 f5 63 aa d2 74 09 96 0d ca 63 d3 e6 88 61 1e
        a5 e2 2f 44 15 cf 95 38 d5 1a 20 0c 27 03 42 72 96 8a 26 4e d6
        54 0c 84 83 8d 89 f7 2c 24 46 1a ad 6d 26 f5 9e ca ba 9a cb bb
        31 7b 66 d9 02 f4 f2 92 a3 6a c1 b6 39 c6 37 ce 34 31 17 b6 59
        62 22 45 31 7b 49 ee da 0c 62 58 f1 00 d7 d9 61 ff b1 38 64 7e
        92 ea 33 0f ae ea 6d fa 31 c7 a8 4d c3 bd 7e 1b 7a 6c 71 78 af
        36 87 90 18 e3 f2 52 10 7f 24 3d 24 3d c7 33 9d 56 84 c8 b0 37
        8b f3 02 44 da 8c 87 c8 43 f5 e5 6e b4 c5 e8 28 0a 2b 48 05 2c
        f9 3b 16 49 9a 66 db 7c ca 71 e4 59 94 26 f7 d4 61 e6 6f 99 88
        2b d8 9f c5 08 00 be cc a6 2d 6c 74 11 6d bd 29 72 fd a1 fa 80
        f8 5d f8 81 ed be 5a 37 66 89 36 b3 35 58 3b 59 91 86 dc 5c 69
        18 a3 96 fa 48 a1 81 d6 b6 fa 4f 9d 62 d5 13 af bb 99 2f 2b 99
        2f 67 f8 af e6 7f 76 91 3f a3 88 cb 56 30 c8 ca 01 e0 c6 5d 11
        c6 6a 1e 2a c4 c8 59 77 b7 c7 a6 99 9b bf 10 dc 35 ae 69 f5 51
        56 14 63 6c 0b 9b 68 c1 9e d2 e3 1c 0b 3b 66 76 30 38 eb ba 42
        f3 b3 8e dc 03 99 f3 a9 f2 3f aa 63 97 8c 31 7f c9 fa 66 a7 3f
        60 f0 50 4d e9 3b 5b 84 5e 27 55 92 c1 23 35 ee 34 0b bc 4f dd
        d5 02 78 40 16 e4 b3 be 7e f0 4d da 49 f4 b4 40 a3 0c b5 d2 af
        93 98 28 fd 4a e3 79 4e 44 f9 4d f5 a6 31 ed e4 2c 17 19 bf da
        bf 02 53 fe 51 75 be 89 8e 75 0e dc 53 37 0d 2b""";
    // RFC 8448 section 3, {server} derive secret "tls13 c ap traffic" -> hash (32 octets)
    private static final String FINISHED_HASH = """
        96 08 10 2a 0f 1c cc 6d b6 25 0b 7b 7e 41 7b 1a
        00 0e aa da 3d aa e4 77 7a 76 86 c9 ff 83 df 13""";
    // RFC 8448 section 3, {server} derive secret "tls13 c ap traffic" -> expanded (32 octets)
    private static final String C_AP_TRAFFIC = """
        9e 40 64 6c e7 9a 7f 9d c0 5a f8 88 9b ce
        65 52 87 5a fa 0b 06 df 00 87 f7 92 eb b7 c1 75 04 a5""";
    // RFC 8448 section 3, {server} derive secret "tls13 s ap traffic" -> expanded (32 octets)
    private static final String S_AP_TRAFFIC = """
        a1 1a f9 f0 55 31 f8 56 ad 47 11 6b 45 a9
        50 32 82 04 b4 f4 4b fb 6b 3a 4b 4f 1f 3f cb 63 16 43""";
    // RFC 8448 section 3, {server} derive write traffic keys for application data -> key expanded (16 octets)
    private static final String S_AP_KEY = """
        9f 02 28 3b 6c 9c 07 ef c2 6b b9 f2 ac
        92 e3 56""";
    // RFC 8448 section 3, {server} derive write traffic keys for application data -> iv expanded (12 octets)
    private static final String S_AP_IV = "cf 78 2b 88 dd 83 54 9a ad f1 e9 84";
    // RFC 8448 section 3, {server} derive read traffic keys for handshake data -> key expanded (16 octets)
    private static final String C_HS_KEY = """
        db fa a6 93 d1 76 2c 5b 66 6a f5 d9 50
        25 8d 01""";
    // RFC 8448 section 3, {server} derive read traffic keys for handshake data -> iv expanded (12 octets)
    private static final String C_HS_IV = "5b d3 c7 1b 83 6e 0b 76 bb 73 26 5f";
    // RFC 8448 section 3, {client} send handshake record -> payload (36 octets)
    private static final String C_FINISHED_PAYLOAD = """
        14 00 00 20 a8 ec 43 6d 67 76 34 ae 52 5a c1
        fc eb e1 1a 03 9e c1 76 94 fa c6 e9 85 27 b6 42 f2 ed d5 ce 61""";
    // RFC 8448 section 3, {client} send handshake record -> complete record (58 octets)
    private static final String C_FINISHED_RECORD = """
        17 03 03 00 35 75 ec 4d c2 38 cc e6
        0b 29 80 44 a7 1e 21 9c 56 cc 77 b0 51 7f e9 b9 3c 7a 4b fc 44
        d8 7f 38 f8 03 38 ac 98 fc 46 de b3 84 bd 1c ae ac ab 68 67 d7
        26 c4 05 46""";
    // RFC 8448 section 3, {client} derive write traffic keys for application data -> key expanded (16 octets)
    private static final String C_AP_KEY = """
        17 42 2d da 59 6e d5 d9 ac d8 90 e3 c6
        3f 50 51""";
    // RFC 8448 section 3, {client} derive write traffic keys for application data -> iv expanded (12 octets)
    private static final String C_AP_IV = "5b 78 92 3d ee 08 57 90 33 e5 23 d9";
    // RFC 8448 section 3, {server} send handshake record -> payload (205 octets)
    private static final String NST_PAYLOAD = """
        04 00 00 c9 00 00 00 1e fa d6 aa c5 02 00
        00 00 b2 2c 03 5d 82 93 59 ee 5f f7 af 4e c9 00 00 00 00 26 2a
        64 94 dc 48 6d 2c 8a 34 cb 33 fa 90 bf 1b 00 70 ad 3c 49 88 83
        c9 36 7c 09 a2 be 78 5a bc 55 cd 22 60 97 a3 a9 82 11 72 83 f8
        2a 03 a1 43 ef d3 ff 5d d3 6d 64 e8 61 be 7f d6 1d 28 27 db 27
        9c ce 14 50 77 d4 54 a3 66 4d 4e 6d a4 d2 9e e0 37 25 a6 a4 da
        fc d0 fc 67 d2 ae a7 05 29 51 3e 3d a2 67 7f a5 90 6c 5b 3f 7d
        8f 92 f2 28 bd a4 0d da 72 14 70 f9 fb f2 97 b5 ae a6 17 64 6f
        ac 5c 03 27 2e 97 07 27 c6 21 a7 91 41 ef 5f 7d e6 50 5e 5b fb
        c3 88 e9 33 43 69 40 93 93 4a e4 d3 57 00 08 00 2a 00 04 00 00
        04 00""";
    // RFC 8448 section 3, {server} send handshake record -> complete record (227 octets)
    private static final String NST_RECORD = """
        17 03 03 00 de 3a 6b 8f 90 41 4a 97
        d6 95 9c 34 87 68 0d e5 13 4a 2b 24 0e 6c ff ac 11 6e 95 d4 1d
        6a f8 f6 b5 80 dc f3 d1 1d 63 c7 58 db 28 9a 01 59 40 25 2f 55
        71 3e 06 1d c1 3e 07 88 91 a3 8e fb cf 57 53 ad 8e f1 70 ad 3c
        73 53 d1 6d 9d a7 73 b9 ca 7f 2b 9f a1 b6 c0 d4 a3 d0 3f 75 e0
        9c 30 ba 1e 62 97 2a c4 6f 75 f7 b9 81 be 63 43 9b 29 99 ce 13
        06 46 15 13 98 91 d5 e4 c5 b4 06 f1 6e 3f c1 81 a7 7c a4 75 84
        00 25 db 2f 0a 77 f8 1b 5a b0 5b 94 c0 13 46 75 5f 69 23 2c 86
        51 9d 86 cb ee ac 87 aa c3 47 d1 43 f9 60 5d 64 f6 50 db 4d 02
        3e 70 e9 52 ca 49 fe 51 37 12 1c 74 bc 26 97 68 7e 24 87 46 d6
        df 35 30 05 f3 bc e1 86 96 12 9c 81 53 55 6b 3b 6c 67 79 b3 7b
        f1 59 85 68 4f""";
    // RFC 8448 section 3, {client} send application_data record -> payload (50 octets)
    private static final String C_APP_PAYLOAD = """
        00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e
        0f 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20 21 22 23
        24 25 26 27 28 29 2a 2b 2c 2d 2e 2f 30 31""";
    // RFC 8448 section 3, {client} send application_data record -> complete record (72 octets)
    private static final String C_APP_RECORD = """
        17 03 03 00 43 a2 3f 70 54 b6 2c 94
        d0 af fa fe 82 28 ba 55 cb ef ac ea 42 f9 14 aa 66 bc ab 3f 2b
        98 19 a8 a5 b4 6b 39 5b d5 4a 9a 20 44 1e 2b 62 97 4e 1f 5a 62
        92 a2 97 70 14 bd 1e 3d ea e6 3a ee bb 21 69 49 15 e4""";
    // RFC 8448 section 3, {server} send application_data record -> payload (50 octets)
    private static final String S_APP_PAYLOAD = """
        00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e
        0f 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20 21 22 23
        24 25 26 27 28 29 2a 2b 2c 2d 2e 2f 30 31""";
    // RFC 8448 section 3, {server} send application_data record -> complete record (72 octets)
    private static final String S_APP_RECORD = """
        17 03 03 00 43 2e 93 7e 11 ef 4a c7
        40 e5 38 ad 36 00 5f c4 a4 69 32 fc 32 25 d0 5f 82 aa 1b 36 e3
        0e fa f9 7d 90 e6 df fc 60 2d cb 50 1a 59 a8 fc c4 9c 4b f2 e5
        f0 a2 1c 00 47 c2 ab f3 32 54 0d d0 32 e1 67 c2 95 5d""";
    // RFC 8448 section 3, {client} send alert record -> payload (2 octets)
    private static final String C_ALERT_PAYLOAD = "01 00";
    // RFC 8448 section 3, {client} send alert record -> complete record (24 octets)
    private static final String C_ALERT_RECORD = """
        17 03 03 00 13 c9 87 27 60 65 56 66
        b7 4d 7f f1 15 3e fd 6d b6 d0 b0 e3""";
    // RFC 8448 section 3, {server} send alert record -> payload (2 octets)
    private static final String S_ALERT_PAYLOAD = "01 00";
    // RFC 8448 section 3, {server} send alert record -> complete record (24 octets)
    private static final String S_ALERT_RECORD = """
        17 03 03 00 13 b5 8f d6 71 66 eb f5
        99 d2 47 20 cf be 7e fa 7a 88 64 a9""";

    // RFC 5869 appendix A.1, "Test Case 1" (SHA-256): PRK, info, L = 42, OKM
    private static final String RFC5869_A1_PRK = """
        077709362c2e32df0ddc3f0dc47bba63
        90b6c73bb50f9c3122ec844ad7c2b3e5""";
    private static final String RFC5869_A1_INFO = "f0f1f2f3f4f5f6f7f8f9";
    private static final String RFC5869_A1_OKM = """
        3cb25f25faacd57a90434f64d0362f2a
        2d2d0a90cf1a5a4c5db02d56ecc4c5bf
        34007208d5b887185865""";
    // RFC 5869 appendix A.2, "Test Case 2" (SHA-256, longer inputs/outputs): PRK, info, L = 82, OKM
    private static final String RFC5869_A2_PRK = """
        06a6b88c5853361a06104c9ceb35b45c
        ef760014904671014a193f40c15fc244""";
    private static final String RFC5869_A2_INFO = """
        b0b1b2b3b4b5b6b7b8b9babbbcbdbebf
        c0c1c2c3c4c5c6c7c8c9cacbcccdcecf
        d0d1d2d3d4d5d6d7d8d9dadbdcdddedf
        e0e1e2e3e4e5e6e7e8e9eaebecedeeef
        f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff""";
    private static final String RFC5869_A2_OKM = """
        b11e398dc80327a1c8e7f78c596a4934
        4f012eda2d4efad8a050cc4c19afa97c
        59045a99cac7827271cb41c65e590e09
        da3275600c2f09b8367793a9aca3db71
        cc30c58179ec3e87c14c01d5c1f3434f
        1d87""";
    // RFC 5869 appendix A.3, "Test Case 3" (SHA-256, zero-length salt/info): PRK, L = 42, OKM
    private static final String RFC5869_A3_PRK = """
        19ef24a32c717b167f33a91d6f648bdf
        96596776afdb6377ac434c1c293ccb04""";
    private static final String RFC5869_A3_OKM = """
        8da4e775a563c18f715f802a063c5a31
        b8a11f5c5ee1879ec3454e5f3c738d2d
        9d201395faa4b61a96c8""";

    // TLS 1.2 PRF with SHA-256, label "test label", 100 octets: the vector of the IETF TLS list
    // (https://www.ietf.org/mail-archive/web/tls/current/msg03416.html), copied from BearSSL's
    // test/test_crypto.c (do_KAT_PRF(&br_tls12_sha256_prf, ...), mirror earlephilhower/bearssl-esp8266);
    // the same values are in tompetersen/bachelor-thesis Source/jProtocol/src/test/tls/PseudoRandomFunction.java.
    private static final String PRF_SHA256_SECRET = "9bbe436ba940f017b17652849a71db35";
    private static final String PRF_SHA256_SEED = "a0ba9f936cda311827a6f796ffd5198c";
    private static final String PRF_SHA256_OUTPUT =
        "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def"
            + "17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66";
    // TLS 1.2 PRF with SHA-384, label "test label", 148 octets: same message, from BearSSL's
    // test/test_crypto.c (do_KAT_PRF(&br_tls12_sha384_prf, ...)); GnuTLS's PRF test (sha384_test1) cites the same.
    private static final String PRF_SHA384_SECRET = "b80b733d6ceefcdc71566ea48e5567df";
    private static final String PRF_SHA384_SEED = "cd665cf6a8447dd6ff8b27555edb7465";
    private static final String PRF_SHA384_OUTPUT =
        "7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0e534cb400fed"
            + "2700884f9dc236f80edd8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d9184259b5bf8cd4d90fa0d31e2dec4"
            + "79e4f1a26066f2eea9a69236a3e52655c9e9aee691c8f3a26854308d5eaa3be85e0990703d73e56f";

    private static byte[] hex(final String s) {
        final byte[] b = KeyLog.hex(s.replaceAll("\\s+", ""), -1);
        assertThat(b).as("hex %s", s).isNotNull();
        return b;
    }

    /** Opens the one record in {@code record} (5-byte header, then the protected fragment). */
    private static RecordCipher.Result open(final RecordCipher cipher, final byte[] record, final byte[] out) {
        return cipher.open(Arrays.copyOfRange(record, 0, 5), record, 5, record.length - 5, out);
    }

    private static byte[] content(final RecordCipher cipher, final byte[] out) {
        return Arrays.copyOf(out, cipher.length());
    }

    // ---- RFC 8448 section 3: traffic keys and IVs ----

    @Test
    void serverHandshakeWriteKeyAndIv() {
        // "{server} derive write traffic keys for handshake data": PRK = the "tls13 s hs traffic" secret
        assertThat(KeySchedule.trafficKey(AES_128_GCM_SHA256, hex(S_HS_TRAFFIC))).isEqualTo(hex(S_HS_KEY));
        assertThat(KeySchedule.trafficIv(AES_128_GCM_SHA256, hex(S_HS_TRAFFIC))).isEqualTo(hex(S_HS_IV));
    }

    @Test
    void clientHandshakeWriteKeyAndIv() {
        // "{server} derive read traffic keys for handshake data" (the client's write keys): PRK = "tls13 c hs traffic"
        assertThat(KeySchedule.trafficKey(AES_128_GCM_SHA256, hex(C_HS_TRAFFIC))).isEqualTo(hex(C_HS_KEY));
        assertThat(KeySchedule.trafficIv(AES_128_GCM_SHA256, hex(C_HS_TRAFFIC))).isEqualTo(hex(C_HS_IV));
    }

    @Test
    void serverApplicationWriteKeyAndIv() {
        // "{server} derive write traffic keys for application data": PRK = "tls13 s ap traffic"
        assertThat(KeySchedule.trafficKey(AES_128_GCM_SHA256, hex(S_AP_TRAFFIC))).isEqualTo(hex(S_AP_KEY));
        assertThat(KeySchedule.trafficIv(AES_128_GCM_SHA256, hex(S_AP_TRAFFIC))).isEqualTo(hex(S_AP_IV));
    }

    @Test
    void clientApplicationWriteKeyAndIv() {
        // "{client} derive write traffic keys for application data": PRK = "tls13 c ap traffic"
        assertThat(KeySchedule.trafficKey(AES_128_GCM_SHA256, hex(C_AP_TRAFFIC))).isEqualTo(hex(C_AP_KEY));
        assertThat(KeySchedule.trafficIv(AES_128_GCM_SHA256, hex(C_AP_TRAFFIC))).isEqualTo(hex(C_AP_IV));
    }

    @Test
    void hkdfExpandOfTheRfcKeyAndIvInfo() {
        // The RFC also shows the HkdfLabel bytes ("key info", "iv info") that expandLabel builds.
        assertThat(KeySchedule.hkdfExpand(SHA256, hex(S_HS_TRAFFIC), hex(S_HS_KEY_INFO), 16)).isEqualTo(hex(S_HS_KEY));
        assertThat(KeySchedule.hkdfExpand(SHA256, hex(S_HS_TRAFFIC), hex(S_HS_IV_INFO), 12)).isEqualTo(hex(S_HS_IV));
    }

    @Test
    void expandLabelDerivesTheRfcSecrets() {
        assertThat(KeySchedule.expandLabel(SHA256, hex(HANDSHAKE_SECRET), "tls13 ", "c hs traffic", hex(HELLO_HASH), 32))
            .as("tls13 c hs traffic").isEqualTo(hex(C_HS_TRAFFIC));
        assertThat(KeySchedule.expandLabel(SHA256, hex(HANDSHAKE_SECRET), "tls13 ", "s hs traffic", hex(HELLO_HASH), 32))
            .as("tls13 s hs traffic").isEqualTo(hex(S_HS_TRAFFIC));
        assertThat(KeySchedule.expandLabel(SHA256, hex(HANDSHAKE_SECRET), "tls13 ", "derived", hex(EMPTY_HASH), 32))
            .as("tls13 derived").isEqualTo(hex(DERIVED_FOR_MASTER));
        assertThat(KeySchedule.expandLabel(SHA256, hex(MASTER_SECRET), "tls13 ", "c ap traffic", hex(FINISHED_HASH), 32))
            .as("tls13 c ap traffic").isEqualTo(hex(C_AP_TRAFFIC));
        assertThat(KeySchedule.expandLabel(SHA256, hex(MASTER_SECRET), "tls13 ", "s ap traffic", hex(FINISHED_HASH), 32))
            .as("tls13 s ap traffic").isEqualTo(hex(S_AP_TRAFFIC));
        assertThat(KeySchedule.expandLabel(SHA256, hex(S_HS_TRAFFIC), "tls13 ", "finished", new byte[0], 32))
            .as("tls13 finished").isEqualTo(hex(S_FINISHED_KEY));
    }

    // ---- RFC 8448 section 3: the protected records ----

    @Test
    void opensTheServersEncryptedHandshakeFlight() {
        final RecordCipher cipher = RecordCipher.tls13(AES_128_GCM_SHA256, hex(S_HS_TRAFFIC));
        final byte[] record = hex(S_FLIGHT_RECORD);
        final byte[] out = new byte[record.length];
        assertThat(open(cipher, record, out)).isEqualTo(RecordCipher.Result.OK);
        assertThat(cipher.innerType()).isEqualTo(HANDSHAKE);
        assertThat(cipher.length()).isEqualTo(657);
        final byte[] content = content(cipher, out);
        assertThat(content).isEqualTo(hex(S_FLIGHT_PAYLOAD));
        // EncryptedExtensions first, the server's Finished last
        assertThat(content).startsWith(hex(ENCRYPTED_EXTENSIONS)).endsWith(hex(S_FINISHED));
    }

    @Test
    void opensTheClientsFinished() {
        final RecordCipher cipher = RecordCipher.tls13(AES_128_GCM_SHA256, hex(C_HS_TRAFFIC));
        final byte[] record = hex(C_FINISHED_RECORD);
        final byte[] out = new byte[record.length];
        assertThat(open(cipher, record, out)).isEqualTo(RecordCipher.Result.OK);
        assertThat(cipher.innerType()).isEqualTo(HANDSHAKE);
        assertThat(content(cipher, out)).isEqualTo(hex(C_FINISHED_PAYLOAD));
    }

    @Test
    void opensTheServersApplicationRecordsInOrder() {
        // Under the server application key the server sends NewSessionTicket (sequence number 0), then its
        // application_data record (1), then its alert (2).
        final RecordCipher cipher = RecordCipher.tls13(AES_128_GCM_SHA256, hex(S_AP_TRAFFIC));
        final byte[] out = new byte[512];
        assertThat(open(cipher, hex(NST_RECORD), out)).isEqualTo(RecordCipher.Result.OK);
        assertThat(cipher.innerType()).isEqualTo(HANDSHAKE);
        assertThat(content(cipher, out)).isEqualTo(hex(NST_PAYLOAD));

        assertThat(open(cipher, hex(S_APP_RECORD), out)).isEqualTo(RecordCipher.Result.OK);
        assertThat(cipher.innerType()).isEqualTo(APPLICATION_DATA);
        assertThat(content(cipher, out)).hasSize(50).isEqualTo(hex(S_APP_PAYLOAD));

        assertThat(open(cipher, hex(S_ALERT_RECORD), out)).isEqualTo(RecordCipher.Result.OK);
        assertThat(cipher.innerType()).isEqualTo(ALERT);
        assertThat(content(cipher, out)).isEqualTo(hex(S_ALERT_PAYLOAD));
    }

    @Test
    void theServersApplicationRecordDoesNotOpenAtSequenceNumberZero() {
        final RecordCipher cipher = RecordCipher.tls13(AES_128_GCM_SHA256, hex(S_AP_TRAFFIC));
        assertThat(open(cipher, hex(S_APP_RECORD), new byte[128])).isEqualTo(RecordCipher.Result.BAD_TAG);
    }

    @Test
    void opensTheClientsApplicationRecords() {
        // The client's application_data record is the first under its application key (0), its alert the second.
        final RecordCipher cipher = RecordCipher.tls13(AES_128_GCM_SHA256, hex(C_AP_TRAFFIC));
        final byte[] out = new byte[128];
        assertThat(open(cipher, hex(C_APP_RECORD), out)).isEqualTo(RecordCipher.Result.OK);
        assertThat(cipher.innerType()).isEqualTo(APPLICATION_DATA);
        assertThat(content(cipher, out)).hasSize(50).isEqualTo(hex(C_APP_PAYLOAD));

        assertThat(open(cipher, hex(C_ALERT_RECORD), out)).isEqualTo(RecordCipher.Result.OK);
        assertThat(cipher.innerType()).isEqualTo(ALERT);
        assertThat(content(cipher, out)).isEqualTo(hex(C_ALERT_PAYLOAD));
    }

    @Test
    void aFlippedTagBitIsBadTag() {
        final byte[] record = hex(S_FLIGHT_RECORD);
        record[record.length - 1] ^= 0x01;
        final RecordCipher cipher = RecordCipher.tls13(AES_128_GCM_SHA256, hex(S_HS_TRAFFIC));
        assertThat(open(cipher, record, new byte[record.length])).isEqualTo(RecordCipher.Result.BAD_TAG);
    }

    @Test
    void aChangedHeaderIsBadTag() {
        // The 5-byte header is the additional data.
        final byte[] record = hex(C_APP_RECORD);
        record[2] = 0x01;
        final RecordCipher cipher = RecordCipher.tls13(AES_128_GCM_SHA256, hex(C_AP_TRAFFIC));
        assertThat(open(cipher, record, new byte[record.length])).isEqualTo(RecordCipher.Result.BAD_TAG);
    }

    @Test
    void theOtherDirectionsKeyIsBadTag() {
        final byte[] record = hex(S_FLIGHT_RECORD);
        final RecordCipher cipher = RecordCipher.tls13(AES_128_GCM_SHA256, hex(C_HS_TRAFFIC));
        assertThat(open(cipher, record, new byte[record.length])).isEqualTo(RecordCipher.Result.BAD_TAG);
    }

    // ---- RFC 5869 appendix A: HKDF-Expand ----

    @Test
    void hkdfExpandRfc5869TestCase1() {
        assertThat(KeySchedule.hkdfExpand(SHA256, hex(RFC5869_A1_PRK), hex(RFC5869_A1_INFO), 42)).isEqualTo(hex(RFC5869_A1_OKM));
    }

    @Test
    void hkdfExpandRfc5869TestCase2() {
        assertThat(KeySchedule.hkdfExpand(SHA256, hex(RFC5869_A2_PRK), hex(RFC5869_A2_INFO), 82)).isEqualTo(hex(RFC5869_A2_OKM));
    }

    @Test
    void hkdfExpandRfc5869TestCase3() {
        assertThat(KeySchedule.hkdfExpand(SHA256, hex(RFC5869_A3_PRK), new byte[0], 42)).isEqualTo(hex(RFC5869_A3_OKM));
    }

    // ---- TLS 1.2 PRF ----

    @Test
    void tls12PrfSha256() {
        assertThat(KeySchedule.prf("HmacSHA256", hex(PRF_SHA256_SECRET), "test label", hex(PRF_SHA256_SEED), 100))
            .isEqualTo(hex(PRF_SHA256_OUTPUT));
    }

    @Test
    void tls12PrfSha384() {
        assertThat(KeySchedule.prf("HmacSHA384", hex(PRF_SHA384_SECRET), "test label", hex(PRF_SHA384_SEED), 148))
            .isEqualTo(hex(PRF_SHA384_OUTPUT));
    }
}
