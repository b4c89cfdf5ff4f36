package dev.callscope.flow.dubbo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.core.Direction;
import dev.callscope.core.FlowKey;
import dev.callscope.tap.FrameRecord;
import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.tap.TcpEvent;
import dev.callscope.dissect.dubbo.DubboBody;
import dev.callscope.dissect.dubbo.DubboFrame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The tracker in streaming mode, from synthetic events: each exchange is handed on when it is over
 * (answered, or its timeout and linger passed in packet time) and forgotten, so what it holds stays
 * at the requests in flight; the same events give the same exchanges as a tracker that keeps all.
 */
class DubboTrackerStreamingTest {
    private static final long MS = 1_000_000L;
    private static final long US = 1_000L;

    private static FlowKey flow(final int clientPort) {
        final FlowKey k = new FlowKey();
        k.set(6, new byte[] {10, 0, 0, 1}, clientPort, new byte[] {10, 0, 0, 2}, 20880, 4);
        return k.copy();
    }

    private static DubboFrame req(final FlowKey k, final long frame, final long ts, final long id, final String timeout) {
        return new DubboFrame(frame, ts, k, Direction.A_TO_B, true, true, false, false, 2, "hessian2", -1, null, id, 10, 26,
            false, new DubboBody("2.0.2", "S", "0.0.0", "m", "", List.of(), timeout == null ? Map.of() : Map.of("timeout",
            timeout), null, null, null, null, null, null, null), 7);
    }

    private static DubboFrame resp(final FlowKey k, final long frame, final long ts, final long id) {
        return new DubboFrame(frame, ts, k, Direction.B_TO_A, false, false, false, false, 2, "hessian2", 20, "OK", id, 2, 18,
            false, new DubboBody(null, null, null, null, null, List.of(), Map.of(), "null", null, null, null, null, null,
            null), 7);
    }

    private static DubboFrame hb(final FlowKey k, final long frame, final long ts, final long id, final boolean request) {
        return new DubboFrame(frame, ts, k, request ? Direction.A_TO_B : Direction.B_TO_A, request, request, true, true, 2,
            "hessian2", request ? -1 : 20, request ? null : "OK", id, 1, 17, false, DubboBody.NONE, 7);
    }

    /** The engine's frame record after each frame: it moves packet time on. */
    private static void tick(final DubboTracker t, final long frame, final long ts) {
        final FrameRecord r = new FrameRecord();
        r.frame = frame;
        r.tsNanos = ts;
        t.onFrame(r);
    }

    @Test
    void aHundredThousandCallsGoThroughHoldingOnlyThoseInFlight() {
        final List<DubboExchange> handed = new ArrayList<>();
        final int[] seen = {0};
        final DubboTracker t = new DubboTracker().stream(x -> {
            assertThat(x.state()).isNotEqualTo(DubboExchange.State.PENDING);
            seen[0]++;
            if (handed.size() < 10) {
                handed.add(x); // a few kept by the test, to look at
            }
        });
        final FlowKey k = flow(40000);
        final int n = 100_000;
        final int inFlight = 8;
        final long[] latencies = new long[n];
        long frame = 1;
        int maxHeld = 0;
        for (int i = 0; i < n + inFlight; i++) {
            final long ts = i * MS;
            if (i < n) {
                t.onEvent(req(k, frame, ts, i, "3000"));
                tick(t, frame++, ts);
            }
            final int answered = i - inFlight + 1; // the request sent (inFlight - 1) requests ago is answered now
            if (answered >= 0 && answered < n) {
                final long at = ts + 500 * US + (answered % 977) * US;
                latencies[answered] = at - answered * MS;
                t.onEvent(resp(k, frame, at, answered));
                tick(t, frame++, at);
                assertThat(seen[0]).as("handed on as soon as answered").isEqualTo(answered + 1);
            }
            maxHeld = Math.max(maxHeld, t.pendingExchanges());
        }
        assertThat(maxHeld).isLessThanOrEqualTo(inFlight);
        assertThat(t.pendingExchanges()).isZero();
        assertThat(t.exchanges()).isEmpty();
        assertThat(t.connections().get(0).timeline()).as("no timeline kept when streaming").isEmpty();
        t.onEnd();
        assertThat(seen[0]).isEqualTo(n);
        assertThat(handed.get(0).state()).isEqualTo(DubboExchange.State.ANSWERED);
        assertThat(handed.get(0).connection().flowId()).isEqualTo(7);
        final MethodStats m = t.methods().get(0);
        assertThat(m.count()).isEqualTo(n);
        assertThat(m.latencySamples()).isEqualTo(n);
        assertThat(m.latencyApproximate()).isTrue();
        final long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        for (final double q : new double[] {0.5, 0.9, 0.99}) {
            final long exact = sorted[(int) Math.ceil(q * n) - 1];
            assertThat((double) Math.abs(m.latencyNanos(q) - exact)).isLessThanOrEqualTo(exact * DubboTracker.LATENCY_RELATIVE_ERROR);
        }
        assertThat(m.maxLatencyNanos()).isEqualTo(sorted[n - 1]);
        assertThat(t.anomalies()).extracting(a -> a.code()).containsExactly("dubbo.latency_samples_limit");
        assertThat(t.totals().requests()).isEqualTo(n);
        assertThat(t.totals().responses()).isEqualTo(n);
    }

