package dev.callscope.dissect.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.core.Endpoint;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Dubbo 3.2 Triple recorded by the project (samples/triple) against tshark's view of the same
 * captures (the recording's NAME.summary.txt, made from tshark's PDML): HTTP/2 frames by type each
 * way, and per stream the :path, grpc-status and gRPC messages with their lengths each way.
 */
class TripleCapturesTest {
    private static final Path DIR = Path.of("samples/triple");
    private static final Pattern STREAM = Pattern.compile("^- conn (\\d+) stream (\\d+) \\(first frame \\d+\\): POST (\\S+)");
    private static final Pattern STATUS = Pattern.compile("grpc-status=(\\d+)");
    private static final Pattern LENGTHS = Pattern.compile("lengths c->s=\\[([^]]*)] s->c=\\[([^]]*)]");

    private static Map<String, Long> counts(final String dict) {
        final Map<String, Long> m = new TreeMap<>();
        final Matcher x = Pattern.compile("'(\\w+)': (\\d+)").matcher(dict);
        while (x.find()) {
            m.put(x.group(1), Long.parseLong(x.group(2)));
        }
        return m;
    }

    private static long[] sum(final String list) {
        long n = 0;
        long bytes = 0;
        for (final String s : list.split(",")) {
            if (!s.isBlank()) {
                n++;
                bytes += Long.parseLong(s.trim());
            }
        }
        return new long[] {n, bytes};
    }

    @ParameterizedTest
    @ValueSource(strings = {"triple-unary", "triple-streaming", "triple-protobuf", "triple-errors"})
    void framesStreamsAndMessagesEqualTshark(final String name) throws Exception {
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
        final List<String> truth = Files.readAllLines(DIR.resolve(name + ".summary.txt"));
        final SoftAssertions soft = new SoftAssertions();
        final Map<String, Long> client = new TreeMap<>();
        final Map<String, Long> server = new TreeMap<>();
        for (final Http2ConnectionSummary s : conns) {
            for (int t = 0; t < 10; t++) {
                if (s.framesFromClient()[t] > 0) {
                    client.merge(Http2ConnectionSummary.TYPES.get(t), s.framesFromClient()[t], Long::sum);
                }
                if (s.framesFromServer()[t] > 0) {
                    server.merge(Http2ConnectionSummary.TYPES.get(t), s.framesFromServer()[t], Long::sum);
                }
            }
            soft.assertThat(s.hpackFailures()).isZero();
        }
        int streams = 0;
        for (int i = 0; i < truth.size(); i++) {
            final String l = truth.get(i);
            if (l.startsWith("  c->s: ")) {
                soft.assertThat(client).as("frames from the client").isEqualTo(counts(l));
            } else if (l.startsWith("  s->c: ")) {
                soft.assertThat(server).as("frames from the server").isEqualTo(counts(l));
            }
            final Matcher m = STREAM.matcher(l);
            if (!m.find()) {
                continue;
            }
            streams++;
            final int port = Integer.parseInt(m.group(1));
            final int id = Integer.parseInt(m.group(2));
            final Http2Call c = calls.stream().filter(x -> x.streamId() == id && clientPort(x) == port).findFirst().orElse(null);
            soft.assertThat(c).as("stream %d of %d", id, port).isNotNull();
            if (c == null) {
                continue;
            }
            soft.assertThat(c.requestHeader(":path")).isEqualTo(m.group(3));
            final Matcher st = STATUS.matcher(truth.get(i + 1));
            soft.assertThat(c.grpcStatus()).as("grpc-status of stream %d", id).isEqualTo(st.find() ? Integer.valueOf(st.group(1)) : null);
            final Matcher len = LENGTHS.matcher(truth.get(i + 2));
            if (len.find()) {
                final long[] req = sum(len.group(1));
                final long[] resp = sum(len.group(2));
                soft.assertThat(new long[] {c.requestMessages(), c.requestBytes(), c.responseMessages(), c.responseBytes()})
                    .as("messages and bytes of stream %d", id).containsExactly(req[0], req[1], resp[0], resp[1]);
            }
        }
        soft.assertThat(calls).as("streams").hasSize(streams);
        soft.assertAll();
    }

