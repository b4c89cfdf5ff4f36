package dev.callscope.decode;

import dev.callscope.core.Limits;
import dev.callscope.core.ReassemblyBudget;
import dev.callscope.decode.TcpReassembler.Segment;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static dev.callscope.decode.Frames.pattern;
import static org.assertj.core.api.Assertions.assertThat;

class TcpReassemblerTest {
    private static final int SYN = 0x02;
    private static final int ACK = 0x10;

    private final Limits limits = new Limits();
    private final ReassemblyBudget budget = new ReassemblyBudget(1 << 20);
    private final RecordingSink sink = new RecordingSink();
    private final byte[] stream = pattern(1000, 3);

    private TcpReassembler reassembler() {
        return new TcpReassembler(limits, budget);
    }

    /** Feeds stream[from, to) at sequence base + from. */
    private Segment feed(final TcpReassembler r, final long base, final int from, final int to) {
        return r.segment(ACK, (base + from) & 0xFFFFFFFFL, stream, from, to - from, to - from, sink);
    }

    @Test
    void inOrderFromSyn() {
        final TcpReassembler r = reassembler();
        assertThat(r.segment(SYN, 999, null, 0, 0, 0, sink)).isEqualTo(Segment.EMPTY);
        assertThat(feed(r, 1000, 0, 100)).isEqualTo(Segment.IN_ORDER);
        assertThat(feed(r, 1000, 100, 1000)).isEqualTo(Segment.IN_ORDER);
        assertThat(sink.bytes()).isEqualTo(stream);
        assertThat(r.nextSeq()).isEqualTo(2000);
        assertThat(r.bufferedBytes()).isZero();
    }

    @Test
    void synSetsStartSoEarlierMissingDataIsAGap() {
        final TcpReassembler r = reassembler();
        r.segment(SYN, 99, null, 0, 0, 0, sink);
        assertThat(feed(r, 100, 10, 20)).isEqualTo(Segment.OUT_OF_ORDER);
        r.flush(sink);
        assertThat(sink.gaps).hasSize(1);
        assertThat(sink.gaps.get(0)).containsExactly(100, 10);
        assertThat(sink.bytes()).isEqualTo(Arrays.copyOfRange(stream, 10, 20));
    }

    @Test
    void outOfOrderHeldThenDelivered() {
        final TcpReassembler r = reassembler();
        assertThat(feed(r, 5000, 0, 100)).isEqualTo(Segment.IN_ORDER);
        assertThat(feed(r, 5000, 300, 400)).isEqualTo(Segment.OUT_OF_ORDER);
        assertThat(feed(r, 5000, 200, 300)).isEqualTo(Segment.OUT_OF_ORDER);
        assertThat(r.bufferedBytes()).isEqualTo(200);
        // each held segment is charged its array (2048 bytes at least), the direction its bookkeeping
        assertThat(budget.used()).isEqualTo(2 * 2048 + ReassemblyBudget.ENTRY_OVERHEAD);
        assertThat(feed(r, 5000, 100, 200)).isEqualTo(Segment.IN_ORDER);
        assertThat(r.bufferedBytes()).isZero();
        assertThat(budget.used()).isZero();
        assertThat(feed(r, 5000, 400, 1000)).isEqualTo(Segment.IN_ORDER);
        assertThat(sink.bytes()).isEqualTo(stream);
        assertThat(sink.gaps).isEmpty();
    }

    @Test
    void retransmissionsAndOverlaps() {
        final TcpReassembler r = reassembler();
        feed(r, 0, 0, 300);
        assertThat(feed(r, 0, 0, 300)).isEqualTo(Segment.RETRANSMISSION);
        assertThat(feed(r, 0, 100, 200)).isEqualTo(Segment.RETRANSMISSION);
        assertThat(feed(r, 0, 200, 400)).isEqualTo(Segment.PARTIAL_OVERLAP);
        assertThat(feed(r, 0, 500, 600)).isEqualTo(Segment.OUT_OF_ORDER);
        assertThat(feed(r, 0, 520, 580)).isEqualTo(Segment.RETRANSMISSION); // covered by a held segment
        assertThat(feed(r, 0, 450, 650)).isEqualTo(Segment.OUT_OF_ORDER); // overlaps the held one
        assertThat(feed(r, 0, 380, 460)).isEqualTo(Segment.PARTIAL_OVERLAP);
        feed(r, 0, 640, 1000);
        assertThat(sink.bytes()).isEqualTo(stream);
        assertThat(r.retransmissions()).isEqualTo(3);
        assertThat(r.bufferedBytes()).isZero();
        assertThat(budget.used()).isZero();
    }

