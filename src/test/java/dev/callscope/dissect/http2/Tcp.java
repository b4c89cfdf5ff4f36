package dev.callscope.dissect.http2;

import static dev.callscope.decode.Frames.eth;
import static dev.callscope.decode.Frames.ipv4;
import static dev.callscope.decode.Frames.tcp;

import dev.callscope.core.LinkType;
import dev.callscope.core.RawFrame;
import dev.callscope.decode.Frames;

/** TCP segments between a client 10.1.0.1:40000 and a server 10.1.0.2:50051, for HTTP/2 tests. */
final class Tcp {
    private static final byte[] CLIENT = {10, 1, 0, 1};
    private static final byte[] SERVER = {10, 1, 0, 2};

    private Tcp() {
    }

    static RawFrame frame(final boolean fromClient, final long seq, final int flags, final byte[] data) {
        final byte[] seg = fromClient ? tcp(40000, 50051, seq, 0, flags, data) : tcp(50051, 40000, seq, 0, flags, data);
        return Frames.frame(LinkType.ETHERNET, eth(0x0800, ipv4(fromClient ? CLIENT : SERVER, fromClient ? SERVER : CLIENT, 6, 1,
            false, 0, new byte[0], seg)));
    }
}
