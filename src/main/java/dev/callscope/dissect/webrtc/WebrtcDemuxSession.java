package dev.callscope.dissect.webrtc;

import dev.callscope.core.Direction;
import dev.callscope.core.Endpoint;
import dev.callscope.core.ReassemblyBudget;
import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.ConversationContext;
import dev.callscope.dissect.DissectorSession;
import dev.callscope.dissect.EventSink;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.Severity;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One WebRTC 5-tuple: every datagram (or TCP frame) is demultiplexed by its first byte (RFC 7983).
 * TURN Send/Data indications and ChannelData are unwrapped and their content demultiplexed again
 * as a {@link RelayLeg} (one level deep: a relay inside a relay is reported, not followed) between
 * the peer and the client's relayed address (the client's own address until an Allocate success on
 * the 5-tuple names it): the addresses ICE and DTLS on the two peers see.
 *
 * <p>Over TCP, each direction is framed either as STUN over TCP (RFC 8489 section 6.2.2: STUN
 * messages and 4-byte-aligned ChannelData back to back) or, for ICE-TCP (RFC 6544), by RFC 4571's
 * 16-bit length prefix; the first bytes of the direction decide.
 */
final class WebrtcDemuxSession implements DissectorSession {
    /** Relayed legs with their own DTLS state, at most. */
    static final int MAX_LEGS = 32;
    /** TURN channels remembered per 5-tuple (RFC 8656 allows 0x4000-0x4FFF: 4096). */
    static final int MAX_CHANNELS = 4096;
    private static final int UNKNOWN = 0;
    private static final int STUN_TCP = 1;
    private static final int RFC4571 = 2;

    private final ConversationContext conversation;
    private final int maxFragments;
    private final ReassemblyBudget budget;
    private final DtlsParser direct;
    private final Map<String, DtlsParser> legs = new LinkedHashMap<>();
    private final Map<Integer, Endpoint> channels = new HashMap<>();
    private final int[] framing = new int[2];
    private Endpoint turnServer;
    /**
     * The relayed address the TURN server allocated on this 5-tuple (XOR-RELAYED-ADDRESS of an Allocate
     * success), or null: the address the peers see the client's relayed packets come from and go to.
     */
    private Endpoint relayed;
    private boolean announced;

    WebrtcDemuxSession(final ConversationContext conversation) {
        this.conversation = conversation;
        this.maxFragments = conversation.limits().dtlsMaxHandshakeFragments;
        this.budget = conversation.reassemblyBudget();
        this.direct = new DtlsParser(maxFragments, budget);
    }

    @Override
    public void onEnd(final EventSink out) {
        direct.release();
        legs.values().forEach(DtlsParser::release);
    }

    /** The data channels of decrypted DTLS, made at the first decrypted record. */
    private SctpDataChannels dataChannels;

    @Override
    public void onDatagram(final Payload p, final PacketContext ctx, final EventSink out) {
        if (ctx.recordContent()) {
            // the content of a DTLS record the engine decrypted: an SCTP packet of the data channels
            if (dataChannels == null) {
                dataChannels = new SctpDataChannels();
            }
            dataChannels.packet(p, ctx, out);
            return;
        }
        announce(ctx, out, "udp");
        if (p.length() > 0) {
            demux(p, 0, p.length(), ctx, null, out);
        }
    }

