package dev.callscope.tap;

import dev.callscope.core.FlowKey;

/**
 * A finished conversation (closed, idle, evicted, or open at the end of the capture), like a Zeek
 * conn.log entry. Endpoint A is the side that sent the first packet.
 *
 * @param id conversation index in order of first packet, from 0 (tshark's udp.stream / tcp.stream)
 * @param aIsKeyA whether A is the key's endpoint A (else A is the key's endpoint B)
 * @param protocol the dissector that handled it, "data" when none did, or the tunnel it carried
 * @param tcpFlags TCP only: every flag seen (SYN 0x02, FIN 0x01, RST 0x04) in either direction
 */
public record ConversationRecord(long id, FlowKey key, boolean aIsKeyA, long firstFrame, long startNanos, long endNanos,
                                 long packetsAtoB, long bytesAtoB, long packetsBtoA, long bytesBtoA,
                                 String protocol, int tcpFlags, long retransmissions, long gaps, String endReason) {
    public long packets() {
        return packetsAtoB + packetsBtoA;
    }

    public long bytes() {
        return bytesAtoB + bytesBtoA;
    }
}
