package dev.callscope.decode;

import dev.callscope.core.Limits;
import dev.callscope.core.LinkType;
import dev.callscope.core.RawFrame;
import dev.callscope.decode.PacketDecoder.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static dev.callscope.decode.Frames.*;
import static org.assertj.core.api.Assertions.assertThat;

class PacketDecoderTest {
    private static final byte[] SIP = ascii("OPTIONS sip:x SIP/2.0\r\n\r\n");

    private final PacketDecoder decoder = new PacketDecoder(new Limits());
    private final PacketInfo info = new PacketInfo();
    private long frameNo;

    private Result decode(final int linkType, final byte[] data) {
        return decode(Frames.frame(linkType, data));
    }

    private Result decode(final RawFrame f) {
        return decoder.decode(f, ++frameNo, info);
    }

    private String[] layers() {
        return Arrays.copyOf(info.layers, info.layerCount);
    }

    private byte[] payload() {
        return Arrays.copyOfRange(info.payload, info.payloadOffset, info.payloadOffset + info.payloadLength);
    }

    private static byte[] udpV4() {
        return ipv4(17, udp(5060, 5070, SIP));
    }

    // ---------------------------------------------------------------- link types

    @Test
    void ethernetIpv4Udp() {
        assertThat(decode(LinkType.ETHERNET, eth(0x0800, udpV4()))).isEqualTo(Result.UDP);
        assertThat(layers()).containsExactly("eth", "ip", "udp");
        assertThat(info.transportCount).isEqualTo(1);
        final PacketInfo.Transport t = info.transport();
        assertThat(t.protocol).isEqualTo(PacketInfo.Transport.UDP);
        assertThat(t.ipVersion).isEqualTo(4);
        assertThat(Arrays.copyOf(t.src, 4)).isEqualTo(A4);
        assertThat(Arrays.copyOf(t.dst, 4)).isEqualTo(B4);
        assertThat(t.srcPort).isEqualTo(5060);
        assertThat(t.dstPort).isEqualTo(5070);
        assertThat(t.payloadLength).isEqualTo(SIP.length);
        assertThat(payload()).isEqualTo(SIP);
        assertThat(info.reason).isNull();
    }

    @Test
    void ethernetPaddingIsNotPayload() {
        final byte[] padded = cat(eth(0x0800, ipv4(17, udp(1, 2, bytes(9)))), new byte[20]);
        assertThat(decode(LinkType.ETHERNET, padded)).isEqualTo(Result.UDP);
        assertThat(payload()).containsExactly(9);
    }

    @Test
    void ipv4OptionsAndTcp() {
        final byte[] options = bytes(0x94, 0x04, 0, 0); // router alert
        final byte[] tcp = tcp(40000, 5060, 0xFFFFFFF0L, 0x80000001L, 0x18, bytes(1, 1, 1, 1, 1, 1, 1, 1),
            ascii("INVITE"));
        assertThat(decode(LinkType.ETHERNET, eth(0x0800, ipv4(A4, B4, 6, 7, false, 0, options, tcp))))
            .isEqualTo(Result.TCP);
        assertThat(layers()).containsExactly("eth", "ip", "tcp");
        final PacketInfo.Transport t = info.transport();
        assertThat(t.protocol).isEqualTo(PacketInfo.Transport.TCP);
        assertThat(t.tcpSeq).isEqualTo(0xFFFFFFF0L);
        assertThat(t.tcpAck).isEqualTo(0x80000001L);
        assertThat(t.tcpFlags).isEqualTo(0x18);
        assertThat(t.payloadLength).isEqualTo(6);
        assertThat(payload()).isEqualTo(ascii("INVITE"));
    }

    @Test
    void vlanTags() {
        assertThat(decode(LinkType.ETHERNET, ethTagged(new int[] {0x8100}, 0x0800, udpV4()))).isEqualTo(Result.UDP);
        assertThat(layers()).containsExactly("eth", "vlan", "ip", "udp");
        assertThat(decode(LinkType.ETHERNET, ethTagged(new int[] {0x88a8, 0x8100}, 0x86dd,
            ipv6(17, udp(1, 2, SIP))))).isEqualTo(Result.UDP);
        assertThat(layers()).containsExactly("eth", "vlan", "vlan", "ipv6", "udp");
        assertThat(decode(LinkType.ETHERNET, ethTagged(new int[] {0x9100, 0x9100, 0x8100}, 0x0800, udpV4())))
            .isEqualTo(Result.UDP);
        assertThat(layers()).containsExactly("eth", "vlan", "vlan", "vlan", "ip", "udp");
        assertThat(payload()).isEqualTo(SIP);
    }

