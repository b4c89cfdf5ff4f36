package dev.callscope.cli;

import static dev.callscope.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.pcap.CaptureFiles;
import dev.callscope.testutil.SharedCaptures;
import dev.callscope.testutil.Tshark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code calls -w} / {@code sip -w}: the selected calls' frames copied byte for byte, checked with
 * tshark against the original capture.
 */
@Timeout(120)
class PacketExportTest {
    @TempDir
    Path dir;

    /** Every frame of the capture, as "time bytes" strings. */
    private static List<String> frames(final Path file) throws IOException {
        final List<String> all = new ArrayList<>();
        try (PacketSource s = CaptureFiles.open(file.toString())) {
            final RawFrame f = new RawFrame();
            while (s.next(f)) {
                all.add(f.tsNanos + " " + f.linkType + " " + f.origLen + " " + Arrays.toString(Arrays.copyOf(f.data, f.capLen)));
            }
        }
        return all;
    }

    @Test
    void everyFrameOfACaptureOfOneCallGivesThePcapItself() throws IOException {
        final Path out = dir.resolve("all.pcap");
        final CliTest.Run r = run("calls", "-w", out.toString(), "samples/sip-call.pcap");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(Path.of("samples/sip-call.pcap")));
    }

    @Test
    void oneCallWithItsRtpOpensInTsharkWithTheSameMessagesAndStreams() throws Exception {
        final Path in = SharedCaptures.file("sip/sipnab__sip-rtp-g711.pcap");
        assumeThat(Tshark.available()).isTrue();
        final Path out = dir.resolve("call1.pcapng");
        final CliTest.Run r = run("calls", "-q", "--call-id", "^1-1966@", "-w", out.toString(), in.toString());
        assertThat(r.code()).as(r.err()).isZero();
        // tshark reads it as pcapng; its frames are frames of the input, byte for byte, in order
        assertThat(Tshark.run(out, "-T", "fields", "-e", "frame.encap_type").lines().toList()).isNotEmpty();
        final List<String> inFrames = frames(in);
        final List<String> outFrames = frames(out);
        assertThat(inFrames).containsSubsequence(outFrames);
        // the SIP of the selected call only, all of it
        final String sipIn = Tshark.run(in, "-Y", "sip.Call-ID == \"1-1966@10.0.2.20\"", "-T", "fields",
            "-e", "frame.time_epoch", "-e", "sip.CSeq");
        final String sipOut = Tshark.run(out, "-Y", "sip", "-T", "fields", "-e", "frame.time_epoch", "-e", "sip.CSeq");
        assertThat(sipOut).isNotBlank().isEqualTo(sipIn);
        // each RTP stream tshark finds in the export has all its packets of the original
        final TreeMap<String, Long> rtpOut = count(Tshark.run(out, "-Y", "rtp", "-T", "fields", "-e", "rtp.ssrc"));
        final TreeMap<String, Long> rtpIn = count(Tshark.run(in, "-Y", "rtp", "-T", "fields", "-e", "rtp.ssrc"));
        assertThat(rtpOut).isNotEmpty();
        rtpOut.forEach((ssrc, n) -> assertThat(n).as(ssrc).isEqualTo(rtpIn.get(ssrc)));
        // and callscope reads the same call from it (frames are numbered anew)
        final CliTest.Run again = run("calls", "--jsonl", out.toString());
        final CliTest.Run orig = run("calls", "--jsonl", "--call-id", "^1-1966@", in.toString());
        assertThat(renumber(again.out())).contains("\"packets\":425").isEqualTo(renumber(orig.out()));
    }

    @Test
    void sipOverTcpKeepsTheSegmentsOfEachMessage() throws Exception {
        final Path in = SharedCaptures.file("sip/heplify__sip_ipv4_tcp_fragmented.pcap");
        assumeThat(Tshark.available()).isTrue();
        final Path out = dir.resolve("busy.pcap");
        final CliTest.Run r = run("sip", "-q", "--state", "BUSY,CANCELLED", "-w", out.toString(), in.toString());
        assertThat(r.code()).as(r.err()).isZero();
        final Set<String> ids = new HashSet<>(Tshark.run(out, "-d", "tcp.port==6060,sip", "-Y", "sip", "-T", "fields",
            "-e", "sip.Call-ID").lines().toList());
        assertThat(ids).hasSizeGreaterThan(1);
        // tshark reassembles every message of those calls from the export as from the original
        final String filter = "sip.Call-ID in {" + String.join(" ", ids.stream().map(i -> "\"" + i + "\"").toList()) + "}";
        final String[] fields = {"-T", "fields", "-e", "frame.time_epoch", "-e", "sip.Call-ID", "-e", "sip.CSeq", "-e", "sip.Status-Code"};
        final List<String> a = new ArrayList<>(List.of("-d", "tcp.port==6060,sip", "-Y", filter));
        a.addAll(List.of(fields));
        assertThat(Tshark.run(out, a.toArray(String[]::new))).isEqualTo(Tshark.run(in, a.toArray(String[]::new)));
    }

    private static String renumber(final String jsonl) {
        return jsonl.replaceAll("\"(max_delta_)?frame\":\\d+", "\"$1frame\":_");
    }


    @Test
    void standardInputIsRefusedBeforeReading() {
        final CliTest.Run r = run("calls", "-w", dir.resolve("x.pcap").toString(), "-");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).startsWith("callscope: -w: standard input cannot be read twice");
        assertThat(dir.resolve("x.pcap")).doesNotExist();
    }

    @Test
    void anInputFileOrADirectoryIsRefused() throws IOException {
        final Path copy = dir.resolve("in.pcap");
        Files.copy(Path.of("samples/sip-call.pcap"), copy);
        final CliTest.Run r = run("calls", "-w", copy.toString(), copy.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.INPUT);
        assertThat(r.err()).contains("is an input file");
        assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(Path.of("samples/sip-call.pcap")));
        assertThat(run("calls", "-w", dir.toString(), "samples/sip-call.pcap").code()).isEqualTo(ExitCodes.INPUT);
    }

    @Test
    void theFormatFollowsTheNameThenTheInput() {
        assertThat(PacketExport.format("a.pcapng", "pcap")).isEqualTo(PacketExport.Format.PCAPNG);
        assertThat(PacketExport.format("a.PCAP", "pcapng")).isEqualTo(PacketExport.Format.PCAP);
        assertThat(PacketExport.format("a.out", "pcap (gzip)")).isEqualTo(PacketExport.Format.PCAP);
        assertThat(PacketExport.format("a.out", "pcapng")).isEqualTo(PacketExport.Format.PCAPNG);
    }

    private static TreeMap<String, Long> count(final String lines) {
        final TreeMap<String, Long> m = new TreeMap<>();
        lines.lines().filter(l -> !l.isBlank()).forEach(l -> m.merge(l, 1L, Long::sum));
        return m;
    }
}
