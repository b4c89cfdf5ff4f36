package dev.callscope.ladder;

import dev.callscope.core.Endpoint;
import dev.callscope.dissect.webrtc.DtlsHandshake;
import dev.callscope.flow.webrtc.WebrtcSession;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ladder of one WebRTC session: one lane per endpoint; the STUN checks of each candidate pair
 * collapsed into one arrow (checks, successes, errors, RTT, nomination); the DTLS handshake
 * messages one by one (retransmissions flagged); then each SRTP/SRTCP stream as a bar.
 */
public final class WebrtcLadders {
    private WebrtcLadders() {
    }

    public static Ladder of(final WebrtcSession s) {
        final Lanes lanes = new Lanes();
        final List<Ladder.Step> steps = new ArrayList<>();
        for (final WebrtcSession.Pair p : s.pairs()) {
            final int from = lane(lanes, p.local());
            final int to = lane(lanes, p.remote());
            final List<String> details = new ArrayList<>();
            details.add(p.bindingSuccesses() + " ok, " + p.bindingErrors() + " errors"
                + (Double.isNaN(p.meanRttMs()) ? "" : String.format(Locale.ROOT, ", rtt %.1f ms", p.meanRttMs()))
                + (p.role() == null ? "" : ", " + p.role()));
            if (p.consentChecks() > 0) {
                details.add(String.format(Locale.ROOT, "consent %d every %.0f ms", p.consentChecks(), p.consentIntervalMs()));
            }
            final List<String> flags = new ArrayList<>();
            if (p.bindingErrors() > 0) {
                flags.add("error");
            }
            steps.add(new Ladder.Arrow(p.firstTsNanos(), p.firstFrame(), from, to,
                "STUN Binding x" + p.bindingRequests() + (p.nominated() ? " NOMINATED" : ""), details, flags, null));
        }
        for (final DtlsHandshake h : s.dtls().messages()) {
            final int from = lane(lanes, h.src());
            final int to = lane(lanes, h.dst());
            final List<String> flags = new ArrayList<>();
            if (h.retransmission()) {
                flags.add("retransmission");
            }
            final List<String> details = new ArrayList<>();
            if (h.msgType() == DtlsHandshake.SERVER_HELLO && h.effectiveVersion() > 0) {
                details.add(dev.callscope.dissect.webrtc.DtlsNames.version(h.effectiveVersion()));
            }
            steps.add(new Ladder.Arrow(h.tsNanos(), h.frame(), from, to, "DTLS " + h.typeName(), details, flags, null));
        }
        for (final WebrtcSession.SrtpStream st : s.srtpStreams()) {
            steps.add(new Ladder.Bar(st.firstTsNanos(), st.lastTsNanos(), lane(lanes, st.src()), lane(lanes, st.dst()),
                (st.rtcp() ? "SRTCP " : "SRTP ") + st.ssrcHex() + " x" + st.packets(),
                new Ladder.Media(st.rtcp() ? "SRTCP" : "SRTP", null, st.packets(), 0)));
        }
        steps.sort(Comparator.comparingLong(Ladder.Step::tsNanos));
        final List<Ladder.Lane> ls = lanes.order.stream().map(l -> new Ladder.Lane(l, l)).toList();
        return new Ladder("WebRTC session " + s.index() + (s.ufragPair() == null ? "" : " (" + s.ufragPair() + ")"), ls, steps, Ladder.Kind.WEBRTC);
    }

    /** Lanes in order of first use, with an index from endpoint to lane. */
    private static final class Lanes {
        final List<String> order = new ArrayList<>();
        final Map<String, Integer> index = new HashMap<>();
    }

    private static int lane(final Lanes lanes, final Endpoint e) {
        final String k = e.toString();
        return lanes.index.computeIfAbsent(k, x -> {
            lanes.order.add(x);
            return lanes.order.size() - 1;
        });
    }
}
