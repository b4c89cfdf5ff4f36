package dev.callscope.decode;

/**
 * Walks the chunks of an SCTP packet (RFC 9260 §3) and hands on the user data of DATA chunks.
 * Messages fragmented over several DATA chunks (B, middle, E) are joined by {@link Reassembler},
 * one per direction, bounded in bytes.
 *
 * <pre>
 *   common header (12 bytes): source port, destination port, verification tag, checksum
 *   then chunks, each padded to 4 bytes:
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |   Type = 0    | Reserved|U|B|E|          Length               |  DATA chunk
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                              TSN                              |
 *   |  Stream Identifier S       |   Stream Sequence Number n       |
 *   |                  Payload Protocol Identifier                  |
 *   |                 User Data (seq n of Stream S)                 |
 * </pre>
 */
public final class SctpChunks {
    public static final int COMMON_HEADER_LENGTH = 12;
    static final int CHUNK_HEADER_LENGTH = 4;
    static final int DATA_HEADER_LENGTH = 16;
    static final int TYPE_DATA = 0;
    static final int FLAG_E = 0x01;
    static final int FLAG_B = 0x02;

    private SctpChunks() {
    }

    /** Receives one whole user message. */
    @FunctionalInterface
    public interface DataConsumer {
        void data(byte[] buf, int off, int len, long ppid);
    }

    /** What walking the chunks found. */
    public enum Outcome { OK, FRAGMENT_DROPPED, MALFORMED }

    /**
     * Calls {@code consumer} for each whole user message in {@code buf[off, off+len)}: unfragmented
     * DATA chunks directly, fragments through {@code reassembler}.
     */
    public static Outcome forEachData(final byte[] buf, final int off, final int len, final Reassembler reassembler,
                                      final DataConsumer consumer) {
        int p = off;
        final int end = off + len;
        Outcome outcome = Outcome.OK;
        while (p + CHUNK_HEADER_LENGTH <= end) {
            final int type = buf[p] & 0xFF;
            final int flags = buf[p + 1] & 0xFF;
            final int chunkLen = ((buf[p + 2] & 0xFF) << 8) | (buf[p + 3] & 0xFF);
            if (chunkLen < CHUNK_HEADER_LENGTH || p + chunkLen > end) {
                return Outcome.MALFORMED;
            }
            if (type == TYPE_DATA) {
                if (chunkLen < DATA_HEADER_LENGTH) {
                    return Outcome.MALFORMED;
                }
                final long ppid = u32(buf, p + 12);
                if ((flags & (FLAG_B | FLAG_E)) == (FLAG_B | FLAG_E)) {
                    consumer.data(buf, p + DATA_HEADER_LENGTH, chunkLen - DATA_HEADER_LENGTH, ppid);
                } else if (!reassembler.fragment(flags, u32(buf, p + 4), ((buf[p + 8] & 0xFF) << 8) | (buf[p + 9] & 0xFF),
                    buf, p + DATA_HEADER_LENGTH, chunkLen - DATA_HEADER_LENGTH, ppid, consumer)) {
                    outcome = Outcome.FRAGMENT_DROPPED;
                }
            }
            p += (chunkLen + 3) & ~3;
        }
        return outcome;
    }

    private static long u32(final byte[] b, final int at) {
        return ((long) (b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    /**
     * Joins the fragments of one direction's user messages: a B fragment starts a message on its
     * stream, fragments with the next TSN extend it, the E fragment completes it. Out-of-order or
     * missing fragments drop the message; one message at a time per direction, at most {@code max} bytes.
     */
    public static final class Reassembler {
        private final int max;
        private byte[] data = new byte[0];
        private int length;
        private int stream = -1;
        private long nextTsn;

        public Reassembler(final int max) {
            this.max = max;
        }

        /** @return false when the fragment had to be dropped */
        boolean fragment(final int flags, final long tsn, final int sid, final byte[] buf, final int off, final int len,
                         final long ppid, final DataConsumer consumer) {
            if ((flags & FLAG_B) != 0) {
                final boolean dropped = stream >= 0;
                stream = sid;
                length = 0;
                nextTsn = tsn;
                return append(tsn, buf, off, len) && !dropped;
            }
            if (stream != sid || tsn != nextTsn) {
                stream = -1;
                return false;
            }
            if (!append(tsn, buf, off, len)) {
                return false;
            }
            if ((flags & FLAG_E) != 0) {
                stream = -1;
                consumer.data(data, 0, length, ppid);
                length = 0;
            }
            return true;
        }

        private boolean append(final long tsn, final byte[] buf, final int off, final int len) {
            if (length + len > max) {
                stream = -1;
                length = 0;
                return false;
            }
            if (data.length < length + len) {
                data = java.util.Arrays.copyOf(data, Math.max(length + len, Math.min(max, data.length * 2 + 256)));
            }
            System.arraycopy(buf, off, data, length, len);
            length += len;
            nextTsn = (tsn + 1) & 0xFFFFFFFFL;
            return true;
        }
    }
}
