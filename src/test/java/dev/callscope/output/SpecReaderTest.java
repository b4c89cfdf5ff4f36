package dev.callscope.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.callscope.verify.VerifySpec;
import org.junit.jupiter.api.Test;

class SpecReaderTest {
    private static SpecException error(final String text) {
        return catchThrowableOfType(SpecException.class, () -> SpecReader.read("t.yaml", text));
    }

    @Test
    void readsAFullSpec() throws Exception {
        final VerifySpec s = SpecReader.read("dir/basic.yaml", """
            sip:
              - name: answered
                match: {from: alice, user_agent: "^SIPp"}
                calls: 2
                sequence: [INVITE, "100?", "18x*", 200, ACK]
                state: in call
                timing: {setup_time_ms: 2000, duration_s: {min: 1, max: 5}}
                media: {both_ways: true, dtmf: "123#", min_mos: 3.5}
            dubbo:
              methods:
                - {method: "Svc#m", calls: 3, statuses: [ok], latency_ms: {p99: 50, max: 80}}
              heartbeats: {present: true}
            """);
        assertThat(s.name()).isEqualTo("basic");
        final VerifySpec.SipRule r = s.sip().get(0);
        assertThat(r.count()).isEqualTo(2);
        assertThat(r.match().userAgent()).isEqualTo("^SIPp");
        assertThat(r.sequence()).hasToString("INVITE, 100?, 18x*, 200, ACK");
        assertThat(r.timing().setupTimeMs()).isEqualTo(new VerifySpec.Range(null, 2000.0));
        assertThat(r.timing().durationSeconds()).isEqualTo(new VerifySpec.Range(1.0, 5.0));
        assertThat(r.media().dtmf()).isEqualTo("123#");
        assertThat(s.dubbo().methods().get(0).statuses()).containsExactly("OK");
        assertThat(s.dubbo().methods().get(0).latencyMs()).containsEntry("p99", 50.0).containsEntry("max", 80.0);
        assertThat(s.dubbo().heartbeatsPresent()).isTrue();
        assertThat(s.dubbo().noMissedHeartbeats()).isFalse();
    }

    @Test
    void errorsCarryLineColumnAndWhatIsWrong() {
        SpecException e = error("sip:\n  - name: x\n    state: ringin\n");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.column()).isEqualTo(12);
        assertThat(e.problem()).startsWith("unknown call state 'ringin'");
        assertThat(e).hasMessageStartingWith("t.yaml:3:12: unknown call state");

        e = error("sip:\n  - match: {from: \"(alice\"}\n");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.column()).isEqualTo(19);
        assertThat(e.problem()).startsWith("bad regular expression '(alice'");

        e = error("sip:\n  - calls: many\n");
        assertThat(e.problem()).isEqualTo("calls must be 'every' or a whole number (exactly that many calls)");
        assertThat(e.line()).isEqualTo(2);

        e = error("dubbo:\n  methods:\n    - method: greet\n");
        assertThat(e.problem()).startsWith("method must be 'service#method'");
        assertThat(e.line()).isEqualTo(3);

        e = error("dubbo:\n  methods:\n    - method: A#b\n      latency_ms: {p50: 1, p101: 2}\n");
        assertThat(e.problem()).startsWith("unknown quantile 'p101'");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.column()).isEqualTo(28);

        e = error("sip:\n  - sequence: \"a->b INVITE\"\n");
        assertThat(e.problem()).isEqualTo("sequence names participant 'a' that 'participants' does not define");

        e = error("sip:\n  - timing: {setup_time_ms: {min: 5, max: 1}}\n");
        assertThat(e.problem()).isEqualTo("min 5.0 is greater than max 1.0");

        e = error("name: x\nname: y\nsip: []\n");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.problem()).isEqualTo("duplicate key 'name'");

        e = error("name: nothing\n");
        assertThat(e.problem()).startsWith("the spec asserts nothing");

        e = error("webrtc:\n  nominated: true\n");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.problem()).contains("nominated");

        e = error("{\"sip\": [{\"calls\": 1,}]}");
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.column()).isEqualTo(22);
        assertThat(e.problem()).startsWith("not valid JSON: Unexpected character ('}'");

        e = error("sip:\n - a: 1\n  b: 2\n");
        assertThat(e.problem()).startsWith("not valid YAML:");
        assertThat(e.problem()).doesNotContain("\n");
    }
}
