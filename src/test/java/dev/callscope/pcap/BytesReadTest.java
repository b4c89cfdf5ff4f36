package dev.callscope.pcap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.core.LinkType;
import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PacketSource#bytesRead()} and {@link PacketSource#size()} of the built-in readers (for the progress line). */
class BytesReadTest {
    private static final Path SAMPLE = Path.of("samples/sip-call.pcap");

    @TempDir
    Path tmp;

    /** Reads everything; returns the frame count. */
    private static long drain(final PacketSource s) throws IOException {
        final RawFrame f = new RawFrame();
        long n = 0;
        while (s.next(f)) {
            n++;
        }
        return n;
    }

    private Path gzip(final Path file) throws IOException {
        final Path gz = tmp.resolve(file.getFileName() + ".gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(file, out);
        }
        return gz;
    }

    /** A pcap of {@code frames} frames of 1000 bytes: larger than the reader's buffer. */
    private Path big(final int frames) throws IOException {
        final Path p = tmp.resolve("big.pcap");
        try (PcapWriter w = new PcapWriter(Files.newOutputStream(p), LinkType.ETHERNET, 65535, true, ByteOrder.LITTLE_ENDIAN)) {
            final byte[] data = new byte[1000];
            for (int i = 0; i < frames; i++) {
                data[0] = (byte) i;
                w.write(Frames.frame(i * 1000L, LinkType.ETHERNET, data, data.length));
            }
        }
        return p;
    }

    private Path asPcapng(final Path pcap) throws IOException {
        final Path out = tmp.resolve("converted.pcapng");
        try (PacketSource in = CaptureFiles.open(pcap.toString());
             PcapngWriter w = new PcapngWriter(Files.newOutputStream(out), "test")) {
            final RawFrame f = new RawFrame();
            boolean first = true;
            while (in.next(f)) {
                if (first) {
                    w.addInterface(f.linkType, PcapngWriter.DEFAULT_SNAPLEN, "eth0");
                    first = false;
                }
                w.write(f);
            }
        }
        return out;
    }

    @Test
    void pcapCountsTheFileUpToItsSize() throws IOException {
        final long size = Files.size(SAMPLE);
        try (PacketSource s = CaptureFiles.open(SAMPLE.toString())) {
            assertThat(s.size()).isEqualTo(size);
            assertThat(s.bytesRead()).isPositive().isLessThanOrEqualTo(size);
            assertThat(drain(s)).isPositive();
            assertThat(s.bytesRead()).isEqualTo(size);
        }
    }

    @Test
    void pcapngCountsTheFileUpToItsSize() throws IOException {
        final Path ng = asPcapng(SAMPLE);
        try (PacketSource s = CaptureFiles.open(ng.toString())) {
            assertThat(s.format()).isEqualTo("pcapng");
            assertThat(s.size()).isEqualTo(Files.size(ng));
            drain(s);
            assertThat(s.bytesRead()).isEqualTo(Files.size(ng));
        }
    }

    @Test
    void gzipCountsCompressedBytesAgainstTheCompressedSize() throws IOException {
        final Path gz = gzip(SAMPLE);
        final long size = Files.size(gz);
        assertThat(size).isLessThan(Files.size(SAMPLE));
        try (PacketSource s = CaptureFiles.open(gz.toString())) {
            assertThat(s.format()).isEqualTo("pcap (gzip)");
            assertThat(s.size()).isEqualTo(size);
            drain(s);
            assertThat(s.bytesRead()).isEqualTo(size);
        }
        final Path ngz = gzip(asPcapng(SAMPLE));
        try (PacketSource s = CaptureFiles.open(ngz.toString())) {
            assertThat(s.format()).isEqualTo("pcapng (gzip)");
            drain(s);
            assertThat(s.bytesRead()).isEqualTo(s.size()).isEqualTo(Files.size(ngz));
        }
    }

    @Test
    void theCountGrowsWhileALargeFileIsRead() throws IOException {
        final Path p = big(3000); // about 3 MB, a dozen buffer fills
        final long size = Files.size(p);
        try (PacketSource s = CaptureFiles.open(p.toString())) {
            final RawFrame f = new RawFrame();
            assertThat(s.next(f)).isTrue();
            final long early = s.bytesRead();
            assertThat(early).isPositive().isLessThan(size / 2);
            for (int i = 0; i < 2000; i++) {
                assertThat(s.next(f)).isTrue();
            }
            assertThat(s.bytesRead()).isGreaterThan(early).isLessThan(size);
            drain(s);
            assertThat(s.bytesRead()).isEqualTo(size);
        }
        final Path gz = gzip(p);
        try (PacketSource s = CaptureFiles.open(gz.toString())) {
            final RawFrame f = new RawFrame();
            assertThat(s.next(f)).isTrue();
            final long early = s.bytesRead();
            assertThat(early).isPositive().isLessThanOrEqualTo(Files.size(gz));
            drain(s);
            assertThat(s.bytesRead()).isEqualTo(Files.size(gz));
        }
    }

    @Test
    void aStreamHasNoSizeButCountsItsBytes() throws IOException {
        final byte[] bytes = Files.readAllBytes(SAMPLE);
        try (PacketSource s = CaptureFiles.open(new ByteArrayInputStream(bytes), CaptureFiles.STDIN_NAME)) {
            assertThat(s.size()).isEqualTo(-1);
            drain(s);
            assertThat(s.bytesRead()).isEqualTo(bytes.length);
        }
    }

    @Test
    void aMergeSumsItsFiles() throws IOException {
        final Path gz = gzip(SAMPLE);
        try (PacketSource s = CaptureFiles.openAll(List.of(SAMPLE.toString(), gz.toString()))) {
            assertThat(s).isInstanceOf(MergedSource.class);
            final long total = Files.size(SAMPLE) + Files.size(gz);
            assertThat(s.size()).isEqualTo(total);
            drain(s);
            assertThat(s.bytesRead()).isEqualTo(total);
        }
        try (PacketSource s = new MergedSource(List.of(CaptureFiles.open(SAMPLE.toString()),
                CaptureFiles.open(new ByteArrayInputStream(Files.readAllBytes(SAMPLE)), CaptureFiles.STDIN_NAME)))) {
            assertThat(s.size()).isEqualTo(-1); // one part has no size: no percentage
            drain(s);
            assertThat(s.bytesRead()).isEqualTo(2 * Files.size(SAMPLE));
        }
    }
}
