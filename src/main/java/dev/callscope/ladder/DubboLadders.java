package dev.callscope.ladder;

import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.tap.TcpEvent;
import dev.callscope.dissect.dubbo.DubboFrame;
import dev.callscope.flow.dubbo.DubboConnection;
import dev.callscope.flow.dubbo.DubboExchange;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the ladder of one Dubbo connection: the consumer on the left, the provider on the right;
 * requests, responses and heartbeats as arrows (a response carries its latency), SYN, FIN and RST as
 * arrows flagged "tcp", so that a close and a reconnect are visible.
 */
public final class DubboLadders {
    private DubboLadders() {
    }

    /**
     * @param exchanges the tracker's exchanges (those of other connections are ignored); used to put
     *     the method name and latency on responses
     */
    public static Ladder of(final DubboConnection c, final List<DubboExchange> exchanges) {
        final Map<DubboFrame, DubboExchange> byResponse = new IdentityHashMap<>();
        for (final DubboExchange x : exchanges) {
            if (x.connection() == c && x.response() != null) {
                byResponse.put(x.response(), x);
            }
        }
        final List<Ladder.Lane> lanes = List.of(new Ladder.Lane(c.client().toString(), c.client() + " (consumer)"),
            new Ladder.Lane(c.server().toString(), c.server() + " (provider)"));
        final List<Ladder.Step> steps = new ArrayList<>();
        for (final ProtocolEvent e : c.timeline()) {
            final boolean fromClient;
            if (e instanceof TcpEvent t) {
                fromClient = t.direction() == c.clientToServer();
                steps.add(new Ladder.Arrow(t.tsNanos(), t.frame(), fromClient ? 0 : 1, fromClient ? 1 : 0, t.kind(),
                    List.of(), List.of("tcp"), null));
                continue;
            }
            final DubboFrame f = (DubboFrame) e;
            fromClient = f.direction() == c.clientToServer();
            final int from = fromClient ? 0 : 1;
            final int to = 1 - from;
            final List<String> details = new ArrayList<>();
            final List<String> flags = new ArrayList<>();
            details.add("id=" + f.requestId() + " " + f.serialization() + " " + f.frameBytes() + " B");
            String label;
            if (f.event()) {
                label = f.heartbeat() ? (f.request() ? "heartbeat" : "heartbeat ack") : "event " + f.body().eventData();
                flags.add("heartbeat");
            } else if (f.request()) {
                final String sm = f.body().serviceMethod();
                label = sm == null ? "request" : shortName(sm);
                if (!f.twoWay()) {
                    flags.add("one-way");
                    details.add("one-way");
                }
                if (!f.body().arguments().isEmpty()) {
                    details.add("(" + String.join(", ", f.body().arguments()) + ")");
                }
            } else {
                label = f.statusName();
                final DubboExchange x = byResponse.get(f);
                if (x != null) {
                    details.add(String.format(Locale.ROOT, "%s %.3f ms", shortName(x.serviceMethod()),
                        x.latencyNanos() / 1e6));
                }
                final String kind = f.body().resultKind();
                if (kind != null && kind.startsWith("exception")) {
                    label += " exception";
                    details.add(String.valueOf(f.body().exceptionClass()) + ": " + f.body().exceptionMessage());
                    flags.add("error");
                } else if (f.status() != 20) {
                    flags.add("error");
                }
                if (x != null && x.late()) {
                    flags.add("late");
                    details.add(String.format(Locale.ROOT, "late: the consumer's timeout was %d ms", x.timeoutNanos() / 1_000_000L));
                }
                if (x != null && x.overPayloadLimit() != null) {
                    flags.add("payload");
                    details.add(x.overPayloadLimit());
                }
            }
            if (f.broken()) {
                flags.add("broken");
            }
            steps.add(new Ladder.Arrow(f.tsNanos(), f.frame(), from, to, label, details, flags, null, new Ladder.Rpc(f.requestId())));
        }
        if (c.timelineTruncated()) {
            steps.add(new Ladder.Note(c.lastNanos(), -1, "timeline cut at " + c.timeline().size() + " steps"));
        }
        return new Ladder("Dubbo " + c.client() + " -> " + c.server(), lanes, steps, Ladder.Kind.DUBBO);
    }

    /** "com.example.GreetingService#greet" shown as "GreetingService#greet". */
    /** "Service#method" without the service's package. */
    static String shortName(final String serviceMethod) {
        final int hash = serviceMethod.indexOf('#');
        final String service = hash >= 0 ? serviceMethod.substring(0, hash) : serviceMethod;
        final int dot = service.lastIndexOf('.');
        return dot >= 0 ? serviceMethod.substring(dot + 1) : serviceMethod;
    }
}
