package dev.callscope.flow.rtp;

import dev.callscope.core.Endpoint;
import dev.callscope.core.FlowKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One RTP stream: a source (SSRC) sending from one endpoint to another over one transport. The
 * counters that tshark's {@code rtp,streams} shows follow Wireshark's analysis exactly
 * ({@link RtpStatistics}); duplicates and out-of-order packets are counted with an RFC 3550
 * A.1-style extended sequence number and a window of the last {@value #WINDOW} numbers. RTCP
 * reports about this SSRC, DTMF events and (on request) a time series and the payloads are kept.
 *
 * <p>A stream is serializable so that a part of it read from one capture file can be continued
 * with the packets of the next file ({@link #continueWith}): what ties it to a tracker (the SDP it
 * follows) and the payloads kept for export are left behind.
 */
public final class RtpStream implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    static final int WINDOW = 2048;
    /** Per payload type, what the SDP in force says: clock rate (low 24 bits) and these flags. */
    static final int INFO_EVENT = 1 << 24;
    static final int INFO_G711 = 1 << 25;
    static final int INFO_CLOCK = 0xFF_FFFF;

    private final int index;
    private final FlowKey flow;
    private final Endpoint src;
    private final Endpoint dst;
    private final long ssrc;
    private final String transport;
    private final long firstFrame;
    private final long startNanos;
    final RtpStatistics stats = new RtpStatistics();
    long endNanos;
    long bytes;
    long markers;
    /** SRTP packets decrypted, and SRTP packets no SDES key authenticated. */
    long srtpDecrypted;
    long srtpAuthFailures;
    long duplicates;
    long outOfOrder;
    /** The payload types (0-127) in order of first appearance, and the packets of each. */
    private byte[] ptOrder = new byte[2];
    private long[] ptCounts = new long[2];
    private int ptDistinct;
    // the run of packets of one payload type not yet added to ptCounts (most streams are one long run)
    private int runPt = -1;
    private long runLength;
    final Map<Integer, String> codecs = new LinkedHashMap<>(4);
    final Map<Integer, Integer> codecClock = new LinkedHashMap<>(4);
    List<DtmfEvent> dtmf = List.of();
    List<RtcpReport> rtcp = List.of();
    List<Interval> intervals = List.of();
    transient List<AudioChunk> audio = List.of();
    boolean audioTruncated;
    /** Direction within {@link #flow} (ordinal of {@code Direction}). */
    final int direction;
    /** Call-IDs of the calls whose SDP announced this stream's addresses when it began (usually one). */
    List<String> callIds = List.of();
    /** The conversation's extended RTP timestamp state, shared by the streams of one flow. */
    long[] extTimestamp;

    // extended sequence numbers for duplicates / out-of-order
    private long highest = -1;
    private long[] seen = new long[WINDOW / 64];

    // the SDP in force for this stream, resolved when it changes (not per packet)
    int lookupVersion = -1;
    transient Object dstAnnounce;
    transient Object srcAnnounce;
    transient Object announce;
    int dstVersion = -1;
    /** A packet arrived since the stream table last looked (its recency, see the tracker's eviction). */
    boolean touched;
    /** The stream is new, or a description it follows changed: bring it up to date at its next packet. */
    boolean sdpChanged = true;
    /** The SDP in force says RTP (or there is none). */
    boolean rtpMedia = true;
    /** No longer in the tracker's table (written, released or dropped). */
    boolean gone;
    /** Dropped as a stream of one packet: counted, not kept, out of its calls' lists. */
    boolean discarded;
    int srcVersion = -1;
    int announceVersion = -1;
    // what the SDP says about the last payload type seen, resolved once per type and SDP
    int cachedPt = -1;
    int cachedInfo;
    int cachedCodecClock;

    // RFC 4733 event in progress
    long eventTimestamp = -1;
    int eventIndex = -1;
    /** Its conversation was taken for RTP by the UDP heuristic (no SDP, rule or demultiplexer named it). */
    boolean heuristic;
    /** This part's packets, kept when the tracker carries streams across files (else null). */
    RtpSteps steps;
    /** More packets came than the carry bound keeps: {@link #steps} is the start of the part only. */
    boolean stepsCut;

    RtpStream(final int index, final FlowKey flow, final int direction, final Endpoint src, final Endpoint dst,
              final long ssrc, final String transport, final long firstFrame, final long startNanos) {
        this.index = index;
        this.direction = direction;
        this.flow = flow;
        this.src = src;
        this.dst = dst;
        this.ssrc = ssrc;
        this.transport = transport;
        this.firstFrame = firstFrame;
        this.startNanos = startNanos;
        this.endNanos = startNanos;
    }

    /** A stretch of a stream's time series. */
    public record Interval(long startNanos, long packets, long lost, double maxJitterMs, double meanJitterMs)
        implements java.io.Serializable {
    }

    /** An RTCP report block (SR/RR) or XR VoIP metrics about this stream, as its receiver sent it. */
    public record RtcpReport(long frame, long tsNanos, String type, double fractionLostPercent, long cumulativeLost,
                             double jitterMs, double rttMs, double xrMos) implements java.io.Serializable {
    }

    /**
     * Takes one packet of this stream (the tracker's per-packet work once the stream is found and
     * what the SDP says about its payload type is resolved into {@code info}): Wireshark's
     * statistics, the extended sequence number, counters and RFC 4733 events. Returns the highest
     * extended sequence number before this packet; the packet's own is left in {@code extSeq[0]}.
     */
    long take(final long frame, final long tsNanos, final long baseNanos, final int sequence, final long timestamp,
              final int pt, final boolean marker, final int dataLength, final int srtp, final int payloadHead,
              final int info, final int eventClock, final long[] extSeq) {
        final boolean event = (info & INFO_EVENT) != 0;
        final int clock = info & INFO_CLOCK;
        countPayloadType(pt);
        final long ext = extendTimestamp(extTimestamp, timestamp);
        final double nowMs = (tsNanos - baseNanos) / 1e6;
        stats.packet(frame, nowMs, sequence, ext, pt, marker, clock, event);
        final long highestBefore = highest;
        sequence(sequence, extSeq);
        endNanos = Math.max(endNanos, tsNanos);
        bytes += dataLength;
        if (marker) {
            markers++;
        }
        final boolean clear = srtp != RtpSteps.SRTP_AUTH_FAILED;
        if (srtp != RtpSteps.SRTP_NONE) {
            if (clear) {
                srtpDecrypted++;
            } else {
                srtpAuthFailures++;
            }
        }
        if (event && clear && payloadHead != -1) {
            telephoneEvent(frame, tsNanos, timestamp, payloadHead, eventClock);
        }
        if (steps != null) {
            if (steps.size() < maxSteps && carryLeft[0] > 0) {
                carryLeft[0]--;
                steps.add(frame, tsNanos, sequence, timestamp, pt, marker, dataLength, srtp, payloadHead);
            } else {
                stepsCut = true;
            }
        }
        return highestBefore;
    }

    /** The carry bound of {@link #steps}. */
    int maxSteps;
    /** Packets the tracker may still keep for all its streams together (shared by them). */
    transient long[] carryLeft;

    /** RTP timestamps extended past their 32-bit wrap, in a state shared by the streams of one conversation. */
    static long extendTimestamp(final long[] st, final long raw) {
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

    private void telephoneEvent(final long frame, final long tsNanos, final long timestamp, final int head,
                                final int clock) {
        final int code = head >>> 24;
        final boolean end = (head & 0x0080_0000) != 0;
        final int volume = (head >>> 16) & 0x3F;
        final int duration = head & 0xFFFF;
        final double ms = duration * 1000.0 / (clock > 0 ? clock : 8000);
        if (eventIndex >= 0 && eventTimestamp == timestamp) {
            final DtmfEvent cur = dtmf.get(eventIndex);
            if (cur.event() == code) {
                dtmf.set(eventIndex, new DtmfEvent(cur.source(), cur.digit(), code, cur.startNanos(),
                    Math.max(cur.durationMs(), ms), volume, cur.ended() || end, cur.frame(), cur.ssrc(), cur.src(), cur.dst(),
                    null));
                return;
            }
        }
        eventTimestamp = timestamp;
        if (dtmf.isEmpty()) {
            dtmf = new ArrayList<>(4);
        }
        dtmf.add(new DtmfEvent(DtmfEvent.RFC4733, DtmfEvent.digitOf(code), code, tsNanos, ms, volume, end, frame,
            ssrc, src.toString(), dst.toString(), null));
        eventIndex = dtmf.size() - 1;
    }

    /**
     * Continues this stream, as read from an earlier capture file, with the packets its next part
     * had in a later file (that part's {@link #steps()}), so the statistics are those of one
     * reading of both files: the jitter, sequence and timestamp state run on from where this part
     * ended. A payload type is judged by what this stream already knows of it (its SDP's codecs).
     *
     * @param baseNanos the time the statistics' milliseconds count from (the same as this part's)
     */
    public void continueWith(final RtpSteps next, final long baseNanos) {
        if (seen == null || extTimestamp == null) {
            throw new IllegalStateException("stream " + ssrcHex() + " was compacted: it cannot be continued");
        }
        final long[] ext = new long[1];
        for (int i = 0; i < next.size(); i++) {
            final int pt = next.payloadType(i);
            if (pt != cachedPt) {
                resolveKnown(pt);
            }
            take(next.frame(i), next.tsNanos(i), baseNanos, next.sequence(i), next.timestamp(i), pt, next.marker(i),
                next.dataLength(i), next.srtp(i), next.payloadHead(i), cachedInfo, cachedCodecClock, ext);
        }
    }

    /** What the stream's codecs say of payload type {@code pt}, as the tracker resolves it without an SDP at hand. */
    private void resolveKnown(final int pt) {
        final String name = codecs.get(pt);
        final boolean event = name != null ? name.regionMatches(true, 0, "telephone-event", 0, 15) : pt == 101;
        int clock;
        if (pt < 96) {
            clock = ClockRates.staticRate(pt);
        } else if (name == null || event) {
            clock = 0;
        } else {
            final Integer c = codecClock.get(pt);
            final int slash = name.indexOf('/');
            clock = c != null && c != 0 ? c : ClockRates.byName(slash < 0 ? name : name.substring(0, slash));
        }
        final Integer codecRate = codecClock.get(pt);
        cachedPt = pt;
        cachedCodecClock = codecRate == null ? 8000 : codecRate;
        cachedInfo = (clock & INFO_CLOCK) | (event ? INFO_EVENT : 0)
            | (pt == 0 || pt == 8 || name != null && (name.regionMatches(true, 0, "PCMU/", 0, 5)
                || name.regionMatches(true, 0, "PCMA/", 0, 5)) ? INFO_G711 : 0);
    }

    /** The packets of this part, when the tracker carried it (see {@link RtpStreamTracker#carry}); else empty. */
    public RtpSteps steps() {
        return steps == null ? RtpSteps.none() : steps.trimmed();
    }

    /** Whether the UDP heuristic found this stream's conversation (nothing announced it). */
    public boolean heuristic() {
        return heuristic;
    }

    /** Stops keeping packets and forgets those kept (once they were handed on). */
    public void dropSteps() {
        steps = null;
    }

    /** Whether {@link #steps()} is only the start of this part (the carry bound was hit). */
    public boolean stepsCut() {
        return stepsCut;
    }

    private void readObject(final java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
        in.defaultReadObject();
        audio = List.of();
    }

    /** One packet's payload for audio export. */
    record AudioChunk(long extSequence, long extTimestamp, int payloadType, byte[] payload) {
    }

    /**
     * Records {@code seq} in the extended sequence space: 0 new and in order (or a jump forward),
     * 1 duplicate, 2 late (out of order). Returns the extended sequence number in {@code out[0]}.
     */
    int sequence(final int seq, final long[] out) {
        if (highest < 0) {
            highest = 65536L + seq;
            mark(highest);
            out[0] = highest;
            return 0;
        }
        final int delta = (short) (seq - (int) (highest & 0xFFFF));
        final long ext = highest + delta;
        out[0] = ext;
        if (delta > 0) {
            for (long s = highest + 1; s < ext && s - highest <= WINDOW; s++) {
                clear(s);
            }
            if (delta >= WINDOW) {
                java.util.Arrays.fill(seen, 0);
            }
            highest = ext;
            mark(ext);
            return 0;
        }
        if (highest - ext >= WINDOW) {
            outOfOrder++;
            return 2;
        }
        if (isMarked(ext)) {
            duplicates++;
            return 1;
        }
        mark(ext);
        outOfOrder++;
        return 2;
    }

    private void mark(final long s) {
        final int bit = (int) s & (WINDOW - 1); // s is never negative (extended numbers start at 65536)
        seen[bit >>> 6] |= 1L << (bit & 63);
    }

    private void clear(final long s) {
        final int bit = (int) s & (WINDOW - 1); // s is never negative (extended numbers start at 65536)
        seen[bit >>> 6] &= ~(1L << (bit & 63));
    }

    private boolean isMarked(final long s) {
        final int bit = (int) s & (WINDOW - 1); // s is never negative (extended numbers start at 65536)
        return (seen[bit >>> 6] & (1L << (bit & 63))) != 0;
    }

    long highestExtended() {
        return highest;
    }

    // ------------------------------------------------------------------ accessors

    /** 1-based, in order of first packet. */
    public int index() {
        return index;
    }

    public FlowKey flow() {
        return flow;
    }

    public Endpoint src() {
        return src;
    }

    public Endpoint dst() {
        return dst;
    }

    public long ssrc() {
        return ssrc;
    }

    /** "0x0A7328F3", as tshark prints it. */
    public String ssrcHex() {
        return ssrcHex(ssrc);
    }

    /** "udp" or "tcp". */
    public String transport() {
        return transport;
    }

    public long firstFrame() {
        return firstFrame;
    }

    public long startNanos() {
        return startNanos;
    }

    public long endNanos() {
        return endNanos;
    }

    public double durationSeconds() {
        return (endNanos - startNanos) / 1e9;
    }

    public long packets() {
        return stats.totalNr;
    }

    public long bytes() {
        return bytes;
    }

    public long expected() {
        return stats.expected();
    }

    /** Expected minus received (negative with duplicates), as tshark counts it. */
    public long lost() {
        return stats.lost();
    }

    public double lostPercent() {
        return stats.lostPercent();
    }

    /** Packets whose sequence number was not the next one (tshark's "wrong sequence"). */
    public long sequenceErrors() {
        return stats.sequenceErrors;
    }

    public long duplicates() {
        return duplicates;
    }

    public long outOfOrder() {
        return outOfOrder;
    }

    /** Packets whose RTP timestamp went back. */
    public long wrongTimestamps() {
        return stats.wrongTimestamps;
    }

    public long markers() {
        return markers;
    }

    /** SRTP packets of this stream authenticated and decrypted with an SDES key. */
    public long srtpDecrypted() {
        return srtpDecrypted;
    }

    /** SRTP packets of this stream that no announced SDES key authenticated (their payload stays encrypted). */
    public long srtpAuthFailures() {
        return srtpAuthFailures;
    }

    /** Largest gap between regular packets, ms (tshark's Max Delta). */
    public double maxDeltaMs() {
        return stats.maxDelta;
    }

    /** Smallest gap between regular packets, ms, or -1 when none. */
    public double minDeltaMs() {
        return stats.minDelta;
    }

    public double meanDeltaMs() {
        return stats.meanDelta;
    }

    /** Frame of the packet that ended the largest gap (0 when none). */
    public long maxDeltaFrame() {
        return stats.maxDeltaFrame;
    }

    public double maxJitterMs() {
        return stats.maxJitter;
    }

    public double meanJitterMs() {
        return stats.meanJitter;
    }

    /** Smallest jitter, ms, or -1 when no jitter could be computed (unknown clock rate). */
    public double minJitterMs() {
        return stats.minJitter;
    }

    /** Largest skew (nominal minus arrival time), ms, signed. */
    public double maxSkewMs() {
        return stats.maxSkew;
    }

    /** The clock rate jitter was computed with, 0 when unknown. */
    public int clockRate() {
        return stats.clockRate;
    }

    /** Sequence or timestamp problems (tshark's "Problems?" X). */
    public boolean problem() {
        return stats.problem;
    }

    /** The stream ended and was handed on: drop what only more packets would need (the sequence window). */
    public void compact() {
        seen = null;
        extTimestamp = null;
        announce = null;
        dstAnnounce = null;
        srcAnnounce = null;
    }

    /** Counts one packet of payload type {@code pt} (0-127); whether the type is new to this stream. */
    boolean countPayloadType(final int pt) {
        if (pt == runPt) {
            runLength++; // the same type as the packet before: counted on the stream itself
            return false;
        }
        flushRun();
        runPt = pt;
        runLength = 1;
        for (int i = 0; i < ptDistinct; i++) {
            if (ptOrder[i] == pt) {
                return false;
            }
        }
        if (ptDistinct == ptOrder.length) {
            ptOrder = java.util.Arrays.copyOf(ptOrder, ptOrder.length * 2);
            ptCounts = java.util.Arrays.copyOf(ptCounts, ptCounts.length * 2);
        }
        ptOrder[ptDistinct++] = (byte) pt;
        return true;
    }

    /** Adds the packets of the current run of one payload type to its count. */
    private void flushRun() {
        if (runLength == 0) {
            return;
        }
        for (int i = 0; i < ptDistinct; i++) {
            if (ptOrder[i] == runPt) {
                ptCounts[i] += runLength;
                break;
            }
        }
        runLength = 0;
    }

    /** Whether a packet of payload type {@code pt} was seen. */
    boolean seenPayloadType(final int pt) {
        for (int i = 0; i < ptDistinct; i++) {
            if (ptOrder[i] == pt) {
                return true;
            }
        }
        return false;
    }

    /** Packets per payload type, in order of first appearance. */
    public Map<Integer, Long> payloadTypes() {
        flushRun();
        final Map<Integer, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < ptDistinct; i++) {
            m.put((int) ptOrder[i], ptCounts[i]);
        }
        return Collections.unmodifiableMap(m);
    }

    /** The main payload type: the most frequent one that is not comfort noise or telephone-event. */
    public int payloadType() {
        flushRun();
        int best = -1;
        long n = -1;
        for (int i = 0; i < ptDistinct; i++) {
            final int pt = ptOrder[i];
            final String c = codecs.get(pt);
            final boolean aux = pt == 13 || pt == 19 || c != null && c.regionMatches(true, 0, "telephone-event", 0, 15);
            final long v = aux ? 0 : ptCounts[i];
            if (v > n || best < 0) {
                best = pt;
                n = v;
            }
        }
        return best;
    }

    /** Call-IDs of the calls whose SDP announced this stream's addresses when it began (usually one). */
    public List<String> callIds() {
        return Collections.unmodifiableList(callIds);
    }

    /** Codec of the main payload type ("PCMA/8000", "opus/48000/2", "PT96" when unknown). */
    public String codec() {
        return codecOf(payloadType());
    }

    /** Codec name of a payload type seen in this stream. */
    public String codecOf(final int pt) {
        final String c = codecs.get(pt);
        return c != null ? c : "PT" + pt;
    }

    /** Every payload type's codec, in order of appearance ("PCMA/8000, CN/8000"). */
    public List<String> codecNames() {
        final List<String> l = new ArrayList<>(ptDistinct);
        for (int i = 0; i < ptDistinct; i++) {
            l.add(codecOf(ptOrder[i]));
        }
        return l;
    }

    public List<DtmfEvent> dtmf() {
        return Collections.unmodifiableList(dtmf);
    }

    /** RTCP report blocks and XR VoIP metrics about this stream, in capture order. */
    public List<RtcpReport> rtcpReports() {
        return Collections.unmodifiableList(rtcp);
    }

    /** The last RTCP round-trip time computed from LSR/DLSR, ms, or -1. */
    public double rttMs() {
        for (int i = rtcp.size() - 1; i >= 0; i--) {
            if (rtcp.get(i).rttMs() >= 0) {
                return rtcp.get(i).rttMs();
            }
        }
        return -1;
    }

    /** The per-interval series (empty unless the tracker was asked for one). */
    public List<Interval> intervals() {
        return Collections.unmodifiableList(intervals);
    }

    /**
     * One-way delay the E-model is given: the packetisation interval (mean delta), a jitter buffer
     * of twice the mean jitter, and half the RTCP round trip when known.
     */
    public double estimatedDelayMs() {
        final double rtt = rttMs();
        return Math.max(0, stats.meanDelta) + 2 * stats.meanJitter + (rtt > 0 ? rtt / 2 : 0);
    }

    /** Estimated MOS (ITU-T G.107 E-model, see {@link EModel}); an estimate, not a measurement. */
    public double mosEstimate() {
        final double loss = Math.max(0, lostPercent());
        return EModel.mos(EModel.rFactor(codec(), loss, estimatedDelayMs()));
    }

    /** The E-model rating factor behind {@link #mosEstimate()}. */
    public double rFactorEstimate() {
        return EModel.rFactor(codec(), Math.max(0, lostPercent()), estimatedDelayMs());
    }

    /** Whether payloads were kept and this stream's main codec is G.711 (PT 0 or 8, or PCMU/PCMA). */
    public boolean exportableAudio() {
        final String c = codec().toUpperCase(java.util.Locale.ROOT);
        return !audio.isEmpty() && (c.startsWith("PCMU/") || c.startsWith("PCMA/"));
    }

    /** The stream's audio as 16-bit linear samples at 8 kHz (see {@link AudioExport}). */
    public short[] decodeAudio() {
        return AudioExport.decode(this);
    }

    /** The audio was cut at the tracker's limit. */
    public boolean audioTruncated() {
        return audioTruncated;
    }

    @Override
    public String toString() {
        return src + " -> " + dst + " " + ssrcHex() + " " + codec();
    }

    /** An SSRC as {@code String.format("0x%08X", ssrc)} prints it, without the Formatter (tables print one a row). */
    public static String ssrcHex(final long ssrc) {
        if (ssrc < 0 || ssrc > 0xFFFF_FFFFL) {
            return String.format("0x%08X", ssrc);
        }
        final char[] c = new char[10];
        c[0] = '0';
        c[1] = 'x';
        long v = ssrc;
        for (int i = 9; i >= 2; i--) {
            c[i] = "0123456789ABCDEF".charAt((int) (v & 0xF));
            v >>>= 4;
        }
        return new String(c);
    }
}
