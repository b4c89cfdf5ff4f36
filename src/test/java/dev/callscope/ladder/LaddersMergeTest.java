package dev.callscope.ladder;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LaddersMergeTest {
    private static Ladder.Arrow arrow(final long ts, final int from, final int to, final String label) {
        return new Ladder.Arrow(ts, ts, from, to, label, List.of(), List.of(), null);
    }

    @Test
    void mergesLanesByIdAndStepsOnOneTimeAxis() {
        final Ladder sip = new Ladder("call", List.of(new Ladder.Lane("a", "a"), new Ladder.Lane("b", "b")),
            List.of(arrow(10, 0, 1, "INVITE"), arrow(40, 1, 0, "200"), new Ladder.Note(50, -1, "end")), Ladder.Kind.SIP);
        final Ladder rpc = new Ladder("rpc", List.of(new Ladder.Lane("b", "b"), new Ladder.Lane("c", "c")),
            List.of(arrow(20, 0, 1, "Svc#m"), arrow(30, 1, 0, "OK"), new Ladder.Bar(35, 45, 1, 0, "bar")), Ladder.Kind.DUBBO);
        final Ladder m = Ladders.merge(List.of(sip, rpc));
        assertThat(m.title()).isEqualTo("call\nrpc");
        assertThat(m.lanes()).extracting(Ladder.Lane::id).containsExactly("a", "b", "c");
        assertThat(m.steps()).extracting(Ladder.Step::tsNanos).containsExactly(10L, 20L, 30L, 35L, 40L, 50L);
        final Ladder.Arrow call = (Ladder.Arrow) m.steps().get(1);
        assertThat(call.label()).isEqualTo("Svc#m");
        assertThat(call.from()).isEqualTo(1);
        assertThat(call.to()).isEqualTo(2);
        final Ladder.Bar bar = (Ladder.Bar) m.steps().get(3);
        assertThat(bar.from()).isEqualTo(2);
        assertThat(bar.to()).isEqualTo(1);
        assertThat(Ladders.merge(List.of(sip))).isSameAs(sip);
    }
}
