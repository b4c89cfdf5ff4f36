package dev.callscope.flow.rtp;

/**
 * One DTMF key press, from RFC 4733 telephone-events (end-packet retransmissions and repeated
 * start packets collapsed into one event) or from a SIP INFO body.
 *
 * @param source "rfc4733" or "sip-info"
 * @param digit "0"-"9", "*", "#", "A"-"D", "flash", or "event-N" for other event codes
 * @param event the RFC 4733 event code (-1 when a SIP INFO carried a signal with no code)
 * @param startNanos capture time of the first packet (or of the INFO)
 * @param durationMs the event's duration: RTP timestamp units over the clock rate, or the INFO's
 *     Duration; -1 when unknown
 * @param volume RFC 4733 volume (0 to -63 dBm0, given as 0-63), -1 when unknown
 * @param ended an end packet was seen (RFC 4733) or the INFO carried a duration
 * @param ssrc the RTP source (-1 for SIP INFO)
 * @param callId the SIP Call-ID (SIP INFO only), or null
 */
public record DtmfEvent(String source, String digit, int event, long startNanos, double durationMs, int volume,
                        boolean ended, long frame, long ssrc, String src, String dst, String callId)
    implements java.io.Serializable {
    public static final String RFC4733 = "rfc4733";
    public static final String SIP_INFO = "sip-info";

    /** The key name of an RFC 4733 event code (table 3 of RFC 4733). */
    public static String digitOf(final int event) {
        if (event >= 0 && event <= 9) {
            return Integer.toString(event);
        }
        return switch (event) {
            case 10 -> "*";
            case 11 -> "#";
            case 12 -> "A";
            case 13 -> "B";
            case 14 -> "C";
            case 15 -> "D";
            case 16 -> "flash";
            default -> "event-" + event;
        };
    }

    /** The RFC 4733 event code of a key name ("5", "*", "#", "A"..."D", "flash"), or -1. */
    public static int eventOf(final String digit) {
        if (digit == null) {
            return -1;
        }
        final String d = digit.trim().toUpperCase(java.util.Locale.ROOT);
        if (d.length() == 1) {
            final char c = d.charAt(0);
            if (c >= '0' && c <= '9') {
                return c - '0';
            }
            return switch (c) {
                case '*', 'E' -> 10;
                case '#', 'F' -> 11;
                case 'A' -> 12;
                case 'B' -> 13;
                case 'C' -> 14;
                case 'D' -> 15;
                default -> -1;
            };
        }
        if (d.equals("10")) {
            return 10;
        }
        if (d.equals("11")) {
            return 11;
        }
        if (d.equals("16") || d.equals("FLASH") || d.equals("!")) {
            return 16;
        }
        return -1;
    }
}
