package dev.callscope.dissect.sip;

import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.ConversationContext;
import dev.callscope.dissect.DissectorSession;
import dev.callscope.dissect.EventSink;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.Severity;
import dev.callscope.dissect.StreamFramer;
import dev.callscope.dissect.WebSocketFrames;
import dev.callscope.core.Direction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * SIP on one conversation: datagrams (UDP) hold one message each; a stream (TCP) is framed by
 * Content-Length, or is a WebSocket connection (HTTP upgrade, then RFC 7118 frames), or TLS
 * (recognised and reported as encrypted). Each direction of a stream finds its own mode.
 */
final class SipSession implements DissectorSession {
    private enum Mode { UNKNOWN, SIP, WS_HANDSHAKE, WEBSOCKET, TLS }

    private static final byte[] CRLF2 = {'\r', '\n', '\r', '\n'};
    private static final int MAX_HANDSHAKE = 16 * 1024;
    private static final int MAX_MULTIPART_PARTS = 16;

    private final ConversationContext conversation;
    private final Mode[] mode = {Mode.UNKNOWN, Mode.UNKNOWN};
    private final StreamFramer[] framers = new StreamFramer[2];
    private final WebSocketFrames[] websockets = new WebSocketFrames[2];
    private final boolean[] tlsReported = new boolean[2];
    private final long[] tlsRemaining = new long[2];
    private boolean confirmed;

    SipSession(final ConversationContext conversation) {
        this.conversation = conversation;
    }

    /** The framer of a direction, made when a stream first needs it (a UDP conversation never does). */
    private StreamFramer framer(final int d) {
        if (framers[d] == null) {
            framers[d] = StreamFramer.textDelimited("sip", conversation.limits().sipMaxMessage, SipParser::streamBodyLength);
        }
        return framers[d];
    }

    private WebSocketFrames websocket(final int d) {
        if (websockets[d] == null) {
            websockets[d] = new WebSocketFrames(conversation.limits().sipMaxMessage, conversation.reassemblyBudget());
        }
        return websockets[d];
    }

    @Override
    public void onDatagram(final Payload payload, final PacketContext ctx, final EventSink out) {
        if (!SipParser.looksLikeSip(payload)) {
            if (!payload.latin1(0, Math.min(payload.length(), 4)).isBlank()) {
                out.anomaly(new Anomaly("sip.not_sip", Severity.INFO, ctx.frame(), 0, "a datagram on a SIP conversation is not SIP"));
            }
            return;
        }
        message(payload, true, ctx.transport() == dev.callscope.dissect.Transport.SCTP ? "SCTP" : "UDP", ctx, out);
    }

    @Override
    public int onStream(final Payload buffered, final PacketContext ctx, final EventSink out) {
        final int d = ctx.direction().ordinal();
        if (mode[d] == Mode.UNKNOWN) {
            if (buffered.length() < 4) {
                return 0;
            }
            final String head = buffered.latin1(0, 4);
            if (isTlsRecord(buffered, 0)) {
                mode[d] = Mode.TLS;
            } else if (head.equals("GET ") || head.equals("HTTP")) {
                mode[d] = Mode.WS_HANDSHAKE;
            } else {
                mode[d] = Mode.SIP;
            }
        }
        switch (mode[d]) {
            case SIP:
                return framer(d).feed(buffered, ctx, out, (pdu, c, o) -> message(pdu, false, c.decrypted() ? "TLS" : "TCP", c, o));
            case WS_HANDSHAKE: {
                final int end = buffered.indexOf(CRLF2, 0);
                if (end < 0) {
                    if (buffered.length() > MAX_HANDSHAKE) {
                        out.anomaly(new Anomaly("websocket.bad_handshake", Severity.WARN, ctx.frame(), 0,
                            "no end of the HTTP upgrade within " + MAX_HANDSHAKE + " bytes"));
                        mode[d] = Mode.SIP;
                        return buffered.length();
                    }
                    return 0;
                }
                final String http = buffered.latin1(0, end).toLowerCase(Locale.ROOT);
                if (!http.contains("websocket")) {
                    out.anomaly(new Anomaly("websocket.not_an_upgrade", Severity.WARN, ctx.frame(), 0,
                        "HTTP on a SIP conversation without a WebSocket upgrade"));
                }
                mode[d] = Mode.WEBSOCKET;
                return end + 4;
            }
            case WEBSOCKET:
                return websocket(d).feed(buffered, ctx, out, (opcode, compressed, msg, c, o) -> {
                    if (SipParser.looksLikeSip(msg)) {
                        message(msg, false, c.decrypted() ? "WSS" : "WS", c, o);
                    }
                });
            case TLS:
                return tls(buffered, ctx, d, out);
            default:
                return buffered.length();
        }
    }

