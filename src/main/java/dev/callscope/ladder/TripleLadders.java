package dev.callscope.ladder;

import dev.callscope.core.Direction;
import dev.callscope.core.Endpoint;
import dev.callscope.dissect.http2.GrpcNames;
import dev.callscope.dissect.http2.Http2Call;
import dev.callscope.dissect.http2.Http2ConnectionSummary;
import dev.callscope.flow.dubbo.DubboTracker;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The ladder of one HTTP/2 connection carrying Triple: the consumer on the left, the provider on the
 * right; each call as a request arrow (method, messages sent) and, when it ended, an answer arrow
 * (gRPC status, messages, latency) or a reset arrow from the side that sent it.
 */
public final class TripleLadders {
    private TripleLadders() {
    }

    public static Ladder of(final Http2ConnectionSummary conn, final List<Http2Call> calls) {
        final boolean aIsClient = conn.clientDirection() == Direction.A_TO_B;
        final Endpoint client = aIsClient ? conn.flow().endpointA() : conn.flow().endpointB();
        final Endpoint server = aIsClient ? conn.flow().endpointB() : conn.flow().endpointA();
        final List<Ladder.Lane> lanes = List.of(new Ladder.Lane(client.toString(), client + " (consumer)"),
            new Ladder.Lane(server.toString(), server + " (provider)"));
        final List<Ladder.Step> steps = new ArrayList<>();
        for (final Http2Call c : calls) {
            if (!conn.flow().equals(c.flow())) {
                continue;
            }
            final String m = DubboLadders.shortName(DubboTracker.tripleMethod(c));
            final List<String> req = new ArrayList<>();
            req.add("stream " + c.streamId() + ", " + c.requestMessages() + (c.requestMessages() == 1 ? " message, " : " messages, ")
                + c.requestBytes() + " B");
            if (c.requestSummary() != null) {
                req.add(c.requestSummary());
            }
            final String deadline = c.requestHeader("grpc-timeout");
            if (deadline != null) {
                req.add("grpc-timeout " + deadline);
            }
            steps.add(new Ladder.Arrow(c.tsNanos(), c.frame(), 0, 1, m, req, List.of(), null));
            if (c.endNanos() < 0) {
                continue;
            }
            final List<String> flags = new ArrayList<>();
            if (DubboTracker.tripleError(c)) {
                flags.add("error");
            }
            if (DubboTracker.tripleLate(c)) {
                flags.add("late");
            }
            final List<String> resp = new ArrayList<>();
            resp.add(String.format(Locale.ROOT, "%s %.3f ms, %d %s, %d B", m, (c.endNanos() - c.tsNanos()) / 1e6, c.responseMessages(),
                c.responseMessages() == 1 ? "message" : "messages", c.responseBytes()));
            if (c.grpcMessage() != null) {
                resp.add(c.grpcMessage());
            }
            final Integer status = c.grpcStatus();
            if (status == null && c.rstCode() >= 0) {
                final boolean byClient = c.rstByClient();
                steps.add(new Ladder.Arrow(c.endNanos(), c.endFrame(), byClient ? 0 : 1, byClient ? 1 : 0, "RST_STREAM " + c.rstCode(), resp,
                    flags, null));
            } else {
                final String ex = c.responseHeader("tri-exception-code");
                steps.add(new Ladder.Arrow(c.endNanos(), c.endFrame(), 1, 0, (status == null ? "no status" : grpcName(status))
                    + (ex != null ? " exception " + ex : ""), resp, flags, null));
            }
        }
        steps.sort(Comparator.comparingLong(Ladder.Step::tsNanos));
        return new Ladder("Triple connection " + conn.flow(), lanes, steps, Ladder.Kind.TRIPLE);
    }

    private static String grpcName(final int s) {
        final String name = GrpcNames.status(s);
        return name == null ? "status " + s : name;
    }
}
