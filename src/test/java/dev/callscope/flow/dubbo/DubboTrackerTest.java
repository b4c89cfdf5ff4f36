package dev.callscope.flow.dubbo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.core.Direction;
import dev.callscope.core.FlowKey;
import dev.callscope.dissect.Anomaly;
import dev.callscope.tap.ConversationRecord;
import dev.callscope.tap.TcpEvent;
import dev.callscope.dissect.dubbo.DubboBody;
import dev.callscope.dissect.dubbo.DubboFrame;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pairing, timeouts, duplicates, unanswered calls, missed heartbeats and reconnects, from synthetic events. */
class DubboTrackerTest {
    private static final long MS = 1_000_000L;

    private static FlowKey flow(final int clientPort) {
        final FlowKey k = new FlowKey();
        k.set(6, new byte[] {10, 0, 0, 1}, clientPort, new byte[] {10, 0, 0, 2}, 20880, 4);
        return k.copy();
    }

    /** A→B is client → server for these keys (10.0.0.1 sorts first). */
    private static DubboFrame req(final FlowKey k, final long frame, final long ms, final long id, final boolean twoWay) {
        return new DubboFrame(frame, ms * MS, k, Direction.A_TO_B, true, twoWay, false, false, 2, "hessian2", -1, null, id,
            10, 26, false, new DubboBody("2.0.2", "S", "0.0.0", "m", "", List.of(), Map.of(), null, null, null, null, null,
            null, null));
    }

    private static DubboFrame resp(final FlowKey k, final long frame, final long ms, final long id, final int status) {
        return new DubboFrame(frame, ms * MS, k, Direction.B_TO_A, false, false, false, false, 2, "hessian2", status,
            "S" + status, id, 2, 18, false, new DubboBody(null, null, null, null, null, List.of(), Map.of(), "null", null,
            null, null, null, null, null));
    }

    private static DubboFrame hb(final FlowKey k, final long frame, final long ms, final long id, final boolean request) {
        return new DubboFrame(frame, ms * MS, k, request ? Direction.A_TO_B : Direction.B_TO_A, request, request, true, true,
            2, "hessian2", request ? -1 : 20, request ? null : "OK", id, 1, 17, false, DubboBody.NONE);
    }

    private static ConversationRecord end(final FlowKey k, final long id, final String reason) {
        return new ConversationRecord(id, k, true, 1, 0, 0, 0, 0, 0, 0, "dubbo", 0, 0, 0, reason);
    }

    @Test
    void pairsByIdWithLatencyTimeoutsDuplicatesAndUnanswered() {
        final DubboTracker t = new DubboTracker();
        final FlowKey k = flow(40000);
        t.onEvent(req(k, 1, 0, 1, true));
        t.onEvent(req(k, 2, 1, 2, true));
        t.onEvent(req(k, 3, 2, 3, false));
        t.onEvent(resp(k, 4, 5, 2, 20));
        t.onEvent(resp(k, 5, 9, 1, 31));
        t.onEvent(req(k, 6, 10, 4, true));
        t.onEvent(req(k, 7, 11, 4, true)); // the same id while 4 is pending
        t.onEvent(resp(k, 8, 12, 99, 20)); // no such request
        t.onEvent(req(k, 9, 13, 5, true));
        t.onEvent(new TcpEvent(10, 14 * MS, k, Direction.A_TO_B, TcpEvent.FIN | TcpEvent.ACK, 0));
        t.onConversation(end(k, 0, "fin"));
        t.onEnd();
        final DubboTracker.Totals tot = t.totals();
        assertThat(tot.requests()).isEqualTo(6);
        assertThat(tot.responses()).isEqualTo(3);
        assertThat(tot.oneWay()).isEqualTo(1);
        assertThat(tot.timeouts()).isEqualTo(1);
        assertThat(tot.duplicateIds()).isEqualTo(1);
        assertThat(tot.unmatchedResponses()).isEqualTo(1);
        // the first id-4 request (superseded) and both pending at close
        assertThat(tot.unanswered()).isEqualTo(3);
        final List<DubboExchange> xs = t.exchanges();
        assertThat(xs.get(0).latencyNanos()).isEqualTo(9 * MS);
        assertThat(xs.get(0).timedOut()).isTrue();
        assertThat(xs.get(1).latencyNanos()).isEqualTo(4 * MS);
        assertThat(xs.get(2).state()).isEqualTo(DubboExchange.State.ONE_WAY);
        assertThat(xs.get(3).duplicateId()).isTrue();
        assertThat(xs.get(4).state()).isEqualTo(DubboExchange.State.UNANSWERED_AT_CLOSE);
        assertThat(xs.get(5).state()).isEqualTo(DubboExchange.State.UNANSWERED_AT_CLOSE);
        assertThat(t.connections().get(0).closeKind()).isEqualTo("FIN");
        assertThat(t.anomalies()).extracting(Anomaly::code).contains("dubbo.duplicate_request_id", "dubbo.unmatched_response");
        final MethodStats m = t.methods().get(0);
        assertThat(m.count()).isEqualTo(6);
        assertThat(m.latencyNanos(0.5)).isEqualTo(4 * MS);
        assertThat(m.maxLatencyNanos()).isEqualTo(9 * MS);
    }

