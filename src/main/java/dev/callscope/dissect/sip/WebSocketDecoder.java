package dev.callscope.dissect.sip;

import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.EventSink;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.Severity;
import java.util.Arrays;

/**
 * One direction of a WebSocket connection (RFC 6455) carrying SIP (RFC 7118): unmasks frames,
 * joins fragmented messages (bounded), and hands each complete text or binary message on.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-------+-+-------------+-------------------------------+
 *  |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
 *  |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
 *  |N|V|V|V|       |S|             |   (if payload len==126/127)   |
 *  +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
 *  |  ... extended length  | Masking-key (0 or 4 bytes) | Payload  |
 * </pre>
 */
final class WebSocketDecoder {
    /** Receives one complete message. */
    interface MessageHandler {
        void onMessage(Payload message, PacketContext ctx, EventSink out);
    }

    private final int maxMessage;
    private byte[] message = new byte[0];
    private int messageLength;
    private boolean discarding;
    private final Payload view = new Payload();

    WebSocketDecoder(final int maxMessage) {
        this.maxMessage = maxMessage;
    }

    /** Consumes every complete frame at the start of {@code p}; returns bytes consumed. */
    int feed(final Payload p, final PacketContext ctx, final EventSink out, final MessageHandler handler) {
        int pos = 0;
        while (p.length() - pos >= 2) {
            final int b0 = p.u8(pos);
            final int b1 = p.u8(pos + 1);
            final boolean fin = (b0 & 0x80) != 0;
            final int opcode = b0 & 0x0F;
            final boolean masked = (b1 & 0x80) != 0;
            long len = b1 & 0x7F;
            int hdr = 2;
            if (len == 126) {
                if (p.length() - pos < 4) {
                    break;
                }
                len = p.u16(pos + 2);
                hdr = 4;
            } else if (len == 127) {
                if (p.length() - pos < 10) {
                    break;
                }
                len = p.s64(pos + 2);
                hdr = 10;
            }
            if (masked) {
                hdr += 4;
            }
            if (len < 0 || len > maxMessage) {
                out.anomaly(new Anomaly("websocket.frame_too_large", Severity.WARN, ctx.frame(), pos,
                    "frame of " + len + " bytes over the " + maxMessage + " byte limit"));
                return p.length(); // cannot resynchronise inside a huge frame: drop what we have
            }
            if (p.length() - pos < hdr + len) {
                break;
            }
            final int dataStart = pos + hdr;
            if (opcode == 0 || opcode == 1 || opcode == 2) {
                append(p, dataStart, (int) len, masked ? pos + hdr - 4 : -1, ctx, out);
                if (fin) {
                    if (!discarding && messageLength > 0) {
                        handler.onMessage(view.wrap(message, 0, messageLength), ctx, out);
                    }
                    messageLength = 0;
                    discarding = false;
                }
            } else if (opcode < 8 || opcode > 10) {
                out.anomaly(new Anomaly("websocket.bad_opcode", Severity.WARN, ctx.frame(), pos, "opcode " + opcode));
            }
            pos = dataStart + (int) len;
        }
        return pos;
    }

    private void append(final Payload p, final int start, final int len, final int maskAt, final PacketContext ctx,
                        final EventSink out) {
        if (discarding) {
            return;
        }
        if (messageLength + len > maxMessage) {
            out.anomaly(new Anomaly("websocket.message_too_large", Severity.WARN, ctx.frame(), start,
                "fragmented message over the " + maxMessage + " byte limit: discarded"));
            discarding = true;
            messageLength = 0;
            return;
        }
        if (message.length < messageLength + len) {
            message = Arrays.copyOf(message, Math.max(messageLength + len, message.length * 2));
        }
        for (int i = 0; i < len; i++) {
            int b = p.u8(start + i);
            if (maskAt >= 0) {
                b ^= p.u8(maskAt + (i & 3));
            }
            message[messageLength + i] = (byte) b;
        }
        messageLength += len;
    }
}
