package dev.callscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules scripts rely on (docs/json.md), checked on every command over every bundled sample, in
 * text, {@code --json} and {@code --jsonl}: no Java collection text or doubled words in human
 * output, one word for a retransmission, numbers from 1 without gaps for calls, streams, flows,
 * Dubbo connections and WebRTC sessions, {@code flow_id} as one string form that joins with
 * {@code flows}, no JSON integer past 2^53 (64-bit ids are strings).
 */
class ScriptConsistencyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> COMMANDS = List.of("read", "flows", "calls", "sip", "rtp", "dubbo", "webrtc", "ladder");
    /** The flows command's key: "udp 10.0.0.1:5060 <-> 10.0.0.2:5060", lower address:port first. */
    private static final Pattern FLOW_ID = Pattern.compile("(udp|tcp|sctp) (\\S+) <-> (\\S+)");
    /** A Java Map's toString ("{401=2}") or a List of numbers' ("[97, 119]"). */
    private static final Pattern JAVA_MAP = Pattern.compile("\\{[^{}\\n\"]*=[^{}\\n\"]*\\}");
    private static final Pattern JAVA_LIST = Pattern.compile("\\[\\d+(, \\d+)*\\]");
    private static final Pattern DOUBLED = Pattern.compile("(?i)\\b([a-z]{2,}) \\1\\b");
    private static final Pattern OTHER_RETRANSMISSION_WORDS = Pattern.compile("(?i)\\b(resent|retrans|retx|re-sent)\\b");
    private static final long MAX_EXACT = 1L << 53;

    /** Every bundled capture, with what each command printed in each format. */
    private static final Map<String, Map<String, String>> OUT = new HashMap<>();
    private static List<String> samples;

    @BeforeAll
    static void runEverything() throws IOException {
        try (Stream<Path> s = Files.walk(Path.of("samples"))) {
            samples = s.map(Path::toString).filter(p -> p.endsWith(".pcap") || p.endsWith(".pcapng")).sorted().toList();
        }
        assertThat(samples).hasSizeGreaterThanOrEqualTo(10);
        for (final String sample : samples) {
            final Map<String, String> out = new HashMap<>();
            for (final String c : COMMANDS) {
                for (final String format : List.of("text", "--json", "--jsonl")) {
                    final CliTest.Run r = "text".equals(format) ? CliTest.run(c, sample) : CliTest.run(c, format, sample);
                    assertThat(r.code()).as(c + " " + format + " " + sample + ": " + r.err()).isZero();
                    out.put(c + " " + format, r.out());
                }
            }
            out.put("sip --stats", CliTest.run("sip", "--stats", sample).out());
            OUT.put(sample, out);
        }
    }

    private static JsonNode parse(final String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<JsonNode> lines(final String text) {
        final List<JsonNode> l = new ArrayList<>();
        text.lines().filter(x -> !x.isBlank()).forEach(x -> l.add(parse(x)));
        return l;
    }

    private static JsonNode json(final String sample, final String command) {
        return parse(OUT.get(sample).get(command + " --json"));
    }

    /** Every (path, node) in a tree, depth first. */
    private static void walk(final String path, final JsonNode n, final java.util.function.BiConsumer<String, JsonNode> visit) {
        visit.accept(path, n);
        if (n.isObject()) {
            for (final Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                final Map.Entry<String, JsonNode> e = it.next();
                walk(path + "." + e.getKey(), e.getValue(), visit);
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                walk(path + "[" + i + "]", n.get(i), visit);
            }
        }
    }

    private static List<JsonNode> documents(final String sample, final String command) {
        final List<JsonNode> docs = new ArrayList<>();
        docs.add(json(sample, command));
        docs.addAll(lines(OUT.get(sample).get(command + " --jsonl")));
        return docs;
    }

    @Test
    void humanOutputHasNoJavaCollectionTextNoDoubledWordsAndOneWordForARetransmission() {
        final List<String> problems = new ArrayList<>();
        OUT.forEach((sample, out) -> out.forEach((command, text) -> {
            if (command.contains("--json")) {
                return;
            }
            for (final Pattern p : List.of(JAVA_MAP, JAVA_LIST, DOUBLED, OTHER_RETRANSMISSION_WORDS)) {
                final Matcher m = p.matcher(text);
                while (m.find()) {
                    problems.add(command + " " + sample + ": '" + m.group() + "' in: "
                        + text.substring(text.lastIndexOf('\n', m.start()) + 1, Math.max(m.end(), text.indexOf('\n', m.end()))));
                }
            }
        }));
        assertThat(problems).isEmpty();
        // the rule is not vacuous: the samples have retransmissions, and they read "retransmission"
        assertThat(OUT.get("samples/sip-busy.pcap").get("sip text") + OUT.get("samples/sip-auth.pcap").get("sip text")
            + OUT.values().stream().map(o -> o.get("ladder text")).reduce("", String::concat)).contains("retransmission");
    }

    @Test
    void noJsonIntegerIsPastTwoToTheFiftyThirdAndSixtyFourBitIdsAreStrings() {
        final List<String> problems = new ArrayList<>();
        for (final String sample : samples) {
            for (final String c : COMMANDS) {
                for (final JsonNode d : documents(sample, c)) {
                    walk(c + " " + sample, d, (path, n) -> {
                        if (n.isIntegralNumber() && (n.bigIntegerValue().abs().compareTo(java.math.BigInteger.valueOf(MAX_EXACT)) > 0)) {
                            problems.add(path + " = " + n);
                        }
                        if (path.endsWith(".request_id") && !n.isTextual()) {
                            problems.add(path + " is not a string: " + n);
                        }
                        if (path.endsWith(".ssrc") && !n.isTextual()) {
                            problems.add(path + " is not a string: " + n);
                        }
                    });
                }
            }
        }
        assertThat(problems).isEmpty();
        // Dubbo request ids of the sample are past 2^53: the string keeps every digit
        final JsonNode x = json("samples/dubbo/dubbo-calls.pcap", "dubbo").get("exchanges");
        assertThat(x).isNotEmpty();
        final Set<String> ids = new TreeSet<>();
        x.forEach(e -> ids.add(e.get("request_id").asText()));
        assertThat(ids).hasSize(x.size()).allSatisfy(id -> assertThat(Long.parseLong(id)).isNotNegative());
        assertThat(ids.stream().mapToLong(Long::parseLong).max().orElseThrow()).isGreaterThan(MAX_EXACT);
    }

    /** The numbers of one list, from its --json document: 1..N without gaps, in the order listed. */
    private static void numberedFromOne(final String what, final JsonNode items, final String field, final List<String> problems) {
        final List<Long> got = new ArrayList<>();
        items.forEach(i -> got.add(i.get(field).asLong()));
        final List<Long> want = new ArrayList<>();
        for (long i = 1; i <= got.size(); i++) {
            want.add(i);
        }
        if (!new ArrayList<>(new TreeSet<>(got)).equals(want)) {
            problems.add(what + ": " + got);
        }
    }

    @Test
    void callsStreamsFlowsConnectionsAndSessionsAreNumberedFromOneWithoutGaps() {
        final List<String> problems = new ArrayList<>();
        int lists = 0;
        for (final String s : samples) {
            numberedFromOne("calls " + s, json(s, "calls").get("calls"), "index", problems);
            numberedFromOne("rtp " + s, json(s, "rtp").get("streams"), "index", problems);
            numberedFromOne("flows " + s, json(s, "flows").get("flows"), "index", problems);
            numberedFromOne("dubbo connections " + s, json(s, "dubbo").get("connections"), "index", problems);
            numberedFromOne("webrtc " + s, json(s, "webrtc").get("sessions"), "index", problems);
            lists += json(s, "calls").get("calls").size() + json(s, "rtp").get("streams").size()
                + json(s, "dubbo").get("connections").size() + json(s, "webrtc").get("sessions").size();
            // every index in any record, JSON Lines included, counts from 1
            for (final String c : COMMANDS) {
                for (final JsonNode d : documents(s, c)) {
                    walk(c + " " + s, d, (path, n) -> {
                        if ((path.endsWith(".index") || path.endsWith("_index")) && n.isNumber() && n.asLong() < 1) {
                            problems.add(path + " = " + n);
                        }
                    });
                }
            }
            // the text tables number rows as the JSON does
            problems.addAll(firstColumn("calls " + s, OUT.get(s).get("calls text"), json(s, "calls").get("calls")));
            problems.addAll(firstColumn("rtp " + s, OUT.get(s).get("rtp text"), json(s, "rtp").get("streams")));
            problems.addAll(firstColumn("flows " + s, OUT.get(s).get("flows text"), json(s, "flows").get("flows")));
            final List<String> sessions = new ArrayList<>();
            final Matcher m = Pattern.compile("(?m)^Session (\\d+) ").matcher(OUT.get(s).get("webrtc text"));
            while (m.find()) {
                sessions.add(m.group(1));
            }
            final List<String> want = new ArrayList<>();
            json(s, "webrtc").get("sessions").forEach(x -> want.add(x.get("index").asText()));
            if (!sessions.equals(want)) {
                problems.add("webrtc text " + s + ": sessions " + sessions + ", JSON " + want);
            }
        }
        assertThat(problems).isEmpty();
        assertThat(lists).as("calls, streams, connections and sessions in the samples").isGreaterThan(20);
    }

    /** The '#' column of a text table (rows after the dashes) against the JSON's index fields. */
    private static List<String> firstColumn(final String what, final String text, final JsonNode items) {
        final List<String> shown = new ArrayList<>();
        boolean rows = false;
        for (final String line : text.split("\n")) {
            if (line.startsWith("-")) {
                rows = true;
            } else if (rows && line.isBlank()) {
                break;
            } else if (rows) {
                shown.add(line.trim().split("\\s+")[0]);
            }
        }
        final List<String> want = new ArrayList<>();
        items.forEach(x -> want.add(x.get("index").asText()));
        return shown.equals(want) ? List.of() : List.of(what + " text numbers " + shown + ", JSON " + want);
    }

    @Test
    void flowIdIsOneStringFormThatJoinsWithFlows() {
        final List<String> problems = new ArrayList<>();
        int joined = 0;
        for (final String s : samples) {
            final Set<String> flows = new LinkedHashSet<>();
            json(s, "flows").get("flows").forEach(f -> flows.add(f.get("flow_id").asText()));
            for (final String c : COMMANDS) {
                for (final JsonNode d : documents(s, c)) {
                    final List<String> ids = new ArrayList<>();
                    walk(c + " " + s, d, (path, n) -> {
                        if (path.endsWith(".flow_id") || path.matches(".*\\.flows\\[\\d+]") && !"flows".equals(c)) {
                            if (n.isNull()) {
                                return;
                            }
                            if (!n.isTextual() || !FLOW_ID.matcher(n.asText()).matches()) {
                                problems.add(path + " is not a flow id: " + n);
                            } else if (!flows.contains(n.asText())) {
                                problems.add(path + " = " + n + " is not in flows --json");
                            } else {
                                ids.add(n.asText());
                            }
                        }
                    });
                    joined += ids.size();
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(joined).isGreaterThan(100);
    }

    @Test
    void eachKindOfRecordJoinsWithFlowsOnTheSample() {
        final Set<String> dubboFlows = new TreeSet<>();
        json("samples/dubbo/dubbo-calls.pcap", "flows").get("flows")
            .forEach(f -> dubboFlows.add(f.get("flow_id").asText()));
        final JsonNode dubbo = json("samples/dubbo/dubbo-calls.pcap", "dubbo");
        assertThat(dubbo.get("exchanges")).isNotEmpty().allSatisfy(x -> assertThat(dubboFlows).contains(x.get("flow_id").asText()));
        assertThat(dubbo.get("connections")).isNotEmpty().allSatisfy(x -> assertThat(dubboFlows).contains(x.get("flow_id").asText()));
        final Set<String> sipFlows = new TreeSet<>();
        json("samples/sip-call.pcap", "flows").get("flows").forEach(f -> sipFlows.add(f.get("flow_id").asText()));
        assertThat(json("samples/sip-call.pcap", "rtp").get("streams")).hasSize(2)
            .allSatisfy(x -> assertThat(sipFlows).contains(x.get("flow_id").asText()));
        assertThat(json("samples/sip-call.pcap", "sip").get("messages")).hasSize(7)
            .allSatisfy(x -> assertThat(sipFlows).contains(x.get("flow_id").asText()));
        final Set<String> webrtcFlows = new TreeSet<>();
        json("samples/webrtc/chromium-loopback.pcap", "flows").get("flows").forEach(f -> webrtcFlows.add(f.get("flow_id").asText()));
        assertThat(json("samples/webrtc/chromium-loopback.pcap", "webrtc").get("sessions")).hasSize(1)
            .allSatisfy(x -> assertThat(x.get("flows")).allSatisfy(f -> assertThat(webrtcFlows).contains(f.asText())));
    }

    @Test
    void codecNamesAreSpelledAsRegistered() {
        final Pattern codec = Pattern.compile("\\b(pcm[au]|Pcm[au]|g7\\d\\d|gsm|ilbc|ILBC|Opus|OPUS)/\\d+");
        final List<String> problems = new ArrayList<>();
        OUT.forEach((sample, out) -> out.forEach((command, text) -> {
            final Matcher m = codec.matcher(text);
            while (m.find()) {
                problems.add(command + " " + sample + ": " + m.group());
            }
        }));
        assertThat(problems).isEmpty();
        assertThat(OUT.get("samples/sip-call.pcap").get("rtp text")).contains("PCMA/8000");
    }

    @Test
    void sipStatsSayRetransmissions() {
        assertThat(OUT.get("samples/sip-call.pcap").get("sip --stats")).contains("Retransmissions: 0");
        assertThat(json("samples/sip-call.pcap", "sip").get("stats").get("retransmissions").asInt()).isZero();
    }

    @Test
    void verifyWritesJsonLinesAsItsJsonDocument() {
        final String[] args = {"--spec", "src/test/resources/specs/sip-call.yaml", "samples/sip-call.pcap"};
        final CliTest.Run doc = CliTest.run(concat("verify", "--json", args));
        final CliTest.Run l = CliTest.run(concat("verify", "--jsonl", args));
        assertThat(l.code()).as(l.err()).isEqualTo(doc.code()).isZero();
        final JsonNode d = parse(doc.out());
        final List<JsonNode> lines = lines(l.out());
        assertThat(lines).hasSize(d.get("assertions").asInt() + 1);
        final JsonNode summary = lines.get(lines.size() - 1);
        assertThat(summary.get("record").asText()).isEqualTo("summary");
        assertThat(summary.get("assertions")).isEqualTo(d.get("assertions"));
        assertThat(summary.get("failures")).isEqualTo(d.get("failures"));
        assertThat(summary.get("passed")).isEqualTo(d.get("passed"));
        final JsonNode first = d.get("suites").get(0).get("results").get(0);
        assertThat(lines.get(0).get("record").asText()).isEqualTo("result");
        assertThat(lines.get(0).get("name")).isEqualTo(first.get("name"));
        assertThat(lines.get(0).get("message")).isEqualTo(first.get("message"));
        assertThat(CliTest.run("verify", "--json", "--jsonl", "--spec", "src/test/resources/specs/sip-call.yaml", "samples/sip-call.pcap")
            .code()).as("--json and --jsonl together").isEqualTo(2);
    }

    @Test
    void interfacesWritesOneRecordPerListedDevice() {
        final CliTest.Run text = CliTest.run("interfaces");
        org.junit.jupiter.api.Assumptions.assumeTrue(text.code() == 0, "libpcap cannot list devices here: " + text.err());
        final List<String> shown = text.out().lines().toList();
        final JsonNode doc = parse(CliTest.run("interfaces", "--json").out()).get("interfaces");
        final List<JsonNode> lines = lines(CliTest.run("interfaces", "--jsonl").out());
        assertThat(doc).hasSize(shown.size());
        assertThat(lines).hasSize(shown.size());
        for (int i = 0; i < shown.size(); i++) {
            final JsonNode d = doc.get(i);
            assertThat(lines.get(i)).isEqualTo(d);
            assertThat(shown.get(i)).startsWith(d.get("index").asInt() + ". " + d.get("name").asText());
            assertThat(d.get("index").asInt()).isPositive();
        }
    }

    private static String[] concat(final String first, final String second, final String... rest) {
        final String[] a = new String[rest.length + 2];
        a[0] = first;
        a[1] = second;
        System.arraycopy(rest, 0, a, 2, rest.length);
        return a;
    }
}
