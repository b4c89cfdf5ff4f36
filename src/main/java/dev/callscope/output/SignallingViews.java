package dev.callscope.output;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.callscope.core.Timestamps;
import dev.callscope.flow.webrtc.Signalling;
import dev.callscope.flow.webrtc.WebrtcSession;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * The signalling part of {@code callscope webrtc}: per session its offer/answer rounds and ICE
 * restarts; then the signalling clients (connections, attempts, outages) and the rooms (members,
 * mesh). JSON (snake_case): per session negotiation[] (offer, answer: frame, ts, type, from, to,
 * ufrag, tracks[]; ice_restart, added[], removed[]: track with first_media_ts, last_media_ts,
 * packets) and ice_restarts[] (frame, ts, ufrags); beside the sessions signalling_clients[] (id,
 * connections[], attempts[], outages[]) and rooms[] (id, messages, members[], mesh[]).
 */
public final class SignallingViews {
    private SignallingViews() {
    }

    private static String ts(final long nanos) {
        return nanos < 0 ? null : Timestamps.iso(nanos);
    }

    /** Seconds from {@code t0}, "-" when unknown. */
    private static String rel(final long nanos, final long t0) {
        return nanos < 0 ? "-" : String.format(Locale.ROOT, "%.3f s", (nanos - t0) / 1e9);
    }

    // ------------------------------------------------------------------ JSON

    static void session(final ObjectNode o, final WebrtcSession s, final Signalling g) {
        final ArrayNode rounds = o.putArray("negotiation");
        for (final Signalling.Negotiation n : g.negotiations()) {
            if (n.session() != s) {
                continue;
            }
            for (final Signalling.Round r : n.rounds()) {
                final ObjectNode x = rounds.addObject();
                x.set("offer", description(r.offer()));
                x.set("answer", r.answer() == null ? null : description(r.answer()));
                x.put("ice_restart", r.iceRestart());
                changes(x.putArray("added"), r.added());
                changes(x.putArray("removed"), r.removed());
            }
        }
        final ArrayNode restarts = o.putArray("ice_restarts");
        for (final WebrtcSession.IceRestart r : s.iceRestarts()) {
            final ObjectNode x = restarts.addObject();
            x.put("frame", r.frame());
            x.put("ts", ts(r.tsNanos()));
            x.put("ufrags", r.ufrags());
        }
    }

    private static ObjectNode description(final Signalling.Description d) {
        final ObjectNode x = Json.object();
        x.put("frame", d.frame());
        x.put("ts", ts(d.tsNanos()));
        x.put("type", d.type());
        x.put("from", d.from());
        x.put("to", d.to());
        x.put("ufrag", d.ufrag());
        x.put("source", d.source());
        final ArrayNode tracks = x.putArray("tracks");
        d.tracks().forEach(t -> tracks.add(track(t)));
        return x;
    }

    private static ObjectNode track(final Signalling.Track t) {
        final ObjectNode x = Json.object();
        x.put("mid", t.mid());
        x.put("kind", t.kind());
        x.put("direction", t.direction());
        x.put("msid", t.msid());
        final ArrayNode ssrcs = x.putArray("ssrcs");
        t.ssrcs().forEach(ssrcs::add);
        x.put("rejected", t.rejected());
        return x;
    }

    private static void changes(final ArrayNode arr, final List<Signalling.TrackChange> cs) {
        for (final Signalling.TrackChange c : cs) {
            final ObjectNode x = arr.addObject();
            x.set("track", track(c.track()));
            x.put("first_media_ts", ts(c.firstMediaNanos()));
            x.put("last_media_ts", ts(c.lastMediaNanos()));
            x.put("packets", c.packets());
        }
    }

