package dev.callscope.verify.assertj;

import dev.callscope.flow.webrtc.Signalling;
import dev.callscope.flow.webrtc.WebrtcSession;
import dev.callscope.verify.Check;
import dev.callscope.verify.VerifySpec;
import dev.callscope.verify.WebrtcChecks;
import java.util.List;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a capture's WebRTC sessions (ICE, DTLS, SRTP), with the wording of {@code callscope
 * verify}'s {@code webrtc:} section. Each passes when at least one session satisfies it.
 */
public final class WebrtcAssert extends AbstractAssert<WebrtcAssert, List<WebrtcSession>> {
    private final WebrtcChecks checks;

    WebrtcAssert(final List<WebrtcSession> sessions, final Signalling signalling) {
        super(sessions, WebrtcAssert.class);
        this.checks = new WebrtcChecks(sessions == null ? List.of() : sessions, signalling);
    }

    private WebrtcAssert require(final String check) {
        return require(new VerifySpec.WebrtcRule(check.replace('_', ' '), check));
    }

    private WebrtcAssert require(final VerifySpec.WebrtcRule rule) {
        isNotNull();
        final Check.Outcome o = checks.check(rule);
        final String check = rule.check();
        if (!o.passed()) {
            failWithMessage("WebRTC: %s: %s", check.replace('_', ' '), o.message());
        }
        return this;
    }

    /** An ICE candidate pair was nominated (a successful check with USE-CANDIDATE). */
    public WebrtcAssert hasNominatedPair() {
        return require("nominated_pair");
    }

    /** The DTLS handshake got as far as encrypted data. */
    public WebrtcAssert hasDtlsCompleted() {
        return require("dtls_completed");
    }

    /** A use_srtp protection profile was negotiated (or, under DTLS 1.3, offered before the handshake went dark). */
    public WebrtcAssert hasUseSrtp() {
        return require("use_srtp");
    }

    /** SRTP flowed in both directions of one session. */
    public WebrtcAssert hasSrtpBothWays() {
        return require("srtp_both_ways");
    }

    /** Room {@code room} (from the signalling's join messages) had exactly these members. */
    public WebrtcAssert roomHasMembers(final String room, final String... members) {
        return require(new VerifySpec.WebrtcRule("members of room " + room, "room_members", room, List.of(members), 0));
    }

    /** Every two members of room {@code room} had a session that connected (the mesh is whole). */
    public WebrtcAssert roomIsFullyConnected(final String room) {
        return require(new VerifySpec.WebrtcRule("every two members connected", "room_all_connected", room, List.of(), 0));
    }

    /** No signalling client was without its WebSocket connection for more than {@code seconds}. */
    public WebrtcAssert hasNoSignallingOutageOver(final double seconds) {
        return require(new VerifySpec.WebrtcRule("no signalling outage over " + seconds + " s", "max_reconnect_s", null, List.of(),
            seconds));
    }

    /** The SDP's a=fingerprint values equal the certificates' SHA-256 fingerprints. */
    public WebrtcAssert hasFingerprintsMatchingSdp() {
        return require("fingerprints_match_sdp");
    }
}
