package dev.callscope.cli;

import static dev.callscope.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callscope.testutil.Golden;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The project's own SIPp recordings in samples/: states, message sequences and golden ladders. */
class SipSamplesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "sip-call;COMPLETED;INVITE,100,180,200,ACK,BYE,200",
        "sip-busy;BUSY;INVITE,100,486,ACK",
        "sip-cancel;CANCELLED;INVITE,100,180,CANCEL,200,487,ACK",
        "sip-auth;COMPLETED;INVITE,401,ACK,INVITE,100,180,200,ACK,BYE,200",
        "sip-tcp;COMPLETED;INVITE,100,180,200,ACK,BYE,200",
    })
    void statesAndSequences(final String sample, final String state, final String sequence) throws Exception {
        final CliTest.Run r = run("calls", "--json", "samples/" + sample + ".pcap");
        assertThat(r.code()).as(r.err()).isZero();
        final JsonNode call = JSON.readTree(r.out()).get("calls").get(0);
        assertThat(call.get("state").asText()).isEqualTo(state);
        final List<String> seq = new ArrayList<>();
        call.get("messages").forEach(m -> seq.add(m.has("method") ? m.get("method").asText() : m.get("status_code").asText()));
        assertThat(String.join(",", seq)).isEqualTo(sequence);
        assertThat(call.get("retransmissions").asInt()).isZero();
        if (sample.equals("sip-auth")) {
            assertThat(call.get("auth_challenges").asInt()).isEqualTo(1);
        }
        if (state.equals("COMPLETED")) {
            assertThat(call.get("timings").get("post_dial_delay_ms").asDouble()).isPositive();
            assertThat(call.get("timings").get("setup_time_ms").asDouble()).isGreaterThan(call.get("timings").get("post_dial_delay_ms").asDouble());
            assertThat(call.get("timings").get("duration_s").asDouble()).isPositive();
        } else {
            assertThat(call.get("timings").get("duration_s").isNull()).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sip-call", "sip-busy", "sip-cancel", "sip-auth", "sip-tcp"})
    void goldenLadders(final String sample) {
        final CliTest.Run r = run("ladder", "samples/" + sample + ".pcap");
        assertThat(r.code()).isZero();
        Golden.assertMatches("ladder-" + sample + ".txt", r.out());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sip-call"})
    void goldenAsciiLadderByHost(final String sample) {
        Golden.assertMatches("ladder-" + sample + "-ascii-by-host.txt",
            run("ladder", "--ascii", "--by-host", "samples/" + sample + ".pcap").out());
    }
}
