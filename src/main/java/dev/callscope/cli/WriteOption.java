package dev.callscope.cli;

import picocli.CommandLine.Option;

/** {@code -w FILE} of calls and sip: the selected calls' frames to a capture file (see {@link PacketExport}). */
public final class WriteOption {
    @Option(names = {"-w", "--write"}, paramLabel = "FILE",
        description = "Also write the selected calls (the filters above) to this capture file, like sngrep's save: their SIP "
            + "frames and the RTP and RTCP of their media streams, copied byte for byte in capture order. pcapng for a "
            + "name ending in .pcapng, pcap for .pcap or .cap, otherwise the input's format. The input is read a second "
            + "time to copy the frames, so standard input is refused; the file is written whole or not at all.")
    String file;
}
