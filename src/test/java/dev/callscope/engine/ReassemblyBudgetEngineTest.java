package dev.callscope.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.bench.HostileCaptures;
import dev.callscope.core.Limits;
import dev.callscope.core.PacketSource;
import dev.callscope.core.ReassemblyBudget;
import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.tap.Tap;
import dev.callscope.dissect.sip.SipMessage;
import dev.callscope.pcap.CaptureFiles;
import dev.callscope.pcap.PcapWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The budget through the engine, on one thread and with decoding ahead on a second one. */
class ReassemblyBudgetEngineTest {
    private static final long BUDGET = 256 * 1024;

    private static final class Seen implements Tap {
        long sip;
        long budgetAnomalies;
        ReassemblyBudget.Report report;

        @Override
        public boolean wants(final Class<? extends ProtocolEvent> type) {
            return type == SipMessage.class;
        }

        @Override
        public void onEvent(final ProtocolEvent e) {
            sip++;
        }

        @Override
        public void onAnomaly(final Anomaly a) {
            if (a.code().equals("reassembly.budget_exceeded")) {
                budgetAnomalies++;
            }
        }

        @Override
        public void onReassembly(final ReassemblyBudget.Report r) {
            report = r;
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void ipFloodThenARealDatagram(final boolean decodeAhead, @TempDir final Path dir) throws IOException {
        final int flood = 5000;
        final Path f = dir.resolve("ip-flood.pcap");
        try (OutputStream os = Files.newOutputStream(f); PcapWriter w = HostileCaptures.writer(os)) {
            long t = HostileCaptures.T0;
            for (int i = 0; i < flood; i++) {
                final byte[] p = HostileCaptures.ipFragment(i);
                w.write(t += 1000, p, 0, p.length, p.length);
            }
            for (final byte[] p : HostileCaptures.fragmentedSip(7, 4000)) {
                w.write(t += 1000, p, 0, p.length, p.length);
            }
        }
        final Limits limits = new Limits();
        limits.reassemblyBudget = BUDGET;
        final Seen seen = new Seen();
        final Engine engine = new Engine(DissectorRegistry.builtIn(Set.of()),
            new EngineOptions(limits, List.of(), decodeAhead), List.of(seen));
        try (PacketSource src = CaptureFiles.open(f.toString())) {
            engine.run(src);
        }
        final ReassemblyBudget.Report r = seen.report;
        assertThat(r.limit()).isEqualTo(BUDGET);
        assertThat(r.peakBytes()).isLessThanOrEqualTo(BUDGET);
        // what the flood left pending at the end (the SIP datagram completed and gave its bytes back)
        assertThat(r.heldBytes()).isBetween(1L, BUDGET);
        assertThat(r.drops(ReassemblyBudget.Kind.IP_DATAGRAM)).isGreaterThan(flood / 2);
        assertThat(seen.budgetAnomalies).isPositive();
        assertThat(seen.sip).isEqualTo(1);
    }
}
