package dev.callscope.decode;

import dev.callscope.core.Limits;
import dev.callscope.core.ReassemblyBudget;
import dev.callscope.core.LinkType;
import dev.callscope.core.RawFrame;

import static dev.callscope.decode.LinkHeaders.*;
import static dev.callscope.decode.TunnelHeaders.*;

/**
 * Decodes link, network and transport headers of a frame in place into a {@link PacketInfo}, and
 * reassembles IPv4 and IPv6 fragments. Knows no application protocol; never throws on bad bytes.
 *
 * <p>Every read is preceded by a length check. A header that does not fit in the bytes on the wire,
 * or whose length fields contradict each other, makes the frame {@link Result#MALFORMED} with a
 * constant {@link PacketInfo#reason}. A header that is on the wire but was cut by the snap length is
 * not malformed: what is present is decoded and {@link PacketInfo#reason} is {@link #TRUNCATED}.
 *
 * <p>Tunnels (GRE, IP-in-IP, GTP-U, VXLAN, ERSPAN) are decapsulated; each UDP/TCP header met on the
 * way is recorded in {@link PacketInfo#transports}, outermost first.
 *
 * <p>One instance per decoding thread; not thread-safe. The normal path allocates nothing.
 */
public final class PacketDecoder {

    /** What a frame turned out to be. */
    public enum Result {
        /** Innermost transport is UDP; payload set. */
        UDP,
        /** Innermost transport is TCP; payload is the segment's data (not reassembled). */
        TCP,
        /** Innermost transport is SCTP; payload is the chunks after the common header (see {@link SctpChunks}). */
        SCTP,
        /** IP with another protocol (ICMP, SCTP, ...). */
        OTHER_IP,
        /** A fragment held until its datagram is complete. */
        FRAGMENT,
        /** A link layer we know carrying something other than IP (ARP, LLDP, ...). */
        NOT_IP,
        /** A link type we do not decode. */
        UNSUPPORTED_LINK,
        /** Headers contradict each other or the captured length; {@link PacketInfo#reason} says why. */
        MALFORMED
    }

    /** {@link PacketInfo#reason} when the snap length cut a header: not malformed, decoded as far as present. */
    public static final String TRUNCATED = "frame.truncated";
    /** {@link PacketInfo#reason} for an unknown link type. */
    public static final String UNSUPPORTED_LINK_REASON = "frame.unsupported_link";

    static final int MAX_IP_DEPTH = 8;
    static final int MAX_VLAN_TAGS = 8;
    static final int IPPROTO_IPV4 = 4;
    static final int IPPROTO_TCP = 6;
    static final int IPPROTO_UDP = 17;
    static final int IPPROTO_IPV6 = 41;
    static final int IPPROTO_GRE = 47;
    static final int IPPROTO_SCTP = 132;

    private static final String[] PROTO_NAMES = new String[256];

    static {
        for (int i = 0; i < 256; i++) {
            PROTO_NAMES[i] = "ip.proto_" + i;
        }
        PROTO_NAMES[1] = "icmp";
        PROTO_NAMES[2] = "igmp";
        PROTO_NAMES[58] = "icmpv6";
        PROTO_NAMES[132] = "sctp";
        PROTO_NAMES[89] = "ospf";
        PROTO_NAMES[103] = "pim";
        PROTO_NAMES[112] = "vrrp";
        PROTO_NAMES[50] = "esp";
        PROTO_NAMES[33] = "dccp";
        PROTO_NAMES[136] = "udplite";
    }

    private final DecodeStats stats = new DecodeStats();
    private final IpReassembler fragments;
    private final ReassemblyBudget budget;
    private final boolean ownBudget;
    private final ReassemblyBudget.NoticeSink toInfo = (kind, bytes, since, frame) -> {
        final PacketInfo i = this.info;
        if (i.budgetDrops++ == 0) {
            i.budgetDropSince = since;
        }
        i.budgetDropBytes += bytes;
    };
    private final byte[][] reassembled = new byte[2][];
    private int reassemblyUse;

