package dev.callscope.flow.rtp;

import dev.callscope.core.HeapBudget;
import dev.callscope.core.Direction;
import dev.callscope.core.Endpoint;
import dev.callscope.core.FlowKey;
import dev.callscope.core.Limits;
import dev.callscope.dissect.Anomaly;
import dev.callscope.tap.FrameRecord;
import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.dissect.Severity;
import dev.callscope.tap.Tap;
import dev.callscope.dissect.rtp.RtcpPacket;
import dev.callscope.dissect.rtp.RtpPacket;
import dev.callscope.dissect.sdp.SdpBody;
import dev.callscope.dissect.sip.SipMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Builds {@link RtpStream}s from the RTP dissector's packets, keyed like Wireshark's stream list
 * (5-tuple and direction plus SSRC). Codec names and clock rates of dynamic payload types come from
 * the SDP bodies seen so far for either endpoint (the latest wins, as a re-INVITE replaces the
 * mapping), static ones from RFC 3551. RTCP report blocks and XR VoIP metrics are tied to the
 * stream of the SSRC they report on; RFC 4733 telephone-events and SIP INFO DTMF become
 * {@link DtmfEvent}s. Bounded: past {@code maxStreams} the least recently active stream is dropped
 * with an anomaly.
 */
public final class RtpStreamTracker implements Tap {

    private final int maxStreams;
    private final long intervalNanos;
    /** Live streams in order of first packet; recency is a flag per stream (see {@link #evictOne}). */
    private final LinkedHashMap<StreamKey, RtpStream> streams = new LinkedHashMap<>(64);
    private final ArrayDeque<RtpStream> dropped = new ArrayDeque<>();
    /** Live streams still of one packet, in order of first packet: the first to go at a bound (a second packet or forget takes a stream out). */
    private final LinkedHashSet<RtpStream> young = new LinkedHashSet<>();
    private long droppedOnePacket;
    private long intervalsHeld;
    /** Intervals kept by all streams together (a jump in packet time on many streams would fill the heap). */
    private int maxIntervalsTotal;
    /** Intervals kept per stream, RTCP reports per stream, SIP INFO DTMF events kept ({@link Limits}). */
    private final int maxIntervalsPerStream;
    private final int maxReports;
    private final int maxSipDtmf;
    private long intervalsDropped;
    private long shedStreams;
    private final StreamKey probe = new StreamKey();
    private final Map<FlowKey, long[]> extendedTimestamps = new HashMap<>();
    /** The latest SDP media description per announced endpoint, with the call that announced it. */
    private final LinkedHashMap<Endpoint, Announce> sdp = new LinkedHashMap<>();
    /** Per Call-ID: its streams, the endpoints its SDP announced, its SIP INFO DTMF. */
    private final Map<String, CallState> byCall = new HashMap<>();
    /** Streams by SSRC, for RTCP report blocks. */
    private final Map<Long, Object> bySsrc = new HashMap<>();
    private final List<DtmfEvent> sipDtmf = new ArrayList<>();
    private final Map<RtpStream, IntervalState> intervalState = new HashMap<>();
    private final List<Anomaly> anomalies = new ArrayList<>();
    private final long[] extSeq = new long[1];
    private int sdpVersion;
    /** Bumped when an endpoint gets its first description (streams without one look it up again). */
    private int endpointsVersion;
    private int nextIndex = 1;
    private long baseNanos = Long.MIN_VALUE;
    private long rtcpPackets;
    private final Map<Integer, Long> rtcpTypes = new java.util.TreeMap<>();
    private long lastSipFrame = -1;
    private String lastSipCallId;
    // streaming: streams that end are handed on and forgotten
    private Consumer<RtpStream> finished;
    private long idleNanos;
    private boolean holdOwned;
    private long nextIdleCheck = Long.MIN_VALUE;
    private long streamsLimitHits;

    /** What an SDP said about one media endpoint, updated in place when a newer SDP says otherwise. */
    static final class Announce {
        SdpBody.Media media;
        boolean rtp;
        int version;
        /** The call that announced the endpoint last. */
        String callId;
        /** Calls that announced it before, most recent last (a few). */
        List<String> earlier = List.of();
        /** When it was last announced (packet time). */
        long nanos;
        /** Streams that follow this description (some may be gone): marked when it changes. */
        final List<RtpStream> holders = new ArrayList<>(2);
    }

    /** Earlier announcers of one endpoint that are remembered. */
    private static final int MAX_EARLIER = 4;

    /** Whether a call (by Call-ID) is still up; set by the SIP call tracker that joins with this one. */
    private java.util.function.Predicate<String> callLive = id -> false;

    /** Tells the tracker which calls are still up, so a stream goes to every call up that announced its ends. */
    public void callsLive(final java.util.function.Predicate<String> live) {
        this.callLive = live;
        this.joined = true;
    }

    /** A SIP call tracker joins with this one (and releases what each call announced when it is written). */
    private boolean joined;

    /** What the tracker keeps per call. */
    private static final class CallState {
        final List<RtpStream> streams = new ArrayList<>(2);
        /** Streams of {@link #streams} dropped as one-packet junk, removed in batches. */
        int discarded;
        final List<Endpoint> announced = new ArrayList<>(2);
        List<DtmfEvent> info = List.of();
        Set<String> infoSeen = Set.of();
    }

    /** A tracker with the default bounds and no time series. */
    public RtpStreamTracker() {
        this(new Limits(), 0);
    }

    /**
     * @param maxStreams streams kept at once (the other bounds: their defaults)
     * @param intervalNanos length of the time-series intervals, 0 for none
     */
    public RtpStreamTracker(final int maxStreams, final long intervalNanos) {
        this(withStreams(maxStreams), intervalNanos);
    }