    @Test
    void sequenceWrapAround() {
        final TcpReassembler r = reassembler();
        final long base = 0xFFFFFF00L; // 256 bytes before the wrap
        feed(r, base, 0, 200);
        assertThat(feed(r, base, 400, 600)).isEqualTo(Segment.OUT_OF_ORDER); // after the wrap
        assertThat(feed(r, base, 200, 400)).isEqualTo(Segment.IN_ORDER); // across the wrap
        assertThat(feed(r, base, 100, 300)).isEqualTo(Segment.RETRANSMISSION);
        feed(r, base, 600, 1000);
        assertThat(sink.bytes()).isEqualTo(stream);
        assertThat(r.nextSeq()).isEqualTo((base + 1000) & 0xFFFFFFFFL);
    }

    @Test
    void midStreamStart() {
        final TcpReassembler r = reassembler();
        assertThat(r.segment(ACK, 777_777, null, 0, 0, 0, sink)).isEqualTo(Segment.EMPTY);
        assertThat(r.started()).isFalse();
        assertThat(feed(r, 3_000_000_000L, 500, 600)).isEqualTo(Segment.IN_ORDER);
        assertThat(feed(r, 3_000_000_000L, 400, 500)).isEqualTo(Segment.RETRANSMISSION);
        assertThat(feed(r, 3_000_000_000L, 600, 1000)).isEqualTo(Segment.IN_ORDER);
        assertThat(sink.bytes()).isEqualTo(Arrays.copyOfRange(stream, 500, 1000));
    }

    @Test
    void gapWhenSegmentLimitHit() {
        limits.tcpMaxOutOfOrderSegments = 3;
        final TcpReassembler r = reassembler();
        feed(r, 0, 0, 100);
        feed(r, 0, 200, 300);
        feed(r, 0, 400, 500);
        feed(r, 0, 600, 700);
        assertThat(r.heldSegments()).isEqualTo(3);
        assertThat(feed(r, 0, 800, 900)).isEqualTo(Segment.OUT_OF_ORDER);
        // the hole [100, 200) was given up on; [200, 300) delivered; [400,500),[600,700),[800,900) held
        assertThat(sink.gaps).hasSize(1);
        assertThat(sink.gaps.get(0)).containsExactly(100, 100);
        assertThat(r.heldSegments()).isEqualTo(3);
        assertThat(r.limitGaps()).isEqualTo(1);
        assertThat(feed(r, 0, 150, 200)).isEqualTo(Segment.RETRANSMISSION); // too late
        feed(r, 0, 300, 400);
        assertThat(r.heldSegments()).isEqualTo(2);
    }

    @Test
    void gapWhenByteLimitHitAndSegmentTooLargeToHold() {
        limits.tcpMaxBufferedPerDirection = 150;
        final TcpReassembler r = reassembler();
        feed(r, 0, 0, 100);
        feed(r, 0, 200, 300);
        assertThat(r.bufferedBytes()).isEqualTo(100);
        feed(r, 0, 400, 500); // does not fit: hole [100,200) given up, [200,300) delivered, then held
        assertThat(sink.gaps.get(0)).containsExactly(100, 100);
        assertThat(r.bufferedBytes()).isEqualTo(100);
        feed(r, 0, 600, 800); // 200 bytes can never be held: holes before it become gaps
        assertThat(r.bufferedBytes()).isZero();
        assertThat(sink.gaps).hasSize(3);
        assertThat(sink.withGaps.toByteArray()).hasSize(800);
        assertThat(r.nextSeq()).isEqualTo(800);
    }

