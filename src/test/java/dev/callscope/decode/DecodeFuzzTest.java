package dev.callscope.decode;

import dev.callscope.core.Limits;
import dev.callscope.core.ReassemblyBudget;
import dev.callscope.core.LinkType;
import dev.callscope.core.RawFrame;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static dev.callscope.decode.Frames.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Seeded mutation fuzzing of the decoder and the TCP reassembler. Failures print the seed. */
class DecodeFuzzTest {

    private static List<RawFrame> corpus() {
        final byte[] sip = ascii("INVITE sip:bob@example.com SIP/2.0\r\nContent-Length: 0\r\n\r\n");
        final byte[] udp4 = ipv4(17, udp(5060, 5060, sip));
        final byte[] udp6 = ipv6(17, udp(5060, 5060, sip));
        final byte[] tcp4 = ipv4(6, tcp(5060, 40000, 1, 2, 0x18, bytes(1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2), sip));
        final List<RawFrame> c = new ArrayList<>();
        c.add(frame(LinkType.ETHERNET, eth(0x0800, udp4)));
        c.add(frame(LinkType.ETHERNET, ethTagged(new int[] {0x88a8, 0x8100}, 0x86dd, udp6)));
        c.add(frame(LinkType.ETHERNET, eth(0x0800, tcp4)));
        c.add(frame(LinkType.LINUX_SLL, sll(0x0800, udp4)));
        c.add(frame(LinkType.LINUX_SLL2, sll2(0x86dd, ipv6(0, cat(ext(43, 1), ext(44, 1), frag6(60, 0, false, 1),
            ext(51, 2), ah(17), udp(1, 2, sip)))))); // ext(44,..) is only used as padding bytes here
        c.add(frame(LinkType.NULL, nullLink(2, true, tcp4)));
        c.add(frame(LinkType.LOOP, nullLink(30, false, udp6)));
        c.add(frame(LinkType.RAW, udp6));
        c.add(frame(LinkType.IPV4, ipv4(47, gre(0xB000, 0x0800, udp4))));
        c.add(frame(LinkType.IPV4, ipv4(47, gre(0x3081, 0x880b, cat(bytes(0xff, 3, 0, 0x21), udp4)))));
        c.add(frame(LinkType.IPV4, ipv4(47, gre(0x1000, 0x88be, cat(new byte[8], eth(0x0800, udp4))))));
        c.add(frame(LinkType.IPV4, ipv4(47, gre(0x1000, 0x22eb, cat(bytes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
            new byte[8], eth(0x0800, udp4))))));
        c.add(frame(LinkType.IPV6, ipv6(47, gre(0x2000, 0x6558, eth(0x86dd, udp6)))));
        c.add(frame(LinkType.IPV4, ipv4(4, ipv6(41, udp6))));
        c.add(frame(LinkType.IPV4, ipv4(17, udp(2152, 2152, gtp(0x34, 0xff,
            bytes(0, 0, 0, 0x85, 1, 0x10, 5, 0x40, 2, 1, 2, 3, 4, 5, 6, 0), udp6)))));
        c.add(frame(LinkType.IPV4, ipv4(17, udp(1, 4789, cat(bytes(8, 0, 0, 0, 0, 0, 1, 0), eth(0x0800, tcp4))))));
        c.add(frame(LinkType.ETHERNET, eth(0x0806, new byte[28])));
        final byte[] dgram = udp(9, 9, pattern(200, 1));
        for (final int[] r : split(dgram.length, 64)) {
            c.add(frame(LinkType.IPV4, frag4(17, 42, dgram, r[0], r[1])));
            c.add(frame(LinkType.IPV6, frag6Packet(17, 42, dgram, r[0], r[1])));
        }
        return c;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void mutatedFramesNeverThrow(final long seed) {
        final Random rnd = new Random(seed);
        final Limits limits = new Limits();
        limits.ipMaxPendingDatagrams = 8;
        limits.ipMaxFragmentsPerDatagram = 6;
        limits.ipFragmentTimeoutNanos = 5_000;
        final PacketDecoder decoder = new PacketDecoder(limits);
        final PacketInfo info = new PacketInfo();
        final List<RawFrame> corpus = corpus();
        final RawFrame f = new RawFrame();
        for (int i = 0; i < 5_000; i++) {
            f.copyFrom(corpus.get(rnd.nextInt(corpus.size())));
            f.tsNanos = i * 1_000L;
            mutate(rnd, f);
            try {
                final PacketDecoder.Result r = decoder.decode(f, i, info);
                if (r == PacketDecoder.Result.MALFORMED) {
                    assertThat(info.reason).as("seed %d frame %d", seed, i).isNotNull();
                }
                if (info.payload != null) {
                    assertThat(info.payloadOffset + info.payloadLength).as("seed %d frame %d", seed, i)
                        .isBetween(0, info.payload.length);
                    assertThat(info.payloadLength).as("seed %d frame %d", seed, i).isNotNegative();
                }
                assertThat(info.transportCount).isBetween(0, PacketInfo.MAX_TRANSPORTS);
                assertThat(decoder.stats().pendingDatagrams()).as("seed %d", seed)
                    .isLessThanOrEqualTo(limits.ipMaxPendingDatagrams);
            } catch (final RuntimeException e) {
                fail("seed " + seed + " frame " + i + " " + Arrays.toString(Arrays.copyOf(f.data, f.capLen)), e);
            }
        }
        assertThat(decoder.stats().frames()).isEqualTo(5_000);
    }

    private static void mutate(final Random rnd, final RawFrame f) {
        final int kind = rnd.nextInt(5);
        if (kind == 0 && f.capLen > 0) { // snaplen truncation
            f.capLen = rnd.nextInt(f.capLen);
        } else if (kind == 1 && f.capLen > 0) { // bit flips
            for (int n = 1 + rnd.nextInt(4); n > 0; n--) {
                f.data[rnd.nextInt(f.capLen)] ^= (byte) (1 << rnd.nextInt(8));
            }
        } else if (kind == 2 && f.capLen > 1) { // inflated length field
            final int at = rnd.nextInt(f.capLen - 1);
            f.data[at] = (byte) 0xFF;
            f.data[at + 1] = (byte) rnd.nextInt(256);
        } else if (kind == 3 && f.capLen > 0) { // cut the wire length too (lying record header)
            f.capLen = rnd.nextInt(f.capLen);
            f.origLen = rnd.nextBoolean() ? f.capLen : f.capLen + rnd.nextInt(100);
        } else if (kind == 4) { // random bytes, random link type now and then
            for (int i = 0; i < f.capLen; i++) {
                if (rnd.nextInt(10) == 0) {
                    f.data[i] = (byte) rnd.nextInt(256);
                }
            }
            if (rnd.nextInt(8) == 0) {
                f.linkType = rnd.nextInt(300);
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void randomSegmentOrdersReassembleTheStream(final long seed) {
        final Random rnd = new Random(seed);
        final byte[] stream = new byte[2_000 + rnd.nextInt(20_000)];
        rnd.nextBytes(stream);
        final long isn = rnd.nextBoolean() ? 0xFFFFFFFFL - rnd.nextInt(5_000) : rnd.nextInt() & 0xFFFFFFFFL;
        final boolean tight = seed % 2 == 0;
        final boolean snapCut = seed % 5 == 0;
        final Limits limits = new Limits();
        if (tight) {
            limits.tcpMaxOutOfOrderSegments = 1 + rnd.nextInt(8);
            limits.tcpMaxBufferedPerDirection = 500 + rnd.nextInt(3_000);
        }
        final ReassemblyBudget budget = new ReassemblyBudget(tight ? 4_000 : 1L << 30);
        final TcpReassembler r = new TcpReassembler(limits, budget);
        final RecordingSink sink = new RecordingSink();

        // segments: consecutive pieces, plus overlapping re-sends, then a local shuffle
        final List<int[]> segs = new ArrayList<>();
        for (int at = 0; at < stream.length; ) {
            final int len = Math.min(stream.length - at, 1 + rnd.nextInt(700));
            segs.add(new int[] {at, at + len});
            if (rnd.nextInt(6) == 0) {
                final int from = Math.max(0, at - rnd.nextInt(400));
                segs.add(new int[] {from, Math.min(stream.length, at + len + rnd.nextInt(300))});
            }
            at += len;
        }
        for (int i = 0; i < segs.size(); i++) {
            final int j = Math.min(segs.size() - 1, i + rnd.nextInt(6));
            final int[] t = segs.get(i);
            segs.set(i, segs.get(j));
            segs.set(j, t);
        }
        // the SYN comes first so the stream start is known whatever the order
        r.segment(0x02, (isn - 1) & 0xFFFFFFFFL, null, 0, 0, 0, sink);
        try {
            for (final int[] s : segs) {
                final int wire = s[1] - s[0];
                final int cap = snapCut && rnd.nextInt(4) == 0 ? rnd.nextInt(wire + 1) : wire;
                r.segment(0x10, (isn + s[0]) & 0xFFFFFFFFL, stream, s[0], cap, wire, sink);
                assertThat(r.bufferedBytes()).as("seed %d", seed).isLessThanOrEqualTo(limits.tcpMaxBufferedPerDirection);
                assertThat(r.heldSegments()).as("seed %d", seed).isLessThanOrEqualTo(limits.tcpMaxOutOfOrderSegments);
                assertThat(budget.used()).as("seed %d", seed).isLessThanOrEqualTo(budget.limit());
            }
            r.flush(sink);
        } catch (final RuntimeException e) {
            fail("seed " + seed, e);
        }
        assertThat(r.bufferedBytes()).as("seed %d", seed).isZero();
        assertThat(budget.used()).as("seed %d", seed).isZero();
        final byte[] expected = stream.clone();
        for (final long[] g : sink.gaps) {
            final int from = (int) ((g[0] - isn) & 0xFFFFFFFFL);
            Arrays.fill(expected, from, from + (int) g[1], (byte) 0);
        }
        assertThat(sink.withGaps.toByteArray()).as("seed %d: stream with gaps zeroed", seed).isEqualTo(expected);
        if (!tight && !snapCut) {
            assertThat(sink.gaps).as("seed %d", seed).isEmpty();
            assertThat(sink.bytes()).as("seed %d", seed).isEqualTo(stream);
        }
    }
}