    private static Limits withStreams(final int maxStreams) {
        final Limits l = new Limits();
        l.maxStreams = maxStreams;
        return l;
    }

    /**
     * @param limits maxStreams, maxIntervals, maxIntervalsPerStream, maxRtcpReportsPerStream, maxSipDtmf
     * @param intervalNanos length of the time-series intervals, 0 for none
     */
    public RtpStreamTracker(final Limits limits, final long intervalNanos) {
        if (limits.maxStreams < 1 || intervalNanos < 0 || limits.maxIntervals < 1) {
            throw new IllegalArgumentException("maxStreams " + limits.maxStreams + ", interval " + intervalNanos);
        }
        this.maxStreams = limits.maxStreams;
        this.intervalNanos = intervalNanos;
        this.maxIntervalsTotal = limits.maxIntervals;
        this.maxIntervalsPerStream = Math.max(1, limits.maxIntervalsPerStream);
        this.maxReports = Math.max(0, limits.maxRtcpReportsPerStream);
        this.maxSipDtmf = Math.max(0, limits.maxSipDtmf);
    }

    /** Stream identity; the probe instance is reused for lookups. */
    private static final class StreamKey {
        FlowKey flow;
        int direction;
        long ssrc;

        StreamKey set(final FlowKey f, final Direction d, final long s) {
            flow = f;
            direction = d.ordinal();
            ssrc = s;
            return this;
        }

        StreamKey copy() {
            final StreamKey k = new StreamKey();
            k.flow = flow;
            k.direction = direction;
            k.ssrc = ssrc;
            return k;
        }

        @Override
        public boolean equals(final Object o) {
            return o instanceof StreamKey k && k.ssrc == ssrc && k.direction == direction && k.flow.equals(flow);
        }

        @Override
        public int hashCode() {
            return (flow.hashCode() * 31 + direction) * 31 + Long.hashCode(ssrc);
        }
    }

    /** The open interval of a stream's time series. */
    private static final class IntervalState {
        long bucket = -1;
        long packets;
        double jitterSum;
        double maxJitter;
        long highestBefore = -1;
    }

    @Override
    public void onFrame(final FrameRecord frame) {
        base(frame.tsNanos);
        if (finished != null && frame.tsNanos >= nextIdleCheck) {
            nextIdleCheck = frame.tsNanos + IDLE_CHECK_NANOS;
            expireIdle(frame.tsNanos);
        }
    }

    /** SDP announcements are kept this many stream timeouts when streaming (10 min by default). */
    private static final long ANNOUNCE_IDLE_FACTOR = 10;

    /** How often (packet time) idle streams are looked for when streaming. */
    private static final long IDLE_CHECK_NANOS = 5_000_000_000L;

    private void base(final long ts) {
        if (baseNanos == Long.MIN_VALUE) {
            baseNanos = ts;
        }
    }

    /**
     * Counts the statistics' milliseconds from {@code nanos} instead of the first frame this
     * tracker sees: parts of one archive read apart share one time base. Before the first frame.
     */
    public void baseNanos(final long nanos) {
        baseNanos = nanos;
    }

    private long carryUntil = Long.MIN_VALUE;
    private int carryMax;
    private final long[] carryLeft = new long[1];

    /**
     * Keeps the packets ({@link RtpStream#steps()}) of each stream whose first packet came before
     * {@code untilNanos}, at most {@code maxSteps} per stream and {@code maxTotal} for all streams
     * together (a stream whose packets stop being kept says so: {@link RtpStream#stepsCut()}): such
     * a stream may be the rest of one
     * an earlier capture file began, and is continued with them.
     */
    public void carry(final long untilNanos, final int maxSteps, final long maxTotal) {
        carryUntil = untilNanos;
        carryMax = maxSteps;
        carryLeft[0] = maxTotal;
    }

    @Override
    public boolean wants(final Class<? extends ProtocolEvent> type) {
        return type == RtpPacket.class || type == RtcpPacket.class || type == SdpBody.class || type == SipMessage.class;
    }

    @Override
    public void onEvent(final ProtocolEvent event) {
        base(event.tsNanos());
        if (event instanceof RtpPacket p) {
            rtp(p);
        } else if (event instanceof SipMessage m) {
            lastSipFrame = m.frame();
            lastSipCallId = m.callId() == null ? "" : m.callId();
            if (m.isRequest() && "INFO".equals(m.method())) {
                sipInfo(m);
            }
        } else if (event instanceof RtcpPacket r) {
            rtcp(r);
        } else if (event instanceof SdpBody b) {
            sdp(b);
        }
    }

    @Override
    public void onEnd() {
        for (final Map.Entry<RtpStream, IntervalState> e : intervalState.entrySet()) {
            closeInterval(e.getKey(), e.getValue(), e.getKey().highestExtended());
        }
        intervalState.clear();
    }

    // ------------------------------------------------------------------ RTP

    private static final int INFO_EVENT = RtpStream.INFO_EVENT;
    private static final int INFO_G711 = RtpStream.INFO_G711;
    private static final int INFO_CLOCK = RtpStream.INFO_CLOCK;