    @Test
    void sharedBudgetDropsTheOldestHeldData() {
        final ReassemblyBudget small = new ReassemblyBudget(3_000); // room for one held array
        final TcpReassembler a = new TcpReassembler(limits, small);
        final TcpReassembler b = new TcpReassembler(limits, small);
        feed(a, 0, 0, 10);
        feed(a, 0, 100, 200);
        assertThat(small.used()).isEqualTo(2048 + ReassemblyBudget.ENTRY_OVERHEAD);
        feed(b, 0, 0, 10);
        feed(b, 0, 100, 200); // no room: a's held data, the oldest, is dropped for it
        assertThat(small.used()).isEqualTo(2048 + ReassemblyBudget.ENTRY_OVERHEAD);
        assertThat(small.drops(ReassemblyBudget.Kind.TCP_OUT_OF_ORDER)).isEqualTo(1);
        assertThat(a.budgetDrops()).isEqualTo(1);
        assertThat(a.bufferedBytes()).isZero();
        assertThat(b.bufferedBytes()).isEqualTo(100);
        assertThat(sink.gaps).isEmpty();
        // a's hole fills: those bytes come, then the dropped ones are one gap
        assertThat(feed(a, 0, 10, 100)).isEqualTo(Segment.IN_ORDER);
        assertThat(sink.gaps).hasSize(1);
        assertThat(sink.gaps.get(0)).containsExactly(100, 100);
        assertThat(a.nextSeq()).isEqualTo(200);
        b.release();
        assertThat(small.used()).isZero();
        assertThat(small.entries()).isZero();
    }

    @Test
    void gapOnFlush() {
        final TcpReassembler r = reassembler();
        feed(r, 10, 0, 100);
        feed(r, 10, 300, 400);
        feed(r, 10, 200, 250);
        feed(r, 10, 600, 700);
        r.flush(sink);
        assertThat(sink.gaps).hasSize(3);
        assertThat(sink.gaps.get(0)).containsExactly(110, 100);
        assertThat(sink.gaps.get(1)).containsExactly(260, 50);
        assertThat(sink.gaps.get(2)).containsExactly(410, 200);
        assertThat(sink.withGaps.toByteArray()).hasSize(700);
        assertThat(r.bufferedBytes()).isZero();
        assertThat(budget.used()).isZero();
    }

    @Test
    void snaplenCutTailIsAGap() {
        final TcpReassembler r = reassembler();
        assertThat(r.segment(ACK, 0, stream, 0, 60, 100, sink)).isEqualTo(Segment.IN_ORDER);
        assertThat(sink.gaps.get(0)).containsExactly(60, 40);
        // an out-of-order snaplen-cut segment keeps its gap until it is delivered
        r.segment(ACK, 200, stream, 200, 30, 100, sink);
        r.segment(ACK, 100, stream, 100, 100, 100, sink);
        assertThat(sink.gaps).hasSize(2);
        assertThat(sink.gaps.get(1)).containsExactly(230, 70);
        assertThat(r.nextSeq()).isEqualTo(300);
        // retransmission with the full payload does not bring the missing bytes back (first copy wins)
        assertThat(r.segment(ACK, 200, stream, 200, 100, 100, sink)).isEqualTo(Segment.RETRANSMISSION);
    }

    @Test
    void fastPathDoesNotCopyOrAllocate() {
        final TcpReassembler r = reassembler();
        final byte[][] seen = new byte[1][];
        final TcpReassembler.Sink identity = new TcpReassembler.Sink() {
            @Override
            public void data(final byte[] buf, final int off, final int len) {
                seen[0] = buf;
            }

            @Override
            public void gap(final long seq, final int len) {
            }
        };
        r.segment(ACK, 0, stream, 0, 100, 100, identity);
        assertThat(seen[0]).isSameAs(stream);
        final com.sun.management.ThreadMXBean mx =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long seq = 100;
        for (int i = 0; i < 20_000; i++, seq += 100) {
            r.segment(ACK, seq, stream, 0, 100, 100, identity);
        }
        final long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
        for (int i = 0; i < 200_000; i++, seq += 100) {
            r.segment(ACK, seq & 0xFFFFFFFFL, stream, 0, 100, 100, identity);
        }
        final long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        assertThat(allocated).isLessThan(8 * 1024);
    }
}
