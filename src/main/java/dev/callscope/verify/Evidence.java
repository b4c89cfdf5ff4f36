package dev.callscope.verify;

import dev.callscope.flow.dubbo.DubboTracker;
import dev.callscope.flow.rtp.DtmfEvent;
import dev.callscope.flow.rtp.RtpStream;
import dev.callscope.flow.sip.SipCall;
import dev.callscope.flow.webrtc.Signalling;
import dev.callscope.flow.webrtc.WebrtcSession;
import java.util.List;
import java.util.Map;
import dev.callscope.flow.rtp.CallMedia;

/**
 * What the trackers found in a capture: the facts a spec or an assertion is checked against.
 *
 * @param calls SIP calls (dialogs by Call-ID) in order of first message
 * @param streams RTP streams
 * @param sipInfoDtmf DTMF sent as SIP INFO
 * @param dubbo the Dubbo tracker after the end of the capture
 * @param webrtc the WebRTC sessions (ICE, DTLS, SRTP)
 */
public record Evidence(List<SipCall> calls, List<RtpStream> streams, List<DtmfEvent> sipInfoDtmf, DubboTracker dubbo,
                       List<WebrtcSession> webrtc, Map<String, List<RtpStream>> streamsByCall, Signalling signalling) {
    /**
     * @param streamsByCall the streams of each Call-ID; null to index {@code streams}
     * @param signalling the WebRTC signalling view (clients, rooms), or null
     */
    public Evidence {
        calls = List.copyOf(calls);
        streams = List.copyOf(streams);
        sipInfoDtmf = List.copyOf(sipInfoDtmf);
        webrtc = List.copyOf(webrtc);
        streamsByCall = streamsByCall == null ? CallMedia.byCall(streams) : streamsByCall;
    }

    public Evidence(final List<SipCall> calls, final List<RtpStream> streams, final List<DtmfEvent> sipInfoDtmf,
                    final DubboTracker dubbo, final List<WebrtcSession> webrtc, final Map<String, List<RtpStream>> streamsByCall) {
        this(calls, streams, sipInfoDtmf, dubbo, webrtc, streamsByCall, null);
    }

    public Evidence(final List<SipCall> calls, final List<RtpStream> streams, final List<DtmfEvent> sipInfoDtmf,
                    final DubboTracker dubbo, final List<WebrtcSession> webrtc) {
        this(calls, streams, sipInfoDtmf, dubbo, webrtc, null, null);
    }

    /** Without WebRTC sessions. */
    public Evidence(final List<SipCall> calls, final List<RtpStream> streams, final List<DtmfEvent> sipInfoDtmf,
                    final DubboTracker dubbo) {
        this(calls, streams, sipInfoDtmf, dubbo, List.of());
    }
}
