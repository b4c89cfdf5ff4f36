package dev.callscope.decode;

import dev.callscope.core.Limits;

/**
 * Reassembles one direction of a TCP connection: delivers bytes in sequence order to a {@link Sink},
 * holds out-of-order segments (bounded by {@link Limits}), drops retransmitted and overlapping bytes
 * already delivered, and reports holes it gives up on as gaps. Sequence numbers wrap at 2^32.
 */
public final class TcpReassembler {

    /** Receives a direction's bytes in order. Buffers passed in are only valid during the call. */
    public interface Sink {
        void data(byte[] buf, int off, int len);

        /** {@code len} bytes starting at sequence {@code seq} are missing and will never come. */
        void gap(long seq, int len);
    }

    /** How a segment related to the stream so far. */
    public enum Segment { IN_ORDER, OUT_OF_ORDER, RETRANSMISSION, PARTIAL_OVERLAP, EMPTY }

    public TcpReassembler(final Limits limits, final TcpBudget budget) {
        throw new UnsupportedOperationException("to be implemented");
    }

    /**
     * Feeds one segment.
     *
     * @param flags TCP flags byte (SYN sets the initial sequence number; FIN ends the direction)
     * @param seq sequence number of the first payload byte (unsigned 32-bit)
     * @param capturedLen payload bytes present in {@code buf}
     * @param wireLen payload length on the wire (larger than capturedLen when the snap length cut it;
     *     the missing tail is a gap)
     */
    public Segment segment(final int flags, final long seq, final byte[] buf, final int off, final int capturedLen,
                           final int wireLen, final Sink sink) {
        throw new UnsupportedOperationException("to be implemented");
    }

    /** End of the connection or capture: delivers whatever is still held, with gaps for the holes. */
    public void flush(final Sink sink) {
        throw new UnsupportedOperationException("to be implemented");
    }

    /** Bytes held right now. */
    public int bufferedBytes() {
        throw new UnsupportedOperationException("to be implemented");
    }

    /** Drops all held data and gives its bytes back to the budget. */
    public void release() {
        throw new UnsupportedOperationException("to be implemented");
    }
}
