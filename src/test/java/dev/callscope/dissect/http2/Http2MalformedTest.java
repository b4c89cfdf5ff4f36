package dev.callscope.dissect.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.core.RawFrame;
import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.tap.Tap;
import dev.callscope.engine.Engine;
import dev.callscope.engine.EngineOptions;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Hostile HTTP/2: an endless CONTINUATION, an HPACK bomb (a header block that grows the header list
 * past the bound), forged frame and gRPC lengths, random frames. Every one is reported and the run
 * goes on; nothing throws, and what is kept stays within the bounds.
 */
class Http2MalformedTest {
    private static final byte[] PREFACE = Http2Dissector.PREFACE;

    static byte[] frame(final int type, final int flags, final int stream, final byte[] payload) {
        final byte[] f = new byte[9 + payload.length];
        f[0] = (byte) (payload.length >>> 16);
        f[1] = (byte) (payload.length >>> 8);
        f[2] = (byte) payload.length;
        f[3] = (byte) type;
        f[4] = (byte) flags;
        f[5] = (byte) (stream >>> 24 & 0x7F);
        f[6] = (byte) (stream >>> 16);
        f[7] = (byte) (stream >>> 8);
        f[8] = (byte) stream;
        System.arraycopy(payload, 0, f, 9, payload.length);
        return f;
    }

    /** A literal header without indexing, new name (RFC 7541 section 6.2.2), short strings without Huffman. */
    static byte[] literal(final String name, final String value) {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x00);
        b.write(name.length());
        b.writeBytes(name.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.write(value.length());
        b.writeBytes(value.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return b.toByteArray();
    }

    static byte[] requestHeaders() {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x83); // :method POST
        b.write(0x86); // :scheme http
        b.writeBytes(literal(":path", "/pkg.Svc/Call"));
        b.writeBytes(literal("content-type", "application/grpc"));
        return b.toByteArray();
    }

    private record Run(List<Http2Call> calls, List<Http2ConnectionSummary> conns, List<Anomaly> anomalies) {
    }

