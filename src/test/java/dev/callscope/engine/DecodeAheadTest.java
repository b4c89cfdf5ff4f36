package dev.callscope.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.callscope.core.InputException;
import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.dissect.Anomaly;
import dev.callscope.tap.ConversationRecord;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.tap.FrameRecord;
import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.tap.Tap;
import dev.callscope.pcap.CaptureFiles;
import dev.callscope.testutil.SharedCaptures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Decoding ahead on a second thread must not change anything the taps see: for every shared
 * capture, every frame record, event, anomaly and conversation record comes out the same, in the
 * same order, as on one thread.
 */
class DecodeAheadTest {

    /** Writes down everything a tap is told, as text (events by class, frame and flow). */
    private static final class Transcript implements Tap {
        final List<String> lines = new ArrayList<>();

        @Override
        public void onFrame(final FrameRecord f) {
            final StringBuilder sb = new StringBuilder("frame ").append(f.frame).append(' ').append(f.tsNanos).append(' ')
                .append(f.capLen).append('/').append(f.origLen).append(' ').append(f.status).append(' ').append(f.reason);
            for (int i = 0; i < f.layerCount; i++) {
                sb.append(':').append(f.layers[i]);
            }
            lines.add(sb.toString());
        }

        @Override
        public void onEvent(final ProtocolEvent e) {
            lines.add("event " + e.getClass().getSimpleName() + " " + e.protocol() + " " + e.frame() + " " + e.flow());
        }

        @Override
        public void onAnomaly(final Anomaly a) {
            lines.add("anomaly " + a);
        }

        @Override
        public void onConversation(final ConversationRecord c) {
            lines.add("conversation " + c);
        }

        @Override
        public void onEnd() {
            lines.add("end");
        }
    }

    static Stream<String> captures() throws IOException {
        return ConversationsDifferentialTest.captures();
    }

