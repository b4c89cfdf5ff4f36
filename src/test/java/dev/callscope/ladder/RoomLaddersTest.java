package dev.callscope.ladder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.flow.webrtc.Signalling;
import dev.callscope.flow.webrtc.WebrtcTracker;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The ladder of a room: lanes for the server and each member, every message once, leaves and sessions. */
class RoomLaddersTest {
    @Test
    void meshRoom() throws Exception {
        final WebrtcTracker t = new WebrtcTracker();
        dev.callscope.flow.webrtc.WebrtcTestRuns.run(Path.of("samples/webrtc-room/webrtc-room-mesh.pcap"), t);
        final Signalling g = t.signallingView();
        final Ladder l = RoomLadders.of(g.rooms().get(0), g);
        assertThat(l.title()).isEqualTo("Room lab");
        assertThat(l.lanes()).extracting(Ladder.Lane::label).containsExactly("server", "alice", "bob", "carol");
        // every message of the room's connections is an arrow, but a run of candidates to one peer is one arrow
        long messages = 0;
        long candidates = 0;
        for (final Signalling.Client c : g.clients()) {
            for (final Signalling.Connection k : c.connections()) {
                messages += k.messages().size();
                candidates += k.messages().stream().filter(m -> m.type().equals("candidate")).count();
            }
        }
        final long arrows = l.steps().stream().filter(s -> s instanceof Ladder.Arrow).count();
        final long candidateArrows = l.steps().stream().filter(s -> s instanceof Ladder.Arrow a && a.label().startsWith("candidate x"))
            .count();
        final long inRuns = l.steps().stream().filter(s -> s instanceof Ladder.Arrow a && a.label().startsWith("candidate x"))
            .mapToLong(s -> Long.parseLong(((Ladder.Arrow) s).label().substring("candidate x".length()))).sum();
        assertThat(inRuns).isEqualTo(candidates);
        assertThat(arrows).isEqualTo(messages - candidates + candidateArrows);
        assertThat(l.steps()).filteredOn(s -> s instanceof Ladder.Note n && n.text().endsWith("left (leave)")).hasSize(3);
        assertThat(l.steps()).filteredOn(s -> s instanceof Ladder.Bar).hasSize(3);
        // times go forward
        for (int i = 1; i < l.steps().size(); i++) {
            assertThat(l.steps().get(i).tsNanos()).isGreaterThanOrEqualTo(l.steps().get(i - 1).tsNanos());
        }
    }
}