    private static Run run(final List<byte[]> fromClient, final List<byte[]> fromServer) {
        final List<RawFrame> frames = new ArrayList<>();
        final int[] seq = {1, 1};
        frames.add(Tcp.frame(true, 0, 0x02, new byte[0]));
        frames.add(Tcp.frame(false, 0, 0x12, new byte[0]));
        for (int i = 0; i < Math.max(fromClient.size(), fromServer.size()); i++) {
            if (i < fromClient.size()) {
                frames.add(Tcp.frame(true, seq[0], 0x18, fromClient.get(i)));
                seq[0] += fromClient.get(i).length;
            }
            if (i < fromServer.size()) {
                frames.add(Tcp.frame(false, seq[1], 0x18, fromServer.get(i)));
                seq[1] += fromServer.get(i).length;
            }
        }
        final Run r = new Run(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        final Engine e = new Engine(DissectorRegistry.builtIn(Set.of(), Map.of()), EngineOptions.defaults(), List.of(new Tap() {
            @Override
            public void onEvent(final ProtocolEvent ev) {
                if (ev instanceof Http2Call c) {
                    r.calls.add(c);
                } else if (ev instanceof Http2ConnectionSummary s) {
                    r.conns.add(s);
                }
            }

            @Override
            public void onAnomaly(final Anomaly a) {
                r.anomalies.add(a);
            }
        }));
        frames.forEach(e::process);
        e.finish();
        return r;
    }

    private static byte[] cat(final byte[]... parts) {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (final byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    @Test
    void aWellFormedCallIsRead() {
        final byte[] msg = {0, 0, 0, 0, 3, 0x0A, 0x01, 0x41}; // gRPC: uncompressed, 3 bytes: field 1 string "A"
        final Run r = run(List.of(cat(PREFACE, frame(4, 0, 0, new byte[0]), frame(1, 0x4, 1, requestHeaders()),
            frame(0, 0x1, 1, msg))), List.of(cat(frame(4, 0, 0, new byte[0]),
            frame(1, 0x4, 1, cat(new byte[] {(byte) 0x88}, literal("content-type", "application/grpc"))), frame(0, 0, 1, msg),
            frame(1, 0x5, 1, literal("grpc-status", "0")))));
        assertThat(r.calls).singleElement().satisfies(c -> {
            assertThat(c.service()).isEqualTo("pkg.Svc");
            assertThat(c.method()).isEqualTo("Call");
            assertThat(c.grpcStatus()).isZero();
            assertThat(c.requestMessages()).isEqualTo(1);
            assertThat(c.responseMessages()).isEqualTo(1);
            assertThat(c.requestSummary()).isEqualTo("protobuf: 1 string 'A'");
            assertThat(c.state()).isEqualTo("closed");
        });
        assertThat(r.anomalies).isEmpty();
    }

    private static byte[] ascii(final String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Test
    void anH2cUpgradeTheServerRefusesStaysHttp11() {
        final Run r = run(List.of(ascii("GET /a HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                + "HTTP2-Settings: not base64 at all!\r\n\r\n"), ascii("GET /b HTTP/1.1\r\nHost: h\r\n\r\n")),
            List.of(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")));
        assertThat(r.calls).isEmpty();
        assertThat(r.conns).singleElement().satisfies(s -> assertThat(s.upgrade()).isEqualTo("h2c upgrade refused"));
        assertThat(r.anomalies).isEmpty();
    }

    @Test
    void anH2cHeadThatNeverEndsIsGivenUpAtTheBound() {
        final List<byte[]> client = new ArrayList<>();
        client.add(ascii("GET / HTTP/1.1\r\nUpgrade: h2c\r\n"));
        for (int i = 0; i < 100; i++) {
            client.add(ascii("X-Filler: " + "y".repeat(1000) + "\r\n")); // 100 KB of head, no blank line
        }
        final Run r = run(client, List.of());
        assertThat(r.calls).isEmpty();
        assertThat(r.anomalies).extracting(Anomaly::code).containsOnlyOnce("http2.malformed");
    }

    @Test
    void anUpgradedStreamWithBadSettingsAndForgedWindowsIsStillRead() {
        final byte[] hugeUpdate = {0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        final byte[] tinyWindow = {0, 4, 0, 0, 0, 0}; // SETTINGS_INITIAL_WINDOW_SIZE 0
        final Run r = run(List.of(ascii("GET /x HTTP/1.1\r\nHost: h:1\r\nUpgrade: h2c\r\nHTTP2-Settings: %%%\r\n\r\n"),
                cat(PREFACE, frame(4, 0, 0, tinyWindow), frame(8, 0, 0, hugeUpdate), frame(8, 0, 1, hugeUpdate),
                    frame(8, 0, 1, hugeUpdate))),
            List.of(cat(ascii("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"),
                frame(4, 0, 0, new byte[0]), frame(1, 0x4, 1, new byte[] {(byte) 0x88}), frame(0, 0, 1, new byte[100]),
                frame(0, 0x1, 1, new byte[100]))));
        assertThat(r.calls).singleElement().satisfies(c -> {
            assertThat(c.streamId()).isEqualTo(1);
            assertThat(c.requestHeader(":path")).isEqualTo("/x");
            assertThat(c.requestHeader(":authority")).isEqualTo("h:1");
            assertThat(c.responseBytes()).isEqualTo(200);
            assertThat(c.state()).isEqualTo("closed");
        });
        assertThat(r.conns).singleElement().satisfies(s -> {
            assertThat(s.upgrade()).isEqualTo("h2c upgrade");
            assertThat(s.stallCount()).isZero();
        });
    }

    /** An HPACK dynamic table size update (RFC 7541 section 6.3) to {@code size}. */
    private static byte[] tableSizeUpdate(final int size) {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x20 | 31);
        int n = size - 31;
        while (n >= 128) {
            b.write(n % 128 + 128);
            n /= 128;
        }
        b.write(n);
        return b.toByteArray();
    }

    @Test
    void aDynamicTableOverTheBoundStopsHeaderDecoding() {
        // 8 KiB is within --http2-max-header-table (64 KiB): read; 1 MB is not: reported, the stream still followed
        final Run ok = run(List.of(cat(PREFACE, frame(1, 0x5, 1, cat(tableSizeUpdate(8192), requestHeaders())))), List.of());
        assertThat(ok.calls).singleElement().satisfies(c -> assertThat(c.service()).isEqualTo("pkg.Svc"));
        assertThat(ok.anomalies).isEmpty();
        final Run big = run(List.of(cat(PREFACE, frame(1, 0x5, 1, cat(tableSizeUpdate(1_000_000), requestHeaders())))), List.of());
        assertThat(big.anomalies).extracting(Anomaly::code).containsExactly("http2.hpack");
        assertThat(big.conns).singleElement().satisfies(s -> assertThat(s.hpackFailures()).isEqualTo(1));
    }

    @Test
    void endlessContinuationIsCutAtTheBound() {
        final List<byte[]> client = new ArrayList<>();
        client.add(cat(PREFACE, frame(1, 0, 1, requestHeaders())));
        final byte[] chunk = new byte[8000];
        for (int i = 0; i < 200; i++) { // 1.6 MB of header block, never END_HEADERS
            client.add(frame(9, 0, 1, chunk));
        }
        final Run r = run(client, List.of());
        assertThat(r.anomalies).extracting(Anomaly::code).containsOnlyOnce("http2.header_block_too_large");
        assertThat(r.conns).singleElement().satisfies(s -> assertThat(s.framesFromClient()[9]).isEqualTo(200));
    }

    @Test
    void hpackBombIsBounded() {
        // one block that stays under the block bound but whose literal headers, repeated by index, decode
        // to a header list far over it: first index a 4000-byte header, then refer to it 1000 times
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(requestHeaders());
        b.write(0x40); // literal with incremental indexing, new name
        b.write(1);
        b.write('x');
        b.write(0x7F);
        int n = 4000 - 127; // value length 4000, HPACK integer with a 7-bit prefix
        while (n >= 128) {
            b.write(n % 128 + 128);
            n /= 128;
        }
        b.write(n);
        b.writeBytes(new byte[4000]);
        for (int i = 0; i < 1000; i++) {
            b.write(0x80 | 62); // indexed: the header just added
        }
        final Run r = run(List.of(cat(PREFACE, frame(1, 0x5, 1, b.toByteArray()))), List.of());
        assertThat(r.anomalies).extracting(Anomaly::code).contains("http2.hpack");
        assertThat(r.conns).singleElement().satisfies(s -> assertThat(s.hpackFailures()).isEqualTo(1));
    }

    @Test
    void partialMessagesOnManyStreamsAreBoundedPerConnection() {
        // 20 streams each send half of a 1 MiB gRPC message (10 MiB held in all) and never the rest:
        // what a connection holds is bounded by --dubbo-max-payload (8 MiB), not by 20 times it
        final List<byte[]> client = new ArrayList<>();
        client.add(PREFACE);
        final byte[] chunk = new byte[16 * 1024];
        for (int st = 1; st <= 39; st += 2) {
            client.add(frame(1, 0x4, st, requestHeaders()));
            final byte[] first = cat(new byte[] {0, 0, 0x10, 0, 0}, new byte[16 * 1024 - 5]);
            client.add(frame(0, 0, st, first));
            for (int i = 1; i < 32; i++) {
                client.add(frame(0, 0, st, chunk));
            }
        }
        final Run r = run(client, List.of());
        assertThat(r.anomalies).extracting(Anomaly::code).contains("grpc.message_too_large");
        // the streams that came first hold their halves (no whole message yet); past the bound the rest are
        // no longer cut into messages, only their DATA frames counted
        assertThat(r.calls).hasSize(20);
        assertThat(r.calls).filteredOn(c -> c.requestMessages() == 0).hasSizeBetween(15, 16);
        assertThat(r.calls).filteredOn(c -> c.requestMessages() > 0).allSatisfy(c -> assertThat(c.requestSummary()).isNull());
    }

    @Test
    void forgedLengthsAndRandomFramesNeverThrow() {
        final Random rnd = new Random(20261203);
        for (int round = 0; round < 200; round++) {
            final List<byte[]> client = new ArrayList<>();
            client.add(cat(PREFACE, frame(1, 0x4, 1, requestHeaders())));
            final List<byte[]> server = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                final byte[] payload = new byte[rnd.nextInt(64)];
                rnd.nextBytes(payload);
                final byte[] f = frame(rnd.nextInt(11), rnd.nextInt(256), rnd.nextInt(4), payload);
                if (rnd.nextInt(4) == 0) {
                    f[0] = (byte) rnd.nextInt(256); // a forged length
                }
                (rnd.nextBoolean() ? client : server).add(f);
            }
            // a gRPC message claiming 2 GiB
            client.add(frame(0, 0, 1, new byte[] {0, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 2, 3}));
            final Run r = run(client, server);
            assertThat(r.conns).as("round %d", round).hasSize(1);
            r.calls.forEach(c -> assertThat(c.requestBytes()).isLessThan(1L << 31));
        }
    }
}
