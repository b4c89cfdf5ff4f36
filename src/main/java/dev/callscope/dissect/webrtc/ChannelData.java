package dev.callscope.dissect.webrtc;

import dev.callscope.core.Direction;
import dev.callscope.core.FlowKey;

/**
 * A TURN ChannelData message (RFC 8656 section 12.4): channel number 0x4000-0x7FFF (first byte 64-79)
 * and a length; what it carries is demultiplexed again as a relayed leg.
 *
 * @param peer the peer bound to the channel by a ChannelBind seen earlier, or null
 */
public record ChannelData(long frame, long tsNanos, FlowKey flow, Direction direction, int channel, int length,
                          dev.callscope.core.Endpoint peer) implements WebrtcEvent {
    public static final String PROTOCOL = "turn";

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    @Override
    public RelayLeg leg() {
        return null;
    }
}
