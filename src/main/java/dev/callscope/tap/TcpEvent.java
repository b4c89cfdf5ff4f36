package dev.callscope.tap;

import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.core.Direction;
import dev.callscope.core.FlowKey;

/**
 * A TCP connection's life, reported by the engine for segments carrying SYN, FIN or RST, so that
 * trackers can show a connect, a close or a reset (and a reconnect) on a ladder.
 *
 * @param direction which way the segment went within {@code flow}
 * @param flags the TCP flags byte (FIN 0x01, SYN 0x02, RST 0x04, ACK 0x10)
 * @param conversationId the engine's conversation index ({@link ConversationRecord#id()})
 */
public record TcpEvent(long frame, long tsNanos, FlowKey flow, Direction direction, int flags, long conversationId)
    implements ProtocolEvent {
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int ACK = 0x10;

    @Override
    public String protocol() {
        return "tcp";
    }

    /** "SYN", "SYN-ACK", "FIN", "RST" (the most telling flag). */
    public String kind() {
        if ((flags & RST) != 0) {
            return "RST";
        }
        if ((flags & SYN) != 0) {
            return (flags & ACK) != 0 ? "SYN-ACK" : "SYN";
        }
        return "FIN";
    }
}
