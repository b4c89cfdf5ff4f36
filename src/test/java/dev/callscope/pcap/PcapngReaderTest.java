package dev.callscope.pcap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.callscope.core.InputException;
import dev.callscope.core.LinkType;
import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.pcap.Frames.Frame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PcapngReaderTest {
    private static final long SEC = 1_000_000_000L;
    private static final long T0 = 1_600_000_000L;

    /** eth0 (Ethernet, nanoseconds) and sll0 (Linux SLL, 2^-20 s, offset +100 s). */
    private static PcapngBuilder twoInterfaces(final ByteOrder order) {
        return new PcapngBuilder().shb(order)
                .idb(LinkType.ETHERNET, 65535, "eth0", 9, 0)
                .idb(LinkType.LINUX_SLL, 1500, "sll0", 0x80 | 20, 100);
    }

    @ParameterizedTest
    @CsvSource({"LITTLE_ENDIAN", "BIG_ENDIAN"})
    void twoInterfacesWithDifferentLinkTypesAndResolutions(final String orderName) throws IOException {
        final ByteOrder order = "BIG_ENDIAN".equals(orderName) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        final byte[] file = twoInterfaces(order)
                .epb(0, T0 * SEC + 123_456_789L, Frames.payload(42, 1), 42)
                .epb(1, (T0 << 20) + (1 << 19) + 1, Frames.payload(13, 2), 99)
                .bytes();
        try (PacketSource s = Frames.open(file, "two.pcapng")) {
            assertThat(s.format()).isEqualTo("pcapng");
            assertThat(((CaptureInfo) s).interfaces()).containsExactly(
                    new CaptureInterface(0, LinkType.ETHERNET, 65535, "eth0"),
                    new CaptureInterface(1, LinkType.LINUX_SLL, 1500, "sll0"));
            final List<Frame> frames = Frames.readAll(s);
            assertThat(frames).extracting(Frame::linkType, Frame::interfaceId, Frame::capLen, Frame::origLen)
                    .containsExactly(tuple(LinkType.ETHERNET, 0, 42, 42), tuple(LinkType.LINUX_SLL, 1, 13, 99));
            assertThat(frames.get(0).tsNanos()).isEqualTo(T0 * SEC + 123_456_789L);
            // 2^-20 s units: T0 s + 0.5 s + 1 unit (953.67 ns, truncated), then the 100 s offset
            assertThat(frames.get(1).tsNanos()).isEqualTo((T0 + 100) * SEC + 500_000_953L);
            assertThat(frames.get(0).data()).isEqualTo(Frames.payload(42, 1));
            assertThat(frames.get(1).data()).isEqualTo(Frames.payload(13, 2));
        }
    }

    @Test
    void defaultResolutionIsMicroseconds() throws IOException {
        final byte[] file = new PcapngBuilder().shb(ByteOrder.LITTLE_ENDIAN).idb(LinkType.RAW, 0, null, -1, 0)
                .epb(0, T0 * 1_000_000L + 7, Frames.payload(20, 0), 20).bytes();
        assertThat(Frames.readAll(file)).extracting(Frame::tsNanos).containsExactly(T0 * SEC + 7000);
    }

    @Test
    void decimalResolutionFinerThanNanoseconds() throws IOException {
        final byte[] file = new PcapngBuilder().shb(ByteOrder.LITTLE_ENDIAN).idb(LinkType.RAW, 0, null, 12, 0)
                .epb(0, 1_000_000L * 1_000_000_000_000L + 5_999L, Frames.payload(20, 0), 20).bytes();
        assertThat(Frames.readAll(file)).extracting(Frame::tsNanos).containsExactly(1_000_000L * SEC + 5);
    }

    @Test
    void simpleAndObsoletePacketBlocks() throws IOException {
        final byte[] file = new PcapngBuilder().shb(ByteOrder.LITTLE_ENDIAN)
                .idb(LinkType.ETHERNET, 8, null, 9, 0)
                .idb(LinkType.RAW, 0, null, 9, 0)
                .pb(1, T0 * SEC + 5, Frames.payload(30, 3), 31)
                .spb(Frames.payload(8, 4), 20)
                .epb(0, T0 * SEC + 9, Frames.payload(8, 5), 8)
                .bytes();
        final List<Frame> frames = Frames.readAll(file);
        assertThat(frames).extracting(Frame::tsNanos, Frame::linkType, Frame::interfaceId, Frame::capLen, Frame::origLen)
                .containsExactly(
                        tuple(T0 * SEC + 5, LinkType.RAW, 1, 30, 31),
                        // SPB: interface 0, snaplen 8 cuts the 20-byte packet; no timestamp, so the previous one
                        tuple(T0 * SEC + 5, LinkType.ETHERNET, 0, 8, 20),
                        tuple(T0 * SEC + 9, LinkType.ETHERNET, 0, 8, 8));
        assertThat(frames.get(1).data()).isEqualTo(Frames.payload(8, 4));
    }

    @Test
    void unknownBlocksAreSkipped() throws IOException {
        final byte[] file = new PcapngBuilder().shb(ByteOrder.BIG_ENDIAN)
                .unknown(0x0000_0BAD, 16)
                .idb(LinkType.ETHERNET, 0, null, 9, 0)
                .unknown(4, 0) // name resolution block
                .epb(0, 1, Frames.payload(3, 0), 3)
                .unknown(5, 40) // interface statistics block
                .unknown(0x4000_0BAD, 4) // custom block
                .epb(0, 2, Frames.payload(5, 0), 5)
                .bytes();
        assertThat(Frames.readAll(file)).extracting(Frame::tsNanos, Frame::capLen).containsExactly(tuple(1L, 3), tuple(2L, 5));
    }

    @Test
    void secondSectionWithOtherByteOrderAndInterfaces() throws IOException {
        final byte[] file = new PcapngBuilder()
                .shb(ByteOrder.LITTLE_ENDIAN)
                .idb(LinkType.ETHERNET, 0, "a", 9, 0)
                .epb(0, 10, Frames.payload(10, 0), 10)
                .shb(ByteOrder.BIG_ENDIAN)
                .idb(LinkType.NULL, 0, "b", 6, 0)
                .idb(LinkType.IPV4, 0, "c", 6, 0)
                .epb(1, 20, Frames.payload(11, 0), 11)
                .epb(0, 30, Frames.payload(12, 0), 12)
                .bytes();
        try (PacketSource s = Frames.open(file, "sections.pcapng")) {
            final List<Frame> frames = Frames.readAll(s);
            assertThat(frames).extracting(Frame::tsNanos, Frame::linkType, Frame::interfaceId)
                    .containsExactly(tuple(10L, LinkType.ETHERNET, 0), tuple(20_000L, LinkType.IPV4, 2),
                            tuple(30_000L, LinkType.NULL, 1));
            final PcapngReader r = (PcapngReader) s;
            assertThat(r.sections()).isEqualTo(2);
            assertThat(r.interfaces()).extracting(CaptureInterface::name).containsExactly("a", "b", "c");
        }
    }

    @Test
    void gzipCompressedPcapng() throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(twoInterfaces(ByteOrder.LITTLE_ENDIAN).epb(1, 1, Frames.payload(9, 0), 9).bytes());
        }
        try (PacketSource s = Frames.open(bytes.toByteArray(), "x.gz")) {
            assertThat(s.format()).isEqualTo("pcapng (gzip)");
            assertThat(Frames.readAll(s)).extracting(Frame::linkType).containsExactly(LinkType.LINUX_SLL);
        }
    }

    @Test
    void truncatedLastBlockReturnsEarlierFramesThenThrows() throws IOException {
        final byte[] full = twoInterfaces(ByteOrder.LITTLE_ENDIAN)
                .epb(0, 1, Frames.payload(40, 0), 40).epb(0, 2, Frames.payload(40, 0), 40)
                .epb(1, 3, Frames.payload(40, 0), 40).bytes();
        for (final int cut : new int[] {1, 4, 30, 70, 80}) {
            final List<Frame> got = new ArrayList<>();
            try (PacketSource s = Frames.open(Arrays.copyOf(full, full.length - cut), "cut.pcapng")) {
                assertThatThrownBy(() -> Frames.readAll(s, got))
                        .isInstanceOfSatisfying(InputException.class,
                                e -> assertThat(e.kind()).isEqualTo(InputException.Kind.TRUNCATED))
                        .hasMessage("cut.pcapng: truncated: the last record is cut off after 2 packets");
                assertThat(got).hasSize(2);
                assertThat(s.next(new RawFrame())).isFalse();
            }
        }
    }

    @Test
    void absurdBlockLengthIsNotACapture() throws IOException {
        final PcapngBuilder b = twoInterfaces(ByteOrder.LITTLE_ENDIAN).epb(0, 1, Frames.payload(4, 0), 4);
        final int offset = b.bytes().length;
        final byte[] file = b.raw(ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(PcapngReader.EPB).putInt(0x7FFF_FFF0).putInt(0).array()).bytes();
        final List<Frame> got = new ArrayList<>();
        try (PacketSource s = Frames.open(file, "bad.pcapng")) {
            assertThatThrownBy(() -> Frames.readAll(s, got))
                    .isInstanceOfSatisfying(InputException.class,
                            e -> assertThat(e.kind()).isEqualTo(InputException.Kind.NOT_A_CAPTURE))
                    .hasMessage("bad.pcapng: block at offset " + offset
                            + " (after 1 packets): invalid block length 2147483632 (block type 0x6)");
        }
        assertThat(got).hasSize(1);
    }

    @Test
    void captureLengthBeyondTheLimitOrTheBlockIsNotACapture() throws IOException {
        final int epb = twoInterfaces(ByteOrder.LITTLE_ENDIAN).bytes().length;
        final byte[] good = twoInterfaces(ByteOrder.LITTLE_ENDIAN).epb(0, 1, Frames.payload(8, 0), 8).bytes();
        final byte[] tooBig = good.clone();
        ByteBuffer.wrap(tooBig).order(ByteOrder.LITTLE_ENDIAN).putInt(epb + PcapngReader.EPB_CAPLEN_OFFSET, RawFrame.MAX_CAPLEN + 4);
        assertThatThrownBy(() -> Frames.readAll(tooBig))
                .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.kind()).isEqualTo(InputException.Kind.NOT_A_CAPTURE))
                .hasMessageContaining("exceeds the maximum");
        final byte[] overflow = good.clone();
        ByteBuffer.wrap(overflow).order(ByteOrder.LITTLE_ENDIAN).putInt(epb + PcapngReader.EPB_CAPLEN_OFFSET, 200);
        assertThatThrownBy(() -> Frames.readAll(overflow))
                .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.kind()).isEqualTo(InputException.Kind.NOT_A_CAPTURE))
                .hasMessageContaining("does not fit in block length");
    }

    @Test
    void trailingLengthMismatchAndUndeclaredInterface() {
        final byte[] mismatch = twoInterfaces(ByteOrder.LITTLE_ENDIAN).epb(0, 1, Frames.payload(8, 0), 8).bytes();
        ByteBuffer.wrap(mismatch).order(ByteOrder.LITTLE_ENDIAN).putInt(mismatch.length - 4, 1234);
        assertThatThrownBy(() -> Frames.readAll(mismatch))
                .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.kind()).isEqualTo(InputException.Kind.NOT_A_CAPTURE))
                .hasMessageContaining("trailing length 1234");
        final byte[] undeclared = twoInterfaces(ByteOrder.LITTLE_ENDIAN).epb(2, 1, Frames.payload(8, 0), 8).bytes();
        assertThatThrownBy(() -> Frames.readAll(undeclared))
                .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.kind()).isEqualTo(InputException.Kind.NOT_A_CAPTURE))
                .hasMessageContaining("packet on interface 2 but the section declares 2");
    }

    @Test
    void badByteOrderMagicAndVersion() {
        final byte[] file = new PcapngBuilder().shb(ByteOrder.LITTLE_ENDIAN).bytes();
        final byte[] badMagic = file.clone();
        badMagic[PcapngReader.SHB_BOM_OFFSET] = 0x55;
        assertThatThrownBy(() -> Frames.open(badMagic, "m"))
                .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.kind()).isEqualTo(InputException.Kind.NOT_A_CAPTURE))
                .hasMessageContaining("bad byte-order magic");
        final byte[] v2 = file.clone();
        v2[PcapngReader.SHB_MAJOR_OFFSET] = 2;
        assertThatThrownBy(() -> Frames.open(v2, "v"))
                .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.kind()).isEqualTo(InputException.Kind.NOT_A_CAPTURE))
                .hasMessage("v: unsupported pcapng version 2.0 at offset 0");
    }

    @Test
    void headerOnlyFileHasInterfacesAndNoPackets() throws IOException {
        try (PacketSource s = Frames.open(twoInterfaces(ByteOrder.BIG_ENDIAN).bytes(), "empty.pcapng")) {
            assertThat(CaptureFiles.infos(s)).singleElement()
                    .satisfies(i -> assertThat(i.interfaces()).hasSize(2));
            assertThat(s.next(new RawFrame())).isFalse();
        }
    }
}
