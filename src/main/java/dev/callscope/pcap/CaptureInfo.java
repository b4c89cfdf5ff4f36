package dev.callscope.pcap;

import java.util.List;

/**
 * Per-file header information for summaries. Every reader that {@link CaptureFiles} returns
 * implements it; {@link CaptureFiles#infos} also reaches the files inside a merge.
 */
public interface CaptureInfo {

    /** The file name as given ("&lt;stdin&gt;" for standard input). */
    String describe();

    /** "pcap" or "pcapng", with " (gzip)" appended for compressed files. */
    String format();

    /**
     * The interfaces declared so far. A pcapng reader has read the blocks before the first packet
     * when it is opened, so this is complete for ordinary files; interfaces declared later (a later
     * section, or an IDB between packets) appear once they have been read.
     */
    List<CaptureInterface> interfaces();
}
