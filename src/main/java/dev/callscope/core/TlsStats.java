package dev.callscope.core;

/** What decryption did over a run, for summaries: connections and records by outcome. Never any key material. */
public final class TlsStats {
    /** TLS connections whose ClientHello was seen. */
    public long connections;
    /** Of those, connections whose secrets were in a key log. */
    public long decrypted;
    /** Connections whose client random is in no key log given. */
    public long withoutKey;
    /** Connections with secrets but a version or cipher suite callscope does not decrypt. */
    public long unsupported;
    /** Records opened and authenticated. */
    public long records;
    /** Encrypted records that had no usable key (no secrets, unsupported suite, or after a gap). */
    public long recordsWithoutKey;
    /** Records whose authentication tag or MAC did not match (wrong key, or not this connection's). */
    public long authFailures;
    /** Records with an impossible header or length, or too short for their protection. */
    public long malformed;
    /** TLS 1.3 KeyUpdate messages followed. */
    public long keyUpdates;
    /** Bytes of application data decrypted. */
    public long plaintextBytes;
    /** DTLS handshakes whose ClientHello was seen (WebRTC). */
    public long dtlsConnections;
    /** Of those, handshakes whose DTLS-SRTP keys were exported with a key log's master secret. */
    public long dtlsKeyed;
    /** DTLS handshakes whose client random is in no key log given. */
    public long dtlsWithoutKey;
    /** DTLS handshakes with a cipher suite or SRTP profile callscope does not handle. */
    public long dtlsUnsupported;
    /** DTLS application data records decrypted (WebRTC: SCTP packets of the data channels). */
    public long dtlsRecords;
    /** DTLS application data records that failed authentication. */
    public long dtlsAuthFailures;
    /** Connections (client randoms) with secrets in the key logs. */
    public long keyLogSecrets;
    /** Key log lines skipped as malformed. */
    public long keyLogMalformed;
    /** Key log lines skipped past --max-keylog-secrets. */
    public long keyLogOverLimit;

    /** True when there is nothing to say: no TLS connection seen and no key log line skipped. */
    public boolean isEmpty() {
        return connections == 0 && dtlsConnections == 0 && keyLogMalformed == 0 && keyLogOverLimit == 0;
    }
}
