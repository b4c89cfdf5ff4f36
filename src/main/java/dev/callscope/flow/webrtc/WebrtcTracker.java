package dev.callscope.flow.webrtc;

import dev.callscope.core.Direction;
import dev.callscope.core.Endpoint;
import dev.callscope.core.FlowKey;
import dev.callscope.core.Limits;
import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.tap.Tap;
import dev.callscope.tap.TcpEvent;
import dev.callscope.dissect.rtp.RtcpPacket;
import dev.callscope.dissect.rtp.RtpPacket;
import dev.callscope.dissect.sdp.SdpBody;
import dev.callscope.dissect.sip.SipMessage;
import dev.callscope.dissect.webrtc.ChannelData;
import dev.callscope.dissect.webrtc.DataChannelEvent;
import dev.callscope.dissect.webrtc.DtlsAlert;
import dev.callscope.dissect.webrtc.DtlsHandshake;
import dev.callscope.dissect.webrtc.DtlsNames;
import dev.callscope.dissect.webrtc.DtlsRecord;
import dev.callscope.dissect.webrtc.StunMessage;
import dev.callscope.dissect.webrtc.WebrtcEvent;
import dev.callscope.dissect.webrtc.WebrtcFlow;
import dev.callscope.dissect.websocket.SignallingMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Rebuilds WebRTC sessions from the WebRTC demultiplexer's events: ICE checklists per ufrag pair
 * (checks, successes, errors, RTT by transaction id, the nominated pair, consent freshness), the
 * DTLS handshake, SRTP/SRTCP streams (RTP and RTCP events on the demultiplexed 5-tuples), TURN,
 * and the correlation with SDP (from SIP or JSON signalling over WebSocket in the capture, or given
 * with {@link #addSdp}); each SDP keeps where it came from ({@link #sdpSources()}). Bounded by
 * {@link Limits}: {@code maxWebrtcSessions} sessions, {@code maxStunTransactions} open transactions
 * (oldest forgotten), {@code maxSrtpStreamsPerSession} streams per session and {@code
 * maxSignallingMessages} signalling messages kept; what each bound left out is counted.
 *
 * <p>Past {@code maxWebrtcSessions} a new session takes the place of one that made no progress:
 * first the oldest with a single packet, then the one without progress whose second packet came
 * longest ago. Progress is a STUN response to one of the session's requests, DTLS handshake messages
 * from both sides, or SRTP/SRTCP. When every kept session made progress, the new one is not tracked.
 * So a flood of one-packet STUN 5-tuples, however early, cannot push a real session out or keep it out.
 */
public final class WebrtcTracker implements Tap {
    private final int maxSessions;
    private final int maxTransactions;
    private final int maxStreams;
    private final int maxSignalling;
    private final int maxSdps;
    /** Timeline steps per session and messages per data channel kept; data channels per session kept. */
    private final int maxTimeline;
    private final int maxDataChannels;
    private long sdpsSeen;
    private long sdpsNotKept;
    private final Map<String, WebrtcSession> byUfrags = new HashMap<>();
    private final Map<FlowKey, WebrtcSession> byFlow = new HashMap<>();
    /** Kept sessions in order of their first packet. */
    private final LinkedHashSet<WebrtcSession> sessions = new LinkedHashSet<>();
    private List<WebrtcSession> sessionList;
    /** Sessions that may be dropped for room, oldest first: a single packet so far, ... */
    private final LinkedHashSet<WebrtcSession> onePacket = new LinkedHashSet<>();
    /** ... and more packets but no progress, in the order their second packet came. */
    private final LinkedHashSet<WebrtcSession> noProgress = new LinkedHashSet<>();
    private int created = 1;
    private final Set<FlowKey> webrtcFlows = new HashSet<>();
    private final LinkedHashMap<String, Tx> transactions = new LinkedHashMap<>();
    private final List<SdpBody> sdps = new ArrayList<>();
    /** Payload type → clock rate, from the SDPs in order of arrival (see {@link #clockRate(int)}). */
    private final Map<Integer, Integer> clockByPayloadType = new HashMap<>();
    /**
     * What each payload type repairs, from the SDPs' a=rtpmap (first SDP wins, as for clock rates):
     * {@link #MEDIA}, {@link #RTX}, {@link #FEC}; indexed by payload type (7 bits).
     */
    private final byte[] repairByPayloadType = new byte[128];
    /** Repair SSRC to the media SSRC it repairs, from a=ssrc-group FID and FEC-FR (first SDP wins). */
    private final Map<Long, long[]> repairedSsrc = new HashMap<>();
    static final byte MEDIA = 0;
    static final byte RTX = 1;
    static final byte FEC = 2;
    private final List<String> sdpSources = new ArrayList<>();
    private final List<SignallingMessage> signalling = new ArrayList<>();
    private long signallingMessages;
    private ProtocolEvent lastCarrier;
    /** The signalling message that carried each SDP (null for other carriers), index for index with {@link #sdps}. */
    private final List<SignallingMessage> sdpCarriers = new ArrayList<>();
    /** SYN, FIN and RST of TCP connections, the first {@code maxSignallingMessages}: connection attempts. */
    private final List<TcpEvent> tcpEvents = new ArrayList<>();
    private long tcpEventsNotKept;
    private Signalling signallingView = new Signalling();
    private long droppedOnePacket;
    private long droppedNoProgress;
    private long untrackedPackets;
    /** Frame of the event being handled, and of the last one whose session could not be tracked. */
    private long eventFrame;
    private long lastUntrackedFrame = -1;
    private long forgottenTransactions;
    /** TURN allocations by the client's 5-tuple to the server. */
    private final Map<FlowKey, WebrtcSession.Allocation> allocationByFlow = new HashMap<>();
    /**
     * The relayed leg the last Send/Data indication or ChannelData of frame {@link #relayFrame} on
     * {@link #relayFlow} carried: the RTP or RTCP of the same frame and flow travelled on it.
     */
    private long relayFrame = -1;
    private FlowKey relayFlow;
    private Endpoint relaySrc;
    private Endpoint relayDst;
    private long untrackedStreamPackets;

    /**
     * A STUN transaction: its first request, kept after the response (until {@code maxStunTransactions}
     * newer ones push it out) so that retransmitted requests and repeated responses count once.
     */
    private static final class Tx {
        final StunMessage request;
        WebrtcSession session;
        final WebrtcSession.Pair pair;
        boolean retransmitted;
        boolean answered;
        /** Legs and directions (bits, see {@link #point}) the last request and the last response were seen on. */
        long requestSeenOn;
        long responseSeenOn;

        Tx(final StunMessage request, final WebrtcSession session, final WebrtcSession.Pair pair) {
            this.request = request;
            this.session = session;
            this.pair = pair;
        }
    }

    public WebrtcTracker() {
        this(new Limits());
    }

    public WebrtcTracker(final Limits limits) {
        this.maxSessions = Math.max(1, limits.maxWebrtcSessions);
        this.maxTransactions = Math.max(1, limits.maxStunTransactions);
        this.maxStreams = Math.max(1, limits.maxSrtpStreamsPerSession);
        this.maxSignalling = Math.max(0, limits.maxSignallingMessages);
        this.maxSdps = Math.max(0, limits.maxWebrtcSdps);
        this.maxTimeline = Math.max(0, limits.webrtcMaxTimeline);
        this.maxDataChannels = Math.max(0, limits.maxDataChannels);
    }

    /** SDP from outside the capture (an offer/answer pair given with --sdp). */
    public void addSdp(final SdpBody sdp) {
        addSdp(sdp, "file");
    }

    /** SDP from outside the capture, with where it came from ("--sdp offer.sdp"). */
    public void addSdp(final SdpBody sdp, final String source) {
        sdps.add(sdp);
        sdpSources.add(source);
        sdpCarriers.add(null);
        indexClockRates(sdp);
    }

    /** Sessions in order of their first packet; those without any WebRTC traffic are left out. */
    public List<WebrtcSession> sessions() {
        if (sessionList == null) {
            sessionList = List.copyOf(sessions);
        }
        return sessionList;
    }

    public List<SdpBody> sdps() {
        return sdps;
    }

    /** SDPs seen in the capture, kept or not (those given with {@link #addSdp} count as kept). */
    public long sdpsSeen() {
        return sdpsSeen;
    }

    /** SDPs with ICE or DTLS attributes past {@code Limits.maxWebrtcSdps}: counted, not kept. */
    public long sdpsNotKept() {
        return sdpsNotKept;
    }

    /** An SDP naming an ICE ufrag or a DTLS fingerprint, at session or media level. */
    private static boolean webrtcRelevant(final SdpBody b) {
        if (b.iceUfrag() != null || b.fingerprint() != null) {
            return true;
        }
        for (final SdpBody.Media m : b.media()) {
            if (m.iceUfrag() != null || m.fingerprint() != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Where each of {@link #sdps()} came from, index for index: "websocket frame 7 message 2 (offer)",
     * "sip frame 3 (INVITE)", "frame 9" (another carrier), or what {@link #addSdp(SdpBody, String)} was given.
     */
    public List<String> sdpSources() {
        return sdpSources;
    }

    /** JSON signalling messages seen over WebSocket, the first {@code Limits.maxSignallingMessages}. */
    public List<SignallingMessage> signalling() {
        return signalling;
    }

    /** All JSON signalling messages seen over WebSocket. */
    public long signallingMessages() {
        return signallingMessages;
    }

    /** Sessions dropped for room, and packets whose new session was never tracked, together. */
    public long droppedSessions() {
        return droppedOnePacket + droppedNoProgress + untrackedPackets;
    }

    /** The bound on sessions ({@code Limits.maxWebrtcSessions}). */
    public int maxSessions() {
        return maxSessions;
    }

    /** Sessions with a single packet dropped to make room for newer ones. */
    public long droppedOnePacketSessions() {
        return droppedOnePacket;
    }

    /** Sessions of several packets but no progress dropped to make room for newer ones. */
    public long droppedSessionsWithoutProgress() {
        return droppedNoProgress;
    }

    /**
     * Packets that would have started a session but were not tracked: the bound was reached and
     * every kept session had made progress.
     */
    public long untrackedPackets() {
        return untrackedPackets;
    }

    public int maxTransactions() {
        return maxTransactions;
    }

    /** STUN requests forgotten before their response because {@code maxStunTransactions} were open. */
    public long forgottenTransactions() {
        return forgottenTransactions;
    }

    public int maxStreams() {
        return maxStreams;
    }

    /** SRTP/SRTCP packets of streams not tracked because their session had {@code maxSrtpStreamsPerSession}. */
    public long untrackedStreamPackets() {
        return untrackedStreamPackets;
    }

    public int maxSignalling() {
        return maxSignalling;
    }

    @Override
    public void onEvent(final ProtocolEvent e) {
        eventFrame = e.frame();
        if (e instanceof RtpPacket p) { // the most frequent event: looked at first, and only on WebRTC flows
            if (!webrtcFlows.isEmpty() && webrtcFlows.contains(p.flow())) {
                srtp(p);
            }
        } else if (e instanceof TcpEvent t) {
            if (tcpEvents.size() < maxSignalling) {
                tcpEvents.add(t);
            } else {
                tcpEventsNotKept++;
            }
        } else if (e instanceof SdpBody b) {
            sdpsSeen++;
            if (!webrtcRelevant(b) || sdps.size() >= maxSdps) {
                // plain media (no ICE, no DTLS fingerprint) says nothing about a WebRTC session
                if (webrtcRelevant(b)) {
                    sdpsNotKept++;
                }
                return;
            }
            sdps.add(b);
            sdpSources.add(source(b));
            sdpCarriers.add(lastCarrier instanceof SignallingMessage m && m.frame() == b.frame() && m.flow() != null
                && m.flow().equals(b.flow()) ? m : null);
            indexClockRates(b);
        } else if (e instanceof SignallingMessage m) {
            signallingMessages++;
            if (signalling.size() < maxSignalling) {
                signalling.add(m);
            }
            lastCarrier = m;
        } else if (e instanceof SipMessage m) {
            lastCarrier = m;
        } else if (e instanceof WebrtcFlow f) {
            webrtcFlows.add(f.flow());
            flowSession(f.flow(), f.tsNanos());
        } else if (e instanceof StunMessage m) {
            stun(m);
        } else if (e instanceof DataChannelEvent d) {
            dataChannel(d);
        } else if (e instanceof ChannelData c) {
            channelData(c);
        } else if (e instanceof DtlsRecord r) {
            final WebrtcSession s = flowSession(r.flow(), r.tsNanos());
            if (s != null) {
                activity(s, r.frame(), false);
                final long point = point(s, r.flow(), r.direction(), r.frame(), r.tsNanos());
                // the same record seen on another leg: the sender's address, epoch and number name it
                if (s.dtlsRecords.copy((((long) r.src().hashCode() * 31 + r.epoch()) << 40) ^ r.sequence(), point)) {
                    s.dtlsCopies++;
                    s.lastDtlsCopyFrame = r.frame();
                    return;
                }
                s.dtls.records++;
                if (r.encrypted()) {
                    s.dtls.encryptedRecords++;
                }
                if (r.contentType() == DtlsRecord.CHANGE_CIPHER_SPEC) {
                    keep(s, r);
                }
            }
        } else if (e instanceof DtlsHandshake h) {
            handshake(h);
        } else if (e instanceof DtlsAlert a) {
            final WebrtcSession s = flowSession(a.flow(), a.tsNanos());
            if (s != null && s.lastDtlsCopyFrame != a.frame()) {
                activity(s, a.frame(), false);
                s.dtls.alerts.add(a.src() + " " + a.summary());
                keep(s, a);
            }
        } else if (e instanceof RtcpPacket p && webrtcFlows.contains(p.flow()) && p.index() == 0) {
            final WebrtcSession s = flowSession(p.flow(), p.tsNanos());
            if (s != null) {
                activity(s, p.frame(), true);
                final long point = point(s, p.flow(), p.direction(), p.frame(), p.tsNanos());
                final WebrtcSession.SrtpStream st = stream(s, p.flow(), p.direction(), p.frame(), p.ssrc(), true, p.tsNanos());
                // SRTCP is encrypted past its first header: type, count and length tell copies apart
                if (st != null && st.copies != null && st.copies.copy((long) p.packetType() << 24 | (long) p.count() << 16 | p.length(), point)) {
                    s.mediaCopies++;
                    return;
                }
                s.srtcpPackets++;
                s.media(p.tsNanos());
                if (st != null) {
                    st.packets++;
                    st.payloadTypes.add(p.packetType());
                    st.lastTsNanos = p.tsNanos();
                }
            }
        }
    }

    @Override
    public void onEnd() {
        final List<Signalling.Sdp> carried = new ArrayList<>();
        for (int i = 0; i < sdps.size(); i++) {
            carried.add(new Signalling.Sdp(sdps.get(i), sdpCarriers.get(i), sdpSources.get(i)));
        }
        signallingView = Signalling.build(signalling, tcpEvents, carried, byUfrags, this::restart);
        sessions.removeIf(s -> s.stunMessages == 0 && s.dtls.records == 0 && s.srtpPackets == 0 && s.srtcpPackets == 0
            && !s.turnSeen());
        int number = 1;
        for (final WebrtcSession s : sessions) {
            s.index = number++;
        }
        sessionList = null;
        if (!sdps.isEmpty()) {
            final Correlation.Index said = new Correlation.Index(sdps, sdpSources);
            for (final WebrtcSession s : sessions) {
                Correlation.correlate(s, said);
            }
        }
    }

    /** The message that carried {@code b}: the last WebSocket or SIP message of its frame and flow. */
    private String source(final SdpBody b) {
        final ProtocolEvent c = lastCarrier;
        if (c != null && c.frame() == b.frame() && c.flow() != null && c.flow().equals(b.flow())) {
            if (c instanceof SignallingMessage m) {
                return m.source();
            }
            if (c instanceof SipMessage m) {
                return "sip frame " + m.frame() + " (" + m.label() + ")";
            }
        }
        return b.flow() == null ? "file" : "frame " + b.frame();
    }

    // ------------------------------------------------------------------ sessions

    private WebrtcSession flowSession(final FlowKey flow, final long ts) {
        WebrtcSession s = byFlow.get(flow);
        if (s == null) {
            s = newSession(flow, ts);
            if (s != null) {
                byFlow.put(flow, s);
            }
        }
        if (s != null) {
            s.flows.add(flow);
            s.lastTsNanos = Math.max(s.lastTsNanos, ts);
        }
        return s;
    }

    private WebrtcSession newSession(final FlowKey flow, final long ts) {
        if (sessions.size() >= maxSessions && !makeRoom()) {
            if (eventFrame != lastUntrackedFrame) { // the flow announcement and the message of one packet count once
                lastUntrackedFrame = eventFrame;
                untrackedPackets++;
            }
            return null;
        }
        final WebrtcSession s = new WebrtcSession(created++, flow, ts);
        s.firstFrame = eventFrame;
        sessions.add(s);
        onePacket.add(s);
        sessionList = null;
        return s;
    }

    /** Drops the session that most looks like junk (see the class comment); false when all made progress. */
    private boolean makeRoom() {
        final LinkedHashSet<WebrtcSession> from = !onePacket.isEmpty() ? onePacket : noProgress;
        if (from.isEmpty()) {
            return false;
        }
        final WebrtcSession victim = from.iterator().next();
        from.remove(victim);
        if (from == onePacket) {
            droppedOnePacket++;
        } else {
            droppedNoProgress++;
        }
        victim.dropped = true;
        sessions.remove(victim);
        for (final FlowKey f : victim.flows) {
            byFlow.remove(f, victim);
        }
        if (victim.ufragA != null) {
            byUfrags.remove(victim.ufragA + ":" + victim.ufragB, victim);
        }
        // a one-packet session's request is its only transaction: forget it with the session
        if (victim.openRequest != null) {
            transactions.remove(victim.openRequest);
        }
        victim.timeline.clear();
        for (final WebrtcSession.Allocation a : victim.allocations) {
            allocationByFlow.remove(a.flow, a);
        }
        return true;
    }

    /**
     * Frame {@code frame} carried something of {@code s}; {@code progress}: something that shows a
     * real session (an answer, a two-sided handshake, media), which takes it out of the candidates
     * for dropping.
     */
    private void activity(final WebrtcSession s, final long frame, final boolean progress) {
        if (frame != s.lastFrame) {
            s.lastFrame = frame;
            s.packets++;
        }
        if (s.progressed) {
            return;
        }
        if (progress && s.packets >= 2) { // a single packet is never progress, whatever it holds
            s.progressed = true;
            onePacket.remove(s);
            noProgress.remove(s);
        } else if (s.packets == 2 && onePacket.remove(s)) {
            noProgress.add(s);
        }
    }

    /** The ICE session of a ufrag pair; the flow's own session is taken over when it has no ufrags yet. */
    private WebrtcSession iceSession(final String a, final String b, final StunMessage m) {
        final String key = a.compareTo(b) <= 0 ? a + ":" + b : b + ":" + a;
        WebrtcSession s = byUfrags.get(key);
        if (s == null) {
            final WebrtcSession own = byFlow.get(m.flow());
            if (own != null && own.ufragA == null) {
                s = own;
            } else {
                s = newSession(m.flow(), m.tsNanos());
                if (s == null) {
                    return null;
                }
            }
            s.ufragA = a.compareTo(b) <= 0 ? a : b;
            s.ufragB = a.compareTo(b) <= 0 ? b : a;
            byUfrags.put(key, s);
        }
        final WebrtcSession own = byFlow.get(m.flow());
        if (own == null || own.ufragA == null) {
            if (own != null && own != s) {
                merge(own, s);
            }
            byFlow.put(m.flow(), s);
        }
        s.flows.add(m.flow());
        s.lastTsNanos = Math.max(s.lastTsNanos, m.tsNanos());
        return s;
    }

    /**
     * A 5-tuple's session without ICE usernames (a TURN allocation, a STUN server query) turns out to
     * carry the checks of ICE session {@code into}: what it holds moves there, and it is no longer listed.
     */
    private void merge(final WebrtcSession from, final WebrtcSession into) {
        sessions.remove(from);
        onePacket.remove(from);
        noProgress.remove(from);
        sessionList = null;
        from.dropped = true;
        from.mergedInto = into;
        for (final FlowKey f : from.flows) {
            byFlow.put(f, into);
            into.flows.add(f);
        }
        into.firstTsNanos = Math.min(into.firstTsNanos, from.firstTsNanos);
        into.lastTsNanos = Math.max(into.lastTsNanos, from.lastTsNanos);
        into.stunMessages += from.stunMessages;
        into.transactions += from.transactions;
        into.retransmissions += from.retransmissions;
        into.answered += from.answered;
        into.duplicateResponses += from.duplicateResponses;
        into.packets += from.packets;
        for (final WebrtcSession.Allocation a : from.allocations) {
            if (into.allocations.size() < WebrtcSession.MAX_ALLOCATIONS) {
                into.allocations.add(a);
            } else {
                allocationByFlow.remove(a.flow, a);
            }
        }
        for (final WebrtcSession.Leg l : from.legs.values()) {
            final WebrtcSession.Leg mine = leg(into, l.flow, l.firstTsNanos);
            if (mine != null) {
                mine.frames[0] += l.frames[0];
                mine.frames[1] += l.frames[1];
                if (mine.lastFrame == l.lastFrame && mine.lastDir == l.lastDir && l.lastFrame >= 0) {
                    mine.frames[l.lastDir]--; // the frame that joined the two sessions was counted by both
                }
                if (mine.allocation == null) {
                    mine.allocation = l.allocation;
                }
                mine.firstTsNanos = Math.min(mine.firstTsNanos, l.firstTsNanos);
                mine.lastTsNanos = Math.max(mine.lastTsNanos, l.lastTsNanos);
                mine.lastFrame = Math.max(mine.lastFrame, l.lastFrame);
            }
        }
        from.streams.forEach(into.streams::putIfAbsent);
        into.srtpPackets += from.srtpPackets;
        into.srtcpPackets += from.srtcpPackets;
        for (final ProtocolEvent e : from.timeline) {
            keep(into, e);
        }
        into.timeline.sort(java.util.Comparator.comparingLong(ProtocolEvent::frame));
        from.timeline.clear();
        if (from.progressed && !into.progressed) {
            into.progressed = true;
            onePacket.remove(into);
            noProgress.remove(into);
        }
    }

    /** The leg of {@code s} on 5-tuple {@code flow}, made when new (null past {@link WebrtcSession#MAX_LEGS}). */
    private WebrtcSession.Leg leg(final WebrtcSession s, final FlowKey flow, final long ts) {
        final WebrtcSession.Leg last = s.lastLeg;
        if (last != null && (last.flow == flow || last.flow.equals(flow))) {
            return last;
        }
        WebrtcSession.Leg leg = s.legs.get(flow);
        if (leg == null) {
            if (s.legs.size() >= WebrtcSession.MAX_LEGS) {
                return null;
            }
            leg = new WebrtcSession.Leg(s.legs.size(), flow, ts);
            final WebrtcSession.Allocation a = allocationByFlow.get(flow);
            if (a != null && s.allocations.contains(a)) {
                leg.allocation = a;
            }
            s.legs.put(flow, leg);
        }
        s.lastLeg = leg;
        return leg;
    }

    /**
     * Counts frame {@code frame} on its leg and gives the leg and direction as one bit (0 past
     * {@link WebrtcSession#MAX_LEGS}): what {@link WebrtcSession.Copies} tells copies apart by.
     */
    private long point(final WebrtcSession s, final FlowKey flow, final Direction d, final long frame, final long ts) {
        final WebrtcSession.Leg leg = leg(s, flow, ts);
        if (leg == null) {
            return 0;
        }
        final int dir = d == Direction.A_TO_B ? 0 : 1;
        if (leg.lastFrame != frame) {
            leg.lastFrame = frame;
            leg.lastDir = dir;
            leg.frames[dir]++;
            leg.lastTsNanos = Math.max(leg.lastTsNanos, ts);
        }
        return 1L << (leg.index * 2 + dir);
    }

    /**
     * A 5-tuple that carried a copy of one of {@code s}'s messages (the relayed address to the peer,
     * seen on the TURN server) belongs to {@code s}: what comes on it later is counted there.
     */
    private void attach(final WebrtcSession s, final FlowKey flow) {
        final WebrtcSession own = byFlow.get(flow);
        if (own == s) {
            return;
        }
        if (own == null || own.ufragA == null) {
            if (own != null) {
                merge(own, s);
            }
            byFlow.put(flow, s);
            s.flows.add(flow);
        }
    }

    /**
     * ICE restart: {@code later} (new ufrags) is the same peer connections as {@code into}; what it
     * holds moves there, and the restart is recorded.
     */
    private void restart(final WebrtcSession later, final WebrtcSession into) {
        if (later == into || later.mergedInto != null) {
            return;
        }
        into.iceRestarts.add(new WebrtcSession.IceRestart(later.firstFrame, later.firstTsNanos, later.ufragPair()));
        later.pairs.forEach(into.pairs::putIfAbsent);
        later.ufragOf.forEach(into.ufragOf::putIfAbsent);
        later.dataChannels.forEach(into.dataChannels::putIfAbsent);
        if (!into.dtls.seen() && later.dtls.seen()) {
            into.dtls.copyFrom(later.dtls);
        }
        into.stunCopies += later.stunCopies;
        into.dtlsCopies += later.dtlsCopies;
        into.mediaCopies += later.mediaCopies;
        for (int i = 0; i < later.mediaGapCount; i++) {
            if (into.mediaGapCount < WebrtcSession.MAX_MEDIA_GAPS) {
                into.mediaGaps[2 * into.mediaGapCount] = later.mediaGaps[2 * i];
                into.mediaGaps[2 * into.mediaGapCount + 1] = later.mediaGaps[2 * i + 1];
                into.mediaGapCount++;
            }
        }
        into.lastMediaNanos = Math.max(into.lastMediaNanos, later.lastMediaNanos);
        merge(later, into);
    }

    /** The signalling view (connections, rooms, offer/answer rounds), made at {@link #onEnd()}. */
    public Signalling signallingView() {
        return signallingView;
    }

    /** TCP SYN, FIN and RST not kept for the signalling view past {@code maxSignallingMessages}. */
    public long tcpEventsNotKept() {
        return tcpEventsNotKept;
    }

    /** The session {@code s} was merged into, if it was. */
    private static WebrtcSession live(final WebrtcSession s) {
        WebrtcSession x = s;
        while (x.mergedInto != null) {
            x = x.mergedInto;
        }
        return x;
    }

    private void keep(final WebrtcSession s, final ProtocolEvent e) {
        if (s.timeline.size() < maxTimeline) {
            s.timeline.add(e);
        }
    }

    // ------------------------------------------------------------------ STUN, ICE, TURN

    private void stun(final StunMessage m) {
        Tx tx = transactions.get(m.transactionId());
        if (tx != null) {
            tx.session = live(tx.session);
            if (tx.session.dropped) {
                transactions.remove(m.transactionId());
                tx = null; // its session made room for another: the message starts afresh
            }
        }
        if (tx != null && m.request() && !(m.src().equals(tx.request.src()) && m.dst().equals(tx.request.dst()))) {
            tx = null; // the same id between other addresses: another transaction
        }
        if (tx != null && (m.request() || m.response())) {
            final WebrtcSession s = tx.session;
            final long point = point(s, m.flow(), m.direction(), m.frame(), m.tsNanos());
            final long seenOn = m.request() ? tx.requestSeenOn : tx.responseSeenOn;
            if (point != 0 && seenOn != 0 && (seenOn & point) == 0) {
                // the same message on another leg of the relay: counted once
                if (m.request()) {
                    tx.requestSeenOn |= point;
                } else {
                    tx.responseSeenOn |= point;
                }
                activity(s, m.frame(), false);
                s.stunCopies++;
                s.lastTsNanos = Math.max(s.lastTsNanos, m.tsNanos());
                attach(s, m.flow());
                return;
            }
            if (m.request()) {
                tx.requestSeenOn = point;
                retransmission(tx, m);
                return;
            }
            if (tx.answered) {
                tx.responseSeenOn = point;
                again(s, m);
                s.duplicateResponses++;
                if (tx.pair != null) {
                    tx.pair.duplicateResponses++;
                    if (m.messageClass() == StunMessage.ERROR) {
                        tx.pair.repeatedErrorCodes.merge(m.errorCode() == null ? 0 : m.errorCode(), 1, Integer::sum);
                    }
                }
                return;
            }
            tx.responseSeenOn = point;
        }
        if (tx != null && !m.response()) {
            tx = null; // an indication reusing an id
        }
        if (tx != null) {
            tx.answered = true;
            tx.session.answered++;
            if (m.transactionId().equals(tx.session.openRequest)) {
                tx.session.openRequest = null;
            }
        }
        WebrtcSession s;
        final String[] uf = ufrags(m.username());
        if (tx != null) {
            s = tx.session;
        } else if (m.method() == StunMessage.BINDING && m.request() && uf != null) {
            s = iceSession(uf[0], uf[1], m);
        } else {
            s = flowSession(m.flow(), m.tsNanos());
        }
        if (s == null) {
            return;
        }
        activity(s, m.frame(), tx != null);
        final long point = tx != null ? 0 : point(s, m.flow(), m.direction(), m.frame(), m.tsNanos());
        s.stunMessages++;
        s.lastTsNanos = Math.max(s.lastTsNanos, m.tsNanos());
        s.flows.add(m.flow());
        keep(s, m);
        WebrtcSession.Pair pair = tx == null ? null : tx.pair;
        if (m.method() == StunMessage.BINDING && m.request() && uf != null) {
            s.ufragOf.putIfAbsent(m.src(), uf[1]);
            s.ufragOf.putIfAbsent(m.dst(), uf[0]);
            final String key = m.src() + " " + m.dst();
            pair = s.pairs.get(key);
            if (pair == null) {
                pair = new WebrtcSession.Pair(m.src(), m.dst(), m.relayed());
                pair.firstTsNanos = m.tsNanos();
                pair.firstFrame = m.frame();
                s.pairs.put(key, pair);
            }
            pair.requests++;
            pair.lastTsNanos = m.tsNanos();
            if (m.iceControlling() != null) {
                pair.role = "controlling";
            } else if (m.iceControlled() != null) {
                pair.role = "controlled";
            }
            if (m.useCandidate()) {
                pair.useCandidate = true;
            }
            if (pair.nominated) {
                pair.consentChecks++;
                pair.consentIntervalsMs.add((m.tsNanos() - pair.lastConsentTsNanos) / 1e6);
                pair.lastConsentTsNanos = m.tsNanos();
            }
        }
        if (m.request()) {
            s.transactions++;
            if (transactions.size() >= maxTransactions) {
                final Iterator<Tx> it = transactions.values().iterator();
                if (!it.next().answered) {
                    forgottenTransactions++;
                }
                it.remove();
            }
            final Tx t = new Tx(m, s, pair);
            t.requestSeenOn = point;
            transactions.put(m.transactionId(), t);
            s.openRequest = m.transactionId();
        }
        if (tx != null && pair != null && m.method() == StunMessage.BINDING) {
            pair.lastTsNanos = m.tsNanos();
            if (m.messageClass() == StunMessage.SUCCESS) {
                pair.successes++;
                if (!tx.retransmitted) { // Karn: a retransmitted check's response matches no one send
                    pair.rttMs.add((m.tsNanos() - tx.request.tsNanos()) / 1e6);
                }
                if (tx.request.useCandidate() && !pair.nominated) {
                    pair.nominated = true;
                    pair.nominatedFrame = m.frame();
                    pair.nominatedTsNanos = m.tsNanos();
                    pair.lastConsentTsNanos = tx.request.tsNanos();
                }
            } else {
                pair.errors++;
                pair.errorCodes.merge(m.errorCode() == null ? 0 : m.errorCode(), 1, Integer::sum);
            }
        }
        if (!m.relayed()) {
            turn(s, m);
        }
    }

    /** A STUN message of a transaction already counted, sent again: on the session's timeline, not a new check. */
    private void again(final WebrtcSession s, final StunMessage m) {
        activity(s, m.frame(), false);
        s.stunMessages++;
        s.lastTsNanos = Math.max(s.lastTsNanos, m.tsNanos());
        keep(s, m);
    }

    /** A request whose transaction id was seen before between the same addresses: one check sent again. */
    private void retransmission(final Tx tx, final StunMessage m) {
        final WebrtcSession s = tx.session;
        tx.retransmitted = true;
        again(s, m);
        s.retransmissions++;
        if (tx.pair != null) {
            tx.pair.retransmissions++;
            tx.pair.lastTsNanos = m.tsNanos();
        }
    }

    /** The allocation of TURN client 5-tuple {@code flow}, made with the first TURN message on it. */
    private WebrtcSession.Allocation allocation(final WebrtcSession s, final FlowKey flow, final long ts) {
        WebrtcSession.Allocation a = allocationByFlow.get(flow);
        if (a == null && s.allocations.size() < WebrtcSession.MAX_ALLOCATIONS) {
            a = new WebrtcSession.Allocation(flow, ts);
            s.allocations.add(a);
            allocationByFlow.put(flow, a);
            final WebrtcSession.Leg leg = s.legs.get(flow);
            if (leg != null) {
                leg.allocation = a;
            }
        }
        if (a != null) {
            a.lastTsNanos = Math.max(a.lastTsNanos, ts);
        }
        return a;
    }

    /** TURN requests, responses and indications on a client's 5-tuple (never relayed ones). */
    private void turn(final WebrtcSession s, final StunMessage m) {
        final int method = m.method();
        if (method != StunMessage.ALLOCATE && method != StunMessage.REFRESH && method != StunMessage.CREATE_PERMISSION
            && method != StunMessage.CHANNEL_BIND && method != StunMessage.SEND && method != StunMessage.DATA) {
            return;
        }
        final WebrtcSession.Allocation a = allocation(s, m.flow(), m.tsNanos());
        if (a == null) {
            return;
        }
        if (m.request()) {
            a.client = m.src();
            a.server = m.dst();
        } else if (a.client == null && m.messageClass() != StunMessage.INDICATION) {
            a.client = m.dst();
            a.server = m.src();
        }
        if (m.messageClass() == StunMessage.ERROR) {
            a.allocateErrors++;
            a.errorCodes.merge(m.errorCode() == null ? 0 : m.errorCode(), 1, Integer::sum);
            return;
        }
        switch (method) {
            case StunMessage.ALLOCATE -> {
                if (m.request()) {
                    a.allocateRequests++;
                } else if (m.messageClass() == StunMessage.SUCCESS) {
                    if (m.xorRelayedAddress() != null) {
                        a.relayed = m.xorRelayedAddress();
                    }
                    if (m.lifetime() != null) {
                        a.lifetime = m.lifetime();
                    }
                }
            }
            case StunMessage.REFRESH -> {
                if (m.request()) {
                    a.refreshes++;
                } else if (m.messageClass() == StunMessage.SUCCESS && m.lifetime() != null) {
                    a.released = m.lifetime() == 0;
                    if (!a.released) {
                        a.lifetime = m.lifetime();
                    }
                }
            }
            case StunMessage.CREATE_PERMISSION -> {
                if (m.request()) {
                    a.createPermissions++;
                    for (final Endpoint p : m.xorPeerAddresses()) {
                        if (a.permissions.size() < WebrtcSession.MAX_ALLOCATIONS) {
                            a.permissions.add(p.host());
                        }
                    }
                }
            }
            case StunMessage.CHANNEL_BIND -> {
                if (m.request() && m.channelNumber() != null && !m.xorPeerAddresses().isEmpty()
                    && (a.channels.size() < WebrtcSession.MAX_ALLOCATIONS || a.channels.containsKey(m.channelNumber()))) {
                    a.channels.put(m.channelNumber(), m.xorPeerAddresses().get(0));
                }
            }
            case StunMessage.SEND, StunMessage.DATA -> {
                if (m.messageClass() != StunMessage.INDICATION) {
                    return;
                }
                if (method == StunMessage.SEND) {
                    a.sendIndications++;
                } else {
                    a.dataIndications++;
                }
                if (!m.xorPeerAddresses().isEmpty()) {
                    final Endpoint peer = m.xorPeerAddresses().get(0);
                    final Endpoint own = a.relayed != null ? a.relayed : method == StunMessage.SEND ? m.src() : m.dst();
                    relay(m.frame(), m.flow(), method == StunMessage.SEND ? own : peer, method == StunMessage.SEND ? peer : own);
                }
            }
            default -> {
            }
        }
    }

    /** What ChannelData of frame {@code f} carries travels between these two (see {@link #relayFrame}). */
    private void relay(final long frame, final FlowKey flow, final Endpoint src, final Endpoint dst) {
        relayFrame = frame;
        relayFlow = flow;
        relaySrc = src;
        relayDst = dst;
    }

    private void channelData(final ChannelData c) {
        final WebrtcSession s = flowSession(c.flow(), c.tsNanos());
        if (s == null) {
            return;
        }
        activity(s, c.frame(), false);
        point(s, c.flow(), c.direction(), c.frame(), c.tsNanos());
        final WebrtcSession.Allocation a = allocation(s, c.flow(), c.tsNanos());
        if (a == null) {
            return;
        }
        final boolean fromServer = a.server != null ? c.src().equals(a.server) : c.src().port() == 3478;
        a.channelData.computeIfAbsent(c.channel(), k -> new long[2])[fromServer ? 1 : 0]++;
        if (c.peer() != null) {
            final Endpoint own = a.relayed != null ? a.relayed : fromServer ? c.dst() : c.src();
            relay(c.frame(), c.flow(), fromServer ? c.peer() : own, fromServer ? own : c.peer());
        }
    }

    static String[] ufrags(final String username) {
        if (username == null) {
            return null;
        }
        final int c = username.indexOf(':');
        if (c <= 0 || c == username.length() - 1) {
            return null;
        }
        return new String[] {username.substring(0, c), username.substring(c + 1)};
    }

    // ------------------------------------------------------------------ DTLS

    private WebrtcSession sessionOf(final WebrtcEvent e) {
        return flowSession(e.flow(), e.tsNanos());
    }

    private void handshake(final DtlsHandshake h) {
        final WebrtcSession s = sessionOf(h);
        if (s == null || s.lastDtlsCopyFrame == h.frame()) {
            return; // nothing, or a copy from another leg of a message counted already
        }
        s.dtlsDirections |= h.direction() == Direction.A_TO_B ? 1 : 2;
        activity(s, h.frame(), s.dtlsDirections == 3);
        final WebrtcSession.Dtls d = s.dtls;
        keep(s, h);
        if (d.messages.size() < maxTimeline) {
            d.messages.add(h);
        }
        if (h.retransmission()) {
            return;
        }
        switch (h.msgType()) {
            case DtlsHandshake.CLIENT_HELLO -> {
                if (d.client == null) {
                    d.client = h.src();
                    d.server = h.dst();
                }
                if (d.offeredSrtpProfiles.isEmpty()) {
                    d.offeredSrtpProfiles.addAll(h.srtpProfiles());
                }
                int max = h.version();
                for (final int v : h.supportedVersions()) {
                    if ((v & 0xFF00) == 0xFE00 && (max == -1 || v < max)) {
                        max = v; // DTLS versions count down: 0xfefc (1.3) < 0xfefd (1.2)
                    }
                }
                d.offeredMaxVersion = max;
            }
            case DtlsHandshake.SERVER_HELLO -> {
                d.server = h.src();
                if (d.client == null) {
                    d.client = h.dst();
                }
                d.version = h.effectiveVersion();
                if (!h.cipherSuites().isEmpty()) {
                    d.cipherSuite = h.cipherSuites().get(0);
                }
                if (!h.srtpProfiles().isEmpty()) {
                    d.srtpProfile = h.srtpProfiles().get(0);
                }
                if (d.version == 0xFEFC) {
                    d.encryptedHandshake = true;
                }
            }
            case DtlsHandshake.HELLO_VERIFY_REQUEST -> {
                d.server = h.src();
                d.client = h.dst();
            }
            case DtlsHandshake.CERTIFICATE -> {
                if (!h.certificateFingerprints().isEmpty()) {
                    d.fingerprints.put(h.src(), h.certificateFingerprints().get(0));
                }
            }
            default -> {
            }
        }
    }

    /** The version as text ("DTLS 1.2"), or null when no ServerHello was seen. */
    public static String versionText(final WebrtcSession.Dtls d) {
        return d.version < 0 ? null : DtlsNames.version(d.version);
    }

    // ------------------------------------------------------------------ SRTP


    private void dataChannel(final DataChannelEvent d) {
        final WebrtcSession s = flowSession(d.flow(), d.tsNanos());
        if (s == null) {
            return;
        }
        WebrtcSession.DataChannel c = s.dataChannels.get(d.streamId());
        if (c == null) {
            if (s.dataChannels.size() >= maxDataChannels) {
                s.dataChannelsDropped++;
                return;
            }
            c = new WebrtcSession.DataChannel(d.streamId());
            s.dataChannels.put(d.streamId(), c);
        }
        final Endpoint src = d.direction() == Direction.A_TO_B ? d.flow().endpointA() : d.flow().endpointB();
        final Endpoint dst = d.direction() == Direction.A_TO_B ? d.flow().endpointB() : d.flow().endpointA();
        if (c.sideA == null) {
            c.sideA = src;
            c.sideB = dst;
        }
        switch (d.kind()) {
            case DataChannelEvent.OPEN -> {
                c.label = d.label();
                c.protocol = d.subprotocol();
                c.channelType = d.channelType();
                c.reliability = d.reliability();
                c.openedBy = src;
            }
            case DataChannelEvent.ACK -> c.acked = true;
            default -> {
                final int side = src.equals(c.sideA) ? 0 : 1;
                c.messages[side]++;
                c.bytes[side] += d.length();
                if (d.unordered()) {
                    c.unordered[side]++;
                }
            }
        }
    }

    private void srtp(final RtpPacket p) {
        final WebrtcSession s = flowSession(p.flow(), p.tsNanos());
        if (s == null) {
            return;
        }
        activity(s, p.frame(), true);
        final long point = point(s, p.flow(), p.direction(), p.frame(), p.tsNanos());
        final WebrtcSession.SrtpStream st = stream(s, p.flow(), p.direction(), p.frame(), p.ssrc(), false, p.tsNanos());
        if (st != null && st.copies != null && st.copies.copy(p.sequence(), point)) {
            s.mediaCopies++; // the same packet on another leg of a TURN relay
            return;
        }
        s.srtpPackets++;
        s.media(p.tsNanos());
        if (st == null) {
            return;
        }
        st.packets++;
        if (p.srtp() == RtpPacket.SRTP_DECRYPTED) {
            st.decrypted++;
        } else if (p.srtp() == RtpPacket.SRTP_AUTH_FAILED) {
            st.authFailures++;
        }
        final byte repair = repairByPayloadType[p.payloadType() & 0x7F];
        if (repair != MEDIA) {
            st.repairPackets++;
            if (st.repairKind == null) {
                st.repairKind = repair == RTX ? "rtx" : "fec";
            }
        }
        if (st.repairOf < 0 && st.repairLookedUpAt != sdps.size()) {
            st.repairLookedUpAt = sdps.size();
            final long[] of = repairedSsrc.get(p.ssrc());
            if (of != null) {
                st.repairOf = of[0];
                st.repairKind = of[1] == RTX ? "rtx" : "fec";
            }
        }
        if (!st.payloadTypes.isEmpty() && !st.payloadTypes.contains(p.payloadType())) {
            st.haveTransit = false; // another payload type (RTX, RED) has its own timestamps
        }
        st.payloadTypes.add(p.payloadType());
        st.lastTsNanos = p.tsNanos();
        final int seq = p.sequence();
        if (st.baseSeq < 0) {
            st.baseSeq = seq;
            st.maxExtSeq = seq;
            st.lastSeq = seq;
        } else {
            final int delta = (seq - st.lastSeq) & 0xFFFF;
            if (delta > 0 && delta < 0x8000) {
                if (seq < st.lastSeq) {
                    st.cycles++;
                }
                st.lastSeq = seq;
                st.maxExtSeq = ((long) st.cycles << 16) + seq;
            }
        }
        if (st.clockRate == 0) {
            st.clockRate = clockRate(st, p.payloadType());
        }
        if (st.clockRate > 0 && repair == MEDIA && st.repairOf < 0) {
            // a repair packet's timestamp is its original's, sent late: no jitter on repair streams
            final long arrival = (long) (p.tsNanos() / 1e9 * st.clockRate);
            final long transit = arrival - p.timestamp();
            if (st.haveTransit) {
                final long dd = Math.abs(transit - st.lastTransit);
                st.jitter += (dd - st.jitter) / 16.0;
                st.maxJitterTs = Math.max(st.maxJitterTs, st.jitter);
            }
            st.lastTransit = transit;
            st.haveTransit = true;
        }
    }

    /**
     * An SRTP or SRTCP stream's identity within a session: sender and receiver as the peers see them
     * (the relayed addresses when it went through TURN), SSRC (the probe is reused).
     */
    private static final class SrtpKey {
        Endpoint src;
        Endpoint dst;
        long ssrc;
        boolean rtcp;

        SrtpKey set(final Endpoint s, final Endpoint d, final long x, final boolean r) {
            src = s;
            dst = d;
            ssrc = x;
            rtcp = r;
            return this;
        }

        @Override
        public boolean equals(final Object o) {
            return o instanceof SrtpKey k && k.ssrc == ssrc && k.rtcp == rtcp && k.src.equals(src) && k.dst.equals(dst);
        }

        @Override
        public int hashCode() {
            return ((src.hashCode() * 31 + dst.hashCode()) * 31 + Long.hashCode(ssrc)) * 2 + (rtcp ? 1 : 0);
        }
    }

    private final SrtpKey srtpProbe = new SrtpKey();

    /**
     * The stream of a packet of {@code frame} on {@code flow}: between the relayed leg's ends when a
     * ChannelData or Send/Data indication of the same frame carried it, else between the flow's ends.
     */
    private WebrtcSession.SrtpStream stream(final WebrtcSession s, final FlowKey flow, final Direction direction, final long frame,
                                            final long ssrc, final boolean rtcp, final long ts) {
        final Endpoint src;
        final Endpoint dst;
        final boolean relayed = frame == relayFrame && relayFlow.equals(flow);
        if (relayed) {
            src = relaySrc;
            dst = relayDst;
        } else {
            final boolean ab = direction == Direction.A_TO_B;
            src = ab ? flow.endpointA() : flow.endpointB();
            dst = ab ? flow.endpointB() : flow.endpointA();
        }
        WebrtcSession.SrtpStream st = s.streams.get(srtpProbe.set(src, dst, ssrc, rtcp));
        if (st == null) {
            if (s.streams.size() >= maxStreams) {
                untrackedStreamPackets++;
                return null;
            }
            st = new WebrtcSession.SrtpStream(ssrc, src, dst, rtcp);
            st.firstTsNanos = ts;
            st.firstFrame = frame;
            s.streams.put(new SrtpKey().set(src, dst, ssrc, rtcp), st);
        }
        if (st.copies == null && (relayed || !s.allocations.isEmpty())) {
            st.copies = new WebrtcSession.Copies(); // TURN: the same packet may cross several legs
        }
        return st;
    }

    /** The clock rate an SDP's a=rtpmap gives the payload type, or 0; looked up again only when SDPs arrived. */
    private int clockRate(final WebrtcSession.SrtpStream st, final int pt) {
        if (st.clockLookedUpAt == sdps.size()) {
            return 0;
        }
        st.clockLookedUpAt = sdps.size();
        return clockRate(pt);
    }

    /**
     * The clock rate of the payload type in the first SDP (in order of arrival, then of media) whose
     * a=rtpmap gives it one, or 0.
     */
    private int clockRate(final int pt) {
        return clockByPayloadType.getOrDefault(pt, 0);
    }

    /** Indexes what a newly arrived SDP adds to {@link #clockRate(int)}: earlier SDPs and media win. */
    private void indexClockRates(final SdpBody b) {
        for (final SdpBody.Media m : b.media()) {
            indexRepair(m);
            for (final SdpBody.RtpMap r : m.rtpMaps()) {
                // a media's first a=rtpmap for a payload type is the one that counts
                if (r.clockRate() > 0 && m.rtpMap(r.payloadType()) == r) {
                    clockByPayloadType.putIfAbsent(r.payloadType(), r.clockRate());
                }
            }
        }
    }

    /** RTX and FEC payload types (RFC 4588 apt=, RFC 5109 ulpfec, FlexFEC) and a=ssrc-group FID/FEC-FR. */
    private void indexRepair(final SdpBody.Media m) {
        for (final SdpBody.RtpMap r : m.rtpMaps()) {
            final int pt = r.payloadType();
            if (pt < 0 || pt > 127 || repairByPayloadType[pt] != MEDIA || m.rtpMap(pt) != r) {
                continue;
            }
            final String enc = r.encoding() == null ? "" : r.encoding().toLowerCase(Locale.ROOT);
            if (enc.equals("rtx")) {
                repairByPayloadType[pt] = RTX;
            } else if (enc.equals("ulpfec") || enc.startsWith("flexfec")) {
                repairByPayloadType[pt] = FEC;
            }
        }
        for (final SdpBody.Attribute a : m.attributes()) {
            if (!"ssrc-group".equals(a.name()) || a.value() == null) {
                continue;
            }
            final String[] w = a.value().trim().split("\\s+");
            final byte kind = w[0].equals("FID") ? RTX : w[0].equals("FEC-FR") || w[0].equals("FEC") ? FEC : MEDIA;
            if (kind == MEDIA || w.length < 3) {
                continue;
            }
            try {
                final long media = Long.parseLong(w[1]);
                for (int i = 2; i < w.length; i++) {
                    final long repair = Long.parseLong(w[i]);
                    if (repair >= 0 && repair <= 0xFFFFFFFFL && media >= 0 && media <= 0xFFFFFFFFL
                        && repairedSsrc.size() < maxStreams * 4) {
                        repairedSsrc.putIfAbsent(repair, new long[] {media, kind});
                    }
                }
            } catch (final NumberFormatException e) {
                // not an SSRC list: nothing to index
            }
        }
    }

    static String lower(final String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
