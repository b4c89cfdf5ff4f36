package dev.callscope.dissect.webrtc;

import dev.callscope.core.Direction;
import dev.callscope.core.FlowKey;

/**
 * A DTLS alert (RFC 5246 section 7.2). An encrypted alert has level and description -1.
 */
public record DtlsAlert(long frame, long tsNanos, FlowKey flow, Direction direction, RelayLeg leg, int level,
                        int description, boolean encrypted) implements WebrtcEvent {
    @Override
    public String protocol() {
        return DtlsRecord.PROTOCOL;
    }

    public String summary() {
        if (encrypted) {
            return "Encrypted Alert";
        }
        return (level == 2 ? "fatal " : level == 1 ? "warning " : "level" + level + " ") + DtlsNames.alert(description);
    }
}
