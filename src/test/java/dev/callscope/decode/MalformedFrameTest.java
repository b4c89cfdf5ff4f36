package dev.callscope.decode;

import dev.callscope.core.Limits;
import dev.callscope.core.LinkType;
import dev.callscope.core.RawFrame;
import dev.callscope.decode.PacketDecoder.Result;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static dev.callscope.decode.Frames.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Every kind of contradicting header gives MALFORMED with a constant reason, and never throws. */
class MalformedFrameTest {
    private static final byte[] P = ascii("hello");

    private static byte[] set(final byte[] b, final int off, final int... v) {
        for (int i = 0; i < v.length; i++) {
            b[off + i] = (byte) v[i];
        }
        return b;
    }

    static Stream<Arguments> cases() {
        final byte[] udp4 = ipv4(17, udp(1, 2, P));
        return Stream.of(
            arguments("eth short", LinkType.ETHERNET, new byte[10], "eth.short"),
            arguments("vlan short", LinkType.ETHERNET, eth(0x8100, new byte[2]), "vlan.short"),
            arguments("too many vlan tags", LinkType.ETHERNET,
                ethTagged(new int[] {0x8100, 0x8100, 0x8100, 0x8100, 0x8100, 0x8100, 0x8100, 0x8100, 0x8100}, 0x0800,
                    udp4), "vlan.too_many_tags"),
            arguments("sll short", LinkType.LINUX_SLL, new byte[12], "sll.short"),
            arguments("sll2 short", LinkType.LINUX_SLL2, new byte[16], "sll.short"),
            arguments("null short", LinkType.NULL, new byte[3], "null.short"),
            arguments("raw empty", LinkType.RAW, new byte[0], "raw.short"),
            arguments("raw bad version", LinkType.RAW, set(udp4.clone(), 0, 0x55), "raw.bad_version"),
            arguments("ipv4 short", LinkType.IPV4, new byte[12], "ipv4.short"),
            arguments("ipv4 bad version", LinkType.ETHERNET, eth(0x0800, set(udp4.clone(), 0, 0x65)),
                "ipv4.bad_version"),
            arguments("ipv4 IHL < 5", LinkType.IPV4, set(udp4.clone(), 0, 0x44), "ipv4.bad_header_length"),
            arguments("ipv4 IHL > total", LinkType.IPV4, set(ipv4(17, new byte[4]), 0, 0x4f), "ipv4.bad_header_length"),
            arguments("ipv4 total < 20", LinkType.IPV4, set(udp4.clone(), 2, 0, 19), "ipv4.bad_total_length"),
            arguments("ipv4 total > frame", LinkType.IPV4, set(udp4.clone(), 2, 0, 200), "ipv4.bad_total_length"),
            arguments("ipv6 short", LinkType.IPV6, new byte[30], "ipv6.short"),
            arguments("ipv6 bad version", LinkType.ETHERNET, eth(0x86dd, set(ipv6(17, udp(1, 2, P)), 0, 0x40)),
                "ipv6.bad_version"),
            arguments("ipv6 payload length > frame", LinkType.IPV6, set(ipv6(17, udp(1, 2, P)), 4, 1, 0),
                "ipv6.bad_payload_length"),
            arguments("ipv6 ext header past end", LinkType.IPV6, ipv6(0, set(ext(17, 1), 1, 9)),
                "ipv6.bad_extension_length"),
            arguments("ipv6 ext header byte missing", LinkType.IPV6, ipv6(60, bytes(17)),
                "ipv6.bad_extension_length"),
            arguments("ipv6 fragment header short", LinkType.IPV6, ipv6(44, new byte[6]), "ipv6.bad_fragment_header"),
            arguments("ah past end", LinkType.IPV4, ipv4(51, set(ah(17), 1, 40)), "ah.bad_length"),
            arguments("udp short", LinkType.IPV4, ipv4(17, new byte[5]), "udp.bad_length"),
            arguments("udp length < 8", LinkType.IPV4, ipv4(17, set(udp(1, 2, P), 4, 0, 7)), "udp.bad_length"),
            arguments("udp length > ip payload", LinkType.IPV4, ipv4(17, set(udp(1, 2, P), 4, 0, 14)),
                "udp.bad_length"),
            arguments("tcp short", LinkType.IPV4, ipv4(6, new byte[12]), "tcp.short"),
            arguments("tcp data offset < 5", LinkType.IPV4, ipv4(6, set(tcp(1, 2, 3, 4, 0x10, P), 12, 0x40)),
                "tcp.bad_data_offset"),
            arguments("tcp data offset > segment", LinkType.IPV4, ipv4(6, set(tcp(1, 2, 3, 4, 0x10, P), 12, 0xf0)),
                "tcp.bad_data_offset"),
            arguments("gre short", LinkType.IPV4, ipv4(47, new byte[3]), "gre.short"),
            arguments("gre bad version", LinkType.IPV4, ipv4(47, gre(0x0002, 0x0800, udp4)), "gre.bad_version"),
            arguments("gre options past end", LinkType.IPV4, ipv4(47, bytes(0xb0, 0, 0x08, 0, 0, 0)), "gre.bad_length"),
            arguments("erspan short", LinkType.IPV4, ipv4(47, gre(0x1000, 0x88be, new byte[5])), "erspan.short"),
            arguments("erspan3 short", LinkType.IPV4, ipv4(47, gre(0x1000, 0x22eb, set(new byte[14], 11, 1))),
                "erspan.short"),
            arguments("ppp short", LinkType.IPV4, ipv4(47, gre(0, 0x880b, bytes(0xff, 0x03))), "ppp.short"),
            arguments("gtp short", LinkType.IPV4, ipv4(17, udp(2152, 2152, bytes(0x30, 0xff, 0, 0))), "gtp.bad_length"),
            arguments("gtp length > udp", LinkType.IPV4,
                ipv4(17, udp(2152, 2152, set(gtp(0x30, 0xff, new byte[0], udp4), 2, 1, 0))), "gtp.bad_length"),
            arguments("gtp optional past end", LinkType.IPV4, ipv4(17, udp(2152, 2152, gtp(0x32, 0xff, bytes(0, 1), new byte[0]))),
                "gtp.bad_length"),
            arguments("gtp zero extension length", LinkType.IPV4,
                ipv4(17, udp(2152, 2152, gtp(0x34, 0xff, bytes(0, 0, 0, 0x85, 0, 0, 0, 0), udp4))),
                "gtp.bad_extension_length"),
            arguments("gtp extension past end", LinkType.IPV4,
                ipv4(17, udp(2152, 2152, gtp(0x34, 0xff, bytes(0, 0, 0, 0x85, 9, 0, 0, 0), new byte[0]))),
                "gtp.bad_extension_length"),
            arguments("ip nested too deep", LinkType.IPV4, nest(9, udp4), "ip.too_deep"),
            arguments("fragment past 65535", LinkType.IPV4,
                ipv4(A4, B4, 17, 5, true, 65528, new byte[0], new byte[16]), "ipv4.fragment_too_large"),
            arguments("v6 fragment past 65535", LinkType.IPV6, ipv6(44, cat(frag6(17, 65528, true, 5), new byte[16])),
                "ipv6.fragment_too_large"),
            arguments("too many transports", LinkType.IPV4, gtpNest(5, udp4), "decode.too_many_transports"));
    }

    private static byte[] nest(final int depth, final byte[] inner) {
        byte[] b = inner;
        for (int i = 0; i < depth; i++) {
            b = ipv4(4, b);
        }
        return b;
    }

    private static byte[] gtpNest(final int depth, final byte[] inner) {
        byte[] b = inner;
        for (int i = 0; i < depth; i++) {
            b = ipv4(17, udp(2152, 2152, gtp(0x30, 0xff, new byte[0], b)));
        }
        return b;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void malformed(final String name, final int linkType, final byte[] data, final String reason) {
        final PacketDecoder decoder = new PacketDecoder(new Limits());
        final PacketInfo info = new PacketInfo();
        final RawFrame f = Frames.frame(linkType, data);
        assertThat(decoder.decode(f, 1, info)).as(name).isEqualTo(Result.MALFORMED);
        assertThat(info.reason).as(name).isEqualTo(reason);
        assertThat(decoder.stats().malformed()).isEqualTo(1);
        // the same frame cut by a snap length before the bad field is still never an exception
        for (int cap = 0; cap <= data.length; cap++) {
            final RawFrame t = Frames.frame(linkType, data, cap, data.length, 1);
            decoder.decode(t, 2, info);
        }
    }
}
