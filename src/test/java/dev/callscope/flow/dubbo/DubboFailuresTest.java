package dev.callscope.flow.dubbo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.callscope.flow.webrtc.WebrtcTestRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The failures Dubbo users chase, recorded from a real Dubbo 3.2.16 provider and consumer
 * (samples/dubbo-failures), against the recording's tshark view (a Lua dissector for the dubbo
 * protocol; tshark 4.0 has none): status codes on the wire, who closed a connection after how many
 * unanswered heartbeats, reconnects and the calls lost.
 */
class DubboFailuresTest {
    private static final Path DIR = Path.of("samples/dubbo-failures");

    /** Rows of a recording's TSV as column name → value. */
    private static List<Map<String, String>> tsv(final String name) throws Exception {
        final List<String> lines = Files.readAllLines(DIR.resolve(name + ".tshark.tsv"));
        final String[] head = lines.get(0).split("\t", -1);
        final List<Map<String, String>> rows = new ArrayList<>();
        for (final String l : lines.subList(1, lines.size())) {
            final String[] f = l.split("\t", -1);
            final Map<String, String> m = new TreeMap<>();
            for (int i = 0; i < head.length && i < f.length; i++) {
                m.put(head[i], f[i]);
            }
            rows.add(m);
        }
        return rows;
    }

    private static DubboTracker run(final String name) throws Exception {
        final DubboTracker t = new DubboTracker();
        WebrtcTestRuns.run(DIR.resolve(name + ".pcap"), t);
        return t;
    }

    @Test
    void responseStatusesEqualTheWire() throws Exception {
        for (final String name : List.of("dubbo-pool-exhausted", "dubbo-serialization-failure", "dubbo-late-response",
            "dubbo-payload-limit")) {
            final Map<Integer, Long> wire = new TreeMap<>();
            for (final Map<String, String> r : tsv(name)) {
                // responses that are not heartbeats; several frames in one segment are joined with commas
                final String[] req = r.getOrDefault("dubbo.is_request", "").split(",");
                final String[] status = r.getOrDefault("dubbo.status", "").split(",");
                final String[] hb = r.getOrDefault("dubbo.heartbeat", "").split(",");
                for (int i = 0; i < status.length; i++) {
                    if (!status[i].isEmpty() && i < req.length && !req[i].equals("1") && !req[i].equalsIgnoreCase("true")
                        && !(i < hb.length && (hb[i].equals("1") || hb[i].equalsIgnoreCase("true")))) {
                        wire.merge(Integer.parseInt(status[i]), 1L, Long::sum);
                    }
                }
            }
            final Map<Integer, Long> ours = new TreeMap<>();
            run(name).exchanges().stream().filter(x -> x.response() != null)
                .forEach(x -> ours.merge(x.response().status(), 1L, Long::sum));
            assertThat(ours).as(name).isEqualTo(wire).isNotEmpty();
        }
    }

    @Test
    void frozenProviderHeartbeatsCloseAndReconnect() throws Exception {
        final String name = "dubbo-frozen-provider";
        // from the wire: per client port, its SYN time and its first FIN or RST (time and sender)
        final Map<String, Double> syn = new TreeMap<>();
        final Map<String, Double> close = new TreeMap<>();
        final Map<String, String> closer = new TreeMap<>();
        for (final Map<String, String> r : tsv(name)) {
            final String flags = r.get("tcp.flags.str");
            final boolean fromClient = r.get("tcp.dstport").equals("20880");
            final String port = fromClient ? r.get("tcp.srcport") : r.get("tcp.dstport");
            final double ts = Double.parseDouble(r.get("frame.time_epoch"));
            if (flags.contains("S") && !flags.contains("A")) {
                syn.put(port, ts);
            }
            if ((flags.contains("F") || flags.contains("R")) && !close.containsKey(port)) {
                close.put(port, ts);
                closer.put(port, fromClient ? "consumer" : "provider");
            }
        }
        final DubboTracker t = run(name);
        final List<DubboConnection> cs = t.connections();
        assertThat(cs).hasSize(syn.size());
        for (final DubboConnection c : cs) {
            final String port = Integer.toString(c.client().port());
            assertThat(c.closedBy()).as("connection from %s", port).isEqualTo(closer.get(port));
            assertThat(c.closeNanos() / 1e9).isCloseTo(close.get(port), within(1e-6));
        }
        // the first connection: closed by the consumer after 3 heartbeats went unanswered (the README's count)
        assertThat(cs.get(0).unansweredHeartbeats()).isEqualTo(3);
        assertThat(cs.get(0).closedBy()).isEqualTo("consumer");
        // each later one is a reconnect: from the earlier close to its SYN
        for (int i = 1; i < cs.size(); i++) {
            final DubboConnection prev = cs.get(i - 1);
            final DubboConnection c = cs.get(i);
            assertThat(c.reconnect()).isTrue();
            assertThat(c.reconnectGapNanos() / 1e9).isCloseTo(syn.get(Integer.toString(c.client().port()))
                - close.get(Integer.toString(prev.client().port())), within(1e-6));
        }
        assertThat(t.totals().reconnects()).isEqualTo(cs.size() - 1);
        // the calls lost when a connection closed are the unanswered ones
        assertThat(cs.stream().mapToLong(DubboConnection::lostAtClose).sum()).isEqualTo(t.totals().unanswered());
    }
}
