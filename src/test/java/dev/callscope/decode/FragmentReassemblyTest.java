package dev.callscope.decode;

import dev.callscope.core.Limits;
import dev.callscope.core.ReassemblyBudget;
import dev.callscope.core.LinkType;
import dev.callscope.decode.PacketDecoder.Result;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static dev.callscope.decode.Frames.*;
import static org.assertj.core.api.Assertions.assertThat;

class FragmentReassemblyTest {
    private static final long SEC = 1_000_000_000L;

    private final Limits limits = new Limits();
    private PacketDecoder decoder = new PacketDecoder(limits);
    private final PacketInfo info = new PacketInfo();
    private long frameNo;

    private Result feed(final byte[] ipPacket, final long ts) {
        return decoder.decode(Frames.frame(LinkType.ETHERNET,
            eth((ipPacket[0] & 0xF0) == 0x60 ? 0x86dd : 0x0800, ipPacket), ts), ++frameNo, info);
    }

    private byte[] payload() {
        return Arrays.copyOfRange(info.payload, info.payloadOffset, info.payloadOffset + info.payloadLength);
    }

    private static List<byte[]> v4Fragments(final int id, final byte[] udpDatagram, final int size) {
        final List<byte[]> out = new ArrayList<>();
        for (final int[] r : split(udpDatagram.length, size)) {
            out.add(frag4(17, id, udpDatagram, r[0], r[1]));
        }
        return out;
    }

    private static List<byte[]> v6Fragments(final long id, final byte[] fragmentable, final int size) {
        final List<byte[]> out = new ArrayList<>();
        for (final int[] r : split(fragmentable.length, size)) {
            out.add(frag6Packet(17, id, fragmentable, r[0], r[1]));
        }
        return out;
    }

    @Test
    void ipv4InOrder() {
        final byte[] body = pattern(3000, 1);
        final List<byte[]> frags = v4Fragments(77, udp(5060, 5060, body), 1480);
        assertThat(feed(frags.get(0), SEC)).isEqualTo(Result.FRAGMENT);
        assertThat(Arrays.copyOf(info.layers, info.layerCount)).containsExactly("eth", "ip", "data");
        assertThat(feed(frags.get(1), SEC)).isEqualTo(Result.FRAGMENT);
        assertThat(feed(frags.get(2), SEC)).isEqualTo(Result.UDP);
        assertThat(Arrays.copyOf(info.layers, info.layerCount)).containsExactly("eth", "ip", "udp");
        assertThat(info.transport().payloadLength).isEqualTo(3000);
        assertThat(payload()).isEqualTo(body);
        assertThat(decoder.stats().datagramsReassembled()).isEqualTo(1);
        assertThat(decoder.stats().fragments()).isEqualTo(3);
        assertThat(decoder.stats().pendingDatagrams()).isZero();
        assertThat(decoder.stats().pendingFragmentBytes()).isZero();
    }

    @Test
    void ipv4OutOfOrderDuplicatedOverlapping() {
        final byte[] body = pattern(4000, 2);
        final byte[] dgram = udp(1, 2, body);
        final List<byte[]> frags = new ArrayList<>(v4Fragments(9, dgram, 800));
        // an overlapping fragment covering [400, 1200) with the right bytes, and a duplicate
        frags.add(frag4(17, 9, dgram, 400, 1200));
        frags.add(frags.get(1).clone());
        Collections.shuffle(frags, new Random(5));
        // make sure the last fragment (the one completing) is not the first one in the list
        int completed = 0;
        for (final byte[] f : frags) {
            final Result r = feed(f, SEC);
            if (r == Result.UDP) {
                completed++;
                assertThat(payload()).isEqualTo(body);
            }
        }
        assertThat(completed).isEqualTo(1);
        assertThat(decoder.stats().fragmentDuplicates() + decoder.stats().fragmentOverlaps()).isGreaterThan(0);
    }

