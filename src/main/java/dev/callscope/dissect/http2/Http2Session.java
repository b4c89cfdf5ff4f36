package dev.callscope.dissect.http2;

import dev.callscope.core.Direction;
import dev.callscope.core.Limits;
import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.DissectorSession;
import dev.callscope.dissect.EventSink;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.Severity;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One HTTP/2 connection: the preface, then 9-byte frame headers and their payloads each way (RFC
 * 9113 section 4); HEADERS, CONTINUATION and PUSH_PROMISE header blocks decoded in order per
 * direction with Netty's HPACK decoder (its dynamic table is the connection's state: a block that
 * cannot be decoded ends header decoding that way, reported once); streams followed from their first
 * HEADERS to END_STREAM both ways or RST_STREAM, and reported as {@link Http2Call}s; the DATA of
 * gRPC streams cut into length-prefixed messages (gRPC over HTTP/2). Bounds: header blocks and
 * header lists at {@code Limits.http2MaxHeaderList}, streams at once at {@code Limits.http2MaxStreams},
 * gRPC messages at {@code Limits.dubboMaxPayload}; frames over the TCP buffer are skipped.
 */
final class Http2Session implements DissectorSession {
    private static final int FRAME_HEADER = 9;
    private static final int DATA = 0;
    private static final int HEADERS = 1;
    private static final int RST_STREAM = 3;
    private static final int SETTINGS = 4;
    private static final int PUSH_PROMISE = 5;
    private static final int PING = 6;
    private static final int GOAWAY = 7;
    private static final int WINDOW_UPDATE = 8;
    private static final int CONTINUATION = 9;
    private static final int END_STREAM = 0x1;
    private static final int ACK = 0x1;
    private static final int END_HEADERS = 0x4;
    private static final int PADDED = 0x8;
    private static final int PRIORITY = 0x20;
    /** PINGs remembered for their ACK. */
    private static final int MAX_PINGS = 16;
    /** The initial flow-control window of a connection and of each stream (RFC 9113 section 6.9.2). */
    private static final long DEFAULT_WINDOW = 65_535;
    /** SETTINGS_INITIAL_WINDOW_SIZE. */
    private static final int SETTINGS_INITIAL_WINDOW_SIZE = 4;
    // How a direction's bytes begin (phase): not seen yet, HTTP/2 frames, an HTTP/1.1 head to read (h2c
    // upgrade), the client's preface due after the 101, HTTP/1.1 that stayed so (upgrade refused): ignored.
    private static final int UNSEEN = 0;
    private static final int FRAMES = 1;
    private static final int HTTP1_HEAD = 2;
    private static final int PREFACE_DUE = 3;
    private static final int HTTP1 = 4;

    private final int maxHeaderList;
    private final int maxHeaderTable;
    private final int maxStreams;
    private final int maxMessage;
    private final int maxFrame;
    private int clientDir = -1;
    private final int[] phase = new int[2];
    private String upgrade = "mid-stream";
    /** Flow control per sending side (0 the client, 1 the server): the connection's window and the streams' initial one. */
    private final long[] connWindow = {DEFAULT_WINDOW, DEFAULT_WINDOW};
    private final long[] initialWindow = {DEFAULT_WINDOW, DEFAULT_WINDOW};
    /** A sending side's connection window at 0 with data to come: the stall begun, until DATA goes on. */
    private final Waiting[] connWaiting = new Waiting[2];
    private final List<Http2ConnectionSummary.Stall> stalls = new ArrayList<>();
    private long stallCount;
    private long windowWaits;
    private long windowWaitNanos;
    private long grpcStreams;
    private final long[] skip = new long[2];
    private final DefaultHttp2HeadersDecoder[] hpack = new DefaultHttp2HeadersDecoder[2];
    private final boolean[] hpackBroken = new boolean[2];
    private final byte[][] block = new byte[2][];
    private final int[] blockLength = new int[2];
    private final int[] blockStream = new int[2];
    private final int[] blockFlags = new int[2];
    private final boolean[] blockTooBig = new boolean[2];
    private final Map<Integer, Stream> streams = new HashMap<>();
    private final long[][] frames = new long[2][11];
    private final Map<Long, Long> pings = new HashMap<>();
    private final List<Long> pingRtt = new ArrayList<>();
    private final List<String> goaway = new ArrayList<>();
    /** Bytes held in all the streams' gRPC buffers, at most {@link #maxMessage} + 5 for the connection. */
    private long buffered;
    private long streamCount;
    private long streamsNotFollowed;
    private long hpackFailures;
    private long firstFrame = -1;
    private long firstTs;
    private dev.callscope.core.FlowKey flow;

