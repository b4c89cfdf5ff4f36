package dev.callscope.dissect.websocket;

import dev.callscope.core.Direction;
import dev.callscope.core.ReassemblyBudget;
import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.ConversationContext;
import dev.callscope.dissect.DissectorSession;
import dev.callscope.dissect.EventSink;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.Severity;
import dev.callscope.dissect.WebSocketFrames;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * One WebSocket connection: each direction reads its HTTP upgrade header block, then RFC 6455
 * frames. Text messages (and binary ones that start like JSON) are inflated when permessage-deflate
 * (RFC 7692) compressed them, read as UTF-8 JSON, reported, and their SDP handed to the SDP dissector.
 */
final class WebSocketSession implements DissectorSession {
    private enum Mode { UNKNOWN, HANDSHAKE, FRAMES }

    private static final byte[] CRLF2 = {'\r', '\n', '\r', '\n'};
    private static final byte[] DEFLATE_TAIL = {0, 0, (byte) 0xFF, (byte) 0xFF};

    private final ConversationContext conversation;
    private final Mode[] mode = {Mode.UNKNOWN, Mode.UNKNOWN};
    private final WebSocketFrames[] frames;
    /** Longest frame and reassembled or inflated message ({@code Limits.webSocketMaxMessage}). */
    private final int maxMessage;
    private final Inflater[] inflaters = new Inflater[2];
    private long messages;
    private boolean confirmed;

    WebSocketSession(final ConversationContext conversation) {
        this.conversation = conversation;
        final ReassemblyBudget budget = conversation.reassemblyBudget();
        this.maxMessage = Math.max(1024, conversation.limits().webSocketMaxMessage);
        this.frames = new WebSocketFrames[] {new WebSocketFrames(maxMessage, budget), new WebSocketFrames(maxMessage, budget)};
    }

    @Override
    public int onStream(final Payload buffered, final PacketContext ctx, final EventSink out) {
        final int d = ctx.direction().ordinal();
        if (mode[d] == Mode.UNKNOWN) {
            if (buffered.length() < 4) {
                return 0;
            }
            final String head = buffered.latin1(0, 4);
            mode[d] = head.equals("GET ") || head.equals("HTTP") ? Mode.HANDSHAKE : Mode.FRAMES;
        }
        if (mode[d] == Mode.HANDSHAKE) {
            final int end = buffered.indexOf(CRLF2, 0);
            if (end < 0) {
                if (buffered.length() > WebSocketDissector.MAX_HANDSHAKE) {
                    out.anomaly(new Anomaly("websocket.bad_handshake", Severity.WARN, ctx.frame(), 0,
                        "no end of the HTTP upgrade within " + WebSocketDissector.MAX_HANDSHAKE + " bytes"));
                    mode[d] = Mode.FRAMES;
                    return buffered.length();
                }
                return 0;
            }
            final String head = buffered.latin1(0, end + 2);
            if (WebSocketDissector.isUpgrade(head)) {
                confirm(out);
            } else {
                out.anomaly(new Anomaly("websocket.not_an_upgrade", Severity.WARN, ctx.frame(), 0,
                    "HTTP header block without Upgrade: websocket"));
            }
            mode[d] = Mode.FRAMES;
            return end + 4;
        }
        return frames[d].feed(buffered, ctx, out, handlers[d]);
    }

    /** Per direction: messages, and close frames reported as "close" signalling messages. */
    private final WebSocketFrames.MessageHandler[] handlers = {handler(0), handler(1)};

    private WebSocketFrames.MessageHandler handler(final int d) {
        return new WebSocketFrames.MessageHandler() {
            @Override
            public void onMessage(final int opcode, final boolean compressed, final Payload message, final PacketContext ctx,
                                  final EventSink out) {
                message(d, opcode, compressed, message, ctx, out);
            }

            @Override
            public void onClose(final int code, final PacketContext ctx, final EventSink out) {
                messages++;
                out.emit(new SignallingMessage(ctx.frame(), ctx.tsNanos(), ctx.flow(), ctx.direction(), messages, "close", 0, 0,
                    null, null, code));
            }
        };
    }