    @Test
    void aLoneFragmentHoldsOnlyItsOwnBytes() {
        // the last 8 bytes of a datagram that would be 65528 long: held as 8 bytes, not 64 KiB
        final byte[] tail = ipv4(A4, B4, 17, 99, false, 65520, new byte[0], pattern(8, 9));
        assertThat(feed(tail, SEC)).isEqualTo(Result.FRAGMENT);
        assertThat(decoder.stats().pendingFragmentBytes()).isEqualTo(8);
        assertThat(decoder.budget().used()).isEqualTo(8 + ReassemblyBudget.ENTRY_OVERHEAD);
        final byte[] dgram = udp(1, 2, pattern(3000, 8));
        final List<byte[]> frags = v4Fragments(100, dgram, 1480);
        feed(frags.get(0), SEC);
        assertThat(decoder.budget().used()).isEqualTo(8 + 1480 + 2 * ReassemblyBudget.ENTRY_OVERHEAD);
        feed(frags.get(1), SEC);
        assertThat(feed(frags.get(2), SEC)).isEqualTo(Result.UDP);
        assertThat(payload()).isEqualTo(pattern(3000, 8));
        assertThat(decoder.budget().used()).isEqualTo(8 + ReassemblyBudget.ENTRY_OVERHEAD);
    }

    @Test
    void theBudgetDropsTheOldestDatagram() {
        limits.reassemblyBudget = 3 * (104 + ReassemblyBudget.ENTRY_OVERHEAD);
        decoder = new PacketDecoder(limits);
        final byte[] dgram = udp(1, 2, pattern(200, 6)); // 208 bytes: fragments of 104 each
        for (int id = 1; id <= 4; id++) {
            assertThat(feed(frag4(17, id, dgram, 0, 104), SEC)).isEqualTo(Result.FRAGMENT);
        }
        // three fit; the fourth made room by dropping the first
        assertThat(decoder.stats().datagramsOverBudget()).isEqualTo(1);
        assertThat(info.budgetDrops).isEqualTo(1);
        assertThat(info.budgetDropSince).isEqualTo(1);
        assertThat(decoder.budget().drops(ReassemblyBudget.Kind.IP_DATAGRAM)).isEqualTo(1);
        assertThat(feed(frag4(17, 1, dgram, 104, 208), SEC)).isEqualTo(Result.FRAGMENT); // its start is gone
        assertThat(feed(frag4(17, 4, dgram, 104, 208), SEC)).isEqualTo(Result.UDP);
        assertThat(payload()).isEqualTo(pattern(200, 6));
        assertThat(decoder.budget().used()).isLessThanOrEqualTo(limits.reassemblyBudget);
        assertThat(decoder.budget().peak()).isLessThanOrEqualTo(limits.reassemblyBudget);
    }

    @Test
    void overlapKeepsFirstBytes() {
        final byte[] dgram = udp(1, 2, pattern(24, 3));
        final byte[] bogus = dgram.clone();
        Arrays.fill(bogus, 8, 32, (byte) 0x55);
        assertThat(feed(frag4(17, 3, dgram, 0, 16), SEC)).isEqualTo(Result.FRAGMENT);
        assertThat(feed(frag4(17, 3, bogus, 8, 24), SEC)).isEqualTo(Result.FRAGMENT);
        assertThat(decoder.stats().fragmentOverlaps()).isEqualTo(1);
        assertThat(feed(frag4(17, 3, dgram, 16, 32), SEC)).isEqualTo(Result.UDP);
        // [16, 24) came from the bogus copy first; [8, 16) and [24, 32) from the real one
        final byte[] expected = dgram.clone();
        System.arraycopy(bogus, 16, expected, 16, 8);
        assertThat(payload()).isEqualTo(Arrays.copyOfRange(expected, 8, 32));
    }

