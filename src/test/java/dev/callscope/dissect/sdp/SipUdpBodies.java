package dev.callscope.dissect.sdp;

import dev.callscope.core.Limits;
import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.decode.PacketDecoder;
import dev.callscope.decode.PacketInfo;
import dev.callscope.pcap.CaptureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Test helper: pulls SDP bodies out of SIP over UDP in a capture file. Frames are decoded with the
 * project's own reader and decoder (tunnels and IP fragments included); a UDP payload containing
 * "\r\n\r\nv=0" and a "Content-Type: application/sdp" (or compact "c:") header line is taken as
 * a SIP message whose body (everything after the blank line) is SDP, as SIP would hand it over.
 * No other SIP parsing: Content-Length is ignored and multipart bodies are skipped.
 */
final class SipUdpBodies {
    private static final byte[] MARK = "\r\n\r\nv=0".getBytes(StandardCharsets.ISO_8859_1);

    /** One body: 1-based frame number (as tshark counts), capture time and the body bytes. */
    record Body(long frame, long tsNanos, byte[] bytes) {
    }

    private SipUdpBodies() {
    }

    static List<Body> read(final Path capture) throws IOException {
        final List<Body> out = new ArrayList<>();
        final PacketDecoder decoder = new PacketDecoder(new Limits());
        final PacketInfo info = new PacketInfo();
        final RawFrame frame = new RawFrame();
        long n = 0;
        try (PacketSource src = CaptureFiles.open(capture.toString())) {
            while (src.next(frame)) {
                n++;
                if (decoder.decode(frame, n, info) != PacketDecoder.Result.UDP || info.payload == null) {
                    continue;
                }
                final int at = indexOf(info.payload, info.payloadOffset, info.payloadLength, MARK);
                if (at >= 0 && declaresSdp(info.payload, info.payloadOffset, at)) {
                    final int start = at + 4;
                    final int end = info.payloadOffset + info.payloadLength;
                    out.add(new Body(n, frame.tsNanos, Arrays.copyOfRange(info.payload, start, end)));
                }
            }
        }
        return out;
    }

    /** A header line in {@code a[from,to)} is "Content-Type: application/sdp" or "c: application/sdp". */
    static boolean declaresSdp(final byte[] a, final int from, final int to) {
        final String head = new String(a, from, to - from, StandardCharsets.ISO_8859_1);
        for (final String line : head.split("\r\n")) {
            final int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            final String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            final String value = line.substring(colon + 1).strip().toLowerCase(Locale.ROOT);
            if ((name.equals("content-type") || name.equals("c")) && value.startsWith("application/sdp")) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(final byte[] a, final int off, final int len, final byte[] needle) {
        outer:
        for (int i = off; i + needle.length <= off + len; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (a[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
