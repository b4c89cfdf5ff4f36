package dev.callscope.dissect.webrtc;

import dev.callscope.core.Direction;
import dev.callscope.core.FlowKey;

/**
 * One DTLS record (RFC 6347 section 4.1; RFC 9147 section 4 for the DTLS 1.3 unified header).
 *
 * @param contentType 20 ChangeCipherSpec, 21 Alert, 22 Handshake, 23 ApplicationData, 25 ACK; -1 for
 *     a DTLS 1.3 ciphertext record (its type is encrypted)
 * @param version the record version (0xfeff DTLS 1.0, 0xfefd 1.2); 0 for a unified header
 * @param epoch the epoch (only its low two bits for a unified header)
 * @param sequence the record sequence number (the low 8 or 16 bits for a unified header)
 * @param length the fragment length
 * @param unified a DTLS 1.3 unified header (first byte 0b001xxxxx)
 * @param encrypted the content is protected (epoch above 0, or a ciphertext record)
 */
public record DtlsRecord(long frame, long tsNanos, FlowKey flow, Direction direction, RelayLeg leg, int contentType,
                         int version, int epoch, long sequence, int length, boolean unified, boolean encrypted)
    implements WebrtcEvent {
    public static final String PROTOCOL = "dtls";
    public static final int CHANGE_CIPHER_SPEC = 20;
    public static final int ALERT = 21;
    public static final int HANDSHAKE = 22;
    public static final int APPLICATION_DATA = 23;
    public static final int ACK = 25;

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    public String contentTypeName() {
        return switch (contentType) {
            case CHANGE_CIPHER_SPEC -> "ChangeCipherSpec";
            case ALERT -> "Alert";
            case HANDSHAKE -> "Handshake";
            case APPLICATION_DATA -> "ApplicationData";
            case ACK -> "ACK";
            case -1 -> "Ciphertext";
            default -> "type" + contentType;
        };
    }
}