    private void confirm(final EventSink out) {
        if (!confirmed) {
            confirmed = true;
            out.confirm();
        }
    }

    private void message(final int d, final int opcode, final boolean compressed, final Payload msg, final PacketContext ctx,
                         final EventSink out) {
        Payload data = msg;
        if (compressed) {
            data = inflate(d, msg, ctx, out);
            if (data == null) {
                return;
            }
        }
        if (opcode != WebSocketFrames.TEXT && !startsLikeJson(data)) {
            return;
        }
        messages++;
        final String text = utf8(data);
        final JsonSignalling.Found f = text == null ? JsonSignalling.Found.NOT_JSON : JsonSignalling.find(text);
        final byte[] sdp = f.sdp() == null ? null : f.sdp().getBytes(StandardCharsets.UTF_8);
        out.emit(new SignallingMessage(ctx.frame(), ctx.tsNanos(), ctx.flow(), ctx.direction(), messages, f.type(),
            data.length(), sdp == null ? 0 : sdp.length, f.candidate(), f.envelope(), -1));
        if (sdp != null) {
            confirm(out);
            conversation.handOff("application/sdp", Payload.of(sdp), ctx, out);
        }
    }

    private static boolean startsLikeJson(final Payload p) {
        for (int i = 0; i < p.length(); i++) {
            final int b = p.u8(i);
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return b == '{' || b == '[';
            }
        }
        return false;
    }

    private static String utf8(final Payload p) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(p.array(), p.offset(), p.length())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** permessage-deflate: raw DEFLATE with the 00 00 ff ff tail stripped; the window is kept across messages. */
    private Payload inflate(final int d, final Payload msg, final PacketContext ctx, final EventSink out) {
        if (inflaters[d] == null) {
            inflaters[d] = new Inflater(true);
        }
        final Inflater inf = inflaters[d];
        final byte[] in = new byte[msg.length() + DEFLATE_TAIL.length];
        System.arraycopy(msg.array(), msg.offset(), in, 0, msg.length());
        System.arraycopy(DEFLATE_TAIL, 0, in, msg.length(), DEFLATE_TAIL.length);
        inf.setInput(in);
        byte[] outBuf = new byte[Math.min(maxMessage, Math.max(256, msg.length() * 4))];
        int n = 0;
        try {
            while (!inf.needsInput() && !inf.finished()) {
                if (n == outBuf.length) {
                    if (outBuf.length >= maxMessage) {
                        out.anomaly(new Anomaly("websocket.message_too_large", Severity.WARN, ctx.frame(), -1,
                            "inflated message over the " + maxMessage + " byte limit (--websocket-max-message): discarded"));
                        inf.reset();
                        return null;
                    }
                    outBuf = Arrays.copyOf(outBuf, Math.min(maxMessage, outBuf.length * 2));
                }
                final int k = inf.inflate(outBuf, n, outBuf.length - n);
                if (k == 0) {
                    break; // needs a dictionary, or nothing more to give
                }
                n += k;
            }
            if (inf.finished()) {
                inf.reset(); // a final block: the sender starts afresh
            }
        } catch (DataFormatException e) {
            out.anomaly(new Anomaly("websocket.bad_deflate", Severity.WARN, ctx.frame(), -1,
                "permessage-deflate data does not inflate: " + e.getMessage()));
            inf.reset();
            return null;
        }
        return new Payload(outBuf, 0, n);
    }

    @Override
    public void onGap(final long seq, final int length, final Direction dir, final EventSink out) {
        frames[dir.ordinal()].reset();
        if (inflaters[dir.ordinal()] != null) {
            inflaters[dir.ordinal()].reset();
        }
    }

    /**
     * Releases the inflaters. The engine may still hand over bytes that come after the end (late
     * segments after a RST or the last FIN): a message then gets a fresh inflater.
     */
    @Override
    public void onEnd(final EventSink out) {
        for (final WebSocketFrames f : frames) {
            f.release();
        }
        for (int d = 0; d < inflaters.length; d++) {
            if (inflaters[d] != null) {
                inflaters[d].end();
                inflaters[d] = null;
            }
        }
    }
}