    @Override
    public int onStream(final Payload buf, final PacketContext ctx, final EventSink out) {
        final int d = ctx.direction() == Direction.A_TO_B ? 0 : 1;
        if (framing[d] == UNKNOWN) {
            if (buf.length() < 8) {
                return 0;
            }
            final int b0 = buf.u8(0);
            framing[d] = WebrtcDissector.stunAt(buf, 0, true) || b0 >= 64 && b0 <= 79 ? STUN_TCP : RFC4571;
            announce(ctx, out, framing[d] == STUN_TCP ? "stun-tcp" : "rfc4571");
        }
        int i = 0;
        while (i < buf.length()) {
            final int left = buf.length() - i;
            if (framing[d] == RFC4571) {
                if (left < 2 || left < 2 + buf.u16(i)) {
                    break;
                }
                final int n = buf.u16(i);
                if (n > 0) {
                    demux(buf, i + 2, n, ctx, null, out);
                }
                i += 2 + n;
                continue;
            }
            if (left < 4) {
                break;
            }
            final int b0 = buf.u8(i);
            final int n;
            if (b0 <= 3) {
                n = StunHeader.HEADER_LENGTH + buf.u16(i + 2);
            } else if (b0 >= 64 && b0 <= 79) {
                n = (4 + buf.u16(i + 2) + 3) & ~3;
            } else {
                out.anomaly(new Anomaly("stun.tcp_resync", Severity.WARN, ctx.frame(), i,
                    "byte " + b0 + " starts neither STUN nor ChannelData: " + left + " bytes skipped"));
                return buf.length();
            }
            if (left < n) {
                break; // the rest of the message (or a ChannelData's padding) is still to come
            }
            demux(buf, i, n, ctx, null, out);
            i += n;
        }
        return i;
    }

    @Override
    public void onGap(final long seq, final int length, final Direction dir, final EventSink out) {
        // the framing of this direction is lost: decide again on what comes next
        framing[dir == Direction.A_TO_B ? 0 : 1] = UNKNOWN;
    }

    private void announce(final PacketContext ctx, final EventSink out, final String how) {
        if (!announced) {
            announced = true;
            out.emit(new WebrtcFlow(ctx.frame(), ctx.tsNanos(), ctx.flow(), ctx.direction(), how));
        }
    }

    /** RFC 7983 section 7: the first byte decides. */
    private void demux(final Payload p, final int off, final int len, final PacketContext ctx, final RelayLeg leg,
                       final EventSink out) {
        final int b0 = p.u8(off);
        if (b0 <= 3) {
            stun(p, off, len, ctx, leg, out);
        } else if (b0 >= 16 && b0 <= 19) {
            return; // ZRTP (RFC 6189): not decoded
        } else if (b0 >= 20 && b0 <= 63) {
            dtls(leg).datagram(p, off, len, ctx, leg, out);
            out.confirm();
        } else if (b0 >= 64 && b0 <= 79) {
            channelData(p, off, len, ctx, leg, out);
        } else if (b0 >= 128 && b0 <= 191) {
            conversation.handOff(WebrtcDissector.RTP_CONTENT_TYPE, p.slice(off, len), ctx, out);
        } else {
            out.anomaly(new Anomaly("webrtc.unknown_first_byte", Severity.INFO, ctx.frame(), off,
                "first byte " + b0 + " is in no RFC 7983 range"));
        }
    }

