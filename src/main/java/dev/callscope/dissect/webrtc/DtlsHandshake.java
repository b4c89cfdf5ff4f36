package dev.callscope.dissect.webrtc;

import dev.callscope.core.Direction;
import dev.callscope.core.FlowKey;
import java.util.List;

/**
 * One DTLS handshake message, reassembled from its fragments (RFC 6347 section 4.2.2), or an
 * encrypted one (DTLS 1.2 Finished under epoch 1; every DTLS 1.3 message after ServerHello), with
 * the fields WebRTC analysis needs. Fields the message type does not carry are -1, null or empty.
 *
 * @param msgType 1 ClientHello, 2 ServerHello, 3 HelloVerifyRequest, 11 Certificate, ...; -1 encrypted
 * @param messageSeq the handshake message_seq (-1 when encrypted)
 * @param fragments how many fragments it arrived in
 * @param retransmission a message_seq already completed in this direction came again
 * @param version ClientHello client_version or ServerHello server_version (the legacy field)
 * @param supportedVersions the supported_versions extension (ClientHello: offered; ServerHello: chosen)
 * @param cipherSuites offered (ClientHello) or chosen (ServerHello, one)
 * @param srtpProfiles use_srtp profiles (RFC 5764): offered, or the one chosen
 * @param groups supported_groups
 * @param keyShares the groups of the key_share entries
 * @param extensions extension types in order
 * @param cookieLength the cookie length of a HelloVerifyRequest or ClientHello, else -1
 * @param certificateFingerprints SHA-256 of each certificate of a Certificate message, leaf first,
 *     as "AB:CD:..." (the a=fingerprint form)
 */
public record DtlsHandshake(long frame, long tsNanos, FlowKey flow, Direction direction, RelayLeg leg, int msgType,
                            int messageSeq, int length, int fragments, boolean retransmission, int version,
                            List<Integer> supportedVersions, List<Integer> cipherSuites, List<Integer> srtpProfiles,
                            List<Integer> groups, List<Integer> keyShares, List<Integer> extensions, int cookieLength,
                            List<String> certificateFingerprints) implements WebrtcEvent {
    public static final int CLIENT_HELLO = 1;
    public static final int SERVER_HELLO = 2;
    public static final int HELLO_VERIFY_REQUEST = 3;
    /**
     * A DTLS 1.3 HelloRetryRequest: on the wire a ServerHello (type 2) whose random is the special
     * value of RFC 8446 section 4.1.3; reported under the type number TLS 1.3's drafts gave it.
     */
    public static final int HELLO_RETRY_REQUEST = 6;
    public static final int CERTIFICATE = 11;
    public static final int ENCRYPTED = -1;

    public DtlsHandshake {
        supportedVersions = List.copyOf(supportedVersions);
        cipherSuites = List.copyOf(cipherSuites);
        srtpProfiles = List.copyOf(srtpProfiles);
        groups = List.copyOf(groups);
        keyShares = List.copyOf(keyShares);
        extensions = List.copyOf(extensions);
        certificateFingerprints = List.copyOf(certificateFingerprints);
    }

    /** A message whose body is not decoded (or encrypted). */
    static DtlsHandshake plain(final long frame, final long ts, final FlowKey flow, final Direction d, final RelayLeg leg,
                               final int type, final int seq, final int length, final int fragments, final boolean retrans) {
        return new DtlsHandshake(frame, ts, flow, d, leg, type, seq, length, fragments, retrans, -1, List.of(), List.of(),
            List.of(), List.of(), List.of(), List.of(), -1, List.of());
    }

    @Override
    public String protocol() {
        return DtlsRecord.PROTOCOL;
    }

    public String typeName() {
        return DtlsNames.handshake(msgType);
    }

    /** The version this hello settles on: supported_versions if present, else the legacy field. */
    public int effectiveVersion() {
        return msgType == SERVER_HELLO && !supportedVersions.isEmpty() ? supportedVersions.get(0) : version;
    }
}
