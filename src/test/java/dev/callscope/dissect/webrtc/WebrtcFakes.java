package dev.callscope.dissect.webrtc;

import dev.callscope.core.Direction;
import dev.callscope.core.FlowKey;
import dev.callscope.dissect.ConversationContext;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Transport;
import java.util.HexFormat;

/** Test helpers: hex, a UDP packet context, a recording sink and a conversation without an engine. */
final class WebrtcFakes {
    private WebrtcFakes() {
    }

    static byte[] hex(final String text) {
        return HexFormat.of().parseHex(text.replaceAll("\\s+", ""));
    }

    static PacketContext udp(final long frame) {
        final FlowKey k = new FlowKey();
        final boolean fwd = k.set(17, new byte[] {10, 0, 0, 1}, 50000, new byte[] {10, 0, 0, 2}, 3478, 4);
        return new PacketContext().set(frame, frame * 1_000_000L, k, fwd ? Direction.A_TO_B : Direction.B_TO_A,
            Transport.UDP, false);
    }

    static final class Sink extends dev.callscope.dissect.Collected {
    }

    static ConversationContext conversation(final PacketContext ctx) {
        return new dev.callscope.testutil.FakeConversation(ctx.flow(), Transport.UDP, false);
    }
}
