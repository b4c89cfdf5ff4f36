package dev.callscope.spark;

import dev.callscope.flow.rtp.RtpStream;

/** The key parts of one RTP stream share across files: SSRC, transport, source and destination. */
final class StreamKeys {
    private StreamKeys() {
    }

    static String of(final RtpStream s) {
        return s.ssrcHex() + ' ' + s.transport() + ' ' + s.src() + ' ' + s.dst();
    }
}