    private void rtp(final RtpPacket p) {
        RtpStream s = attached(p.flow(), p.direction().ordinal(), p.ssrc());
        if (s == null) {
            s = streams.get(probe.set(p.flow(), p.direction(), p.ssrc()));
            if (s == null) {
                final Endpoint dst = p.dst();
                final Endpoint src = p.src();
                final Announce d = sdp.get(dst);
                final Announce a = d != null ? d : sdp.get(src);
                if (a != null && !a.rtp) {
                    return;
                }
                s = open(p, src, dst);
            }
            attach(p.flow(), s);
        }
        s.touched = true;
        if (s.packets() == 1 && !young.isEmpty()) {
            young.remove(s); // a second packet: no longer a candidate for the flood
        }
        if (s.sdpChanged || s.dstAnnounce == null && s.lookupVersion != endpointsVersion) {
            refresh(s); // first packet, or an SDP about this stream's ends arrived since its last one
        }
        if (!s.rtpMedia) {
            return; // the latest SDP for this endpoint moved it to other media (T.38 over UDPTL)
        }
        final int pt = p.payloadType();
        if (pt != s.cachedPt) {
            final Announce a = (Announce) s.announce;
            resolve(s, a == null ? null : a.media, pt);
        }
        final int info = s.cachedInfo;
        final long highestBefore = s.take(p.frame(), p.tsNanos(), baseNanos, p.sequence(), p.timestamp(), pt, p.marker(),
            p.dataLength(), p.srtp(), p.payloadHead(), info, s.cachedCodecClock, extSeq);
        final long ext = s.extTimestamp[0]; // this packet's, extended
        final boolean clear = p.srtp() != RtpPacket.SRTP_AUTH_FAILED;
        if (clear && p.payload() != null && (info & INFO_G711) != 0) {
            if (s.audio.size() < AudioExport.MAX_SAMPLES / 80) {
                if (s.audio.isEmpty()) {
                    s.audio = new ArrayList<>();
                }
                s.audio.add(new RtpStream.AudioChunk(extSeq[0], ext, pt, p.payload()));
            } else {
                s.audioTruncated = true;
            }
        }
        if (intervalNanos > 0) {
            interval(s, p, highestBefore < 0 ? extSeq[0] - 1 : highestBefore);
        }
    }

    /**
     * What the SDP in force says about payload type {@code pt} of stream {@code s}, kept on the
     * stream until the type or the SDP changes: Wireshark's clock (the static table below 96; for
     * dynamic types the SDP rtpmap, none for telephone-event), whether it is an RFC 4733 event and
     * whether it is G.711. The stream's codec name for the type is set when the type is new to it,
     * or when an SDP first names it.
     */
    private static void resolve(final RtpStream s, final SdpBody.Media media, final int pt) {
        final SdpBody.RtpMap map = media == null ? null : media.rtpMap(pt);
        final boolean event = map != null ? map.encoding().regionMatches(true, 0, "telephone-event", 0, 15) : pt == 101;
        int clock;
        if (pt < 96) {
            clock = ClockRates.staticRate(pt);
        } else if (map == null || event) {
            clock = 0;
        } else {
            clock = map.clockRate() != 0 ? map.clockRate() : ClockRates.byName(map.encoding());
        }
        if (!s.seenPayloadType(pt) || map != null && !s.codecs.containsKey(pt)) {
            String name = map != null ? map.codec() : media != null ? media.codecName(pt) : SdpBody.staticCodecName(pt);
            if (name == null && pt == 101) {
                name = "telephone-event/8000"; // tshark's default RFC 2833 payload type
            }
            if (name != null) {
                s.codecs.put(pt, name);
                s.codecClock.put(pt, map != null ? map.clockRate() : ClockRates.staticRate(pt) > 0 ? ClockRates.staticRate(pt) : 8000);
            }
        }
        final Integer codecClock = s.codecClock.get(pt);
        s.cachedPt = pt;
        s.cachedCodecClock = codecClock == null ? 8000 : codecClock;
        s.cachedInfo = (clock & INFO_CLOCK) | (event ? INFO_EVENT : 0)
            | (pt == 0 || pt == 8 || isG711(s.codecs.get(pt)) ? INFO_G711 : 0);
    }

    private static boolean isG711(final String codec) {
        return codec != null && (codec.regionMatches(true, 0, "PCMU/", 0, 5) || codec.regionMatches(true, 0, "PCMA/", 0, 5));
    }

    private RtpStream open(final RtpPacket p, final Endpoint src, final Endpoint dst) {
        if (streams.size() >= maxStreams) {
            drop(evictOne(), p.frame(), false);
        }
        if (heap.newItem()) {
            shed(p.frame());
        }
        final RtpStream s = new RtpStream(nextIndex++, p.flow(), p.direction().ordinal(), src, dst, p.ssrc(),
            p.overTcp() ? "tcp" : p.flow().transportName(), p.frame(), p.tsNanos());
        s.extTimestamp = extendedTimestamps.computeIfAbsent(p.flow(), k -> new long[] {0x1_0000_0000L});
        s.heuristic = p.heuristic();
        if (p.tsNanos() < carryUntil) {
            s.steps = new RtpSteps();
            s.maxSteps = carryMax;
            s.carryLeft = carryLeft;
        }
        streams.put(probe.copy(), s);
        young.add(s);
        final Object prev = bySsrc.putIfAbsent(s.ssrc(), s);
        if (prev != null) {
            if (prev instanceof RtpStream one) {
                final List<RtpStream> l = new ArrayList<>(2);
                l.add(one);
                l.add(s);
                bySsrc.put(s.ssrc(), l);
            } else {
                @SuppressWarnings("unchecked") final List<RtpStream> l = (List<RtpStream>) prev;
                l.add(s);
            }
        }
        s.lookupVersion = endpointsVersion;
        s.dstAnnounce = hold(sdp.get(dst), s);
        s.srcAnnounce = hold(sdp.get(src), s);
        own(s);
        return s;
    }