    /** A window that ran out: the DATA frame that closed it, and the frame that opened it again (-1 until then). */
    private static final class Waiting {
        final long frame;
        final long ts;
        final int streamId;
        long openedFrame = -1;
        long openedTs;

        Waiting(final long frame, final long ts, final int streamId) {
            this.frame = frame;
            this.ts = ts;
            this.streamId = streamId;
        }
    }

    @SuppressWarnings("unchecked")
    private static final class Stream {
        final int id;
        final long frame;
        final long ts;
        List<Map.Entry<String, String>> request = List.of();
        List<Map.Entry<String, String>> response = List.of();
        List<Map.Entry<String, String>> trailers = List.of();
        final long[] messages = new long[2];
        final long[] bytes = new long[2];
        final String[] summary = new String[2];
        final byte[][] buf = new byte[2][];
        final int[] bufLength = new int[2];
        final boolean[] ended = new boolean[2];
        long responseTs = -1;
        long endTs = -1;
        long endFrame = -1;
        int rst = -1;
        boolean rstByClient;
        boolean grpc;
        boolean gzip;
        final List<String>[] values = new List[] {List.of(), List.of()};
        /** Flow-control window per sending side. */
        final long[] window = new long[2];
        final Waiting[] waiting = new Waiting[2];

        Stream(final int id, final long frame, final long ts) {
            this.id = id;
            this.frame = frame;
            this.ts = ts;
        }
    }

    Http2Session(final Limits limits) {
        this.maxHeaderList = Math.max(1024, limits.http2MaxHeaderList);
        this.maxHeaderTable = Math.max(4096, limits.http2MaxHeaderTable);
        this.maxStreams = Math.max(1, limits.http2MaxStreams);
        this.maxMessage = Math.max(1024, limits.dubboMaxPayload);
        this.maxFrame = Math.max(FRAME_HEADER + 16384, limits.tcpMaxBufferedPerDirection);
    }

