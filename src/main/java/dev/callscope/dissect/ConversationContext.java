package dev.callscope.dissect;

import dev.callscope.core.Endpoint;
import dev.callscope.core.FlowKey;
import dev.callscope.core.Limits;
import dev.callscope.core.ReassemblyBudget;

/** What a session can ask of the engine about, and on behalf of, its conversation. */
public interface ConversationContext {
    FlowKey flow();

    Transport transport();

    Limits limits();

    /**
     * The engine's index of this conversation ({@code ConversationRecord.id()}, tshark's
     * tcp.stream), known from the first packet; -1 when there is none (tests, files given by hand).
     */
    default long id() {
        return -1;
    }

    /**
     * The byte budget that reassembly in this conversation draws from (DTLS handshake messages,
     * fragmented WebSocket messages), shared with the engine's IP and TCP reassembly. Sessions ask
     * once, when they open. Outside an engine: a budget of their own of {@code Limits.reassemblyBudget}.
     */
    default ReassemblyBudget reassemblyBudget() {
        return new ReassemblyBudget(limits().reassemblyBudget);
    }

    /**
     * Hands a body to whichever dissector is bound to {@code contentType} (Wireshark's media_type
     * table): SIP gives "application/sdp" to SDP without importing it.
     *
     * @return false when no dissector is bound to that type
     */
    boolean handOff(String contentType, Payload body, PacketContext ctx, EventSink out);

    /**
     * Announces a conversation expected later (SDP announcing RTP): packets to or from
     * {@code endpoint} over {@code transport} go to dissector {@code dissectorId} without heuristics.
     */
    void expect(Transport transport, Endpoint endpoint, String dissectorId, long frame);

    /**
     * Announces an SDES key (an SDP a=crypto line, RFC 4568) for media to or from {@code rtp} and
     * {@code rtcp} (null when RTCP shares the RTP port): SRTP and SRTCP of conversations with those
     * endpoints are decrypted with it when it authenticates them. The key parameters hold the
     * master key: they are never shown.
     */
    default void srtpKey(final Endpoint rtp, final Endpoint rtcp, final String suite, final String keyParams, final long frame) {
    }
}
