package dev.callscope.dissect.dubbo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.core.Direction;
import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.Confidence;
import dev.callscope.dissect.Payload;
import dev.callscope.testutil.SharedCaptures;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Split, glued, resynchronised and oversize frames: the framing gives the same frames however TCP cut the bytes. */
class DubboFramingTest {
    static final Path SAMPLE = Path.of("samples/dubbo/dubbo-calls.pcap");
    /** A heartbeat request: flag 0xe2 (request, two-way, event, hessian2), id 7, body 'N'. */
    static final byte[] HEARTBEAT = HexFormat.of().parseHex("dabbe200000000000000000700000001" + "4e");
    static List<byte[]> sampleStreams;
    static List<byte[]> sharedStreams = new ArrayList<>();

    @BeforeAll
    static void load() throws Exception {
        sampleStreams = Streams.of(SAMPLE);
        try (var s = Files.list(SharedCaptures.dir().resolve("dubbo"))) {
            for (final Path p : (Iterable<Path>) s.sorted()::iterator) {
                sharedStreams.addAll(Streams.of(p));
            }
        }
    }

    private static List<DubboFrame> whole(final byte[] stream) {
        final Feeder f = new Feeder();
        assertThat(f.feed(stream)).isZero();
        assertThat(f.anomalies).isEmpty();
        return f.frames;
    }

    /** The leading whole frames of a stream that fit in {@code max} bytes. */
    private static byte[] prefix(final byte[] stream, final int max) {
        int pos = 0;
        while (pos + 16 <= stream.length) {
            final long body = ((stream[pos + 12] & 0xFFL) << 24) | ((stream[pos + 13] & 0xFF) << 16)
                | ((stream[pos + 14] & 0xFF) << 8) | (stream[pos + 15] & 0xFF);
            if (pos + 16 + body > max) {
                break;
            }
            pos += 16 + (int) body;
        }
        return Arrays.copyOf(stream, pos);
    }

    @Test
    void theSampleHasTwoStreamsOfWholeFrames() {
        assertThat(sampleStreams).hasSize(2);
        int frames = 0;
        for (final byte[] s : sampleStreams) {
            frames += whole(s).size();
        }
        assertThat(frames).isEqualTo(124);
    }

    @Test
    void everyStreamOneByteAtATimeGivesTheSameFrames() {
        final List<byte[]> all = new ArrayList<>(sampleStreams);
        all.addAll(sharedStreams);
        for (final byte[] s : all) {
            final List<DubboFrame> expected = whole(s);
            final Feeder f = new Feeder();
            for (int i = 0; i < s.length; i++) {
                f.feed(s, i, 1);
            }
            assertThat(f.frames).isEqualTo(expected);
            assertThat(f.anomalies).isEmpty();
        }
    }

    @Test
    void everyStreamSplitAtEveryOffsetGivesTheSameFrames() {
        final List<byte[]> all = new ArrayList<>(sharedStreams);
        // the sample's leading frames up to 4600 bytes: the small calls and the exception
        // (offsets inside the two 100 KB frames are covered byte by byte above)
        for (final byte[] s : sampleStreams) {
            all.add(prefix(s, 4600));
        }
        for (final byte[] s : all) {
            final List<DubboFrame> expected = whole(s);
            assertThat(expected).isNotEmpty();
            for (int k = 1; k < s.length; k++) {
                final Feeder f = new Feeder();
                f.feed(s, 0, k);
                assertThat(f.feed(s, k, s.length - k)).isZero();
                assertThat(f.frames).as("split at %d", k).isEqualTo(expected);
            }
        }
    }

    @Test
    void garbageThenAValidFrameRecovers() {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("GET / HTTP/1.1\r\n\r\n\u00da\u00dazz".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        b.writeBytes(HEARTBEAT);
        final Feeder f = new Feeder();
        assertThat(f.feed(b.toByteArray())).isZero();
        assertThat(f.frames).extracting(DubboFrame::requestId, DubboFrame::heartbeat, DubboFrame::request)
            .containsExactly(org.assertj.core.groups.Tuple.tuple(7L, true, true));
        assertThat(f.anomalies).extracting(Anomaly::code).containsExactly("dubbo.resync");
    }

    @Test
    void aCaptureThatStartsMidFrameResynchronises() {
        final byte[] s = sampleStreams.get(0);
        final List<DubboFrame> all = whole(s);
        final Feeder f = new Feeder();
        f.feed(Arrays.copyOfRange(s, 7, s.length));
        assertThat(f.frames).isEqualTo(all.subList(1, all.size()));
        assertThat(f.anomalies).extracting(Anomaly::code).containsExactly("dubbo.resync");
    }

    @Test
    void aTwoGibLengthIsRejectedWithoutAllocating() {
        final byte[] huge = HexFormat.of().parseHex("dabbc200000000000000000180000000");
        final DubboDissector d = new DubboDissector();
        assertThat(d.accept(Payload.of(huge), null)).isEqualTo(Confidence.WEAK);
        final Feeder f = new Feeder();
        final long before = usedHeap();
        assertThat(f.feed(huge)).isZero();
        // the next megabyte is discarded as it arrives, never buffered
        final byte[] mb = new byte[1 << 20];
        for (int i = 0; i < 16; i++) {
            assertThat(f.feed(mb)).isZero();
        }
        assertThat(usedHeap() - before).isLessThan(256L << 20);
        assertThat(f.anomalies).extracting(Anomaly::code).containsExactly("dubbo.pdu_too_large");
        assertThat(f.frames).isEmpty();
        // after a gap the framer starts afresh and a valid frame decodes again
        f.session.onGap(0, 1, Direction.A_TO_B, f);
        assertThat(f.feed(HEARTBEAT)).isZero();
        assertThat(f.frames).hasSize(1);
    }

    @Test
    void aBodyOverTheConfiguredLimitIsDiscardedAndTheNextFrameDecodes() {
        final dev.callscope.core.Limits limits = new dev.callscope.core.Limits();
        limits.dubboMaxPayload = 1024;
        final Feeder f = new Feeder(limits);
        final byte[] s = sampleStreams.get(0);
        f.feed(s);
        final List<DubboFrame> all = whole(s);
        // frames over the limit (the 100 KB echo, the 4 KB exception) are dropped, everything else decodes
        final List<DubboFrame> small = all.stream().filter(x -> x.bodyLength() <= 1024).toList();
        assertThat(small.size()).isLessThan(all.size());
        assertThat(f.frames).isEqualTo(small);
        assertThat(f.anomalies).extracting(Anomaly::code).hasSize(all.size() - small.size())
            .containsOnly("dubbo.pdu_too_large");
    }

    private static long usedHeap() {
        final Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
