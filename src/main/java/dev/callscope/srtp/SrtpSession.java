package dev.callscope.srtp;

import dev.callscope.core.SrtpStats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SRTP and SRTCP of one UDP conversation, both directions, with the SDES keys announced for its
 * endpoints. Which key protects which stream is found, not assumed: each direction's SSRC takes the
 * first candidate key whose authentication tag verifies (the SDP's author encrypts what it sends
 * with its own key, RFC 4568 6.1, and a B2BUA or a re-INVITE changes keys), and keeps it while it
 * verifies. The rollover counter is estimated per SSRC as RFC 3711 appendix A does; a capture that
 * starts after the sequence number wrapped is tried with the counter up to {@link #MAX_ROC_GUESS}.
 */
public final class SrtpSession {
    /** What {@link #rtp} and {@link #rtcp} found. */
    public enum Outcome {
        /** Authenticated and decrypted: the clear packet is in the output buffer. */
        DECRYPTED,
        /** No candidate key authenticated it (wrong key, or not SRTP). */
        AUTH_FAILED,
        /** Too short for the suite's tag and MKI, or a broken RTP header. */
        MALFORMED,
        /** More SSRCs than the bound: not tried. */
        OVER_LIMIT
    }

    /** Rollover counters tried on the first packets of an SSRC when 0 does not authenticate. */
    static final int MAX_ROC_GUESS = 16;

    private final List<SrtpCrypto> candidates = new ArrayList<>();
    private final SrtpStats stats;
    private final int maxStreams;
    @SuppressWarnings("unchecked")
    private final Map<Long, Stream>[] streams = new Map[] {new HashMap<>(), new HashMap<>()};
    private int length;

    /** One SSRC of one direction. */
    private static final class Stream {
        SrtpCrypto crypto;
        boolean started;
        long roc;
        int highest;
        boolean rtcpFailed;
    }

    public SrtpSession(final List<SdesKey> keys, final SrtpStats stats, final int maxStreams) {
        this.stats = stats;
        this.maxStreams = maxStreams;
        update(keys);
    }

    /** Adds candidate keys announced since (a re-INVITE); keys already known are kept with their state. */
    public void update(final List<SdesKey> keys) {
        for (final SdesKey k : keys) {
            boolean known = false;
            for (final SrtpCrypto c : candidates) {
                known |= c.key.equals(k);
            }
            if (!known) {
                candidates.add(new SrtpCrypto(k));
            }
        }
    }

    /** Bytes of the clear packet the last {@link Outcome#DECRYPTED} call wrote. */
    public int length() {
        return length;
    }

    /**
     * One SRTP packet of direction {@code dir} (0 or 1) in {@code b[off, off+len)}; on {@link
     * Outcome#DECRYPTED} the clear RTP packet (without MKI and tag) is in {@code out}, {@link #length()} bytes.
     */
    public Outcome rtp(final int dir, final byte[] b, final int off, final int len, final byte[] out) {
        if (len < 12) {
            stats.malformed++;
            return Outcome.MALFORMED;
        }
        final int cc = b[off] & 0x0F;
        int hdr = 12 + 4 * cc;
        if ((b[off] & 0x10) != 0) {
            if (len < hdr + 4) {
                stats.malformed++;
                return Outcome.MALFORMED;
            }
            hdr += 4 + 4 * ((b[off + hdr + 2] & 0xFF) << 8 | b[off + hdr + 3] & 0xFF);
        }
        if (hdr > len) {
            stats.malformed++;
            return Outcome.MALFORMED;
        }
        final int seq = (b[off + 2] & 0xFF) << 8 | b[off + 3] & 0xFF;
        final long ssrc = SrtpCrypto.get32(b, off + 8);
        final Stream s = stream(dir, ssrc);
        if (s == null) {
            stats.overLimit++;
            return Outcome.OVER_LIMIT;
        }
        if (s.crypto != null) {
            final long v = guess(s, seq);
            final int n = s.crypto.rtp(b, off, len, hdr, ssrc, seq, v, out);
            if (n >= 0) {
                advance(s, v, seq);
                return decrypted(n);
            }
            if (n == -2) {
                stats.malformed++;
                return Outcome.MALFORMED;
            }
        }
        // a new SSRC, or its key stopped verifying: try every candidate
        final int guesses = s.started ? 1 : MAX_ROC_GUESS;
        for (final SrtpCrypto c : candidates) {
            if (c == s.crypto) {
                continue;
            }
            for (int r = 0; r < guesses; r++) {
                final long v = s.started ? guess(s, seq) : r;
                final int n = c.rtp(b, off, len, hdr, ssrc, seq, v, out);
                if (n >= 0) {
                    if (s.crypto == null) {
                        stats.streams++;
                    }
                    s.crypto = c;
                    if (!s.started) {
                        s.started = true;
                        s.roc = v;
                        s.highest = seq;
                    } else {
                        advance(s, v, seq);
                    }
                    return decrypted(n);
                }
            }
        }
        stats.authFailures++;
        return Outcome.AUTH_FAILED;
    }

    /** One SRTCP packet of direction {@code dir}; on {@link Outcome#DECRYPTED} the clear compound RTCP packet is in {@code out}. */
    public Outcome rtcp(final int dir, final byte[] b, final int off, final int len, final byte[] out) {
        if (len < 8) {
            stats.malformed++;
            return Outcome.MALFORMED;
        }
        final long ssrc = SrtpCrypto.get32(b, off + 4);
        final Stream s = stream(dir, ssrc);
        if (s == null) {
            stats.overLimit++;
            return Outcome.OVER_LIMIT;
        }
        if (s.crypto != null) {
            final int n = s.crypto.rtcp(b, off, len, out);
            if (n >= 0) {
                stats.rtcpDecrypted++;
                length = n;
                return Outcome.DECRYPTED;
            }
        }
        for (final SrtpCrypto c : candidates) {
            if (c == s.crypto) {
                continue;
            }
            final int n = c.rtcp(b, off, len, out);
            if (n >= 0) {
                if (s.crypto == null && !s.started) {
                    s.crypto = c; // the SSRC's SRTP may come later: its key is known now
                }
                stats.rtcpDecrypted++;
                length = n;
                return Outcome.DECRYPTED;
            }
        }
        stats.rtcpAuthFailures++;
        return Outcome.AUTH_FAILED;
    }

    private Outcome decrypted(final int n) {
        stats.decrypted++;
        length = n;
        return Outcome.DECRYPTED;
    }

    /** The stream each direction saw last: most packets look no further (no boxed key per packet). */
    private final Stream[] last = new Stream[2];
    private final long[] lastSsrc = {-1, -1};

    private Stream stream(final int dir, final long ssrc) {
        if (lastSsrc[dir] == ssrc) {
            return last[dir];
        }
        final Stream s = lookup(dir, ssrc);
        if (s != null) {
            last[dir] = s;
            lastSsrc[dir] = ssrc;
        }
        return s;
    }

    private Stream lookup(final int dir, final long ssrc) {
        final Map<Long, Stream> m = streams[dir];
        Stream s = m.get(ssrc);
        if (s == null) {
            if (m.size() >= maxStreams) {
                return null;
            }
            s = new Stream();
            m.put(ssrc, s);
        }
        return s;
    }

    /** The rollover counter of a packet (RFC 3711 appendix A). */
    private static long guess(final Stream s, final int seq) {
        if (!s.started) {
            return 0;
        }
        if (s.highest < 32768) {
            return seq - s.highest > 32768 ? s.roc - 1 : s.roc;
        }
        return s.highest - 32768 > seq ? s.roc + 1 : s.roc;
    }

    /** Updates the highest sequence number and counter after an authenticated packet. */
    private static void advance(final Stream s, final long v, final int seq) {
        if (v == s.roc + 1) {
            s.roc = v;
            s.highest = seq;
        } else if (v == s.roc && seq > s.highest) {
            s.highest = seq;
        }
    }
}
