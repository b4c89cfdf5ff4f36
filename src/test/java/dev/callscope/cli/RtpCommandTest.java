package dev.callscope.cli;

import static dev.callscope.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callscope.testutil.SharedCaptures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rtp command: table, JSON fields, time series, WAV export, and the media of calls and ladders. */
class RtpCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void tableLooksLikeTsharkPlusMosAndDtmf() {
        final CliTest.Run r = run("rtp", "--rtp-heuristic", SharedCaptures.file("rtp/sipp__dtmf_2833_1.pcap").toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("0x0E05384E", "telephone-event/8000", "-2 (-25.0%)", "MOS~", "1 RTP streams", "rfc4733");
    }

    @Test
    void withoutTheHeuristicUnsignalledRtpIsNotFound() {
        final CliTest.Run r = run("rtp", SharedCaptures.file("rtp/sipp__g711a.pcap").toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("0 RTP streams");
    }

    @Test
    void jsonStreamFields() throws Exception {
        final CliTest.Run r = run("rtp", "--json", "--rtp-heuristic", "--interval", "1s",
            SharedCaptures.file("rtp/rtpproxy__lost.a.rtp.pcap").toString());
        assertThat(r.code()).isZero();
        final JsonNode s = JSON.readTree(r.out()).get("streams").get(0);
        for (final String f : List.of("ts", "frame", "flow_id", "proto", "ssrc", "src", "dst", "payload_type", "codec", "packets",
            "expected", "lost", "lost_percent", "sequence_errors", "max_delta_ms", "mean_jitter_ms", "max_jitter_ms", "max_skew_ms",
            "mos_estimate", "dtmf", "duplicates", "out_of_order", "intervals")) {
            assertThat(s.has(f)).as(f).isTrue();
        }
        assertThat(s.get("ssrc").asText()).isEqualTo("0x0A7328F3");
        assertThat(s.get("payload_type").asInt()).isEqualTo(18);
        assertThat(s.get("lost").asInt()).isEqualTo(321);
        assertThat(s.get("max_delta_ms").asDouble()).isEqualTo(280.388);
        assertThat(s.get("intervals").size()).isGreaterThan(4);
    }

    @Test
    void exportWavWritesG711Streams(@TempDir final Path dir) throws Exception {
        final Path out = dir.resolve("audio");
        final CliTest.Run r = run("rtp", "--rtp-heuristic", "--export-wav", out.toString(),
            SharedCaptures.file("rtp/sipp__g711a.pcap").toString());
        assertThat(r.code()).isZero();
        assertThat(r.err()).contains("1 WAV file written");
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("stream-1-0xDEE0EE8F.wav");
        }
        assertThat(Files.size(out.resolve("stream-1-0xDEE0EE8F.wav"))).isEqualTo(44 + 2L * 236 * 240);
    }

    @Test
    void badIntervalIsAUsageError() {
        assertThat(run("rtp", "--interval", "soon", SharedCaptures.file("rtp/sipp__g711a.pcap").toString()).code()).isEqualTo(2);
    }

    @Test
    void callsJsonCarriesStreamsAndVerdict() throws Exception {
        final CliTest.Run r = run("calls", "--json", SharedCaptures.file("sip/sipnab__sip-rtp-g711.pcap").toString());
        assertThat(r.code()).isZero();
        final JsonNode calls = JSON.readTree(r.out()).get("calls");
        assertThat(calls.get(0).get("streams").get(0).get("codec").asText()).isEqualTo("PCMU/8000");
        assertThat(calls.get(0).get("streams").get(0).get("packets").asInt()).isEqualTo(425);
        assertThat(calls.get(0).get("media_verdict").asText()).isEqualTo("one-way audio"); // sendonly / recvonly
        assertThat(calls.get(1).get("streams").get(0).get("codec").asText()).isEqualTo("PCMA/8000");
    }

    @Test
    void ladderDrawsABarPerStream() {
        final CliTest.Run r = run("ladder", "--ascii", "--width", "200", "--call", "1",
            SharedCaptures.file("sip/sipnab__sip-rtp-g711.pcap").toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("RTP PCMU").doesNotContain("RTP PCMA"); // the renderer may shorten the label
    }
}
