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
    private static final int CONTINUATION = 9;
    private static final int END_STREAM = 0x1;
    private static final int ACK = 0x1;
    private static final int END_HEADERS = 0x4;
    private static final int PADDED = 0x8;
    private static final int PRIORITY = 0x20;
    /** PINGs remembered for their ACK. */
    private static final int MAX_PINGS = 16;

    private final int maxHeaderList;
    private final int maxStreams;
    private final int maxMessage;
    private final int maxFrame;
    private int clientDir = -1;
    private final boolean[] started = new boolean[2];
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

        Stream(final int id, final long frame, final long ts) {
            this.id = id;
            this.frame = frame;
            this.ts = ts;
        }
    }

    Http2Session(final Limits limits) {
        this.maxHeaderList = Math.max(1024, limits.http2MaxHeaderList);
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
        if (!started[d]) {
            if (buf.length() < Http2Dissector.PREFACE.length && clientDir < 0) {
                return 0;
            }
            started[d] = true;
            if (Http2Dissector.startsWithPreface(buf)) {
                clientDir = d;
                out.confirm();
                i = Http2Dissector.PREFACE.length;
            }
        }
        if (skip[d] > 0) {
            final int n = (int) Math.min(skip[d], buf.length());
            skip[d] -= n;
            return n;
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
            default -> {
                // PRIORITY, SETTINGS, WINDOW_UPDATE and unknown types: counted
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
            s = new Stream(id, ctx.frame(), ctx.tsNanos());
            streams.put(id, s);
            s.request = list == null ? List.of() : list;
            s.grpc = startsWith(s.request, "content-type", "application/grpc");
            s.gzip = startsWith(s.request, "grpc-encoding", "gzip");
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
            endSide(s, d, ctx, out);
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
                hpack[d].configuration().maxHeaderTableSize(maxHeaderList);
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
                    s.summary[side] = plain == null ? "compressed (" + m + " bytes)"
                        : "gzip " + m + " -> " + plain.length + " bytes, " + Grpc.summary(plain, 0, plain.length, side == 0);
                } else {
                    s.summary[side] = Grpc.summary(b, i + 5, (int) m, side == 0);
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
            s.messages[1], s.bytes[1], s.summary[0], s.summary[1], s.responseTs, s.endTs, s.endFrame, s.rst, s.rstByClient, state));
    }

    @Override
    public void onEnd(final EventSink out) {
        for (final Stream s : new ArrayList<>(streams.values())) {
            end(s, "open", out);
        }
        if (flow != null) {
            final int c = clientDir < 0 ? 0 : clientDir;
            out.emit(new Http2ConnectionSummary(firstFrame, firstTs, flow, c == 0 ? Direction.A_TO_B : Direction.B_TO_A,
                frames[c].clone(), frames[1 - c].clone(), pingRtt, goaway, streamCount, streamsNotFollowed, hpackFailures));
        }
        block[0] = null;
        block[1] = null;
    }
}