    private final byte[] ipSrc = new byte[16];
    private final byte[] ipDst = new byte[16];
    private int ipVersion;
    private int ipDepth;
    private long now;
    PacketInfo info; // the frame being decoded (the tunnels record their layers in it too)
    /** Where each header starts, for showing one frame; null on the normal path. */
    private LayerTrace trace;
    private final HepHeader hep = new HepHeader();
    /** GRE and ERSPAN, PPPoE and PPP, GTP-U, VXLAN: their headers, read before the inner packet comes back here. */
    private final Tunnels tunnels = new Tunnels(this);
    private final HepStreams hepStreams;

    /** A decoder with a reassembly budget of its own ({@code Limits.reassemblyBudget}). */
    public PacketDecoder(final Limits limits) {
        this(limits, new ReassemblyBudget(limits.reassemblyBudget), true);
    }

    /**
     * A decoder whose IP reassembly draws from {@code budget}.
     *
     * @param ownBudget whether only this decoder uses the budget (then each frame's budget drops
     *     are moved into its {@link PacketInfo}, see {@link PacketInfo#budgetDrops}); false when the
     *     caller shares it on the same thread and reports its drops itself
     */
    public PacketDecoder(final Limits limits, final ReassemblyBudget budget, final boolean ownBudget) {
        this.budget = budget;
        this.ownBudget = ownBudget;
        this.fragments = new IpReassembler(limits, stats, budget);
        this.hepStreams = new HepStreams(limits.maxFlows);
    }

    /** The budget IP reassembly draws from. */
    public ReassemblyBudget budget() {
        return budget;
    }

    /** Counters of this decoder (results and fragment reassembly anomalies). */
    public DecodeStats stats() {
        return stats;
    }

    /**
     * Decodes {@code frame} into {@code info} (which is reset first).
     *
     * <p>{@link PacketInfo#payload} points into {@code frame.data}, or, for the frame that completes a
     * fragmented datagram, into a reassembly buffer owned by this decoder. Either way it is valid only
     * until the next call to this method (or until the reader reuses {@code frame}).
     */
    public Result decode(final RawFrame frame, final long frameNumber, final PacketInfo info) {
        if (trace != null) {
            trace.clear();
        }
        info.reset(frameNumber, frame.tsNanos, frame.capLen, frame.origLen);
        this.info = info;
        this.now = frame.tsNanos;
        this.ipDepth = 0;
        this.ipVersion = 0;
        this.reassemblyUse = 0;
        stats.frames++;
        if (info.truncated) {
            stats.truncated++;
        }
        if (fragments.pendingCount() > 0) {
            fragments.expire(now);
        }
        budget.atFrame(frameNumber);
        final long evicted = stats.datagramsEvicted;
        final byte[] b = frame.data;
        final int capEnd = b == null ? 0 : Math.max(0, Math.min(frame.capLen, b.length));
        final int wireEnd = Math.max(capEnd, frame.origLen);
        final Result r = b == null ? malformed("frame.no_data") : link(frame.linkType, b, capEnd, wireEnd);
        count(r);
        info.ipEvicted = (int) (stats.datagramsEvicted - evicted);
        if (ownBudget && budget.hasNotices()) {
            final long more = budget.drainNotices(toInfo); // counts into info first
            info.budgetDrops += (int) more;
        }
        for (int i = 0; i < info.transportCount; i++) {
            info.transports[i].computeKey();
        }
        this.info = null;
        return r;
    }

    /**
     * Decodes {@code frame} as {@link #decode(RawFrame, long, PacketInfo)} does and records in
     * {@code into} where each header starts (for {@link FrameTree}).
     */
    public Result decode(final RawFrame frame, final long frameNumber, final PacketInfo info, final LayerTrace into) {
        trace = into;
        try {
            return decode(frame, frameNumber, info);
        } finally {
            trace = null;
        }
    }

    void layer(final String name, final String traceName, final byte[] b, final int off, final int capEnd) {
        info.addLayer(name);
        if (trace != null) {
            trace.add(traceName, b, off, capEnd);
        }
    }

