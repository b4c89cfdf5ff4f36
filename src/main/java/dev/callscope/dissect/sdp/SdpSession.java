package dev.callscope.dissect.sdp;

import dev.callscope.core.IpText;
import dev.callscope.core.Endpoint;
import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.ConversationContext;
import dev.callscope.dissect.DissectorSession;
import dev.callscope.dissect.EventSink;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.Severity;
import dev.callscope.dissect.Transport;
import dev.callscope.dissect.sdp.SdpBody.Media;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Parses one SDP body per {@link #onDatagram} call (it keeps no state between bodies), emits it as
 * an {@link SdpBody}, and announces the media flows it describes.
 *
 * <p>Expectations: for every m= line with a port above 0, an RTP proto ("RTP/*" or
 * "UDP/TLS/RTP/*") and a connection address that is an IP literal other than 0.0.0.0 or ::, it
 * calls {@code expect(UDP, addr:port, "rtp", frame)} and, unless a=rtcp-mux,
 * {@code expect(UDP, rtcpAddress-or-addr:rtcpPort, "rtcp", frame)}. A "/count" port announces
 * {@code count} RTP/RTCP pairs (port + 2i, port + 2i + 1; capped at
 * {@link SdpDissector#MAX_PORT_COUNT}). Host names are never resolved: they give an INFO
 * {@code sdp.fqdn_address} and no expectation. Other media (T.38 "udptl", data channels) are not
 * announced.
 */
final class SdpSession implements DissectorSession {
    static final String RTP = "rtp";
    static final String RTCP = "rtcp";
    /** Media with ICE (a=ice-ufrag) or DTLS-SRTP: STUN, DTLS and SRTP share the 5-tuple (RFC 7983). */
    static final String WEBRTC = "webrtc";

    private final ConversationContext conversation;

    SdpSession(final ConversationContext conversation) {
        this.conversation = conversation;
    }

    @Override
    public void onDatagram(final Payload payload, final PacketContext ctx, final EventSink out) {
        final SdpBody body = SdpParser.parse(payload, ctx.frame(), ctx.tsNanos(), ctx.flow(), out);
        out.emit(body);
        if (payload.length() >= 3 && payload.u8(0) == 'v' && payload.u8(1) == '=') {
            out.confirm();
        }
        announce(body, out);
    }

    private void announce(final SdpBody body, final EventSink out) {
        final Set<String> done = new LinkedHashSet<>();
        for (final Media m : body.media()) {
            if (m.port() <= 0 || !m.rtp()) {
                continue;
            }
            final byte[] addr = address(m.connectionAddress(), body.frame(), out, m.type());
            if (addr == null) {
                continue;
            }
            final boolean ice = m.iceUfrag() != null || body.iceUfrag() != null || m.proto() != null && m.proto().startsWith("UDP/TLS/");
            final int pairs = Math.min(m.portCount(), SdpDissector.MAX_PORT_COUNT);
            if (!ice && !m.crypto().isEmpty()) {
                // SDES: the author's key for what it sends from these ports (RFC 4568 6.1)
                final Endpoint rtcp = m.rtcpPort() > 0 && m.rtcpPort() != m.port() && m.rtcpAddress() == null
                    ? new Endpoint(addr, m.rtcpPort()) : null;
                for (final SdpBody.Crypto c : m.crypto()) {
                    conversation.srtpKey(new Endpoint(addr, m.port()), rtcp, c.suite(), c.keyParams(), body.frame());
                }
            }
            for (int i = 0; i < pairs; i++) {
                final int rtpPort = m.port() + 2 * i;
                if (rtpPort > 65535) {
                    break;
                }
                expect(new Endpoint(addr, rtpPort), ice ? WEBRTC : RTP, body.frame(), done);
            }
            if (m.rtcpMux()) {
                continue;
            }
            if (m.rtcpAddress() != null || m.rtcpPort() != m.port() + 1) {
                // explicit a=rtcp (RFC 3605): one RTCP endpoint
                final byte[] rtcpAddr = m.rtcpAddress() == null ? addr
                    : address(m.rtcpAddress(), body.frame(), out, m.type() + " rtcp");
                if (rtcpAddr != null && m.rtcpPort() > 0) {
                    expect(new Endpoint(rtcpAddr, m.rtcpPort()), ice ? WEBRTC : RTCP, body.frame(), done);
                }
                continue;
            }
            for (int i = 0; i < pairs; i++) {
                final int rtcpPort = m.port() + 2 * i + 1;
                if (rtcpPort > 65535) {
                    break;
                }
                expect(new Endpoint(addr, rtcpPort), ice ? WEBRTC : RTCP, body.frame(), done);
            }
        }
    }

    private void expect(final Endpoint e, final String dissector, final long frame, final Set<String> done) {
        if (done.add(dissector + ' ' + e)) {
            conversation.expect(Transport.UDP, e, dissector, frame);
        }
    }

    /** The connection address as bytes, or null (with an anomaly unless it is 0.0.0.0 / :: hold). */
    private static byte[] address(final String text, final long frame, final EventSink out, final String what) {
        if (text == null) {
            out.anomaly(new Anomaly("sdp.missing_connection", Severity.WARN, frame, -1,
                what + " has a port but no c= line at session or media level"));
            return null;
        }
        final byte[] a = IpText.parse(text);
        if (a == null) {
            if (IpText.looksLikeHostName(text)) {
                out.anomaly(new Anomaly("sdp.fqdn_address", Severity.INFO, frame, -1,
                    what + " address " + text + " is a host name: not resolved, no flow expected"));
            } else {
                out.anomaly(new Anomaly("sdp.bad_address", Severity.WARN, frame, -1,
                    what + " address is not an IP literal: " + (text.length() > 64 ? text.substring(0, 64) : text)));
            }
            return null;
        }
        return IpText.isUnspecified(a) ? null : a;
    }
}
