package dev.callscope.ladder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.dissect.http2.Http2Call;
import dev.callscope.flow.dubbo.DubboTracker;
import dev.callscope.flow.webrtc.WebrtcTestRuns;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ladder of a Triple connection: a request arrow and an answer arrow per call, errors and late answers flagged. */
class TripleLaddersTest {
    @Test
    void unaryConnection() throws Exception {
        final DubboTracker t = new DubboTracker();
        WebrtcTestRuns.run(Path.of("samples/triple/triple-unary.pcap"), t);
        assertThat(t.http2Connections()).hasSize(1);
        final List<Http2Call> calls = t.tripleCalls();
        final Ladder l = TripleLadders.of(t.http2Connections().get(0), calls);
        assertThat(l.lanes()).extracting(Ladder.Lane::label).containsExactly("127.0.0.1:35396 (consumer)", "127.0.0.1:50051 (provider)");
        final List<Ladder.Arrow> arrows = l.steps().stream().filter(Ladder.Arrow.class::isInstance).map(Ladder.Arrow.class::cast).toList();
        assertThat(arrows).hasSize(2 * calls.size());
        assertThat(arrows.stream().filter(a -> a.from() == 0)).hasSize(calls.size())
            .extracting(Ladder.Arrow::frame).containsExactlyElementsOf(calls.stream().map(Http2Call::frame).toList());
        // slow: DEADLINE_EXCEEDED, late; fail: OK with Dubbo's exception code, an error
        assertThat(arrows).filteredOn(a -> a.label().equals("DEADLINE_EXCEEDED")).singleElement()
            .satisfies(a -> assertThat(a.flags()).containsExactlyInAnyOrder("error", "late"));
        assertThat(arrows).filteredOn(a -> a.label().equals("OK exception 3")).singleElement()
            .satisfies(a -> assertThat(a.flags()).containsExactly("error"));
        for (int i = 1; i < l.steps().size(); i++) {
            assertThat(l.steps().get(i).tsNanos()).isGreaterThanOrEqualTo(l.steps().get(i - 1).tsNanos());
        }
    }
}
