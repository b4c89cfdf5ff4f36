package dev.callscope.dissect.webrtc;

import dev.callscope.core.Direction;
import dev.callscope.core.Endpoint;
import dev.callscope.core.FlowKey;
import java.util.List;

/**
 * One STUN or TURN message (RFC 5389/8489, ICE RFC 8445, TURN RFC 8656, classic RFC 3489), with
 * the attributes ICE and TURN analysis needs decoded. Absent attributes are null (or false, or empty).
 *
 * @param type the 14-bit message type
 * @param method the 12-bit method (1 Binding, 3 Allocate, 4 Refresh, 6 Send, 7 Data, 8
 *     CreatePermission, 9 ChannelBind, ...)
 * @param messageClass 0 request, 1 indication, 2 success response, 3 error response
 * @param classic an RFC 3489 message (no magic cookie; 128-bit transaction id)
 * @param transactionId the transaction id in hex (96 bits; 128 for classic, cookie included)
 * @param length the header's message length (attributes only)
 * @param fingerprintValid null without FINGERPRINT, else whether its CRC-32 matched
 * @param dataLength bytes of the DATA attribute (TURN), or -1
 */
public record StunMessage(long frame, long tsNanos, FlowKey flow, Direction direction, RelayLeg leg, int type, int method,
                          int messageClass, boolean classic, String transactionId, int length,
                          List<StunAttribute> attributes, String username, Endpoint mappedAddress,
                          Endpoint xorMappedAddress, Long priority, boolean useCandidate, Long iceControlling,
                          Long iceControlled, Integer errorCode, String errorReason, boolean messageIntegrity,
                          boolean messageIntegritySha256, Boolean fingerprintValid, String realm, String nonce,
                          Long lifetime, Endpoint xorRelayedAddress, List<Endpoint> xorPeerAddresses,
                          Integer channelNumber, int dataLength, String software) implements WebrtcEvent {
    public static final String PROTOCOL = "stun";
    public static final int REQUEST = 0;
    public static final int INDICATION = 1;
    public static final int SUCCESS = 2;
    public static final int ERROR = 3;
    public static final int BINDING = 0x001;
    public static final int ALLOCATE = 0x003;
    public static final int REFRESH = 0x004;
    public static final int SEND = 0x006;
    public static final int DATA = 0x007;
    public static final int CREATE_PERMISSION = 0x008;
    public static final int CHANNEL_BIND = 0x009;

    public StunMessage {
        attributes = List.copyOf(attributes);
        xorPeerAddresses = List.copyOf(xorPeerAddresses);
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    public String methodName() {
        return methodName(method);
    }

    public String className() {
        return switch (messageClass) {
            case REQUEST -> "Request";
            case INDICATION -> "Indication";
            case SUCCESS -> "Success Response";
            default -> "Error Response";
        };
    }

    /** "Binding Request", "Allocate Error Response 401", "Send Indication"... */
    public String summary() {
        return methodName() + " " + className() + (errorCode != null ? " " + errorCode : "");
    }

    public boolean request() {
        return messageClass == REQUEST;
    }

    public boolean response() {
        return messageClass == SUCCESS || messageClass == ERROR;
    }

    /** The method's name (RFC 8489, 8656, 6062, 3489), or "0x%03x". */
    public static String methodName(final int method) {
        return switch (method) {
            case 0x001 -> "Binding";
            case 0x002 -> "SharedSecret";
            case 0x003 -> "Allocate";
            case 0x004 -> "Refresh";
            case 0x006 -> "Send";
            case 0x007 -> "Data";
            case 0x008 -> "CreatePermission";
            case 0x009 -> "ChannelBind";
            case 0x00A -> "Connect";
            case 0x00B -> "ConnectionBind";
            case 0x00C -> "ConnectionAttempt";
            case 0x080 -> "GoogPing";
            default -> String.format("0x%03x", method);
        };
    }
}
