package dev.callscope.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.callscope.core.InputException;
import dev.callscope.core.InputException.Kind;
import dev.callscope.core.LinkType;
import dev.callscope.core.RawFrame;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Live capture on the loopback interface; needs root (or capabilities) and libpcap. */
@Tag("live")
class LiveSourceTest {
    private static final int N = 20;

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** UDP payload of an Ethernet/IPv4/UDP frame, or null if the frame is something else. */
    private static String udpPayload(final RawFrame f) {
        if (f.linkType != LinkType.ETHERNET || f.capLen < 14 + 20 + 8) {
            return null;
        }
        final byte[] d = f.data;
        if ((d[12] & 0xFF) != 0x08 || d[13] != 0x00 || (d[14] & 0xF0) != 0x40 || d[23] != 17) {
            return null;
        }
        final int ihl = (d[14] & 0x0F) * 4;
        final int udp = 14 + ihl;
        final int udpLen = (d[udp + 4] & 0xFF) << 8 | d[udp + 5] & 0xFF;
        return new String(d, udp + 8, Math.min(udpLen - 8, f.capLen - udp - 8), StandardCharsets.US_ASCII);
    }

    @Test
    @Timeout(30)
    void capturesExactlyTheDatagramsSentToLoopbackAndStopsCleanly() throws Exception {
        final int port = freeUdpPort();
        final List<String> sent = new ArrayList<>();
        final List<String> got = new ArrayList<>();
        try (LiveSource src = LiveSource.open("lo", "udp and host 127.0.0.1 and port " + port,
                LiveSource.DEFAULT_SNAPLEN, false, LiveSource.DEFAULT_BUFFER_SIZE)) {
            assertThat(src.linkType()).isEqualTo(LinkType.ETHERNET);
            assertThat(src.snaplen()).isEqualTo(LiveSource.DEFAULT_SNAPLEN);
            assertThat(src.format()).isEqualTo("live");
            final long before = System.currentTimeMillis() * 1_000_000L;
            try (DatagramSocket tx = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                for (int i = 0; i < N; i++) {
                    final String msg = "callscope-live-" + i + "-" + "x".repeat(i * 10);
                    sent.add(msg);
                    final byte[] b = msg.getBytes(StandardCharsets.US_ASCII);
                    tx.send(new DatagramPacket(b, b.length, InetAddress.getByName("127.0.0.1"), port));
                }
            }
            final RawFrame f = new RawFrame();
            while (got.size() < N && src.next(f)) {
                final String payload = udpPayload(f);
                assertThat(payload).as("frame %d is Ethernet/IPv4/UDP", got.size()).isNotNull();
                assertThat(f.origLen).isEqualTo(f.capLen);
                assertThat(f.tsNanos).isBetween(before - 1_000_000_000L, System.currentTimeMillis() * 1_000_000L + 1_000_000_000L);
                got.add(payload);
            }
            assertThat(got).containsExactlyElementsOf(sent);

            // Stop from another thread (as a shutdown hook would) while next() is blocked.
            final CompletableFuture<Boolean> blocked = CompletableFuture.supplyAsync(() -> {
                try {
                    return src.next(new RawFrame());
                } catch (final Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(200);
            assertThat(blocked).isNotDone();
            final long t0 = System.nanoTime();
            src.stop();
            assertThat(blocked.get(5, TimeUnit.SECONDS)).isFalse();
            assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(3));
            assertThat(src.next(f)).isFalse();
            final LiveSource.Stats stats = src.stats();
            assertThat(stats.received()).isGreaterThanOrEqualTo(N);
            assertThat(stats.queueDropped()).isZero();
            assertThat(stats.queued()).isZero();
        }
    }

    @Test
    @Timeout(30)
    void framesQueuedBeforeStopAreStillDelivered() throws Exception {
        final int port = freeUdpPort();
        try (LiveSource src = LiveSource.open("lo", "udp dst port " + port, 65535, false, 0)) {
            try (DatagramSocket tx = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                for (int i = 0; i < 5; i++) {
                    tx.send(new DatagramPacket(new byte[] {(byte) i}, 1, InetAddress.getLoopbackAddress(), port));
                }
            }
            // wait until all five are queued, then stop before reading
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (src.stats().queued() < 5 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            src.stop();
            src.stop(); // idempotent
            final RawFrame f = new RawFrame();
            int n = 0;
            while (src.next(f)) {
                n++;
            }
            assertThat(n).isEqualTo(5);
        }
    }

    /** Sends {@code n} datagrams of {@code size} bytes to {@code port} on 127.0.0.1, in bursts. */
    private static void send(final int port, final int n, final int size) throws Exception {
        try (DatagramSocket tx = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            final byte[] b = new byte[size];
            for (int i = 0; i < n; i++) {
                b[0] = (byte) i;
                b[1] = (byte) (i >>> 8);
                b[2] = (byte) (i >>> 16);
                tx.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
                if (i % 2000 == 1999) {
                    Thread.sleep(5); // a burst at a time: the kernel buffer is not what is tested
                }
            }
        }
    }

    private static void awaitCaptured(final LiveSource src, final long n) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (src.stats().captured() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    @Test
    @Timeout(60)
    void theTeeGetsEveryPacketWhileTheAnalysisFallsBehind() throws Exception {
        final int port = freeUdpPort();
        final int n = 20_000;
        final List<Integer> teed = new ArrayList<>();
        final long[] lastTs = {0};
        final LiveSource.TeeFactory tee = (linkType, snaplen) -> {
            assertThat(linkType).isEqualTo(LinkType.ETHERNET);
            return (data, len, orig, ts) -> {
                // the payload's first three bytes number the datagram
                final int off = 14 + 20 + 8;
                teed.add(data[off] & 0xFF | (data[off + 1] & 0xFF) << 8 | (data[off + 2] & 0xFF) << 16);
                assertThat(ts).isGreaterThanOrEqualTo(lastTs[0]);
                lastTs[0] = ts;
                assertThat(orig).isEqualTo(len);
            };
        };
        // a 1 MiB queue: nothing is read until every packet was captured
        try (LiveSource src = LiveSource.open("lo", "udp dst port " + port,
                new LiveSource.Options(LiveSource.DEFAULT_SNAPLEN, false, LiveSource.DEFAULT_BUFFER_SIZE, 1 << 20, 0, tee))) {
            send(port, n, 200);
            awaitCaptured(src, n);
            src.stop();
            final RawFrame f = new RawFrame();
            int analysed = 0;
            while (src.next(f)) {
                analysed++;
            }
            final LiveSource.Stats stats = src.stats();
            assertThat(stats.dropped()).as("kernel drops").isZero();
            assertThat(stats.captured()).isEqualTo(n);
            assertThat(teed).hasSize(n);
            for (int i = 0; i < n; i++) {
                assertThat(teed.get(i)).isEqualTo(i);
            }
            // the queue's 1 MiB holds 4,332 frames of 242 bytes (before its 8,192 slots run out)
            assertThat(analysed).isEqualTo((1 << 20) / (14 + 20 + 8 + 200));
            assertThat(stats.queueDropped()).isEqualTo(n - analysed);
            assertThat(stats.teeFailed()).isZero();
        }
    }

    @Test
    @Timeout(30)
    void aPacketLimitStopsTheCaptureThreadAtExactlyThatMany() throws Exception {
        final int port = freeUdpPort();
        try (LiveSource src = LiveSource.open("lo", "udp dst port " + port,
                new LiveSource.Options(65535, false, 0, LiveSource.DEFAULT_QUEUE_BYTES, 7, null))) {
            send(port, 30, 10);
            final RawFrame f = new RawFrame();
            int got = 0;
            while (src.next(f)) { // ends by itself: the capture thread stops after 7
                got++;
            }
            assertThat(got).isEqualTo(7);
            assertThat(src.stats().captured()).isEqualTo(7);
        }
    }

    @Test
    @Timeout(30)
    void thePerPacketPathCapturesTheSame() throws Exception {
        System.setProperty("callscope.capture.perPacket", "true");
        try {
            final int port = freeUdpPort();
            final List<Integer> teed = new ArrayList<>();
            try (LiveSource src = LiveSource.open("lo", "udp dst port " + port, new LiveSource.Options(65535, false, 0,
                    LiveSource.DEFAULT_QUEUE_BYTES, 0, (lt, sl) -> (data, len, orig, ts) -> teed.add(len)))) {
                send(port, 50, 100);
                awaitCaptured(src, 50);
                src.stop();
                final RawFrame f = new RawFrame();
                int got = 0;
                while (src.next(f)) {
                    assertThat(f.capLen).isEqualTo(14 + 20 + 8 + 100);
                    assertThat(f.data[14 + 20 + 8]).isEqualTo((byte) got);
                    got++;
                }
                assertThat(got).isEqualTo(50);
                assertThat(teed).hasSize(50).allMatch(len -> len == 142);
            }
        } finally {
            System.clearProperty("callscope.capture.perPacket");
        }
    }

    @Test
    void unknownInterface() {
        assertThatThrownBy(() -> LiveSource.open("nosuchif0", null, 65535, false, 0))
                .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNKNOWN_INTERFACE))
                .hasMessage("no such interface: nosuchif0 (see `callscope interfaces`)");
    }

    @Test
    void badFilter() {
        assertThatThrownBy(() -> LiveSource.open("lo", "udp port", 65535, false, 0))
                .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.kind()).isEqualTo(Kind.BAD_FILTER))
                .hasMessageStartingWith("bad capture filter \"udp port\": ");
    }

    @Test
    void loopbackIsListed() throws Exception {
        final List<Interfaces.Device> devices = Interfaces.list();
        assertThat(devices).isNotEmpty();
        assertThat(devices.get(0).index()).isEqualTo(1);
        final Interfaces.Device lo = Interfaces.find("lo");
        assertThat(lo.loopback()).isTrue();
        assertThat(lo.up()).isTrue();
        assertThat(lo.addresses()).contains("127.0.0.1");
        assertThat(lo.line()).startsWith(lo.index() + ". lo (Loopback) [loopback, up]").contains("127.0.0.1");
        assertThatThrownBy(() -> Interfaces.find("nosuchif0"))
                .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNKNOWN_INTERFACE));
    }
}
