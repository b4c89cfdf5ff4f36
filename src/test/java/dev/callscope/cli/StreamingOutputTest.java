package dev.callscope.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callscope.bench.SyntheticCalls;
import dev.callscope.testutil.SharedCaptures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Production-scale behaviour of the commands: every call of a generated capture gets exactly its own
 * two streams, JSON Lines carry the same records as the JSON document, and records are written
 * while the input is still being read.
 */
class StreamingOutputTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** 3,000 calls, a new one every 20 ms (about 20 at once), 100 ms of RTP each way. */
    private static final SyntheticCalls.Config CALLS = new SyntheticCalls.Config(3000, 20, 100, 11);

    private static String run(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        assertThat(code).as("exit code of %s; stderr: %s", List.of(args), err).isZero();
        return out.toString();
    }

    private static List<JsonNode> lines(final String jsonl) throws IOException {
        final List<JsonNode> l = new ArrayList<>();
        for (final String line : jsonl.split("\n")) {
            if (!line.isBlank()) {
                l.add(JSON.readTree(line));
            }
        }
        return l;
    }

    /** SSRCs of a call record's streams, as "0x..." strings. */
    private static Set<String> ssrcs(final JsonNode call) {
        final Set<String> s = new TreeSet<>();
        call.get("streams").forEach(x -> s.add(x.get("ssrc").asText()));
        return s;
    }

    private static String hex(final long ssrc) {
        return String.format("0x%08X", ssrc);
    }

    @Test
    void everyGeneratedCallGetsExactlyItsOwnTwoStreams(@TempDir final Path dir) throws IOException {
        final Path f = dir.resolve("calls.pcap");
        SyntheticCalls.write(f, CALLS);
        final Map<String, Set<String>> expected = new HashMap<>();
        for (int i = 0; i < CALLS.calls(); i++) {
            final SyntheticCalls.Call c = SyntheticCalls.call(CALLS, i);
            expected.put(c.callId(), new TreeSet<>(Set.of(hex(c.callerSsrc()), hex(c.calleeSsrc()))));
        }
        for (final String format : new String[] {"--json", "--jsonl"}) {
            final String out = run("calls", format, f.toString());
            final List<JsonNode> calls = new ArrayList<>();
            if (format.equals("--json")) {
                JSON.readTree(out).get("calls").forEach(calls::add);
            } else {
                calls.addAll(lines(out));
            }
            assertThat(calls).as(format).hasSize(CALLS.calls());
            final Set<String> seen = new HashSet<>();
            for (final JsonNode c : calls) {
                final String id = c.get("call_id").asText();
                assertThat(seen.add(id)).as("%s written once", id).isTrue();
                assertThat(ssrcs(c)).as("%s %s", format, id).isEqualTo(expected.get(id));
                assertThat(c.get("media_verdict").asText()).isEqualTo("ok");
                assertThat(c.get("state").asText()).isEqualTo("COMPLETED");
                assertThat(c.get("last_final_response").asInt()).isEqualTo(200);
                assertThat(c.get("linked_calls")).isEmpty();
            }
        }
    }

    @Test
    void callsAreWrittenBeforeTheInputEnds(@TempDir final Path dir) throws Exception {
        assumeThat(Path.of("/usr/bin/mkfifo")).exists();
        final Path fifo = dir.resolve("in.pcap");
        assertThat(new ProcessBuilder("/usr/bin/mkfifo", fifo.toString()).start().waitFor()).isZero();
        final ByteArrayOutputStream whole = new ByteArrayOutputStream();
        SyntheticCalls.write(whole, CALLS);
        final byte[] bytes = whole.toByteArray();
        final LineCounter out = new LineCounter();
        final StringWriter err = new StringWriter();
        final int[] code = {-1};
        final Thread reader = new Thread(() -> code[0] = Main.run(new PrintWriter(out), new PrintWriter(err),
            "calls", "--jsonl", "--call-linger", "1", fifo.toString()));
        reader.start();
        try (OutputStream in = Files.newOutputStream(fifo)) {
            // two thirds of the capture; the pipe stays open until a call was written
            in.write(bytes, 0, bytes.length * 2 / 3);
            in.flush();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (out.lines() == 0 && System.nanoTime() < deadline && reader.isAlive()) {
                Thread.sleep(20);
            }
            assertThat(reader.isAlive()).as("still reading the open pipe").isTrue();
            assertThat(out.lines()).as("calls written while the input was open").isPositive();
            assertThat(out.lines()).as("but not all of them").isLessThan(CALLS.calls());
            in.write(bytes, bytes.length * 2 / 3, bytes.length - bytes.length * 2 / 3);
        }
        reader.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(code[0]).as(err.toString()).isZero();
        assertThat(out.lines()).isEqualTo(CALLS.calls());
    }

    /** Counts complete lines written to it (from another thread). */
    private static final class LineCounter extends Writer {
        private int lines;

        @Override
        public synchronized void write(final char[] cbuf, final int off, final int len) {
            for (int i = off; i < off + len; i++) {
                if (cbuf[i] == '\n') {
                    lines++;
                }
            }
        }

        synchronized int lines() {
            return lines;
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    static Stream<Path> sipCaptures() throws IOException {
        final Path dir = SharedCaptures.dir();
        if (dir == null) {
            return Stream.empty();
        }
        final List<Path> l = new ArrayList<>();
        for (final String sub : new String[] {"sip", "mixed"}) {
            try (Stream<Path> s = Files.list(dir.resolve(sub))) {
                s.filter(p -> p.toString().matches(".*\\.(pcap|pcapng|cap)$")).sorted().forEach(l::add);
            }
        }
        l.add(Path.of("samples/sip-call.pcap"));
        l.add(Path.of("samples/sip-tcp.pcap"));
        return l.stream();
    }

    /**
     * On the real captures (short: every call is still open at the end), JSON Lines give each call
     * exactly as the JSON document does, in the same order.
     */
    @ParameterizedTest
    @MethodSource("sipCaptures")
    void callsJsonLinesEqualTheDocument(final Path capture) throws IOException {
        final List<JsonNode> doc = new ArrayList<>();
        JSON.readTree(run("calls", "--json", capture.toString())).get("calls").forEach(doc::add);
        final List<JsonNode> lines = lines(run("calls", "--jsonl", "--call-linger", "100000", "--call-timeout", "100000",
            capture.toString()));
        assertThat(lines).isEqualTo(doc);
    }

    /**
     * With the default linger, calls come out in the order they end, with the document's content; a
     * Call-ID that comes back after its call was written (a registration refreshed minutes later)
     * is written again under the same index as part 2, 3...: the parts' messages, in order, are the
     * document's.
     */
    @ParameterizedTest
    @MethodSource("sipCaptures")
    void callsJsonLinesHoldTheSameCallsWhenTheyEnd(final Path capture) throws IOException {
        final Map<String, JsonNode> doc = new HashMap<>();
        JSON.readTree(run("calls", "--json", capture.toString())).get("calls").forEach(c -> doc.put(key(c), c));
        final Map<String, List<JsonNode>> parts = new HashMap<>();
        for (final JsonNode c : lines(run("calls", "--jsonl", capture.toString()))) {
            final List<JsonNode> l = parts.computeIfAbsent(key(c), k -> new ArrayList<>());
            assertThat(c.path("part").asInt(1)).as("part of %s", key(c)).isEqualTo(l.size() + 1);
            l.add(c);
        }
        assertThat(parts.keySet()).isEqualTo(doc.keySet());
        for (final Map.Entry<String, List<JsonNode>> e : parts.entrySet()) {
            if (e.getValue().size() == 1) {
                assertThat(e.getValue().get(0)).as(e.getKey()).isEqualTo(doc.get(e.getKey()));
                continue;
            }
            final List<JsonNode> messages = new ArrayList<>();
            e.getValue().forEach(c -> c.get("messages").forEach(messages::add));
            final List<JsonNode> expected = new ArrayList<>();
            doc.get(e.getKey()).get("messages").forEach(expected::add);
            assertThat(messages).as(e.getKey()).isEqualTo(expected);
        }
    }

    private static String key(final JsonNode call) {
        return call.get("call_id").asText() + "#" + call.get("index").asInt();
    }

    /** SIP messages: JSON Lines give the document's messages, in capture order. */
    @ParameterizedTest
    @MethodSource("sipCaptures")
    void sipJsonLinesEqualTheDocument(final Path capture) throws IOException {
        final List<JsonNode> doc = new ArrayList<>();
        JSON.readTree(run("sip", "--json", capture.toString())).get("messages").forEach(doc::add);
        assertThat(lines(run("sip", "--jsonl", capture.toString()))).isEqualTo(doc);
    }

    /** RTP streams: JSON Lines give the document's streams (in the order they end) and SIP INFO digits. */
    @ParameterizedTest
    @MethodSource("sipCaptures")
    void rtpJsonLinesHoldTheDocumentsStreams(final Path capture) throws IOException {
        final JsonNode doc = JSON.readTree(run("rtp", "--json", capture.toString()));
        final Set<JsonNode> expected = new HashSet<>();
        doc.get("streams").forEach(expected::add);
        doc.get("sip_info_dtmf").forEach(expected::add);
        final List<JsonNode> lines = lines(run("rtp", "--jsonl", capture.toString()));
        assertThat(new HashSet<>(lines)).isEqualTo(expected);
        assertThat(lines).hasSize(expected.size());
    }

    /** Conversations: JSON Lines give the document's conversations, in the order they end. */
    @ParameterizedTest
    @MethodSource("sipCaptures")
    void flowsJsonLinesHoldTheDocumentsConversations(final Path capture) throws IOException {
        final Set<JsonNode> expected = new HashSet<>();
        JSON.readTree(run("flows", "--json", capture.toString())).get("flows").forEach(expected::add);
        final List<JsonNode> lines = lines(run("flows", "--jsonl", capture.toString()));
        assertThat(new HashSet<>(lines)).isEqualTo(expected);
        assertThat(lines).hasSize(expected.size());
    }
}
