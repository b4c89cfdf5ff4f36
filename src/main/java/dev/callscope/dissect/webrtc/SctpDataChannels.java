package dev.callscope.dissect.webrtc;

import dev.callscope.dissect.EventSink;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * SCTP packets out of decrypted DTLS records (RFC 8261), read for the data channels they carry:
 * DATA chunks (RFC 4960 3.3.1) reassembled per direction and stream from their B and E flags,
 * retransmitted TSNs counted once, and the DCEP messages (RFC 8832) that open and acknowledge
 * channels. Other chunks (INIT, SACK, FORWARD-TSN, RE-CONFIG...) are passed over.
 *
 * <pre>
 *   common header  source port(2) destination port(2) verification tag(4) checksum(4)
 *   chunk          type(1) flags(1) length(2) value, padded to 4 bytes
 *   DATA (type 0)  flags U(4) B(2) E(1); TSN(4) stream(2) stream sequence(2) PPID(4) user data
 *   DCEP OPEN      0x03 channel type(1) priority(2) reliability(4) label length(2) protocol length(2) label protocol
 *   DCEP ACK       0x02
 * </pre>
 */
final class SctpDataChannels {
    static final int PPID_DCEP = 50;
    private static final int COMMON_HEADER = 12;
    /** Recent TSNs remembered per direction, to count a retransmitted chunk once. */
    private static final int RECENT_TSNS = 1024;
    /** Streams with a message being reassembled, per direction. */
    private static final int MAX_STREAMS = 1024;
    /** A label or protocol longer than this is cut (DCEP allows 65535 bytes). */
    private static final int MAX_NAME = 256;

    private final long[][] window = new long[2][RECENT_TSNS / 64];
    private final long[] highest = new long[2];
    private final boolean[] started = new boolean[2];
    @SuppressWarnings("unchecked")
    private final Map<Integer, long[]>[] partial = new Map[] {new HashMap<>(), new HashMap<>()};

    /** One decrypted SCTP packet of the context's direction. */
    void packet(final Payload p, final PacketContext ctx, final EventSink out) {
        final int len = p.length();
        if (len < COMMON_HEADER) {
            return;
        }
        final int d = ctx.direction().ordinal();
        int pos = COMMON_HEADER;
        while (pos + 4 <= len) {
            final int type = p.u8(pos);
            final int flags = p.u8(pos + 1);
            final int chunkLen = p.u16(pos + 2);
            if (chunkLen < 4 || pos + chunkLen > len) {
                return;
            }
            if (type == 0 && chunkLen >= 16) {
                data(p, pos, chunkLen, flags, d, ctx, out);
            }
            pos += (chunkLen + 3) & ~3;
        }
    }

    private void data(final Payload p, final int at, final int chunkLen, final int flags, final int d, final PacketContext ctx,
                      final EventSink out) {
        final long tsn = p.u32(at + 4);
        if (seen(d, tsn)) {
            return;
        }
        final int stream = p.u16(at + 8);
        final long ppid = p.u32(at + 12);
        final int dataLen = chunkLen - 16;
        final boolean unordered = (flags & 0x04) != 0;
        final boolean begin = (flags & 0x02) != 0;
        final boolean end = (flags & 0x01) != 0;
        if (ppid == PPID_DCEP && begin && end) {
            dcep(p, at + 16, dataLen, stream, ppid, unordered, ctx, out);
            return;
        }
        long total = dataLen;
        if (!(begin && end)) {
            final Map<Integer, long[]> m = partial[d];
            if (begin) {
                if (m.size() >= MAX_STREAMS && !m.containsKey(stream)) {
                    return;
                }
                m.put(stream, new long[] {dataLen});
                return;
            }
            final long[] acc = m.get(stream);
            if (acc == null) {
                return; // a middle or last fragment whose first was not seen
            }
            acc[0] += dataLen;
            if (!end) {
                return;
            }
            m.remove(stream);
            total = acc[0];
        }
        out.emit(new DataChannelEvent(ctx.frame(), ctx.tsNanos(), ctx.flow(), ctx.direction(), DataChannelEvent.MESSAGE, stream, ppid,
            (int) Math.min(Integer.MAX_VALUE, total), unordered, null, null, -1, -1));
    }

    private static void dcep(final Payload p, final int at, final int len, final int stream, final long ppid, final boolean unordered,
                             final PacketContext ctx, final EventSink out) {
        if (len < 1) {
            return;
        }
        final int type = p.u8(at);
        if (type == 0x02) {
            out.emit(new DataChannelEvent(ctx.frame(), ctx.tsNanos(), ctx.flow(), ctx.direction(), DataChannelEvent.ACK, stream, ppid,
                len, unordered, null, null, -1, -1));
        } else if (type == 0x03 && len >= 12) {
            final int channelType = p.u8(at + 1);
            final long reliability = p.u32(at + 4);
            final int labelLen = p.u16(at + 8);
            final int protoLen = p.u16(at + 10);
            if (12 + labelLen + protoLen > len) {
                return;
            }
            final String label = text(p, at + 12, labelLen);
            final String protocol = text(p, at + 12 + labelLen, protoLen);
            out.emit(new DataChannelEvent(ctx.frame(), ctx.tsNanos(), ctx.flow(), ctx.direction(), DataChannelEvent.OPEN, stream, ppid,
                len, unordered, label, protocol, channelType, reliability));
        }
    }

    private static String text(final Payload p, final int at, final int len) {
        final byte[] b = p.bytes(at, Math.min(len, MAX_NAME));
        return new String(b, StandardCharsets.UTF_8);
    }

    /**
     * Whether this direction saw the TSN among the last {@value #RECENT_TSNS} below its highest
     * (and remembers it): a window of bits that slides with the highest TSN (serial arithmetic).
     */
    private boolean seen(final int d, final long tsn) {
        final long[] bits = window[d];
        if (!started[d]) {
            started[d] = true;
            highest[d] = tsn;
            set(bits, tsn);
            return false;
        }
        final int delta = (int) (tsn - highest[d]);
        if (delta > 0) {
            if (delta >= RECENT_TSNS) {
                Arrays.fill(bits, 0L);
            } else {
                for (long t = highest[d] + 1; t != highest[d] + 1 + delta; t++) {
                    clear(bits, t);
                }
            }
            highest[d] = tsn & 0xFFFF_FFFFL;
            set(bits, tsn);
            return false;
        }
        if (-(long) delta >= RECENT_TSNS) {
            return false; // older than the window: counted
        }
        if (get(bits, tsn)) {
            return true;
        }
        set(bits, tsn);
        return false;
    }

    private static void set(final long[] bits, final long tsn) {
        final int i = (int) (tsn & (RECENT_TSNS - 1));
        bits[i >>> 6] |= 1L << (i & 63);
    }

    private static void clear(final long[] bits, final long tsn) {
        final int i = (int) (tsn & (RECENT_TSNS - 1));
        bits[i >>> 6] &= ~(1L << (i & 63));
    }

    private static boolean get(final long[] bits, final long tsn) {
        final int i = (int) (tsn & (RECENT_TSNS - 1));
        return (bits[i >>> 6] & 1L << (i & 63)) != 0;
    }
}
