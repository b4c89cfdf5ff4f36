package dev.callscope.verify.assertj;

import dev.callscope.flow.sip.SipCall;
import dev.callscope.verify.Check;
import dev.callscope.verify.Evidence;
import dev.callscope.verify.SequencePattern;
import dev.callscope.verify.VerifySpec;
import java.util.Arrays;
import java.util.Map;
import org.assertj.core.api.AbstractAssert;

/** Assertions on one SIP call: its flow, state, timings and media. */
public final class SipCallAssert extends AbstractAssert<SipCallAssert, SipCall> {
    private final Evidence evidence;

    SipCallAssert(final SipCall call, final Evidence evidence) {
        super(call, SipCallAssert.class);
        this.evidence = evidence;
    }

    private SipCallAssert require(final String what, final Check.Outcome o) {
        isNotNull();
        if (!o.passed()) {
            failWithMessage("Call %d (%s): %s: %s", actual.index(), actual.callId(), what, o.message());
        }
        return this;
    }

    /**
     * The call's messages without retransmissions, as a pattern: each item a method or a code
     * ({@code "18x"}, {@code "2xx"}), optionally with {@code ?}, {@code *} or {@code +}.
     */
    public SipCallAssert hasFlow(final String... items) {
        final SequencePattern p;
        try {
            p = SequencePattern.parse(Arrays.asList(items));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad flow " + Arrays.toString(items) + ": " + e.getMessage(), e);
        }
        if (!p.participants().isEmpty()) {
            throw new IllegalArgumentException("hasFlow takes no 'a->b' participants; use callscope verify specs for those");
        }
        return require("flow", Check.sequence(actual, p, Map.of()));
    }

    /** The end state: "COMPLETED", "BUSY", "CANCELLED", "IN CALL", ... */
    public SipCallAssert hasState(final String state) {
        return require("state", Check.state(actual, state));
    }

    public SipCallAssert hasSetupTimeBelow(final double ms) {
        return require("setup time", Check.timing("setup time", actual.setupTimeMs(), "ms", new VerifySpec.Range(null, ms)));
    }

    public SipCallAssert hasPostDialDelayBelow(final double ms) {
        return require("post-dial delay", Check.timing("post-dial delay", actual.postDialDelayMs(), "ms",
            new VerifySpec.Range(null, ms)));
    }

    public SipCallAssert hasDurationBetween(final double minSeconds, final double maxSeconds) {
        return require("duration", Check.timing("duration", actual.durationSeconds(), "s",
            new VerifySpec.Range(minSeconds, maxSeconds)));
    }

    public SipCallAssert hasNoRetransmissions() {
        return require("retransmissions", Check.retransmissions(actual, 0));
    }

    public SipCallAssert hasMediaBothWays() {
        return require("media", Check.bothWays(actual, evidence));
    }

    public SipCallAssert hasCodec(final String codec) {
        return require("codec", Check.codec(actual, evidence, codec));
    }

    /** Every RTP stream of the call lost at most {@code percent} %. */
    public SipCallAssert hasRtpLossBelow(final double percent) {
        return require("RTP loss", Check.lossBelow(actual, evidence, percent));
    }

    public SipCallAssert hasJitterBelow(final double ms) {
        return require("RTP jitter", Check.jitterBelow(actual, evidence, ms));
    }

    public SipCallAssert hasMosAbove(final double mos) {
        return require("MOS", Check.mosAbove(actual, evidence, mos));
    }

    public SipCallAssert hasDtmf(final String digits) {
        return require("DTMF", Check.dtmf(actual, evidence, digits));
    }
}