    /** Counts TLS records without decrypting; reports SIP over TLS once per direction. */
    private int tls(final Payload p, final PacketContext ctx, final int d, final EventSink out) {
        int pos = 0;
        if (tlsRemaining[d] > 0) {
            final int n = (int) Math.min(tlsRemaining[d], p.length());
            tlsRemaining[d] -= n;
            pos = n;
        }
        while (pos < p.length()) {
            if (p.length() - pos < 5) {
                return pos;
            }
            if (!isTlsRecord(p, pos)) {
                return p.length(); // mid-record after a gap: skip what we have
            }
            if (!tlsReported[d]) {
                tlsReported[d] = true;
                final int minor = p.u8(pos + 2);
                out.emit(new SipTls(ctx.frame(), ctx.tsNanos(), ctx.flow(), ctx.direction(),
                    minor == 1 ? "TLS 1.0" : minor == 2 ? "TLS 1.1" : minor == 3 ? "TLS 1.2" : "TLS 1." + (minor - 1)));
                if (!confirmed) {
                    confirmed = true;
                    out.confirm();
                }
            }
            final int len = p.u16(pos + 3);
            final int avail = p.length() - pos - 5;
            if (avail < len) {
                tlsRemaining[d] = len - avail;
                return p.length();
            }
            pos += 5 + len;
        }
        return pos;
    }

    static boolean isTlsRecord(final Payload p, final int at) {
        if (!p.has(at, 3)) {
            return false;
        }
        final int type = p.u8(at);
        return type >= 20 && type <= 23 && p.u8(at + 1) == 3 && p.u8(at + 2) <= 4;
    }

    @Override
    public void onGap(final long seq, final int length, final Direction dir, final EventSink out) {
        if (framers[dir.ordinal()] != null) {
            framers[dir.ordinal()].reset();
        }
        if (websockets[dir.ordinal()] != null) {
            websockets[dir.ordinal()].reset();
        }
        tlsRemaining[dir.ordinal()] = 0;
    }

    @Override
    public void onEnd(final EventSink out) {
        for (final WebSocketFrames w : websockets) {
            if (w != null) {
                w.release();
            }
        }
    }

    private void message(final Payload p, final boolean datagram, final String transport, final PacketContext ctx,
                         final EventSink out) {
        final SipMessage m = SipParser.parse(p, datagram, transport, ctx, out);
        if (m == null) {
            return;
        }
        if (!confirmed) {
            confirmed = true;
            out.confirm();
        }
        out.emit(m);
        if (!m.body().isEmpty() && m.contentType() != null) {
            body(m.contentType(), m.body(), ctx, out, 0);
        }
    }

    /** Hands a body to the dissector bound to its content type; splits multipart bodies (RFC 2046). */
    private void body(final String contentType, final String body, final PacketContext ctx, final EventSink out, final int depth) {
        final String ct = contentType.toLowerCase(Locale.ROOT);
        if (ct.startsWith("multipart/") && depth < 2) {
            final String boundary = SipParser.param(contentType, "boundary").replace("\"", "");
            if (boundary.isEmpty()) {
                out.anomaly(new Anomaly("sip.multipart_without_boundary", Severity.WARN, ctx.frame(), -1, contentType));
                return;
            }
            final String delim = "--" + boundary;
            int at = body.indexOf(delim);
            int parts = 0;
            while (at >= 0 && parts++ < MAX_MULTIPART_PARTS) {
                final int start = body.indexOf('\n', at);
                if (start < 0 || body.startsWith("--", at + delim.length())) {
                    break;
                }
                final int next = body.indexOf(delim, start);
                final String part = body.substring(start + 1, next < 0 ? body.length() : next);
                int sep = part.indexOf("\r\n\r\n");
                int sepLen = 4;
                if (sep < 0) {
                    sep = part.indexOf("\n\n");
                    sepLen = 2;
                }
                if (sep >= 0) {
                    String partType = "text/plain";
                    for (final String line : SipParser.lines(part, 0, sep)) {
                        final int colon = line.indexOf(':');
                        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Content-Type")) {
                            partType = line.substring(colon + 1).trim();
                        }
                    }
                    String content = part.substring(sep + sepLen);
                    if (content.endsWith("\r\n")) {
                        content = content.substring(0, content.length() - 2);
                    }
                    body(partType, content, ctx, out, depth + 1);
                }
                at = next;
            }
            return;
        }
        final byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
        conversation.handOff(contentType, new Payload(bytes, 0, bytes.length), ctx, out);
    }

}
