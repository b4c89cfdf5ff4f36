package dev.callscope.flow.rtp;

/**
 * Per-stream statistics computed the way Wireshark's RTP stream analysis does
 * ({@code ui/tap-rtp-analysis.c}, tshark 4.0's {@code -z rtp,streams}), so the numbers compare
 * with tshark's: lost = expected - received where expected follows the first and last sequence
 * numbers and the counted wrap-arounds; delta, jitter (RFC 3550 A.8, in ms, with the codec's clock
 * rate) and skew are taken only from "regular" packets (not the first, no marker, no comfort noise
 * or packet after one, timestamp not before the stream's first one, as tshark 4.0 judges "in time").
 * The expected arrival is measured from the last packet that had a known clock rate, so
 * telephone-events (no clock) do not disturb the audio's jitter. Times are milliseconds relative
 * to the capture's first frame. Matched against tshark 4.0.17 on every shared capture.
 */
final class RtpStatistics implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    static final int FLAG_FIRST = 0x01;
    static final int FLAG_MARKER = 0x02;
    static final int FLAG_WRONG_SEQ = 0x04;
    static final int FLAG_PT_CHANGE = 0x08;
    static final int FLAG_PT_CN = 0x10;
    static final int FLAG_FOLLOW_PT_CN = 0x20;
    static final int FLAG_REG_PT_CHANGE = 0x40;
    static final int FLAG_WRONG_TIMESTAMP = 0x80;
    static final int FLAG_PT_T_EVENT = 0x100;
    private static final int PT_CN = 13;
    private static final int PT_CN_OLD = 19;

    boolean first = true;
    int flags;
    int seqNum;
    long seqTimestamp;
    long firstTimestamp;
    long nominalTimestamp;
    long timestamp;
    double time;
    double lastNominal;
    double lastArrival;
    int pt;
    int regPt = -1;
    double delta;
    double maxDelta;
    double minDelta = -1;
    double meanDelta;
    double jitter;
    double maxJitter;
    double minJitter = -1;
    double meanJitter;
    double diff;
    double skew;
    double maxSkew;
    long maxDeltaFrame;
    int clockRate;
    long startSeq;
    long stopSeq;
    int seqCycles;
    boolean under;
    long totalNr;
    long sequenceErrors;
    long wrongTimestamps;
    boolean problem;

    /**
     * Takes one packet.
     *
     * @param nowMs capture time relative to the capture's first frame, ms
     * @param extTimestamp the RTP timestamp extended to 64 bits (wrap-arounds counted)
     * @param clock the clock rate for this packet's payload type, 0 when unknown (no jitter then)
     * @param telephoneEvent the payload type is an RFC 4733 telephone-event
     */
    void packet(final long frame, final double nowMs, final int seq, final long extTimestamp, final int payloadType,
                final boolean marker, final int clock, final boolean telephoneEvent) {
        if (first) {
            startSeq = seq;
            stopSeq = seq;
            seqNum = seq;
            timestamp = extTimestamp;
            seqTimestamp = extTimestamp;
            firstTimestamp = extTimestamp & 0xFFFF_FFFFL;
            nominalTimestamp = extTimestamp;
            time = nowMs;
            pt = payloadType;
            regPt = payloadType;
            totalNr++;
            flags = FLAG_FIRST | (marker ? FLAG_MARKER : 0);
            first = false;
            return;
        }
        flags = 0;
        // tshark 4.0: "in time" means not before the stream's first timestamp (modulo 2^32, half range)
        final long raw = extTimestamp & 0xFFFF_FFFFL;
        final boolean inTime = firstTimestamp <= raw ? raw - firstTimestamp < 0x8000_0000L
            : firstTimestamp - raw > 0x8000_0000L;
        if (!inTime) {
            flags |= FLAG_WRONG_TIMESTAMP;
            wrongTimestamps++;
        }
        if (seq < startSeq && inTime && !under) {
            seqCycles++;
            under = true;
        } else if (seq == 0 && stopSeq == 65535 && inTime && !under) {
            seqCycles++;
            under = true;
        } else if (seq > startSeq && inTime && under) {
            under = false;
        }
        if (inTime && seqNum + 1 == seq) {
            seqNum = seq;
        } else if (inTime && seqNum == 65535 && seq == 0) {
            seqNum = seq;
        } else if (inTime && (seqNum + 1 < seq || seqNum - seq > 0xFF00)) {
            seqNum = seq;
            sequenceErrors++;
            flags |= FLAG_WRONG_SEQ;
        } else if (seqNum + 1 > seq) {
            sequenceErrors++;
            flags |= FLAG_WRONG_SEQ;
        }
        if (payloadType == PT_CN || payloadType == PT_CN_OLD) {
            flags |= FLAG_PT_CN;
        }
        if (pt == PT_CN || pt == PT_CN_OLD) {
            flags |= FLAG_FOLLOW_PT_CN;
        }
        if (payloadType != pt) {
            flags |= FLAG_PT_CHANGE;
        }
        pt = payloadType;
        if (telephoneEvent) {
            flags |= FLAG_PT_T_EVENT;
        }
        double currentJitter = 0;
        double nominalDiff = extTimestamp - nominalTimestamp;
        if (clock != 0 && inTime) {
            clockRate = clock;
            nominalDiff = nominalDiff / (clock / 1000); // integer kHz, as Wireshark divides
            final double expected = time + nominalDiff;
            final double currentDiff = Math.abs(nowMs - expected);
            currentJitter = (15 * jitter + currentDiff) / 16;
            delta = nowMs - time;
            jitter = currentJitter;
            diff = currentDiff;
            final double nominal = lastNominal + nominalDiff;
            final double arrival = lastArrival + delta;
            skew = nominal - arrival;
            if (Math.abs(skew) > Math.abs(maxSkew)) {
                maxSkew = skew;
            }
            lastNominal = nominal;
            lastArrival = arrival;
            nominalTimestamp = extTimestamp;
        } else if (inTime) {
            delta = nowMs - time;
        }
        if (marker) {
            flags |= FLAG_MARKER;
        }
        if ((flags & (FLAG_MARKER | FLAG_PT_CN | FLAG_WRONG_TIMESTAMP | FLAG_FOLLOW_PT_CN)) == 0) {
            if (delta > maxDelta) {
                maxDelta = delta;
                maxDeltaFrame = frame;
            }
            if (minDelta == -1 || delta < minDelta) {
                minDelta = delta;
            }
            meanDelta = (meanDelta * (totalNr - 1) + delta) / totalNr;
            if (clock != 0) {
                if (jitter > maxJitter) {
                    maxJitter = jitter;
                }
                meanJitter = (meanJitter * (totalNr - 1) + currentJitter) / totalNr;
                if (minJitter == -1 || jitter < minJitter) {
                    minJitter = jitter;
                }
            }
        }
        if ((flags & FLAG_PT_CN) == 0) {
            if (pt != regPt && regPt != -1) {
                flags |= FLAG_REG_PT_CHANGE;
            }
            regPt = pt;
        }
        if (inTime) {
            time = nowMs;
            seqTimestamp = extTimestamp;
        }
        timestamp = extTimestamp;
        stopSeq = seq;
        totalNr++;
        if ((flags & (FLAG_WRONG_SEQ | FLAG_WRONG_TIMESTAMP)) != 0) {
            problem = true;
        }
    }

    /** Packets expected from the first and last sequence numbers and the wrap-arounds. */
    long expected() {
        return totalNr == 0 ? 0 : stopSeq + seqCycles * 65536L - startSeq + 1;
    }

    /** Expected minus received: negative when packets were duplicated. */
    long lost() {
        return expected() - totalNr;
    }

    double lostPercent() {
        final long e = expected();
        return e == 0 ? 0 : lost() * 100.0 / e;
    }
}