    /** Anomalies about the stream limit that are kept (the count is always right). */
    private static final int MAX_LIMIT_ANOMALIES = 100;

    /**
     * The SDP in force for a stream: the latest description of its destination, else of its source.
     * Looked up again only when an endpoint the stream has no description for may have got one.
     */
    /**
     * Brings a stream up to the SDP seen so far, once per SDP change (not per packet): the
     * description in force, its owners, whether it still carries RTP.
     */
    private void refresh(final RtpStream s) {
        s.sdpChanged = false;
        final Announce a = announce(s);
        if (s.dstAnnounce != null && ((Announce) s.dstAnnounce).version != s.dstVersion
            || s.srcAnnounce != null && ((Announce) s.srcAnnounce).version != s.srcVersion) {
            own(s); // an SDP announced an end of this stream while it ran: that call has it too
        }
        if (a != s.announce || (a != null && a.version != s.announceVersion)) {
            s.announce = a;
            s.announceVersion = a == null ? -1 : a.version;
            s.cachedPt = -1;
        }
        s.rtpMedia = a == null || a.rtp;
    }

    /**
     * Notes that stream {@code s} follows description {@code a} (when not null), so that a newer SDP
     * for the endpoint marks the stream for {@link #refresh} and packets need not look at it.
     */
    private static Announce hold(final Announce a, final RtpStream s) {
        if (a != null) {
            if (a.holders.size() >= MAX_HOLDERS_BEFORE_PRUNE && a.holders.size() % MAX_HOLDERS_BEFORE_PRUNE == 0) {
                a.holders.removeIf(h -> h.gone);
            }
            a.holders.add(s);
        }
        return a;
    }

    /** A description's list of streams is pruned of gone ones when it grows past multiples of this. */
    private static final int MAX_HOLDERS_BEFORE_PRUNE = 16;

    private Announce announce(final RtpStream s) {
        if (s.dstAnnounce == null && s.lookupVersion != endpointsVersion) {
            s.lookupVersion = endpointsVersion;
            s.dstAnnounce = hold(sdp.get(s.dst()), s);
            if (s.srcAnnounce == null) {
                s.srcAnnounce = hold(sdp.get(s.src()), s);
            }
            own(s);
        }
        return (Announce) (s.dstAnnounce != null ? s.dstAnnounce : s.srcAnnounce);
    }

    /**
     * Gives a stream to the calls whose SDP announced its destination or its source most recently:
     * the call that announced the address while the stream ran (both legs of a B2BUA that passes
     * the media through), never every call that once used the address.
     */
    private void own(final RtpStream s) {
        final Announce d = (Announce) s.dstAnnounce;
        final Announce o = (Announce) s.srcAnnounce;
        s.dstVersion = d == null ? -1 : d.version;
        s.srcVersion = o == null ? -1 : o.version;
        own(s, d == null ? null : d.callId);
        own(s, o == null ? null : o.callId);
        for (final Announce a : new Announce[] {d, o}) {
            if (a != null) {
                for (final String id : a.earlier) {
                    if (callLive.test(id)) {
                        own(s, id);
                    }
                }
            }
        }
    }

    private void own(final RtpStream s, final String callId) {
        if (callId == null || s.callIds.contains(callId)) {
            return;
        }
        if (s.callIds.isEmpty()) {
            s.callIds = List.of(callId);
        } else {
            final List<String> l = new ArrayList<>(s.callIds);
            l.add(callId);
            s.callIds = List.copyOf(l);
        }
        if (joined || finished == null) { // streamed without calls: nobody asks for a call's streams
            byCall.computeIfAbsent(callId, k -> new CallState()).streams.add(s);
        }
    }

    /** Streams of one conversation kept on its key, looked for before the stream table. */
    private static final int MAX_ATTACHED = 16;

    /** The live stream of a conversation, direction and SSRC attached to the conversation's key, or null. */
    private RtpStream attached(final FlowKey flow, final int direction, final long ssrc) {
        final Object o = flow.tapData(this);
        if (o == null) {
            return null;
        }
        final RtpStream[] a = (RtpStream[]) o;
        // slot 0 and 1 hold a stream of that direction when they can: one stream looked at per packet
        final RtpStream first = a[direction];
        if (first != null && first.ssrc() == ssrc && first.direction == direction && !first.gone) {
            return first;
        }
        for (final RtpStream s : a) {
            if (s != null && s.ssrc() == ssrc && s.direction == direction && !s.gone) {
                return s;
            }
        }
        return null;
    }

