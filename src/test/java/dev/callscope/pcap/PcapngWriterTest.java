package dev.callscope.pcap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.callscope.core.LinkType;
import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.pcap.Frames.Frame;
import dev.callscope.testutil.SharedCaptures;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PcapngWriterTest {
    @TempDir
    Path tmp;

    @Test
    void roundTripWithDeclaredInterfaces() throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<RawFrame> sent = new ArrayList<>();
        try (PcapngWriter w = new PcapngWriter(bytes, "callscope test")) {
            assertThat(w.addInterface(LinkType.ETHERNET, 65535, "eth0")).isZero();
            assertThat(w.addInterface(LinkType.LINUX_SLL2, 128, "any")).isEqualTo(1);
            final int[] sizes = {0, 1, 2, 3, 4, 5, 1514, 70_000, RawFrame.MAX_CAPLEN, 61};
            for (int i = 0; i < sizes.length; i++) {
                final boolean sll = i % 2 == 1;
                final RawFrame f = Frames.frame(1_700_000_000_000_000_001L + i * 999_999_999L,
                        sll ? LinkType.LINUX_SLL2 : LinkType.ETHERNET, Frames.payload(sizes[i], i), sizes[i] + i);
                f.interfaceId = sll ? 1 : 0;
                sent.add(f);
                w.write(f);
            }
        }
        try (PacketSource s = Frames.open(bytes.toByteArray(), "w.pcapng")) {
            assertThat(((CaptureInfo) s).interfaces()).containsExactly(
                    new CaptureInterface(0, LinkType.ETHERNET, 65535, "eth0"),
                    new CaptureInterface(1, LinkType.LINUX_SLL2, 128, "any"));
            final List<Frame> got = Frames.readAll(s);
            assertThat(got).hasSize(sent.size());
            for (int i = 0; i < got.size(); i++) {
                final RawFrame want = sent.get(i);
                assertThat(got.get(i)).usingRecursiveComparison().isEqualTo(Frame.of(want));
            }
        }
    }

    @Test
    void undeclaredInterfacesAreDeclaredByLinkType() throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PcapngWriter w = new PcapngWriter(bytes, null)) {
            w.write(Frames.frame(1, LinkType.RAW, Frames.payload(5, 0), 5));
            final RawFrame eth = Frames.frame(2, LinkType.ETHERNET, Frames.payload(6, 0), 6);
            eth.interfaceId = 0; // declared, but with another link type
            w.write(eth);
            w.write(Frames.frame(3, LinkType.RAW, Frames.payload(7, 0), 7));
            assertThat(w.interfaceCount()).isEqualTo(2);
        }
        assertThat(Frames.readAll(bytes.toByteArray())).extracting(Frame::linkType, Frame::interfaceId, Frame::capLen)
                .containsExactly(tuple(LinkType.RAW, 0, 5), tuple(LinkType.ETHERNET, 1, 6), tuple(LinkType.RAW, 0, 7));
    }

    @Test
    void sharedCaptureSurvivesARoundTrip() throws IOException {
        final Path src = SharedCaptures.file("sip/sipnab__b2bua-asterisk.pcapng");
        final List<Frame> original;
        try (PacketSource s = CaptureFiles.open(src.toString())) {
            original = Frames.readAll(s);
        }
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PcapngWriter w = new PcapngWriter(bytes, "callscope"); PacketSource s = CaptureFiles.open(src.toString())) {
            copy(s, w);
        }
        assertThat(Frames.readAll(bytes.toByteArray())).usingRecursiveFieldByFieldElementComparator().isEqualTo(original);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rtp/heplify__rtp_rtcp_sip_ipv4_udp.pcap", "webrtc/ndpi__stun_google_meet.pcapng",
        "sip/heplify__sip_ipv4_tcp_retrans.pcap"})
    void tsharkReadsIdenticalPackets(final String capture) throws Exception {
        final Optional<Path> tshark = onPath("tshark");
        Assumptions.assumeTrue(tshark.isPresent(), "tshark is not on the PATH");
        final Path src = SharedCaptures.file(capture);
        final Path out = tmp.resolve("out.pcapng");
        final List<String> ours = new ArrayList<>();
        try (PcapngWriter w = new PcapngWriter(Files.newOutputStream(out), "callscope test");
                PacketSource s = CaptureFiles.open(src.toString())) {
            for (final CaptureInterface i : CaptureFiles.infos(s).get(0).interfaces()) {
                w.addInterface(i.linkType(), i.snaplen(), i.name());
            }
            final RawFrame f = new RawFrame();
            while (s.next(f)) {
                w.write(f);
                ours.add(f.origLen + "\t" + f.capLen + "\t" + new BigDecimal(f.tsNanos).movePointLeft(9).toPlainString());
            }
        }
        final List<String> fromCopy = fields(tshark.get(), out);
        assertThat(fromCopy).hasSize(ours.size());
        for (int i = 0; i < ours.size(); i++) {
            final String[] want = ours.get(i).split("\t");
            final String[] got = fromCopy.get(i).split("\t");
            assertThat(got).as("frame %d", i + 1).hasSize(3);
            assertThat(got[0]).as("frame.len of %d", i + 1).isEqualTo(want[0]);
            assertThat(got[1]).as("frame.cap_len of %d", i + 1).isEqualTo(want[1]);
            assertThat(new BigDecimal(got[2])).as("frame.time_epoch of %d", i + 1).isEqualByComparingTo(new BigDecimal(want[2]));
        }
        // and the copy reads exactly as the original does
        assertThat(fromCopy).isEqualTo(fields(tshark.get(), src));
    }

    private static void copy(final PacketSource s, final PcapngWriter w) throws IOException {
        final RawFrame f = new RawFrame();
        while (s.next(f)) {
            w.write(f);
        }
    }

    private List<String> fields(final Path tshark, final Path file) throws Exception {
        final Path stdout = Files.createTempFile(tmp, "tshark", ".out");
        final Path stderr = Files.createTempFile(tmp, "tshark", ".err");
        final Process p = new ProcessBuilder(tshark.toString(), "-n", "-r", file.toString(), "-T", "fields",
                "-e", "frame.len", "-e", "frame.cap_len", "-e", "frame.time_epoch")
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("tshark finished").isTrue();
        assertThat(p.exitValue()).as("tshark exit code; stderr: %s", Files.readString(stderr)).isZero();
        return Files.readAllLines(stdout, StandardCharsets.UTF_8);
    }

    private static Optional<Path> onPath(final String program) {
        final String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (final String dir : path.split(File.pathSeparator)) {
            final Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
