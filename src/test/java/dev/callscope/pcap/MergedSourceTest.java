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
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MergedSourceTest {
    @TempDir
    Path tmp;

    /** A classic pcap whose frames carry {@code tag} in their first byte and their index in the second. */
    private Path pcap(final String name, final int tag, final long... tsNanos) throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(bytes, LinkType.ETHERNET, 65535, true, ByteOrder.LITTLE_ENDIAN)) {
            for (int i = 0; i < tsNanos.length; i++) {
                w.write(Frames.frame(tsNanos[i], LinkType.ETHERNET, new byte[] {(byte) tag, (byte) i, 0, 0}, 4));
            }
        }
        return Files.write(tmp.resolve(name), bytes.toByteArray());
    }

    private Path pcapng(final String name, final int tag, final long... tsNanos) throws IOException {
        final PcapngBuilder b = new PcapngBuilder().shb(ByteOrder.BIG_ENDIAN).idb(LinkType.RAW, 0, null, 9, 0);
        for (int i = 0; i < tsNanos.length; i++) {
            b.epb(0, tsNanos[i], new byte[] {(byte) tag, (byte) i}, 2);
        }
        return Files.write(tmp.resolve(name), b.bytes());
    }

    @Test
    void mergesByTimestampAndKeepsFileOrderOnTies() throws IOException {
        final Path a = pcap("a.pcap", 'a', 10, 20, 20, 40);
        final Path b = pcapng("b.pcapng", 'b', 5, 20, 30);
        final Path c = pcap("c.pcap", 'c', 20);
        try (PacketSource s = CaptureFiles.openAll(List.of(a.toString(), b.toString(), c.toString()))) {
            assertThat(s).isInstanceOf(MergedSource.class);
            assertThat(s.describe()).isEqualTo(a + ", " + b + ", " + c);
            assertThat(s.format()).isEqualTo("pcap, pcapng");
            assertThat(CaptureFiles.infos(s)).extracting(CaptureInfo::format).containsExactly("pcap", "pcapng", "pcap");
            final List<Frame> frames = Frames.readAll(s);
            assertThat(frames).extracting(Frame::tsNanos, Frame::sourceIndex, f -> (char) f.data()[0], f -> (int) f.data()[1],
                    Frame::linkType).containsExactly(
                    tuple(5L, 1, 'b', 0, LinkType.RAW),
                    tuple(10L, 0, 'a', 0, LinkType.ETHERNET),
                    tuple(20L, 0, 'a', 1, LinkType.ETHERNET),
                    tuple(20L, 0, 'a', 2, LinkType.ETHERNET),
                    tuple(20L, 1, 'b', 1, LinkType.RAW),
                    tuple(20L, 2, 'c', 0, LinkType.ETHERNET),
                    tuple(30L, 1, 'b', 2, LinkType.RAW),
                    tuple(40L, 0, 'a', 3, LinkType.ETHERNET));
        }
    }

    @Test
    void oneFileIsNotWrapped() throws IOException {
        final Path a = pcap("a.pcap", 'a', 1, 2);
        try (PacketSource s = CaptureFiles.openAll(List.of(a.toString()))) {
            assertThat(s).isInstanceOf(PcapReader.class);
            assertThat(Frames.readAll(s)).extracting(Frame::sourceIndex).containsOnly(0);
        }
    }

    @Test
    void missingFileFailsTheOpen() throws IOException {
        final Path a = pcap("a.pcap", 'a', 1);
        final String missing = tmp.resolve("missing.pcap").toString();
        assertThatThrownBy(() -> CaptureFiles.openAll(List.of(a.toString(), missing)))
                .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.kind()).isEqualTo(InputException.Kind.NOT_FOUND))
                .hasMessage(missing + ": no such file");
    }

    @Test
    void truncatedFileStopsAloneAndItsErrorComesAfterTheOtherFrames() throws IOException {
        final Path a = pcap("a.pcap", 'a', 10, 20, 30, 40);
        final Path b = pcap("b.pcap", 'b', 15, 25, 35);
        final byte[] bytes = Files.readAllBytes(b);
        Files.write(b, Arrays.copyOf(bytes, bytes.length - 2));
        final List<Frame> got = new ArrayList<>();
        try (PacketSource s = CaptureFiles.openAll(List.of(a.toString(), b.toString()))) {
            assertThatThrownBy(() -> Frames.readAll(s, got))
                    .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.kind()).isEqualTo(InputException.Kind.TRUNCATED))
                    .hasMessage(b + ": truncated: the last record is cut off after 2 packets");
            assertThat(got).extracting(Frame::tsNanos).containsExactly(10L, 15L, 20L, 25L, 30L, 40L);
            assertThat(s.next(new RawFrame())).isFalse();
        }
    }
}
