package dev.callscope.flow.sip;

import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.dissect.sdp.SdpBody;
import java.util.ArrayList;
import java.util.List;

/** Turns the SDP dissector's events into what the call tracker needs: a summary line and media endpoints. */
final class SdpSummaries {
    /** An SDP body: frame, one-line summary, announced media endpoints ("10.0.0.1:6000"). */
    record Sdp(long frame, String summary, List<String> mediaEndpoints) {
    }

    private SdpSummaries() {
    }

    /** The SDP of an event, or null when the event is not SDP. */
    static Sdp of(final ProtocolEvent e) {
        if (!(e instanceof SdpBody b)) {
            return null;
        }
        final List<String> endpoints = new ArrayList<>();
        for (final SdpBody.Media m : b.media()) {
            if (m.port() > 0 && m.connectionAddress() != null && !m.hold()) {
                final String addr = m.connectionAddress();
                endpoints.add((addr.indexOf(':') >= 0 ? "[" + addr + "]" : addr) + ":" + m.port());
            }
        }
        return new Sdp(b.frame(), b.summary(), endpoints);
    }
}
