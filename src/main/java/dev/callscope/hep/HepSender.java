package dev.callscope.hep;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends HEP packets to a collector from a thread of its own, so that the analysis never waits for
 * the network: {@link #send} copies the packet into a bounded queue and returns. Over TCP the
 * connection is made (and made again after a failure, at most once a second) by that thread; while
 * there is none, packets wait in the queue. A packet the queue has no room for, or that the socket
 * refused, is counted as failed; nothing here stops the capture.
 */
public final class HepSender implements Closeable {
    /** Packets the queue holds at most. */
    static final int QUEUE_PACKETS = 65_536;
    /** Bytes the queue holds at most. */
    static final long QUEUE_BYTES = 64L << 20;
    private static final long RECONNECT_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How long {@link #close} waits for the queue to drain. */
    private static final long DRAIN_MILLIS = 3000;

    /** What was sent and what failed. */
    public record Stats(long sent, long bytes, long failed, long connects, String lastError) {
    }

    private final HepTarget target;
    private final ArrayBlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE_PACKETS);
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    private volatile String lastError;
    private volatile boolean closing;
    private final Thread thread;
    private DatagramChannel udp;
    private SocketChannel tcp;
    private long nextConnect;

    private HepSender(final HepTarget target) {
        this.target = target;
        this.thread = new Thread(this::run, "callscope-hep-send");
        this.thread.setDaemon(true);
    }

    /**
     * A sender to {@code target}. A UDP socket is opened at once (an error here, such as no route
     * to the address family, is the caller's to report); a TCP connection is made by the sending
     * thread.
     */
    public static HepSender open(final HepTarget target) throws IOException {
        final HepSender s = new HepSender(target);
        if (!target.tcp()) {
            s.udp = DatagramChannel.open();
            s.udp.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
        }
        s.thread.start();
        return s;
    }

    public HepTarget target() {
        return target;
    }

    /** Queues a copy of {@code b[0..len)}; counts it as failed when the queue is full. */
    public void send(final byte[] b, final int len) {
        if (closing || queuedBytes.get() + len > QUEUE_BYTES) {
            failed.incrementAndGet();
            return;
        }
        final byte[] copy = new byte[len];
        System.arraycopy(b, 0, copy, 0, len);
        if (queue.offer(copy)) {
            queuedBytes.addAndGet(len);
        } else {
            failed.incrementAndGet();
        }
    }

    public Stats stats() {
        return new Stats(sent.get(), bytes.get(), failed.get(), connects.get(), lastError);
    }

    private void run() {
        try {
            while (true) {
                final byte[] p = queue.poll(100, TimeUnit.MILLISECONDS);
                if (p == null) {
                    if (closing) {
                        return;
                    }
                    continue;
                }
                queuedBytes.addAndGet(-p.length);
                if (write(p)) {
                    sent.incrementAndGet();
                    bytes.addAndGet(p.length);
                } else {
                    failed.incrementAndGet();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeSockets();
        }
    }

    /** Writes one packet; false when it could not be sent. */
    private boolean write(final byte[] p) throws InterruptedException {
        if (udp != null) {
            try {
                udp.send(ByteBuffer.wrap(p), target.address());
                return true;
            } catch (IOException e) {
                lastError = String.valueOf(e.getMessage());
                return false;
            }
        }
        while (tcp == null) {
            final long now = System.nanoTime();
            if (now < nextConnect) {
                if (closing) {
                    return false; // no connection while closing: the rest is counted as failed
                }
                TimeUnit.NANOSECONDS.sleep(Math.min(nextConnect - now, TimeUnit.MILLISECONDS.toNanos(100)));
                continue;
            }
            nextConnect = now + RECONNECT_NANOS;
            try {
                final SocketChannel c = SocketChannel.open();
                c.socket().connect(target.address(), 2000);
                c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                tcp = c;
                connects.incrementAndGet();
            } catch (IOException e) {
                lastError = "cannot connect to " + target + ": " + e.getMessage();
                if (closing) {
                    return false;
                }
            }
        }
        try {
            final ByteBuffer bb = ByteBuffer.wrap(p);
            while (bb.hasRemaining()) {
                tcp.write(bb);
            }
            return true;
        } catch (IOException e) {
            lastError = "connection to " + target + " lost: " + e.getMessage();
            try {
                tcp.close();
            } catch (IOException ignored) {
                // already broken
            }
            tcp = null;
            return false;
        }
    }

    private void closeSockets() {
        try {
            if (udp != null) {
                udp.close();
            }
            if (tcp != null) {
                tcp.close();
            }
        } catch (IOException ignored) {
            // closing
        }
    }

    /**
     * Waits (up to 3 s) for the queued packets to be sent, then stops; what is left is counted as
     * failed.
     */
    @Override
    public void close() {
        closing = true;
        try {
            thread.join(DRAIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        failed.addAndGet(queue.size());
        queue.clear();
    }
}
