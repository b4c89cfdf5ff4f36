package dev.callscope.dissect.http2;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callscope.cli.CliTest;
import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.tap.Tap;
import dev.callscope.flow.webrtc.WebrtcTestRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 recorded by the project from Node's http2 (nghttp2), curl and a Netty h2c server
 * (samples/http2): gRPC over TLS 1.3 with its key log, an h2c upgrade, and a flow-control stall;
 * checked against the programs' own logs and the recording's tshark summaries (NAME.summary.txt).
 */
class Http2SamplesTest {
    private static final Path DIR = Path.of("samples/http2");
    private static final Pattern END = Pattern.compile("CLIENT \\d+ event=end call=(\\w+) stream=(\\d+) path=(\\S+) outcome=(\\w+)"
        + "(?: status=\\d+ grpc-status=(\\d+))?(?: grpc-message=\"[^\"]*\" message=\"([^\"]*)\")? req_msgs=(\\d+) req_bytes=(\\d+) "
        + "resp_msgs=(\\d+) resp_bytes=(\\d+) rst_code=(\\d+)");

    private record Run(List<Http2Call> calls, List<Http2ConnectionSummary> connections) {
    }

    private static Run run(final String name) throws Exception {
        final List<Http2Call> calls = new ArrayList<>();
        final List<Http2ConnectionSummary> conns = new ArrayList<>();
        WebrtcTestRuns.run(DIR.resolve(name + ".pcap"), new Tap() {
            @Override
            public void onEvent(final ProtocolEvent e) {
                if (e instanceof Http2Call c) {
                    calls.add(c);
                } else if (e instanceof Http2ConnectionSummary s) {
                    conns.add(s);
                }
            }
        });
        return new Run(calls, conns);
    }

    /** "  c->s: HEADERS 1, SETTINGS 2  (total 3)" of the summary, by frame type. */
    private static Map<String, Long> frames(final List<String> summary, final String side) {
        final Map<String, Long> m = new TreeMap<>();
        for (final String l : summary) {
            if (l.startsWith("  " + side + ": ")) {
                final Matcher x = Pattern.compile("([A-Z_]+) (\\d+)").matcher(l.substring(0, l.indexOf("(total")));
                while (x.find()) {
                    m.put(x.group(1), Long.parseLong(x.group(2)));
                }
                return m;
            }
        }
        throw new AssertionError("no " + side + " frame line");
    }

    private static Map<String, Long> frames(final long[] counts) {
        final Map<String, Long> m = new TreeMap<>();
        for (int t = 0; t < 10; t++) {
            if (counts[t] > 0) {
                m.put(Http2ConnectionSummary.TYPES.get(t), counts[t]);
            }
        }
        return m;
    }

    @Test
    void grpcOverTlsWithItsKeyLogEqualsTheClientsLog() throws Exception {
        final CliTest.Run r = CliTest.run("dubbo", "--json", "--keylog", DIR.resolve("http2-tls-grpc.keys").toString(),
            DIR.resolve("http2-tls-grpc.pcap").toString());
        assertThat(r.code()).as(r.err()).isZero();
        final JsonNode j = new ObjectMapper().readTree(r.out());
        final Map<String, JsonNode> byId = new TreeMap<>();
        j.get("exchanges").forEach(x -> byId.put(x.get("request_headers").get("x-call-id").asText(), x));
        final SoftAssertions soft = new SoftAssertions();
        int ended = 0;
        for (final String l : Files.readAllLines(DIR.resolve("http2-tls-grpc.log"))) {
            final Matcher m = END.matcher(l);
            if (!m.find()) {
                continue;
            }
            ended++;
            final JsonNode x = byId.get(m.group(1));
            soft.assertThat(x).as("call %s", m.group(1)).isNotNull();
            if (x == null) {
                continue;
            }
            soft.assertThat(x.get("protocol").asText()).isEqualTo("tri");
            soft.assertThat(x.get("stream").asInt()).isEqualTo(Integer.parseInt(m.group(2)));
            soft.assertThat("/" + x.get("service").asText() + "/" + x.get("method").asText()).isEqualTo(m.group(3));
            soft.assertThat(new long[] {x.get("request_messages").asLong(), x.get("request_bytes").asLong(),
                x.get("response_messages").asLong(), x.get("response_bytes").asLong()}).as("messages and bytes of %s", m.group(1))
                .containsExactly(Long.parseLong(m.group(7)), Long.parseLong(m.group(8)), Long.parseLong(m.group(9)),
                    Long.parseLong(m.group(10)));
            if (m.group(5) != null) {
                soft.assertThat(x.get("status").get("code").asInt()).as("grpc-status of %s", m.group(1))
                    .isEqualTo(Integer.parseInt(m.group(5)));
            }
            if (m.group(6) != null) {
                soft.assertThat(x.get("grpc_message").asText()).isEqualTo(m.group(6)); // percent-decoded UTF-8
            }
            if (m.group(4).equals("cancelled")) {
                soft.assertThat(x.get("rst_stream").asText()).isEqualTo("CANCEL (" + m.group(11) + ")");
                soft.assertThat(x.get("rst_by").asText()).isEqualTo("consumer");
            }
            soft.assertThat(x.get("grpc_timeout").asText()).isEqualTo("1000m");
            soft.assertThat(x.get("timeout_ms").asLong()).isEqualTo(1000);
        }
        soft.assertThat(ended).isEqualTo(6);
        soft.assertThat(j.get("exchanges")).hasSize(ended);
        final JsonNode c = j.get("http2_connections").get(0);
        soft.assertThat(c.get("began").asText()).isEqualTo("over TLS");
        soft.assertThat(c.get("ping_rtt_ms")).hasSize(1);
        final List<String> summary = Files.readAllLines(DIR.resolve("http2-tls-grpc.summary.txt"));
        final Map<String, Long> client = new TreeMap<>();
        final Map<String, Long> server = new TreeMap<>();
        c.get("frames_from_client").fields().forEachRemaining(e -> {
            if (e.getValue().asLong() > 0) {
                client.put(e.getKey(), e.getValue().asLong());
            }
        });
        c.get("frames_from_server").fields().forEachRemaining(e -> {
            if (e.getValue().asLong() > 0) {
                server.put(e.getKey(), e.getValue().asLong());
            }
        });
        soft.assertThat(client).as("frames from the client, as tshark decrypts them").isEqualTo(frames(summary, "c->s"));
        soft.assertThat(server).as("frames from the server").isEqualTo(frames(summary, "s->c"));
        soft.assertAll();
        // the protocol hierarchy as tshark -o tls.keylog_file:... -z io,phs gives it: 30 TLS frames, 24 of them HTTP/2
        // (3,145 bytes); the handshake, tickets and close_notify frames are TLS alone
        final CliTest.Run phs = CliTest.run("read", "--keylog", DIR.resolve("http2-tls-grpc.keys").toString(),
            DIR.resolve("http2-tls-grpc.pcap").toString());
        assertThat(phs.out()).containsPattern("\\n {8}tls +frames:30 +bytes:5300\\n {10}http2 +frames:24 +bytes:3145\\n");
        // without the key log the same capture is TLS and nothing else
        final CliTest.Run plain = CliTest.run("dubbo", "--json", DIR.resolve("http2-tls-grpc.pcap").toString());
        assertThat(new ObjectMapper().readTree(plain.out()).get("exchanges")).isEmpty();
    }

