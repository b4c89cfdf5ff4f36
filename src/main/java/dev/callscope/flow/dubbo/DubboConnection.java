package dev.callscope.flow.dubbo;

import dev.callscope.core.Direction;
import dev.callscope.core.Endpoint;
import dev.callscope.core.FlowKey;
import dev.callscope.dissect.ProtocolEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One TCP connection that carried Dubbo: its endpoints and roles, its life (SYN, FIN, RST), its
 * heartbeats per direction and, for ladders, its timeline of frames and TCP events (bounded).
 */
public final class DubboConnection {
    private final long index;
    private final FlowKey key;
    long flowId = -1;
    /** The direction consumer → provider: set by a SYN, else by the first non-event request, else guessed. */
    Direction clientToServer;
    boolean rolesKnown;
    long firstNanos;
    long lastNanos;
    long firstFrame;
    long synNanos = -1;
    long closeNanos = -1;
    String closeKind;
    /** "consumer" or "provider": who sent the first FIN or RST, or null. */
    String closedBy;
    boolean reconnect;
    /** For a reconnect: from the earlier connection's close to this one's SYN, else -1. */
    long reconnectGapNanos = -1;
    /** Requests still waiting for their response when the connection closed. */
    long lostAtClose;
    String endReason;
    final List<ProtocolEvent> timeline = new ArrayList<>();
    boolean timelineTruncated;
    final Heartbeats[] heartbeats = {new Heartbeats(), new Heartbeats()};
    /**
     * The longest silences (no Dubbo frame either way), kept to judge missed heartbeats when the
     * connection ends; released then (null).
     */
    long[] silences = new long[DubboTracker.MAX_SILENCES];
    long[] silenceStarts = new long[DubboTracker.MAX_SILENCES];
    int silenceCount;
    long lastFrameNanos = -1;
    int missedHeartbeats;
    long requests;
    long responses;

    DubboConnection(final long index, final FlowKey key, final long firstFrame, final long firstNanos) {
        this.index = index;
        this.key = key;
        this.firstFrame = firstFrame;
        this.firstNanos = firstNanos;
        this.lastNanos = firstNanos;
    }

    /** Heartbeats sent in one direction. */
    public static final class Heartbeats {
        long requests;
        long responses;
        long lastRequestNanos = -1;
        long intervals;
        long intervalSumNanos;
        long minIntervalNanos = Long.MAX_VALUE;
        long maxIntervalNanos;

        public long requests() {
            return requests;
        }

        /** Responses the other side sent to these heartbeats. */
        public long responses() {
            return responses;
        }

        /** Mean time between consecutive heartbeat requests, or -1 with fewer than two. */
        public long meanIntervalNanos() {
            return intervals == 0 ? -1 : intervalSumNanos / intervals;
        }

        public long minIntervalNanos() {
            return intervals == 0 ? -1 : minIntervalNanos;
        }

        public long maxIntervalNanos() {
            return intervals == 0 ? -1 : maxIntervalNanos;
        }
    }

    /** The number 'dubbo' shows: order of first Dubbo frame (or SYN) in the capture, from 1. */
    public long index() {
        return index;
    }

    public FlowKey key() {
        return key;
    }

    /** The engine's conversation id (as in {@code callscope flows}), or -1 before the conversation ended. */
    public long flowId() {
        return flowId;
    }

    private Direction c2s() {
        if (clientToServer != null) {
            return clientToServer;
        }
        // no SYN and no request seen: the side on the Dubbo port (or the lower port) is the provider
        final boolean bIsServer = key.portB() == 20880 || (key.portA() != 20880 && key.portB() < key.portA());
        return bIsServer ? Direction.A_TO_B : Direction.B_TO_A;
    }

    /** The consumer (the side that connected, or sent requests). */
    public Endpoint client() {
        return c2s() == Direction.A_TO_B ? key.endpointA() : key.endpointB();
    }

    /** The provider. */
    public Endpoint server() {
        return c2s() == Direction.A_TO_B ? key.endpointB() : key.endpointA();
    }

    /** The direction consumer → provider. */
    public Direction clientToServer() {
        return c2s();
    }

    public long firstNanos() {
        return firstNanos;
    }

    public long lastNanos() {
        return lastNanos;
    }

    public long firstFrame() {
        return firstFrame;
    }

    /** Time of the SYN, or -1 when the capture started after the connection was set up. */
    public long synNanos() {
        return synNanos;
    }

    /** Time of the first FIN or RST, or -1. */
    public long closeNanos() {
        return closeNanos;
    }

    /** "FIN", "RST" or null when the connection was still open. */
    public String closeKind() {
        return closeKind;
    }

    /** "consumer" or "provider": who closed the connection first (FIN or RST), or null. */
    public String closedBy() {
        return closedBy;
    }

    /** For a reconnect, the outage: from the earlier connection's close to this SYN; else -1. */
    public long reconnectGapNanos() {
        return reconnectGapNanos;
    }

    /** Requests that never got their response because the connection closed (they failed on the consumer). */
    public long lostAtClose() {
        return lostAtClose;
    }

    /** Heartbeats the consumer sent that got no answer (requests minus responses). */
    public long unansweredHeartbeats() {
        final Heartbeats h = clientHeartbeats();
        return Math.max(0, h.requests - h.responses);
    }

    /** A new connection from the same consumer host to the same provider after an earlier one closed. */
    public boolean reconnect() {
        return reconnect;
    }

    /** Why the engine ended the conversation ("fin", "rst", "end", "idle", ...), or null. */
    public String endReason() {
        return endReason;
    }

    /** Heartbeats sent consumer → provider. */
    public Heartbeats clientHeartbeats() {
        return heartbeats[c2s().index()];
    }

    /** Heartbeats sent provider → consumer. */
    public Heartbeats serverHeartbeats() {
        return heartbeats[c2s().reverse().index()];
    }

    public int missedHeartbeats() {
        return missedHeartbeats;
    }

    public long requests() {
        return requests;
    }

    public long responses() {
        return responses;
    }

    /** Dubbo frames and TCP events in order (at most {@code Limits.dubboMaxTimeline}). */
    public List<ProtocolEvent> timeline() {
        return Collections.unmodifiableList(timeline);
    }

    public boolean timelineTruncated() {
        return timelineTruncated;
    }

    /** "client -> server" for tables. */
    @Override
    public String toString() {
        return client() + " -> " + server();
    }
}
