package dev.callscope.flow.rtp;

import dev.callscope.core.Direction;
import dev.callscope.core.Endpoint;
import dev.callscope.core.FlowKey;
import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.FrameRecord;
import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.dissect.Severity;
import dev.callscope.dissect.Tap;
import dev.callscope.dissect.rtp.RtcpPacket;
import dev.callscope.dissect.rtp.RtpPacket;
import dev.callscope.dissect.sdp.SdpBody;
import dev.callscope.dissect.sip.SipMessage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

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
    public static final int DEFAULT_MAX_STREAMS = 100_000;
    /** Intervals kept per stream for the time series. */
    static final int MAX_INTERVALS = 100_000;
    /** RTCP reports kept per stream. */
    static final int MAX_REPORTS = 10_000;
    /** SIP INFO DTMF events kept. */
    static final int MAX_SIP_DTMF = 100_000;

    private final int maxStreams;
    private final long intervalNanos;
    private final LinkedHashMap<StreamKey, RtpStream> streams = new LinkedHashMap<>(64, 0.75f, true);
    private final List<RtpStream> dropped = new ArrayList<>();
    private final StreamKey probe = new StreamKey();
    private final Map<FlowKey, long[]> extendedTimestamps = new HashMap<>();
    private final Map<Endpoint, SdpBody.Media> sdp = new HashMap<>();
    private final List<DtmfEvent> sipDtmf = new ArrayList<>();
    private final Set<String> sipDtmfSeen = new HashSet<>();
    private final Map<RtpStream, IntervalState> intervalState = new HashMap<>();
    private final List<Anomaly> anomalies = new ArrayList<>();
    private final long[] extSeq = new long[1];
    private int sdpVersion;
    private int nextIndex = 1;
    private long baseNanos = Long.MIN_VALUE;
    private long rtcpPackets;
    private final Map<Integer, Long> rtcpTypes = new java.util.TreeMap<>();

    /** A tracker with the default bound and no time series. */
    public RtpStreamTracker() {
        this(DEFAULT_MAX_STREAMS, 0);
    }

    /**
     * @param maxStreams streams kept at once
     * @param intervalNanos length of the time-series intervals, 0 for none
     */
    public RtpStreamTracker(final int maxStreams, final long intervalNanos) {
        if (maxStreams < 1 || intervalNanos < 0) {
            throw new IllegalArgumentException("maxStreams " + maxStreams + ", interval " + intervalNanos);
        }
        this.maxStreams = maxStreams;
        this.intervalNanos = intervalNanos;
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
    }

    private void base(final long ts) {
        if (baseNanos == Long.MIN_VALUE) {
            baseNanos = ts;
        }
    }

    @Override
    public void onEvent(final ProtocolEvent event) {
        base(event.tsNanos());
        if (event instanceof RtpPacket p) {
            rtp(p);
        } else if (event instanceof RtcpPacket r) {
            rtcp(r);
        } else if (event instanceof SdpBody b) {
            sdp(b);
        } else if (event instanceof SipMessage m && m.isRequest() && "INFO".equals(m.method())) {
            sipInfo(m);
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

    private void rtp(final RtpPacket p) {
        RtpStream s = streams.get(probe.set(p.flow(), p.direction(), p.ssrc()));
        if (s == null) {
            final SdpBody.Media m = lookup(p.dst(), p.src());
            if (m != null && !m.rtp()) {
                return;
            }
            s = open(p);
        }
        final SdpBody.Media media = media(s);
        if (media != null && !media.rtp()) {
            return; // the latest SDP for this endpoint moved it to other media (T.38 over UDPTL)
        }
        final int pt = p.payloadType();
        final SdpBody.RtpMap map = media == null ? null : media.rtpMap(pt);
        // Wireshark's clock: static table below 96; for dynamic types the SDP rtpmap (telephone-event: none)
        final boolean event = map != null ? map.encoding().toLowerCase(Locale.ROOT).startsWith("telephone-event")
            : pt == 101;
        int clock;
        if (pt < 96) {
            clock = ClockRates.staticRate(pt);
        } else if (map == null || event) {
            clock = 0;
        } else {
            clock = map.clockRate() != 0 ? map.clockRate() : ClockRates.byName(map.encoding());
        }
        if (!s.payloadTypes.containsKey(pt) || map != null && !s.codecs.containsKey(pt)) {
            String name = map != null ? map.codec() : media != null ? media.codecName(pt) : SdpBody.staticCodecName(pt);
            if (name == null && pt == 101) {
                name = "telephone-event/8000"; // tshark's default RFC 2833 payload type
            }
            if (name != null) {
                s.codecs.put(pt, name);
                s.codecClock.put(pt, map != null ? map.clockRate() : ClockRates.staticRate(pt) > 0 ? ClockRates.staticRate(pt) : 8000);
            }
        }
        s.payloadTypes.merge(pt, 1L, Long::sum);
        final long ext = extendedTimestamp(p.flow(), p.timestamp());
        final double nowMs = (p.tsNanos() - baseNanos) / 1e6;
        s.stats.packet(p.frame(), nowMs, p.sequence(), ext, pt, p.marker(), clock, event);
        final long highestBefore = s.highestExtended();
        s.sequence(p.sequence(), extSeq);
        s.endNanos = Math.max(s.endNanos, p.tsNanos());
        s.bytes += p.dataLength();
        if (p.marker()) {
            s.markers++;
        }
        if (event && p.payloadHead() != -1) {
            telephoneEvent(s, p, s.codecClock.getOrDefault(pt, 8000));
        }
        if (p.payload() != null && (pt == 0 || pt == 8 || isG711(s.codecs.get(pt)))) {
            if (s.audio.size() < AudioExport.MAX_SAMPLES / 80) {
                s.audio.add(new RtpStream.AudioChunk(extSeq[0], ext, pt, p.payload()));
            } else {
                s.audioTruncated = true;
            }
        }
        if (intervalNanos > 0) {
            interval(s, p, highestBefore < 0 ? extSeq[0] - 1 : highestBefore);
        }
    }

    private static boolean isG711(final String codec) {
        return codec != null && (codec.toUpperCase(Locale.ROOT).startsWith("PCMU/") || codec.toUpperCase(Locale.ROOT).startsWith("PCMA/"));
    }

    private RtpStream open(final RtpPacket p) {
        if (streams.size() >= maxStreams) {
            final Iterator<RtpStream> it = streams.values().iterator();
            final RtpStream eldest = it.next();
            it.remove();
            dropped.add(eldest);
            if (dropped.size() > maxStreams) {
                dropped.remove(0);
            }
            intervalState.remove(eldest);
            anomalies.add(new Anomaly("rtp.streams_limit", Severity.WARN, p.frame(), -1,
                "more than " + maxStreams + " RTP streams: stopped tracking " + eldest));
        }
        final RtpStream s = new RtpStream(nextIndex++, p.flow(), p.src(), p.dst(), p.ssrc(),
            p.overTcp() ? "tcp" : p.flow().transportName(), p.frame(), p.tsNanos());
        streams.put(probe.copy(), s);
        return s;
    }

    /** The SDP media description for the stream's destination, else its source (cached per SDP change). */
    private SdpBody.Media media(final RtpStream s) {
        if (s.sdpVersion != sdpVersion) {
            s.media = lookup(s.dst(), s.src());
            s.sdpVersion = sdpVersion;
        }
        return (SdpBody.Media) s.media;
    }

    private SdpBody.Media lookup(final Endpoint dst, final Endpoint src) {
        final SdpBody.Media m = sdp.get(dst);
        return m != null ? m : sdp.get(src);
    }

    /** Wireshark extends RTP timestamps per conversation (both directions, all sources share it). */
    private long extendedTimestamp(final FlowKey flow, final long raw) {
        final long[] st = extendedTimestamps.computeIfAbsent(flow, k -> new long[] {0x1_0000_0000L});
        final long prev = st[0];
        long ts = (prev & 0xFFFF_FFFF_0000_0000L) | raw;
        if (ts + 0x8000_0000L < prev) {
            ts += 0x1_0000_0000L;
        } else if (prev + 0x8000_0000L < ts) {
            ts -= 0x1_0000_0000L;
        }
        st[0] = ts;
        return ts;
    }

    private void telephoneEvent(final RtpStream s, final RtpPacket p, final int clock) {
        final int head = p.payloadHead();
        final int code = head >>> 24;
        final boolean end = (head & 0x0080_0000) != 0;
        final int volume = (head >>> 16) & 0x3F;
        final int duration = head & 0xFFFF;
        final double ms = duration * 1000.0 / (clock > 0 ? clock : 8000);
        if (s.eventIndex >= 0 && s.eventTimestamp == p.timestamp()) {
            final DtmfEvent cur = s.dtmf.get(s.eventIndex);
            if (cur.event() == code) {
                s.dtmf.set(s.eventIndex, new DtmfEvent(cur.source(), cur.digit(), code, cur.startNanos(),
                    Math.max(cur.durationMs(), ms), volume, cur.ended() || end, cur.frame(), cur.ssrc(), cur.src(), cur.dst(),
                    null));
                return;
            }
        }
        s.eventTimestamp = p.timestamp();
        s.dtmf.add(new DtmfEvent(DtmfEvent.RFC4733, DtmfEvent.digitOf(code), code, p.tsNanos(), ms, volume, end, p.frame(),
            p.ssrc(), s.src().toString(), s.dst().toString(), null));
        s.eventIndex = s.dtmf.size() - 1;
    }

    private void interval(final RtpStream s, final RtpPacket p, final long highestBefore) {
        final IntervalState st = intervalState.computeIfAbsent(s, k -> new IntervalState());
        final long bucket = Math.floorDiv(p.tsNanos() - baseNanos, intervalNanos);
        if (st.bucket != bucket) {
            final long previous = st.bucket;
            if (previous >= 0) {
                closeInterval(s, st, highestBefore);
                for (long b = previous + 1; b < bucket && s.intervals.size() < MAX_INTERVALS; b++) {
                    s.intervals.add(new RtpStream.Interval(baseNanos + b * intervalNanos, 0, 0, 0, 0));
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
        if (st.bucket < 0 || s.intervals.size() >= MAX_INTERVALS) {
            return;
        }
        final long expected = highestEnd - st.highestBefore;
        s.intervals.add(new RtpStream.Interval(baseNanos + st.bucket * intervalNanos, st.packets,
            Math.max(0, expected - st.packets), st.maxJitter, st.packets == 0 ? 0 : st.jitterSum / st.packets));
        st.bucket = -1;
    }

    // ------------------------------------------------------------------ RTCP

    private void rtcp(final RtcpPacket r) {
        rtcpPackets++;
        rtcpTypes.merge(r.packetType(), 1L, Long::sum);
        for (final RtcpPacket.ReportBlock b : r.reports()) {
            final RtpStream s = reportedStream(b.ssrc(), r);
            if (s == null || s.rtcp.size() >= MAX_REPORTS) {
                continue;
            }
            final int clock = s.clockRate() > 0 ? s.clockRate() : s.codecClock.getOrDefault(s.payloadType(), 8000);
            s.rtcp.add(new RtpStream.RtcpReport(r.frame(), r.tsNanos(), r.typeName(), b.fractionLostPercent(),
                b.cumulativeLost(), b.jitter() * 1000.0 / clock, rtt(r.tsNanos(), b.lsr(), b.dlsr()), -1));
        }
        for (final RtcpPacket.VoipMetrics v : r.voipMetrics()) {
            final RtpStream s = reportedStream(v.ssrc(), r);
            if (s == null || s.rtcp.size() >= MAX_REPORTS) {
                continue;
            }
            s.rtcp.add(new RtpStream.RtcpReport(r.frame(), r.tsNanos(), "XR", v.lossRate() * 100.0 / 256, -1, -1,
                v.roundTripDelay() == 0 ? -1 : v.roundTripDelay(), v.mosLq() == 127 ? -1 : v.mosLq() / 10.0));
        }
    }

    /** The stream of {@code ssrc}: preferably one sent to the host that sent the report. */
    private RtpStream reportedStream(final long ssrc, final RtcpPacket r) {
        RtpStream any = null;
        final String reporter = r.src().host();
        for (final RtpStream s : streams.values()) {
            if (s.ssrc() == ssrc) {
                if (s.dst().host().equals(reporter)) {
                    return s;
                }
                any = s;
            }
        }
        return any;
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
        for (final SdpBody.Media m : b.media()) {
            if (m.port() <= 0 || m.connectionAddress() == null) {
                continue;
            }
            final Endpoint e = CallMedia.endpoint(m.connectionAddress(), m.port());
            if (e != null) {
                sdp.put(e, m);
                sdpVersion++;
            }
        }
    }

    private void sipInfo(final SipMessage m) {
        final String type = m.contentType() == null ? "" : m.contentType().toLowerCase(Locale.ROOT);
        if (!type.startsWith("application/dtmf") || sipDtmf.size() >= MAX_SIP_DTMF) {
            return;
        }
        if (!sipDtmfSeen.add(m.callId() + " " + m.cseq() + " " + m.branch())) {
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
        sipDtmf.add(new DtmfEvent(DtmfEvent.SIP_INFO, digit, code, m.tsNanos(), duration, -1, duration >= 0, m.frame(), -1,
            String.valueOf(m.src()), String.valueOf(m.dst()), m.callId()));
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
}
