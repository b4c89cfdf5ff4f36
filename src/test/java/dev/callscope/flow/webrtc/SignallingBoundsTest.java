package dev.callscope.flow.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.core.Direction;
import dev.callscope.core.FlowKey;
import dev.callscope.dissect.websocket.SignallingMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hostile signalling: rooms, members and the mesh stay bounded however many names the messages give. */
class SignallingBoundsTest {
    private static FlowKey flow(final int clientPort) {
        final FlowKey k = new FlowKey();
        k.set(6, new byte[] {10, 0, 0, 1}, clientPort, new byte[] {10, 0, 0, 2}, 8080, 4);
        return k.copy();
    }

    @Test
    void namesPastTheBoundsAreCountedNotKept() {
        final List<SignallingMessage> ms = new ArrayList<>();
        final List<String> peers = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            peers.add("p" + i);
        }
        long frame = 1;
        // 40 connections: each joins a room of its own and one shared room, and is told of 64 more peers
        for (int c = 0; c < 40; c++) {
            final FlowKey f = flow(40000 + c);
            for (int r = 0; r < 10; r++) {
                ms.add(new SignallingMessage(frame, frame * 1000, f, Direction.A_TO_B, frame, "other", 10, 0, null,
                    new SignallingMessage.Envelope("join", "room" + (c * 10 + r), "c" + c, null, null, List.of()), -1));
                frame++;
            }
            final List<String> mine = new ArrayList<>();
            for (final String p : peers) {
                mine.add(c + "-" + p);
            }
            ms.add(new SignallingMessage(frame, frame * 1000, f, Direction.B_TO_A, frame, "other", 10, 0, null,
                new SignallingMessage.Envelope("peers", "shared", null, null, null, mine), -1));
            frame++;
        }
        final long start = System.nanoTime();
        final Signalling g = Signalling.build(ms, List.of(), List.of(), new HashMap<>(), (a, b) -> { });
        assertThat(g.rooms()).hasSize(Signalling.MAX_ROOMS);
        assertThat(g.roomsNotKept()).isPositive();
        // "shared" came 11th: kept, with the first members it was told of
        final Signalling.Room shared = g.rooms().stream().filter(r -> r.id().equals("shared")).findFirst().orElseThrow();
        assertThat(shared.members()).hasSize(Signalling.MAX_MEMBERS);
        assertThat(shared.membersNotKept()).isEqualTo(40L * 64 - Signalling.MAX_MEMBERS);
        assertThat(g.rooms()).allSatisfy(r -> assertThat(r.members().size()).isLessThanOrEqualTo(Signalling.MAX_MEMBERS));
        assertThat(g.clients()).hasSize(40);
        assertThat((System.nanoTime() - start) / 1e9).as("seconds").isLessThan(30);
    }

    @Test
    void oneRoomWithThousandsOfNamesKeepsTheFirstMembers() {
        final List<SignallingMessage> ms = new ArrayList<>();
        for (int c = 0; c < 60; c++) {
            final List<String> names = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                names.add(c + "-" + i);
            }
            ms.add(new SignallingMessage(c + 1, c * 1000L, flow(30000 + c), Direction.B_TO_A, 1, "other", 10, 0, null,
                new SignallingMessage.Envelope("peers", "big", null, null, null, names), -1));
        }
        final Signalling g = Signalling.build(ms, List.of(), List.of(), new HashMap<>(), (a, b) -> { });
        final Signalling.Room big = g.rooms().get(0);
        assertThat(big.members()).hasSize(Signalling.MAX_MEMBERS);
        assertThat(big.membersNotKept()).isEqualTo(60L * 64 - Signalling.MAX_MEMBERS);
        assertThat(big.mesh()).hasSize(Signalling.MAX_MEMBERS * (Signalling.MAX_MEMBERS - 1) / 2);
    }
}