    @Override
    public int onStream(final Payload buf, final PacketContext ctx, final EventSink out) {
        final int d = ctx.direction() == Direction.A_TO_B ? 0 : 1;
        if (flow == null) {
            flow = ctx.flow();
            firstFrame = ctx.frame();
            firstTs = ctx.tsNanos();
        }
        int i = 0;
        if (phase[d] == UNSEEN) {
            if (clientDir < 0 && buf.length() < Http2Dissector.PREFACE.length) {
                return 0;
            }
            if (Http2Dissector.startsWithPreface(buf)) {
                clientDir = d;
                upgrade = ctx.decrypted() ? "over TLS" : "prior knowledge";
                out.confirm();
                i = Http2Dissector.PREFACE.length;
                phase[d] = FRAMES;
            } else if (clientDir < 0 && Http2Dissector.h2cRequest(buf)) {
                clientDir = d;
                phase[d] = HTTP1_HEAD;
            } else {
                phase[d] = clientDir >= 0 && d != clientDir && phase[clientDir] == PREFACE_DUE ? HTTP1_HEAD : FRAMES;
            }
        }
        if (phase[d] == HTTP1_HEAD) {
            final int head = Http2Dissector.headEnd(buf, maxHeaderList);
            if (head < 0) {
                if (buf.length() >= maxHeaderList) {
                    out.anomaly(new Anomaly("http2.malformed", Severity.WARN, ctx.frame(), -1,
                        "HTTP/1.1 head of an h2c upgrade over " + maxHeaderList + " bytes: the connection is not followed"));
                    phase[0] = HTTP1;
                    phase[1] = HTTP1;
                    return buf.length();
                }
                return 0;
            }
            if (d == clientDir) {
                upgradeRequest(buf, head, ctx);
                phase[d] = PREFACE_DUE;
                return head;
            }
            if (Http2Dissector.switchingProtocols(buf)) {
                upgrade = "h2c upgrade";
                out.confirm();
                phase[d] = FRAMES;
                i = head;
            } else {
                // the server answered in HTTP/1.1: the connection stays HTTP/1.1
                upgrade = "h2c upgrade refused";
                streams.clear();
                phase[0] = HTTP1;
                phase[1] = HTTP1;
                return buf.length();
            }
        }
        if (phase[d] == HTTP1) {
            return buf.length();
        }
        if (skip[d] > 0) {
            final int n = (int) Math.min(skip[d], buf.length());
            skip[d] -= n;
            return n;
        }
        if (phase[d] == PREFACE_DUE) {
            if (buf.length() < Http2Dissector.PREFACE.length) {
                return 0;
            }
            if (Http2Dissector.startsWithPreface(buf)) {
                i = Http2Dissector.PREFACE.length;
            }
            phase[d] = FRAMES;
        }
        try {
            return frames(buf, i, d, ctx, out);
        } finally {
            for (final Stream s : resetInSegment) {
                if (streams.get(s.id) == s) {
                    end(s, "reset", out);
                }
            }
            resetInSegment.clear();
        }
    }

    private final List<Stream> resetInSegment = new ArrayList<>(2);

    private int frames(final Payload buf, final int from, final int d, final PacketContext ctx, final EventSink out) {
        int i = from;
        while (buf.length() - i >= FRAME_HEADER) {
            final int len = buf.u8(i) << 16 | buf.u16(i + 1);
            final int type = buf.u8(i + 3);
            final int flags = buf.u8(i + 4);
            final int streamId = (int) (buf.u32(i + 5) & 0x7FFFFFFFL);
            if (FRAME_HEADER + len > maxFrame) {
                out.anomaly(new Anomaly("http2.frame_too_large", Severity.WARN, ctx.frame(), i,
                    "frame of " + len + " bytes over the " + maxFrame + " byte TCP buffer: skipped"));
                frames[d][Math.min(type, 10)]++;
                final int have = buf.length() - i - FRAME_HEADER;
                skip[d] = len - have;
                return buf.length();
            }
            if (buf.length() - i < FRAME_HEADER + len) {
                break;
            }
            frames[d][Math.min(type, 10)]++;
            frame(buf, i + FRAME_HEADER, len, type, flags, streamId, d, ctx, out);
            i += FRAME_HEADER + len;
        }
        return i;
    }

    @Override
    public void onGap(final long seq, final int length, final Direction dir, final EventSink out) {
        // the frame boundary and the HPACK state of that direction are lost
        final int d = dir == Direction.A_TO_B ? 0 : 1;
        hpackBroken[d] = true;
        blockLength[d] = 0;
        skip[d] = 0;
    }

    private boolean fromClient(final int d) {
        return clientDir < 0 ? d == 0 : d == clientDir;
    }