    static void json(final ObjectNode root, final Signalling g) {
        final ArrayNode clients = root.putArray("signalling_clients");
        for (final Signalling.Client c : g.clients()) {
            final ObjectNode x = clients.addObject();
            x.put("id", c.id());
            final ArrayNode conns = x.putArray("connections");
            for (final Signalling.Connection k : c.connections()) {
                final ObjectNode y = conns.addObject();
                y.put("flow", k.flow().toString());
                y.put("client", k.client().toString());
                y.put("server", k.server().toString());
                y.put("name", k.name());
                y.put("opened", ts(k.openTsNanos()));
                y.put("first_message", ts(k.firstTsNanos()));
                y.put("closed", ts(k.closeTsNanos()));
                y.put("closed_by", k.closedBy());
                y.put("close_how", k.closeHow());
                if (k.closeCode() < 0) {
                    y.putNull("close_code");
                } else {
                    y.put("close_code", k.closeCode());
                }
                y.put("messages_from_client", k.messagesFromClient());
                y.put("messages_from_server", k.messagesFromServer());
            }
            final ArrayNode attempts = x.putArray("attempts");
            for (final Signalling.Attempt a : c.attempts()) {
                final ObjectNode y = attempts.addObject();
                y.put("frame", a.frame());
                y.put("ts", ts(a.tsNanos()));
                y.put("client", a.client().toString());
                y.put("server", a.server().toString());
                y.put("result", a.result());
            }
            final ArrayNode outages = x.putArray("outages");
            for (final Signalling.Outage o : c.outages()) {
                final ObjectNode y = outages.addObject();
                y.put("from", ts(o.fromNanos()));
                y.put("to", ts(o.toNanos()));
                y.put("seconds", Double.isNaN(o.seconds()) ? null : Math.round(o.seconds() * 1000.0) / 1000.0);
                y.put("attempts", o.attempts());
                y.put("mean_interval_s", Double.isNaN(o.meanIntervalS()) ? null : Math.round(o.meanIntervalS() * 1000.0) / 1000.0);
                y.put("media_gap_s", o.mediaGapNanos() < 0 ? null : Math.round(o.mediaGapNanos() / 1e6) / 1000.0);
            }
        }
        final ArrayNode rooms = root.putArray("rooms");
        for (final Signalling.Room r : g.rooms()) {
            final ObjectNode x = rooms.addObject();
            x.put("id", r.id());
            x.put("messages", r.messages());
            final ArrayNode members = x.putArray("members");
            for (final Signalling.Member m : r.members()) {
                final ObjectNode y = members.addObject();
                y.put("name", m.name());
                y.put("joined", ts(m.joinedNanos()));
                y.put("join_frame", m.joinFrame());
                y.put("left", ts(m.leftNanos()));
                y.put("left_how", m.leftHow());
            }
            final ArrayNode mesh = x.putArray("mesh");
            for (final Signalling.Link l : r.mesh()) {
                final ObjectNode y = mesh.addObject();
                y.put("a", l.a());
                y.put("b", l.b());
                if (l.session() == null) {
                    y.putNull("session");
                } else {
                    y.put("session", l.session().index());
                }
                y.put("connected", l.connected());
                y.put("session_end", l.session() == null ? null : ts(l.session().lastTsNanos()));
                y.put("ended", ts(l.endNanos()));
                y.put("ended_how", l.endHow());
            }
        }
    }

    // ------------------------------------------------------------------ text

