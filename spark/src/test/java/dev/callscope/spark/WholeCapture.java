package dev.callscope.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callscope.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The CLI on the uncut capture, and the job's tables held against it. */
final class WholeCapture {
    private static final ObjectMapper JSON = new ObjectMapper();

    private WholeCapture() {
    }

    /** Runs the CLI in this JVM; its JSON output. */
    static JsonNode cli(final String... args) throws IOException {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        assertThat(code).as(err.toString()).isZero();
        return JSON.readTree(out.toString());
    }

    /** An RTP stream's SSRC and addresses. */
    static String key(final JsonNode stream) {
        return stream.get("ssrc").asText() + " " + stream.get("src").asText() + " " + stream.get("dst").asText();
    }

    /**
     * The job's calls and rtp_streams rows are the CLI's calls and streams on the whole capture: one
     * row each, the same states, counts, timings and media, packets, loss and jitter; more than
     * {@code cuts} calls and twice as many streams were joined from several files.
     */
    static void sameCallsAndStreams(final Path whole, final List<JsonNode> sparkCalls, final List<JsonNode> sparkStreams,
                                    final int expectedCalls, final int cuts) throws IOException {
        final JsonNode calls = cli("calls", "--json", whole.toString()).get("calls");
        assertThat(calls.size()).isEqualTo(expectedCalls);
        final Map<String, JsonNode> byId = new HashMap<>();
        sparkCalls.forEach(c -> assertThat(byId.put(c.get("call_id").asText(), c)).as("one row per call").isNull());
        int joined = 0;
        for (final JsonNode c : calls) {
            final String id = c.get("call_id").asText();
            final JsonNode s = byId.get(id);
            assertThat(s).as(id).isNotNull();
            assertThat(s.get("state").asText()).as(id).isEqualTo(c.get("state").asText());
            assertThat(s.get("message_count").asInt()).as(id).isEqualTo(c.get("message_count").asInt());
            assertThat(s.get("transactions").asInt()).as(id).isEqualTo(c.get("transactions").asInt());
            assertThat(s.get("last_final_response").asInt()).as(id).isEqualTo(c.get("last_final_response").asInt());
            assertThat(s.get("ts").asText()).as(id).isEqualTo(c.get("ts").asText());
            assertThat(s.at("/timings/duration_s").asDouble()).as(id).isCloseTo(c.at("/timings/duration_s").asDouble(), within(1e-6));
            assertThat(s.at("/timings/setup_time_ms").asDouble()).as(id)
                .isCloseTo(c.at("/timings/setup_time_ms").asDouble(), within(1e-6));
            assertThat(s.get("media").toString()).as(id).isEqualTo(c.get("media").toString());
            assertThat(s.get("messages").size()).as(id).isEqualTo(c.get("messages").size());
            if (s.has("files") && s.get("files").size() > 1) {
                joined++;
            }
        }
        assertThat(sparkCalls).hasSize(calls.size());
        assertThat(joined).as("calls that crossed a cut").isGreaterThan(cuts);

        final JsonNode streams = cli("rtp", "--json", whole.toString()).get("streams");
        assertThat(streams.size()).isEqualTo(2 * expectedCalls);
        final Map<String, JsonNode> byKey = new HashMap<>();
        sparkStreams.forEach(st -> assertThat(byKey.put(key(st), st)).as("one row per stream").isNull());
        int crossed = 0;
        long lost = 0;
        for (final JsonNode c : streams) {
            final String k = key(c);
            final JsonNode s = byKey.get(k);
            assertThat(s).as(k).isNotNull();
            for (final String f : List.of("packets", "expected", "lost", "sequence_errors", "bytes")) {
                assertThat(s.get(f).asLong()).as(k + " " + f).isEqualTo(c.get(f).asLong());
            }
            for (final String f : List.of("mean_jitter_ms", "max_jitter_ms", "max_delta_ms")) {
                assertThat(s.get(f).asDouble()).as(k + " " + f).isCloseTo(c.get(f).asDouble(), within(0.01));
            }
            assertThat(s.get("start").asText()).as(k).isEqualTo(c.get("start").asText());
            assertThat(s.get("end").asText()).as(k).isEqualTo(c.get("end").asText());
            lost += c.get("lost").asLong();
            if (s.has("files") && s.get("files").size() > 1) {
                crossed++;
            }
        }
        assertThat(sparkStreams).hasSize(streams.size());
        assertThat(crossed).as("streams that crossed a cut").isGreaterThan(2 * cuts);
        assertThat(lost).as("the test capture has loss to join").isGreaterThan(100);
    }
}
