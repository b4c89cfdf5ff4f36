package dev.callscope.verify.assertj;

import dev.callscope.flow.dubbo.DubboTracker;
import dev.callscope.verify.Check;
import java.util.Arrays;
import org.assertj.core.api.AbstractAssert;

/** Assertions on the calls to one Dubbo service#method. */
public final class DubboMethodAssert extends AbstractAssert<DubboMethodAssert, DubboTracker> {
    private final String method;

    DubboMethodAssert(final DubboTracker tracker, final String method) {
        super(tracker, DubboMethodAssert.class);
        this.method = method;
    }

    private DubboMethodAssert require(final String what, final Check.Outcome o) {
        if (!o.passed()) {
            failWithMessage("Dubbo %s: %s: %s", method, what, o.message());
        }
        return this;
    }

    public DubboMethodAssert wasCalled(final int times) {
        return require("calls", Check.calls(actual, method, times));
    }

    /** Every response's status is one of these ("OK", "SERVER_TIMEOUT", ...). */
    public DubboMethodAssert hasStatuses(final String... statuses) {
        return require("statuses", Check.statuses(actual, method, Arrays.asList(statuses)));
    }

    /** No call of the method answered after the consumer's own deadline. */
    public DubboMethodAssert hasNoLateResponses() {
        return require("late responses", Check.noLate(actual, method));
    }

    public DubboMethodAssert hasNoUnansweredRequests() {
        return require("unanswered", Check.noUnanswered(actual, method));
    }

    /** Latency at a quantile ("p50", "p99", "max") at most {@code ms}. */
    public DubboMethodAssert hasLatencyBelow(final String quantile, final double ms) {
        if (Check.quantile(quantile) < 0) {
            throw new IllegalArgumentException("unknown quantile '" + quantile + "' (use p50, p90, p99 or max)");
        }
        return require("latency", Check.latency(actual, method, quantile, ms));
    }
}
