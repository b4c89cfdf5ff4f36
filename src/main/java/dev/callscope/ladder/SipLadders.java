package dev.callscope.ladder;

import dev.callscope.core.Endpoint;
import dev.callscope.dissect.sip.SipMessage;
import dev.callscope.flow.rtp.RtpStream;
import dev.callscope.flow.sip.SipCall;
import dev.callscope.flow.sip.SipEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Builds ladders from SIP calls: one lane per endpoint, one arrow per message, SDP under offers and answers. */
public final class SipLadders {
    private SipLadders() {
    }

    /**
     * A ladder of one call, or of several (the legs of a B2BUA call, sngrep's extended flow) on one
     * time axis.
     *
     * @param byHost merge the ports of one address into one lane
     */
    public static Ladder of(final List<SipCall> calls, final boolean byHost) {
        final List<SipEntry> entries = new ArrayList<>();
        for (final SipCall c : calls) {
            entries.addAll(c.entries());
        }
        entries.sort(Comparator.comparingLong((SipEntry e) -> e.message().tsNanos()).thenComparingLong(e -> e.message().frame()));
        final Map<String, Integer> laneIndex = new LinkedHashMap<>();
        final List<Ladder.Lane> lanes = new ArrayList<>();
        final List<Ladder.Step> steps = new ArrayList<>();
        for (final SipEntry e : entries) {
            final SipMessage m = e.message();
            final int from = lane(laneIndex, lanes, m.src(), byHost);
            final int to = lane(laneIndex, lanes, m.dst(), byHost);
            String label = m.label();
            if (e.sdpSummary() != null) {
                label += " (SDP)";
            }
            final List<String> details = new ArrayList<>();
            if (e.sdpSummary() != null) {
                details.add(e.sdpSummary());
            }
            final List<String> flags = new ArrayList<>();
            flags.add(m.isRequest() ? "request" : m.statusCode() < 200 ? "provisional" : m.statusCode() < 300 ? "success"
                : m.statusCode() < 400 ? "redirect" : "error");
            if (e.retransmission()) {
                flags.add("retransmission");
            }
            steps.add(new Ladder.Arrow(m.tsNanos(), m.frame(), from, to, label, details, flags, m.raw()));
        }
        final SipCall first = calls.get(0);
        final StringBuilder title = new StringBuilder();
        for (final SipCall c : calls) {
            if (title.length() > 0) {
                title.append('\n');
            }
            title.append(String.format(Locale.ROOT, "Call %d  %s  %s  %s -> %s  %s", c.index(), c.callId(), c.method(),
                c.from() == null ? "?" : c.from().uri(), c.to() == null ? "?" : c.to().uri(), c.state().label()));
            if (c.durationSeconds() >= 0) {
                title.append(String.format(Locale.ROOT, "  duration %.3f s", c.durationSeconds()));
            }
        }
        return new Ladder(title.length() == 0 ? "Call " + first.callId() : title.toString(), lanes, steps);
    }

    private static int lane(final Map<String, Integer> index, final List<Ladder.Lane> lanes, final Endpoint e,
                            final boolean byHost) {
        final String id = e == null ? "?" : byHost ? e.host() : e.toString();
        return index.computeIfAbsent(id, k -> {
            lanes.add(new Ladder.Lane(k, k));
            return lanes.size() - 1;
        });
    }

    // ------------------------------------------------------------------ media (RTP streams as bars)

    /**
     * As {@link #of(List, boolean)}, plus one bar per RTP stream of the calls (from its first to its
     * last packet, between its source and destination lanes), labelled with codec, SSRC, packets,
     * loss, jitter and the estimated MOS.
     */
    public static Ladder of(final List<SipCall> calls, final boolean byHost, final List<RtpStream> streams) {
        final Ladder base = of(calls, byHost);
        if (streams.isEmpty()) {
            return base;
        }
        final Map<String, Integer> laneIndex = new LinkedHashMap<>();
        final List<Ladder.Lane> lanes = new ArrayList<>(base.lanes());
        for (int i = 0; i < lanes.size(); i++) {
            laneIndex.put(lanes.get(i).id(), i);
        }
        final List<Ladder.Step> steps = new ArrayList<>(base.steps());
        for (final RtpStream s : streams) {
            final int from = lane(laneIndex, lanes, s.src(), byHost);
            final int to = lane(laneIndex, lanes, s.dst(), byHost);
            steps.add(new Ladder.Bar(s.startNanos(), s.endNanos(), from, to, barLabel(s)));
        }
        steps.sort(Comparator.comparingLong(Ladder.Step::tsNanos));
        return new Ladder(base.title(), lanes, steps);
    }

    /** "RTP PCMA/8000 0x58F33DEA 891 pkts, lost 0 (0.0%), jitter 0.10/0.25 ms, MOS~4.40". */
    static String barLabel(final RtpStream s) {
        return String.format(Locale.ROOT, "RTP %s %s %d pkts, lost %d (%.1f%%), jitter %.2f/%.2f ms, MOS~%.2f",
            s.codec(), s.ssrcHex(), s.packets(), s.lost(), s.lostPercent(), s.meanJitterMs(), s.maxJitterMs(), s.mosEstimate());
    }
}
