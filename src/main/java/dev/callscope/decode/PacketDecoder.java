package dev.callscope.decode;

import dev.callscope.core.Limits;
import dev.callscope.core.RawFrame;

/**
 * Decodes link, network and transport headers of a frame in place into a {@link PacketInfo}, and
 * reassembles IPv4 and IPv6 fragments. Knows no application protocol; never throws on bad bytes.
 */
public final class PacketDecoder {

    /** What a frame turned out to be. */
    public enum Result {
        /** Innermost transport is UDP; payload set. */
        UDP,
        /** Innermost transport is TCP; payload is the segment's data (not reassembled). */
        TCP,
        /** IP with another protocol (ICMP, SCTP, ...). */
        OTHER_IP,
        /** A fragment held until its datagram is complete. */
        FRAGMENT,
        /** A link layer we know carrying something other than IP (ARP, LLDP, ...). */
        NOT_IP,
        /** A link type we do not decode. */
        UNSUPPORTED_LINK,
        /** Headers contradict each other or the captured length; {@link PacketInfo#reason} says why. */
        MALFORMED
    }

    public PacketDecoder(final Limits limits) {
        throw new UnsupportedOperationException("to be implemented");
    }

    public Result decode(final RawFrame frame, final long frameNumber, final PacketInfo info) {
        throw new UnsupportedOperationException("to be implemented");
    }
}
