package dev.callscope.flow;

import dev.callscope.core.Limits;
import dev.callscope.flow.dubbo.DubboTracker;
import dev.callscope.flow.rtp.RtpStreamTracker;
import dev.callscope.flow.sip.SipCallTracker;
import dev.callscope.flow.webrtc.WebrtcTracker;
import dev.callscope.tap.Tap;
import java.util.List;

/**
 * The protocol trackers wired as every analysis that wants them all builds them (the library's
 * {@code Capture.read}, the shell, {@code verify}, {@code ladder}): SIP calls with their media
 * ({@code sip.media(rtp)}), Dubbo with its timeouts and payload limit, WebRTC, all bounded by one
 * {@link Limits}. A command that streams or keeps only some calls sets that on the parts.
 */
public record Trackers(SipCallTracker sip, RtpStreamTracker rtp, DubboTracker dubbo, WebrtcTracker webrtc) {
    /** The four trackers for {@code limits}, SIP calls tied to their RTP streams. */
    public static Trackers of(final Limits limits) {
        final SipCallTracker sip = new SipCallTracker(limits.maxCalls);
        final RtpStreamTracker rtp = new RtpStreamTracker(limits, 0);
        sip.media(rtp);
        return new Trackers(sip, rtp, DubboTracker.of(limits), new WebrtcTracker(limits));
    }

    /** The taps, in the order the engine should tell them (SIP before RTP: a call's SDP before its media). */
    public List<Tap> taps() {
        return List.of(sip, rtp, dubbo, webrtc);
    }
}
