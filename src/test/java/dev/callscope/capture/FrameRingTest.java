package dev.callscope.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.core.RawFrame;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The live capture queue, exercised without libpcap. */
class FrameRingTest {

    private static byte[] pattern(final int len, final int seed) {
        final byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return b;
    }

    @Test
    void fifoWithMetadataThenFalseWhenFinished() throws Exception {
        final FrameRing ring = new FrameRing(8, 1024);
        assertThat(ring.offer(pattern(10, 1), 10, 111L, 1500)).isTrue();
        assertThat(ring.offer(pattern(20, 2), 20, 222L, 20)).isTrue();
        ring.finish();
        final RawFrame f = new RawFrame();
        assertThat(ring.take(f)).isTrue();
        assertThat(f.tsNanos).isEqualTo(111L);
        assertThat(f.capLen).isEqualTo(10);
        assertThat(f.origLen).isEqualTo(1500);
        assertThat(Arrays.copyOf(f.data, f.capLen)).isEqualTo(pattern(10, 1));
        assertThat(ring.take(f)).isTrue();
        assertThat(f.capLen).isEqualTo(20);
        assertThat(Arrays.copyOf(f.data, f.capLen)).isEqualTo(pattern(20, 2));
        assertThat(ring.take(f)).isFalse();
        assertThat(ring.take(f)).isFalse();
    }

    @Test
    void dropsWhenSlotsOrBytesRunOut() throws Exception {
        final FrameRing bySlots = new FrameRing(2, 1024);
        assertThat(bySlots.offer(pattern(4, 0), 4, 0, 4)).isTrue();
        assertThat(bySlots.offer(pattern(4, 0), 4, 0, 4)).isTrue();
        assertThat(bySlots.offer(pattern(4, 0), 4, 0, 4)).isFalse();
        assertThat(bySlots.drops()).isEqualTo(1);

        final FrameRing byBytes = new FrameRing(100, 100);
        assertThat(byBytes.offer(pattern(60, 0), 60, 0, 60)).isTrue();
        assertThat(byBytes.offer(pattern(60, 0), 60, 0, 60)).isFalse();
        assertThat(byBytes.drops()).isEqualTo(1);
        final RawFrame f = new RawFrame();
        assertThat(byBytes.take(f)).isTrue();
        assertThat(byBytes.offer(pattern(60, 3), 60, 0, 60)).isTrue(); // wraps to offset 0 after padding
        assertThat(byBytes.take(f)).isTrue();
        assertThat(Arrays.copyOf(f.data, f.capLen)).isEqualTo(pattern(60, 3));
    }

    @Test
    void oversizedFrameIsCutToTheArena() throws Exception {
        final FrameRing ring = new FrameRing(4, 16);
        assertThat(ring.offer(pattern(40, 5), 40, 0, 40)).isTrue();
        final RawFrame f = new RawFrame();
        assertThat(ring.take(f)).isTrue();
        assertThat(f.capLen).isEqualTo(16);
        assertThat(f.origLen).isEqualTo(40);
    }

    @Test
    @Timeout(30)
    void concurrentProducerAndConsumerKeepOrderAndBytes() throws Exception {
        final FrameRing ring = new FrameRing(64, 4096);
        final int total = 200_000;
        final AtomicLong accepted = new AtomicLong();
        final Thread producer = new Thread(() -> {
            final Random rnd = new Random(42);
            final byte[] buf = new byte[1500];
            for (int i = 0; i < total; i++) {
                final int len = 2 + rnd.nextInt(buf.length - 1);
                buf[0] = (byte) i;
                buf[len - 1] = (byte) (i >>> 8);
                if (ring.offer(buf, len, i, len + 7)) {
                    accepted.incrementAndGet();
                }
            }
            ring.finish();
        });
        producer.start();
        final RawFrame f = new RawFrame();
        long received = 0;
        long lastTs = -1;
        while (ring.take(f)) {
            received++;
            assertThat(f.tsNanos).isGreaterThan(lastTs);
            lastTs = f.tsNanos;
            assertThat(f.data[0]).isEqualTo((byte) f.tsNanos);
            assertThat(f.data[f.capLen - 1]).isEqualTo((byte) (f.tsNanos >>> 8));
            assertThat(f.origLen).isEqualTo(f.capLen + 7);
        }
        producer.join();
        assertThat(received).isEqualTo(accepted.get());
        assertThat(received + ring.drops()).isEqualTo(total);
    }

    @Test
    @Timeout(10)
    void takeBlocksUntilFinishFromAnotherThread() throws Exception {
        final FrameRing ring = new FrameRing(4, 64);
        final Thread stopper = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (final InterruptedException e) {
                return;
            }
            ring.finish();
        });
        final long t0 = System.nanoTime();
        stopper.start();
        assertThat(ring.take(new RawFrame())).isFalse();
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(150_000_000L);
        stopper.join();
    }
}
