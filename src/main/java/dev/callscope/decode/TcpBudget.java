package dev.callscope.decode;

/** The total number of bytes all TCP reassemblers may hold together (Limits.tcpMaxBufferedTotal). */
public final class TcpBudget {
    private final long limit;
    private long used;

    public TcpBudget(final long limit) {
        this.limit = limit;
    }

    /** Takes {@code n} bytes from the budget; false (and nothing taken) when that would exceed it. */
    public boolean tryAcquire(final int n) {
        if (used + n > limit) {
            return false;
        }
        used += n;
        return true;
    }

    public void release(final int n) {
        used -= n;
        if (used < 0) {
            used = 0;
        }
    }

    public long used() {
        return used;
    }

    public long limit() {
        return limit;
    }
}
