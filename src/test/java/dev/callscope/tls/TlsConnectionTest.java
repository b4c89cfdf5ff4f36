package dev.callscope.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.core.TlsStats;
import dev.callscope.pcap.CaptureFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The record layer on its own, fed the TCP payloads of the recorded samples (samples/tls, one
 * connection each, no loss): however the bytes are cut, the same plaintext comes out; damaged,
 * truncated and forged input is counted, never thrown.
 */
class TlsConnectionTest {
    private static final Path DIR = Path.of("samples/tls");

    /** One TCP payload: its direction (0 client, 1 server) and bytes. */
    private record Chunk(int dir, byte[] bytes) {
    }

    /** The TCP payloads of a loopback (Ethernet, IPv4) capture of one TLS connection to port 5061, in order. */
    private static List<Chunk> chunks(final String name) throws IOException {
        final List<Chunk> out = new ArrayList<>();
        try (PacketSource s = CaptureFiles.open(DIR.resolve(name + ".pcap").toString())) {
            final RawFrame f = new RawFrame();
            while (s.next(f)) {
                final byte[] d = f.data;
                final int ip = 14;
                final int ihl = (d[ip] & 0x0F) * 4;
                final int tcp = ip + ihl;
                final int total = (d[ip + 2] & 0xFF) << 8 | d[ip + 3] & 0xFF;
                final int thl = ((d[tcp + 12] & 0xFF) >>> 4) * 4;
                final int payload = tcp + thl;
                final int end = ip + total;
                if (end > payload) {
                    final int srcPort = (d[tcp] & 0xFF) << 8 | d[tcp + 1] & 0xFF;
                    out.add(new Chunk(srcPort == 5061 ? 1 : 0, Arrays.copyOfRange(d, payload, end)));
                }
            }
        }
        return out;
    }

    private static KeyLog keys(final String name) throws IOException {
        final KeyLog k = new KeyLog(100);
        k.read(new StringReader(Files.readString(DIR.resolve(name + ".keys"))));
        return k;
    }

    /** Feeds the chunks cut into pieces of at most {@code piece} bytes (0: as they are); returns each direction's plaintext. */
    private static byte[][] feed(final List<Chunk> chunks, final KeyLog keys, final int piece, final TlsStats[] stats) {
        final ByteArrayOutputStream[] plain = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
        final TlsContext ctx = new TlsContext(keys);
        final TlsConnection c = new TlsConnection(ctx, 0);
        final TlsConnection.Sink sink = (dir, buf, off, len) -> plain[dir].write(buf, off, len);
        for (final Chunk ch : chunks) {
            final byte[] b = ch.bytes();
            final int step = piece == 0 ? b.length : piece;
            for (int off = 0; off < b.length; off += step) {
                c.data(ch.dir(), b, off, Math.min(step, b.length - off), sink);
            }
        }
        if (stats != null) {
            stats[0] = ctx.stats();
        }
        return new byte[][] {plain[0].toByteArray(), plain[1].toByteArray()};
    }

    @ParameterizedTest
    @ValueSource(strings = {"sip-tls13", "sip-tls13-chacha", "sip-tls12", "sip-tls12-cbc"})
    void theSamePlaintextHoweverTheBytesAreCut(final String name) throws IOException {
        final List<Chunk> chunks = chunks(name);
        final KeyLog keys = keys(name);
        final TlsStats[] stats = new TlsStats[1];
        final byte[][] whole = feed(chunks, keys, 0, stats);
        assertThat(whole[0]).isNotEmpty();
        assertThat(whole[1]).isNotEmpty();
        assertThat(new String(whole[0], java.nio.charset.StandardCharsets.ISO_8859_1)).startsWith("INVITE ");
        assertThat(new String(whole[1], java.nio.charset.StandardCharsets.ISO_8859_1)).startsWith("SIP/2.0 100 Trying");
        assertThat(stats[0].authFailures).isZero();
        for (final int piece : new int[] {1, 2, 3, 5, 7, 13, 100, 1000}) {
            final byte[][] cut = feed(chunks, keys, piece, null);
            assertThat(cut[0]).as("pieces of %d", piece).isEqualTo(whole[0]);
            assertThat(cut[1]).as("pieces of %d", piece).isEqualTo(whole[1]);
        }
    }

    @Test
    void aForgedRecordLengthStopsThatDirectionOnly() throws IOException {
        final List<Chunk> chunks = new ArrayList<>(chunks("sip-tls13"));
        final byte[][] clean = feed(chunks, keys("sip-tls13"), 0, null);
        // after the handshake: a client record header announcing 65535 bytes
        int at = -1;
        for (int i = chunks.size() - 1; i >= 0; i--) {
            if (chunks.get(i).dir() == 0) {
                at = i;
            }
            if (at >= 0 && i < chunks.size() / 2) {
                break;
            }
        }
        chunks.add(at, new Chunk(0, new byte[] {23, 3, 3, (byte) 0xFF, (byte) 0xFF, 1, 2, 3}));
        final TlsStats[] stats = new TlsStats[1];
        final byte[][] forged = feed(chunks, keys("sip-tls13"), 0, stats);
        assertThat(stats[0].malformed).isEqualTo(1);
        assertThat(forged[0].length).isLessThan(clean[0].length);
        assertThat(forged[1]).isEqualTo(clean[1]);
    }

