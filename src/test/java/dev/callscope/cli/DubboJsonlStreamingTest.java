package dev.callscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callscope.bench.SyntheticDubbo;
import dev.callscope.testutil.SharedCaptures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dubbo --jsonl} writes each exchange while the capture is read: the same exchange records as
 * the document form {@code dubbo --json} (as a set), then the same service, connection and totals
 * records in the document's order.
 */
class DubboJsonlStreamingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SAMPLE = "samples/dubbo/dubbo-calls.pcap";

    private static String run(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        assertThat(code).as("exit code; stderr: %s", err).isZero();
        return out.toString();
    }

    /** The JSON Lines records, each as parsed. */
    private static List<JsonNode> lines(final String text) throws Exception {
        final List<JsonNode> l = new ArrayList<>();
        for (final String line : text.split("\n")) {
            l.add(JSON.readTree(line));
        }
        return l;
    }

    private static List<String> sorted(final Iterable<JsonNode> nodes) throws Exception {
        final List<String> l = new ArrayList<>();
        for (final JsonNode n : nodes) {
            l.add(JSON.writeValueAsString(n));
        }
        l.sort(null);
        return l;
    }

    /** Compares both forms; returns the JSON Lines records. */
    private static List<JsonNode> sameAsTheDocument(final String file) throws Exception {
        final JsonNode doc = JSON.readTree(run("dubbo", "--json", file));
        final List<JsonNode> recs = lines(run("dubbo", "--jsonl", file));
        final List<JsonNode> exchanges = new ArrayList<>();
        int i = 0;
        while (i < recs.size() && "exchange".equals(recs.get(i).get("record").asText())) {
            exchanges.add(recs.get(i++));
        }
        assertThat(sorted(exchanges)).isEqualTo(sorted(doc.get("exchanges")));
        final List<JsonNode> summary = new ArrayList<>();
        doc.get("services").forEach(summary::add);
        doc.get("connections").forEach(summary::add);
        summary.add(doc.get("totals"));
        assertThat(recs.subList(i, recs.size())).as("service, connection and totals records, after every exchange")
            .containsExactlyElementsOf(summary);
        return recs;
    }

    @Test
    void theSampleGivesTheDocumentsExchangesAndSummaries(@TempDir final Path dir) throws Exception {
        final List<JsonNode> recs = sameAsTheDocument(SAMPLE);
        assertThat(recs).hasSize(48 + 7 + 1 + 1);
        // the exchanges come as they end: answered ones in order of response, not of request
        final List<Long> responseFrames = new ArrayList<>();
        final List<Long> requestFrames = new ArrayList<>();
        recs.stream().filter(r -> r.has("response_frame") && !r.get("response_frame").isNull()).forEach(r -> {
            responseFrames.add(r.get("response_frame").asLong());
            requestFrames.add(r.get("frame").asLong());
        });
        assertThat(responseFrames).hasSize(47).isSorted();
        assertThat(requestFrames).isNotEqualTo(requestFrames.stream().sorted().toList()); // greetAsync answers overtake
        // -o FILE holds what standard output gets
        final Path f = dir.resolve("out.jsonl");
        assertThat(run("dubbo", "--jsonl", "-o", f.toString(), SAMPLE)).isEmpty();
        assertThat(Files.readString(f, StandardCharsets.UTF_8)).isEqualTo(run("dubbo", "--jsonl", SAMPLE));
    }

    @Test
    void callsGivenUpAfterTheirTimeoutAreWrittenWhileTheCaptureIsRead(@TempDir final Path dir) throws Exception {
        // 3000 calls 20 ms apart (60 s) on 3 connections; every 100th unanswered, every 97th 1.5 s late
        final Path f = dir.resolve("dubbo.pcap");
        final SyntheticDubbo.Summary s = new SyntheticDubbo(3000, 3, 20_000, 100, 97).write(f);
        final List<JsonNode> recs = sameAsTheDocument(f.toString());
        int timedOut = 0;
        int firstTimedOut = -1;
        int lastAnswered = -1;
        for (int i = 0; i < recs.size(); i++) {
            final JsonNode r = recs.get(i);
            if (!"exchange".equals(r.get("record").asText())) {
                continue;
            }
            final String state = r.get("state").asText();
            if ("unanswered_after_timeout".equals(state)) {
                timedOut++;
                firstTimedOut = firstTimedOut < 0 ? i : firstTimedOut;
            } else if ("answered".equals(state)) {
                lastAnswered = i;
            }
        }
        // the capture ends at 60 s: requests before 60 s - 1 s (timeout attachment) - 30 s (linger) are
        // given up while it is read (k = 99, 199, ..., 1399 at 2, 4, ..., 28 s); the rest at the close
        assertThat(timedOut).isEqualTo(14);
        assertThat(firstTimedOut).isLessThan(lastAnswered - 1000);
        final JsonNode totals = recs.get(recs.size() - 1);
        assertThat(totals.get("unanswered").asLong()).isEqualTo(s.unanswered());
        assertThat(totals.get("responses").asLong()).isEqualTo(s.answered());
    }

    @Test
    void sharedCapturesWithUnansweredCalls() throws Exception {
        for (final String c : new String[] {"dubbo/deepflow__dubbo-eys.pcap", "dubbo/deepflow__dubbo-sw8.pcap",
            "dubbo/deepflow__dubbo-kryo.pcap", "dubbo/deepflow__dubbo_hessian2.pcap"}) {
            sameAsTheDocument(SharedCaptures.file(c).toString());
        }
    }
}
