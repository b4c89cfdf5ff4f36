package dev.callscope.dissect;

import dev.callscope.core.ReassemblyBudget;
import java.util.Arrays;

/**
 * One direction of a WebSocket connection (RFC 6455) after its HTTP upgrade: unmasks frames, joins
 * fragmented messages (bounded), and hands each complete text or binary message on. Control frames
 * (close, ping, pong) may come between fragments and are skipped. Shared by the dissectors that
 * ride on WebSocket (SIP, RFC 7118; JSON signalling), so none of them imports another.
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
 *
 * <p>Anomalies: {@code websocket.frame_too_large} (a frame over the limit: the rest of what is
 * buffered is dropped, since nothing inside a huge frame can be trusted as a header),
 * {@code websocket.message_too_large} (fragments adding up over the limit: the message is dropped),
 * {@code websocket.bad_opcode} (reserved opcodes 3-7 and 11-15).
 *
 * <p>A message being joined is charged to the {@link ReassemblyBudget}; when the budget drops it for
 * room, its remaining fragments are skipped up to its last one.
 */
public final class WebSocketFrames {
    /** Opcode of a text message. */
    public static final int TEXT = 1;
    /** Opcode of a binary message. */
    public static final int BINARY = 2;
    /** Opcode of a close frame: its status code is given to {@link MessageHandler#onClose}. */
    public static final int CLOSE = 8;

    /** Receives one complete message; {@code message} is only valid during the call. */
    @FunctionalInterface
    public interface MessageHandler {
        /**
         * @param opcode {@link #TEXT} or {@link #BINARY} (that of the first fragment)
         * @param compressed RSV1 on the first fragment: permessage-deflate (RFC 7692) compressed it
         */
        void onMessage(int opcode, boolean compressed, Payload message, PacketContext ctx, EventSink out);

        /**
         * A close frame (RFC 6455 section 5.5.1) with its status code, or 1005 when it has none
         * (section 7.4.1: no status code was present).
         */
        default void onClose(int code, PacketContext ctx, EventSink out) {
        }
    }

    private static final byte[] EMPTY = new byte[0];
    /** A message array at most this big is kept for the next message. */
    private static final int KEEP = 16 * 1024;

    private final int maxMessage;
    private final ReassemblyBudget budget;
    private final Joined joined = new Joined();
    private byte[] message = EMPTY;
    private int messageLength;
    private int messageOpcode;
    private boolean messageCompressed;
    private boolean inMessage;
    private boolean discarding;
    private long messages;
    private final Payload view = new Payload();

    /** @param maxMessage the longest frame and the longest reassembled message, in bytes */
    public WebSocketFrames(final int maxMessage) {
        this(maxMessage, new ReassemblyBudget(Long.MAX_VALUE));
    }

    /**
     * @param maxMessage the longest frame and the longest reassembled message, in bytes
     * @param budget what the message being joined is charged to
     */
    public WebSocketFrames(final int maxMessage, final ReassemblyBudget budget) {
        this.maxMessage = maxMessage;
        this.budget = budget;
    }

    /** The message being joined, as an entry of the budget. */
    private final class Joined extends ReassemblyBudget.Entry {
        Joined() {
            super(ReassemblyBudget.Kind.WEBSOCKET_MESSAGE);
        }

        @Override
        protected void evicted() {
            discarding = true;
            messageLength = 0;
            message = EMPTY;
        }
    }

    /** The message is over (delivered, discarded or cut by a gap): its bytes go back to the budget. */
    private void endMessage() {
        messageLength = 0;
        discarding = false;
        inMessage = false;
        budget.releaseAll(joined);
        if (message.length > KEEP) {
            message = EMPTY;
        }
    }

    /** Gives the message buffer back (the connection ended). */
    public void release() {
        endMessage();
        message = EMPTY;
    }

    /** Complete data messages handed on so far. */
    public long messages() {
        return messages;
    }

    /** Consumes every complete frame at the start of {@code p}; returns bytes consumed. */
    public int feed(final Payload p, final PacketContext ctx, final EventSink out, final MessageHandler handler) {
        int pos = 0;
        while (p.length() - pos >= 2) {
            final int b0 = p.u8(pos);
            final int b1 = p.u8(pos + 1);
            final boolean fin = (b0 & 0x80) != 0;
            final boolean rsv1 = (b0 & 0x40) != 0;
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
                endMessage();
                return p.length(); // cannot resynchronise inside a huge frame: drop what we have
            }
            if (p.length() - pos < hdr + len) {
                break;
            }
            final int dataStart = pos + hdr;
            if (opcode == 0 || opcode == TEXT || opcode == BINARY) {
                if (opcode != 0 || !inMessage) {
                    // a new message (a continuation without a start is taken as one too)
                    endMessage();
                    messageOpcode = opcode == 0 ? BINARY : opcode;
                    messageCompressed = rsv1;
                    inMessage = true;
                }
                append(p, dataStart, (int) len, masked ? pos + hdr - 4 : -1, ctx, out);
                if (fin) {
                    if (!discarding && messageLength > 0) {
                        messages++;
                        handler.onMessage(messageOpcode, messageCompressed, view.wrap(message, 0, messageLength), ctx, out);
                    }
                    endMessage();
                }
            } else if (opcode == CLOSE) {
                int code = 1005;
                if (len >= 2) {
                    final int m0 = masked ? p.u8(pos + hdr - 4) : 0;
                    final int m1 = masked ? p.u8(pos + hdr - 3) : 0;
                    code = (p.u8(dataStart) ^ m0) << 8 | (p.u8(dataStart + 1) ^ m1);
                }
                handler.onClose(code, ctx, out);
            } else if (opcode < 8 || opcode > 10) {
                out.anomaly(new Anomaly("websocket.bad_opcode", Severity.WARN, ctx.frame(), pos, "opcode " + opcode));
            }
            pos = dataStart + (int) len;
        }
        return pos;
    }

    /** After a gap the next bytes are not a frame start that can be trusted: forget the open message. */
    public void reset() {
        endMessage();
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
            budget.releaseAll(joined);
            return;
        }
        if (len == 0) {
            return;
        }
        final int cap = message.length < messageLength + len
            ? Math.max(messageLength + len, Math.min(maxMessage, message.length * 2)) : message.length;
        // charged: the whole array from the message's first byte, then each growth
        final int charge = joined.pending() ? cap - message.length : cap;
        if ((charge > 0 || !joined.pending()) && !budget.reserve(joined, charge)) {
            budget.dropped(joined); // reported by the budget's owner
            discarding = true;
            messageLength = 0;
            message = EMPTY;
            return;
        }
        if (cap > message.length) {
            message = Arrays.copyOf(message, cap);
        }
        final byte[] src = p.array();
        final int base = p.offset() + start;
        for (int i = 0; i < len; i++) {
            int b = src[base + i];
            if (maskAt >= 0) {
                b ^= p.u8(maskAt + (i & 3));
            }
            message[messageLength + i] = (byte) b;
        }
        messageLength += len;
    }
}
