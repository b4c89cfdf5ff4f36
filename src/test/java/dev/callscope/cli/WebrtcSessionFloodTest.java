package dev.callscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.callscope.bench.HostileCaptures;
import dev.callscope.pcap.PcapWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One-packet STUN 5-tuples flooding in before a real WebRTC session: the session is still tracked,
 * with the same numbers as without the flood, and the output says what the bound dropped.
 */
class WebrtcSessionFloodTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path REAL = Path.of("samples/webrtc/chromium-loopback.pcap");
    private static final int FLOOD = 1100;

    /** {@code flood} one-packet STUN Binding requests, ending a millisecond before the real capture starts. */
    private static Path flooded(final Path dir, final int flood) throws IOException {
        final Path f = dir.resolve("stun-flood.pcap");
        final long t0 = HostileCaptures.firstTimestamp(REAL) - 1_000_000L - flood * 1000L;
        try (OutputStream os = Files.newOutputStream(f); PcapWriter w = HostileCaptures.writer(os)) {
            for (int i = 0; i < flood; i++) {
                final byte[] p = HostileCaptures.stunRequest(i);
                w.write(t0 + i * 1000L, p, 0, p.length, p.length);
            }
            HostileCaptures.copy(REAL, w);
        }
        return f;
    }

    private static JsonNode webrtc(final String file) throws IOException {
        final CliTest.Run r = CliTest.run("webrtc", "--json", file);
        assertThat(r.code()).as(r.err()).isZero();
        return JSON.readTree(r.out());
    }

    /**
     * The sessions with ICE usernames (the flood has none), without their index (their order of
     * creation), frame numbers counted from the end of a flood of {@code flood} frames.
     */
    private static JsonNode iceSessions(final JsonNode root, final int flood) {
        final var out = JSON.createArrayNode();
        for (final JsonNode s : root.get("sessions")) {
            if (!s.get("ufrags").isNull()) {
                final ObjectNode c = s.deepCopy();
                c.remove("index");
                shiftFrames(c, flood);
                out.add(c);
            }
        }
        return out;
    }

    private static void shiftFrames(final JsonNode n, final int by) {
        if (n instanceof ObjectNode o && o.has("frame")) {
            o.put("frame", o.get("frame").asLong() - by);
        }
        n.forEach(child -> shiftFrames(child, by));
    }

    @Test
    void aFloodOfOnePacketSessionsCannotHideTheRealOne(@TempDir final Path dir) throws IOException {
        final JsonNode alone = webrtc(REAL.toString());
        final JsonNode real = iceSessions(alone, 0);
        assertThat(real).isNotEmpty();
        assertThat(alone.get("dropped_sessions").asLong()).isZero();

        final Path f = flooded(dir, FLOOD);
        final JsonNode flooded = webrtc(f.toString());
        assertThat(iceSessions(flooded, FLOOD)).isEqualTo(real);
        final int realSessions = alone.get("sessions").size();
        final long dropped = FLOOD + realSessions - 1000L;
        assertThat(flooded.get("sessions")).hasSize(1000);
        assertThat(flooded.get("dropped_sessions").asLong()).isEqualTo(dropped);
        final JsonNode lim = flooded.get("limits");
        assertThat(lim.get("max_webrtc_sessions").asInt()).isEqualTo(1000);
        assertThat(lim.get("dropped_one_packet_sessions").asLong()).isEqualTo(dropped);
        assertThat(lim.get("dropped_sessions_without_progress").asLong()).isZero();
        assertThat(lim.get("untracked_packets").asLong()).isZero();
        // the oldest went first: the flood's first 5-tuples are gone, its last ones kept
        assertThat(flooded.get("sessions").get(0).get("flows").get(0).asText()).contains("10.3.0." + dropped + ":50000");

        final CliTest.Run text = CliTest.run("webrtc", f.toString());
        assertThat(text.out()).contains("ufrags " + real.get(0).get("ufrags").asText());
        assertThat(text.out()).contains("--max-webrtc-sessions 1000 reached: " + dropped
            + " sessions with one packet were dropped");
    }

    @Test
    void aSessionThatMadeProgressIsKeptAndLaterOnesAreCountedAsNotTracked(@TempDir final Path dir) throws IOException {
        final JsonNode alone = webrtc(REAL.toString());
        final int realSessions = alone.get("sessions").size();
        // room for the flood only: the real session still takes the place of the oldest one-packet one
        final Path before = flooded(dir, 5);
        final JsonNode j = JSON.readTree(CliTest.run("webrtc", "--json", "--max-webrtc-sessions", "5", before.toString()).out());
        assertThat(iceSessions(j, 5)).isEqualTo(iceSessions(alone, 0));
        assertThat(j.get("limits").get("dropped_one_packet_sessions").asLong()).isEqualTo(realSessions);

        // the flood after the real session, with room for the real one only: the flood is not tracked
        final Path after = dir.resolve("stun-after.pcap");
        final long t = HostileCaptures.firstTimestamp(REAL) + 3_600_000_000_000L;
        try (OutputStream os = Files.newOutputStream(after); PcapWriter w = HostileCaptures.writer(os)) {
            HostileCaptures.copy(REAL, w);
            for (int i = 0; i < 7; i++) {
                final byte[] p = HostileCaptures.stunRequest(i);
                w.write(t + i * 1000L, p, 0, p.length, p.length);
            }
        }
        final String max = Integer.toString(realSessions);
        final JsonNode k = JSON.readTree(CliTest.run("webrtc", "--json", "--max-webrtc-sessions", max, after.toString()).out());
        assertThat(iceSessions(k, 0)).isEqualTo(iceSessions(alone, 0));
        assertThat(k.get("limits").get("untracked_packets").asLong()).isEqualTo(7);
        assertThat(k.get("limits").get("dropped_one_packet_sessions").asLong()).isZero();
        assertThat(CliTest.run("webrtc", "--max-webrtc-sessions", max, after.toString()).out())
            .contains("--max-webrtc-sessions " + max + " reached: 7 packets that would have started a session were not tracked "
                + "(every kept session had made progress)");
    }

    @Test
    void oneInFlightJunkGoesBeforeJunkThatRepeatedItself(@TempDir final Path dir) throws IOException {
        final JsonNode alone = webrtc(REAL.toString());
        assertThat(alone.get("sessions")).hasSize(1);
        // three 5-tuples that asked twice and got no answer, then three that asked once, then the real session
        final Path f = dir.resolve("mixed.pcap");
        final long t0 = HostileCaptures.firstTimestamp(REAL) - 1_000_000_000L;
        try (OutputStream os = Files.newOutputStream(f); PcapWriter w = HostileCaptures.writer(os)) {
            final int[] order = {0, 0, 1, 1, 2, 2, 3, 4, 5};
            for (int k = 0; k < order.length; k++) {
                final byte[] p = HostileCaptures.stunRequest(order[k]);
                w.write(t0 + k * 1000L, p, 0, p.length, p.length);
            }
            HostileCaptures.copy(REAL, w);
        }
        final JsonNode j = JSON.readTree(CliTest.run("webrtc", "--json", "--max-webrtc-sessions", "3", f.toString()).out());
        // 3 came when no session had a single packet: 0, the oldest without progress, made room; then 4, 5
        // and the real session each took the place of the oldest one-packet session (3, 4, then 5), not of 1 or 2
        assertThat(j.get("limits").get("dropped_sessions_without_progress").asLong()).isEqualTo(1);
        assertThat(j.get("limits").get("dropped_one_packet_sessions").asLong()).isEqualTo(3);
        assertThat(j.get("sessions")).hasSize(3);
        assertThat(j.get("sessions").get(0).get("flows").get(0).asText()).contains("10.3.0.1:50000");
        assertThat(j.get("sessions").get(0).get("stun_messages").asLong()).isEqualTo(2);
        assertThat(j.get("sessions").get(1).get("flows").get(0).asText()).contains("10.3.0.2:50000");
        assertThat(iceSessions(j, 9)).isEqualTo(iceSessions(alone, 0));
        assertThat(CliTest.run("webrtc", "--max-webrtc-sessions", "3", f.toString()).out()).contains(
            "--max-webrtc-sessions 3 reached: 3 sessions with one packet were dropped, 1 session without progress "
                + "(no STUN answer, two-sided DTLS handshake or media) was dropped");
    }
}