    private void attach(final FlowKey flow, final RtpStream s) {
        RtpStream[] a = (RtpStream[]) flow.tapData(this);
        if (a == null) {
            a = new RtpStream[2];
            flow.tapData(this, a);
        }
        if (a[s.direction] == null || a[s.direction].gone) {
            a[s.direction] = s;
            return;
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i] == null || a[i].gone) {
                a[i] = s;
                return;
            }
        }
        if (a.length < MAX_ATTACHED) {
            final RtpStream[] b = java.util.Arrays.copyOf(a, a.length * 2);
            b[a.length] = s;
            flow.tapData(this, b);
        }
        // more SSRCs on one conversation than that: the rest are found in the stream table
    }

    /**
     * Drops one stream at the bound: the first in order of first packet that had no packet since
     * the last time this looked at it (the CLOCK approximation of least recently used), so an
     * active stream is never pushed out while an idle one is kept.
     */
    private RtpStream evictOne() {
        if (!young.isEmpty()) {
            return takeOldestOnePacket(); // one packet and nothing since: the flood goes before any real stream
        }
        final List<RtpStream> active = new ArrayList<>();
        RtpStream victim = null;
        final Iterator<RtpStream> it = streams.values().iterator();
        while (it.hasNext()) {
            final RtpStream s = it.next();
            it.remove();
            if (!s.touched) {
                victim = s;
                break;
            }
            s.touched = false;
            active.add(s);
        }
        if (victim == null) {
            victim = active.remove(0); // every stream was active: the oldest goes
        }
        for (final RtpStream s : active) {
            streams.put(keyOf(s), s); // second chance, at the end of the order
        }
        return victim;
    }

    /** Looks at the heap every few thousand new items (see {@link HeapBudget}). */
    private final HeapBudget.Watch heap = new HeapBudget.Watch();

    /**
     * Drops a stream taken out of the stream table at a bound. Streaming hands it on; otherwise a
     * stream of more than one packet is kept for the results and one of a single packet is only
     * counted (and leaves its calls' lists), so a flood of SSRCs costs a counter.
     */
    private void drop(final RtpStream victim, final long frame, final boolean forHeap) {
        forget(victim, false);
        if (forHeap) {
            shedStreams++;
        } else {
            streamsLimitHits++;
        }
        if (victim.packets() <= 1) {
            droppedOnePacket++;
        }
        if (finished != null) {
            finished.accept(victim);
        } else if (victim.packets() > 1) {
            dropped.add(victim);
            if (dropped.size() > maxStreams) {
                dropped.pollFirst();
            }
        } else {
            discard(victim);
        }
        if (streamsLimitHits + shedStreams <= MAX_LIMIT_ANOMALIES) {
            anomalies.add(new Anomaly(forHeap ? "rtp.streams_heap" : "rtp.streams_limit", Severity.WARN, frame, -1,
                (forHeap ? "heap short: stopped tracking " : "more than " + maxStreams + " RTP streams: stopped tracking ") + victim));
        }
    }

    /** The heap is short: drops the streams of one packet, all but the newest few. */
    private void shed(final long frame) {
        while (young.size() > HeapBudget.KEEP) {
            drop(takeOldestOnePacket(), frame, true);
        }
    }

    /** The oldest stream still of one packet, out of the stream table. */
    private RtpStream takeOldestOnePacket() {
        final Iterator<RtpStream> it = young.iterator();
        final RtpStream y = it.next();
        it.remove();
        streams.remove(keyOf(y));
        return y;
    }

    /** A dropped stream of one packet leaves the lists of its calls (compacted when half is gone). */
    private void discard(final RtpStream s) {
        s.discarded = true;
        for (final String id : s.callIds) {
            final CallState c = byCall.get(id);
            if (c != null && ++c.discarded > 64 && c.discarded > c.streams.size() / 2) {
                c.streams.removeIf(x -> x.discarded);
                c.discarded = 0;
            }
        }
    }

    private static StreamKey keyOf(final RtpStream s) {
        return new StreamKey().set(s.flow(), s.direction == 0 ? Direction.A_TO_B : Direction.B_TO_A, s.ssrc());
    }

    /** Wireshark extends RTP timestamps per conversation (both directions, all sources share it). */
    private void interval(final RtpStream s, final RtpPacket p, final long highestBefore) {
        final IntervalState st = intervalState.computeIfAbsent(s, k -> new IntervalState());
        final long bucket = Math.floorDiv(p.tsNanos() - baseNanos, intervalNanos);
        if (st.bucket != bucket) {
            final long previous = st.bucket;
            if (previous >= 0) {
                closeInterval(s, st, highestBefore);
                for (long b = previous + 1; b < bucket && s.intervals.size() < maxIntervalsPerStream; b++) {
                    if (intervalsHeld >= maxIntervalsTotal) {
                        intervalsDropped += Math.min(bucket - b, maxIntervalsPerStream - s.intervals.size());
                        break;
                    }
                    if (s.intervals.isEmpty()) {
                        s.intervals = new ArrayList<>();
                    }
                    s.intervals.add(new RtpStream.Interval(baseNanos + b * intervalNanos, 0, 0, 0, 0));
                    intervalsHeld++;
                }
            }
            st.highestBefore = highestBefore;
            st.bucket = bucket;
            st.packets = 0;
            st.jitterSum = 0;
            st.maxJitter = 0;
        }
        st.packets++;
        st.jitterSum += s.stats.jitter;
        st.maxJitter = Math.max(st.maxJitter, s.stats.jitter);
    }

    /** Ends the open interval; packets expected in it follow the highest sequence number at its end. */
    private void closeInterval(final RtpStream s, final IntervalState st, final long highestEnd) {
        if (st.bucket < 0 || s.intervals.size() >= maxIntervalsPerStream) {
            return;
        }
        if (intervalsHeld >= maxIntervalsTotal) {
            intervalsDropped++;
            st.bucket = -1;
            return;
        }
        intervalsHeld++;
        final long expected = highestEnd - st.highestBefore;
        if (s.intervals.isEmpty()) {
            s.intervals = new ArrayList<>();
        }
        s.intervals.add(new RtpStream.Interval(baseNanos + st.bucket * intervalNanos, st.packets,
            Math.max(0, expected - st.packets), st.maxJitter, st.packets == 0 ? 0 : st.jitterSum / st.packets));
        st.bucket = -1;
    }

    // ------------------------------------------------------------------ RTCP

    /**
     * Sender reports seen lately, by sender SSRC and the middle 32 bits of their NTP timestamp (what a
     * receiver echoes as LSR): when each was captured. A fixed ring, overwritten: bounded by construction.
     */
    private static final int SR_SLOTS = 1024;
    private final long[] srKeys = new long[SR_SLOTS];
    private final long[] srTimes = new long[SR_SLOTS];

    private static int srSlot(final long key) {
        return (int) (key ^ key >>> 29 ^ key >>> 47) & (SR_SLOTS - 1);
    }

    /**
     * Round-trip time of a report block by capture times: when the report came, less when the sender
     * report its LSR names was captured, less DLSR. Clock-free (RFC 3550 section 6.4.1 measures
     * arrival on the sender's own clock, and a sender's NTP clock need not be the capture's); -1 when
     * that sender report was not captured.
     */
    private double capturedRtt(final long reportNanos, final long ssrc, final long lsr, final long dlsr) {
        if (lsr == 0) {
            return -1;
        }
        final long key = ssrc << 32 | lsr;
        final int slot = srSlot(key);
        if (srKeys[slot] != key || srTimes[slot] == 0) {
            return -1;
        }
        final double ms = (reportNanos - srTimes[slot]) / 1e6 - dlsr * 1000.0 / 65536.0;
        return ms < 0 || ms > 60_000 ? -1 : ms;
    }

    private void rtcp(final RtcpPacket r) {
        rtcpPackets++;
        rtcpTypes.merge(r.packetType(), 1L, Long::sum);
        if (r.sender() != null) {
            final long key = r.ssrc() << 32 | r.sender().middle32();
            final int slot = srSlot(key);
            srKeys[slot] = key;
            srTimes[slot] = r.tsNanos();
        }
        for (final RtcpPacket.ReportBlock b : r.reports()) {
            final RtpStream s = reportedStream(b.ssrc(), r);
            if (s == null || s.rtcp.size() >= maxReports) {
                continue;
            }
            final int clock = s.clockRate() > 0 ? s.clockRate() : s.codecClock.getOrDefault(s.payloadType(), 8000);
            if (s.rtcp.isEmpty()) {
                s.rtcp = new ArrayList<>();
            }
            s.rtcp.add(new RtpStream.RtcpReport(r.frame(), r.tsNanos(), r.typeName(), b.fractionLostPercent(),
                b.cumulativeLost(), b.jitter() * 1000.0 / clock, rtt(r, b), -1));
        }
        for (final RtcpPacket.VoipMetrics v : r.voipMetrics()) {
            final RtpStream s = reportedStream(v.ssrc(), r);
            if (s == null || s.rtcp.size() >= maxReports) {
                continue;
            }
            if (s.rtcp.isEmpty()) {
                s.rtcp = new ArrayList<>();
            }
            s.rtcp.add(new RtpStream.RtcpReport(r.frame(), r.tsNanos(), "XR", v.lossRate() * 100.0 / 256, -1, -1,
                v.roundTripDelay() == 0 ? -1 : v.roundTripDelay(), v.mosLq() == 127 ? -1 : v.mosLq() / 10.0));
        }
    }

    /** The stream of {@code ssrc}: preferably one sent to the host that sent the report. */
    private RtpStream reportedStream(final long ssrc, final RtcpPacket r) {
        final Object o = bySsrc.get(ssrc);
        if (o == null) {
            return null;
        }
        if (o instanceof RtpStream one) {
            return one;
        }
        RtpStream any = null;
        final String reporter = r.src().host();
        @SuppressWarnings("unchecked") final List<RtpStream> l = (List<RtpStream>) o;
        for (final RtpStream s : l) {
            if (s.dst().host().equals(reporter)) {
                return s;
            }
            any = s;
        }
        return any;
    }

    /** A report block's round-trip time: by capture times when its sender report was captured, else by the capture clock. */
    private double rtt(final RtcpPacket r, final RtcpPacket.ReportBlock b) {
        final double captured = capturedRtt(r.tsNanos(), b.ssrc(), b.lsr(), b.dlsr());
        return captured >= 0 ? captured : rtt(r.tsNanos(), b.lsr(), b.dlsr());
    }

    /**
     * Round-trip time from a report block (RFC 3550 section 6.4.1): arrival (here: capture time, in
     * the middle 32 bits of NTP) minus LSR minus DLSR; -1 when there was no SR or the result is
     * implausible (negative or over 60 s: the capture point is not near the SR's sender).
     */
    static double rtt(final long tsNanos, final long lsr, final long dlsr) {
        if (lsr == 0) {
            return -1;
        }
        final long ntpSeconds = Math.floorDiv(tsNanos, 1_000_000_000L) + 2_208_988_800L;
        final long frac = Math.floorMod(tsNanos, 1_000_000_000L) * 65536L / 1_000_000_000L;
        final long arrival = ((ntpSeconds & 0xFFFF) << 16) | frac;
        final long diff = (arrival - lsr - dlsr) & 0xFFFF_FFFFL;
        if (diff >= 0x8000_0000L) {
            return -1;
        }
        final double ms = diff * 1000.0 / 65536.0;
        return ms > 60_000 ? -1 : ms;
    }

    // ------------------------------------------------------------------ SDP and SIP INFO

    private void sdp(final SdpBody b) {
        final String callId = b.frame() == lastSipFrame ? lastSipCallId : null;
        for (final SdpBody.Media m : b.media()) {
            if (m.port() <= 0 || m.connectionAddress() == null) {
                continue;
            }
            final Endpoint e = CallMedia.endpoint(m.connectionAddress(), m.port());
            if (e != null) {
                Announce a = sdp.remove(e); // announced again: to the end of the order, which is the order of time
                if (a == null) {
                    a = new Announce();
                    endpointsVersion++;
                }
                sdp.put(e, a);
                a.nanos = b.tsNanos();
                a.media = m;
                a.rtp = m.rtp();
                a.version = ++sdpVersion;
                if (!a.holders.isEmpty()) {
                    a.holders.removeIf(h -> h.gone);
                    for (final RtpStream h : a.holders) {
                        h.sdpChanged = true;
                    }
                }
                if (callId != null && !callId.equals(a.callId)) {
                    if (a.callId != null) {
                        final List<String> l = new ArrayList<>(a.earlier);
                        l.remove(callId);
                        l.add(a.callId);
                        a.earlier = List.copyOf(l.size() > MAX_EARLIER ? l.subList(l.size() - MAX_EARLIER, l.size()) : l);
                    }
                    a.callId = callId;
                    if (joined) {
                        byCall.computeIfAbsent(callId, k -> new CallState()).announced.add(e);
                    }
                }
            }
        }
    }

    private void sipInfo(final SipMessage m) {
        final String type = m.contentType() == null ? "" : m.contentType().toLowerCase(Locale.ROOT);
        if (!type.startsWith("application/dtmf") || sipDtmf.size() >= maxSipDtmf) {
            return;
        }
        final CallState c = byCall.computeIfAbsent(m.callId() == null ? "" : m.callId(), k -> new CallState());
        if (c.infoSeen.isEmpty()) {
            c.infoSeen = new HashSet<>(4);
        }
        if (!c.infoSeen.add(m.cseq() + " " + m.branch())) {
            return; // retransmission
        }
        String signal = null;
        double duration = -1;
        for (final String line : m.body().split("\r?\n")) {
            final int eq = line.indexOf('=');
            if (eq < 0) {
                if (signal == null && !line.isBlank() && type.equals("application/dtmf")) {
                    signal = line.trim();
                }
                continue;
            }
            final String k = line.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            final String v = line.substring(eq + 1).trim();
            if (k.equals("signal")) {
                signal = v;
            } else if (k.equals("duration")) {
                try {
                    duration = Double.parseDouble(v);
                } catch (NumberFormatException ignored) {
                    duration = -1;
                }
            }
        }
        if (signal == null || signal.isEmpty()) {
            return;
        }
        final int code = DtmfEvent.eventOf(signal);
        final String digit = code >= 0 ? DtmfEvent.digitOf(code) : signal;
        final DtmfEvent e = new DtmfEvent(DtmfEvent.SIP_INFO, digit, code, m.tsNanos(), duration, -1, duration >= 0, m.frame(), -1,
            String.valueOf(m.src()), String.valueOf(m.dst()), m.callId());
        sipDtmf.add(e);
        if (c.info.isEmpty()) {
            c.info = new ArrayList<>(4);
        }
        c.info.add(e);
    }

    // ------------------------------------------------------------------ results

    /** Every stream (those dropped at the bound included), in order of first packet. */
    public List<RtpStream> streams() {
        final List<RtpStream> all = new ArrayList<>(dropped);
        all.addAll(streams.values());
        all.sort(Comparator.comparingInt(RtpStream::index));
        return all;
    }

    /** DTMF signalled by SIP INFO, in capture order. */
    public List<DtmfEvent> sipInfoDtmf() {
        return List.copyOf(sipDtmf);
    }

    /** Every DTMF event (RFC 4733 of every stream and SIP INFO), by time. */
    public List<DtmfEvent> allDtmf() {
        final List<DtmfEvent> all = new ArrayList<>(sipDtmf);
        for (final RtpStream s : streams()) {
            all.addAll(s.dtmf());
        }
        all.sort(Comparator.comparingLong(DtmfEvent::startNanos).thenComparingLong(DtmfEvent::frame));
        return all;
    }

    /** RTCP packets seen (each packet of a compound datagram counts). */
    public long rtcpPackets() {
        return rtcpPackets;
    }

    /** RTCP packets by packet type. */
    public Map<Integer, Long> rtcpTypes() {
        return java.util.Collections.unmodifiableMap(rtcpTypes);
    }

    /** Anomalies of the tracker itself (stream limit). */
    public List<Anomaly> anomalies() {
        return List.copyOf(anomalies);
    }

    /** Capture time of the first frame seen (the origin of tshark's relative times), or 0. */
    public long firstNanos() {
        return baseNanos == Long.MIN_VALUE ? 0 : baseNanos;
    }

    /** The streams of a set of media endpoints (a call's SDP endpoints): see {@link CallMedia}. */
    public List<RtpStream> streamsFor(final Collection<String> mediaEndpoints) {
        return CallMedia.streamsFor(mediaEndpoints, streams());
    }

    /** The streams whose addresses the call's SDP announced when they began, in index order. */
    public List<RtpStream> streamsOfCall(final String callId) {
        final CallState c = byCall.get(callId);
        return c == null ? List.of() : List.copyOf(c.streams);
    }

    /** DTMF the call sent by SIP INFO, in capture order. */
    public List<DtmfEvent> sipInfoDtmf(final String callId) {
        final CallState c = byCall.get(callId);
        return c == null ? List.of() : List.copyOf(c.info);
    }

    /** Capture time of the last RTP packet of the call's streams, or -1. */
    public long lastMediaNanos(final String callId) {
        final CallState c = byCall.get(callId);
        long last = -1;
        if (c != null) {
            for (final RtpStream s : c.streams) {
                last = Math.max(last, s.endNanos());
            }
        }
        return last;
    }

    // ------------------------------------------------------------------ streaming

    /**
     * Streams from now on: a stream that has been silent for {@code idleNanos} of capture time (or
     * that the stream limit pushes out) goes to {@code finished} and is forgotten. With {@code
     * holdOwned}, streams that belong to a call wait for {@link #release(String)} instead.
     */
    public void stream(final long idleNanos, final boolean holdOwned, final Consumer<RtpStream> finished) {
        this.idleNanos = idleNanos;
        this.holdOwned = holdOwned;
        this.finished = finished;
    }

    /** Hands on the streams silent for the idle time (a look at every live stream, once a second of packet time). */
    private void expireIdle(final long now) {
        // what an SDP said about an endpoint is forgotten ANNOUNCE_IDLE_FACTOR stream timeouts after
        // it was said (a stream already running keeps its description)
        final Iterator<Announce> old = sdp.values().iterator();
        while (old.hasNext() && old.next().nanos + ANNOUNCE_IDLE_FACTOR * idleNanos < now) {
            old.remove();
        }
        List<RtpStream> idle = null;
        final Iterator<RtpStream> it = streams.values().iterator();
        while (it.hasNext()) {
            final RtpStream s = it.next();
            if (s.endNanos + idleNanos > now || holdOwned && !s.callIds.isEmpty()) {
                continue;
            }
            it.remove();
            if (idle == null) {
                idle = new ArrayList<>();
            }
            idle.add(s);
        }
        if (idle != null) {
            for (final RtpStream s : idle) {
                forget(s, true);
                finished.accept(s);
            }
        }
    }

    /**
     * Forgets a call that was written: its streams, the endpoints it announced (unless a later call
     * announced them again), its SIP INFO digits. Returns its streams.
     */
    public List<RtpStream> release(final String callId) {
        final CallState c = byCall.remove(callId);
        if (c == null) {
            return List.of();
        }
        for (final RtpStream s : c.streams) {
            boolean held = false; // by another call that shares it and is not written yet
            for (final String id : s.callIds) {
                final CallState o = id.equals(callId) ? null : byCall.get(id);
                held |= o != null && o.streams.contains(s);
            }
            if (!held && streams.remove(probe.set(s.flow(), s.direction == 0 ? Direction.A_TO_B : Direction.B_TO_A, s.ssrc())) != null) {
                forget(s, false);
            }
        }
        for (final Endpoint e : c.announced) {
            final Announce a = sdp.get(e);
            if (a != null && callId.equals(a.callId)) {
                sdp.remove(e);
            }
        }
        return c.streams;
    }

    /** Drops what the tracker keeps about a stream besides the stream table itself. */
    private void forget(final RtpStream s, final boolean fromCalls) {
        s.gone = true;
        young.remove(s);
        if (finished != null) {
            intervalsHeld -= s.intervals.size(); // written with the stream, then gone
        }
        if (s.dstAnnounce != null) {
            ((Announce) s.dstAnnounce).holders.remove(s);
        }
        if (s.srcAnnounce != null) {
            ((Announce) s.srcAnnounce).holders.remove(s);
        }
        final Object att = s.flow().tapData(this); // the conversation may outlive the stream: let it go
        if (att != null) {
            final RtpStream[] a = (RtpStream[]) att;
            for (int i = 0; i < a.length; i++) {
                if (a[i] == s) {
                    a[i] = null;
                }
            }
        }
        final IntervalState st = intervalState.remove(s);
        if (st != null) {
            closeInterval(s, st, s.highestExtended());
        }
        final Object o = bySsrc.get(s.ssrc());
        if (o == s) {
            bySsrc.remove(s.ssrc());
        } else if (o instanceof List<?> l) {
            l.remove(s);
            if (l.isEmpty()) {
                bySsrc.remove(s.ssrc());
            }
        }
        if (finished != null) {
            extendedTimestamps.remove(s.flow());
            if (fromCalls) {
                for (final String id : s.callIds) {
                    final CallState c = byCall.get(id);
                    if (c != null) {
                        c.streams.remove(s);
                        if (c.streams.isEmpty() && c.announced.isEmpty() && c.info.isEmpty()) {
                            byCall.remove(id);
                        }
                    }
                }
            }
        }
    }

    /** Streams the tracker holds now (streaming hands the rest on). */
    public int liveStreams() {
        return streams.size();
    }

    /** Bounds the intervals all streams keep together (see {@code Limits.maxIntervals}). */
    public RtpStreamTracker maxIntervals(final int n) {
        if (n < 1) {
            throw new IllegalArgumentException("maxIntervals " + n);
        }
        this.maxIntervalsTotal = n;
        return this;
    }

    /** Intervals of --interval not kept because all streams together held the bound. */
    public long intervalsDropped() {
        return intervalsDropped;
    }

    /** Whether streams are handed on when they end (then a stream pushed out at the bound is written early, not lost). */
    public boolean streaming() {
        return finished != null;
    }

    /** The bound on streams held at once. */
    public int maxStreams() {
        return maxStreams;
    }

    /** Of the streams pushed out at the bound or for the heap, those of a single packet (not kept unless streaming). */
    public long droppedOnePacket() {
        return droppedOnePacket;
    }

    /** Streams of one packet dropped because the heap was short. */
    public long shedStreams() {
        return shedStreams;
    }

    /** Times the stream limit pushed a stream out. */
    public long streamsLimitHits() {
        return streamsLimitHits;
    }

    /** Hands every stream still held to the streaming consumer, in index order. */
    public void flush() {
        if (finished == null) {
            return;
        }
        final List<RtpStream> rest = new ArrayList<>(streams.values());
        rest.sort(Comparator.comparingInt(RtpStream::index));
        streams.clear();
        for (final RtpStream s : rest) {
            forget(s, true);
            finished.accept(s);
        }
    }
}
