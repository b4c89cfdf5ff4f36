package dev.callscope.hep;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callscope.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HEP inside a capture file (what a collector's capture holds): the SIP messages read from it are
 * the agent's, with their original addresses, ports and capture times, for HEPv3 and HEPv2, on the
 * HEP port or found by the HEPv3 magic, over UDP and TCP.
 */
class HepInCaptureTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long DELAY = 1_000_000L; // the collector gets each packet 1 ms after the agent saw it
    @TempDir
    Path tmp;

    static JsonNode json(final String... args) throws IOException {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        assertThat(code).as("exit of %s: %s", String.join(" ", args), err).isZero();
        return JSON.readTree(out.toString());
    }

    /** What identifies a SIP message apart from its frame number. */
    static List<String> messages(final JsonNode sip) {
        final List<String> l = new ArrayList<>();
        for (final JsonNode m : sip.get("messages")) {
            l.add(m.get("ts").asText() + " " + m.get("src").asText() + " > " + m.get("dst").asText() + " "
                + m.get("transport").asText() + " " + (m.hasNonNull("method") ? m.get("method").asText() : m.get("status_code").asText())
                + " " + m.get("cseq").asText() + " " + m.get("call_id").asText());
        }
        return l;
    }

    private Path hepCapture(final String sample, final int port, final Function<HepCaptures.Sip, byte[]> wrap)
        throws IOException {
        final List<byte[]> d = new ArrayList<>();
        final List<Long> t = new ArrayList<>();
        for (final HepCaptures.Sip s : HepCaptures.sipPackets(Path.of("samples", sample))) {
            d.add(HepCaptures.udpToCollector(port, wrap.apply(s)));
            t.add(s.tsNanos() + DELAY);
        }
        return HepCaptures.write(tmp.resolve("hep-" + port + "-" + sample + ".pcapng"), d, t);
    }

    @Test
    void hep3OnItsPortGivesTheSameMessagesAsTheOriginal() throws IOException {
        final Path hep = hepCapture("sip-call.pcap", 9060, s -> HepCaptures.hep3(s, 2001, "c"));
        final JsonNode want = json("sip", "--json", "samples/sip-call.pcap");
        final JsonNode got = json("sip", "--json", hep.toString());
        assertThat(messages(got)).hasSize(7).isEqualTo(messages(want));
        final JsonNode calls = json("calls", "--json", hep.toString());
        final JsonNode orig = json("calls", "--json", "samples/sip-call.pcap");
        assertThat(calls.get("calls").get(0).get("state").asText()).isEqualTo(orig.get("calls").get(0).get("state").asText())
            .isEqualTo("COMPLETED");
        assertThat(calls.get("calls").get(0).get("timings")).isEqualTo(orig.get("calls").get(0).get("timings"));
        final JsonNode read = json("read", "--json", hep.toString());
        assertThat(read.get("malformed").asLong()).isZero();
        assertThat(read.toString()).contains("\"hep\"");
    }

    @Test
    void hep3OnAnyPortIsFoundByItsMagic() throws IOException {
        final Path hep = hepCapture("sip-call.pcap", 9999, s -> HepCaptures.hep3(s, 1, null));
        assertThat(messages(json("sip", "--json", hep.toString())))
            .isEqualTo(messages(json("sip", "--json", "samples/sip-call.pcap")));
    }

    @Test
    void hep2AsKamailioSendsIt() throws IOException {
        final Path hep = hepCapture("sip-call.pcap", 9060, s -> HepCaptures.hep2(s, 1));
        assertThat(messages(json("sip", "--json", hep.toString())))
            .isEqualTo(messages(json("sip", "--json", "samples/sip-call.pcap")));
    }

    @Test
    void sipOverTcpInHepIsReassembledLikeTheConnection() throws IOException {
        final Path hep = hepCapture("sip-tcp.pcap", 9060, s -> HepCaptures.hep3(s, 1, null));
        final List<String> want = messages(json("sip", "--json", "samples/sip-tcp.pcap"));
        assertThat(want).hasSize(14);
        assertThat(messages(json("sip", "--json", hep.toString()))).isEqualTo(want);
        assertThat(json("calls", "--json", hep.toString()).get("total_calls").asInt()).isEqualTo(2);
    }

    @Test
    void badHepIsMalformedWithItsReasonAndTheRestIsRead() throws IOException {
        final List<HepCaptures.Sip> sip = HepCaptures.sipPackets(Path.of("samples", "sip-call.pcap"));
        final List<byte[]> d = new ArrayList<>();
        final List<Long> t = new ArrayList<>();
        for (final HepCaptures.Sip s : sip) {
            d.add(HepCaptures.udpToCollector(9060, HepCaptures.hep3(s, 1, null)));
            t.add(s.tsNanos() + DELAY);
        }
        final byte[] bad = HepCaptures.hep3(sip.get(0), 1, null);
        bad[6 + 5] = (byte) 250; // the first chunk runs past the packet
        d.add(1, HepCaptures.udpToCollector(9060, bad));
        t.add(1, t.get(0));
        final Path f = HepCaptures.write(tmp.resolve("bad.pcapng"), d, t);
        final JsonNode read = json("read", "--json", f.toString());
        assertThat(read.get("malformed").asLong()).isEqualTo(1);
        assertThat(read.get("anomalies").toString()).contains("hep.bad_chunk");
        assertThat(json("sip", "--json", f.toString()).get("messages")).hasSize(7);
    }
}