    @Test
    void aGapEndsDecryptionOfThatDirection() throws IOException {
        final List<Chunk> chunks = chunks("sip-tls12");
        final TlsContext ctx = new TlsContext(keys("sip-tls12"));
        final TlsConnection c = new TlsConnection(ctx, 0);
        final int[] delivered = new int[2];
        for (int i = 0; i < chunks.size(); i++) {
            if (i == chunks.size() / 2) {
                c.gap(1);
            }
            c.data(chunks.get(i).dir(), chunks.get(i).bytes(), 0, chunks.get(i).bytes().length, (d, b, o, l) -> delivered[d] += l);
        }
        assertThat(delivered[0]).isPositive();
        assertThat(ctx.stats().authFailures).isZero();
        assertThat(ctx.stats().malformed).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sip-tls13", "sip-tls12", "sip-tls12-cbc", "sip-tls12-chacha"})
    void damagedAndTruncatedStreamsAreCountedNeverThrown(final String name) throws IOException {
        final List<Chunk> clean = chunks(name);
        final KeyLog keys = keys(name);
        final Random rnd = new Random(20261203L ^ name.hashCode());
        for (int round = 0; round < 300; round++) {
            final List<Chunk> damaged = new ArrayList<>();
            final int cutAt = rnd.nextInt(clean.size() + 1);
            for (int i = 0; i < cutAt; i++) {
                final byte[] b = clean.get(i).bytes().clone();
                final int flips = rnd.nextInt(4);
                for (int k = 0; k < flips && b.length > 0; k++) {
                    b[rnd.nextInt(b.length)] ^= (byte) (1 + rnd.nextInt(255));
                }
                damaged.add(new Chunk(clean.get(i).dir(), rnd.nextInt(10) == 0 ? Arrays.copyOf(b, rnd.nextInt(b.length + 1)) : b));
            }
            final TlsStats[] stats = new TlsStats[1];
            assertThatCode(() -> feed(damaged, keys, 1 + rnd.nextInt(64), stats)).doesNotThrowAnyException();
        }
        final Random noise = new Random(7);
        for (int round = 0; round < 200; round++) {
            final byte[] b = new byte[noise.nextInt(4096)];
            noise.nextBytes(b);
            if (b.length > 6) {
                b[0] = 22; // a handshake record header, then anything
                b[1] = 3;
            }
            final List<Chunk> garbage = List.of(new Chunk(0, b), new Chunk(1, b));
            assertThatCode(() -> feed(garbage, keys, 0, null)).doesNotThrowAnyException();
        }
    }

    @Test
    void aFollowedKeyLogGivesSecretsWrittenAfterTheClientHello(@org.junit.jupiter.api.io.TempDir final Path tmp)
        throws Exception {
        final List<Chunk> chunks = chunks("sip-tls13");
        final byte[][] expected = feed(chunks, keys("sip-tls13"), 0, null);
        final Path log = tmp.resolve("live.keys");
        Files.writeString(log, "# written as connections come\n");
        final KeyLog keys = new KeyLog(100);
        keys.follow(log);
        final TlsContext ctx = new TlsContext(keys);
        final ByteArrayOutputStream[] plain = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
        final TlsConnection.Sink sink = (dir, buf, off, len) -> plain[dir].write(buf, off, len);
        TlsConnection c = null;
        for (int i = 0; i < chunks.size(); i++) {
            final byte[] b = chunks.get(i).bytes();
            if (c == null) {
                c = TlsConnection.start(ctx, chunks.get(i).dir(), b, 0, 0);
            }
            if (i == 4) {
                Files.writeString(log, Files.readString(DIR.resolve("sip-tls13.keys")), java.nio.file.StandardOpenOption.APPEND);
                Thread.sleep(20); // past the interval between two looks at the file
            }
            c.data(chunks.get(i).dir(), b, 0, b.length, sink, i * 1_000_000L);
            assertThat(c.withholds()).isTrue();
        }
        assertThat(plain[0].toByteArray()).isEqualTo(expected[0]);
        assertThat(plain[1].toByteArray()).isEqualTo(expected[1]);
        assertThat(ctx.stats().withoutKey).isZero();
    }

    @Test
    void secretsThatNeverComeAreGivenUpAfterTheWait(@org.junit.jupiter.api.io.TempDir final Path tmp) throws Exception {
        final List<Chunk> chunks = chunks("sip-tls12");
        final KeyLog keys = new KeyLog(100);
        keys.follow(tmp.resolve("not-yet-written.keys"));
        final TlsContext ctx = new TlsContext(keys);
        final int[] delivered = new int[1];
        TlsConnection c = null;
        for (int i = 0; i < chunks.size(); i++) {
            final byte[] b = chunks.get(i).bytes();
            if (c == null) {
                c = TlsConnection.start(ctx, chunks.get(i).dir(), b, 0, 0);
            }
            c.data(chunks.get(i).dir(), b, 0, b.length, (d, x, o, l) -> delivered[0] += l, i * 1_000_000_000L);
        }
        assertThat(delivered[0]).isZero();
        assertThat(c.withholds()).isFalse();
        assertThat(ctx.stats().withoutKey).isEqualTo(1);
    }
}
