package dev.callscope.flow.dubbo;

/**
 * Calls to one service#method of either protocol (dubbo or Triple): counts, and latency percentiles
 * from {@link LatencySamples}. The tracker counts into it as exchanges are requested, answered or
 * given up.
 */
public final class MethodStats {
    private final String serviceMethod;
    long count;
    long errors;
    long unanswered;
    long late;
    private final LatencySamples latencies = new LatencySamples();

    MethodStats(final String serviceMethod) {
        this.serviceMethod = serviceMethod;
    }

    public String serviceMethod() {
        return serviceMethod;
    }

    public long count() {
        return count;
    }

    public long errors() {
        return errors;
    }

    public long unanswered() {
        return unanswered;
    }

    /** Responses after the consumer's deadline (see {@link DubboExchange#late()}). */
    public long late() {
        return late;
    }

    /**
     * Latency at quantile {@code q} (0..1, nearest rank), or -1 without answered calls; within
     * 0.4 % once {@link #latencyApproximate()} (the maximum is always exact).
     */
    public long latencyNanos(final double q) {
        return latencies.quantile(q);
    }

    public long maxLatencyNanos() {
        return latencyNanos(1.0);
    }

    /** Answered calls, the latencies the percentiles are taken over. */
    public long latencySamples() {
        return latencies.count();
    }

    /**
     * More than {@value LatencySamples#EXACT_CAP} answered calls: the percentiles come from a
     * histogram, within {@link DubboTracker#LATENCY_RELATIVE_ERROR} of the exact ones.
     */
    public boolean latencyApproximate() {
        return latencies.approximate();
    }

    /** @return true when this latency made the percentiles approximate */
    boolean add(final long latency) {
        return latencies.add(latency);
    }
}