    @Test
    void h2cUpgradeMakesTheHttp11RequestStreamOne() throws Exception {
        final Run r = run("http2-h2c-upgrade");
        final List<String> summary = Files.readAllLines(DIR.resolve("http2-h2c-upgrade.summary.txt"));
        assertThat(r.connections()).singleElement().satisfies(s -> {
            assertThat(s.upgrade()).isEqualTo("h2c upgrade");
            assertThat(frames(s.framesFromClient())).isEqualTo(frames(summary, "c->s"));
            assertThat(frames(s.framesFromServer())).isEqualTo(frames(summary, "s->c"));
            assertThat(s.hpackFailures()).isZero();
        });
        assertThat(r.calls()).hasSize(2);
        final Http2Call first = r.calls().stream().filter(c -> c.streamId() == 1).findFirst().orElseThrow();
        assertThat(first.requestHeader(":method")).isEqualTo("GET");
        assertThat(first.requestHeader(":path")).isEqualTo("/first");
        assertThat(first.requestHeader(":authority")).isEqualTo("127.0.0.1:8080");
        assertThat(first.requestHeader("upgrade")).isNull();
        assertThat(first.responseHeader(":status")).isEqualTo("200");
        assertThat(first.responseBytes()).isEqualTo(1000);
        assertThat(first.state()).isEqualTo("closed");
        final Http2Call second = r.calls().stream().filter(c -> c.streamId() == 3).findFirst().orElseThrow();
        assertThat(second.requestHeader(":path")).isEqualTo("/second");
        assertThat(second.responseBytes()).isEqualTo(2500);
    }

    @Test
    void aWindowHeldAtZeroIsAStallAndShortWaitsAreCounted() throws Exception {
        final List<String> summary = Files.readAllLines(DIR.resolve("http2-flow-stall.summary.txt"));
        final Matcher stall = Pattern.compile("STALL s->c stream (\\d+): stream window 0 after DATA frame (\\d+) \\(([\\d.]+)\\); "
            + "WINDOW_UPDATE frame (\\d+) \\(([\\d.]+),").matcher(String.join("\n", summary));
        assertThat(stall.find()).isTrue();
        final Matcher more = Pattern.compile("reopened within 50 ms (\\d+) more times").matcher(String.join("\n", summary));
        assertThat(more.find()).isTrue();
        final Run r = run("http2-flow-stall");
        final Http2ConnectionSummary s = r.connections().get(0);
        assertThat(s.upgrade()).isEqualTo("prior knowledge");
        assertThat(s.windowWaits()).as("every time the server's window ran out").isEqualTo(1 + Long.parseLong(more.group(1)));
        assertThat(s.stallCount()).isEqualTo(1);
        final Http2ConnectionSummary.Stall st = s.stalls().get(0);
        assertThat(st.streamId()).isEqualTo(Integer.parseInt(stall.group(1)));
        assertThat(st.frame()).isEqualTo(Long.parseLong(stall.group(2)));
        assertThat(st.openedFrame()).isEqualTo(Long.parseLong(stall.group(4)));
        assertThat(st.connectionWindow()).isFalse();
        assertThat(st.fromClient()).isFalse();
        final double waitedMs = (Double.parseDouble(stall.group(5)) - Double.parseDouble(stall.group(3))) * 1000;
        assertThat(st.waitedNanos() / 1e6).isCloseTo(waitedMs, org.assertj.core.data.Offset.offset(0.01));
        assertThat(r.calls()).singleElement().satisfies(c -> assertThat(c.responseBytes()).isEqualTo(65536));
    }
}
