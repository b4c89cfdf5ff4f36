package dev.callscope.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Which dissectors run where: --decode-as and --disable. */
public final class DissectOptions {
    @Option(names = "--decode-as", paramLabel = "RULE",
        description = "Force a dissector on a port: udp.port=PORT:PROTOCOL or tcp.port=PORT:PROTOCOL (repeatable; "
            + "tshark's udp.port==PORT,PROTOCOL is accepted too).")
    List<String> decodeAs = new ArrayList<>();

    @Option(names = "--disable", paramLabel = "PROTOCOL", split = ",",
        description = "Turn a dissector off (repeatable or comma-separated).")
    List<String> disabled = new ArrayList<>();

    @Option(names = "--rtp-heuristic",
        description = "Also look for RTP on UDP conversations that no SDP announced (like Wireshark's rtp_udp "
            + "heuristic; off by default because almost any UDP payload can pass for RTP).")
    boolean rtpHeuristic;
}
