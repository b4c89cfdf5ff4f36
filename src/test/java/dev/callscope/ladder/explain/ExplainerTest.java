package dev.callscope.ladder.explain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.cli.Main;
import dev.callscope.ladder.Ladder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExplainerTest {
    private static final long S = 1_000_000_000L;
    private static final List<Ladder.Lane> LANES = List.of(new Ladder.Lane("a", "10.0.0.1:5060"), new Ladder.Lane("b", "10.0.0.2:5060"));

    private static Ladder.Arrow sip(final long ts, final long frame, final boolean aToB, final String label, final String cseq,
                                    final String... flags) {
        final boolean request = !Character.isDigit(label.charAt(0));
        final List<String> f = new ArrayList<>();
        f.add(request ? "request" : label.startsWith("1") ? "provisional" : label.startsWith("2") ? "success" : "error");
        f.addAll(List.of(flags));
        final String text = (request ? label + " sip:b SIP/2.0" : "SIP/2.0 " + label) + "\r\nCall-ID: x\r\nCSeq: " + cseq + "\r\n\r\n";
        return new Ladder.Arrow(ts, frame, aToB ? 0 : 1, aToB ? 1 : 0, label, List.of(), f, text, facts(label, cseq));
    }

    /** What the ladder builder says of a SIP message with this label and CSeq (and these headers besides). */
    private static Ladder.Sip facts(final String label, final String cseq, final String... moreHeaders) {
        final boolean request = !Character.isDigit(label.charAt(0));
        final String[] c = cseq.split(" ");
        final java.util.Set<String> headers = new java.util.HashSet<>(List.of("call-id", "cseq"));
        for (final String h : moreHeaders) {
            headers.add(h.toLowerCase(java.util.Locale.ROOT));
        }
        return new Ladder.Sip(request ? label : null, request ? 0 : Integer.parseInt(label.split(" ")[0]), Long.parseLong(c[0]), c[1],
            false, headers);
    }

    private static List<String> unusual(final List<Explanation> ex, final int number) {
        return ex.get(number - 1).unusual();
    }

    @Test
    void retransmittedInviteAndTwoHundredWithoutAck() {
        final Ladder l = new Ladder("Call 1", LANES, List.of(
            sip(0, 1, true, "INVITE", "1 INVITE"),
            sip(S / 2, 2, true, "INVITE", "1 INVITE", "retransmission"),
            sip(S, 3, false, "180 Ringing", "1 INVITE"),
            sip(2 * S, 4, false, "200 OK", "1 INVITE"),
            sip(2 * S + S / 2, 5, false, "200 OK", "1 INVITE", "retransmission")), Ladder.Kind.SIP);
        final List<Explanation> ex = Explainer.explain(l);
        assertThat(ex).hasSize(5);
        assertThat(unusual(ex, 2)).singleElement().asString().startsWith("Retransmission of frame 1 after 0.500 s").contains("Timer A");
        assertThat(ex.get(2).why()).isEqualTo("It answers the INVITE of frame 1 (1.000 s later).");
        assertThat(unusual(ex, 4)).singleElement().asString().startsWith("Missing ACK");
        assertThat(unusual(ex, 5)).anySatisfy(u -> assertThat(u).startsWith("Retransmitted 200 OK: the callee had not received the ACK"));
        assertThat(ex.get(3).spec()).contains("RFC 3261 §13.3.1.4");
    }

    @Test
    void lateTwoHundredAfterCancelAndAfterTimerB() {
        final Ladder l = new Ladder("Call 1", LANES, List.of(
            sip(0, 1, true, "INVITE", "1 INVITE"),
            sip(S, 2, true, "CANCEL", "1 CANCEL"),
            sip(40 * S, 3, false, "200 OK", "1 INVITE"),
            sip(40 * S, 4, true, "ACK", "1 ACK")), Ladder.Kind.SIP);
        final List<Explanation> ex = Explainer.explain(l);
        assertThat(ex.get(1).what()).contains("Cancels an INVITE");
        assertThat(ex.get(1).why()).contains("INVITE of frame 1");
        assertThat(unusual(ex, 3)).anySatisfy(u -> assertThat(u).startsWith("Late 200: the answer crossed the CANCEL of frame 2"))
            .anySatisfy(u -> assertThat(u).startsWith("Late 200: 40.000 s after the INVITE, past Timer B"));
        assertThat(ex.get(3).what()).startsWith("Acknowledges the 2xx");
    }

    @Test
    void authChallengeAndCredentialsRetry() {
        final Ladder.Arrow invite2 = new Ladder.Arrow(2, 4, 0, 1, "INVITE", List.of(), List.of("request"),
            "INVITE sip:b SIP/2.0\r\nCSeq: 2 INVITE\r\nProxy-Authorization: Digest x\r\n\r\n",
            facts("INVITE", "2 INVITE", "Proxy-Authorization"));
        final Ladder l = new Ladder("Call 1", LANES, List.of(
            sip(0, 1, true, "INVITE", "1 INVITE"),
            sip(1, 2, false, "407 Proxy Authentication Required", "1 INVITE"),
            sip(1, 3, true, "ACK", "1 ACK"),
            invite2), Ladder.Kind.SIP);
        final List<Explanation> ex = Explainer.explain(l);
        assertThat(unusual(ex, 2)).singleElement().asString().startsWith("Auth challenge");
        assertThat(ex.get(1).spec()).contains("§21.4.8 (407)");
        assertThat(ex.get(2).spec()).contains("§17.1.1.3");
        assertThat(ex.get(3).what()).contains("Proxy-Authorization");
        assertThat(unusual(ex, 4)).singleElement().asString().startsWith("No final response to this INVITE");
    }

    @Test
    void missedHeartbeatAndUnansweredDubboRequest() {
        final List<Ladder.Lane> lanes = List.of(new Ladder.Lane("c", "c (consumer)"), new Ladder.Lane("p", "p (provider)"));
        final List<Ladder.Step> steps = new ArrayList<>();
        long id = 1;
        for (final long t : new long[] {1, 2, 3, 10}) {
            steps.add(new Ladder.Arrow(t * S, id * 2, 0, 1, "heartbeat", List.of("id=" + id + " hessian2 17 B"), List.of("heartbeat"), null,
                new Ladder.Rpc(id)));
            steps.add(new Ladder.Arrow(t * S + 1000, id * 2 + 1, 1, 0, "heartbeat ack", List.of("id=" + id + " hessian2 17 B"),
                List.of("heartbeat"), null, new Ladder.Rpc(id)));
            id++;
        }
        steps.add(new Ladder.Arrow(11 * S, 20, 0, 1, "Svc#m", List.of("id=99 hessian2 200 B"), List.of(), null, new Ladder.Rpc(99)));
        final Ladder l = new Ladder("Dubbo c -> p", lanes, steps, Ladder.Kind.DUBBO);
        final List<Explanation> ex = Explainer.explain(l);
        assertThat(unusual(ex, 7)).singleElement().asString().startsWith("Missed heartbeat: 7.000 s since the previous heartbeat");
        assertThat(unusual(ex, 1)).isEmpty();
        assertThat(ex.get(1).why()).startsWith("It answers the heartbeat of frame 2");
        assertThat(unusual(ex, 9)).singleElement().asString().startsWith("Unanswered: no response with request id 99");
        assertThat(ex.get(8).spec()).contains("magic 0xdabb");
    }

    @Test
    void ladderExplainOnTheCommandLine() {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = Main.run(new PrintWriter(out), new PrintWriter(err), "ladder", "--explain", "samples/sip-call.pcap");
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith("Call 1  1-27528@127.0.0.11")
            .contains(" 1. 00:29:33.185  frame 1  127.0.0.11:5060 -> 127.0.0.12:5060  INVITE (SDP)")
            .contains("RFC 3264 §5 (generating the offer)")
            .contains("RTP PCMA/8000").contains("RFC 3550 §5.1")
            .endsWith("Nothing unusual in this exchange.\n");
        final int json = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "ladder", "--explain", "--json", "samples/sip-call.pcap");
        assertThat(json).isEqualTo(2);
    }

    /**
     * Loss is read from the bar's media facts, not from its label: the label says "2 lost", which the
     * pattern "lost (\\d+)" of the label never matched, so no loss was ever explained. The count is
     * the one `rtp` reports for the stream.
     */
    @Test
    void packetLossIsExplainedFromTheStreamsCount() throws Exception {
        final java.nio.file.Path f = dev.callscope.testutil.SharedCaptures.file("sip/sipnab__SIP_DTMF2.cap");
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        assertThat(Main.run(new PrintWriter(out), new PrintWriter(err), "ladder", "--explain", f.toString())).as(err.toString()).isZero();
        final StringWriter rtp = new StringWriter();
        assertThat(Main.run(new PrintWriter(rtp), new PrintWriter(err), "rtp", "--json", f.toString())).isZero();
        final List<Long> lost = new ArrayList<>();
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(rtp.toString()).get("streams")
            .forEach(s -> lost.add(s.get("lost").asLong()));
        assertThat(lost).contains(2L);
        assertThat(out.toString()).contains("! Packet loss in this stream (lost 2): the sequence numbers have gaps")
            .endsWith("1 unusual thing in this exchange (marked !).\n");
    }

    @Test
    void webrtcLaddersAreExplainedWithIceAndDtlsTexts() {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = Main.run(new PrintWriter(out), new PrintWriter(err), "ladder", "--protocol", "webrtc", "--explain",
            "samples/webrtc/chromium-loopback.pcap");
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith("WebRTC session 1")
            .contains("STUN Binding x5 NOMINATED").contains("this pair was nominated").contains("RFC 7675 (consent freshness)")
            .contains("DTLS ClientHello: starts the handshake").contains("RFC 9147 §5, §4")
            .contains("SRTP media (encrypted RTP)").contains("RFC 3711")
            .doesNotContain("RFC 3261").doesNotContain("request failure");
    }

    private static String explained(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final List<String> a = new ArrayList<>(List.of("ladder", "--explain"));
        a.addAll(List.of(args));
        final int code = Main.run(new PrintWriter(out), new PrintWriter(err), a.toArray(String[]::new));
        assertThat(code).as(err.toString()).isZero();
        return out.toString();
    }

    /** The failures of samples/dubbo-failures, as their truth logs and README name them. */
    @Test
    void dubboFailuresAreNamedWhereTheyHappen() {
        // call 2 of the late-response capture: timeout 1000 ms, answered after 3,009 ms (frame 21)
        assertThat(explained("samples/dubbo-failures/dubbo-late-response.pcap"))
            .containsPattern("frame 21 .*\\R(?:.*\\R){3}    ! Late response: it came 3.009 s after the request, past the consumer's own "
                + "deadline \\(the consumer's timeout was 1000 ms\\)");
        final String pool = explained("samples/dubbo-failures/dubbo-pool-exhausted.pcap");
        assertThat(pool).contains("! Thread pool exhausted (status 100)");
        final String payload = explained("--dubbo-payload-limit", "65536", "samples/dubbo-failures/dubbo-payload-limit.pcap");
        assertThat(payload).contains("! Payload over the limit: request body 80304 B over the payload limit of 65536 B")
            .contains("! Bad request (status 40)")
            .contains("! Payload over the limit: response of 100090 B over the provider's payload limit of 65536 B (its error says)")
            .contains("! Serialization failure (status 25)");
    }

    @Test
    void tripleLaddersAreExplainedAsGrpcCalls() {
        final String t = explained("samples/triple/triple-unary.pcap");
        assertThat(t).startsWith("Triple connection").contains("A Triple (gRPC) call GreeterService#greet")
            .contains("! Late: the call outlived the consumer's grpc-timeout").contains("! The call failed: DEADLINE_EXCEEDED")
            .doesNotContain("RFC 3261");
        assertThat(explained("samples/triple/triple-streaming.pcap")).contains("! The stream was reset (RST_STREAM 8)");
    }
}
