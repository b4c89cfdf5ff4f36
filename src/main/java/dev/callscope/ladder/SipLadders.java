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
            steps.add(new Ladder.Arrow(m.tsNanos(), m.frame(), from, to, label, details, flags, m.raw(), facts(m, e.sdpSummary() != null)));
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
        return new Ladder(title.length() == 0 ? "Call " + first.callId() : title.toString(), lanes, steps, Ladder.Kind.SIP);
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
            steps.add(new Ladder.Bar(s.startNanos(), s.endNanos(), from, to, barLabel(s),
                new Ladder.Media(s.srtpDecrypted() > 0 ? "SRTP" : "RTP", s.codec(), s.packets(), s.lost())));
        }
        steps.sort(Comparator.comparingLong(Ladder.Step::tsNanos));
        return groupByHost(new Ladder(base.title(), lanes, steps, base.kind()));
    }

    /**
     * Puts the lanes of one host next to each other, hosts in order of first appearance: the first
     * host's media ports left of its signalling port, the others' to the right, so that signalling
     * arrows stay short and media bars run beside them.
     */
    static Ladder groupByHost(final Ladder l) {
        final Map<String, List<Integer>> byHost = new LinkedHashMap<>();
        for (int i = 0; i < l.lanes().size(); i++) {
            byHost.computeIfAbsent(host(l.lanes().get(i).id()), k -> new ArrayList<>()).add(i);
        }
        final int[] newIndex = new int[l.lanes().size()];
        final List<Ladder.Lane> lanes = new ArrayList<>();
        boolean first = true;
        for (final List<Integer> group : byHost.values()) {
            // the first host's media lanes go to its left, the others' to their right: signalling stays in the middle
            final List<Integer> order = new ArrayList<>(group);
            if (first && order.size() > 1) {
                order.add(order.remove(0));
            }
            first = false;
            for (final int old : order) {
                newIndex[old] = lanes.size();
                lanes.add(l.lanes().get(old));
            }
        }
        final List<Ladder.Step> steps = new ArrayList<>();
        for (final Ladder.Step st : l.steps()) {
            if (st instanceof Ladder.Arrow a) {
                steps.add(a.between(newIndex[a.from()], newIndex[a.to()]));
            } else if (st instanceof Ladder.Bar b) {
                steps.add(b.between(newIndex[b.from()], newIndex[b.to()]));
            } else if (st instanceof Ladder.Note n) {
                steps.add(new Ladder.Note(n.tsNanos(), n.lane() < 0 ? n.lane() : newIndex[n.lane()], n.text()));
            }
        }
        return new Ladder(l.title(), lanes, steps, l.kind());
    }

    /** The host part of a lane id ("10.0.0.1:5060" → "10.0.0.1", "[2001:db8::1]:5060" → "[2001:db8::1]"). */
    private static String host(final String laneId) {
        final int colon = laneId.lastIndexOf(':');
        return colon > 0 && laneId.indexOf(']') < colon && (laneId.startsWith("[") || laneId.indexOf(':') == colon)
            ? laneId.substring(0, colon) : laneId;
    }

    /** "RTP PCMA/8000 891 pkts, 0 lost, MOS~4.4": the rtp command has the full figures. */
    /** What a SIP message is, for explanations. */
    static Ladder.Sip facts(final SipMessage m, final boolean sdp) {
        final java.util.Set<String> names = new java.util.HashSet<>();
        for (final SipMessage.Header h : m.headers()) {
            names.add(h.name().toLowerCase(Locale.ROOT));
        }
        return new Ladder.Sip(m.isRequest() ? m.method() : null, m.isRequest() ? 0 : m.statusCode(), m.cseq(),
            m.cseqMethod() == null ? null : m.cseqMethod().toUpperCase(Locale.ROOT), sdp, names);
    }

    static String barLabel(final RtpStream s) {
        return String.format(Locale.ROOT, "RTP %s %d pkts, %d lost, MOS~%.1f", s.codec(), s.packets(), s.lost(),
            s.mosEstimate());
    }
}