    private void frame(final Payload p, final int off, final int len, final int type, final int flags, final int streamId,
                       final int d, final PacketContext ctx, final EventSink out) {
        switch (type) {
            case DATA -> data(p, off, len, flags, streamId, d, ctx, out);
            case HEADERS, PUSH_PROMISE -> {
                int o = off;
                int l = len;
                int pad = 0;
                if ((flags & PADDED) != 0) {
                    if (l < 1) {
                        malformed(ctx, out, "padded frame without its pad length");
                        return;
                    }
                    pad = p.u8(o);
                    o++;
                    l--;
                }
                if (type == HEADERS && (flags & PRIORITY) != 0) {
                    o += 5;
                    l -= 5;
                }
                if (type == PUSH_PROMISE) {
                    o += 4;
                    l -= 4;
                }
                if (l < pad) {
                    malformed(ctx, out, "padding longer than the frame");
                    return;
                }
                blockLength[d] = 0;
                blockTooBig[d] = false;
                blockStream[d] = type == PUSH_PROMISE ? -1 : streamId;
                blockFlags[d] = flags;
                append(p, o, l - pad, d, ctx, out);
                if ((flags & END_HEADERS) != 0) {
                    headers(d, ctx, out);
                }
            }
            case CONTINUATION -> {
                append(p, off, len, d, ctx, out);
                if ((flags & END_HEADERS) != 0) {
                    headers(d, ctx, out);
                }
            }
            case RST_STREAM -> {
                final Stream s = streams.get(streamId);
                if (s != null && len >= 4 && s.rst < 0) {
                    s.rst = (int) p.u32(off);
                    s.rstByClient = fromClient(d);
                    s.waiting[0] = null;
                    s.waiting[1] = null;
                    s.endTs = ctx.tsNanos();
                    s.endFrame = ctx.frame();
                    // reported after the segment: frames that came with the reset in it still count
                    resetInSegment.add(s);
                }
            }
            case PING -> {
                if (len == 8) {
                    final long opaque = p.s64(off);
                    if ((flags & ACK) != 0) {
                        final Long sent = pings.remove(opaque);
                        if (sent != null) {
                            pingRtt.add(ctx.tsNanos() - sent);
                        }
                    } else if (pings.size() < MAX_PINGS) {
                        pings.put(opaque, ctx.tsNanos());
                    }
                }
            }
            case GOAWAY -> {
                if (len >= 8 && goaway.size() < MAX_PINGS) {
                    goaway.add("last stream " + (p.u32(off) & 0x7FFFFFFFL) + ", " + Grpc.errorName(p.u32(off + 4)) + ", from "
                        + (fromClient(d) ? "client" : "server"));
                }
            }
            case SETTINGS -> {
                if ((flags & ACK) == 0 && streamId == 0) {
                    settings(p, off, len, d, ctx);
                }
            }
            case WINDOW_UPDATE -> {
                if (len == 4) {
                    windowUpdate(streamId, p.u32(off) & 0x7FFFFFFFL, d, ctx);
                }
            }
            default -> {
                // PRIORITY and unknown types: counted
            }
        }
    }

    private void malformed(final PacketContext ctx, final EventSink out, final String why) {
        out.anomaly(new Anomaly("http2.malformed", Severity.WARN, ctx.frame(), -1, why));
    }

    private void append(final Payload p, final int off, final int len, final int d, final PacketContext ctx, final EventSink out) {
        if (blockTooBig[d]) {
            return;
        }
        if (blockLength[d] + len > maxHeaderList) {
            blockTooBig[d] = true;
            out.anomaly(new Anomaly("http2.header_block_too_large", Severity.WARN, ctx.frame(), -1,
                "header block over " + maxHeaderList + " bytes (--http2-max-header-list): dropped, and the HPACK state with it"));
            return;
        }
        if (block[d] == null || block[d].length < blockLength[d] + len) {
            block[d] = Arrays.copyOf(block[d] == null ? new byte[0] : block[d],
                Math.min(maxHeaderList, Math.max(blockLength[d] + len, 2 * (block[d] == null ? 256 : block[d].length))));
        }
        System.arraycopy(p.array(), p.offset() + off, block[d], blockLength[d], len);
        blockLength[d] += len;
    }

