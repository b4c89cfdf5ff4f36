package dev.callscope.dissect.webrtc;

import dev.callscope.core.Direction;
import dev.callscope.core.Endpoint;
import dev.callscope.dissect.ProtocolEvent;

/** What every event of the WebRTC demultiplexer shares: the outer direction and, when relayed, the inner leg. */
public interface WebrtcEvent extends ProtocolEvent {
    Direction direction();

    /** The TURN leg this was unwrapped from, or null when it travelled directly on the 5-tuple. */
    RelayLeg leg();

    /** The sender as the peers see it: the leg's source when relayed, else the outer source (allocates). */
    default Endpoint src() {
        if (leg() != null) {
            return leg().src();
        }
        return direction() == Direction.A_TO_B ? flow().endpointA() : flow().endpointB();
    }

    /** The receiver as the peers see it (allocates). */
    default Endpoint dst() {
        if (leg() != null) {
            return leg().dst();
        }
        return direction() == Direction.A_TO_B ? flow().endpointB() : flow().endpointA();
    }

    default boolean relayed() {
        return leg() != null;
    }
}