    /** Requests with and without a timeout attachment, a late answer, a close, heartbeats (linger 2 s). */
    private static List<ProtocolEvent> timeoutScenario(final FlowKey k, final FlowKey k2) {
        final List<ProtocolEvent> e = new ArrayList<>();
        e.add(req(k, 1, 0, 1, null)); // default 1 s + 2 s: given up after 3 s
        e.add(req(k, 2, 0, 2, "5000")); // 5 s + 2 s: given up after 7 s
        e.add(req(k, 3, 100 * MS, 3, "1000")); // answered 2.4 s later: late, within the linger
        e.add(hb(k, 4, 200 * MS, 100, true)); // a heartbeat answered 10 s later: too late
        e.add(resp(k, 5, 2500 * MS, 3));
        e.add(req(k2, 6, 2600 * MS, 1, null)); // its connection closes before its deadline
        e.add(new TcpEvent(7, 2700 * MS, k2, Direction.B_TO_A, TcpEvent.FIN | TcpEvent.ACK, 9));
        e.add(resp(k, 8, 3500 * MS, 1)); // after request 1 was given up: unmatched
        e.add(resp(k, 9, 6900 * MS, 2)); // request 2 still waits: answered
        e.add(req(k, 10, 9000 * MS, 4, null)); // still waiting at the end (deadline 12 s)
        e.add(hb(k, 11, 10_200 * MS, 100, false));
        e.add(hb(k, 12, 10_300 * MS, 101, true));
        e.add(hb(k, 13, 10_301 * MS, 101, false));
        return e;
    }

    private static void feed(final DubboTracker t, final List<ProtocolEvent> events) {
        for (final ProtocolEvent e : events) {
            t.onEvent(e);
            tick(t, e.frame(), e.tsNanos());
        }
        t.onEnd();
    }

    private static String describe(final DubboExchange x) {
        return x.request().frame() + " " + x.state() + " " + x.latencyNanos() + " " + x.connection().flowId();
    }

    @Test
    void unansweredRequestsAreGivenUpAfterTheirOwnTimeoutAndTheLingerInPacketTime() {
        final FlowKey k = flow(40001);
        final FlowKey k2 = flow(40002);
        final List<String> order = new ArrayList<>();
        final List<Long> handedAt = new ArrayList<>();
        final long[] now = {0};
        final DubboTracker streaming = new DubboTracker().timeouts(1000 * MS, 2000 * MS).stream(x -> {
            order.add(describe(x));
            handedAt.add(now[0]);
        });
        for (final ProtocolEvent e : timeoutScenario(k, k2)) {
            now[0] = e.frame();
            streaming.onEvent(e);
            tick(streaming, e.frame(), e.tsNanos());
        }
        streaming.onEnd();
        assertThat(order).containsExactly(
            "3 ANSWERED 2400000000 7", // late, but within its timeout and the linger
            "1 UNANSWERED_AFTER_TIMEOUT -1 7", // given up at the first packet after 3 s (frame 8)
            "6 UNANSWERED_AT_CLOSE -1 7", // deadline 5.6 s passed at frame 9, after the FIN
            "2 ANSWERED 6900000000 7",
            "10 UNANSWERED_AT_END -1 7");
        assertThat(handedAt).containsExactly(5L, 8L, 9L, 9L, 13L); // the frame being read (13: the end)
        assertThat(streaming.timedOutRequests()).isEqualTo(1);
        assertThat(streaming.totals().unmatchedResponses()).isEqualTo(1);
        assertThat(streaming.totals().unanswered()).isEqualTo(3);
        assertThat(streaming.connections().get(0).clientHeartbeats().requests()).isEqualTo(2);
        assertThat(streaming.connections().get(0).clientHeartbeats().responses()).as("the 10 s late answer is not one").isEqualTo(1);

        final DubboTracker keeping = new DubboTracker().timeouts(1000 * MS, 2000 * MS);
        feed(keeping, timeoutScenario(k, k2));
        assertThat(keeping.exchanges()).extracting(DubboTrackerStreamingTest::describe).containsExactlyInAnyOrderElementsOf(order);
        assertThat(keeping.totals()).isEqualTo(streaming.totals());
    }
}
