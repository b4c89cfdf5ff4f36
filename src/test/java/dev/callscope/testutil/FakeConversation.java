package dev.callscope.testutil;

import dev.callscope.core.Endpoint;
import dev.callscope.core.FlowKey;
import dev.callscope.core.Limits;
import dev.callscope.dissect.ConversationContext;
import dev.callscope.dissect.EventSink;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.Transport;
import java.util.ArrayList;
import java.util.List;

/**
 * The conversation a dissector session is opened on, for tests without the engine: its flow and
 * transport, default {@link Limits}, and a record of what the session announced ({@link #expected})
 * and handed off ({@link #handedOff}: content type and text).
 */
public class FakeConversation implements ConversationContext {
    /** One expect() call. */
    public record Expectation(Transport transport, String endpoint, String dissectorId, long frame) {
    }

    public final List<Expectation> expected = new ArrayList<>();
    public final List<String> handedOff = new ArrayList<>();
    private final FlowKey flow;
    private final Transport transport;
    private final boolean takesHandOffs;

    /**
     * @param flow the conversation's 5-tuple (may be null)
     * @param transport UDP or TCP
     * @param takesHandOffs what {@link #handOff} answers: whether a dissector took the content
     */
    public FakeConversation(final FlowKey flow, final Transport transport, final boolean takesHandOffs) {
        this.flow = flow;
        this.transport = transport;
        this.takesHandOffs = takesHandOffs;
    }

    @Override
    public FlowKey flow() {
        return flow;
    }

    @Override
    public Transport transport() {
        return transport;
    }

    @Override
    public Limits limits() {
        return new Limits();
    }

    @Override
    public boolean handOff(final String contentType, final Payload body, final PacketContext ctx, final EventSink out) {
        handedOff.add(contentType + " " + body.utf8(0, body.length()));
        return takesHandOffs;
    }

    @Override
    public void expect(final Transport t, final Endpoint endpoint, final String dissectorId, final long frame) {
        expected.add(new Expectation(t, endpoint.toString(), dissectorId, frame));
    }
}