    private void count(final Result r) {
        switch (r) {
            case UDP: stats.udp++; break;
            case TCP: stats.tcp++; break;
            case OTHER_IP: stats.otherIp++; break;
            case FRAGMENT: stats.fragmentFrames++; break;
            case NOT_IP: stats.notIp++; break;
            case UNSUPPORTED_LINK: stats.unsupportedLink++; break;
            default: stats.malformed++; break;
        }
    }

    private Result link(final int linkType, final byte[] b, final int capEnd, final int wireEnd) {
        switch (linkType) {
            case LinkType.ETHERNET:
                return ethernet(b, 0, capEnd, wireEnd);
            case LinkType.LINUX_SLL:
                return sll(b, capEnd, wireEnd);
            case LinkType.LINUX_SLL2:
                return sll2(b, capEnd, wireEnd);
            case LinkType.NULL:
            case LinkType.LOOP:
                return loopback(b, capEnd, wireEnd);
            case LinkType.RAW:
                info.addLayer("raw");
                return rawIp(b, 0, capEnd, wireEnd);
            case LinkType.IPV4:
                return ipv4(b, 0, capEnd, wireEnd);
            case LinkType.IPV6:
                return ipv6(b, 0, capEnd, wireEnd);
            default:
                info.reason = UNSUPPORTED_LINK_REASON;
                return Result.UNSUPPORTED_LINK;
        }
    }

    // ---------------------------------------------------------------- helpers

    Result malformed(final String reason) {
        info.reason = reason;
        return Result.MALFORMED;
    }

    /**
     * A header of {@code n} bytes at {@code off} does not fit in the captured bytes: truncated when the
     * bytes are on the wire (returns {@code ifTruncated}), malformed otherwise.
     */
    Result shortHeader(final int off, final int n, final int wireEnd, final String malformedReason,
                               final Result ifTruncated) {
        if (off + n <= wireEnd) {
            info.reason = TRUNCATED;
            return ifTruncated;
        }
        return malformed(malformedReason);
    }

    private void setPayload(final byte[] b, final int off, final int capEnd) {
        info.payload = b;
        info.payloadOffset = Math.min(off, capEnd);
        info.payloadLength = Math.max(0, capEnd - off);
    }

    Result rest(final byte[] b, final int off, final int capEnd, final Result r) {
        setPayload(b, off, capEnd);
        return r;
    }

    // ---------------------------------------------------------------- link layers

    Result ethernet(final byte[] b, final int off, final int capEnd, final int wireEnd) {
        layer("eth", "eth", b, off, capEnd);
        if (off + ETH_HEADER_LENGTH > capEnd) {
            return shortHeader(off, ETH_HEADER_LENGTH, wireEnd, "eth.short", Result.NOT_IP);
        }
        return etherType(Be.u16(b, off + ETH_TYPE_OFFSET), b, off + ETH_HEADER_LENGTH, capEnd, wireEnd);
    }

