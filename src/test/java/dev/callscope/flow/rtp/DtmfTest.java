package dev.callscope.flow.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.callscope.testutil.SharedCaptures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 4733 events against tshark's rtpevent packets (truth files): the packets collapse into the
 * same key presses (a new press starts when the event code changes or a start packet follows an
 * end packet), with the same final duration. SIP INFO DTMF against tshark's decoded INFO bodies.
 */
class DtmfTest {

    /** One key press as tshark's packets show it: ssrc, event code, final duration in timestamp units. */
    record Press(long ssrc, int event, int duration) {
    }

    static List<Press> tsharkPresses(final String truth, final boolean heuristic) {
        final List<Press> out = new ArrayList<>();
        long ssrc = -1;
        int event = -1;
        int duration = 0;
        boolean ended = false;
        final String title = "RTP event (RFC 2833/4733) packets (heur)"; // the only event section of the truth files
        for (final String line : RtpTruth.section(truth, title).split("\n")) {
            final String[] f = line.trim().split("\\s+");
            if (f.length < 7) {
                continue;
            }
            final long s = Long.decode(f[1]);
            final int e = Integer.parseInt(f[3]);
            final boolean end = f[4].equals("1");
            final int d = Integer.parseInt(f[6]);
            if (s != ssrc || e != event || ended && !end) {
                if (ssrc >= 0) {
                    out.add(new Press(ssrc, event, duration));
                }
                ssrc = s;
                event = e;
                duration = 0;
            }
            duration = Math.max(duration, d);
            ended = end;
        }
        if (ssrc >= 0) {
            out.add(new Press(ssrc, event, duration));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rtp/sipp__dtmf_2833_1.pcap", "rtp/sipp__dtmf_2833_star.pcap", "rtp/rtpproxy__dtmf.pcapng",
        "rtp/restcomm__cisco-spa-525G2-zendesk34432.pcap", "sip/sipnab__SIP_DTMF2.cap"})
    void rfc4733DigitsEqualTshark(final String name) throws IOException {
        final Path file = SharedCaptures.file(name);
        final String truth = RtpTruth.truth(file);
        final boolean heuristic = !RtpTruth.hasSip(truth);
        final RtpStreamTracker t = new RtpStreamTracker();
        RtpTruth.run(file, heuristic, t);
        final List<Press> ours = new ArrayList<>();
        for (final RtpStream s : t.streams()) {
            for (final DtmfEvent e : s.dtmf()) {
                ours.add(new Press(e.ssrc(), e.event(), (int) Math.round(e.durationMs() * 8)));
            }
        }
        final List<Press> theirs = tsharkPresses(truth, heuristic);
        assertThat(theirs).isNotEmpty();
        assertThat(ours).containsExactlyInAnyOrderElementsOf(theirs);
    }

    @Test
    void singleDigitWithRetransmittedEndPacketsIsOneEvent() throws IOException {
        final RtpStreamTracker t = new RtpStreamTracker();
        RtpTruth.run(SharedCaptures.file("rtp/sipp__dtmf_2833_star.pcap"), true, t);
        assertThat(t.allDtmf()).extracting(DtmfEvent::digit, DtmfEvent::ended, DtmfEvent::durationMs, DtmfEvent::frame)
            .containsExactly(tuple("*", true, 280.0, 1L));
    }

    @Test
    void sipInfoDtmfRelayDigitsAndDurations() throws IOException {
        final RtpStreamTracker t = new RtpStreamTracker();
        RtpTruth.run(SharedCaptures.file("sip/sipnab__DTMFsipinfo.pcap"), false, t);
        // tshark -V shows Signal= 1, 3, 4, 2 with Duration= 180 in frames 17, 19, 29, 31
        assertThat(t.sipInfoDtmf()).extracting(DtmfEvent::frame, DtmfEvent::digit, DtmfEvent::durationMs, DtmfEvent::source)
            .containsExactly(tuple(17L, "1", 180.0, "sip-info"), tuple(19L, "3", 180.0, "sip-info"),
                tuple(29L, "4", 180.0, "sip-info"), tuple(31L, "2", 180.0, "sip-info"));
        assertThat(t.sipInfoDtmf()).allMatch(e -> e.callId() != null);
    }
}