    private void headers(final int d, final PacketContext ctx, final EventSink out) {
        List<Map.Entry<String, String>> list = null;
        if (blockTooBig[d]) {
            hpackBroken[d] = true;
        } else if (!hpackBroken[d]) {
            list = decode(d, ctx, out);
        }
        blockLength[d] = 0;
        final int id = blockStream[d];
        if (id <= 0) {
            return; // a PUSH_PROMISE: decoded for the HPACK state only
        }
        Stream s = streams.get(id);
        final boolean client = fromClient(d);
        if (s == null) {
            if (!client) {
                return; // a response to a stream not followed (or begun before the capture)
            }
            streamCount++;
            if (streams.size() >= maxStreams) {
                streamsNotFollowed++;
                return;
            }
            s = open(id, ctx, list == null ? List.of() : list);
        } else if (!client) {
            if (s.responseTs < 0) {
                s.responseTs = ctx.tsNanos();
                s.response = list == null ? List.of() : list;
            } else {
                s.trailers = list == null ? List.of() : list;
            }
        } else if (list != null) {
            s.trailers = list; // client trailers (rare)
        }
        if ((blockFlags[d] & END_STREAM) != 0) {
            final int side = client ? 0 : 1;
            s.waiting[side] = null;
            if (connWaiting[side] != null && connWaiting[side].streamId == id && connWaiting[side].openedFrame < 0) {
                connWaiting[side] = null;
            }
            endSide(s, d, ctx, out);
        }
    }

    /** A stream the client opened, with its request headers and the windows each side starts it with. */
    private Stream open(final int id, final PacketContext ctx, final List<Map.Entry<String, String>> request) {
        final Stream s = new Stream(id, ctx.frame(), ctx.tsNanos());
        streams.put(id, s);
        s.request = request;
        s.grpc = startsWith(s.request, "content-type", "application/grpc");
        s.gzip = startsWith(s.request, "grpc-encoding", "gzip");
        s.window[0] = initialWindow[0];
        s.window[1] = initialWindow[1];
        if (s.grpc) {
            grpcStreams++;
        }
        return s;
    }

