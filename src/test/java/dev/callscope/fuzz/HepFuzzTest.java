package dev.callscope.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.cli.Main;
import dev.callscope.core.LinkType;
import dev.callscope.core.RawFrame;
import dev.callscope.decode.HepHeader;
import dev.callscope.hep.HepEncoder;
import dev.callscope.hep.HepFrames;
import dev.callscope.pcap.PcapngWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated HEP (v3 over IPv4 and IPv6, UDP and TCP, and v2) through the header reader, the
 * collector's frame builder, and the whole pipeline from a capture file: nothing throws, every
 * offset stays inside the packet, every packet is counted.
 */
class HepFuzzTest {
    private static final long SEED = 20_261_203L;
    private static final int CASES = 20_000;
    @TempDir
    Path tmp;

    private static List<byte[]> seeds() {
        final byte[] sip = ("INVITE sip:b@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\nCall-ID: f1\r\n"
            + "CSeq: 1 INVITE\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@y>\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        final List<byte[]> l = new ArrayList<>();
        final HepEncoder e = new HepEncoder(7, "key".getBytes(StandardCharsets.UTF_8));
        final byte[] a4 = {10, 0, 0, 1};
        final byte[] b4 = {10, 0, 0, 2};
        final byte[] a6 = new byte[16];
        final byte[] b6 = new byte[16];
        a6[15] = 1;
        b6[15] = 2;
        for (final int proto : new int[] {17, 6}) {
            int n = e.encode(4, proto, a4, b4, 5060, 5060, 1_700_000_000_000_000_000L, 1, sip, 0, sip.length, "f1".getBytes());
            l.add(Arrays.copyOf(e.buffer(), n));
            n = e.encode(6, proto, a6, b6, 5060, 5062, 1_700_000_000_000_000_000L, 1, sip, 0, sip.length, null);
            l.add(Arrays.copyOf(e.buffer(), n));
        }
        final byte[] v2 = new byte[16 + 12 + sip.length];
        v2[0] = 2;
        v2[1] = 16;
        v2[2] = 2;
        v2[3] = 17;
        v2[4] = 0x13;
        v2[5] = (byte) 0xc4;
        v2[6] = 0x13;
        v2[7] = (byte) 0xc4;
        System.arraycopy(a4, 0, v2, 8, 4);
        System.arraycopy(b4, 0, v2, 12, 4);
        System.arraycopy(sip, 0, v2, 28, sip.length);
        l.add(v2);
        return l;
    }

    @Test
    void mutatedHepNeverBreaksTheReaderTheCollectorOrThePipeline() throws IOException {
        final SplittableRandom r = new SplittableRandom(SEED);
        final List<byte[]> seeds = seeds();
        final HepHeader h = new HepHeader();
        final HepFrames frames = new HepFrames("key", 1024);
        final RawFrame out = new RawFrame();
        final Path file = tmp.resolve("fuzz.pcapng");
        long parsed = 0;
        try (OutputStream os = Files.newOutputStream(file); PcapngWriter w = new PcapngWriter(os, "fuzz")) {
            w.addInterface(LinkType.RAW, 65_535, "hep");
            final RawFrame f = new RawFrame();
            for (int i = 0; i < CASES; i++) {
                final byte[] seed = seeds.get(r.nextInt(seeds.size()));
                // mostly the chunk headers; sometimes the whole packet
                final int to = r.nextInt(4) == 0 ? seed.length : Math.min(seed.length, 120);
                final byte[] p = Mutator.mutate(seed, r.nextInt(2) == 0 ? 0 : 4, to, r, null, false);
                if (h.parse(p, 0, p.length) == null) {
                    parsed++;
                    assertThat(h.payloadOffset).isBetween(0, p.length);
                    assertThat(h.payloadOffset + h.payloadLength).isLessThanOrEqualTo(p.length);
                    if (h.authLength >= 0) {
                        assertThat(h.authOffset + h.authLength).isLessThanOrEqualTo(p.length);
                    }
                    if (h.correlationLength >= 0) {
                        assertThat(h.correlationOffset + h.correlationLength).isLessThanOrEqualTo(p.length);
                    }
                }
                frames.decode(p, p.length, 1, out);
                // as a collector's capture holds it: UDP to the HEP port
                final int total = 28 + p.length;
                if (total > 65_535) {
                    continue;
                }
                final byte[] d = f.ensureCapacity(total);
                Arrays.fill(d, 0, 28, (byte) 0);
                d[0] = 0x45;
                d[2] = (byte) (total >>> 8);
                d[3] = (byte) total;
                d[8] = 64;
                d[9] = 17;
                d[12] = 10;
                d[15] = 8;
                d[16] = 10;
                d[19] = 9;
                d[20] = (byte) 0x9c;
                d[21] = 0x40;
                d[22] = (byte) (HepHeader.PORT >>> 8);
                d[23] = (byte) HepHeader.PORT;
                d[24] = (byte) ((8 + p.length) >>> 8);
                d[25] = (byte) (8 + p.length);
                System.arraycopy(p, 0, d, 28, p.length);
                f.capLen = total;
                f.origLen = total;
                f.linkType = LinkType.RAW;
                f.tsNanos = 1_700_000_000_000_000_000L + i * 1000L;
                w.write(f);
            }
        }
        assertThat(parsed).as("mutations that still parse").isGreaterThan(CASES / 20);
        assertThat(frames.decoded() + frames.malformed() + frames.rejected() + frames.reports() + frames.unsupported())
            .isEqualTo(CASES);
        for (final String cmd : List.of("read", "sip", "calls")) {
            final StringWriter o = new StringWriter();
            final StringWriter e = new StringWriter();
            final int code = Main.run(new PrintWriter(o), new PrintWriter(e), cmd, "--json", file.toString());
            assertThat(code).as("%s: %s", cmd, e).isZero();
            assertThat(e.toString()).isEmpty();
        }
    }
}
