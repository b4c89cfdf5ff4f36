package dev.callscope.verify.assertj;

import dev.callscope.flow.sip.SipCall;
import dev.callscope.verify.Evidence;
import dev.callscope.verify.VerifySpec;
import dev.callscope.verify.Verifier;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.assertj.core.api.AbstractAssert;

/** Assertions on a list of SIP calls; narrows to one call with {@link #singleElement()} or {@link #element(int)}. */
public final class SipCallsAssert extends AbstractAssert<SipCallsAssert, List<SipCall>> {
    private final Evidence evidence;

    SipCallsAssert(final List<SipCall> calls, final Evidence evidence) {
        super(calls, SipCallsAssert.class);
        this.evidence = evidence;
    }

    private static String describe(final List<SipCall> calls) {
        final List<String> l = new ArrayList<>();
        calls.forEach(c -> l.add("call " + c.index() + " " + c.callId() + " " + c.method() + " " + c.state().label()));
        return l.isEmpty() ? "no calls" : String.join("\n  ", l);
    }

    public SipCallsAssert hasSize(final int n) {
        if (actual.size() != n) {
            failWithMessage("Expected %d SIP call(s) but the capture has %d:%n  %s", n, actual.size(), describe(actual));
        }
        return this;
    }

    public SipCallsAssert isNotEmpty() {
        if (actual.isEmpty()) {
            failWithMessage("Expected SIP calls but the capture has none");
        }
        return this;
    }

    /** Calls whose From, To, Call-ID and User-Agent contain the given regexes (null: any). */
    public SipCallsAssert matching(final String fromRegex, final String toRegex, final String callIdRegex,
                                   final String userAgentRegex) {
        final VerifySpec.CallMatch m = new VerifySpec.CallMatch(fromRegex, toRegex, callIdRegex, userAgentRegex, null);
        return new SipCallsAssert(actual.stream().filter(c -> Verifier.selects(m, c)).toList(), evidence);
    }

    public SipCallAssert singleElement() {
        if (actual.size() != 1) {
            failWithMessage("Expected exactly one SIP call but the capture has %d:%n  %s", actual.size(), describe(actual));
        }
        return new SipCallAssert(actual.get(0), evidence);
    }

    /** The call at {@code index} (0-based in this list). */
    public SipCallAssert element(final int index) {
        if (index < 0 || index >= actual.size()) {
            failWithMessage("Expected a SIP call at index %d but there are %d", index, actual.size());
        }
        return new SipCallAssert(actual.get(index), evidence);
    }

    /** Runs {@code requirements} on every call; fails if there is none. */
    public SipCallsAssert allSatisfy(final Consumer<SipCallAssert> requirements) {
        isNotEmpty();
        actual.forEach(c -> requirements.accept(new SipCallAssert(c, evidence)));
        return this;
    }
}
