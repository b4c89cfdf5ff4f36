package dev.callscope.verify.assertj;

import dev.callscope.flow.dubbo.DubboTracker;
import dev.callscope.flow.dubbo.MethodStats;
import dev.callscope.verify.Check;
import java.util.List;
import org.assertj.core.api.AbstractAssert;

/** Assertions on a capture's Dubbo traffic; {@link #method(String)} narrows to one service#method. */
public final class DubboAssert extends AbstractAssert<DubboAssert, DubboTracker> {
    DubboAssert(final DubboTracker tracker) {
        super(tracker, DubboAssert.class);
    }

    private DubboAssert require(final String what, final Check.Outcome o) {
        isNotNull();
        if (!o.passed()) {
            failWithMessage("Dubbo: %s: %s", what, o.message());
        }
        return this;
    }

    public DubboAssert hasNoUnansweredRequests() {
        return require("unanswered requests", Check.noUnanswered(actual, null));
    }

    public DubboAssert hasHeartbeats() {
        return require("heartbeats", Check.heartbeatsPresent(actual));
    }

    public DubboAssert hasNoMissedHeartbeats() {
        return require("missed heartbeats", Check.noMissedHeartbeats(actual));
    }

    /** No call (dubbo or Triple) answered after the consumer's own deadline. */
    public DubboAssert hasNoLateResponses() {
        return require("late responses", Check.noLate(actual, null));
    }

    /** No request or response over Dubbo's payload limit. */
    public DubboAssert hasNoPayloadOverLimit() {
        return require("payload over the limit", Check.noPayloadOverLimit(actual));
    }

    public DubboAssert hasNoReconnects() {
        return require("reconnects", Check.noReconnects(actual));
    }

    /** Calls to "service#method" (the service by full or simple name); fails when there are none. */
    public DubboMethodAssert method(final String serviceMethod) {
        isNotNull();
        if (Check.exchanges(actual, serviceMethod).isEmpty() && Check.tripleCalls(actual, serviceMethod).isEmpty()) {
            final List<String> seen = actual.methods().stream().map(MethodStats::serviceMethod).toList();
            failWithMessage("Expected calls to %s but the capture has none; methods called: %s", serviceMethod, seen);
        }
        return new DubboMethodAssert(actual, serviceMethod);
    }
}
