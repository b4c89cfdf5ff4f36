package dev.callscope.capture;

import dev.callscope.core.LinkType;

/**
 * Turns the DLT_ value libpcap reports ({@code pcap_datalink}) into the LINKTYPE_ value that
 * {@link dev.callscope.core.RawFrame#linkType} and capture files carry.
 *
 * <p>The two numbering spaces agree except for a few historical values that differ between
 * platforms; libpcap maps a file's LINKTYPE_RAW (101) to DLT_RAW (12 on Linux, 14 on OpenBSD) when
 * it opens the file, so this class maps it back (as libpcap's own {@code dlt_to_linktype} does).
 */
final class DltMapping {
    /** DLT_ATM_RFC1483. */
    private static final int DLT_ATM_RFC1483 = 11;
    /** DLT_RAW on most platforms (Linux, macOS, the BSDs other than OpenBSD). */
    private static final int DLT_RAW = 12;
    /** DLT_RAW on OpenBSD. */
    private static final int DLT_RAW_OPENBSD = 14;
    /** DLT_SLIP_BSDOS. */
    private static final int DLT_SLIP_BSDOS = 15;
    /** DLT_PPP_BSDOS. */
    private static final int DLT_PPP_BSDOS = 16;
    /** DLT_ATM_CLIP (Linux). */
    private static final int DLT_ATM_CLIP = 19;

    private DltMapping() {
    }

    /** LINKTYPE_ value for a DLT_ value; identical numbers pass through unchanged. */
    static int toLinkType(final int dlt) {
        switch (dlt) {
            case DLT_ATM_RFC1483: return 100;
            case DLT_RAW:
            case DLT_RAW_OPENBSD: return LinkType.RAW;
            case DLT_SLIP_BSDOS: return 102;
            case DLT_PPP_BSDOS: return 103;
            case DLT_ATM_CLIP: return 106;
            default: return dlt;
        }
    }
}
