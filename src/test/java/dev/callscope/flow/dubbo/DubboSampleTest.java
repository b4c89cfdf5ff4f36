package dev.callscope.flow.dubbo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.dissect.dubbo.DubboFrame;
import dev.callscope.dissect.dubbo.DubboRun;
import dev.callscope.ladder.DubboLadders;
import dev.callscope.ladder.Ladder;
import dev.callscope.testutil.SharedCaptures;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The recorded sample (samples/dubbo/README.md) and the shared real captures, through the engine and the tracker. */
class DubboSampleTest {
    static final String SVC = "dev.callscope.samples.dubbo.GreetingService";
    static DubboTracker tracker;
    static DubboRun run;

    @BeforeAll
    static void load() throws Exception {
        tracker = new DubboTracker();
        run = DubboRun.of(Path.of("samples/dubbo/dubbo-calls.pcap"), tracker);
    }

    @Test
    void totalsAreTheMeasuredCounts() {
        final DubboTracker.Totals t = tracker.totals();
        assertThat(t.requests()).isEqualTo(48);
        assertThat(t.oneWay()).isEqualTo(1);
        assertThat(t.responses()).isEqualTo(47);
        assertThat(t.unanswered()).isZero();
        assertThat(t.exceptions()).isEqualTo(1);
        assertThat(t.timeouts()).isZero();
        assertThat(t.heartbeats()).isEqualTo(28);
        assertThat(t.heartbeatRequests()).isEqualTo(14);
        assertThat(t.heartbeatResponses()).isEqualTo(14);
        assertThat(t.missedHeartbeats()).isZero();
        assertThat(t.brokenBodies()).isZero();
        assertThat(t.connections()).isEqualTo(1);
        assertThat(run.frames).hasSize(124);
        assertThat(run.frames).allMatch(f -> f.serialization().equals("hessian2"));
        assertThat(run.frames.stream().filter(f -> !f.request()).map(DubboFrame::statusName).distinct()).containsExactly("OK");
        assertThat(run.anomalies).isEmpty();
    }

    @Test
    void callsPerMethod() {
        final Map<String, Long> counts = tracker.methods().stream()
            .collect(Collectors.toMap(MethodStats::serviceMethod, MethodStats::count));
        assertThat(counts).containsOnly(Map.entry(SVC + "#greet", 3L), Map.entry(SVC + "#add", 1L),
            Map.entry(SVC + "#fail", 1L), Map.entry(SVC + "#slow", 1L), Map.entry(SVC + "#echo", 1L),
            Map.entry(SVC + "#note", 1L), Map.entry(SVC + "#greetAsync", 40L));
    }

    private static DubboExchange first(final String method) {
        return tracker.exchanges().stream().filter(x -> x.serviceMethod().equals(SVC + "#" + method)).findFirst().orElseThrow();
    }

    @Test
    void decodedServiceMethodArgumentsAndResults() {
        final DubboExchange greet = first("greet");
        assertThat(greet.request().body().dubboVersion()).isEqualTo("2.0.2");
        assertThat(greet.request().body().version()).isEqualTo("0.0.0");
        assertThat(greet.request().body().parameterTypes()).isEqualTo("Ljava/lang/String;");
        assertThat(greet.request().body().arguments()).containsExactly("\"alice\"");
        assertThat(greet.request().body().attachments()).containsEntry("path", SVC).containsEntry("interface", SVC);
        assertThat(greet.response().body().value()).isEqualTo("\"Hello, alice\"");
        final DubboExchange add = first("add");
        assertThat(add.request().body().parameterTypes()).isEqualTo("II");
        assertThat(add.request().body().arguments()).containsExactly("2", "3");
        assertThat(add.response().body().value()).isEqualTo("5");
        final DubboExchange fail = first("fail");
        assertThat(fail.response().status()).isEqualTo(20);
        assertThat(fail.response().body().resultKind()).startsWith("exception");
        assertThat(fail.response().body().exceptionClass()).isEqualTo("java.lang.IllegalStateException");
        assertThat(fail.response().body().exceptionMessage()).isEqualTo("boom");
        assertThat(fail.error()).isTrue();
        final DubboExchange slow = first("slow");
        assertThat(slow.latencyNanos()).isGreaterThan(1_000_000_000L); // past the consumer's 1 s timeout
        assertThat(slow.response().body().value()).isEqualTo("\"slept 1500\"");
        final DubboExchange echo = first("echo");
        assertThat(echo.request().frameBytes()).isGreaterThan(64 * 1024);
        assertThat(echo.request().body().arguments()).containsExactly("<100000 bytes>");
        assertThat(echo.response().body().value()).isEqualTo("<100000 bytes>");
        final DubboExchange note = first("note");
        assertThat(note.state()).isEqualTo(DubboExchange.State.ONE_WAY);
        assertThat(note.request().twoWay()).isFalse();
        final List<String> asyncArgs = tracker.exchanges().stream().filter(x -> x.serviceMethod().endsWith("#greetAsync"))
            .map(x -> x.request().body().arguments().get(0)).toList();
        assertThat(asyncArgs).hasSize(40).contains("\"n0\"", "\"n39\"");
        assertThat(tracker.exchanges()).filteredOn(x -> x.serviceMethod().endsWith("#greetAsync"))
            .allMatch(x -> x.state() == DubboExchange.State.ANSWERED);
    }