    @Test
    void linuxCooked() {
        assertThat(decode(LinkType.LINUX_SLL, sll(0x0800, udpV4()))).isEqualTo(Result.UDP);
        assertThat(layers()).containsExactly("sll", "ip", "udp");
        assertThat(decode(LinkType.LINUX_SLL2, sll2(0x86dd, ipv6(17, udp(1, 2, SIP))))).isEqualTo(Result.UDP);
        assertThat(layers()).containsExactly("sll", "ipv6", "udp");
        assertThat(payload()).isEqualTo(SIP);
        assertThat(decode(LinkType.LINUX_SLL, sll(0x0806, new byte[28]))).isEqualTo(Result.NOT_IP);
        assertThat(layers()).containsExactly("sll", "arp");
        assertThat(decode(LinkType.LINUX_SLL, sll(0x0004, new byte[28]))).isEqualTo(Result.NOT_IP);
        assertThat(layers()).containsExactly("sll", "llc");
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 24, 28, 30})
    void nullAndLoopInBothByteOrders(final int family) {
        final byte[] ip = family == 2 ? udpV4() : ipv6(17, udp(1, 2, SIP));
        for (final int link : new int[] {LinkType.NULL, LinkType.LOOP}) {
            for (final boolean le : new boolean[] {true, false}) {
                assertThat(decode(link, nullLink(family, le, ip))).isEqualTo(Result.UDP);
                assertThat(layers()).containsExactly("null", family == 2 ? "ip" : "ipv6", "udp");
                assertThat(payload()).isEqualTo(SIP);
            }
        }
        assertThat(decode(LinkType.NULL, nullLink(99, true, ip))).isEqualTo(Result.NOT_IP);
    }

    @Test
    void rawIp() {
        assertThat(decode(LinkType.RAW, udpV4())).isEqualTo(Result.UDP);
        assertThat(layers()).containsExactly("raw", "ip", "udp");
        assertThat(decode(LinkType.RAW, ipv6(17, udp(1, 2, SIP)))).isEqualTo(Result.UDP);
        assertThat(layers()).containsExactly("raw", "ipv6", "udp");
        assertThat(decode(LinkType.IPV4, udpV4())).isEqualTo(Result.UDP);
        assertThat(layers()).containsExactly("ip", "udp");
        assertThat(decode(LinkType.IPV6, ipv6(17, udp(1, 2, SIP)))).isEqualTo(Result.UDP);
        assertThat(layers()).containsExactly("ipv6", "udp");
        assertThat(decode(LinkType.IPV4, ipv6(17, udp(1, 2, SIP)))).isEqualTo(Result.MALFORMED);
        assertThat(info.reason).isEqualTo("ipv4.bad_version");
    }

    @Test
    void unsupportedLink() {
        assertThat(decode(147, udpV4())).isEqualTo(Result.UNSUPPORTED_LINK);
        assertThat(info.reason).isEqualTo(PacketDecoder.UNSUPPORTED_LINK_REASON);
        assertThat(decoder.stats().unsupportedLink()).isEqualTo(1);
    }

    @Test
    void nonIpEthertypes() {
        assertThat(decode(LinkType.ETHERNET, eth(0x0806, new byte[28]))).isEqualTo(Result.NOT_IP);
        assertThat(layers()).containsExactly("eth", "arp");
        assertThat(decode(LinkType.ETHERNET, eth(0x88cc, new byte[28]))).isEqualTo(Result.NOT_IP);
        assertThat(layers()).containsExactly("eth", "lldp");
        assertThat(decode(LinkType.ETHERNET, eth(46, new byte[46]))).isEqualTo(Result.NOT_IP);
        assertThat(layers()).containsExactly("eth", "llc");
        assertThat(decode(LinkType.ETHERNET, ethTagged(new int[] {0x8100}, 0x0806, new byte[28])))
            .isEqualTo(Result.NOT_IP);
        assertThat(layers()).containsExactly("eth", "vlan", "arp");
    }

    // ---------------------------------------------------------------- IP protocols

    @Test
    void ipv6ExtensionHeaders() {
        final byte[] chain = cat(ext(43, 1), ext(60, 2), ext(51, 1), ah(17), udp(7, 8, SIP));
        assertThat(decode(LinkType.ETHERNET, eth(0x86dd, ipv6(0, chain)))).isEqualTo(Result.UDP);
        assertThat(layers()).containsExactly("eth", "ipv6", "ah", "udp");
        assertThat(info.transport().ipVersion).isEqualTo(6);
        assertThat(Arrays.copyOf(info.transport().src, 16)).isEqualTo(A6);
        assertThat(payload()).isEqualTo(SIP);
        // atomic fragment (offset 0, M = 0) is not a fragment
        assertThat(decode(LinkType.RAW, ipv6(44, cat(frag6(17, 0, false, 9), udp(7, 8, SIP)))))
            .isEqualTo(Result.UDP);
        assertThat(decode(LinkType.RAW, ipv6(50, new byte[40]))).isEqualTo(Result.OTHER_IP);
        assertThat(layers()).containsExactly("raw", "ipv6", "esp");
        assertThat(decode(LinkType.RAW, ipv6(0, cat(ext(59, 1), new byte[4])))).isEqualTo(Result.OTHER_IP);
        assertThat(layers()).containsExactly("raw", "ipv6");
    }

    @Test
    void ipv4Ah() {
        assertThat(decode(LinkType.RAW, ipv4(51, cat(ah(6), tcp(1, 2, 5, 0, 0x10, SIP))))).isEqualTo(Result.TCP);
        assertThat(layers()).containsExactly("raw", "ip", "ah", "tcp");
    }

    @Test
    void otherProtocols() {
        assertThat(decode(LinkType.RAW, ipv4(1, new byte[8]))).isEqualTo(Result.OTHER_IP);
        assertThat(layers()).containsExactly("raw", "ip", "icmp");
        assertThat(info.payloadLength).isEqualTo(8);
        assertThat(decode(LinkType.RAW, ipv4(2, new byte[8]))).isEqualTo(Result.OTHER_IP);
        assertThat(layers()).containsExactly("raw", "ip", "igmp");
        assertThat(decode(LinkType.RAW, ipv4(132, new byte[8]))).as("SCTP shorter than its common header")
            .isEqualTo(Result.MALFORMED);
        assertThat(info.reason).isEqualTo("sctp.short");
        assertThat(decode(LinkType.RAW, ipv6(58, new byte[8]))).isEqualTo(Result.OTHER_IP);
        assertThat(layers()).containsExactly("raw", "ipv6", "icmpv6");
        assertThat(decode(LinkType.RAW, ipv4(253, new byte[8]))).isEqualTo(Result.OTHER_IP);
        assertThat(layers()).containsExactly("raw", "ip", "ip.proto_253");
        assertThat(decoder.stats().otherIp()).isEqualTo(4);
    }

    @Test
    void sctpCommonHeader() {
        final byte[] sctp = new byte[12 + 4];
        sctp[0] = 0x13;
        sctp[1] = (byte) 0xc4; // 5060
        sctp[2] = 0x13;
        sctp[3] = (byte) 0xc5; // 5061
        sctp[12] = 3; // a SACK-like chunk header
        sctp[15] = 4;
        assertThat(decode(LinkType.RAW, ipv4(132, sctp))).isEqualTo(Result.SCTP);
        assertThat(layers()).containsExactly("raw", "ip", "sctp");
        assertThat(info.transport().srcPort).isEqualTo(5060);
        assertThat(info.transport().dstPort).isEqualTo(5061);
        assertThat(info.transport().protocol).isEqualTo(132);
        assertThat(info.payloadLength).isEqualTo(4);
    }

    // ---------------------------------------------------------------- tunnels

    @Test
    void ipInIp() {
        assertThat(decode(LinkType.RAW, ipv4(4, ipv4(A4, A4, 17, 2, false, 0, new byte[0], udp(1, 2, SIP)))))
            .isEqualTo(Result.UDP);
        assertThat(layers()).containsExactly("raw", "ip", "ip", "udp");
        assertThat(Arrays.copyOf(info.transport().dst, 4)).isEqualTo(A4);
        assertThat(decode(LinkType.RAW, ipv4(41, ipv6(17, udp(1, 2, SIP))))).isEqualTo(Result.UDP);
        assertThat(layers()).containsExactly("raw", "ip", "ipv6", "udp");
        assertThat(decode(LinkType.RAW, ipv6(4, udpV4()))).isEqualTo(Result.UDP);
        assertThat(layers()).containsExactly("raw", "ipv6", "ip", "udp");
        assertThat(info.transport().ipVersion).isEqualTo(4);
    }

    @Test
    void greVariants() {
        assertThat(decode(LinkType.ETHERNET, eth(0x0800, ipv4(47, gre(0, 0x0800, udpV4()))))).isEqualTo(Result.UDP);
        assertThat(layers()).containsExactly("eth", "ip", "gre", "ip", "udp");
        assertThat(decode(LinkType.ETHERNET, eth(0x0800, ipv4(47, gre(0xB000, 0x86dd, ipv6(17, udp(1, 2, SIP)))))))
            .isEqualTo(Result.UDP);
        assertThat(layers()).containsExactly("eth", "ip", "gre", "ipv6", "udp");
        assertThat(payload()).isEqualTo(SIP);
        assertThat(decode(LinkType.ETHERNET, eth(0x0800, ipv4(47, gre(0x2000, 0x6558, eth(0x0800, udpV4()))))))
            .isEqualTo(Result.UDP);
        assertThat(layers()).containsExactly("eth", "ip", "gre", "eth", "ip", "udp");
        assertThat(decode(LinkType.ETHERNET, eth(0x0800, ipv4(47, gre(0x1000, 0x88be,
            cat(new byte[8], eth(0x0800, udpV4())))))))
            .isEqualTo(Result.UDP);
        assertThat(layers()).containsExactly("eth", "ip", "gre", "erspan", "eth", "ip", "udp");
        // ERSPAN type III with the optional platform sub-header
        final byte[] e3 = new byte[20];
        e3[11] = 0x01;
        assertThat(decode(LinkType.ETHERNET, eth(0x0800, ipv4(47, gre(0x1000, 0x22eb,
            cat(e3, eth(0x0800, udpV4())))))))
            .isEqualTo(Result.UDP);
        assertThat(layers()).containsExactly("eth", "ip", "gre", "erspan", "eth", "ip", "udp");
        assertThat(payload()).isEqualTo(SIP);
        assertThat(decode(LinkType.ETHERNET, eth(0x0800, ipv4(47, gre(0, 0x1234, new byte[10])))))
            .isEqualTo(Result.OTHER_IP);
        assertThat(layers()).containsExactly("eth", "ip", "gre");
    }

    @Test
    void grePpp() {
        // PPTP-style enhanced GRE (version 1, key, sequence, ack) with PPP address/control
        final byte[] ppp = cat(bytes(0xff, 0x03, 0x00, 0x21), udpV4());
        assertThat(decode(LinkType.ETHERNET, ethTagged(new int[] {0x8100}, 0x0800,
            ipv4(47, gre(0x3081, 0x880b, ppp))))).isEqualTo(Result.UDP);
        assertThat(layers()).containsExactly("eth", "vlan", "ip", "gre", "ppp", "ip", "udp");
        assertThat(info.transportCount).isEqualTo(1);
        // compressed protocol field, IPv6
        assertThat(decode(LinkType.RAW, ipv4(47, gre(0, 0x880b, cat(bytes(0x57), ipv6(17, udp(1, 2, SIP)))))))
            .isEqualTo(Result.UDP);
        assertThat(layers()).containsExactly("raw", "ip", "gre", "ppp", "ipv6", "udp");
        assertThat(decode(LinkType.RAW, ipv4(47, gre(0, 0x880b, bytes(0xc0, 0x21, 1, 1, 0, 4))))).isEqualTo(Result.OTHER_IP);
    }

    @Test
    void gtpU() {
        final byte[] inner = ipv6(17, udp(5060, 5060, SIP));
        assertThat(decode(LinkType.LINUX_SLL, sll(0x0800, ipv4(17, udp(2152, 2152, gtp(0x30, 0xff, new byte[0], inner))))))
            .isEqualTo(Result.UDP);
        assertThat(layers()).containsExactly("sll", "ip", "udp", "gtp", "ipv6", "udp");
        assertThat(info.transportCount).isEqualTo(2);
        assertThat(info.transports[0].dstPort).isEqualTo(2152);
        assertThat(info.transports[0].ipVersion).isEqualTo(4);
        assertThat(info.transports[1].ipVersion).isEqualTo(6);
        assertThat(payload()).isEqualTo(SIP);
        // S flag plus two extension headers (PDU session container, then one more)
        final byte[] opt = bytes(0, 1, 0, 0x85);
        final byte[] ext1 = bytes(1, 0x10, 0x05, 0x40);
        final byte[] ext2 = bytes(2, 1, 2, 3, 4, 5, 6, 0);
        assertThat(decode(LinkType.RAW, ipv4(17, udp(40000, 2152,
            gtp(0x36, 0xff, cat(opt, ext1, ext2), ipv4(6, tcp(1, 5060, 1, 0, 2, new byte[0])))))))
            .isEqualTo(Result.TCP);
        assertThat(layers()).containsExactly("raw", "ip", "udp", "gtp", "ip", "tcp");
        assertThat(info.transports[1].tcpFlags).isEqualTo(2);
        // echo request: GTP but no T-PDU
        assertThat(decode(LinkType.RAW, ipv4(17, udp(2152, 2152, gtp(0x32, 1, bytes(0, 1, 0, 0), new byte[0])))))
            .isEqualTo(Result.UDP);
        assertThat(layers()).containsExactly("raw", "ip", "udp", "gtp");
        // GTP-U carrying ICMP
        assertThat(decode(LinkType.RAW, ipv4(17, udp(2152, 2152, gtp(0x30, 0xff, new byte[0], ipv4(1, new byte[8]))))))
            .isEqualTo(Result.OTHER_IP);
        assertThat(layers()).containsExactly("raw", "ip", "udp", "gtp", "ip", "icmp");
        assertThat(info.transportCount).isEqualTo(1);
    }

    @Test
    void vxlan() {
        final byte[] v = cat(bytes(0x08, 0, 0, 0, 0, 0, 1, 0), eth(0x0800, udpV4()));
        assertThat(decode(LinkType.RAW, ipv4(17, udp(1234, 4789, v)))).isEqualTo(Result.UDP);
        assertThat(layers()).containsExactly("raw", "ip", "udp", "vxlan", "eth", "ip", "udp");
        assertThat(info.transportCount).isEqualTo(2);
    }

    // ---------------------------------------------------------------- truncation

    @Test
    void snaplenCutPayloadIsNotMalformed() {
        final byte[] data = eth(0x0800, udpV4());
        assertThat(decode(Frames.truncated(LinkType.ETHERNET, data, 14 + 20 + 8 + 5))).isEqualTo(Result.UDP);
        assertThat(info.truncated).isTrue();
        assertThat(info.transport().payloadLength).isEqualTo(SIP.length);
        assertThat(info.payloadLength).isEqualTo(5);
        assertThat(payload()).isEqualTo(Arrays.copyOf(SIP, 5));
        assertThat(decoder.stats().truncated()).isEqualTo(1);
    }

    @Test
    void snaplenCutTcpPayload() {
        final byte[] data = eth(0x0800, ipv4(6, tcp(1, 2, 100, 0, 0x18, SIP)));
        assertThat(decode(Frames.truncated(LinkType.ETHERNET, data, 14 + 20 + 20 + 3))).isEqualTo(Result.TCP);
        assertThat(info.transport().payloadLength).isEqualTo(SIP.length);
        assertThat(info.payloadLength).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 5, 14, 20, 33, 34, 40})
    void snaplenCutHeadersAreNotMalformed(final int capLen) {
        final byte[] data = eth(0x0800, ipv4(6, tcp(1, 2, 100, 0, 0x18, new byte[8], SIP)));
        final Result r = decode(Frames.truncated(LinkType.ETHERNET, data, capLen));
        assertThat(r).isNotEqualTo(Result.MALFORMED);
        assertThat(info.reason).isEqualTo(PacketDecoder.TRUNCATED);
    }

    @Test
    void snaplenCutTunnelHeaders() {
        final byte[] data = ipv4(17, udp(2152, 2152, gtp(0x34, 0xff, bytes(0, 0, 0, 0x85, 2, 1, 2, 3, 4, 5, 6, 0), udpV4())));
        for (int cap = 0; cap < data.length; cap++) {
            final Result r = decode(Frames.truncated(LinkType.IPV4, data, cap));
            assertThat(r).as("cap %d", cap).isNotEqualTo(Result.MALFORMED);
        }
    }

    // ---------------------------------------------------------------- zero allocation

    @Test
    void normalPathDoesNotAllocate() {
        final com.sun.management.ThreadMXBean mx =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        final RawFrame f1 = Frames.frame(LinkType.ETHERNET, ethTagged(new int[] {0x8100}, 0x0800, udpV4()));
        final RawFrame f2 = Frames.frame(LinkType.LINUX_SLL, sll(0x86dd, ipv6(0, cat(ext(6, 1),
            tcp(1, 2, 3, 4, 0x18, SIP)))));
        final RawFrame f3 = Frames.frame(LinkType.RAW, ipv4(17, udp(2152, 2152, gtp(0x30, 0xff, new byte[0], udpV4()))));
        for (int i = 0; i < 20_000; i++) {
            decoder.decode(f1, i, info);
            decoder.decode(f2, i, info);
            decoder.decode(f3, i, info);
        }
        final long tid = Thread.currentThread().getId();
        final long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 100_000; i++) {
            decoder.decode(f1, i, info);
            decoder.decode(f2, i, info);
            decoder.decode(f3, i, info);
        }
        final long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertThat(allocated).as("bytes allocated by 300k decodes").isLessThan(16 * 1024);
    }
}