    @Test
    void ipv4TimeoutUsesPacketTime() {
        limits.ipFragmentTimeoutNanos = 30 * SEC;
        decoder = new PacketDecoder(limits);
        final List<byte[]> frags = v4Fragments(1, udp(1, 2, pattern(2000, 4)), 1000);
        assertThat(feed(frags.get(0), 100 * SEC)).isEqualTo(Result.FRAGMENT);
        assertThat(feed(frags.get(1), 131 * SEC)).isEqualTo(Result.FRAGMENT);
        assertThat(decoder.stats().datagramsTimedOut()).isEqualTo(1);
        assertThat(decoder.stats().fragmentsDroppedTimeout()).isEqualTo(1);
        // the remaining fragments started a new datagram, which cannot complete without the first one
        assertThat(feed(frags.get(2), 132 * SEC)).isEqualTo(Result.FRAGMENT);
        assertThat(decoder.stats().datagramsReassembled()).isZero();
        // an unrelated frame much later expires it too
        feed(ipv4(17, udp(1, 2, new byte[1])), 1000 * SEC);
        assertThat(decoder.stats().pendingDatagrams()).isZero();
        assertThat(decoder.stats().datagramsTimedOut()).isEqualTo(2);
    }

    @Test
    void pendingDatagramLimitEvictsOldest() {
        limits.ipMaxPendingDatagrams = 3;
        decoder = new PacketDecoder(limits);
        final byte[] dgram = udp(1, 2, pattern(100, 5));
        for (int id = 1; id <= 5; id++) {
            assertThat(feed(frag4(17, id, dgram, 0, 56), SEC)).isEqualTo(Result.FRAGMENT);
        }
        assertThat(decoder.stats().pendingDatagrams()).isEqualTo(3);
        assertThat(decoder.stats().datagramsEvicted()).isEqualTo(2);
        assertThat(decoder.stats().fragmentsDroppedPendingLimit()).isEqualTo(2);
        assertThat(feed(frag4(17, 1, dgram, 56, 108), SEC)).isEqualTo(Result.FRAGMENT); // evicted
        assertThat(feed(frag4(17, 5, dgram, 56, 108), SEC)).isEqualTo(Result.UDP);
        assertThat(payload()).isEqualTo(pattern(100, 5));
    }

    @Test
    void fragmentsPerDatagramLimit() {
        limits.ipMaxFragmentsPerDatagram = 4;
        decoder = new PacketDecoder(limits);
        final List<byte[]> frags = v4Fragments(2, udp(1, 2, pattern(100, 6)), 16);
        assertThat(frags).hasSize(7);
        Result last = null;
        for (final byte[] f : frags) {
            last = feed(f, SEC);
        }
        assertThat(last).isEqualTo(Result.FRAGMENT);
        assertThat(decoder.stats().datagramsOverFragmentLimit()).isEqualTo(1);
        assertThat(decoder.stats().fragmentsDroppedFragmentLimit()).isEqualTo(5);
        assertThat(decoder.stats().datagramsReassembled()).isZero();
    }

    @Test
    void inconsistentLastFragment() {
        final byte[] dgram = udp(1, 2, pattern(40, 7));
        feed(frag4(17, 4, dgram, 0, 24), SEC);
        feed(frag4(17, 4, dgram, 24, 48), SEC);
        assertThat(decoder.stats().datagramsReassembled()).isEqualTo(1);
        feed(frag4(17, 5, dgram, 24, 48), SEC);
        // a second "last" fragment ending elsewhere
        assertThat(feed(ipv4(A4, B4, 17, 5, false, 8, new byte[0], Arrays.copyOfRange(dgram, 8, 16)), SEC))
            .isEqualTo(Result.FRAGMENT);
        assertThat(decoder.stats().fragmentsInconsistent()).isEqualTo(1);
        assertThat(info.reason).isEqualTo("ip.fragment_inconsistent");
    }

    @Test
    void truncatedFragmentIsDropped() {
        final byte[] dgram = udp(1, 2, pattern(100, 8));
        final byte[] f = eth(0x0800, frag4(17, 4, dgram, 0, 64));
        assertThat(decoder.decode(Frames.truncated(LinkType.ETHERNET, f, 50), 1, info)).isEqualTo(Result.FRAGMENT);
        assertThat(decoder.stats().fragmentsTruncated()).isEqualTo(1);
        assertThat(info.reason).isEqualTo("ip.fragment_truncated");
        assertThat(decoder.stats().pendingDatagrams()).isZero();
    }

