package dev.callscope.ladder;

import dev.callscope.dissect.websocket.SignallingMessage;
import dev.callscope.flow.webrtc.Signalling;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ladder of a room: the signalling server and each member as lanes; every signalling message
 * between a member and the server as an arrow (a run of ICE candidates one way as one arrow),
 * connections closed and attempts refused as notes, members leaving as notes, and each session of
 * the mesh as a bar between its two members.
 */
public final class RoomLadders {
    private RoomLadders() {
    }

    public static Ladder of(final Signalling.Room room, final Signalling signalling) {
        final Map<String, Integer> lanes = new LinkedHashMap<>();
        lanes.put("server", 0);
        room.members().forEach(m -> lanes.putIfAbsent(m.name(), lanes.size()));
        final List<Ladder.Step> steps = new ArrayList<>();
        for (final Signalling.Client c : signalling.clients()) {
            final Integer lane = lanes.get(c.id());
            if (lane == null) {
                continue;
            }
            for (final Signalling.Connection k : c.connections()) {
                int run = 0;
                Ladder.Arrow runStart = null;
                int runAt = -1;
                String runTo = null;
                for (final SignallingMessage m : k.messages()) {
                    final boolean up = k.fromClient(m);
                    final String kind = kind(m);
                    final String to = m.envelope() == null ? null : m.envelope().to();
                    if (kind.equals("candidate") && runStart != null
                        && (runStart.from() == lane) == up && java.util.Objects.equals(to, runTo)) {
                        run++;
                        steps.set(runAt, runStart = runStart.relabelled("candidate x" + run));
                        continue;
                    }
                    final List<String> details = new ArrayList<>();
                    final SignallingMessage.Envelope e = m.envelope();
                    if (e != null && (e.from() != null || e.to() != null)) {
                        details.add((e.from() == null ? "?" : e.from()) + " -> " + (e.to() == null ? "all" : e.to()));
                    }
                    if (!peersOf(e).isEmpty()) {
                        details.add("peers " + String.join(", ", peersOf(e)));
                    }
                    if (m.closeCode() >= 0) {
                        details.add("code " + m.closeCode());
                    }
                    final Ladder.Arrow a = new Ladder.Arrow(m.tsNanos(), m.frame(), up ? lane : 0, up ? 0 : lane,
                        kind.equals("candidate") ? "candidate x1" : kind, details, List.of(), null);
                    steps.add(a);
                    run = kind.equals("candidate") ? 1 : 0;
                    runStart = kind.equals("candidate") ? a : null;
                    runAt = steps.size() - 1;
                    runTo = to;
                }
                if (k.closeTsNanos() >= 0) {
                    steps.add(new Ladder.Note(k.closeTsNanos(), lane, "connection closed by " + k.closedBy() + " (" + k.closeHow() + ")"));
                }
            }
            for (final Signalling.Outage o : c.outages()) {
                if (o.toNanos() >= 0) {
                    steps.add(new Ladder.Note(o.toNanos(), lane, String.format(Locale.ROOT, "reconnected after %.3f s, %d attempts",
                        o.seconds(), o.attempts())));
                }
            }
        }
        for (final Signalling.Member m : room.members()) {
            if (m.leftNanos() >= 0) {
                steps.add(new Ladder.Note(m.leftNanos(), lanes.get(m.name()), m.name() + " left (" + m.leftHow() + ")"));
            }
        }
        for (final Signalling.Link l : room.mesh()) {
            if (l.session() != null) {
                steps.add(new Ladder.Bar(l.session().firstTsNanos(), l.session().lastTsNanos(), lanes.get(l.a()), lanes.get(l.b()),
                    "session " + l.session().index() + (l.connected() ? "" : " (not connected)") + ", SRTP x" + l.session().srtpPackets()));
            }
        }
        steps.sort(Comparator.comparingLong(Ladder.Step::tsNanos));
        final List<Ladder.Lane> ls = lanes.keySet().stream().map(n -> new Ladder.Lane(n, n)).toList();
        return new Ladder("Room " + room.id(), ls, steps, Ladder.Kind.ROOM);
    }

    private static List<String> peersOf(final SignallingMessage.Envelope e) {
        return e == null ? List.of() : e.peers();
    }

    /** The application's own message type ("join", "peer-left"), else what the message carried. */
    private static String kind(final SignallingMessage m) {
        if (m.type().equals("close")) {
            return "WebSocket close";
        }
        if (m.type().equals("candidate")) {
            return "candidate";
        }
        final SignallingMessage.Envelope e = m.envelope();
        return e != null && e.kind() != null ? e.kind() : m.type();
    }
}