    private static final Pattern CONS = Pattern.compile(
        "^CONS \\d+ call=(\\S+) service=\\S+ method=(\\S+) kind=unary event=(call|result|exception) .*?(?:args=(.*)|value=(.*)|exception=(\\S+) message=\"([^\"]*)\".*)$");

    /** A value as the consumer's log writes it: strings without their quotes, numbers and null as they are. */
    private static String plain(final String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    /**
     * The hessian2 values inside the Triple wrappers, read by the dubbo package's decoder through
     * {@link dev.callscope.dissect.ValueDecoder}, equal what the consumer passed and got back by its own log: strings
     * (UTF-8 too), ints, null, a provider exception's class and message; records by their fields.
     */
    @org.junit.jupiter.api.Test
    void tripleWrapperValuesEqualTheConsumersLog() throws Exception {
        final Map<String, Http2Call> byId = new TreeMap<>();
        WebrtcTestRuns.run(DIR.resolve("triple-unary.pcap"), new Tap() {
            @Override
            public void onEvent(final ProtocolEvent e) {
                if (e instanceof Http2Call c && c.requestHeader("x-call-id") != null) {
                    byId.put(c.requestHeader("x-call-id"), c);
                }
            }
        });
        final SoftAssertions soft = new SoftAssertions();
        int args = 0;
        int results = 0;
        for (final String l : Files.readAllLines(DIR.resolve("triple-unary.log"))) {
            final Matcher m = CONS.matcher(l);
            if (!m.find()) {
                continue;
            }
            final Http2Call c = byId.get(m.group(1));
            soft.assertThat(c).as("call %s", m.group(1)).isNotNull();
            if (c == null) {
                continue;
            }
            final String method = m.group(2);
            switch (m.group(3)) {
                case "call" -> {
                    final String a = m.group(4);
                    if (method.equals("add")) {
                        soft.assertThat(c.requestValues()).as("args of %s", m.group(1)).containsExactly(a.split(","));
                        args++;
                    } else if (method.equals("older") || method.equals("describe")) {
                        final Matcher p = Pattern.compile("name=(\\w+),age=(\\d+)").matcher(a);
                        soft.assertThat(p.find()).isTrue();
                        soft.assertThat(c.requestValues().get(0)).as("args of %s", m.group(1))
                            .contains("name=\"" + p.group(1) + "\"").contains("age=" + p.group(2));
                        args++;
                    } else if (a.matches("\"x\"\\*\\d+")) {
                        // 2,000 x's: the value is shown up to its bound, and says it was cut
                        soft.assertThat(c.requestValues()).hasSize(1);
                        soft.assertThat(c.requestValues().get(0)).matches("\"x{100,300}\\.\\.\\.");
                        args++;
                    } else if (a.startsWith("\"")) {
                        soft.assertThat(c.requestValues()).as("args of %s", m.group(1)).containsExactly(a);
                        args++;
                    }
                }
                case "result" -> {
                    final String v = plain(m.group(5));
                    if (v.matches("\\d+ chars")) {
                        continue; // the log gives the length of a long answer, not the answer
                    }
                    soft.assertThat(c.responseValues()).as("result of %s", m.group(1)).hasSize(1);
                    final String got = c.responseValues().isEmpty() ? "" : c.responseValues().get(0);
                    if (v.startsWith("Person{")) {
                        soft.assertThat(got).contains("age=42");
                    } else {
                        soft.assertThat(plain(got)).as("result of %s", m.group(1)).isEqualTo(v);
                    }
                    results++;
                }
                default -> {
                    if (c.responseHeader("tri-exception-code") != null) {
                        soft.assertThat(c.responseValues()).as("exception of %s", m.group(1))
                            .containsExactly(m.group(6) + ": " + m.group(7));
                        results++;
                    }
                }
            }
        }
        soft.assertThat(args).as("calls whose arguments were compared").isGreaterThanOrEqualTo(11);
        soft.assertThat(results).as("results compared").isGreaterThanOrEqualTo(10);
        soft.assertAll();
    }

    private static int clientPort(final Http2Call c) {
        final Endpoint a = c.flow().endpointA();
        final Endpoint b = c.flow().endpointB();
        return c.direction() == dev.callscope.core.Direction.A_TO_B ? a.port() : b.port();
    }
}
