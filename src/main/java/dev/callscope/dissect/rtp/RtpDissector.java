package dev.callscope.dissect.rtp;

import dev.callscope.dissect.Binding;
import dev.callscope.dissect.Confidence;
import dev.callscope.dissect.ConversationContext;
import dev.callscope.dissect.Dissector;
import dev.callscope.dissect.DissectorSession;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.Transport;
import java.util.Map;
import java.util.Set;

/**
 * RTP (RFC 3550). Bound to no port: conversations reach it when SDP announces them
 * ({@link ConversationContext#expect}), by {@code --decode-as udp.port=N:rtp} (or {@code tcp.port=N:rtp}
 * for RFC 4571 framing), or, only with the {@value #PREF_HEURISTIC} preference
 * ({@code --rtp-heuristic}), by a WEAK heuristic like Wireshark's {@code rtp_udp} (off by default
 * there too, because nearly any UDP payload passes it).
 *
 * <p>RTCP multiplexed on the RTP port (RFC 5761: marker plus payload type 64-95, i.e. packet types
 * 192-223) is handed to the RTCP parser. Preferences: {@value #PREF_HEURISTIC} and
 * {@value #PREF_KEEP_PAYLOAD} (copy each payload into its {@link RtpPacket}, for audio export).
 */
public final class RtpDissector implements Dissector {
    public static final String ID = "rtp";
    /** Preference: "true" turns the UDP heuristic on. */
    public static final String PREF_HEURISTIC = "rtp.heuristic";
    /**
     * Preference: capture time (ns) before which the heuristic is on, whatever {@value #PREF_HEURISTIC}
     * says: a capture file that continues another finds the streams whose SDP the earlier file held.
     */
    public static final String PREF_HEURISTIC_UNTIL = "rtp.heuristic.until";
    /** Preference: "true" keeps a copy of every payload in the events. */
    public static final String PREF_KEEP_PAYLOAD = "rtp.keep_payload";
    /** RFC 4571 frames are at most 65535 bytes plus the 2-byte length. */
    static final int MAX_FRAME = 65535 + 2;
    /** The heuristic ignores ports below this (well-known services: DNS, NTP, SNMP... are not RTP). */
    static final int HEURISTIC_MIN_PORT = 1024;

    private boolean heuristic;
    private long heuristicUntil = Long.MIN_VALUE;
    private boolean keepPayload;
    // the conversation the heuristic accepted last: its session is told it was found that way
    private dev.callscope.core.FlowKey acceptedByHeuristic;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public void configure(final Map<String, String> preferences) {
        heuristic = Boolean.parseBoolean(preferences.get(PREF_HEURISTIC));
        final String until = preferences.get(PREF_HEURISTIC_UNTIL);
        heuristicUntil = until == null ? Long.MIN_VALUE : Long.parseLong(until);
        keepPayload = Boolean.parseBoolean(preferences.get(PREF_KEEP_PAYLOAD));
    }

    /**
     * Content type under which other dissectors hand on RTP or RTCP packets they demultiplexed (the
     * WebRTC 5-tuple's RFC 7983 demultiplexer gives it first bytes 128-191).
     */
    public static final String CONTENT_TYPE = "application/x-rtp";

    @Override
    public Set<Binding> bindings() {
        return Set.of(Binding.contentType(CONTENT_TYPE));
    }

    @Override
    public boolean heuristic() {
        return heuristic || heuristicUntil != Long.MIN_VALUE;
    }

    @Override
    public Set<Transport> transports() {
        return Set.of(Transport.UDP, Transport.TCP);
    }

    /**
     * The heuristic (only consulted when enabled): UDP, both ports at least 1024, version 2, not a
     * payload type RTCP could be mistaken for (72-76, or RFC 5761's RTCP range with the marker),
     * CSRCs and extension inside the datagram, a padding count that fits. WEAK at best.
     */
    @Override
    public Confidence accept(final Payload p, final PacketContext ctx) {
        if (!heuristic && ctx.tsNanos() >= heuristicUntil || ctx.transport() != Transport.UDP
            || p.length() < RtpHeader.HEADER_LENGTH) {
            return Confidence.NO;
        }
        if (ctx.flow() != null && (ctx.flow().portA() < HEURISTIC_MIN_PORT || ctx.flow().portB() < HEURISTIC_MIN_PORT)) {
            return Confidence.NO;
        }
        if (!plausible(p)) {
            return Confidence.NO;
        }
        acceptedByHeuristic = ctx.flow();
        return Confidence.WEAK;
    }

    /** Header checks shared by the heuristic and the sessions of heuristic conversations. */
    static boolean plausible(final Payload p) {
        if (p.length() < RtpHeader.HEADER_LENGTH || RtpHeader.version(p) != RtpHeader.VERSION) {
            return false;
        }
        final int pt = RtpHeader.payloadType(p);
        if (pt >= 72 && pt <= 76 || RtpHeader.isRtcpMux(p)) {
            return false;
        }
        final int hdr = RtpHeader.headerLength(p);
        if (hdr < 0) {
            return false;
        }
        if (RtpHeader.padding(p)) {
            final int pad = p.u8(p.length() - 1);
            return pad != 0 && pad <= p.length() - hdr;
        }
        return true;
    }

    @Override
    public DissectorSession open(final ConversationContext conversation) {
        final boolean found = acceptedByHeuristic != null && acceptedByHeuristic.equals(conversation.flow());
        acceptedByHeuristic = null;
        return new RtpSession(conversation, keepPayload, found);
    }

    /** The packet as tshark's "Real-Time Transport Protocol" shows it (over TCP: after the RFC 4571 length). */
    @Override
    public java.util.List<dev.callscope.core.FieldNode> describe(final Payload message, final PacketContext ctx,
                                                                 final dev.callscope.dissect.Describer more) {
        if (ctx.transport() == Transport.TCP && message.length() > 2) {
            final java.util.List<dev.callscope.core.FieldNode> out = new java.util.ArrayList<>();
            out.add(new dev.callscope.core.FieldNode("RFC 4571 length: " + message.u16(0), "rtp.rfc4571.len",
                String.valueOf(message.u16(0)), 0, 2));
            for (final dev.callscope.core.FieldNode n : RtpTree.rtp(message.slice(2, message.length() - 2), ctx, more)) {
                out.add(n.shift(2));
            }
            return out;
        }
        return RtpTree.rtp(message, ctx, more);
    }
}
