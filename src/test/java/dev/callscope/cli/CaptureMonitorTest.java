package dev.callscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class CaptureMonitorTest {
    @Test
    void theStatusLineShowsPacketsRateAndBothDrops() {
        assertThat(CaptureMonitor.line(new CaptureMonitor.Counters(1_204_332, 10, 2, 345, 7), 301_200.4))
            .isEqualTo("1,204,332 packets, 301,200/s; dropped: kernel 12, queue 345");
        assertThat(CaptureMonitor.last(new CaptureMonitor.Counters(1_204_332, 10, 2, 345, 7)))
            .isEqualTo("1,204,332 packets captured; dropped: kernel 12, queue 345");
    }

    @Test
    @Timeout(20)
    void intervalsCarryTheDeltasOfTheirInterval() throws Exception {
        final AtomicLong tick = new AtomicLong();
        final List<Map<String, Object>> streamed = new CopyOnWriteArrayList<>();
        final StringWriter status = new StringWriter();
        // every read of the counters adds 100 packets, 3 kernel drops and 1 queue drop
        final CaptureMonitor m = new CaptureMonitor(() -> {
            final long t = tick.incrementAndGet();
            return new CaptureMonitor.Counters(100 * t, 3 * t, 0, t, 5);
        }, new PrintWriter(status, true), TimeUnit.MILLISECONDS.toNanos(100), 3, streamed::add);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (streamed.size() < 5 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        m.close();
        assertThat(streamed.size()).isGreaterThanOrEqualTo(5);
        assertThat(m.intervals()).hasSize(3).isEqualTo(streamed.subList(0, 3));
        assertThat(m.intervalsDropped()).isEqualTo(streamed.size() - 3);
        long packets = 0;
        long kernel = 0;
        long queue = 0;
        for (final Map<String, Object> r : streamed) {
            assertThat(r).containsKeys("start", "seconds", "packets", "kernel_dropped", "if_dropped", "queue_dropped", "queued");
            assertThat((Double) r.get("seconds")).isBetween(0.0, 0.1);
            assertThat(r.get("queued")).isEqualTo(5L);
            packets += (Long) r.get("packets");
            kernel += (Long) r.get("kernel_dropped");
            queue += (Long) r.get("queue_dropped");
        }
        // the deltas add up to the counters at the last interval: none counted twice or lost
        assertThat(packets).isEqualTo(100 * queue).isPositive();
        assertThat(kernel).isEqualTo(3 * queue);
        // the counter was drawn in place and left with its final figures, as tshark leaves its count
        assertThat(status.toString()).containsPattern("^\r[0-9,]+ packets, [0-9,]+/s; dropped: kernel [0-9,]+, queue [0-9,]+\033\\[K\r")
            .containsPattern("\r[0-9,]+ packets captured; dropped: kernel [0-9,]+, queue [0-9,]+\033\\[K\n$");
    }
}