    @Test
    void theBurstSharesSegments() {
        final Map<Long, Long> perFrame = run.frames.stream().filter(f -> f.request() && !f.event())
            .collect(Collectors.groupingBy(DubboFrame::frame, Collectors.counting()));
        assertThat(perFrame.values().stream().mapToLong(Long::longValue).max().orElse(0)).isGreaterThan(5);
    }

    @Test
    void connectionLifeAndHeartbeats() {
        final DubboConnection c = tracker.connections().get(0);
        assertThat(c.client().toString()).startsWith("127.0.0.1:");
        assertThat(c.server().toString()).isEqualTo("127.0.0.1:20880");
        assertThat(c.synNanos()).isPositive();
        assertThat(c.closeKind()).isEqualTo("FIN");
        assertThat(c.flowId()).isZero();
        assertThat(c.clientHeartbeats().requests()).isEqualTo(14);
        assertThat(c.clientHeartbeats().responses()).isEqualTo(14);
        assertThat(c.serverHeartbeats().requests()).isZero();
        assertThat(c.clientHeartbeats().minIntervalNanos()).isBetween(900_000_000L, 1_500_000_000L);
    }

    @Test
    void theLadderShowsEveryFrameAndTheTcpLife() {
        final DubboConnection c = tracker.connections().get(0);
        final Ladder l = DubboLadders.of(c, tracker.exchanges());
        assertThat(l.lanes()).hasSize(2);
        final List<Ladder.Arrow> arrows = l.steps().stream().map(Ladder.Arrow.class::cast).toList();
        assertThat(arrows).filteredOn(a -> a.flagged("tcp")).extracting(Ladder.Arrow::label)
            .containsExactly("SYN", "SYN-ACK", "FIN", "FIN");
        assertThat(arrows).filteredOn(a -> !a.flagged("tcp")).hasSize(124);
        assertThat(arrows).filteredOn(a -> a.label().equals("heartbeat")).hasSize(14).allMatch(a -> a.from() == 0);
        assertThat(arrows).filteredOn(a -> a.label().equals("GreetingService#add")).first()
            .satisfies(a -> assertThat(a.details()).contains("(2, 3)"));
        assertThat(arrows).filteredOn(a -> a.label().equals("OK exception")).hasSize(1).first()
            .satisfies(a -> assertThat(a.details()).anyMatch(d -> d.startsWith("GreetingService#fail ") && d.endsWith(" ms")));
    }

    // ------------------------------------------------------------------ shared real captures (truth/*.txt)

    private static DubboRun shared(final String name, final DubboTracker t) throws Exception {
        return DubboRun.of(SharedCaptures.file("dubbo/" + name), t);
    }