    private static List<String> transcript(final Path file, final boolean ahead) throws IOException {
        final Transcript t = new Transcript();
        final Engine e = new Engine(DissectorRegistry.builtIn(Set.of(), Map.of()),
            EngineOptions.defaults().withDecodeAhead(ahead), List.of(t));
        try (PacketSource src = CaptureFiles.open(file.toString())) {
            e.run(src);
        } catch (final InputException ex) {
            t.lines.add("error " + ex.getMessage());
        }
        return t.lines;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void tapsSeeTheSameWithAndWithoutDecodeAhead(final String name) throws Exception {
        final Path file = SharedCaptures.file(name);
        final List<String> one = transcript(file, false);
        final List<String> two = transcript(file, true);
        assertThat(two).hasSameSizeAs(one);
        for (int i = 0; i < one.size(); i++) {
            assertThat(two.get(i)).as("line %d of %s", i, name).isEqualTo(one.get(i));
        }
        assertThat(one).last().isEqualTo("end");
    }

    /** Many batches: the biggest SIP capture read twenty times over, compared frame by frame. */
    @Test
    void manyBatchesComeThroughInOrder() throws Exception {
        final Path file = largestSip();
        final List<String> one = repeated(file, 20, false);
        final List<String> two = repeated(file, 20, true);
        assertThat(one.size()).isGreaterThan(20 * DecodeAhead.BATCH);
        assertThat(two).isEqualTo(one);
    }

    private static List<String> repeated(final Path file, final int times, final boolean ahead) throws IOException {
        final Transcript t = new Transcript();
        final Engine e = new Engine(DissectorRegistry.builtIn(Set.of(), Map.of()),
            EngineOptions.defaults().withDecodeAhead(ahead), List.of(t));
        final PacketSource src = new PacketSource() {
            int round;
            PacketSource cur = CaptureFiles.open(file.toString());

            @Override
            public boolean next(final RawFrame frame) throws IOException {
                while (!cur.next(frame)) {
                    cur.close();
                    if (++round == times) {
                        return false;
                    }
                    cur = CaptureFiles.open(file.toString());
                }
                frame.tsNanos += round * 3_600_000_000_000L; // an hour later each round
                return true;
            }

            @Override
            public String describe() {
                return "repeated";
            }

            @Override
            public void close() throws IOException {
                cur.close();
            }
        };
        try (src) {
            e.run(src);
        }
        return t.lines;
    }

    /** Large frames: a batch is handed over once it holds BATCH_BYTES, so the frames in flight stay bounded. */
    @Test
    void batchesOfLargeFramesAreHandedOverEarly() throws Exception {
        final int frameBytes = 200_000;
        final int total = 300;
        final PacketSource big = new PacketSource() {
            int n;

            @Override
            public boolean next(final RawFrame frame) {
                if (n++ == total) {
                    return false;
                }
                frame.ensureCapacity(frameBytes);
                frame.capLen = frameBytes;
                frame.origLen = frameBytes;
                frame.linkType = 1;
                frame.tsNanos = n;
                return true;
            }

            @Override
            public String describe() {
                return "big";
            }

            @Override
            public void close() {
            }
        };
        final DecodeAhead ahead = new DecodeAhead(big, new dev.callscope.decode.PacketDecoder(new dev.callscope.core.Limits()), 0);
        int frames = 0;
        int largest = 0;
        try {
            while (true) {
                final DecodeAhead.Batch b = ahead.take();
                frames += b.count;
                largest = Math.max(largest, b.count);
                if (b.end) {
                    break;
                }
                ahead.release();
            }
        } finally {
            ahead.close();
        }
        assertThat(frames).isEqualTo(total);
        assertThat(largest).isEqualTo((DecodeAhead.BATCH_BYTES + frameBytes - 1) / frameBytes);
    }

    /** A source that fails after some frames: those frames are dispatched, then the error propagates. */
    @Test
    void anInputErrorComesAfterTheFramesReadBeforeIt() throws Exception {
        final Path file = largestSip();
        final Transcript t = new Transcript();
        final Engine e = new Engine(DissectorRegistry.builtIn(Set.of(), Map.of()), EngineOptions.defaults(), List.of(t));
        try (PacketSource inner = CaptureFiles.open(file.toString())) {
            final PacketSource failing = new PacketSource() {
                int n;

                @Override
                public boolean next(final RawFrame frame) throws IOException {
                    if (++n > 700) {
                        throw new InputException(InputException.Kind.TRUNCATED, "cut after 700");
                    }
                    return inner.next(frame);
                }

                @Override
                public String describe() {
                    return "failing";
                }

                @Override
                public void close() {
                }
            };
            assertThatThrownBy(() -> e.run(failing)).isInstanceOf(InputException.class).hasMessage("cut after 700");
        }
        final long frames = t.lines.stream().filter(l -> l.startsWith("frame ")).count();
        assertThat(countFrames(file)).isGreaterThan(700);
        assertThat(frames).isEqualTo(700);
        assertThat(t.lines).last().isEqualTo("end");
    }

    /** An interrupted engine thread stops with a cancellation and the reading thread ends too. */
    @Test
    void anInterruptCancelsAndStopsTheReadingThread() throws Exception {
        final Engine e = new Engine(DissectorRegistry.builtIn(Set.of(), Map.of()), EngineOptions.defaults(), List.of());
        final PacketSource endless = new PacketSource() {
            @Override
            public boolean next(final RawFrame frame) {
                frame.capLen = 0;
                frame.origLen = 0;
                frame.linkType = 1;
                return true;
            }

            @Override
            public String describe() {
                return "endless";
            }

            @Override
            public void close() {
            }
        };
        final Thread.UncaughtExceptionHandler none = (th, ex) -> { };
        final List<Throwable> thrown = new ArrayList<>();
        final Thread runner = new Thread(() -> {
            try {
                e.run(endless);
            } catch (final Throwable ex) {
                thrown.add(ex);
            }
        });
        runner.setUncaughtExceptionHandler(none);
        runner.start();
        Thread.sleep(200);
        runner.interrupt();
        runner.join(10_000);
        assertThat(runner.isAlive()).isFalse();
        assertThat(thrown).singleElement().isInstanceOf(CancellationException.class);
        Thread.sleep(50);
        assertThat(Thread.getAllStackTraces().keySet().stream().map(Thread::getName))
            .doesNotContain("callscope-decode");
    }

    /** The biggest SIP capture (thousands of frames, so the error comes several batches in). */
    private static Path largestSip() throws IOException {
        Path best = null;
        for (final String n : (Iterable<String>) captures().filter(x -> x.startsWith("sip/"))::iterator) {
            final Path p = SharedCaptures.file(n);
            if (best == null || java.nio.file.Files.size(p) > java.nio.file.Files.size(best)) {
                best = p;
            }
        }
        return best;
    }

    private static long countFrames(final Path file) throws IOException {
        long n = 0;
        try (PacketSource s = CaptureFiles.open(file.toString())) {
            final RawFrame f = new RawFrame();
            while (s.next(f)) {
                n++;
            }
        }
        return n;
    }
}
