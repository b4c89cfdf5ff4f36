package dev.callscope.flow.rtp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Rebuilds a G.711 stream's audio: each packet of the main payload type is decoded and placed at
 * its RTP timestamp, so lost packets (and packets of other types: comfort noise, telephone-events)
 * leave silence. Duplicates keep the first copy. At most {@link #MAX_SAMPLES} samples (one hour).
 */
public final class AudioExport {
    public static final int SAMPLE_RATE = 8000;
    public static final int MAX_SAMPLES = SAMPLE_RATE * 3600;

    private AudioExport() {
    }

    static short[] decode(final RtpStream s) {
        final int pt = s.payloadType();
        final String codec = s.codec().toUpperCase(Locale.ROOT);
        final boolean ulaw = codec.startsWith("PCMU/");
        if (!ulaw && !codec.startsWith("PCMA/")) {
            return new short[0];
        }
        final List<RtpStream.AudioChunk> chunks = new ArrayList<>();
        for (final RtpStream.AudioChunk c : s.audio) {
            if (c.payloadType() == pt) {
                chunks.add(c);
            }
        }
        if (chunks.isEmpty()) {
            return new short[0];
        }
        chunks.sort(Comparator.comparingLong(RtpStream.AudioChunk::extSequence));
        final long base = chunks.stream().mapToLong(RtpStream.AudioChunk::extTimestamp).min().orElse(0);
        long end = 0;
        for (final RtpStream.AudioChunk c : chunks) {
            end = Math.max(end, c.extTimestamp() - base + c.payload().length);
        }
        final int n = (int) Math.min(end, MAX_SAMPLES);
        final short[] out = new short[n];
        final boolean[] filled = new boolean[n];
        for (final RtpStream.AudioChunk c : chunks) {
            final long pos = c.extTimestamp() - base;
            final byte[] p = c.payload();
            for (int i = 0; i < p.length && pos + i < n; i++) {
                final int at = (int) (pos + i);
                if (!filled[at]) {
                    out[at] = ulaw ? G711.ulaw(p[i]) : G711.alaw(p[i]);
                    filled[at] = true;
                }
            }
        }
        if (end > MAX_SAMPLES) {
            s.audioTruncated = true;
        }
        return out;
    }
}