    @Test
    void hessian2LoginRequestAndResponse() throws Exception {
        final DubboTracker t = new DubboTracker();
        final DubboRun r = shared("deepflow__dubbo_hessian2.pcap", t);
        assertThat(r.frames).extracting(DubboFrame::frame, DubboFrame::request, DubboFrame::twoWay, DubboFrame::serializationId,
            DubboFrame::status, DubboFrame::requestId, DubboFrame::bodyLength).containsExactly(
            org.assertj.core.groups.Tuple.tuple(1L, true, true, 2, -1, 22872L, 248L),
            org.assertj.core.groups.Tuple.tuple(2L, false, false, 2, 20, 22872L, 191L));
        final DubboExchange x = t.exchanges().get(0);
        assertThat(x.serviceMethod()).isEqualTo("my.demo.service.UserService#login");
        assertThat(x.request().body().arguments()).containsExactly("\"13780407607\"", "\"x3#U9&\"");
        assertThat(x.request().body().attachments()).containsEntry("remote.application", "shop-web").containsKey("sw8");
        assertThat(x.response().body().resultKind()).isEqualTo("value+attachments");
        assertThat(x.response().body().value()).startsWith("ServiceResult{result=User{").contains("nickname=\"137****7607\"", "userId=23");
        assertThat(x.response().body().attachments()).containsEntry("dubbo", "2.0.2");
        assertThat(x.latencyNanos()).isEqualTo(4_332_000L);
    }

    @Test
    void kryoRequestsOnANonStandardPortAreFoundByTheHeuristic() throws Exception {
        final DubboTracker t = new DubboTracker();
        final DubboRun r = shared("deepflow__dubbo-kryo.pcap", t);
        assertThat(r.frames).extracting(DubboFrame::serialization, DubboFrame::requestId, DubboFrame::bodyLength, DubboFrame::status)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("kryo", 3962641L, 775L, -1),
                org.assertj.core.groups.Tuple.tuple("kryo", 3962641L, 1L, 20),
                org.assertj.core.groups.Tuple.tuple("kryo", 3962657L, 782L, -1),
                org.assertj.core.groups.Tuple.tuple("kryo", 3962657L, 1L, 20));
        assertThat(r.frames.get(0).body().dubboVersion()).isEqualTo("2.8.4");
        assertThat(t.exchanges()).extracting(DubboExchange::serviceMethod)
            .containsOnly("com.zznode.itms.api.OFOPServer#sendOfopMsg");
        assertThat(r.frames.get(1).body().resultKind()).isEqualTo("null");
        assertThat(t.totals().responses()).isEqualTo(2);
        assertThat(t.totals().unanswered()).isZero();
    }

    @Test
    void traceAttachmentsSw8AndEagleEye() throws Exception {
        final DubboTracker t = new DubboTracker();
        final DubboRun sw8 = shared("deepflow__dubbo-sw8.pcap", t);
        final DubboFrame f = sw8.frames.get(0);
        assertThat(f.requestId()).isEqualTo(102499L);
        assertThat(f.bodyLength()).isEqualTo(465L);
        assertThat(f.body().serviceMethod()).isEqualTo("my.demo.service.ItemService#findItem");
        assertThat(f.body().parameterTypes()).isEmpty();
        assertThat(f.body().attachments().get("sw8")).startsWith("1-YzgxNjRjYWU5MGU5NGZlNjg0OTNjMTA2ZWE5NWYxZWUuNjYu");
        assertThat(t.totals().unanswered()).isEqualTo(1);
        final DubboTracker t2 = new DubboTracker();
        final DubboRun eys = shared("deepflow__dubbo-eys.pcap", t2);
        final DubboFrame e = eys.frames.get(0);
        assertThat(e.requestId()).isEqualTo(490361L);
        assertThat(e.bodyLength()).isEqualTo(838L);
        assertThat(e.body().serviceMethod()).isEqualTo("com.vivo.it.vwork.api.common.export.ExportApi#getById");
        assertThat(e.body().parameterTypes()).isEqualTo("Ljava/io/Serializable;");
        assertThat(e.body().arguments()).containsExactly("202210113005842319");
        assertThat(e.body().attachments()).containsEntry("traceId", "b21926887cad416497e873cbfa4b5eca")
            .containsEntry("EagleEye-TraceID", "90606765166547547262111562aQk8pD").containsEntry("timeout", "300000");
        assertThat(t2.connections().get(0).server().toString()).isEqualTo("10.145.89.9:6666");
    }
}
