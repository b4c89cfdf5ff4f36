package dev.callscope.flow.rtp;

import java.util.Locale;

/**
 * RTP clock rates as Wireshark's stream analysis knows them: the static payload types of the IANA
 * registry, and for dynamic types the rate of the SDP rtpmap or, failing that, a table of media
 * subtype names (matched by prefix, case-insensitive, later entries first).
 */
final class ClockRates {
    private static final int[] STATIC = new int[35];
    private static final String[] NAMES = {"AMR", "AMR-WB", "BMPEG", "BT656", "DV", "EVRC", "EVRC0", "EVRC1", "EVRCB",
        "EVRCB0", "EVRCB1", "EVRCWB", "EVRCWB0", "EVRCWB1", "EVS", "G7221", "G726-16", "G726-24", "G726-32", "G726-40",
        "G729D", "G729E", "GSM-EFR", "H263-1998", "H263-2000", "H264", "MP1S", "MP2P", "MP4V-ES", "mpa-robust", "opus",
        "pointer", "raw", "red", "SMV", "SMV0", "t140", "telephone-event"};
    private static final int[] RATES = {8000, 16000, 90000, 90000, 90000, 8000, 8000, 8000, 8000, 8000, 8000, 16000, 16000,
        16000, 16000, 16000, 8000, 8000, 8000, 8000, 8000, 8000, 8000, 90000, 90000, 90000, 90000, 90000, 90000, 90000,
        48000, 90000, 90000, 1000, 8000, 8000, 1000, 8000};

    static {
        for (final int pt : new int[] {0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 15, 18, 19}) {
            STATIC[pt] = 8000;
        }
        STATIC[6] = 16000;
        STATIC[10] = 44100;
        STATIC[11] = 44100;
        STATIC[16] = 11025;
        STATIC[17] = 22050;
        for (final int pt : new int[] {14, 25, 26, 28, 31, 32, 33, 34}) {
            STATIC[pt] = 90000;
        }
    }

    private ClockRates() {
    }

    /** Clock rate of a static payload type (below 96), or 0 when unknown. */
    static int staticRate(final int payloadType) {
        return payloadType >= 0 && payloadType < STATIC.length ? STATIC[payloadType] : 0;
    }

    /** Clock rate of a media subtype name by Wireshark's prefix table, or 0. */
    static int byName(final String encoding) {
        if (encoding == null) {
            return 0;
        }
        final String e = encoding.toLowerCase(Locale.ROOT);
        for (int i = NAMES.length - 1; i >= 0; i--) {
            if (e.startsWith(NAMES[i].toLowerCase(Locale.ROOT))) {
                return RATES[i];
            }
        }
        return 0;
    }
}
