package dev.callscope.capture;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A bound UDP socket read a batch at a time with {@code recvmmsg} (Linux, 64-bit): one system call
 * brings up to {@link #BATCH} datagrams, where Java's {@code DatagramChannel} needs one call per
 * datagram. For a collector of small datagrams (HEP) at hundreds of thousands per second the system
 * calls are most of the receiving thread's work.
 *
 * <p>{@link #open} returns null where this is not available (another platform, a 32-bit JVM, no
 * JNA): the caller then uses a {@code DatagramChannel}. Threading: {@link #receive} and the
 * accessors on one thread; {@link #close} from any thread wakes a waiting {@link #receive}.
 */
public final class BatchUdpReceiver implements AutoCloseable {
    /** Datagrams one call takes at most. */
    public static final int BATCH = 64;
    /** Bytes of each datagram's slot (the largest UDP payload over IPv4). */
    public static final int SLOT = 65_536;

    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_DGRAM = 2;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVBUF = 8;
    private static final int SO_RCVBUFFORCE = 33;
    private static final int SO_RCVTIMEO = 20;
    private static final int MSG_WAITFORONE = 0x10000;
    private static final int SHUT_RDWR = 2;
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;
    private static final int EADDRINUSE = 98;
    private static final int EACCES = 13;
    private static final int EADDRNOTAVAIL = 99;
    /** struct msghdr and struct mmsghdr on LP64 Linux. */
    private static final int MSGHDR = 56;
    private static final int MMSGHDR = 64;
    private static final int IOVEC = 16;

    private static final class Natives {
        final Function socket;
        final Function bind;
        final Function setsockopt;
        final Function getsockopt;
        final Function recvmmsg;
        final Function shutdown;
        final Function close;

        Natives() {
            socket = Libc.function("socket");
            bind = Libc.function("bind");
            setsockopt = Libc.function("setsockopt");
            getsockopt = Libc.function("getsockopt");
            recvmmsg = Libc.function("recvmmsg");
            shutdown = Libc.function("shutdown");
            close = Libc.function("close");
        }
    }

    private final Natives n;
    private final int fd;
    private final Memory data = new Memory((long) BATCH * SLOT);
    private final Memory headers = new Memory((long) BATCH * MMSGHDR);
    private final Memory iovecs = new Memory((long) BATCH * IOVEC);
    private final ByteBuffer view;
    private final int receiveBuffer;
    private volatile boolean closed;
    private boolean released;

    private BatchUdpReceiver(final Natives n, final int fd, final int receiveBuffer) {
        this.n = n;
        this.fd = fd;
        this.receiveBuffer = receiveBuffer;
        this.view = data.getByteBuffer(0, data.size());
        headers.clear();
        for (int i = 0; i < BATCH; i++) {
            iovecs.setPointer((long) i * IOVEC, data.share((long) i * SLOT));
            iovecs.setLong((long) i * IOVEC + 8, SLOT);
            final long h = (long) i * MMSGHDR;
            headers.setPointer(h + 16, iovecs.share((long) i * IOVEC)); // msg_iov
            headers.setLong(h + 24, 1); // msg_iovlen
        }
    }

    /**
     * Binds a UDP socket to {@code at} with a receive buffer of {@code bufferBytes} (without
     * CAP_NET_ADMIN the kernel caps it at net.core.rmem_max) and a 200 ms receive timeout.
     *
     * @return the receiver, or null when batch receiving is not available here
     * @throws IOException with a short reason ("address already in use", "permission denied", ...)
     *     when the address cannot be bound
     */
    public static BatchUdpReceiver open(final InetSocketAddress at, final int bufferBytes) throws IOException {
        if (!Platform.isLinux() || !Platform.is64Bit() || Boolean.getBoolean("callscope.hep.nioReceive")) {
            return null;
        }
        final Natives n;
        try {
            n = new Natives();
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
        final boolean v6 = at.getAddress() instanceof Inet6Address;
        final int fd = n.socket.invokeInt(new Object[] {v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0});
        if (fd < 0) {
            return null;
        }
        boolean ok = false;
        try {
            final Memory size = new Memory(4);
            size.setInt(0, bufferBytes);
            // past net.core.rmem_max where allowed (CAP_NET_ADMIN), as libpcap's buffer is
            if (n.setsockopt.invokeInt(new Object[] {fd, SOL_SOCKET, SO_RCVBUFFORCE, size, 4}) != 0) {
                n.setsockopt.invokeInt(new Object[] {fd, SOL_SOCKET, SO_RCVBUF, size, 4});
            }
            final Memory tv = new Memory(16);
            tv.setLong(0, 0);
            tv.setLong(8, 200_000); // 200 ms: the loop looks at its stop flag
            n.setsockopt.invokeInt(new Object[] {fd, SOL_SOCKET, SO_RCVTIMEO, tv, 16});
            final Memory addr = sockaddr(at, v6);
            if (n.bind.invokeInt(new Object[] {fd, addr, (int) addr.size()}) != 0) {
                final int errno = Native.getLastError();
                throw new IOException(switch (errno) {
                    case EADDRINUSE -> "address already in use";
                    case EACCES -> "permission denied";
                    case EADDRNOTAVAIL -> "address not available on this host";
                    default -> "bind failed (errno " + errno + ")";
                });
            }
            size.setInt(0, 0);
            final Memory len = new Memory(4);
            len.setInt(0, 4);
            n.getsockopt.invokeInt(new Object[] {fd, SOL_SOCKET, SO_RCVBUF, size, len});
            final BatchUdpReceiver r = new BatchUdpReceiver(n, fd, size.getInt(0));
            ok = true;
            return r;
        } finally {
            if (!ok) {
                n.close.invokeInt(new Object[] {fd});
            }
        }
    }

    /** struct sockaddr_in or sockaddr_in6 for {@code at}. */
    private static Memory sockaddr(final InetSocketAddress at, final boolean v6) {
        final byte[] ip = at.getAddress().getAddress();
        final int port = at.getPort();
        final Memory m = new Memory(v6 ? 28 : 16);
        m.clear();
        m.setShort(0, (short) (v6 ? AF_INET6 : AF_INET)); // host order
        m.setByte(2, (byte) (port >>> 8)); // network order
        m.setByte(3, (byte) port);
        if (v6) {
            m.write(8, ip, 0, 16);
            m.setInt(24, ((Inet6Address) at.getAddress()).getScopeId());
        } else {
            m.write(4, ip, 0, 4);
        }
        return m;
    }

    /**
     * Waits up to 200 ms for datagrams and takes up to {@link #BATCH} of them.
     *
     * @return how many arrived (0 on the timeout); -1 once closed
     * @throws IOException when the socket failed
     */
    public int receive() throws IOException {
        if (closed) {
            return -1;
        }
        final int got = n.recvmmsg.invokeInt(new Object[] {fd, headers, BATCH, MSG_WAITFORONE, Pointer.NULL});
        if (got >= 0) {
            return closed ? -1 : got;
        }
        final int errno = Native.getLastError();
        if (closed) {
            return -1;
        }
        if (errno == EAGAIN || errno == EINTR) {
            return 0;
        }
        throw new IOException("recvmmsg failed (errno " + errno + ")");
    }

    /** Length of datagram {@code i} of the last batch. */
    public int length(final int i) {
        return headers.getInt((long) i * MMSGHDR + MSGHDR);
    }

    /** The batch's bytes: datagram {@code i} starts at {@code i * SLOT}. Valid until the next receive. */
    public ByteBuffer data() {
        return view;
    }

    /** The receive buffer the kernel granted (it reports twice the bytes usable). */
    public int receiveBuffer() {
        return receiveBuffer;
    }

    /** Wakes a waiting receive and releases the socket; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        n.shutdown.invokeInt(new Object[] {fd, SHUT_RDWR});
    }

    /** Releases the descriptor once the receiving thread has stopped using it. */
    public synchronized void release() {
        close();
        if (!released) {
            released = true;
            n.close.invokeInt(new Object[] {fd});
        }
    }
}
