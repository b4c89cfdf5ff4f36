package dev.callscope.flow.rtp;

import java.util.Arrays;

/**
 * What each RTP packet of a stream part gave the stream, in arrival order: enough to take the
 * packets again into the stream's statistics in another process, so a stream that runs on from one
 * capture file into the next is counted as one reading of both would count it ({@link
 * RtpStream#continueWith}). Kept in columns of primitives (about 34 bytes a packet), which serialize
 * in bulk.
 */
public final class RtpSteps implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    /** The values of the RTP dissector's {@code RtpPacket.srtp()}. */
    public static final int SRTP_NONE = 0;
    public static final int SRTP_DECRYPTED = 1;
    public static final int SRTP_AUTH_FAILED = 2;

    private int size;
    private long[] frame;
    private long[] tsNanos;
    private int[] sequence;
    private int[] timestamp;
    private int[] dataLength;
    private int[] payloadHead;
    /** Payload type (7 bits), marker (bit 7), SRTP state (bits 8-9). */
    private short[] flags;

    RtpSteps() {
        this(16);
    }

    private RtpSteps(final int capacity) {
        frame = new long[capacity];
        tsNanos = new long[capacity];
        sequence = new int[capacity];
        timestamp = new int[capacity];
        dataLength = new int[capacity];
        payloadHead = new int[capacity];
        flags = new short[capacity];
    }

    void add(final long f, final long ts, final int seq, final long rtpTimestamp, final int pt, final boolean marker,
             final int length, final int srtp, final int head) {
        if (size == frame.length) {
            final int n = size * 2;
            frame = Arrays.copyOf(frame, n);
            tsNanos = Arrays.copyOf(tsNanos, n);
            sequence = Arrays.copyOf(sequence, n);
            timestamp = Arrays.copyOf(timestamp, n);
            dataLength = Arrays.copyOf(dataLength, n);
            payloadHead = Arrays.copyOf(payloadHead, n);
            flags = Arrays.copyOf(flags, n);
        }
        frame[size] = f;
        tsNanos[size] = ts;
        sequence[size] = seq;
        timestamp[size] = (int) rtpTimestamp;
        dataLength[size] = length;
        payloadHead[size] = head;
        flags[size] = (short) ((pt & 0x7F) | (marker ? 0x80 : 0) | (srtp & 3) << 8);
        size++;
    }

    /** Packets kept. */
    public int size() {
        return size;
    }

    public long frame(final int i) {
        return frame[i];
    }

    public long tsNanos(final int i) {
        return tsNanos[i];
    }

    public int sequence(final int i) {
        return sequence[i];
    }

    /** The RTP timestamp as sent (32 bits, unsigned). */
    public long timestamp(final int i) {
        return timestamp[i] & 0xFFFF_FFFFL;
    }

    public int payloadType(final int i) {
        return flags[i] & 0x7F;
    }

    public boolean marker(final int i) {
        return (flags[i] & 0x80) != 0;
    }

    public int srtp(final int i) {
        return (flags[i] >>> 8) & 3;
    }

    public int dataLength(final int i) {
        return dataLength[i];
    }

    /** The first four payload bytes big-endian, or -1 when the payload was shorter. */
    public int payloadHead(final int i) {
        return payloadHead[i];
    }

    /** Drops the unused room before the steps are handed on. */
    public RtpSteps trimmed() {
        final RtpSteps t = new RtpSteps(Math.max(1, size));
        System.arraycopy(frame, 0, t.frame, 0, size);
        System.arraycopy(tsNanos, 0, t.tsNanos, 0, size);
        System.arraycopy(sequence, 0, t.sequence, 0, size);
        System.arraycopy(timestamp, 0, t.timestamp, 0, size);
        System.arraycopy(dataLength, 0, t.dataLength, 0, size);
        System.arraycopy(payloadHead, 0, t.payloadHead, 0, size);
        System.arraycopy(flags, 0, t.flags, 0, size);
        t.size = size;
        return t;
    }

    /** No packets. */
    public static RtpSteps none() {
        return new RtpSteps(1);
    }
}
