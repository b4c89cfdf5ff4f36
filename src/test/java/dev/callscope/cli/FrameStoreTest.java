package dev.callscope.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.pcap.CaptureFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrameStoreTest {
    private static final Path SIP_CALL = Path.of("samples/sip-call.pcap");
    private static final Path SIP_TCP = Path.of("samples/sip-tcp.pcap");

    @TempDir
    Path dir;

    /** Every frame of {@code paths} as the reader gives it, copied. */
    private static List<RawFrame> read(final List<String> paths, final FrameStore into) throws IOException {
        final List<RawFrame> out = new ArrayList<>();
        try (PacketSource s = CaptureFiles.openAll(paths)) {
            final RawFrame f = new RawFrame();
            while (s.next(f)) {
                final RawFrame copy = new RawFrame();
                copy.copyFrom(f);
                out.add(copy);
                if (into != null) {
                    assertThat(into.add(f)).isTrue();
                }
            }
        }
        return out;
    }

    private static void assertSame(final FrameStore store, final List<RawFrame> frames) {
        assertThat(store.size()).isEqualTo(frames.size());
        final RawFrame got = new RawFrame();
        for (int i = 0; i < frames.size(); i++) {
            store.get(i, got);
            final RawFrame want = frames.get(i);
            assertThat(got.capLen).as("frame %d", i + 1).isEqualTo(want.capLen);
            assertThat(got.origLen).isEqualTo(want.origLen);
            assertThat(got.tsNanos).isEqualTo(want.tsNanos);
            assertThat(got.linkType).isEqualTo(want.linkType);
            assertThat(Arrays.copyOf(got.data, got.capLen)).as("frame %d", i + 1).isEqualTo(Arrays.copyOf(want.data, want.capLen));
        }
    }

    @Test
    void framesOfAFileStayInItAndReadBackExactly() throws IOException {
        final FrameStore store = new FrameStore(1000, 1L << 20);
        final List<String> paths = List.of(SIP_CALL.toString());
        store.backedBy(paths);
        final List<RawFrame> frames = read(paths, store);
        assertThat(frames).hasSize(479);
        assertThat(store.bytes()).as("no frame copied into memory").isZero();
        assertSame(store, frames);
    }

    @Test
    void framesOfAPcapngFileReadBackExactly() throws IOException {
        final Path pcapng = dev.callscope.testutil.SharedCaptures.file("rtp/rtpproxy__dtmf.pcapng");
        final FrameStore store = new FrameStore(100_000, 1L << 20);
        final List<String> paths = List.of(pcapng.toString());
        store.backedBy(paths);
        final List<RawFrame> frames = read(paths, store);
        assertThat(frames).isNotEmpty();
        assertThat(store.bytes()).isZero();
        assertSame(store, frames);
    }

    @Test
    void mergedFilesKeepTheirOwnFrames() throws IOException {
        final FrameStore store = new FrameStore(10_000, 1L << 20);
        final List<String> paths = List.of(SIP_CALL.toString(), SIP_TCP.toString());
        store.backedBy(paths);
        final List<RawFrame> frames = read(paths, store);
        assertThat(store.bytes()).isZero();
        assertSame(store, frames);
    }

    @Test
    void aCompressedFileIsCopiedIntoMemory() throws IOException {
        final Path gz = dir.resolve("call.pcap.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write(Files.readAllBytes(SIP_CALL));
        }
        final FrameStore store = new FrameStore(1000, 1L << 20);
        final List<String> paths = List.of(gz.toString());
        store.backedBy(paths);
        final List<RawFrame> frames = read(paths, store);
        assertThat(store.bytes()).isEqualTo(frames.stream().mapToLong(f -> f.capLen).sum());
        assertSame(store, frames);
    }

    @Test
    void aFileThatChangedIsSaidToHaveChanged() throws IOException {
        final Path copy = dir.resolve("call.pcap");
        final FrameStore store = new FrameStore(1000, 1L << 20);
        readCopy(copy, store);
        try (OutputStream o = Files.newOutputStream(copy, StandardOpenOption.TRUNCATE_EXISTING)) {
            o.write(new byte[100]);
        }
        assertThatThrownBy(() -> store.get(400, new RawFrame())).isInstanceOf(UncheckedIOException.class)
            .hasMessageContaining("call.pcap: cannot read frame 401 again: the file changed since it was opened");
    }

    @Test
    void readingAChangedFileAgainIsAnError() throws IOException {
        final Path copy = dir.resolve("call.pcap");
        final FrameStore store = new FrameStore(1000, 1L << 20);
        final List<RawFrame> frames = readCopy(copy, store);
        try (PacketSource again = store.reread(frames.size())) {
            int n = 0;
            final RawFrame f = new RawFrame();
            while (again.next(f)) {
                n++;
            }
            assertThat(n).isEqualTo(frames.size());
        }
        Files.write(copy, Arrays.copyOf(Files.readAllBytes(SIP_CALL), 1000));
        try (PacketSource again = store.reread(frames.size())) {
            assertThatThrownBy(() -> again.next(new RawFrame())).isInstanceOf(dev.callscope.core.InputException.class)
                .hasMessage(copy + ": the file changed since it was opened (open it again)");
        }
    }

    @Test
    void theMemoryBoundCountsOnlyCopiedFrames() throws IOException {
        final FrameStore store = new FrameStore(1000, 100);
        final List<String> paths = List.of(SIP_CALL.toString());
        store.backedBy(paths);
        final List<RawFrame> frames = read(paths, store);
        assertThat(store.size()).isEqualTo(frames.size());
        final FrameStore memory = new FrameStore(1000, 100);
        try (PacketSource s = CaptureFiles.openAll(paths)) {
            final RawFrame f = new RawFrame();
            assertThat(s.next(f)).isTrue();
            f.fileOffset = -1; // a frame from elsewhere (a live capture)
            assertThat(memory.add(f)).as("frame of %d bytes over a bound of 100", f.capLen).isFalse();
        }
    }

    /** The bundled call copied to {@code copy}, read into {@code store} with its frames left in the copy. */
    private static List<RawFrame> readCopy(final Path copy, final FrameStore store) throws IOException {
        Files.copy(SIP_CALL, copy);
        final List<String> paths = List.of(copy.toString());
        store.backedBy(paths);
        return read(paths, store);
    }
}
