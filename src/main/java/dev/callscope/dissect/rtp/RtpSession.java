package dev.callscope.dissect.rtp;

import dev.callscope.core.Direction;
import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.ConversationContext;
import dev.callscope.dissect.DissectorSession;
import dev.callscope.dissect.EventSink;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.Severity;
import dev.callscope.dissect.StreamFramer;

/**
 * One RTP conversation: each datagram (or RFC 4571 frame over TCP) becomes an {@link RtpPacket};
 * RTCP multiplexed on the port (RFC 5761) goes to {@link RtcpParser}. Packets that are not RTP
 * version 2 are skipped: STUN (first byte 0-3) and DTLS (20-63) silently, as RFC 7983
 * demultiplexing expects them on a WebRTC 5-tuple; anything else with {@code rtp.bad_version}.
 */
final class RtpSession implements DissectorSession {
    private final boolean keepPayload;
    private final StreamFramer[] framers = new StreamFramer[2];
    private boolean overTcp;

    private final boolean heuristic;

    RtpSession(final ConversationContext conversation, final boolean keepPayload, final boolean heuristic) {
        this.keepPayload = keepPayload;
        this.heuristic = heuristic;
    }

    @Override
    public void onDatagram(final Payload p, final PacketContext ctx, final EventSink out) {
        packet(p, ctx, out);
    }

    @Override
    public int onStream(final Payload buffered, final PacketContext ctx, final EventSink out) {
        overTcp = true;
        final int d = ctx.direction() == Direction.A_TO_B ? 0 : 1;
        if (framers[d] == null) {
            framers[d] = StreamFramer.lengthPrefixed(RtpDissector.ID, 2, 0, 2, 0, RtpDissector.MAX_FRAME, null);
        }
        return framers[d].feed(buffered, ctx, out, (pdu, c, o) -> {
            if (pdu.length() > 2) {
                packet(pdu.slice(2, pdu.length() - 2), c, o);
            }
        });
    }

    @Override
    public void onGap(final long seq, final int length, final Direction dir, final EventSink out) {
        final StreamFramer f = framers[dir == Direction.A_TO_B ? 0 : 1];
        if (f != null) {
            f.reset();
        }
    }

    private void packet(final Payload p, final PacketContext ctx, final EventSink out) {
        final int len = p.length();
        if (len < 1) {
            return;
        }
        // the fixed header is read straight from the array once its length is checked (once per
        // packet, not once per field)
        final byte[] a = p.array();
        final int o = p.offset();
        final int b0 = a[o] & 0xFF;
        if (b0 >>> 6 != RtpHeader.VERSION) {
            if (b0 <= 3 || b0 >= 20 && b0 <= 63) {
                return; // STUN or DTLS on the media 5-tuple (RFC 7983)
            }
            out.anomaly(new Anomaly("rtp.bad_version", Severity.WARN, ctx.frame(), 0, "RTP version " + (b0 >>> 6)));
            return;
        }
        final int b1 = len >= 2 ? a[o + 1] & 0xFF : 0;
        if (b1 >= 128 + RtpHeader.FIRST_RTCP_CONFLICT_PT && b1 <= 128 + RtpHeader.LAST_RTCP_CONFLICT_PT) {
            if (ctx.authFailed()) {
                return; // SRTCP that no key opened: its reports are encrypted
            }
            if (RtcpParser.parse(p, ctx, out, true) > 0) {
                out.confirm();
            }
            return;
        }
        if (len < RtpHeader.HEADER_LENGTH) {
            if (!ctx.truncated()) {
                out.anomaly(new Anomaly("rtp.too_short", Severity.WARN, ctx.frame(), 0, len + " bytes: no room for the RTP header"));
            }
            return;
        }
        final int csrcs = b0 & 0x0F;
        final boolean extension = (b0 & 0x10) != 0;
        final int hdr = csrcs == 0 && !extension ? RtpHeader.HEADER_LENGTH : RtpHeader.headerLength(p);
        if (hdr < 0) {
            if (!ctx.truncated()) {
                out.anomaly(new Anomaly("rtp.malformed", Severity.WARN, ctx.frame(), RtpHeader.HEADER_LENGTH,
                    "CSRC list or header extension runs past the packet"));
            }
            return;
        }
        int payloadLen = len - hdr;
        final boolean padding = (b0 & 0x20) != 0;
        if (padding && !ctx.truncated()) {
            final int pad = a[o + len - 1] & 0xFF;
            if (pad == 0 || pad > payloadLen) {
                out.anomaly(new Anomaly("rtp.bad_padding", Severity.WARN, ctx.frame(), len - 1,
                    "padding count " + pad + " with " + payloadLen + " bytes after the header"));
            }
            payloadLen = Math.max(0, payloadLen - pad);
        }
        if (!out.wants(RtpPacket.class)) {
            out.confirm();
            return;
        }
        final int head = payloadLen >= 4 ? be32(a, o + hdr) : -1;
        final byte[] copy = keepPayload ? p.bytes(hdr, payloadLen) : null;
        out.emit(new RtpPacket(ctx.frame(), ctx.tsNanos(), ctx.flow(), ctx.direction(), (b1 & 0x80) != 0, b1 & 0x7F,
            ((a[o + 2] & 0xFF) << 8) | (a[o + 3] & 0xFF), be32(a, o + RtpHeader.TIMESTAMP_OFFSET) & 0xFFFF_FFFFL,
            be32(a, o + RtpHeader.SSRC_OFFSET) & 0xFFFF_FFFFL, csrcs, extension, padding, len, payloadLen, head, copy,
            overTcp, ctx.decrypted() ? RtpPacket.SRTP_DECRYPTED : ctx.authFailed() ? RtpPacket.SRTP_AUTH_FAILED : RtpPacket.SRTP_NONE,
            heuristic));
        out.confirm();
    }

    private static int be32(final byte[] a, final int i) {
        return (a[i] & 0xFF) << 24 | (a[i + 1] & 0xFF) << 16 | (a[i + 2] & 0xFF) << 8 | (a[i + 3] & 0xFF);
    }
}
