package dev.callscope.dissect.dubbo;

import dev.callscope.core.Direction;
import dev.callscope.core.FlowKey;
import dev.callscope.dissect.ProtocolEvent;

/**
 * One Dubbo exchange frame: every header field by name and the decoded body.
 *
 * @param direction which way it went within {@code flow}
 * @param request request (flag 0x80) or response
 * @param twoWay a request that expects a response (flag 0x40)
 * @param event an event frame (flag 0x20): heartbeats and read-only notices
 * @param heartbeat an event whose body is the serialized null
 * @param serializationId the low 5 bits of the flag byte
 * @param serialization Dubbo's name for it ("hessian2", "kryo"), or "unknown(N)"
 * @param status response status code, or -1 for requests
 * @param statusName Dubbo's name for the status ("OK", "SERVER_TIMEOUT"), "UNKNOWN(N)", or null for requests
 * @param requestId the id pairing a response with its request
 * @param bodyLength the body length field
 * @param frameBytes header plus body
 * @param broken the body could not be decoded whole (see {@code body.problem()})
 * @param body what the body says (never null)
 * @param conversationId the engine's conversation index ({@code ConversationRecord.id()}, the
 *     {@code flow_id} of JSON records), or -1 when not known
 */
public record DubboFrame(long frame, long tsNanos, FlowKey flow, Direction direction, boolean request, boolean twoWay,
                         boolean event, boolean heartbeat, int serializationId, String serialization, int status,
                         String statusName, long requestId, long bodyLength, long frameBytes, boolean broken,
                         DubboBody body, long conversationId) implements ProtocolEvent {
    /** A frame whose conversation index is not known (-1). */
    public DubboFrame(final long frame, final long tsNanos, final FlowKey flow, final Direction direction,
                      final boolean request, final boolean twoWay, final boolean event, final boolean heartbeat,
                      final int serializationId, final String serialization, final int status, final String statusName,
                      final long requestId, final long bodyLength, final long frameBytes, final boolean broken,
                      final DubboBody body) {
        this(frame, tsNanos, flow, direction, request, twoWay, event, heartbeat, serializationId, serialization, status,
            statusName, requestId, bodyLength, frameBytes, broken, body, -1);
    }

    @Override
    public String protocol() {
        return "dubbo";
    }
}