    /** The session's offer/answer rounds and ICE restarts, times from {@code t0}. */
    static void session(final PrintWriter out, final WebrtcSession s, final Signalling g, final long t0, final int width) {
        for (final Signalling.Negotiation n : g.negotiations()) {
            if (n.session() != s) {
                continue;
            }
            int i = 1;
            for (final Signalling.Round r : n.rounds()) {
                final StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "  round %d  offer frame %d at %s%s", i++,
                    r.offer().frame(), rel(r.offer().tsNanos(), t0), r.offer().from() == null ? ""
                        : " " + r.offer().from() + " -> " + (r.offer().to() == null ? "?" : r.offer().to())));
                b.append(r.answer() == null ? ", no answer" : String.format(Locale.ROOT, ", answer frame %d at %s",
                    r.answer().frame(), rel(r.answer().tsNanos(), t0)));
                if (r.iceRestart()) {
                    b.append(", ICE restart (ufrag ").append(r.offer().ufrag()).append(r.answer() == null ? "" : "/" + r.answer().ufrag())
                        .append(')');
                }
                TextTable.wrap(b.toString(), width, 6).forEach(out::println);
                for (final Signalling.TrackChange c : r.added()) {
                    TextTable.wrap("    adds " + change(c, t0), width, 8).forEach(out::println);
                }
                for (final Signalling.TrackChange c : r.removed()) {
                    TextTable.wrap("    removes " + change(c, t0), width, 8).forEach(out::println);
                }
            }
        }
        for (final WebrtcSession.IceRestart r : s.iceRestarts()) {
            out.printf(Locale.ROOT, "  ICE restart at %s (frame %d): continues with ufrags %s%n", rel(r.tsNanos(), t0), r.frame(),
                r.ufrags());
        }
    }

    private static String change(final Signalling.TrackChange c, final long t0) {
        return c.track().summary() + (c.packets() == 0 ? "" : String.format(Locale.ROOT, "  (media %s .. %s, %d packets)",
            rel(c.firstMediaNanos(), t0), rel(c.lastMediaNanos(), t0), c.packets()));
    }

    /** Clients and rooms, times from {@code t0}. */
    static void text(final PrintWriter out, final Signalling g, final long t0, final int width) {
        if (!g.clients().isEmpty()) {
            out.println("Signalling clients (times from " + Timestamps.iso(t0) + ")");
        }
        for (final Signalling.Client c : g.clients()) {
            final long refused = c.attempts().stream().filter(a -> a.result().equals(Signalling.Attempt.REFUSED)).count();
            out.printf(Locale.ROOT, "  %s  %d connection%s, %d attempt%s (%d refused)%n", c.id(), c.connections().size(),
                c.connections().size() == 1 ? "" : "s", c.attempts().size(), c.attempts().size() == 1 ? "" : "s", refused);
            for (final Signalling.Connection k : c.connections()) {
                TextTable.wrap(String.format(Locale.ROOT, "    %s -> %s  opened %s, %s, %d messages sent, %d received", k.client(),
                    k.server(), rel(k.openTsNanos() >= 0 ? k.openTsNanos() : k.firstTsNanos(), t0),
                    k.closeTsNanos() < 0 ? "open at the end" : "closed by " + k.closedBy() + " (" + k.closeHow()
                        + (k.closeCode() >= 0 ? ", code " + k.closeCode() : "") + ") at " + rel(k.closeTsNanos(), t0),
                    k.messagesFromClient(), k.messagesFromServer()), width, 6).forEach(out::println);
            }
            for (final Signalling.Outage o : c.outages()) {
                TextTable.wrap(String.format(Locale.ROOT, "    no signalling %s .. %s%s: %d attempt%s%s, %s", rel(o.fromNanos(), t0),
                    o.toNanos() < 0 ? "end" : rel(o.toNanos(), t0),
                    Double.isNaN(o.seconds()) ? "" : String.format(Locale.ROOT, " (%.3f s)", o.seconds()), o.attempts(),
                    o.attempts() == 1 ? "" : "s",
                    Double.isNaN(o.meanIntervalS()) ? "" : String.format(Locale.ROOT, " every %.2f s", o.meanIntervalS()),
                    o.mediaGapNanos() < 0 ? "no media to compare" : o.mediaGapNanos() == 0 ? "media flowed throughout"
                        : String.format(Locale.ROOT, "longest media gap %.3f s", o.mediaGapNanos() / 1e9)), width, 6)
                    .forEach(out::println);
            }
        }
        for (final Signalling.Room r : g.rooms()) {
            out.printf(Locale.ROOT, "Room %s  %d members, %d messages%n", r.id(), r.members().size(), r.messages());
            for (final Signalling.Member m : r.members()) {
                out.printf(Locale.ROOT, "  %s joined %s (frame %d)%s%n", m.name(), rel(m.joinedNanos(), t0), m.joinFrame(),
                    m.leftNanos() < 0 ? ", still in the room at the end"
                        : ", left " + rel(m.leftNanos(), t0) + " (" + m.leftHow() + ", frame " + m.leftFrame() + ")");
            }
            for (final Signalling.Link l : r.mesh()) {
                out.printf(Locale.ROOT, "  %s - %s  %s%n", l.a(), l.b(), l.session() == null ? "no session"
                    : "session " + l.session().index() + (l.connected() ? " connected" : " NOT connected") + ", ended "
                        + rel(l.endNanos(), t0) + " (" + l.endHow() + ")");
            }
        }
    }
}
