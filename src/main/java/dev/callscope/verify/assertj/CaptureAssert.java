package dev.callscope.verify.assertj;

import dev.callscope.verify.Evidence;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ entry point for captures (see {@code dev.callscope.api.Capture.read}):
 *
 * <pre>{@code
 * CaptureAssert.assertThat(Capture.read(path))
 *     .sipCalls().singleElement()
 *     .hasFlow("INVITE", "100", "180", "200", "ACK", "BYE", "200")
 *     .hasRtpLossBelow(1.0);
 * CaptureAssert.assertThat(Capture.read(path)).dubbo()
 *     .method("GreetingService#sayHello").wasCalled(3).hasLatencyBelow("p99", 50);
 * CaptureAssert.assertThat(Capture.read(path)).webrtc()
 *     .hasNominatedPair().hasDtlsCompleted().hasUseSrtp();
 * }</pre>
 *
 * The checks and their wording are the ones {@code callscope verify} uses
 * ({@link dev.callscope.verify.Check}); {@link #webrtc()} checks ICE, DTLS and SRTP the way a spec's
 * {@code webrtc:} section does.
 */
public final class CaptureAssert extends AbstractAssert<CaptureAssert, Evidence> {
    private CaptureAssert(final Evidence actual) {
        super(actual, CaptureAssert.class);
    }

    public static CaptureAssert assertThat(final Evidence actual) {
        return new CaptureAssert(actual);
    }

    /** Every SIP call (dialog by Call-ID) of the capture. */
    public SipCallsAssert sipCalls() {
        isNotNull();
        return new SipCallsAssert(actual.calls(), actual);
    }

    /** INVITE dialogs only (no REGISTER, OPTIONS, ...). */
    public SipCallsAssert inviteCalls() {
        isNotNull();
        return new SipCallsAssert(actual.calls().stream().filter(c -> "INVITE".equals(c.method())).toList(), actual);
    }

    /** The capture's WebRTC sessions (ICE, DTLS, SRTP). */
    public WebrtcAssert webrtc() {
        isNotNull();
        return new WebrtcAssert(actual.webrtc(), actual.signalling());
    }

    /** The capture's Apache Dubbo traffic. */
    public DubboAssert dubbo() {
        isNotNull();
        return new DubboAssert(actual.dubbo());
    }
}