    @Test
    void ipv6OutOfOrderWithDestinationOptionsInside() {
        final byte[] body = pattern(3000, 9);
        final byte[] fragmentable = cat(ext(17, 1), udp(5060, 5060, body));
        final List<byte[]> frags = new ArrayList<>();
        for (final int[] r : split(fragmentable.length, 1232)) {
            final byte[] part = Arrays.copyOfRange(fragmentable, r[0], r[1]);
            frags.add(ipv6(0, cat(ext(44, 1), frag6(60, r[0], r[1] < fragmentable.length, 0xabcdef01L), part)));
        }
        Collections.reverse(frags);
        frags.add(1, frags.get(0).clone()); // duplicate of the last fragment
        Result r = null;
        for (final byte[] f : frags) {
            r = feed(f, SEC);
        }
        assertThat(r).isEqualTo(Result.UDP);
        assertThat(Arrays.copyOf(info.layers, info.layerCount)).containsExactly("eth", "ipv6", "udp");
        assertThat(payload()).isEqualTo(body);
        assertThat(info.transport().ipVersion).isEqualTo(6);
        assertThat(Arrays.copyOf(info.transport().src, 16)).isEqualTo(A6);
        assertThat(decoder.stats().fragmentDuplicates()).isEqualTo(1);
    }

    @Test
    void ipv6OverlapTimeoutAndLimits() {
        limits.ipFragmentTimeoutNanos = SEC;
        limits.ipMaxPendingDatagrams = 2;
        decoder = new PacketDecoder(limits);
        final byte[] dgram = udp(1, 2, pattern(200, 10));
        feed(frag6Packet(17, 1, dgram, 0, 104), 0);
        feed(frag6Packet(17, 1, dgram, 48, 160), 0); // overlaps
        assertThat(decoder.stats().fragmentOverlaps()).isEqualTo(1);
        assertThat(feed(frag6Packet(17, 1, dgram, 160, 208), 0)).isEqualTo(Result.UDP);
        assertThat(payload()).isEqualTo(pattern(200, 10));
        feed(frag6Packet(17, 2, dgram, 0, 104), 0);
        feed(frag6Packet(17, 3, dgram, 0, 104), 0);
        feed(frag6Packet(17, 4, dgram, 0, 104), 0);
        assertThat(decoder.stats().datagramsEvicted()).isEqualTo(1);
        feed(frag6Packet(17, 4, dgram, 104, 208), 3 * SEC);
        assertThat(decoder.stats().datagramsTimedOut()).isEqualTo(2);
    }

    @Test
    void gtpCarriesFragmentedInnerDatagram() {
        final byte[] body = pattern(1500, 11);
        final List<byte[]> inner = v4Fragments(33, udp(5060, 5060, body), 1000);
        Result r = null;
        for (final byte[] f : inner) {
            r = feed(ipv4(17, udp(2152, 2152, gtp(0x30, 0xff, new byte[0], f))), SEC);
        }
        assertThat(r).isEqualTo(Result.UDP);
        assertThat(info.transportCount).isEqualTo(2);
        assertThat(info.transports[0].dstPort).isEqualTo(2152);
        assertThat(payload()).isEqualTo(body);
    }

    @Test
    void fragmentedOuterAndInner() {
        // an inner fragmented datagram, each inner fragment inside an outer datagram that is fragmented too
        final byte[] body = pattern(600, 12);
        final List<byte[]> inner = v4Fragments(100, udp(7, 8, body), 304);
        Result r = null;
        int outerId = 200;
        for (final byte[] in : inner) {
            final byte[] gre = gre(0, 0x0800, in);
            for (final int[] s : split(gre.length, 160)) {
                r = feed(ipv4(A4, B4, 47, outerId, s[1] < gre.length, s[0], new byte[0],
                    Arrays.copyOfRange(gre, s[0], s[1])), SEC);
            }
            outerId++;
        }
        assertThat(r).isEqualTo(Result.UDP);
        assertThat(payload()).isEqualTo(body);
        assertThat(decoder.stats().datagramsReassembled()).isEqualTo(inner.size() + 1);
    }
}