    /** Dispatches on an EtherType found at the end of a link header; walks VLAN tags. */
    private Result etherType(final int firstType, final byte[] b, final int start, final int capEnd,
                             final int wireEnd) {
        int type = firstType;
        int off = start;
        int tags = 0;
        while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD) {
            layer("vlan", "vlan", b, off, capEnd);
            if (++tags > MAX_VLAN_TAGS) {
                return malformed("vlan.too_many_tags");
            }
            if (off + VLAN_TAG_LENGTH > capEnd) {
                return shortHeader(off, VLAN_TAG_LENGTH, wireEnd, "vlan.short", Result.NOT_IP);
            }
            type = Be.u16(b, off + VLAN_TYPE_OFFSET);
            off += VLAN_TAG_LENGTH;
        }
        if (type == ETHERTYPE_IPV4) {
            return ipv4(b, off, capEnd, wireEnd);
        }
        if (type == ETHERTYPE_IPV6) {
            return ipv6(b, off, capEnd, wireEnd);
        }
        if (type == ETHERTYPE_PPPOE_SESSION) {
            return tunnels.pppoeSession(b, off, capEnd, wireEnd);
        }
        info.addLayer(type <= MAX_8023_LENGTH ? "llc" : etherTypeName(type));
        return rest(b, off, capEnd, Result.NOT_IP);
    }

    private Result sll(final byte[] b, final int capEnd, final int wireEnd) {
        layer("sll", "sll", b, 0, capEnd);
        if (SLL_HEADER_LENGTH > capEnd) {
            return shortHeader(0, SLL_HEADER_LENGTH, wireEnd, "sll.short", Result.NOT_IP);
        }
        return etherType(Be.u16(b, SLL_PROTOCOL_OFFSET), b, SLL_HEADER_LENGTH, capEnd, wireEnd);
    }

    private Result sll2(final byte[] b, final int capEnd, final int wireEnd) {
        layer("sll", "sll2", b, 0, capEnd);
        if (SLL2_HEADER_LENGTH > capEnd) {
            return shortHeader(0, SLL2_HEADER_LENGTH, wireEnd, "sll.short", Result.NOT_IP);
        }
        return etherType(Be.u16(b, SLL2_PROTOCOL_OFFSET), b, SLL2_HEADER_LENGTH, capEnd, wireEnd);
    }

    private Result loopback(final byte[] b, final int capEnd, final int wireEnd) {
        layer("null", "null", b, 0, capEnd);
        if (NULL_HEADER_LENGTH > capEnd) {
            return shortHeader(0, NULL_HEADER_LENGTH, wireEnd, "null.short", Result.NOT_IP);
        }
        final long be = Be.u32(b, NULL_FAMILY_OFFSET);
        final long le = Be.u32le(b, NULL_FAMILY_OFFSET);
        if (be == AF_INET || le == AF_INET) {
            return ipv4(b, NULL_HEADER_LENGTH, capEnd, wireEnd);
        }
        if (isInet6(be) || isInet6(le)) {
            return ipv6(b, NULL_HEADER_LENGTH, capEnd, wireEnd);
        }
        info.addLayer("data");
        return rest(b, NULL_HEADER_LENGTH, capEnd, Result.NOT_IP);
    }

    private static boolean isInet6(final long family) {
        return family == AF_INET6_BSD || family == AF_INET6_FREEBSD || family == AF_INET6_DARWIN;
    }

    private Result rawIp(final byte[] b, final int off, final int capEnd, final int wireEnd) {
        if (off + 1 > capEnd) {
            return shortHeader(off, 1, wireEnd, "raw.short", Result.NOT_IP);
        }
        final int version = (b[off] & 0xFF) >>> 4;
        if (version == 4) {
            return ipv4(b, off, capEnd, wireEnd);
        }
        if (version == 6) {
            return ipv6(b, off, capEnd, wireEnd);
        }
        return malformed("raw.bad_version");
    }

    // ---------------------------------------------------------------- IP

    Result ipv4(final byte[] b, final int off, final int capEnd, final int wireEnd) {
        layer("ip", "ip", b, off, capEnd);
        if (++ipDepth > MAX_IP_DEPTH) {
            return malformed("ip.too_deep");
        }
        if (off + Ipv4Header.MIN_LENGTH > capEnd) {
            return shortHeader(off, Ipv4Header.MIN_LENGTH, wireEnd, "ipv4.short", Result.OTHER_IP);
        }
        if (Ipv4Header.version(b, off) != 4) {
            return malformed("ipv4.bad_version");
        }
        final int headerLength = Ipv4Header.headerLength(b, off);
        if (headerLength < Ipv4Header.MIN_LENGTH) {
            return malformed("ipv4.bad_header_length");
        }
        final int totalLength = Ipv4Header.totalLength(b, off);
        if (totalLength < Ipv4Header.MIN_LENGTH || off + totalLength > wireEnd) {
            return malformed("ipv4.bad_total_length");
        }
        if (headerLength > totalLength) {
            return malformed("ipv4.bad_header_length");
        }
        if (off + headerLength > capEnd) {
            info.reason = TRUNCATED;
            return Result.OTHER_IP;
        }
        ipVersion = 4;
        System.arraycopy(b, off + Ipv4Header.SRC_OFFSET, ipSrc, 0, Ipv4Header.ADDRESS_LENGTH);
        System.arraycopy(b, off + Ipv4Header.DST_OFFSET, ipDst, 0, Ipv4Header.ADDRESS_LENGTH);
        final int protocol = Ipv4Header.protocol(b, off);
        final int payloadOff = off + headerLength;
        final int ipWireEnd = off + totalLength;
        final int ipCapEnd = Math.min(capEnd, ipWireEnd);
        final boolean more = Ipv4Header.moreFragments(b, off);
        final int fragOffset = Ipv4Header.fragmentOffset(b, off);
        if (!more && fragOffset == 0) {
            return upper(protocol, b, payloadOff, ipCapEnd, ipWireEnd);
        }
        if (ipCapEnd < ipWireEnd) {
            stats.fragments++;
            stats.fragmentsTruncated++;
            info.reason = "ip.fragment_truncated";
            info.addLayer("data");
            return rest(b, payloadOff, ipCapEnd, Result.FRAGMENT);
        }
        final byte[] out = reassemblyBuffer();
        final int n = fragments.offer(4, ipSrc, ipDst, Ipv4Header.id(b, off), protocol, fragOffset, more, b,
            payloadOff, ipWireEnd - payloadOff, now, out);
        return afterOffer(n, protocol, out, b, payloadOff, ipCapEnd);
    }

    private Result afterOffer(final int n, final int protocol, final byte[] out, final byte[] b, final int payloadOff,
                              final int capEnd) {
        if (n >= 0) {
            reassemblyUse++;
            return upper(ipVersion == 4 ? protocol : fragments.completedProtocol(), out, 0, n, n);
        }
        if (n == IpReassembler.MALFORMED) {
            return malformed(fragments.dropReason());
        }
        info.reason = fragments.dropReason();
        info.addLayer("data");
        return rest(b, payloadOff, capEnd, Result.FRAGMENT);
    }

    private byte[] reassemblyBuffer() {
        final int i = reassemblyUse & 1;
        if (reassembled[i] == null) {
            reassembled[i] = new byte[IpReassembler.MAX_PAYLOAD];
        }
        return reassembled[i];
    }

    Result ipv6(final byte[] b, final int off, final int capEnd, final int wireEnd) {
        layer("ipv6", "ipv6", b, off, capEnd);
        if (++ipDepth > MAX_IP_DEPTH) {
            return malformed("ip.too_deep");
        }
        if (off + Ipv6Header.HEADER_LENGTH > capEnd) {
            return shortHeader(off, Ipv6Header.HEADER_LENGTH, wireEnd, "ipv6.short", Result.OTHER_IP);
        }
        if (Ipv6Header.version(b, off) != 6) {
            return malformed("ipv6.bad_version");
        }
        final int ipWireEnd = off + Ipv6Header.HEADER_LENGTH + Ipv6Header.payloadLength(b, off);
        if (ipWireEnd > wireEnd) {
            return malformed("ipv6.bad_payload_length");
        }
        ipVersion = 6;
        System.arraycopy(b, off + Ipv6Header.SRC_OFFSET, ipSrc, 0, Ipv6Header.ADDRESS_LENGTH);
        System.arraycopy(b, off + Ipv6Header.DST_OFFSET, ipDst, 0, Ipv6Header.ADDRESS_LENGTH);
        return upper(Ipv6Header.nextHeader(b, off), b, off + Ipv6Header.HEADER_LENGTH, Math.min(capEnd, ipWireEnd),
            ipWireEnd);
    }

    /**
     * Decodes what follows an IP header: IPv6 extension headers and AH, then the transport or tunnel.
     * [off, capEnd) is captured, [off, wireEnd) is the IP payload on the wire.
     */
    private Result upper(final int firstProtocol, final byte[] buf, final int start, final int cap, final int wire) {
        int protocol = firstProtocol;
        byte[] b = buf;
        int off = start;
        int capEnd = cap;
        int wireEnd = wire;
        while (true) {
            switch (protocol) {
                case IPPROTO_UDP:
                    return udp(b, off, capEnd, wireEnd);
                case IPPROTO_TCP:
                    return tcp(b, off, capEnd, wireEnd);
                case IPPROTO_SCTP:
                    return sctp(b, off, capEnd, wireEnd);
                case IPPROTO_GRE:
                    return tunnels.gre(b, off, capEnd, wireEnd);
                case IPPROTO_IPV4:
                    return ipv4(b, off, capEnd, wireEnd);
                case IPPROTO_IPV6:
                    return ipv6(b, off, capEnd, wireEnd);
                case Ipv6Header.NH_HOP_BY_HOP:
                case Ipv6Header.NH_ROUTING:
                case Ipv6Header.NH_DEST_OPTIONS:
                case Ipv6Header.NH_AH: {
                    // an IPv6 extension header, or an Authentication Header (IPv4 or IPv6): skipped to the next header
                    final boolean ah = protocol == Ipv6Header.NH_AH;
                    if (ah) {
                        info.addLayer("ah");
                    } else if (ipVersion != 6) {
                        return other(protocol, b, off, capEnd);
                    }
                    final String bad = ah ? "ah.bad_length" : "ipv6.bad_extension_length";
                    if (off + 2 > capEnd) {
                        return shortHeader(off, 2, wireEnd, bad, Result.OTHER_IP);
                    }
                    final int len = ah ? Ipv6Header.ahLength(b, off) : Ipv6Header.optionsHeaderLength(b, off);
                    if (off + len > wireEnd) {
                        return malformed(bad);
                    }
                    if (off + len > capEnd) {
                        info.reason = TRUNCATED;
                        return Result.OTHER_IP;
                    }
                    protocol = b[off + Ipv6Header.EXT_NEXT_HEADER_OFFSET] & 0xFF;
                    off += len;
                    break;
                }
                case Ipv6Header.NH_FRAGMENT: {
                    if (ipVersion != 6) {
                        return other(protocol, b, off, capEnd);
                    }
                    if (off + Ipv6Header.FRAG_HEADER_LENGTH > capEnd) {
                        return shortHeader(off, Ipv6Header.FRAG_HEADER_LENGTH, wireEnd, "ipv6.bad_fragment_header",
                            Result.OTHER_IP);
                    }
                    final int next = b[off + Ipv6Header.EXT_NEXT_HEADER_OFFSET] & 0xFF;
                    final int fragOffset = Ipv6Header.fragmentOffset(b, off);
                    final boolean more = Ipv6Header.moreFragments(b, off);
                    final long id = Ipv6Header.fragmentId(b, off);
                    off += Ipv6Header.FRAG_HEADER_LENGTH;
                    if (fragOffset == 0 && !more) {
                        protocol = next;
                        break;
                    }
                    if (capEnd < wireEnd) {
                        stats.fragments++;
                        stats.fragmentsTruncated++;
                        info.reason = "ip.fragment_truncated";
                        info.addLayer("data");
                        return rest(b, off, capEnd, Result.FRAGMENT);
                    }
                    final byte[] out = reassemblyBuffer();
                    final int n = fragments.offer(6, ipSrc, ipDst, id, next, fragOffset, more, b, off,
                        wireEnd - off, now, out);
                    if (n < 0) {
                        return afterOffer(n, next, out, b, off, capEnd);
                    }
                    reassemblyUse++;
                    protocol = fragments.completedProtocol();
                    b = out;
                    off = 0;
                    capEnd = n;
                    wireEnd = n;
                    break;
                }
                case Ipv6Header.NH_ESP:
                    info.addLayer("esp");
                    return rest(b, off, capEnd, Result.OTHER_IP);
                case Ipv6Header.NH_NONE:
                    if (ipVersion == 6) {
                        return rest(b, off, capEnd, Result.OTHER_IP);
                    }
                    return other(protocol, b, off, capEnd);
                default:
                    return other(protocol, b, off, capEnd);
            }
        }
    }

    private Result other(final int protocol, final byte[] b, final int off, final int capEnd) {
        info.addLayer(PROTO_NAMES[protocol & 0xFF]);
        return rest(b, off, capEnd, Result.OTHER_IP);
    }

    // ---------------------------------------------------------------- transports

    private PacketInfo.Transport addTransport(final int protocol) {
        if (info.transportCount >= PacketInfo.MAX_TRANSPORTS) {
            return null;
        }
        final PacketInfo.Transport t = info.transports[info.transportCount++];
        t.protocol = protocol;
        t.ipVersion = ipVersion;
        final int n = ipVersion == 6 ? 16 : 4;
        System.arraycopy(ipSrc, 0, t.src, 0, n);
        System.arraycopy(ipDst, 0, t.dst, 0, n);
        t.srcPort = 0;
        t.dstPort = 0;
        t.tcpFlags = 0;
        t.tcpSeq = 0;
        t.tcpAck = 0;
        t.payloadLength = 0;
        return t;
    }

    private Result udp(final byte[] b, final int off, final int capEnd, final int wireEnd) {
        layer("udp", "udp", b, off, capEnd);
        if (off + TransportHeaders.UDP_HEADER_LENGTH > capEnd) {
            return shortHeader(off, TransportHeaders.UDP_HEADER_LENGTH, wireEnd, "udp.bad_length", Result.OTHER_IP);
        }
        final int length = TransportHeaders.udpLength(b, off);
        if (length < TransportHeaders.UDP_HEADER_LENGTH || off + length > wireEnd) {
            return malformed("udp.bad_length");
        }
        final PacketInfo.Transport t = addTransport(PacketInfo.Transport.UDP);
        if (t == null) {
            return malformed("decode.too_many_transports");
        }
        t.srcPort = TransportHeaders.srcPort(b, off);
        t.dstPort = TransportHeaders.dstPort(b, off);
        t.payloadLength = length - TransportHeaders.UDP_HEADER_LENGTH;
        final int payloadOff = off + TransportHeaders.UDP_HEADER_LENGTH;
        final int udpWireEnd = off + length;
        final int udpCapEnd = Math.min(capEnd, udpWireEnd);
        setPayload(b, payloadOff, udpCapEnd);
        final boolean hepPort = t.dstPort == HepHeader.PORT || t.srcPort == HepHeader.PORT;
        if (hepPort || HepHeader.isWholeHep3(b, payloadOff, udpCapEnd - payloadOff)) {
            final Result h = hep(b, payloadOff, udpCapEnd, udpWireEnd, hepPort);
            if (h != null) {
                return h;
            }
        }
        if (t.srcPort == GTP_U_PORT || t.dstPort == GTP_U_PORT) {
            return tunnels.gtp(b, payloadOff, udpCapEnd, udpWireEnd);
        }
        if (t.dstPort == VXLAN_PORT) {
            return tunnels.vxlan(b, payloadOff, udpCapEnd, udpWireEnd);
        }
        return Result.UDP;
    }

    /** SCTP (RFC 9260): the 12-byte common header; the chunks are left to {@link SctpChunks}. */
    private Result sctp(final byte[] b, final int off, final int capEnd, final int wireEnd) {
        layer("sctp", "sctp", b, off, capEnd);
        if (off + SctpChunks.COMMON_HEADER_LENGTH > capEnd) {
            return shortHeader(off, SctpChunks.COMMON_HEADER_LENGTH, wireEnd, "sctp.short", Result.OTHER_IP);
        }
        final PacketInfo.Transport t = addTransport(PacketInfo.Transport.SCTP);
        if (t == null) {
            return malformed("decode.too_many_transports");
        }
        t.srcPort = TransportHeaders.srcPort(b, off);
        t.dstPort = TransportHeaders.dstPort(b, off);
        t.payloadLength = wireEnd - off - SctpChunks.COMMON_HEADER_LENGTH;
        setPayload(b, off + SctpChunks.COMMON_HEADER_LENGTH, capEnd);
        return Result.SCTP;
    }

    private Result tcp(final byte[] b, final int off, final int capEnd, final int wireEnd) {
        layer("tcp", "tcp", b, off, capEnd);
        if (off + TransportHeaders.TCP_MIN_HEADER_LENGTH > capEnd) {
            return shortHeader(off, TransportHeaders.TCP_MIN_HEADER_LENGTH, wireEnd, "tcp.short", Result.OTHER_IP);
        }
        final int headerLength = TransportHeaders.tcpHeaderLength(b, off);
        if (headerLength < TransportHeaders.TCP_MIN_HEADER_LENGTH || off + headerLength > wireEnd) {
            return malformed("tcp.bad_data_offset");
        }
        final PacketInfo.Transport t = addTransport(PacketInfo.Transport.TCP);
        if (t == null) {
            return malformed("decode.too_many_transports");
        }
        t.srcPort = TransportHeaders.srcPort(b, off);
        t.dstPort = TransportHeaders.dstPort(b, off);
        t.tcpSeq = TransportHeaders.tcpSeq(b, off);
        t.tcpAck = TransportHeaders.tcpAck(b, off);
        t.tcpFlags = TransportHeaders.tcpFlags(b, off);
        t.payloadLength = wireEnd - off - headerLength;
        if (off + headerLength > capEnd) {
            info.reason = TRUNCATED;
        }
        setPayload(b, off + headerLength, capEnd);
        return Result.TCP;
    }

    // ---------------------------------------------------------------- tunnels

    /**
     * HEP over UDP (a capture agent's copy of a packet, sent to a collector): the original packet's
     * addresses, ports and time come from the HEP header and its payload is dispatched as if it had
     * been captured at the agent, as sngrep -E does. A report (RTCP as JSON, QoS, logs) is
     * counted with its outer conversation and not dispatched.
     *
     * @return null when the datagram is not HEP after all (plain UDP on the HEP port)
     */
    private Result hep(final byte[] b, final int off, final int capEnd, final int wireEnd, final boolean onPort) {
        final int len = capEnd - off;
        if (!HepHeader.isHep3(b, off, len) && !(onPort && HepHeader.looksLikeHep2(b, off, len))) {
            return null;
        }
        layer("hep", "hep", b, off, capEnd);
        if (capEnd < wireEnd) {
            info.reason = TRUNCATED;
            return Result.OTHER_IP;
        }
        final String why = hep.parse(b, off, len);
        if (why != null) {
            return malformed(why);
        }
        if (!hep.carriesPacket(b) || hep.ipProtocol != 17 && hep.ipProtocol != 6) {
            return Result.OTHER_IP;
        }
        if (hep.tsNanos != 0) {
            info.tsNanos = hep.tsNanos;
        }
        final boolean tcp = hep.ipProtocol == 6;
        ipVersion = hep.ipVersion;
        System.arraycopy(hep.src, 0, ipSrc, 0, 16);
        System.arraycopy(hep.dst, 0, ipDst, 0, 16);
        final PacketInfo.Transport t = addTransport(tcp ? PacketInfo.Transport.TCP : PacketInfo.Transport.UDP);
        if (t == null) {
            return malformed("decode.too_many_transports");
        }
        t.srcPort = hep.srcPort;
        t.dstPort = hep.dstPort;
        t.payloadLength = hep.payloadLength;
        if (tcp) {
            // each HEP packet is one segment's data: sequence numbers are made up per direction
            t.tcpSeq = hepStreams.next(hep, hep.payloadLength);
            t.tcpFlags = HepStreams.PSH_ACK;
        }
        setPayload(b, hep.payloadOffset, hep.payloadOffset + hep.payloadLength);
        return tcp ? Result.TCP : Result.UDP;
    }
}
