package dev.callscope.cli;

import static dev.callscope.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.testutil.SharedCaptures;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code callscope verify}: passing and failing specs, spec errors with positions, exit codes, JUnit XML. */
class VerifyCommandTest {
    private static final String SPECS = "src/test/resources/specs/";

    @TempDir
    Path tmp;

    @Test
    void aPassingSpecExitsZeroWithATickPerAssertion() {
        final CliTest.Run r = run("verify", "--spec", SPECS + "sip-call.yaml", "samples/sip-call.pcap");
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        assertThat(r.out()).contains("✔ sequence: INVITE, 100, 180, 200, ACK, BYE, 200")
            .contains("✔ state: COMPLETED")
            .contains("✔ loss %")
            .contains("✔ 13 of 13 assertion(s) passed")
            .doesNotContain("✘");
    }

    @Test
    void webrtcAssertionsOnTheChromiumSample() {
        final CliTest.Run r = run("verify", "--spec", SPECS + "webrtc.yaml", "--sdp", "samples/webrtc/offer.sdp,samples/webrtc/answer.sdp",
            "samples/webrtc/chromium-loopback.pcap");
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).contains("✔ nominated pair: session 1: nominated 127.0.0.1:47842 <-> 127.0.0.1:41518")
            .contains("✔ dtls completed").contains("✔ use srtp")
            // the sample's media flows one way (one peer sends, the other receives), so this must fail
            .contains("✘ srtp both ways: session 1: SRTP packets one way 0, the other 213")
            // DTLS 1.3 encrypts the certificates: nothing to compare the SDP fingerprint with
            .contains("✘ fingerprints match sdp").contains("3 of 5 assertion(s) passed");
        final CliTest.Run none = run("verify", "--spec", SPECS + "webrtc.yaml", "samples/sip-call.pcap");
        assertThat(none.out()).contains("no WebRTC session");
    }

    @Test
    void roomAssertions() {
        // samples/webrtc-room: alice, bob and carol in room "lab", each two of them connected, no outage
        final CliTest.Run r = run("verify", "--spec", SPECS + "webrtc-room.yaml", "samples/webrtc-room/webrtc-room-mesh.pcap");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(0);
        assertThat(r.out()).contains("✔ members of room lab: room lab: 3 members")
            .contains("✔ every two members connected of room lab: room lab: 3 members, 3 links connected")
            .contains("✔ no signalling outage over 2.0 s: longest outage 0.000 s");
        // samples/webrtc-reneg: the signalling server was down for about 7 s
        final CliTest.Run down = run("verify", "--spec", SPECS + "webrtc-reconnect.yaml",
            "samples/webrtc-reneg/webrtc-reneg-reconnect.pcap");
        assertThat(down.code()).isEqualTo(1);
        assertThat(down.out()).contains("✔ members: room lab: 2 members")
            .containsPattern("✘ no signalling outage over 5.0 s: alice without signalling 7\\.\\d{3} s; bob without signalling 7\\.\\d{3} s");
        final CliTest.Run bad = run("verify", "--spec", SPECS + "webrtc-room.yaml", "samples/sip-call.pcap");
        assertThat(bad.out()).contains("✘ members of room lab: no room 'lab' in the signalling");
    }

    @Test
    void tripleCallsAreCheckedAsDubboCalls() {
        // samples/triple/triple-unary.pcap: 6 greet calls, fail throws (tri-exception-code), slow misses its 500 ms deadline
        final CliTest.Run r = run("verify", "--spec", SPECS + "triple.yaml", "samples/triple/triple-unary.pcap");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(0);
        assertThat(r.out()).contains("✔ calls").contains("statuses {OK=6}").contains("statuses {EXCEPTION=1}")
            .contains("statuses {DEADLINE_EXCEEDED=1}").contains("0 unanswered request(s)");
        final CliTest.Run other = run("verify", "--spec", SPECS + "triple.yaml", "samples/triple/triple-errors.pcap");
        assertThat(other.code()).isEqualTo(1);
        assertThat(other.out()).contains("expected 6 call(s) to GreeterService#greet, got 3");
    }

    @Test
    void dubboFailuresAreAssertions() {
        // samples/dubbo-failures/README.md: the provider's payload setting is 65536; call 7's request body
        // of 80304 bytes was refused (BAD_REQUEST), call 9's response of 100090 bytes too (SERIALIZATION_ERROR)
        final CliTest.Run payload = run("verify", "--spec", SPECS + "dubbo-failures.yaml", "--dubbo-payload-limit", "65536",
            "samples/dubbo-failures/dubbo-payload-limit.pcap");
        assertThat(payload.code()).isEqualTo(1);
        assertThat(payload.out()).contains("✔ no late response: 0 late response(s)")
            .contains("✘ no payload over the limit: 2 call(s) over the payload limit: frame 28 "
                + "dev.callscope.samples.dubbofail.FailService#echo, request body 80304 B over the payload limit of 65536 B")
            .contains("✔ no reconnect: 0 reconnect(s)");
        final CliTest.Run frozen = run("verify", "--spec", SPECS + "dubbo-failures.yaml", "samples/dubbo-failures/dubbo-frozen-provider.pcap");
        assertThat(frozen.out()).contains("✘ no reconnect: 2 reconnect(s)").contains("✘ no late response: 2 late response(s)");
        final CliTest.Run clean = run("verify", "--spec", SPECS + "dubbo-failures.yaml", "samples/dubbo-failures/dubbo-pool-exhausted.pcap");
        assertThat(clean.out()).contains("✔ no payload over the limit").contains("✔ no reconnect");
    }

    @Test
    void jsonSpecsWork() {
        final CliTest.Run r = run("verify", "--spec", SPECS + "sip-call.json", "samples/sip-call.pcap");
        assertThat(r.code()).isEqualTo(0);
        assertThat(r.out()).startsWith("sip-call (json): 3 assertion(s), 0 failed");
    }

    @Test
    void aFailedSequenceShowsExpectedAndActualLaddersSideBySide() {
        final CliTest.Run r = run("verify", "--spec", SPECS + "sip-call.yaml", "samples/sip-busy.pcap");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out())
            .contains("✘ sequence: expected uac->uas INVITE, uas->uac 100?, uas->uac 18x*, uas->uac 200, uac->uas ACK, BYE, 200; "
                + "actual INVITE, 100, 486, ACK")
            .contains("✘ state: expected COMPLETED, was BUSY")
            .containsPattern("expected +│ Call 1  1-27607@127.0.0.11  INVITE")
            .containsPattern("18x \\(any number\\) +│ +│")
            .containsPattern("│ +486 Busy Here +│")
            .contains("✘ 3 of 13 assertion(s) passed");
    }

    @Test
    void dubboSpecsPassAndFail() {
        final CliTest.Run ok = run("verify", "--spec", SPECS + "dubbo.yaml", "samples/dubbo/dubbo-calls.pcap");
        assertThat(ok.code()).as(ok.out()).isEqualTo(0);
        assertThat(ok.out()).contains("✔ heartbeats present: 28 heartbeat(s)").contains("✔ p99 latency: p99 latency 27.936 ms within 50 ms");
        final CliTest.Run bad = run("verify", "--spec", SPECS + "dubbo-slow.yaml", "samples/dubbo/dubbo-calls.pcap");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.out()).contains("✘ p99 latency: p99 latency 1506.874 ms over 100 ms")
            .contains("✘ statuses: statuses {EXCEPTION=1}, allowed [OK]")
            .contains("✔ statuses: statuses {EXCEPTION=1}, allowed [OK, EXCEPTION]");
    }

    @Test
    void badSpecsExitTwoWithLineColumnAndProblem() {
        assertSpecError("bad-unknown-key.yaml", ":4:5: unknown key 'sequense' in a sip rule");
        assertSpecError("bad-sequence.yaml", ":3:15: sequence item 3 '18y' is not a SIP method or a response code");
        assertSpecError("bad-range.yaml", ":3:37: expected a number");
        assertSpecError("bad-yaml.yaml", "not valid YAML: while scanning a quoted scalar; found unexpected end of stream");
    }

    private void assertSpecError(final String spec, final String message) {
        final Path junit = tmp.resolve("report.xml");
        final CliTest.Run r = run("verify", "--spec", SPECS + spec, "--junit", junit.toString(), "samples/sip-call.pcap");
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith("callscope: bad spec: " + SPECS + spec).contains(message);
        assertThat(r.out()).isEmpty();
        assertThat(junit).doesNotExist();
    }

    @Test
    void badJsonSpecReportsItsPosition() throws Exception {
        final Path spec = tmp.resolve("bad.json");
        Files.writeString(spec, "{\n  \"sip\": [\n    {\"state\": }\n  ]\n}\n");
        final CliTest.Run r = run("verify", "--spec", spec.toString(), "samples/sip-call.pcap");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("bad.json:3:15: not valid JSON: Unexpected character ('}'");
    }

    @Test
    void badInputExitsThree() {
        final CliTest.Run r = run("verify", "--spec", SPECS + "sip-call.yaml", "no-such-file.pcap");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("no such file");
    }

    @Test
    void junitXmlHasASuitePerSpecACasePerAssertionAndMatchesTheSchema() throws Exception {
        final Path junit = tmp.resolve("report.xml");
        final CliTest.Run r = run("verify", "--spec", SPECS + "sip-call.yaml", "--spec", SPECS + "sip-call.json",
            "--junit", junit.toString(), "samples/sip-busy.pcap");
        assertThat(r.code()).isEqualTo(1);
        final String xml = Files.readString(junit);
        validate(xml);
        assertThat(xml).contains("<testsuite name=\"sip-call\" id=\"0\" tests=\"13\" failures=\"10\"")
            .contains("<testsuite name=\"sip-call (json)\" id=\"1\" tests=\"3\" failures=\"2\"")
            .contains("<testcase name=\"state\" classname=\"sip-call.answered call / call 1 1-27607@127.0.0.11\" time=\"0\">")
            .contains("<failure message=\"expected COMPLETED, was BUSY\" type=\"AssertionError\">")
            .contains("486 Busy Here");
        final CliTest.Run pass = run("verify", "--spec", SPECS + "dubbo.yaml", "--junit", junit.toString(),
            "samples/dubbo/dubbo-calls.pcap");
        assertThat(pass.code()).isEqualTo(0);
        validate(Files.readString(junit));
        assertThat(Files.readString(junit)).contains("tests=\"10\" failures=\"0\"").doesNotContain("<failure");
    }

    static void validate(final String xml) throws Exception {
        final Validator v = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
            .newSchema(Path.of("src/test/resources/xsd/junit.xsd").toFile()).newValidator();
        v.validate(new StreamSource(new StringReader(xml)));
    }

    @Test
    void jsonReportCarriesBothLadders() {
        final CliTest.Run r = run("verify", "--json", "--spec", SPECS + "sip-call.json", "samples/sip-cancel.pcap");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("\"passed\" : false").contains("\"expected_ladder\"").contains("\"actual_ladder\"")
            .contains("CANCEL");
    }

    @Test
    void sharedCapturesPassAndFail() throws Exception {
        final Path tcp = SharedCaptures.file("sip/heplify__sip_ipv4_tcp.pcap");
        final Path dtmf = SharedCaptures.file("sip/sipnab__SIP_DTMF2.cap");
        final Path spec = tmp.resolve("shared.yaml");
        Files.writeString(spec, """
            sip:
              - name: tcp call
                match: {method: INVITE}
                calls: 1
                sequence: INVITE, 100?, 18x*, 200, ACK, BYE, 200
                state: COMPLETED
                media: {both_ways: true, max_loss_percent: 5}
            """);
        final CliTest.Run ok = run("verify", "--spec", spec.toString(), tcp.toString());
        assertThat(ok.code()).as(ok.out()).isEqualTo(0);
        final CliTest.Run notOk = run("verify", "--spec", spec.toString(), dtmf.toString());
        assertThat(notOk.code()).isEqualTo(1);
        assertThat(notOk.out()).contains("✘ exactly 1 call(s): 2 call(s) matched")
            .contains("actual INVITE, 100, 603, ACK");

        final Path digits = tmp.resolve("dtmf.yaml");
        Files.writeString(digits, """
            sip:
              - name: keypad
                match: {call_id: "^25672@"}
                calls: 1
                sequence: INVITE, 100, INVITE, 100, 18x*, 200+, ACK+
                media: {both_ways: true, dtmf: "6789123", codec: PCMA}
            """);
        final CliTest.Run keys = run("verify", "--spec", digits.toString(), dtmf.toString());
        assertThat(keys.code()).as(keys.out()).isEqualTo(0);
        assertThat(keys.out()).contains("✔ DTMF: expected \"6789123\", got \"6789123\"");
    }
}