    /**
     * The HTTP/1.1 request of an h2c upgrade (RFC 7540 section 3.2): it becomes stream 1, its request
     * side already ended; its HTTP2-Settings are the client's first SETTINGS.
     */
    private void upgradeRequest(final Payload buf, final int head, final PacketContext ctx) {
        final String text = new String(buf.array(), buf.offset(), head, java.nio.charset.StandardCharsets.ISO_8859_1);
        final String[] lines = text.split("\r\n");
        final String[] start = lines[0].split(" ");
        final List<Map.Entry<String, String>> hs = new ArrayList<>();
        hs.add(new AbstractMap.SimpleImmutableEntry<>(":method", start[0]));
        hs.add(new AbstractMap.SimpleImmutableEntry<>(":path", start.length > 1 ? start[1] : "/"));
        hs.add(new AbstractMap.SimpleImmutableEntry<>(":scheme", "http"));
        String settings = null;
        long contentLength = 0;
        for (int k = 1; k < lines.length; k++) {
            final int colon = lines[k].indexOf(':');
            if (colon <= 0) {
                continue;
            }
            final String name = lines[k].substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT);
            final String value = lines[k].substring(colon + 1).trim();
            switch (name) {
                case "host" -> hs.add(2, new AbstractMap.SimpleImmutableEntry<>(":authority", value));
                case "http2-settings" -> settings = value;
                case "connection", "upgrade", "keep-alive", "transfer-encoding" -> {
                    // connection-specific: not carried into HTTP/2 (RFC 9113 section 8.2.2)
                }
                default -> {
                    if (name.equals("content-length")) {
                        try {
                            contentLength = Math.max(0, Long.parseLong(value));
                        } catch (final NumberFormatException e) {
                            contentLength = 0;
                        }
                    }
                    hs.add(new AbstractMap.SimpleImmutableEntry<>(name, value));
                }
            }
        }
        streamCount++;
        final Stream s = open(1, ctx, hs);
        s.ended[0] = true;
        skip[clientDir] = contentLength;
        if (settings != null) {
            try {
                final byte[] b = java.util.Base64.getUrlDecoder().decode(settings.replace("=", ""));
                settings(Payload.of(b), 0, b.length, clientDir, ctx);
            } catch (final IllegalArgumentException e) {
                // not base64url: the defaults stay
            }
        }
    }

    /** A SETTINGS frame from direction {@code d}: its initial window applies to what the other side sends. */
    private void settings(final Payload p, final int off, final int len, final int d, final PacketContext ctx) {
        final int sender = fromClient(d) ? 1 : 0;
        for (int k = off; k + 6 <= off + len; k += 6) {
            if (p.u16(k) != SETTINGS_INITIAL_WINDOW_SIZE) {
                continue;
            }
            final long v = p.u32(k + 2);
            final long delta = v - initialWindow[sender];
            initialWindow[sender] = v;
            for (final Stream s : streams.values()) {
                s.window[sender] += delta;
                opened(s.waiting[sender], s.window[sender], ctx);
            }
        }
    }

    /** A WINDOW_UPDATE from direction {@code d}: more room for what the other side sends. */
    private void windowUpdate(final int streamId, final long increment, final int d, final PacketContext ctx) {
        final int sender = fromClient(d) ? 1 : 0;
        if (streamId == 0) {
            connWindow[sender] += increment;
            opened(connWaiting[sender], connWindow[sender], ctx);
            return;
        }
        final Stream s = streams.get(streamId);
        if (s != null) {
            s.window[sender] += increment;
            opened(s.waiting[sender], s.window[sender], ctx);
        }
    }

    private static void opened(final Waiting w, final long window, final PacketContext ctx) {
        if (w != null && w.openedFrame < 0 && window > 0) {
            w.openedFrame = ctx.frame();
            w.openedTs = ctx.tsNanos();
        }
    }

    /**
     * Flow control of one DATA frame of {@code length} bytes (padding included) from {@code sender} on
     * {@code s} (null: a stream not followed): a window it leaves at 0 or less, with the stream not
     * ended, is a wait begun; DATA after the window opened again makes it a stall.
     */
    private void flow(final Stream s, final int streamId, final int sender, final long length, final boolean endStream,
                      final PacketContext ctx) {
        if (length > 0) {
            stalled(connWaiting[sender], false, sender);
            if (connWaiting[sender] != null && connWaiting[sender].openedFrame >= 0) {
                connWaiting[sender] = null;
            }
            if (s != null) {
                stalled(s.waiting[sender], true, sender);
                if (s.waiting[sender] != null && s.waiting[sender].openedFrame >= 0) {
                    s.waiting[sender] = null;
                }
            }
        }
        connWindow[sender] -= length;
        if (s != null) {
            s.window[sender] -= length;
        }
        if (endStream) {
            if (connWaiting[sender] != null && connWaiting[sender].streamId == streamId && connWaiting[sender].openedFrame < 0) {
                connWaiting[sender] = null;
            }
            return;
        }
        if (length > 0 && connWindow[sender] <= 0 && connWaiting[sender] == null) {
            connWaiting[sender] = new Waiting(ctx.frame(), ctx.tsNanos(), streamId);
        }
        if (s != null && length > 0 && s.window[sender] <= 0 && s.waiting[sender] == null) {
            s.waiting[sender] = new Waiting(ctx.frame(), ctx.tsNanos(), streamId);
        }
    }

    /** A wait whose window opened again, now that DATA goes on: a stall. */
    private void stalled(final Waiting w, final boolean streamWindow, final int sender) {
        if (w == null || w.openedFrame < 0) {
            return;
        }
        final long waited = w.openedTs - w.ts;
        windowWaits++;
        windowWaitNanos += waited;
        if (waited < Http2ConnectionSummary.STALL_NANOS) {
            return;
        }
        stallCount++;
        if (stalls.size() < Http2ConnectionSummary.MAX_STALLS) {
            stalls.add(new Http2ConnectionSummary.Stall(w.frame, w.ts, w.streamId, !streamWindow, sender == 0, w.openedFrame,
                w.openedTs - w.ts));
        }
    }

    private static boolean startsWith(final List<Map.Entry<String, String>> hs, final String name, final String prefix) {
        for (final Map.Entry<String, String> e : hs) {
            if (e.getKey().equals(name)) {
                return e.getValue().startsWith(prefix);
            }
        }
        return false;
    }

    private List<Map.Entry<String, String>> decode(final int d, final PacketContext ctx, final EventSink out) {
        if (hpack[d] == null) {
            hpack[d] = new DefaultHttp2HeadersDecoder(false, maxHeaderList);
            try {
                hpack[d].configuration().maxHeaderTableSize(maxHeaderTable);
            } catch (final Http2Exception e) {
                hpackBroken[d] = true;
                return null;
            }
        }
        final ByteBuf b = Unpooled.wrappedBuffer(block[d], 0, blockLength[d]);
        try {
            final Http2Headers h = hpack[d].decodeHeaders(blockStream[d], b);
            final List<Map.Entry<String, String>> list = new ArrayList<>(h.size());
            final Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iterator();
            while (it.hasNext()) {
                final Map.Entry<CharSequence, CharSequence> e = it.next();
                list.add(new AbstractMap.SimpleImmutableEntry<>(e.getKey().toString(), e.getValue().toString()));
            }
            return list;
        } catch (final Http2Exception | RuntimeException e) {
            hpackBroken[d] = true;
            hpackFailures++;
            out.anomaly(new Anomaly("http2.hpack", Severity.WARN, ctx.frame(), -1,
                "header block does not decode (" + e.getMessage() + "): later header blocks this way are not decoded"));
            return null;
        } finally {
            b.release();
        }
    }

    private void data(final Payload p, final int off, final int len, final int flags, final int streamId, final int d,
                      final PacketContext ctx, final EventSink out) {
        final Stream s = streams.get(streamId);
        flow(s, streamId, fromClient(d) ? 0 : 1, len, (flags & END_STREAM) != 0, ctx);
        if (s == null) {
            return;
        }
        int o = off;
        int l = len;
        if ((flags & PADDED) != 0) {
            if (l < 1 || p.u8(o) > l - 1) {
                malformed(ctx, out, "bad DATA padding");
                return;
            }
            l -= 1 + p.u8(o);
            o++;
        }
        final int side = fromClient(d) ? 0 : 1;
        if (!s.grpc) {
            if (l > 0) {
                s.messages[side]++;
                s.bytes[side] += l;
            }
        } else {
            grpc(s, side, p, o, l, ctx, out);
        }
        if ((flags & END_STREAM) != 0) {
            endSide(s, d, ctx, out);
        }
    }

    /** Appends DATA to the side's gRPC buffer and takes every whole length-prefixed message out of it. */
    private void grpc(final Stream s, final int side, final Payload p, final int off, final int len, final PacketContext ctx,
                      final EventSink out) {
        if (len == 0) {
            return;
        }
        byte[] b = s.buf[side];
        final int have = s.bufLength[side];
        if (b == null || b.length < have + len) {
            final int grown = Math.max(have + len, Math.min(maxMessage + 5, 2 * have + 64));
            if (have + len > maxMessage + 5 || buffered - (b == null ? 0 : b.length) + grown > maxMessage + 5L) {
                out.anomaly(new Anomaly("grpc.message_too_large", Severity.WARN, ctx.frame(), -1,
                    "gRPC messages held over " + maxMessage + " bytes (--dubbo-max-payload, for the connection): the rest of "
                        + "the stream's messages are not cut"));
                release(s, side);
                s.grpc = false;
                return;
            }
            buffered += grown - (b == null ? 0 : b.length);
            b = Arrays.copyOf(b == null ? new byte[0] : b, grown);
            s.buf[side] = b;
        }
        System.arraycopy(p.array(), p.offset() + off, b, have, len);
        int n = have + len;
        int i = 0;
        while (n - i >= 5) {
            final long m = (b[i + 1] & 0xFFL) << 24 | (b[i + 2] & 0xFF) << 16 | (b[i + 3] & 0xFF) << 8 | (b[i + 4] & 0xFF);
            if (m > maxMessage) {
                out.anomaly(new Anomaly("grpc.message_too_large", Severity.WARN, ctx.frame(), -1,
                    "gRPC message of " + m + " bytes over " + maxMessage + " (--dubbo-max-payload)"));
                s.grpc = false;
                release(s, side);
                return;
            }
            if (n - i < 5 + m) {
                break;
            }
            s.messages[side]++;
            s.bytes[side] += m;
            if (s.summary[side] == null) {
                final boolean compressed = b[i] != 0;
                if (compressed) {
                    final byte[] plain = s.gzip || side == 1 ? Grpc.gunzip(b, i + 5, (int) m, maxMessage) : null;
                    if (plain == null) {
                        s.summary[side] = "compressed (" + m + " bytes)";
                    } else {
                        final Grpc.Summary g = Grpc.read(plain, 0, plain.length, side == 0);
                        s.summary[side] = "gzip " + m + " -> " + plain.length + " bytes, " + g.text();
                        s.values[side] = g.values();
                    }
                } else {
                    final Grpc.Summary g = Grpc.read(b, i + 5, (int) m, side == 0);
                    s.summary[side] = g.text();
                    s.values[side] = g.values();
                }
            }
            i += 5 + (int) m;
        }
        if (i > 0) {
            System.arraycopy(b, i, b, 0, n - i);
            n -= i;
        }
        s.bufLength[side] = n;
        if (n == 0 && b.length > 64 * 1024) {
            release(s, side); // a big message is done: its buffer goes
        }
    }

    /** Drops a stream side's gRPC buffer and what it held from {@link #buffered}. */
    private void release(final Stream s, final int side) {
        if (s.buf[side] != null) {
            buffered -= s.buf[side].length;
            s.buf[side] = null;
        }
        s.bufLength[side] = 0;
    }

    private void endSide(final Stream s, final int d, final PacketContext ctx, final EventSink out) {
        s.ended[fromClient(d) ? 0 : 1] = true;
        if (s.ended[0] && s.ended[1] && s.rst < 0) {
            s.endTs = ctx.tsNanos();
            s.endFrame = ctx.frame();
            end(s, "closed", out);
        }
    }

    private void end(final Stream s, final String state, final EventSink out) {
        streams.remove(s.id);
        release(s, 0);
        release(s, 1);
        final Direction dir = clientDir == 1 ? Direction.B_TO_A : Direction.A_TO_B;
        out.emit(new Http2Call(s.frame, s.ts, flow, dir, s.id, s.request, s.response, s.trailers, s.messages[0], s.bytes[0],
            s.messages[1], s.bytes[1], s.summary[0], s.summary[1], s.values[0], s.values[1], s.responseTs, s.endTs, s.endFrame, s.rst, s.rstByClient, state));
    }

    @Override
    public void onEnd(final EventSink out) {
        for (final Stream s : new ArrayList<>(streams.values())) {
            end(s, "open", out);
        }
        if (flow != null) {
            final int c = clientDir < 0 ? 0 : clientDir;
            out.emit(new Http2ConnectionSummary(firstFrame, firstTs, flow, c == 0 ? Direction.A_TO_B : Direction.B_TO_A,
                frames[c].clone(), frames[1 - c].clone(), pingRtt, goaway, streamCount, streamsNotFollowed, hpackFailures,
                grpcStreams, upgrade, windowWaits, windowWaitNanos, stalls, stallCount));
        }
        block[0] = null;
        block[1] = null;
    }
}
