package dev.callscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callscope.bench.HostileCaptures;
import dev.callscope.core.ReassemblyBudget;
import dev.callscope.pcap.PcapWriter;
import dev.callscope.testutil.SharedCaptures;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Floods of reassemblies that never complete, generated here, through the commands: what is held
 * stays within --reassembly-budget, every drop is counted and reported, and genuine reassembly
 * after the flood still completes.
 */
class ReassemblyBudgetCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long BUDGET = 256 * 1024;

    /** The flood's packets, then the genuine ones, a microsecond apart. */
    private static Path capture(final Path dir, final int flood, final IntFunction<byte[]> packet,
                                final byte[]... genuine) throws IOException {
        final Path f = dir.resolve("flood.pcap");
        try (OutputStream os = Files.newOutputStream(f); PcapWriter w = HostileCaptures.writer(os)) {
            long t = HostileCaptures.T0;
            for (int i = 0; i < flood; i++) {
                final byte[] p = packet.apply(i);
                w.write(t += 1000, p, 0, p.length, p.length);
            }
            for (final byte[] p : genuine) {
                w.write(t += 1000, p, 0, p.length, p.length);
            }
        }
        return f;
    }

    private static JsonNode json(final String... args) throws IOException {
        final CliTest.Run r = CliTest.run(args);
        assertThat(r.code()).as(r.err()).isZero();
        return JSON.readTree(r.out());
    }

    private static long frames(final JsonNode nodes, final String protocol) {
        long n = 0;
        for (final JsonNode x : nodes) {
            if (x.get("protocol").asText().equals(protocol)) {
                n += x.get("frames").asLong();
            }
            if (x.has("children")) {
                n += frames(x.get("children"), protocol);
            }
        }
        return n;
    }

    @Test
    void ipFragmentFloodIsHeldWithinTheBudgetAndARealDatagramStillCompletes(@TempDir final Path dir) throws IOException {
        final int flood = 5000;
        final Path f = capture(dir, flood, HostileCaptures::ipFragment, HostileCaptures.fragmentedSip(4242, 3000));
        final JsonNode j = json("read", "--json", "--reassembly-budget", Long.toString(BUDGET), f.toString());
        final JsonNode r = j.get("reassembly");
        assertThat(r.get("budget_bytes").asLong()).isEqualTo(BUDGET);
        // each lone fragment costs its 8 bytes and the bookkeeping, never the 65528 bytes it implies
        final long each = 8 + ReassemblyBudget.ENTRY_OVERHEAD;
        assertThat(r.get("peak_bytes").asLong()).isBetween(BUDGET - each, BUDGET);
        final long drops = r.get("dropped_by_kind").get("ip_datagrams").asLong();
        assertThat(drops).isBetween(flood - BUDGET / each, (long) flood);
        assertThat(r.get("dropped").asLong()).isEqualTo(drops);
        assertThat(j.get("anomalies").get("by_code").get("reassembly.budget_exceeded").asLong()).isEqualTo(drops);
        // the SIP MESSAGE in three fragments after the flood is reassembled and parsed
        assertThat(frames(j.get("protocol_hierarchy"), "sip")).isEqualTo(1);

        final CliTest.Run text = CliTest.run("read", "--reassembly-budget", Long.toString(BUDGET), f.toString());
        assertThat(text.out()).contains("Reassembly:   budget of " + BUDGET + " bytes exceeded",
            "dropped the oldest " + drops + " IP datagrams; --reassembly-budget raises it");
    }

    @Test
    void withTheDefaultBudgetTheFloodMeetsOnlyThePendingDatagramCap(@TempDir final Path dir) throws IOException {
        final Path f = capture(dir, 5000, HostileCaptures::ipFragment, HostileCaptures.fragmentedSip(4242, 3000));
        final JsonNode j = json("read", "--json", f.toString());
        final JsonNode r = j.get("reassembly");
        assertThat(r.get("budget_bytes").asLong()).isEqualTo(64L * 1024 * 1024);
        assertThat(r.get("dropped").asLong()).isZero();
        // past --ip-max-pending the oldest datagram goes, and says so (the flood's and the SIP one's first fragment)
        assertThat(j.get("anomalies").get("by_code").get("ip.pending_limit").asLong()).isEqualTo(5000 + 1 - 4096);
        // --ip-max-pending (4096) lone fragments at most, and the SIP datagram
        assertThat(r.get("peak_bytes").asLong()).isLessThanOrEqualTo(4096 * (8 + ReassemblyBudget.ENTRY_OVERHEAD) + 8192);
        assertThat(frames(j.get("protocol_hierarchy"), "sip")).isEqualTo(1);
    }

    @Test
    void dtlsFragmentFloodIsHeldWithinTheBudgetAndARealHandshakeStillCompletes(@TempDir final Path dir)
            throws IOException {
        final int flood = 3200; // 400 5-tuples, 8 messages each, every one announcing 256 KiB
        final Path f = capture(dir, flood, HostileCaptures::dtlsFragment, HostileCaptures.fragmentedClientHello());
        final String budget = Long.toString(BUDGET);
        final JsonNode j = json("read", "--json", "--reassembly-budget", budget, f.toString());
        final JsonNode r = j.get("reassembly");
        final long each = HostileCaptures.DTLS_FRAGMENT + ReassemblyBudget.ENTRY_OVERHEAD;
        assertThat(r.get("peak_bytes").asLong()).isBetween(BUDGET - each, BUDGET);
        final long drops = r.get("dropped_by_kind").get("dtls_handshakes").asLong();
        assertThat(drops).isBetween(flood - BUDGET / each, (long) flood);
        assertThat(r.get("dropped").asLong()).isEqualTo(drops);
        assertThat(j.get("anomalies").get("by_code").get("reassembly.budget_exceeded").asLong()).isEqualTo(drops);

        final JsonNode w = json("webrtc", "--json", "--reassembly-budget", budget, f.toString());
        JsonNode real = null;
        for (final JsonNode s : w.get("sessions")) {
            if (s.get("flows").get(0).asText().contains("10.5.0.1:41000")) {
                real = s;
            }
        }
        assertThat(real).as("the session of the genuine ClientHello").isNotNull();
        assertThat(real.get("dtls").get("handshake")).hasSize(1);
        assertThat(real.get("dtls").get("handshake").get(0).get("type").asText()).isEqualTo("ClientHello");
        assertThat(real.get("dtls").get("offered_srtp_profiles").get(0).asText()).isEqualTo("SRTP_AES128_CM_HMAC_SHA1_80");
    }

    /**
     * Captures with IP fragments, TCP segments, fragmented DTLS handshakes and WebSocket messages
     * decode alike under the default budget and one that can never be reached, with nothing dropped.
     */
    @Test
    void realFragmentedCapturesDropNothingUnderTheDefaultBudget() throws IOException {
        final Map<String, List<String>> runs = new LinkedHashMap<>();
        runs.put("sip/sngrep__ipv6frag.pcap", List.of("read", "sip"));
        runs.put("sip/heplify__sip_ipv4_tcp_fragmented.pcap", List.of("read", "sip"));
        runs.put("sip/heplify__sip_tcp_websocket.pcap", List.of("read", "sip"));
        runs.put("webrtc/ndpi__dtls_certificate_fragments.pcap", List.of("read", "webrtc"));
        runs.put("webrtc/ndpi__stun_dtls_rtp.pcapng", List.of("webrtc"));
        for (final Map.Entry<String, List<String>> run : runs.entrySet()) {
            final String name = run.getKey();
            final String f = SharedCaptures.file(name).toString();
            for (final String command : run.getValue()) {
                final JsonNode normal = json(command, "--json", f);
                final JsonNode unbounded = json(command, "--json", "--reassembly-budget", Long.toString(1L << 40), f);
                if (command.equals("read")) {
                    assertThat(normal.get("reassembly").get("dropped").asLong()).as(name).isZero();
                    assertThat(normal.get("reassembly").get("peak_bytes").asLong()).as(name)
                        .isEqualTo(unbounded.get("reassembly").get("peak_bytes").asLong());
                    ((com.fasterxml.jackson.databind.node.ObjectNode) normal.get("reassembly")).remove("budget_bytes");
                    ((com.fasterxml.jackson.databind.node.ObjectNode) unbounded.get("reassembly")).remove("budget_bytes");
                }
                assertThat(normal).as(command + " " + name).isEqualTo(unbounded);
            }
        }
    }
}