    @Test
    void heartbeatsPairedWithIntervalsAndASilenceFlaggedAsMissed() {
        final DubboTracker t = new DubboTracker();
        final FlowKey k = flow(40001);
        long f = 1;
        for (int i = 0; i < 5; i++) {
            t.onEvent(hb(k, f++, i * 1000L, 100 + i, true));
            t.onEvent(hb(k, f++, i * 1000L + 1, 100 + i, false));
        }
        // 5 s of nothing (more than three 1 s intervals), then one more heartbeat
        t.onEvent(hb(k, f++, 9000, 200, true));
        t.onEvent(hb(k, f, 9001, 200, false));
        t.onConversation(end(k, 3, "end"));
        final DubboConnection c = t.connections().get(0);
        assertThat(c.clientHeartbeats().requests()).isEqualTo(6);
        assertThat(c.clientHeartbeats().responses()).isEqualTo(6);
        assertThat(c.clientHeartbeats().minIntervalNanos()).isEqualTo(1000 * MS);
        assertThat(c.missedHeartbeats()).isEqualTo(1);
        assertThat(t.totals().missedHeartbeats()).isEqualTo(1);
        assertThat(t.totals().heartbeats()).isEqualTo(12);
        assertThat(c.flowId()).isEqualTo(3);
    }

    @Test
    void aNewConnectionAfterAResetIsAReconnect() {
        final DubboTracker t = new DubboTracker();
        final FlowKey a = flow(40002);
        t.onEvent(new TcpEvent(1, 0, a, Direction.A_TO_B, TcpEvent.SYN, 0));
        t.onEvent(req(a, 2, 1, 1, true));
        t.onEvent(new TcpEvent(3, 2 * MS, a, Direction.B_TO_A, TcpEvent.RST, 0));
        t.onConversation(end(a, 0, "rst"));
        final FlowKey b = flow(40003);
        t.onEvent(new TcpEvent(4, 3 * MS, b, Direction.A_TO_B, TcpEvent.SYN, 1));
        t.onEvent(req(b, 5, 4, 1, true));
        t.onEvent(resp(b, 6, 5, 1, 20));
        t.onEnd();
        assertThat(t.connections()).hasSize(2);
        assertThat(t.connections().get(0).closeKind()).isEqualTo("RST");
        assertThat(t.connections().get(0).reconnect()).isFalse();
        assertThat(t.connections().get(1).reconnect()).isTrue();
        assertThat(t.connections().get(1).synNanos()).isEqualTo(3 * MS);
        assertThat(t.totals().reconnects()).isEqualTo(1);
        assertThat(t.exchanges().get(0).state()).isEqualTo(DubboExchange.State.UNANSWERED_AT_CLOSE);
    }

    @Test
    void pendingRequestsAndConnectionsAreBounded() {
        final DubboTracker t = new DubboTracker(new DubboTracker.Bounds(2, 3, 5, 4));
        final FlowKey k = flow(40004);
        for (int i = 0; i < 10; i++) {
            t.onEvent(req(k, i + 1, i, i, true));
        }
        t.onEvent(req(flow(40005), 20, 20, 1, true));
        t.onEvent(req(flow(40006), 21, 21, 1, true));
        t.onEnd();
        assertThat(t.exchanges()).hasSize(5);
        assertThat(t.totals().requests()).isEqualTo(12);
        assertThat(t.anomalies()).extracting(Anomaly::code)
            .contains("dubbo.pending_limit", "dubbo.exchange_limit", "dubbo.connection_limit");
        assertThat(t.totals().unanswered()).isEqualTo(12);
    }
}
