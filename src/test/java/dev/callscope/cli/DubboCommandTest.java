package dev.callscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code callscope dubbo} on the recorded sample: text, JSON and JSON Lines. */
class DubboCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SAMPLE = "samples/dubbo/dubbo-calls.pcap";

    private static String[] run(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void textShowsCallsSummaryHeartbeatsAndTotals() {
        final String[] r = run("dubbo", SAMPLE);
        assertThat(r[0]).isEqualTo("0");
        assertThat(r[2]).isEmpty();
        assertThat(r[1]).contains("Dubbo calls", "Per service#method", "Connections and heartbeats",
            "dev.callscope.samples.dubbo.GreetingService#fail", "OK exception", "one-way");
        assertThat(r[1]).containsPattern("127\\.0\\.0\\.1:\\d+\\s+->\\s+127\\.0\\.0\\.1:20880");
        assertThat(r[1]).containsPattern("GreetingService#greetAsync\\s+40\\s+0\\s+0\\s");
        assertThat(r[1]).contains("Totals: 48 requests (1 one-way), 47 responses, 0 unanswered, 0 timeouts, 1 late responses (after the consumer's timeout), 1 exceptions",
            "28 heartbeats (14 requests, 14 responses), 0 missed heartbeats");
    }

    /** Bounds that were constants in the trackers are flags now, and reach them. */
    @Test
    void trackerBoundsAreFlags() {
        assertThat(run("dubbo", "--max-dubbo-exchanges", "3", SAMPLE)[1]).contains("(3 of 48 dubbo-protocol calls listed)");
        assertThat(run("dubbo", "--max-dubbo-exchanges", "3", "samples/triple/triple-unary.pcap")[1])
            .contains("(10 more Triple calls not kept: --max-dubbo-exchanges)");
        // the 4 SDP messages of this capture are over 1 KiB: discarded, the 8 candidates read
        assertThat(run("webrtc", "--websocket-max-message", "1024", "samples/webrtc/chromium-websocket.pcap")[1])
            .contains("Signalling over WebSocket: 8 messages (candidate 8)");
        assertThat(run("dubbo", "--max-dubbo-timeline", "0", SAMPLE)[0]).isEqualTo("2");
    }

    @Test
    void jsonHasTheDocumentedFields() throws Exception {
        final String[] r = run("dubbo", "--json", SAMPLE);
        assertThat(r[0]).isEqualTo("0");
        final JsonNode j = JSON.readTree(r[1]);
        final JsonNode totals = j.get("totals");
        assertThat(totals.get("requests").asLong()).isEqualTo(48);
        assertThat(totals.get("responses").asLong()).isEqualTo(47);
        assertThat(totals.get("unanswered").asLong()).isZero();
        assertThat(totals.get("heartbeats").asLong()).isEqualTo(28);
        assertThat(totals.get("missed_heartbeats").asLong()).isZero();
        assertThat(j.get("exchanges")).hasSize(48);
        JsonNode fail = null;
        for (final JsonNode x : j.get("exchanges")) {
            assertThat(fieldNames(x)).startsWith("ts", "frame", "flow_id", "proto").contains("request_id", "connection",
                "service", "version", "method", "parameter_types", "serialization", "two_way", "status", "result_kind",
                "exception_class", "latency_ms", "request_bytes", "response_bytes");
            if ("fail".equals(x.get("method").asText())) {
                fail = x;
            }
        }
        assertThat(fail).isNotNull();
        assertThat(fail.get("proto").asText()).isEqualTo("dubbo");
        assertThat(fail.get("flow_id").isTextual()).as("flow_id is the 5-tuple text, as in flows").isTrue();
        assertThat(fail.get("flow_id").asText()).isEqualTo("tcp 127.0.0.1:20880 <-> 127.0.0.1:43084");
        assertThat(fail.get("request_id").isTextual()).as("a 64-bit id is a string").isTrue();
        assertThat(fail.get("connection").get("index").asInt()).isEqualTo(1);
        assertThat(fail.get("connection").get("server").asText()).isEqualTo("127.0.0.1:20880");
        assertThat(fail.get("service").asText()).isEqualTo("dev.callscope.samples.dubbo.GreetingService");
        assertThat(fail.get("serialization").asText()).isEqualTo("hessian2");
        assertThat(fail.get("two_way").asBoolean()).isTrue();
        assertThat(fail.get("status").get("code").asInt()).isEqualTo(20);
        assertThat(fail.get("status").get("name").asText()).isEqualTo("OK");
        assertThat(fail.get("exception_class").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(fail.get("latency_ms").asDouble()).isPositive();
        assertThat(j.get("services")).hasSize(7);
        assertThat(j.get("connections").get(0).get("heartbeats").get("client_to_server").get("requests").asInt()).isEqualTo(14);
    }

    @Test
    void jsonLinesRecordsStartWithTheCommonFields() throws Exception {
        final String[] r = run("dubbo", "--jsonl", SAMPLE);
        assertThat(r[0]).isEqualTo("0");
        final String[] lines = r[1].split("\n");
        assertThat(lines).hasSize(48 + 7 + 1 + 1);
        for (final String l : lines) {
            assertThat(fieldNames(JSON.readTree(l))).startsWith("ts", "frame", "flow_id", "proto");
        }
        assertThat(JSON.readTree(lines[lines.length - 1]).get("record").asText()).isEqualTo("totals");
    }

    @Test
    void sharedCapturesOnOtherPortsAreFound() {
        final String eys = dev.callscope.testutil.SharedCaptures.file("dubbo/deepflow__dubbo-eys.pcap").toString();
        final String kryo = dev.callscope.testutil.SharedCaptures.file("dubbo/deepflow__dubbo-kryo.pcap").toString();
        final String[] r = run("dubbo", eys, kryo);
        assertThat(r[0]).isEqualTo("0");
        assertThat(r[1]).contains("ExportApi#getById", "no response", "com.zznode.itms.api.OFOPServer#sendOfopMsg",
            "10.145.89.9:6666", "10.216.43.142:37312");
    }

    private static List<String> fieldNames(final JsonNode n) {
        final List<String> l = new ArrayList<>();
        for (final Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            l.add(it.next());
        }
        return l;
    }
}
