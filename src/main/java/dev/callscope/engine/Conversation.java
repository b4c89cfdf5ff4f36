package dev.callscope.engine;

import dev.callscope.core.Endpoint;
import dev.callscope.core.FlowKey;
import dev.callscope.decode.SctpChunks;
import dev.callscope.decode.TcpReassembler;
import dev.callscope.dissect.Dissector;
import dev.callscope.dissect.DissectorSession;
import dev.callscope.dissect.Transport;
import dev.callscope.srtp.SrtpSession;
import dev.callscope.tls.DtlsKeys;
import dev.callscope.tls.TlsConnection;

/** The engine's state for one conversation (both directions). Not shared outside the engine. */
final class Conversation {
    final long id;
    final FlowKey key;
    /** Neighbours in the flow table's recency order. */
    Conversation olderSeen;
    Conversation newerSeen;
    /** When this was last seen, as a count of sightings of any conversation: orders the two recency lists together. */
    long seenOrder;
    final Transport transport;
    /** Whether the first packet went from the key's A to B. */
    final boolean firstForward;
    final long firstFrame;
    final long startNanos;
    long lastNanos;
    final long[] packets = new long[2];
    final long[] bytes = new long[2];
    int tcpFlagsSeen;
    long retransmissions;
    long gaps;
    /** Set once both FINs or a RST were seen (TCP). */
    boolean closed;
    /** Some packet carried payload (a conversation without one has no protocol to name). */
    boolean bytesCarried;

    Dissector dissector;
    DissectorSession session;
    ConversationSink sink;
    boolean dispatchDecided;
    int heuristicTries;
    /** The two endpoints, made once when expectations are first looked up. */
    Endpoint[] endpoints;
    /** The engine's expectation count when this conversation last looked at the expectations. */
    long expectationsSeen;
    /** Protocol label for a conversation that carries a tunnel (outer GTP-U) instead of a dissector. */
    String tunnelLabel;

    // SCTP: fragment reassembly per direction
    SctpChunks.Reassembler[] sctp;

    // TCP
    TcpReassembler[] reassemblers;
    StreamBuffer[] pending;
    boolean[] finSeen;
    /** The first bytes were looked at for a TLS ClientHello (only when decrypting). */
    boolean tlsChecked;
    /** TLS records of this connection, when a key log was given and it began with a ClientHello. */
    TlsConnection tlsConnection;
    /** SRTP keys of this media conversation, once SDP announced some for one of its ends. */
    SrtpSession srtp;
    /** The engine's SRTP key count when this conversation last looked for its keys. */
    long srtpVersion;
    /** A WebRTC conversation's DTLS handshake, followed for its DTLS-SRTP keys (with a key log). */
    DtlsKeys dtlsKeys;
    /** A DTLS handshake was looked at (once per conversation). */
    boolean dtlsSeen;

    Conversation(final long id, final FlowKey key, final Transport transport, final boolean firstForward,
                 final long firstFrame, final long startNanos) {
        this.id = id;
        this.key = key;
        this.transport = transport;
        this.firstForward = firstForward;
        this.firstFrame = firstFrame;
        this.startNanos = startNanos;
        this.lastNanos = startNanos;
    }

    String protocolLabel() {
        if (dissector != null) {
            return dissector.id();
        }
        if (tunnelLabel != null) {
            return tunnelLabel;
        }
        return bytesCarried ? "data" : "";
    }
}
