package dev.callscope.pcap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.callscope.core.InputException;
import dev.callscope.core.LinkType;
import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.pcap.Frames.Frame;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PcapReaderTest {
    private static final long T0 = 1_700_000_000_123_456_789L;

    @TempDir
    Path tmp;

    static byte[] pcap(final boolean nanos, final ByteOrder order, final int frames) throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(bytes, LinkType.ETHERNET, 65535, nanos, order)) {
            for (int i = 0; i < frames; i++) {
                w.write(Frames.frame(T0 + i * 1_000_001_001L, LinkType.ETHERNET, Frames.payload(60 + i, i), 100 + i));
            }
        }
        return bytes.toByteArray();
    }

    @ParameterizedTest
    @CsvSource({"false,LITTLE_ENDIAN", "false,BIG_ENDIAN", "true,LITTLE_ENDIAN", "true,BIG_ENDIAN"})
    void readsBothByteOrdersMicroAndNano(final boolean nanos, final String orderName) throws IOException {
        final ByteOrder order = "BIG_ENDIAN".equals(orderName) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        final byte[] file = pcap(nanos, order, 3);
        try (PacketSource s = Frames.open(file, "f.pcap")) {
            assertThat(s.format()).isEqualTo("pcap");
            assertThat(s.describe()).isEqualTo("f.pcap");
            final PcapReader r = (PcapReader) s;
            assertThat(r.nanosecond()).isEqualTo(nanos);
            assertThat(r.interfaces()).containsExactly(new CaptureInterface(0, LinkType.ETHERNET, 65535, ""));
            final List<Frame> frames = Frames.readAll(s);
            assertThat(frames).hasSize(3);
            for (int i = 0; i < 3; i++) {
                final long ts = T0 + i * 1_000_001_001L;
                final Frame f = frames.get(i);
                assertThat(f.tsNanos()).isEqualTo(nanos ? ts : ts / 1000 * 1000);
                assertThat(f.linkType()).isEqualTo(LinkType.ETHERNET);
                assertThat(f.capLen()).isEqualTo(60 + i);
                assertThat(f.origLen()).isEqualTo(100 + i);
                assertThat(f.interfaceId()).isZero();
                assertThat(f.data()).isEqualTo(Frames.payload(60 + i, i));
            }
            assertThat(s.next(new RawFrame())).isFalse();
        }
    }

    @Test
    void masksFcsBitsOfTheLinkType() throws IOException {
        final byte[] file = pcap(false, ByteOrder.LITTLE_ENDIAN, 1);
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(PcapReader.LINKTYPE_OFFSET, 0x1400_0000 | LinkType.LINUX_SLL);
        assertThat(Frames.readAll(file)).extracting(Frame::linkType).containsExactly(LinkType.LINUX_SLL);
    }

    @Test
    void truncatedLastRecordReturnsEarlierFramesThenThrows() throws IOException {
        final byte[] full = pcap(true, ByteOrder.LITTLE_ENDIAN, 3);
        for (final int cut : new int[] {5, 60, 70, 77}) {
            final byte[] file = Arrays.copyOf(full, full.length - cut);
            final List<Frame> got = new ArrayList<>();
            try (PacketSource s = Frames.open(file, "cut.pcap")) {
                assertThatThrownBy(() -> Frames.readAll(s, got))
                        .isInstanceOfSatisfying(InputException.class,
                                e -> assertThat(e.kind()).isEqualTo(InputException.Kind.TRUNCATED))
                        .hasMessage("cut.pcap: truncated: the last record is cut off after 2 packets");
                assertThat(got).hasSize(2);
                assertThat(s.next(new RawFrame())).isFalse();
            }
        }
    }

    @Test
    void endsCleanlyAtARecordBoundary() throws IOException {
        final byte[] full = pcap(false, ByteOrder.BIG_ENDIAN, 3);
        assertThat(Frames.readAll(Arrays.copyOf(full, full.length - (62 + 16)))).hasSize(2);
        assertThat(Frames.readAll(Arrays.copyOf(full, PcapReader.FILE_HEADER_LENGTH))).isEmpty();
    }

    @Test
    void truncatedFileHeader() {
        assertThatThrownBy(() -> Frames.open(Arrays.copyOf(pcap(false, ByteOrder.LITTLE_ENDIAN, 0), 10), "h.pcap"))
                .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.kind()).isEqualTo(InputException.Kind.TRUNCATED))
                .hasMessageStartingWith("h.pcap: truncated");
    }

    @Test
    void absurdCaptureLengthIsNotACapture() throws IOException {
        final byte[] file = pcap(false, ByteOrder.LITTLE_ENDIAN, 2);
        final int secondRecord = PcapReader.FILE_HEADER_LENGTH + PcapReader.RECORD_HEADER_LENGTH + 60;
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(secondRecord + PcapReader.CAPLEN_OFFSET, RawFrame.MAX_CAPLEN + 1);
        final List<Frame> got = new ArrayList<>();
        try (PacketSource s = Frames.open(file, "big.pcap")) {
            assertThatThrownBy(() -> Frames.readAll(s, got))
                    .isInstanceOfSatisfying(InputException.class,
                            e -> assertThat(e.kind()).isEqualTo(InputException.Kind.NOT_A_CAPTURE))
                    .hasMessage("big.pcap: frame 2 at offset " + secondRecord + ": captured length "
                            + (RawFrame.MAX_CAPLEN + 1) + " exceeds the maximum " + RawFrame.MAX_CAPLEN);
        }
        assertThat(got).hasSize(1);
    }

    @Test
    void framesLargerThanTheBufferAndAcrossRefills() throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<byte[]> sent = new ArrayList<>();
        try (PcapWriter w = new PcapWriter(bytes, LinkType.RAW, RawFrame.MAX_CAPLEN, true, ByteOrder.BIG_ENDIAN)) {
            final int[] sizes = {RawFrame.MAX_CAPLEN, 1, 300_000, 0, 131_071};
            for (int i = 0; i < 2000; i++) {
                final byte[] p = Frames.payload(i < sizes.length ? sizes[i] : 1 + (i * 37) % 1500, i);
                sent.add(p);
                w.write(Frames.frame(i, LinkType.RAW, p, p.length));
            }
        }
        // a stream that returns few bytes per read, like a pipe
        final InputStream trickle = new ByteArrayInputStream(bytes.toByteArray()) {
            @Override
            public synchronized int read(final byte[] b, final int off, final int len) {
                return super.read(b, off, Math.min(len, 7919));
            }
        };
        try (PacketSource s = CaptureFiles.open(trickle, "pipe")) {
            final List<Frame> got = Frames.readAll(s);
            assertThat(got).hasSize(sent.size());
            for (int i = 0; i < got.size(); i++) {
                assertThat(got.get(i).data()).as("frame %d", i).isEqualTo(sent.get(i));
                assertThat(got.get(i).tsNanos()).isEqualTo(i);
            }
        }
    }

    @Test
    void gzipCompressedFileIsReadTransparently() throws IOException {
        final Path gz = tmp.resolve("trace.cap.gz");
        try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(pcap(false, ByteOrder.BIG_ENDIAN, 4));
        }
        try (PacketSource s = CaptureFiles.open(gz.toString())) {
            assertThat(s.format()).isEqualTo("pcap (gzip)");
            assertThat(Frames.readAll(s)).hasSize(4);
        }
    }

    @Test
    void cutOffGzipStreamIsTruncated() throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(pcap(false, ByteOrder.BIG_ENDIAN, 50));
        }
        final byte[] gz = bytes.toByteArray();
        final byte[] cut = Arrays.copyOf(gz, gz.length - 10);
        try (PacketSource s = Frames.open(cut, "cut.gz")) {
            assertThatThrownBy(() -> Frames.readAll(s))
                    .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.kind()).isEqualTo(InputException.Kind.TRUNCATED))
                    .hasMessageStartingWith("cut.gz: truncated");
        }
    }

    @Test
    void readsStandardInputForDash() throws IOException {
        final InputStream saved = System.in;
        try {
            System.setIn(new ByteArrayInputStream(pcap(true, ByteOrder.LITTLE_ENDIAN, 2)));
            try (PacketSource s = CaptureFiles.open("-")) {
                assertThat(s.describe()).isEqualTo("<stdin>");
                assertThat(Frames.readAll(s)).hasSize(2);
            }
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    void notACapture() {
        assertThatThrownBy(() -> Frames.open("hello world\n".getBytes(), "notes.txt"))
                .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.kind()).isEqualTo(InputException.Kind.NOT_A_CAPTURE))
                .hasMessage("notes.txt: not a pcap or pcapng file (magic 0x68656c6c)");
    }

    @Test
    void emptyAndTinyFilesAreNotCaptures() throws IOException {
        final Path empty = Files.write(tmp.resolve("empty.pcap"), new byte[0]);
        assertThatThrownBy(() -> CaptureFiles.open(empty.toString()))
                .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.kind()).isEqualTo(InputException.Kind.NOT_A_CAPTURE))
                .hasMessage(empty + ": not a pcap or pcapng file (empty)");
        assertThatThrownBy(() -> Frames.open(new byte[] {(byte) 0xd4, (byte) 0xc3}, "two"))
                .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.kind()).isEqualTo(InputException.Kind.NOT_A_CAPTURE))
                .hasMessage("two: not a pcap or pcapng file (only 2 bytes)");
    }

    @Test
    void missingFileAndDirectory() {
        final String missing = tmp.resolve("nope.pcap").toString();
        assertThatThrownBy(() -> CaptureFiles.open(missing))
                .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.kind()).isEqualTo(InputException.Kind.NOT_FOUND))
                .hasMessage(missing + ": no such file");
        assertThatThrownBy(() -> CaptureFiles.open(tmp.toString()))
                .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.kind()).isEqualTo(InputException.Kind.READ_ERROR))
                .hasMessage(tmp + ": is a directory");
    }
}
