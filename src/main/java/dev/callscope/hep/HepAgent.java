package dev.callscope.hep;

import dev.callscope.core.Endpoint;
import dev.callscope.core.Limits;
import dev.callscope.decode.HepHeader;
import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.tap.Tap;
import dev.callscope.dissect.rtp.RtcpPacket;
import dev.callscope.dissect.sdp.SdpBody;
import dev.callscope.dissect.sip.SipMessage;
import dev.callscope.flow.rtp.CallMedia;
import dev.callscope.flow.rtp.RtpStream;
import dev.callscope.flow.rtp.RtpStreamTracker;
import dev.callscope.flow.sip.SipCall;
import dev.callscope.flow.sip.SipCallTracker;
import dev.callscope.output.HepReports;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * callscope as a HOMER capture agent: every SIP message the analysis reads goes to the collector
 * as HEPv3 (type SIP, correlation id the Call-ID), every RTCP sender or receiver report as HOMER's
 * RTCP JSON (type 5) with the Call-ID of the call whose SDP announced its ports, and, when a call is
 * over, one quality summary per RTP stream of the call (type 34). Times are the packets' own
 * capture times, so a replayed file keeps its timestamps.
 *
 * <p>Add {@link #taps()} to the engine: the agent follows calls and streams with trackers of its
 * own, which keep only the calls in progress.
 */
public final class HepAgent implements Tap {
    /** What the agent sent. */
    public record Report(HepTarget target, long sip, long rtcp, long qos, long tooLarge, HepSender.Stats sender) {
        /** Packets handed to the sender. */
        public long packets() {
            return sip + rtcp + qos;
        }
    }

    private final HepSender sender;
    private final HepEncoder encoder;
    private final SipCallTracker calls;
    private final RtpStreamTracker rtp;
    /** The Call-ID of the call whose SDP last announced each media (RTP and RTCP) endpoint. */
    private final LinkedHashMap<Endpoint, String> mediaCall;
    private long lastSipFrame = -1;
    private String lastCallId;
    private long sip;
    private long rtcp;
    private long qos;
    private long tooLarge;
    private boolean ended;

    private HepAgent(final HepSender sender, final long captureId, final String password, final Limits limits) {
        this.sender = sender;
        this.encoder = new HepEncoder(captureId, password == null ? null : password.getBytes(StandardCharsets.UTF_8));
        final int maxEndpoints = Math.max(16, 2 * limits.maxStreams);
        this.mediaCall = new LinkedHashMap<>(64, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(final Map.Entry<Endpoint, String> eldest) {
                return size() > maxEndpoints;
            }
        };
        this.rtp = new RtpStreamTracker(limits, 0);
        this.calls = new SipCallTracker(limits.maxCalls);
        calls.media(rtp).stream(SipCallTracker.Retention.NONE, new SipCallTracker.Listener() {
            @Override
            public void closed(final SipCall c) {
                quality(c);
            }
        }, limits.callLingerNanos, limits.callIdleTimeoutNanos);
        rtp.stream(limits.streamIdleTimeoutNanos, true, s -> { });
    }

    /**
     * An agent sending to {@code target}.
     *
     * @param captureId the capture agent id (--hep-id)
     * @param password the auth key (--hep-password), or null
     * @throws IOException when the socket cannot be opened
     */
    public static HepAgent start(final HepTarget target, final long captureId, final String password,
                                 final Limits limits) throws IOException {
        return new HepAgent(HepSender.open(target), captureId, password, limits);
    }

    /** The taps to add to the engine, in this order (the agent's trackers first, then the agent). */
    public List<Tap> taps() {
        return List.of(calls, rtp, this);
    }

    @Override
    public boolean wants(final Class<? extends ProtocolEvent> type) {
        return type == SipMessage.class || type == RtcpPacket.class || type == SdpBody.class;
    }

    @Override
    public void onEvent(final ProtocolEvent event) {
        if (event instanceof SipMessage m) {
            sip(m);
        } else if (event instanceof SdpBody b) {
            sdp(b);
        } else if (event instanceof RtcpPacket p) {
            rtcp(p);
        }
    }

    private void sip(final SipMessage m) {
        lastSipFrame = m.frame();
        lastCallId = m.callId();
        final byte[] payload = m.raw().getBytes(StandardCharsets.ISO_8859_1);
        final int proto = switch (m.transport()) {
            case "UDP" -> 17;
            case "SCTP" -> 132;
            default -> 6;
        };
        if (send(m.src(), m.dst(), proto, m.tsNanos(), HepHeader.TYPE_SIP, payload, m.callId())) {
            sip++;
        }
    }

    private void sdp(final SdpBody b) {
        final String callId = b.frame() == lastSipFrame ? lastCallId : null;
        if (callId == null) {
            return;
        }
        for (final SdpBody.Media m : b.media()) {
            if (m.port() <= 0 || m.connectionAddress() == null) {
                continue;
            }
            final Endpoint e = CallMedia.announced(m.connectionAddress(), m.port());
            if (e == null) {
                continue;
            }
            mediaCall.put(e, callId);
            final Endpoint control = m.rtcpMux() ? null : m.rtcpPort() > 0
                ? CallMedia.announced(m.rtcpAddress() != null ? m.rtcpAddress() : m.connectionAddress(), m.rtcpPort())
                : CallMedia.announced(m.connectionAddress(), m.port() + 1);
            if (control != null) {
                mediaCall.put(control, callId);
            }
        }
    }

    private void rtcp(final RtcpPacket p) {
        final byte[] json = HepReports.rtcp(p);
        if (json == null) {
            return;
        }
        String callId = mediaCall.get(p.dst());
        if (callId == null) {
            callId = mediaCall.get(p.src());
        }
        if (send(p.src(), p.dst(), 17, p.tsNanos(), HepHeader.TYPE_RTCP, json, callId)) {
            rtcp++;
        }
    }

    /** One quality report per stream of a call that is over. */
    private void quality(final SipCall c) {
        for (final RtpStream s : CallMedia.streamsOf(c, rtp)) {
            final byte[] json = HepReports.streamQuality(c.callId(), s, Math.max(s.endNanos(), c.endNanos()));
            if (send(s.src(), s.dst(), 17, Math.max(s.endNanos(), c.endNanos()), HepHeader.TYPE_QOS_REPORT, json,
                c.callId())) {
                qos++;
            }
        }
    }

    private boolean send(final Endpoint src, final Endpoint dst, final int proto, final long tsNanos, final int type,
                         final byte[] payload, final String correlation) {
        if (src == null || dst == null || src.isIpv6() != dst.isIpv6()) {
            return false;
        }
        final int n = encoder.encode(src.isIpv6() ? 6 : 4, proto, src.address(), dst.address(), src.port(), dst.port(),
            tsNanos, type, payload, 0, payload.length,
            correlation == null || correlation.isEmpty() ? null : correlation.getBytes(StandardCharsets.UTF_8));
        if (n < 0) {
            tooLarge++;
            return false;
        }
        sender.send(encoder.buffer(), n);
        return true;
    }

    /** Closes the calls still open (sending their quality reports) and waits for the queue to drain. */
    @Override
    public void onEnd() {
        finish();
    }

    /** As {@link #onEnd}; safe to call more than once. */
    public void finish() {
        if (ended) {
            return;
        }
        ended = true;
        calls.closeAll();
        sender.close();
    }

    public Report report() {
        return new Report(sender.target(), sip, rtcp, qos, tooLarge, sender.stats());
    }
}
