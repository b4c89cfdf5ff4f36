package dev.callscope.dissect.sdp;

/** RFC 3551 section 6 static RTP payload types (tables 4 and 5), as "encoding/clock[/channels]". */
final class StaticPayloadTypes {
    private static final String[] NAMES = new String[35];

    static {
        NAMES[0] = "PCMU/8000";
        NAMES[3] = "GSM/8000";
        NAMES[4] = "G723/8000";
        NAMES[5] = "DVI4/8000";
        NAMES[6] = "DVI4/16000";
        NAMES[7] = "LPC/8000";
        NAMES[8] = "PCMA/8000";
        NAMES[9] = "G722/8000";
        NAMES[10] = "L16/44100/2";
        NAMES[11] = "L16/44100";
        NAMES[12] = "QCELP/8000";
        NAMES[13] = "CN/8000";
        NAMES[14] = "MPA/90000";
        NAMES[15] = "G728/8000";
        NAMES[16] = "DVI4/11025";
        NAMES[17] = "DVI4/22050";
        NAMES[18] = "G729/8000";
        NAMES[25] = "CelB/90000";
        NAMES[26] = "JPEG/90000";
        NAMES[28] = "nv/90000";
        NAMES[31] = "H261/90000";
        NAMES[32] = "MPV/90000";
        NAMES[33] = "MP2T/90000";
        NAMES[34] = "H263/90000";
    }

    private StaticPayloadTypes() {
    }

    static String name(final int payloadType) {
        return payloadType >= 0 && payloadType < NAMES.length ? NAMES[payloadType] : null;
    }

    /** Encoding names as registered with IANA (RTP payload format media types), by lower case. */
    private static final java.util.Map<String, String> REGISTERED = new java.util.HashMap<>();

    static {
        for (final String n : NAMES) {
            if (n != null) {
                final String e = n.substring(0, n.indexOf('/'));
                REGISTERED.put(e.toLowerCase(java.util.Locale.ROOT), e);
            }
        }
        for (final String e : new String[] {"opus", "telephone-event", "tone", "iLBC", "G726-16", "G726-24", "G726-32",
            "G726-40", "G729D", "G729E", "G7221", "AMR", "AMR-WB", "EVS", "speex", "SILK", "red", "ulpfec", "flexfec",
            "rtx", "VP8", "VP9", "AV1", "H264", "H265", "H263-1998", "H263-2000", "L8", "L20", "L24", "PCMA-WB",
            "PCMU-WB", "G7291", "GSM-EFR", "GSM-HR-08", "MP4A-LATM", "MP4V-ES", "t140", "t38"}) {
            REGISTERED.put(e.toLowerCase(java.util.Locale.ROOT), e);
        }
    }

    /**
     * The registered spelling of an a=rtpmap encoding name ("pcma" gives "PCMA", "OPUS" gives
     * "opus"; encoding names are case-insensitive, RFC 4855 section 3), or the name as written when
     * it is not one we know.
     */
    static String registered(final String encoding) {
        final String r = REGISTERED.get(encoding.toLowerCase(java.util.Locale.ROOT));
        return r != null ? r : encoding;
    }
}
