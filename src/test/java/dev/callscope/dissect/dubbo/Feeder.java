package dev.callscope.dissect.dubbo;

import dev.callscope.core.Direction;
import dev.callscope.core.FlowKey;
import dev.callscope.core.Limits;
import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.DissectorSession;
import dev.callscope.dissect.EventSink;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.dissect.Transport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Drives a {@link DubboSession} the way the engine does (unconsumed bytes kept and offered again
 * with the next chunk), checking that a call never reports progress it did not make.
 */
final class Feeder implements EventSink {
    static final FlowKey FLOW = flow();
    final List<DubboFrame> frames = new ArrayList<>();
    final List<Anomaly> anomalies = new ArrayList<>();
    final DissectorSession session;
    private final PacketContext ctx = new PacketContext();
    private byte[] buf = new byte[4096];
    private int len;
    int calls;

    Feeder() {
        this(new Limits());
    }

    Feeder(final Limits limits) {
        session = new DubboSession(limits);
        ctx.set(1, 1_000_000_000L, FLOW, Direction.A_TO_B, Transport.TCP, false);
    }

    private static FlowKey flow() {
        final FlowKey k = new FlowKey();
        k.set(6, new byte[] {127, 0, 0, 1}, 40000, new byte[] {127, 0, 0, 2}, 20880, 4);
        return k.copy();
    }

    /** Appends {@code n} bytes and drives the session until it stops consuming; returns bytes left buffered. */
    int feed(final byte[] data, final int off, final int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
        System.arraycopy(data, off, buf, len, n);
        len += n;
        int used = 0;
        while (used < len) {
            calls++;
            final int c = session.onStream(new Payload(buf, used, len - used), ctx, this);
            if (c < 0 || c > len - used) {
                throw new AssertionError("onStream returned " + c + " of " + (len - used));
            }
            if (c == 0) {
                break;
            }
            used += c;
        }
        System.arraycopy(buf, used, buf, 0, len - used);
        len -= used;
        return len;
    }

    int feed(final byte[] data) {
        return feed(data, 0, data.length);
    }

    @Override
    public void emit(final ProtocolEvent event) {
        frames.add((DubboFrame) event);
    }

    @Override
    public void anomaly(final Anomaly anomaly) {
        anomalies.add(anomaly);
    }

    @Override
    public void confirm() {
    }
}
