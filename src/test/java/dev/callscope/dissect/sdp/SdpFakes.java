package dev.callscope.dissect.sdp;

import dev.callscope.core.Direction;
import dev.callscope.core.FlowKey;
import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.Transport;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Test doubles: a recording conversation and sink, and a one-call driver. */
final class SdpFakes {
    private SdpFakes() {
    }


    static final class Conversation extends dev.callscope.testutil.FakeConversation {
        Conversation() {
            super(sipFlow(), Transport.UDP, false);
        }
    }

    static final class Sink extends dev.callscope.dissect.Collected {
        List<String> codes() {
            return anomalies.stream().map(Anomaly::code).toList();
        }

        SdpBody body() {
            if (events.size() != 1) {
                throw new AssertionError("expected one event, got " + events);
            }
            return (SdpBody) events.get(0);
        }
    }

    /** Result of feeding one body. */
    record Run(SdpBody body, Sink sink, Conversation conversation) {
        List<String> codes() {
            return sink.codes();
        }

        List<dev.callscope.testutil.FakeConversation.Expectation> expected() {
            return conversation.expected;
        }
    }

    static FlowKey sipFlow() {
        final FlowKey k = new FlowKey();
        k.set(17, new byte[] {10, 0, 0, 1}, 5060, new byte[] {10, 0, 0, 2}, 5060, 4);
        return k.copy();
    }

    static Run run(final String sdp, final long frame) {
        return run(sdp.getBytes(StandardCharsets.UTF_8), frame);
    }

    static Run run(final byte[] sdp, final long frame) {
        final Conversation c = new Conversation();
        final Sink sink = new Sink();
        final PacketContext ctx = new PacketContext().set(frame, 1_000_000_000L * frame, c.flow(), Direction.A_TO_B,
            Transport.UDP, false);
        new SdpDissector().open(c).onDatagram(Payload.of(sdp), ctx, sink);
        return new Run(sink.body(), sink, c);
    }

    /** Turns the LF line ends of a text block into CRLF, as on the wire. */
    static String crlf(final String lf) {
        return lf.replace("\n", "\r\n");
    }
}