    private void stun(final Payload p, final int off, final int len, final PacketContext ctx, final RelayLeg leg,
                      final EventSink out) {
        if (len >= StunHeader.HEADER_LENGTH && !StunHeader.modern(p, off) && !StunHeader.classic(p, off, len)) {
            out.anomaly(new Anomaly("stun.malformed", Severity.WARN, ctx.frame(), off,
                "first byte " + p.u8(off) + " but neither a STUN message with the magic cookie nor an RFC 3489 one"));
            return;
        }
        final StunParser.Parsed parsed = StunParser.parse(p, off, len, ctx, leg, out);
        if (parsed == null) {
            return;
        }
        final StunMessage m = parsed.message();
        out.emit(m);
        out.confirm();
        if (leg != null) {
            if (m.method() == StunMessage.SEND || m.method() == StunMessage.DATA || parsed.dataOffset() >= 0) {
                out.anomaly(new Anomaly("turn.nested_relay", Severity.INFO, ctx.frame(), off,
                    "a TURN message inside a relayed leg: not unwrapped again"));
            }
            return;
        }
        if (m.request() && (m.method() == StunMessage.ALLOCATE || m.method() == StunMessage.CHANNEL_BIND
            || m.method() == StunMessage.CREATE_PERMISSION || m.method() == StunMessage.REFRESH)) {
            turnServer = ctx.destination();
        }
        if (m.method() == StunMessage.ALLOCATE && m.messageClass() == StunMessage.SUCCESS && m.xorRelayedAddress() != null) {
            relayed = m.xorRelayedAddress();
        }
        if (m.method() == StunMessage.CHANNEL_BIND && m.request() && m.channelNumber() != null
            && !m.xorPeerAddresses().isEmpty() && (channels.size() < MAX_CHANNELS || channels.containsKey(m.channelNumber()))) {
            channels.put(m.channelNumber(), m.xorPeerAddresses().get(0));
        }
        if (m.messageClass() == StunMessage.INDICATION && parsed.dataOffset() >= 0 && parsed.dataLength() > 0
            && (m.method() == StunMessage.SEND || m.method() == StunMessage.DATA)) {
            final Endpoint peer = m.xorPeerAddresses().isEmpty() ? null : m.xorPeerAddresses().get(0);
            if (peer == null) {
                out.anomaly(new Anomaly("turn.missing_peer", Severity.WARN, ctx.frame(), off,
                    m.methodName() + " indication without XOR-PEER-ADDRESS"));
                return;
            }
            final RelayLeg inner = m.method() == StunMessage.SEND
                ? new RelayLeg(relayed != null ? relayed : ctx.source(), peer, "send", -1)
                : new RelayLeg(peer, relayed != null ? relayed : ctx.destination(), "data", -1);
            demux(p, parsed.dataOffset(), parsed.dataLength(), ctx, inner, out);
        }
    }

    private void channelData(final Payload p, final int off, final int len, final PacketContext ctx, final RelayLeg leg,
                             final EventSink out) {
        if (len < 4) {
            if (!ctx.truncated()) {
                out.anomaly(new Anomaly("turn.too_short", Severity.WARN, ctx.frame(), off, "ChannelData of " + len + " bytes"));
            }
            return;
        }
        final int ch = p.u16(off);
        final int n = p.u16(off + 2);
        final Endpoint peer = channels.get(ch);
        out.emit(new ChannelData(ctx.frame(), ctx.tsNanos(), ctx.flow(), ctx.direction(), ch, n, peer));
        if (n > len - 4 && !ctx.truncated()) {
            out.anomaly(new Anomaly("turn.bad_length", Severity.WARN, ctx.frame(), off + 2,
                "ChannelData length " + n + " but " + (len - 4) + " bytes follow"));
        }
        final int have = Math.min(n, len - 4);
        if (leg != null || have <= 0) {
            return;
        }
        final Endpoint src = ctx.source();
        final boolean fromServer = turnServer != null ? src.equals(turnServer) : src.port() == WebrtcDissector.STUN_PORT;
        final Endpoint other = peer != null ? peer : new Endpoint(new byte[4], 0);
        final RelayLeg inner = fromServer ? new RelayLeg(other, relayed != null ? relayed : ctx.destination(), "channel", ch)
            : new RelayLeg(relayed != null ? relayed : src, other, "channel", ch);
        demux(p, off + 4, have, ctx, inner, out);
    }

    private DtlsParser dtls(final RelayLeg leg) {
        if (leg == null) {
            return direct;
        }
        final String a = leg.src().toString();
        final String b = leg.dst().toString();
        final String key = a.compareTo(b) <= 0 ? a + ' ' + b : b + ' ' + a;
        DtlsParser d = legs.get(key);
        if (d == null) {
            if (legs.size() >= MAX_LEGS) {
                legs.remove(legs.keySet().iterator().next()).release();
            }
            d = new DtlsParser(maxFragments, budget);
            legs.put(key, d);
        }
        return d;
    }
}
