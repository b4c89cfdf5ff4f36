package dev.callscope.dissect.webrtc;

import dev.callscope.core.Endpoint;

/**
 * The inner leg of a TURN relay (RFC 8656): bytes carried in a Send or Data indication's DATA
 * attribute or in ChannelData, from {@code src} to {@code dst} as the peers see them (one side is
 * the TURN client's relayed address, or the client itself when the allocation was not seen, the
 * other the peer named by XOR-PEER-ADDRESS or bound to the channel).
 *
 * @param via "send", "data" or "channel"
 * @param channel the channel number for ChannelData, else -1
 */
public record RelayLeg(Endpoint src, Endpoint dst, String via, int channel) {
    @Override
    public String toString() {
        return src + " -> " + dst + " (relayed, " + via + (channel >= 0 ? " 0x" + Integer.toHexString(channel) : "") + ")";
    }
}
