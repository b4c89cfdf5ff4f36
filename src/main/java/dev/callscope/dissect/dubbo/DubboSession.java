package dev.callscope.dissect.dubbo;

import dev.callscope.core.Direction;
import dev.callscope.core.Limits;
import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.DissectorSession;
import dev.callscope.dissect.EventSink;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.Severity;
import dev.callscope.dissect.StreamFramer;

/**
 * One TCP connection: a {@link StreamFramer} per direction cuts the stream into frames (split,
 * glued, resynchronised on the magic, oversize bodies discarded), and each frame becomes a
 * {@link DubboFrame}. A body that does not decode still gives its header (broken=true) and a
 * {@code dubbo.bad_body} anomaly.
 */
final class DubboSession implements DissectorSession {
    /** Heartbeat bodies of serializations we do not decode are at most this long (a serialized null). */
    private static final int OPAQUE_NULL_MAX = 4;

    private final StreamFramer[] framers = new StreamFramer[2];
    private final DubboHeader header = new DubboHeader();
    private final StreamFramer.Handler handler = this::frame;
    private final long conversationId;

    /** A session whose frames carry no conversation index (-1). */
    DubboSession(final Limits limits) {
        this(limits, -1);
    }

    DubboSession(final Limits limits, final long conversationId) {
        this.conversationId = conversationId;
        final long max = (long) DubboHeader.HEADER_LENGTH + limits.dubboMaxPayload;
        final int maxPdu = (int) Math.min(Integer.MAX_VALUE - 8, max);
        for (int d = 0; d < 2; d++) {
            framers[d] = StreamFramer.lengthPrefixed(DubboDissector.ID, DubboHeader.HEADER_LENGTH,
                DubboHeader.BODY_LENGTH_OFFSET, 4, 0, maxPdu, DubboHeader::plausible);
        }
    }

    @Override
    public int onStream(final Payload buffered, final PacketContext ctx, final EventSink out) {
        return framers[ctx.direction().index()].feed(buffered, ctx, out, handler);
    }

    @Override
    public void onGap(final long seq, final int length, final Direction dir, final EventSink out) {
        framers[dir.index()].reset();
    }

    private void frame(final Payload pdu, final PacketContext ctx, final EventSink out) {
        final DubboHeader h = header.wrap(pdu);
        final boolean request = h.request();
        final boolean event = h.event();
        final int serial = h.serializationId();
        final int status = request ? -1 : h.status();
        final int bodyLen = pdu.length() - DubboHeader.HEADER_LENGTH;
        final int bodyOff = pdu.offset() + DubboHeader.HEADER_LENGTH;
        final Hessian2Bodies.Result r = serial == 2
            ? Hessian2Bodies.decode(pdu.array(), bodyOff, bodyLen, request, event, status)
            : OtherBodies.decode(serial, pdu.array(), bodyOff, bodyLen, request, event, status);
        final DubboBody body = r.body();
        final boolean heartbeat = event && ("null".equals(body.eventData())
            || (body == DubboBody.NONE && bodyLen <= OPAQUE_NULL_MAX));
        final String serialName = DubboHeader.serializationName(serial);
        String statusName = null;
        if (!request) {
            statusName = DubboHeader.statusName(status);
            if (statusName == null) {
                statusName = "UNKNOWN(" + status + ")";
            }
        }
        if (r.broken()) {
            out.anomaly(new Anomaly("dubbo.bad_body", Severity.WARN, ctx.frame(), -1,
                (request ? "request " : "response ") + h.requestId() + ": " + body.problem()));
        } else {
            out.confirm();
        }
        out.emit(new DubboFrame(ctx.frame(), ctx.tsNanos(), ctx.flow(), ctx.direction(), request, request && h.twoWay(),
            event, heartbeat, serial, serialName == null ? "unknown(" + serial + ")" : serialName, status, statusName,
            h.requestId(), h.bodyLength(), pdu.length(), r.broken(), body, conversationId));
    }
}
