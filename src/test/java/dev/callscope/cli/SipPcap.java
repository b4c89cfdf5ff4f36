package dev.callscope.cli;

import dev.callscope.decode.Frames;
import dev.callscope.pcap.PcapWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test captures of one SIP dialog over UDP between 10.0.0.1:5060 and 10.0.0.2:5060, a message every 10 ms. */
final class SipPcap {
    private SipPcap() {
    }

    /**
     * Writes the messages, each given as its first line ("INVITE sip:bob@example.com SIP/2.0",
     * "SIP/2.0 200 OK"): requests go from .1 to .2, responses back; CSeq and branch count up per
     * request, a response answers the last request.
     */
    static Path write(final Path file, final String from, final Iterable<String> firstLines) throws IOException {
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            final PcapWriter w = new PcapWriter(os, 1, 65535, false, ByteOrder.LITTLE_ENDIAN);
            long ts = 1_700_000_000_000_000_000L;
            int cseq = 0;
            String method = "INVITE";
            for (final String first : firstLines) {
                final boolean response = first.startsWith("SIP/2.0");
                if (!response) {
                    cseq++;
                    method = first.substring(0, first.indexOf(' '));
                }
                final String text = first + "\r\n"
                    + "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-" + cseq + "\r\n"
                    + "From: " + from + ";tag=a\r\n"
                    + "To: <sip:bob@example.com>" + (response || !"INVITE".equals(method) ? ";tag=b" : "") + "\r\n"
                    + "Call-ID: generated-1@example.com\r\n"
                    + "CSeq: " + (method.equals("ACK") ? cseq - 1 : cseq) + " " + method + "\r\n"
                    + "Content-Length: 0\r\n\r\n";
                final byte[] udp = Frames.udp(5060, 5060, text.getBytes(StandardCharsets.US_ASCII));
                final byte[] frame = Frames.eth(0x0800, response
                    ? Frames.ipv4(Frames.B4, Frames.A4, 17, 1, false, 0, new byte[0], udp)
                    : Frames.ipv4(Frames.A4, Frames.B4, 17, 1, false, 0, new byte[0], udp));
                w.write(ts, frame, 0, frame.length, frame.length);
                ts += 10_000_000L;
            }
            w.flush();
        }
        return file;
    }
}
