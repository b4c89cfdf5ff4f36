package dev.callscope.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.callscope.core.InputException;
import dev.callscope.core.InputException.Kind;
import dev.callscope.core.LinkType;
import dev.callscope.core.RawFrame;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Pcap4jFileSource: checks before libpcap run anywhere; the rest is tagged live (needs libpcap). */
class Pcap4jFileSourceTest {
    @TempDir
    Path tmp;

    private static int count(final Pcap4jFileSource src) throws Exception {
        final RawFrame f = new RawFrame();
        int n = 0;
        while (src.next(f)) {
            n++;
        }
        return n;
    }

    private Path tinyPcap() throws Exception {
        return new TestCaptures.PcapBuilder(LinkType.ETHERNET, 65535)
                .add(1_700_000_000L, 123_456_789, TestCaptures.ethIpv4(17, 5060, 5060, "udp one".getBytes(StandardCharsets.US_ASCII)), 1000)
                .add(1_700_000_001L, 1, TestCaptures.ethIpv4(6, 40000, 5060, "tcp one".getBytes(StandardCharsets.US_ASCII)), 61)
                .add(1_700_000_002L, 999_999_999, TestCaptures.ethIpv4(17, 1234, 9999, "udp two".getBytes(StandardCharsets.US_ASCII)), 49)
                .write(tmp.resolve("tiny.pcap"));
    }

    @Test
    void missingFileIsNotFound() {
        final String path = tmp.resolve("nope.pcap").toString();
        assertThatThrownBy(() -> Pcap4jFileSource.open(path, "udp"))
                .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND))
                .hasMessage("no such file: " + path);
    }

    @Test
    void directoryIsNotACapture() {
        assertThatThrownBy(() -> Pcap4jFileSource.open(tmp.toString(), null))
                .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_A_CAPTURE));
    }

    @Test
    @Tag("live")
    void badFilterOnARealFileIsBadFilterWithLibpcapMessage() throws Exception {
        final Path file = tinyPcap();
        assertThatThrownBy(() -> Pcap4jFileSource.open(file.toString(), "udp and and port"))
                .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.kind()).isEqualTo(Kind.BAD_FILTER))
                .hasMessageStartingWith("bad capture filter \"udp and and port\": ")
                .hasMessageContaining("syntax error")
                .hasMessageNotContaining("\n");
    }

    @Test
    @Tag("live")
    void textFileIsNotACapture() throws Exception {
        final Path txt = Files.writeString(tmp.resolve("notes.txt"), "hello, this is not a pcap file at all\n");
        assertThatThrownBy(() -> Pcap4jFileSource.open(txt.toString(), null))
                .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_A_CAPTURE))
                .hasMessageContaining("unknown file format");
    }

    @Test
    @Tag("live")
    void truncatedRecordIsTruncatedAfterTheGoodFrames() throws Exception {
        final byte[] whole = Files.readAllBytes(tinyPcap());
        final Path cut = Files.write(tmp.resolve("cut.pcap"), Arrays.copyOf(whole, whole.length - 5));
        try (Pcap4jFileSource src = Pcap4jFileSource.open(cut.toString(), null)) {
            final RawFrame f = new RawFrame();
            assertThat(src.next(f)).isTrue();
            assertThat(src.next(f)).isTrue();
            assertThatThrownBy(() -> src.next(f))
                    .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TRUNCATED));
        }
    }

    @Test
    @Tag("live")
    void framesCarryNanosecondTimestampsOrigLenAndLinkType() throws Exception {
        final Path file = tinyPcap();
        try (Pcap4jFileSource src = Pcap4jFileSource.open(file.toString(), null)) {
            assertThat(src.linkType()).isEqualTo(LinkType.ETHERNET);
            assertThat(src.snaplen()).isEqualTo(65535);
            assertThat(src.format()).isEqualTo("pcap");
            final RawFrame f = new RawFrame();
            assertThat(src.next(f)).isTrue();
            assertThat(f.tsNanos).isEqualTo(1_700_000_000_123_456_789L);
            assertThat(f.origLen).isEqualTo(1000);
            assertThat(f.capLen).isEqualTo(TestCaptures.ethIpv4(17, 5060, 5060, new byte[7]).length);
            assertThat(f.linkType).isEqualTo(LinkType.ETHERNET);
            assertThat(new String(f.data, f.capLen - 7, 7, StandardCharsets.US_ASCII)).isEqualTo("udp one");
            assertThat(src.next(f)).isTrue();
            assertThat(f.tsNanos).isEqualTo(1_700_000_001_000_000_001L);
            assertThat(src.next(f)).isTrue();
            assertThat(f.tsNanos).isEqualTo(1_700_000_002_999_999_999L);
            assertThat(src.next(f)).isFalse();
            assertThat(src.next(f)).isFalse();
        }
    }

    @ParameterizedTest
    @Tag("live")
    @CsvSource(delimiter = '|', value = {"''|3", "udp|2", "tcp|1", "udp port 5060|1", "tcp port 5060|1", "port 9999|1", "icmp|0"})
    void filterOnTinyFile(final String bpf, final int expected) throws Exception {
        try (Pcap4jFileSource src = Pcap4jFileSource.open(tinyPcap().toString(), bpf)) {
            assertThat(count(src)).isEqualTo(expected);
        }
    }

    @Test
    @Tag("live")
    void rawIpFileReportsLinkTypeRawNotDlt() throws Exception {
        final byte[] eth = TestCaptures.ethIpv4(17, 1, 2, new byte[4]);
        final Path file = new TestCaptures.PcapBuilder(LinkType.RAW, 65535)
                .add(1, 0, Arrays.copyOfRange(eth, 14, eth.length), eth.length - 14).write(tmp.resolve("raw.pcap"));
        try (Pcap4jFileSource src = Pcap4jFileSource.open(file.toString(), "udp")) {
            assertThat(src.linkType()).isEqualTo(LinkType.RAW);
            final RawFrame f = new RawFrame();
            assertThat(src.next(f)).isTrue();
            assertThat(f.linkType).isEqualTo(LinkType.RAW);
        }
    }

    /** Counts agree with {@code tshark -r heplify__sip_ipv4_tcp.pcap -Y frame|tcp|udp|tcp.port==5060}. */
    @ParameterizedTest
    @Tag("live")
    @CsvSource(delimiter = '|', value = {"''|84", "tcp|16", "udp|68", "tcp port 5060|16"})
    void filterOnSharedCaptureMatchesTshark(final String bpf, final int expected) throws Exception {
        final Path file = TestCaptures.sharedCaptures().map(d -> d.resolve("sip/heplify__sip_ipv4_tcp.pcap")).orElse(null);
        assumeTrue(file != null && Files.isRegularFile(file), "shared captures not available");
        try (Pcap4jFileSource src = Pcap4jFileSource.open(file.toString(), bpf)) {
            assertThat(src.linkType()).isEqualTo(LinkType.ETHERNET);
            assertThat(count(src)).isEqualTo(expected);
        }
    }
}
