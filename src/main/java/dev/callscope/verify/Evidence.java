package dev.callscope.verify;

import dev.callscope.flow.dubbo.DubboTracker;
import dev.callscope.flow.rtp.DtmfEvent;
import dev.callscope.flow.rtp.RtpStream;
import dev.callscope.flow.sip.SipCall;
import java.util.List;

/**
 * What the trackers found in a capture: the facts a spec or an assertion is checked against.
 *
 * @param calls SIP calls (dialogs by Call-ID) in order of first message
 * @param streams RTP streams
 * @param sipInfoDtmf DTMF sent as SIP INFO
 * @param dubbo the Dubbo tracker after the end of the capture
 */
public record Evidence(List<SipCall> calls, List<RtpStream> streams, List<DtmfEvent> sipInfoDtmf, DubboTracker dubbo) {
    public Evidence {
        calls = List.copyOf(calls);
        streams = List.copyOf(streams);
        sipInfoDtmf = List.copyOf(sipInfoDtmf);
    }
}
