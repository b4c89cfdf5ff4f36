package dev.callscope.dissect;

import dev.callscope.core.Direction;
import dev.callscope.core.Endpoint;
import dev.callscope.core.FlowKey;
import dev.callscope.core.Limits;

/**
 * The packet (or, for streams, the frame that completed the data) a dissector is looking at.
 * Reused by the engine for every packet: copy what must be kept.
 */
public final class PacketContext {
    private long frame;
    private long tsNanos;
    private FlowKey flow;
    private Direction direction;
    private Transport transport;
    private boolean truncated;
    private boolean decrypted;
    private boolean authFailed;
    private boolean recordContent;
    private Limits limits = DEFAULT_LIMITS;
    private static final Limits DEFAULT_LIMITS = new Limits();

    /** Engine use: the run's bounds, for heuristics that judge a length against them. */
    public PacketContext limits(final Limits l) {
        this.limits = l;
        return this;
    }

    /** The run's bounds (the defaults outside an engine). */
    public Limits limits() {
        return limits;
    }

    /** Engine use: sets the fields for the next call. */
    public PacketContext set(final long frame, final long tsNanos, final FlowKey flow, final Direction direction,
                             final Transport transport, final boolean truncated) {
        this.frame = frame;
        this.tsNanos = tsNanos;
        this.flow = flow;
        this.direction = direction;
        this.transport = transport;
        this.truncated = truncated;
        this.decrypted = false;
        this.authFailed = false;
        this.recordContent = false;
        return this;
    }

    /** Engine use: the bytes given next were decrypted from TLS records (true) or came in the clear. */
    public void decrypted(final boolean on) {
        decrypted = on;
    }

    /** The bytes being dissected were decrypted (TLS records of this conversation, or SRTP/SRTCP). */
    public boolean decrypted() {
        return decrypted;
    }

    /** Engine use: the bytes are the content of one decrypted DTLS record (set with {@link #decrypted(boolean)}). */
    public void recordContent(final boolean on) {
        recordContent = on;
    }

    /**
     * The datagram is the content of one DTLS record the engine decrypted (for WebRTC, an SCTP
     * packet of the data channels), not a datagram as it came.
     */
    public boolean recordContent() {
        return recordContent;
    }

    /** Engine use: the datagram is SRTP or SRTCP that no key authenticated (it is given as it came). */
    public void authFailed(final boolean on) {
        authFailed = on;
    }

    /** The datagram is SRTP or SRTCP for which keys were announced but none authenticated it: its payload is encrypted. */
    public boolean authFailed() {
        return authFailed;
    }

    public long frame() {
        return frame;
    }

    public long tsNanos() {
        return tsNanos;
    }

    /** The conversation's canonical key (stable object: safe to keep). */
    public FlowKey flow() {
        return flow;
    }

    public Direction direction() {
        return direction;
    }

    public Transport transport() {
        return transport;
    }

    /** The snap length cut this packet: missing bytes are not malformed. */
    public boolean truncated() {
        return truncated;
    }

    /** Sender of this packet (allocates). */
    public Endpoint source() {
        return direction == Direction.A_TO_B ? flow.endpointA() : flow.endpointB();
    }

    /** Receiver of this packet (allocates). */
    public Endpoint destination() {
        return direction == Direction.A_TO_B ? flow.endpointB() : flow.endpointA();
    }
}
