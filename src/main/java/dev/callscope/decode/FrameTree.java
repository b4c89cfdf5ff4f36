package dev.callscope.decode;

import dev.callscope.core.FieldNode;
import dev.callscope.core.IpFormat;
import dev.callscope.core.LinkType;
import dev.callscope.core.RawFrame;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The frame, link, network and transport layers of one frame as a field tree, the way {@code tshark
 * -V} prints them, read from the headers {@link PacketDecoder} found ({@link LayerTrace}). Built only
 * for the frames a user asks to see.
 *
 * <p>One instance follows a whole reading so that TCP sequence numbers can be shown relative to the
 * first one of each direction, as tshark does: {@link #observe} every frame decoded, in order.
 */
public final class FrameTree {
    private static final DateTimeFormatter ARRIVAL = DateTimeFormatter.ofPattern("MMM ppd, yyyy HH:mm:ss", Locale.ROOT)
        .withZone(ZoneOffset.UTC);

    /** First sequence number minus one (or the SYN's) of each TCP direction, keyed by "src sport dst dport". */
    private final Map<String, Long> tcpBase = new HashMap<>();
    private long firstTs = Long.MIN_VALUE;
    private long previousTs = Long.MIN_VALUE;

    /** Notes one decoded frame (every frame, in reading order, shown or not). */
    public void observe(final PacketInfo info) {
        for (int i = 0; i < info.transportCount; i++) {
            final PacketInfo.Transport t = info.transports[i];
            if (t.protocol == PacketInfo.Transport.TCP) {
                final String key = key(t, true);
                if (!tcpBase.containsKey(key)) {
                    tcpBase.put(key, (t.tcpFlags & TransportHeaders.TCP_SYN) != 0 ? t.tcpSeq : (t.tcpSeq - 1) & 0xFFFFFFFFL);
                }
                final String back = key(t, false);
                if (!tcpBase.containsKey(back) && (t.tcpFlags & TransportHeaders.TCP_ACK) != 0) {
                    tcpBase.put(back, (t.tcpAck - 1) & 0xFFFFFFFFL);
                }
            }
        }
    }

    /** Notes a frame's time (after building its tree, so that deltas count from the frame before). */
    public void timed(final long tsNanos) {
        if (firstTs == Long.MIN_VALUE) {
            firstTs = tsNanos;
        }
        previousTs = tsNanos;
    }

    private static String key(final PacketInfo.Transport t, final boolean forward) {
        final int n = t.addressLength();
        final String a = IpFormat.format(t.src, 0, n) + " " + t.srcPort;
        final String b = IpFormat.format(t.dst, 0, n) + " " + t.dstPort;
        return forward ? a + " " + b : b + " " + a;
    }

    /**
     * The tree of frame {@code number}: the frame itself, then each header in {@code trace}. The
     * frame must have been decoded with {@code trace} into {@code info} just before.
     */
    public List<FieldNode> build(final RawFrame f, final long number, final LayerTrace trace, final PacketInfo info,
                                 final String protocols) {
        final List<FieldNode> out = new ArrayList<>();
        out.add(frame(f, number, protocols));
        int transport = 0;
        for (int i = 0; i < trace.count; i++) {
            final byte[] b = trace.buffers[i];
            final int off = trace.offsets[i];
            final int end = trace.ends[i];
            final boolean inFrame = b == f.data;
            final int nextOff = i + 1 < trace.count && trace.buffers[i + 1] == b ? trace.offsets[i + 1] : end;
            final FieldNode n;
            try {
                switch (trace.names[i]) {
                    case "eth" -> n = ethernet(b, off, end);
                    case "vlan" -> n = vlan(b, off, end);
                    case "sll" -> n = sll(b, end);
                    case "sll2" -> n = sll2(b, end);
                    case "null" -> n = loopback(b, end);
                    case "ip" -> n = ipv4(b, off, end);
                    case "ipv6" -> n = ipv6(b, off, end, nextOff);
                    case "udp" -> n = udp(b, off, end);
                    case "tcp" -> n = tcp(b, off, end, transport < info.transportCount ? info.transports[transport] : null);
                    case "hep" -> n = hep(b, off, end);
                    default -> n = FieldNode.group(title(trace.names[i]) + " (" + (nextOff - off) + " bytes)", off,
                        nextOff - off);
                }
            } catch (ArrayIndexOutOfBoundsException e) {
                out.add(FieldNode.group("[" + title(trace.names[i]) + ": header cut short]", off, Math.max(0, end - off)));
                break;
            }
            if (trace.names[i].equals("udp") || trace.names[i].equals("tcp") || trace.names[i].equals("hep")) {
                transport++;
            }
            if (!inFrame) {
                // a header read from reassembled IP fragments: its bytes are not at these offsets of the frame
                n.shift(-n.offset);
                n.addLabelled("[Reassembled from IP fragments: offsets count from the reassembled datagram]", null, null, -1, 0);
            }
            out.add(n);
        }
        if (info.reason != null) {
            out.add(FieldNode.group("[" + info.reason + "]", -1, 0));
        }
        return out;
    }

    private static String title(final String name) {
        return switch (name) {
            case "gre" -> "Generic Routing Encapsulation";
            case "gtp" -> "GPRS Tunneling Protocol";
            case "vxlan" -> "Virtual eXtensible Local Area Network";
            case "pppoes" -> "PPP-over-Ethernet Session";
            case "sctp" -> "Stream Control Transmission Protocol";
            default -> name;
        };
    }

    // ---------------------------------------------------------------- frame

    private FieldNode frame(final RawFrame f, final long number, final String protocols) {
        final FieldNode n = FieldNode.group(String.format(Locale.ROOT,
            "Frame %d: %d bytes on wire (%d bits), %d bytes captured (%d bits)", number, f.origLen, f.origLen * 8L,
            f.capLen, f.capLen * 8L), 0, f.capLen);
        n.add("Encapsulation type", "frame.encap_type", LinkType.name(f.linkType) + " (" + f.linkType + ")", -1, 0);
        n.add("Arrival Time", "frame.time", arrival(f.tsNanos), -1, 0);
        n.add("Epoch Arrival Time", "frame.time_epoch", epoch(f.tsNanos), -1, 0);
        final long prev = previousTs == Long.MIN_VALUE ? f.tsNanos : previousTs;
        final long first = firstTs == Long.MIN_VALUE ? f.tsNanos : firstTs;
        n.addLabelled("[Time delta from previous captured frame: " + seconds(f.tsNanos - prev) + " seconds]", "frame.time_delta",
            seconds(f.tsNanos - prev), -1, 0);
        n.addLabelled("[Time since reference or first frame: " + seconds(f.tsNanos - first) + " seconds]", "frame.time_relative",
            seconds(f.tsNanos - first), -1, 0);
        n.add("Frame Number", "frame.number", number, -1, 0);
        n.addLabelled("Frame Length: " + f.origLen + " bytes (" + f.origLen * 8L + " bits)", "frame.len", f.origLen, -1, 0);
        n.addLabelled("Capture Length: " + f.capLen + " bytes (" + f.capLen * 8L + " bits)", "frame.cap_len", f.capLen, -1, 0);
        n.addLabelled("[Protocols in frame: " + protocols + "]", "frame.protocols", protocols, -1, 0);
        return n;
    }

    /** "Dec  3, 2026 09:50:46.123456789 UTC", as tshark prints frame.time. */
    public static String arrival(final long nanos) {
        final Instant i = Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
        return ARRIVAL.format(i) + String.format(Locale.ROOT, ".%09d UTC", Math.floorMod(nanos, 1_000_000_000L));
    }

    /** Seconds since the epoch with nine decimals, as tshark prints frame.time_epoch. */
    public static String epoch(final long nanos) {
        return String.format(Locale.ROOT, "%d.%09d", Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    private static String seconds(final long nanos) {
        final String sign = nanos < 0 ? "-" : "";
        final long a = Math.abs(nanos);
        return String.format(Locale.ROOT, "%s%d.%09d", sign, a / 1_000_000_000L, a % 1_000_000_000L);
    }

    // ---------------------------------------------------------------- link

    static String mac(final byte[] b, final int off) {
        final StringBuilder sb = new StringBuilder(17);
        for (int i = 0; i < 6; i++) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(String.format(Locale.ROOT, "%02x", b[off + i] & 0xFF));
        }
        return sb.toString();
    }

    private static String hex(final long v, final int digits) {
        return String.format(Locale.ROOT, "0x%0" + digits + "x", v);
    }

    static String etherType(final int type) {
        final String name = switch (type) {
            case LinkHeaders.ETHERTYPE_IPV4 -> "IPv4";
            case LinkHeaders.ETHERTYPE_IPV6 -> "IPv6";
            case LinkHeaders.ETHERTYPE_ARP -> "ARP";
            case LinkHeaders.ETHERTYPE_VLAN -> "802.1Q Virtual LAN";
            case LinkHeaders.ETHERTYPE_QINQ -> "802.1ad Provider Bridge (Q-in-Q)";
            case LinkHeaders.ETHERTYPE_PPPOE_SESSION -> "PPPoE Session";
            default -> "Unknown";
        };
        return name + " (" + hex(type, 4) + ")";
    }

    private static FieldNode ethernet(final byte[] b, final int off, final int end) {
        check(b, off, LinkHeaders.ETH_HEADER_LENGTH, end);
        final String dst = mac(b, off + LinkHeaders.ETH_DST_OFFSET);
        final String src = mac(b, off + LinkHeaders.ETH_SRC_OFFSET);
        final FieldNode n = FieldNode.group("Ethernet II, Src: " + src + ", Dst: " + dst, off, LinkHeaders.ETH_HEADER_LENGTH);
        n.add("Destination", "eth.dst", dst, off + LinkHeaders.ETH_DST_OFFSET, 6);
        n.add("Source", "eth.src", src, off + LinkHeaders.ETH_SRC_OFFSET, 6);
        n.add("Type", "eth.type", etherType(Be.u16(b, off + LinkHeaders.ETH_TYPE_OFFSET)), off + LinkHeaders.ETH_TYPE_OFFSET, 2);
        return n;
    }

    private static FieldNode vlan(final byte[] b, final int off, final int end) {
        check(b, off, LinkHeaders.VLAN_TAG_LENGTH, end);
        final int tci = Be.u16(b, off + LinkHeaders.VLAN_TCI_OFFSET);
        final FieldNode n = FieldNode.group(String.format(Locale.ROOT, "802.1Q Virtual LAN, PRI: %d, DEI: %d, ID: %d",
            tci >>> 13, (tci >>> 12) & 1, tci & 0xFFF), off, LinkHeaders.VLAN_TAG_LENGTH);
        n.add("Priority", "vlan.priority", tci >>> 13, off, 2);
        n.add("DEI", "vlan.dei", (tci >>> 12) & 1, off, 2);
        n.add("ID", "vlan.id", tci & 0xFFF, off, 2);
        n.add("Type", "vlan.etype", etherType(Be.u16(b, off + LinkHeaders.VLAN_TYPE_OFFSET)), off + LinkHeaders.VLAN_TYPE_OFFSET, 2);
        return n;
    }

    private static FieldNode sll(final byte[] b, final int end) {
        check(b, 0, LinkHeaders.SLL_HEADER_LENGTH, end);
        final FieldNode n = FieldNode.group("Linux cooked capture v1", 0, LinkHeaders.SLL_HEADER_LENGTH);
        n.add("Packet type", "sll.pkttype", packetType(Be.u16(b, LinkHeaders.SLL_PACKET_TYPE_OFFSET)),
            LinkHeaders.SLL_PACKET_TYPE_OFFSET, 2);
        n.add("Link-layer address type", "sll.hatype", Be.u16(b, LinkHeaders.SLL_ARPHRD_OFFSET), LinkHeaders.SLL_ARPHRD_OFFSET, 2);
        final int alen = Be.u16(b, LinkHeaders.SLL_ADDR_LEN_OFFSET);
        n.add("Link-layer address length", "sll.halen", alen, LinkHeaders.SLL_ADDR_LEN_OFFSET, 2);
        if (alen == 6) {
            n.add("Source", "sll.src.eth", mac(b, LinkHeaders.SLL_ADDR_OFFSET), LinkHeaders.SLL_ADDR_OFFSET, 6);
        }
        n.add("Protocol", "sll.etype", etherType(Be.u16(b, LinkHeaders.SLL_PROTOCOL_OFFSET)), LinkHeaders.SLL_PROTOCOL_OFFSET, 2);
        return n;
    }

    private static FieldNode sll2(final byte[] b, final int end) {
        check(b, 0, LinkHeaders.SLL2_HEADER_LENGTH, end);
        final FieldNode n = FieldNode.group("Linux cooked capture v2", 0, LinkHeaders.SLL2_HEADER_LENGTH);
        n.add("Protocol", "sll.etype", etherType(Be.u16(b, LinkHeaders.SLL2_PROTOCOL_OFFSET)), LinkHeaders.SLL2_PROTOCOL_OFFSET, 2);
        n.add("Interface index", "sll.ifindex", Be.u32(b, LinkHeaders.SLL2_IFINDEX_OFFSET), LinkHeaders.SLL2_IFINDEX_OFFSET, 4);
        n.add("Link-layer address type", "sll.hatype", Be.u16(b, LinkHeaders.SLL2_ARPHRD_OFFSET), LinkHeaders.SLL2_ARPHRD_OFFSET, 2);
        n.add("Packet type", "sll.pkttype", packetType(b[LinkHeaders.SLL2_PACKET_TYPE_OFFSET] & 0xFF),
            LinkHeaders.SLL2_PACKET_TYPE_OFFSET, 1);
        final int alen = b[LinkHeaders.SLL2_ADDR_LEN_OFFSET] & 0xFF;
        n.add("Link-layer address length", "sll.halen", alen, LinkHeaders.SLL2_ADDR_LEN_OFFSET, 1);
        if (alen == 6) {
            n.add("Source", "sll.src.eth", mac(b, LinkHeaders.SLL2_ADDR_OFFSET), LinkHeaders.SLL2_ADDR_OFFSET, 6);
        }
        return n;
    }

    private static String packetType(final int t) {
        final String name = switch (t) {
            case 0 -> "Unicast to us";
            case 1 -> "Broadcast";
            case 2 -> "Multicast";
            case 3 -> "Unicast to another host";
            case 4 -> "Sent by us";
            default -> "Unknown";
        };
        return name + " (" + t + ")";
    }

    private static FieldNode loopback(final byte[] b, final int end) {
        check(b, 0, LinkHeaders.NULL_HEADER_LENGTH, end);
        final FieldNode n = FieldNode.group("Null/Loopback", 0, LinkHeaders.NULL_HEADER_LENGTH);
        final long be = Be.u32(b, LinkHeaders.NULL_FAMILY_OFFSET);
        final long le = Be.u32le(b, LinkHeaders.NULL_FAMILY_OFFSET);
        final long family = be <= 0xFFFF ? be : le;
        n.add("Family", "null.family", (family == LinkHeaders.AF_INET ? "IP" : "IPv6") + " (" + family + ")", 0, 4);
        return n;
    }

    // ---------------------------------------------------------------- IP

    static String ipProtocol(final int p) {
        final String name = switch (p) {
            case 1 -> "ICMP";
            case 2 -> "IGMP";
            case 4 -> "IPIP";
            case 6 -> "TCP";
            case 17 -> "UDP";
            case 41 -> "IPv6";
            case 47 -> "GRE";
            case 50 -> "ESP";
            case 51 -> "AH";
            case 58 -> "ICMPv6";
            case 132 -> "SCTP";
            default -> "Unknown";
        };
        return name + " (" + p + ")";
    }

    private static FieldNode ipv4(final byte[] b, final int off, final int end) {
        check(b, off, Ipv4Header.MIN_LENGTH, end);
        final String src = IpFormat.format(b, off + Ipv4Header.SRC_OFFSET, 4);
        final String dst = IpFormat.format(b, off + Ipv4Header.DST_OFFSET, 4);
        final int hl = Ipv4Header.headerLength(b, off);
        final FieldNode n = FieldNode.group("Internet Protocol Version 4, Src: " + src + ", Dst: " + dst, off, hl);
        n.addLabelled("0100 .... = Version: " + Ipv4Header.version(b, off), "ip.version", Ipv4Header.version(b, off), off, 1);
        n.addLabelled(String.format(Locale.ROOT, ".... %s = Header Length: %d bytes (%d)",
            bits(hl / 4, 4), hl, hl / 4), "ip.hdr_len", hl, off, 1);
        final int tos = b[off + Ipv4Header.TOS_OFFSET] & 0xFF;
        final FieldNode ds = n.add("Differentiated Services Field", "ip.dsfield", hex(tos, 2), off + Ipv4Header.TOS_OFFSET, 1);
        ds.add("Differentiated Services Codepoint", "ip.dsfield.dscp", tos >>> 2, off + Ipv4Header.TOS_OFFSET, 1);
        ds.add("Explicit Congestion Notification", "ip.dsfield.ecn", tos & 3, off + Ipv4Header.TOS_OFFSET, 1);
        n.add("Total Length", "ip.len", Ipv4Header.totalLength(b, off), off + Ipv4Header.TOTAL_LENGTH_OFFSET, 2);
        final int id = Ipv4Header.id(b, off);
        n.add("Identification", "ip.id", hex(id, 4) + " (" + id + ")", off + Ipv4Header.ID_OFFSET, 2);
        final int ff = Be.u16(b, off + Ipv4Header.FLAGS_FRAGMENT_OFFSET);
        final int flags = ff >>> 13;
        final FieldNode fl = n.add("Flags", "ip.flags", hex(flags, 1) + ((flags & 2) != 0 ? ", Don't fragment"
            : "") + ((flags & 1) != 0 ? ", More fragments" : ""), off + Ipv4Header.FLAGS_FRAGMENT_OFFSET, 1);
        fl.addLabelled((flags & 4) != 0 ? "1... .... = Reserved bit: Set" : "0... .... = Reserved bit: Not set", "ip.flags.rb",
            (flags >>> 2) & 1, off + Ipv4Header.FLAGS_FRAGMENT_OFFSET, 1);
        fl.addLabelled((flags & 2) != 0 ? ".1.. .... = Don't fragment: Set" : ".0.. .... = Don't fragment: Not set",
            "ip.flags.df", (flags >>> 1) & 1, off + Ipv4Header.FLAGS_FRAGMENT_OFFSET, 1);
        fl.addLabelled((flags & 1) != 0 ? "..1. .... = More fragments: Set" : "..0. .... = More fragments: Not set",
            "ip.flags.mf", flags & 1, off + Ipv4Header.FLAGS_FRAGMENT_OFFSET, 1);
        n.add("Fragment Offset", "ip.frag_offset", Ipv4Header.fragmentOffset(b, off), off + Ipv4Header.FLAGS_FRAGMENT_OFFSET, 2);
        n.add("Time to Live", "ip.ttl", b[off + Ipv4Header.TTL_OFFSET] & 0xFF, off + Ipv4Header.TTL_OFFSET, 1);
        n.add("Protocol", "ip.proto", ipProtocol(Ipv4Header.protocol(b, off)), off + Ipv4Header.PROTOCOL_OFFSET, 1);
        n.add("Header Checksum", "ip.checksum", hex(Be.u16(b, off + Ipv4Header.CHECKSUM_OFFSET), 4) + " [validation disabled]",
            off + Ipv4Header.CHECKSUM_OFFSET, 2);
        n.add("Source Address", "ip.src", src, off + Ipv4Header.SRC_OFFSET, 4);
        n.add("Destination Address", "ip.dst", dst, off + Ipv4Header.DST_OFFSET, 4);
        if (hl > Ipv4Header.MIN_LENGTH) {
            n.addLabelled("Options: (" + (hl - Ipv4Header.MIN_LENGTH) + " bytes)", "ip.options", null,
                off + Ipv4Header.MIN_LENGTH, hl - Ipv4Header.MIN_LENGTH);
        }
        return n;
    }

    private static String bits(final int v, final int n) {
        final StringBuilder sb = new StringBuilder(n);
        for (int i = n - 1; i >= 0; i--) {
            sb.append((v >>> i) & 1);
        }
        return sb.toString();
    }

    private static FieldNode ipv6(final byte[] b, final int off, final int end, final int nextOff) {
        check(b, off, Ipv6Header.HEADER_LENGTH, end);
        final String src = IpFormat.format(b, off + Ipv6Header.SRC_OFFSET, 16);
        final String dst = IpFormat.format(b, off + Ipv6Header.DST_OFFSET, 16);
        final long first = Be.u32(b, off);
        final int hl = Math.max(Ipv6Header.HEADER_LENGTH, Math.min(nextOff, end) - off);
        final FieldNode n = FieldNode.group("Internet Protocol Version 6, Src: " + src + ", Dst: " + dst, off, hl);
        n.addLabelled("0110 .... = Version: " + Ipv6Header.version(b, off), "ipv6.version", Ipv6Header.version(b, off), off, 1);
        n.add("Traffic Class", "ipv6.tclass", hex((first >>> 20) & 0xFF, 2), off, 2);
        n.add("Flow Label", "ipv6.flow", hex(first & 0xFFFFF, 5), off + 1, 3);
        n.add("Payload Length", "ipv6.plen", Ipv6Header.payloadLength(b, off), off + Ipv6Header.PAYLOAD_LENGTH_OFFSET, 2);
        n.add("Next Header", "ipv6.nxt", ipProtocol(Ipv6Header.nextHeader(b, off)), off + Ipv6Header.NEXT_HEADER_OFFSET, 1);
        n.add("Hop Limit", "ipv6.hlim", b[off + Ipv6Header.HOP_LIMIT_OFFSET] & 0xFF, off + Ipv6Header.HOP_LIMIT_OFFSET, 1);
        n.add("Source Address", "ipv6.src", src, off + Ipv6Header.SRC_OFFSET, 16);
        n.add("Destination Address", "ipv6.dst", dst, off + Ipv6Header.DST_OFFSET, 16);
        if (hl > Ipv6Header.HEADER_LENGTH) {
            n.addLabelled("Extension headers (" + (hl - Ipv6Header.HEADER_LENGTH) + " bytes)", null, null,
                off + Ipv6Header.HEADER_LENGTH, hl - Ipv6Header.HEADER_LENGTH);
        }
        return n;
    }

    // ---------------------------------------------------------------- transports

    private static FieldNode udp(final byte[] b, final int off, final int end) {
        check(b, off, TransportHeaders.UDP_HEADER_LENGTH, end);
        final int sp = TransportHeaders.srcPort(b, off);
        final int dp = TransportHeaders.dstPort(b, off);
        final int len = TransportHeaders.udpLength(b, off);
        final FieldNode n = FieldNode.group("User Datagram Protocol, Src Port: " + sp + ", Dst Port: " + dp, off,
            TransportHeaders.UDP_HEADER_LENGTH);
        n.add("Source Port", "udp.srcport", sp, off + TransportHeaders.SRC_PORT_OFFSET, 2);
        n.add("Destination Port", "udp.dstport", dp, off + TransportHeaders.DST_PORT_OFFSET, 2);
        n.add("Length", "udp.length", len, off + TransportHeaders.UDP_LENGTH_OFFSET, 2);
        n.add("Checksum", "udp.checksum", hex(Be.u16(b, off + TransportHeaders.UDP_CHECKSUM_OFFSET), 4) + " [unverified]",
            off + TransportHeaders.UDP_CHECKSUM_OFFSET, 2);
        final int payload = Math.max(0, len - TransportHeaders.UDP_HEADER_LENGTH);
        n.addLabelled("UDP payload (" + payload + " bytes)", "udp.payload", payload, off + TransportHeaders.UDP_HEADER_LENGTH,
            Math.max(0, Math.min(payload, end - off - TransportHeaders.UDP_HEADER_LENGTH)));
        return n;
    }

    private FieldNode tcp(final byte[] b, final int off, final int end, final PacketInfo.Transport t) {
        check(b, off, TransportHeaders.TCP_MIN_HEADER_LENGTH, end);
        final int sp = TransportHeaders.srcPort(b, off);
        final int dp = TransportHeaders.dstPort(b, off);
        final long seq = TransportHeaders.tcpSeq(b, off);
        final long ack = TransportHeaders.tcpAck(b, off);
        final int hl = TransportHeaders.tcpHeaderLength(b, off);
        final int flags = Be.u16(b, off + TransportHeaders.TCP_DATA_OFFSET_OFFSET) & 0x0FFF;
        final int len = t != null ? t.payloadLength : Math.max(0, end - off - hl);
        final Long seqBase = t == null ? null : tcpBase.get(key(t, true));
        final Long ackBase = t == null ? null : tcpBase.get(key(t, false));
        final long relSeq = seqBase == null ? seq : (seq - seqBase) & 0xFFFFFFFFL;
        final boolean hasAck = (flags & TransportHeaders.TCP_ACK) != 0;
        final long relAck = ackBase == null ? ack : (ack - ackBase) & 0xFFFFFFFFL;
        final FieldNode n = FieldNode.group("Transmission Control Protocol, Src Port: " + sp + ", Dst Port: " + dp + ", Seq: "
            + relSeq + (hasAck ? ", Ack: " + relAck : "") + ", Len: " + len, off, hl);
        n.add("Source Port", "tcp.srcport", sp, off + TransportHeaders.SRC_PORT_OFFSET, 2);
        n.add("Destination Port", "tcp.dstport", dp, off + TransportHeaders.DST_PORT_OFFSET, 2);
        n.addLabelled("[TCP Segment Len: " + len + "]", "tcp.len", len, -1, 0);
        n.addLabelled("Sequence Number: " + relSeq + (seqBase != null ? "    (relative sequence number)" : ""), "tcp.seq", relSeq,
            off + TransportHeaders.TCP_SEQ_OFFSET, 4);
        n.add("Sequence Number (raw)", "tcp.seq_raw", seq, off + TransportHeaders.TCP_SEQ_OFFSET, 4);
        final long syn = (flags & (TransportHeaders.TCP_SYN | TransportHeaders.TCP_FIN)) != 0 ? 1 : 0;
        n.addLabelled("[Next Sequence Number: " + (relSeq + len + syn) + "]", "tcp.nxtseq", relSeq + len + syn, -1, 0);
        // without the ACK flag the field means nothing: tshark then shows 0, and so do we
        n.addLabelled("Acknowledgment Number: " + (hasAck ? relAck + (ackBase != null ? "    (relative ack number)" : "")
            : "0 (ACK not set)"), "tcp.ack", hasAck ? relAck : 0, off + TransportHeaders.TCP_ACK_OFFSET, 4);
        n.add("Acknowledgment number (raw)", "tcp.ack_raw", ack, off + TransportHeaders.TCP_ACK_OFFSET, 4);
        n.addLabelled(bits(hl / 4, 4) + " .... = Header Length: " + hl + " bytes (" + hl / 4 + ")", "tcp.hdr_len", hl,
            off + TransportHeaders.TCP_DATA_OFFSET_OFFSET, 1);
        final FieldNode fl = n.add("Flags", "tcp.flags", hex(flags, 3) + " (" + flagNames(flags) + ")",
            off + TransportHeaders.TCP_DATA_OFFSET_OFFSET, 2);
        final String[] names = {"Fin", "Syn", "Reset", "Push", "Acknowledgment", "Urgent", "ECN-Echo", "Congestion Window Reduced",
            "Accurate ECN"};
        final String[] fields = {"tcp.flags.fin", "tcp.flags.syn", "tcp.flags.reset", "tcp.flags.push", "tcp.flags.ack",
            "tcp.flags.urg", "tcp.flags.ece", "tcp.flags.cwr", "tcp.flags.ae"};
        for (int i = names.length - 1; i >= 0; i--) {
            final int bit = (flags >>> i) & 1;
            fl.addLabelled(names[i] + ": " + (bit == 1 ? "Set" : "Not set"), fields[i], bit,
                off + TransportHeaders.TCP_DATA_OFFSET_OFFSET, 2);
        }
        n.add("Window", "tcp.window_size_value", Be.u16(b, off + TransportHeaders.TCP_WINDOW_OFFSET),
            off + TransportHeaders.TCP_WINDOW_OFFSET, 2);
        n.add("Checksum", "tcp.checksum", hex(Be.u16(b, off + TransportHeaders.TCP_CHECKSUM_OFFSET), 4) + " [unverified]",
            off + TransportHeaders.TCP_CHECKSUM_OFFSET, 2);
        n.add("Urgent Pointer", "tcp.urgent_pointer", Be.u16(b, off + TransportHeaders.TCP_URGENT_OFFSET),
            off + TransportHeaders.TCP_URGENT_OFFSET, 2);
        if (hl > TransportHeaders.TCP_MIN_HEADER_LENGTH) {
            n.addLabelled("Options: (" + (hl - TransportHeaders.TCP_MIN_HEADER_LENGTH) + " bytes)", "tcp.options", null,
                off + TransportHeaders.TCP_MIN_HEADER_LENGTH, Math.min(hl, end - off) - TransportHeaders.TCP_MIN_HEADER_LENGTH);
        }
        if (len > 0) {
            n.addLabelled("TCP payload (" + len + " bytes)", "tcp.payload", len, off + hl, Math.max(0, Math.min(len, end - off - hl)));
        }
        return n;
    }

    private static String flagNames(final int flags) {
        final List<String> s = new ArrayList<>();
        final String[] short_ = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "AE"};
        for (int i = short_.length - 1; i >= 0; i--) {
            if ((flags & (1 << i)) != 0) {
                s.add(short_[i]);
            }
        }
        return s.isEmpty() ? "none" : String.join(", ", s);
    }

    // ---------------------------------------------------------------- HEP

    private static FieldNode hep(final byte[] b, final int off, final int end) {
        final HepHeader h = new HepHeader();
        final String why = h.parse(b, off, end - off);
        if (h.version != 3) {
            final FieldNode n = FieldNode.group("HEP Version " + h.version + (why != null ? " [" + why + "]" : ""), off, end - off);
            if (why == null) {
                n.add("Protocol", "hep.protocol", ipProtocol(h.ipProtocol), -1, 0);
                n.add("Source port", "hep.src.port", h.srcPort, -1, 0);
                n.add("Destination port", "hep.dst.port", h.dstPort, -1, 0);
            }
            return n;
        }
        final int total = Be.u16(b, off + 4);
        final FieldNode n = FieldNode.group("HEP3 Protocol" + (why != null ? " [" + why + "]" : ""), off, Math.min(total, end - off));
        n.add("HEP ID", "hep.version", "HEP3", off, 4);
        n.add("Length (Bytes)", "hep.length", total, off + 4, 2);
        int p = off + HepHeader.HEP3_HEADER_LENGTH;
        final int stop = Math.min(end, off + total);
        while (p + HepHeader.CHUNK_HEADER_LENGTH <= stop) {
            final int vendor = Be.u16(b, p);
            final int type = Be.u16(b, p + 2);
            final int clen = Be.u16(b, p + 4);
            if (clen < HepHeader.CHUNK_HEADER_LENGTH || p + clen > stop) {
                n.addLabelled("[bad chunk length " + clen + "]", null, null, p, stop - p);
                break;
            }
            final int d = p + HepHeader.CHUNK_HEADER_LENGTH;
            final int dl = clen - HepHeader.CHUNK_HEADER_LENGTH;
            final FieldNode c = n.add(chunkName(vendor, type), chunkField(type), chunkValue(b, type, d, dl, h), p, clen);
            c.add("Vendor ID", null, hex(vendor, 4), p, 2);
            c.add("Type ID", null, hex(type, 4), p + 2, 2);
            c.add("Length", null, clen, p + 4, 2);
            p += clen;
        }
        return n;
    }

    private static String chunkName(final int vendor, final int type) {
        if (vendor != 0) {
            return "Vendor chunk " + type;
        }
        return switch (type) {
            case HepHeader.CHUNK_FAMILY -> "IP family";
            case HepHeader.CHUNK_PROTOCOL -> "IP protocol ID";
            case HepHeader.CHUNK_SRC_IP4 -> "IPv4 source address";
            case HepHeader.CHUNK_DST_IP4 -> "IPv4 destination address";
            case HepHeader.CHUNK_SRC_IP6 -> "IPv6 source address";
            case HepHeader.CHUNK_DST_IP6 -> "IPv6 destination address";
            case HepHeader.CHUNK_SRC_PORT -> "Source port";
            case HepHeader.CHUNK_DST_PORT -> "Destination port";
            case HepHeader.CHUNK_TS_SEC -> "Timestamp";
            case HepHeader.CHUNK_TS_USEC -> "Timestamp us";
            case HepHeader.CHUNK_PROTO_TYPE -> "Protocol type";
            case HepHeader.CHUNK_CAPTURE_ID -> "Capture ID";
            case HepHeader.CHUNK_AUTH_KEY -> "Authentication key";
            case HepHeader.CHUNK_PAYLOAD -> "Payload";
            case HepHeader.CHUNK_COMPRESSED_PAYLOAD -> "Compressed payload";
            case HepHeader.CHUNK_CORRELATION_ID -> "Correlation ID";
            case HepHeader.CHUNK_VLAN -> "VLAN ID";
            case HepHeader.CHUNK_NODE_NAME -> "Capture node name";
            default -> "Chunk " + type;
        };
    }

    private static String chunkField(final int type) {
        return switch (type) {
            case HepHeader.CHUNK_FAMILY -> "hep.ip.family";
            case HepHeader.CHUNK_PROTOCOL -> "hep.ip.proto";
            case HepHeader.CHUNK_SRC_IP4 -> "hep.src.ip4";
            case HepHeader.CHUNK_DST_IP4 -> "hep.dst.ip4";
            case HepHeader.CHUNK_SRC_IP6 -> "hep.src.ip6";
            case HepHeader.CHUNK_DST_IP6 -> "hep.dst.ip6";
            case HepHeader.CHUNK_SRC_PORT -> "hep.src.port";
            case HepHeader.CHUNK_DST_PORT -> "hep.dst.port";
            case HepHeader.CHUNK_TS_SEC -> "hep.timestamp";
            case HepHeader.CHUNK_TS_USEC -> "hep.timestamp.us";
            case HepHeader.CHUNK_PROTO_TYPE -> "hep.proto_type";
            case HepHeader.CHUNK_CAPTURE_ID -> "hep.capture_id";
            case HepHeader.CHUNK_PAYLOAD -> "hep.payload";
            case HepHeader.CHUNK_CORRELATION_ID -> "hep.correlation_id";
            case HepHeader.CHUNK_NODE_NAME -> "hep.capture_node_name";
            default -> null;
        };
    }

    private static String chunkValue(final byte[] b, final int type, final int d, final int dl, final HepHeader h) {
        switch (type) {
            case HepHeader.CHUNK_FAMILY:
                return dl >= 1 ? ((b[d] & 0xFF) == HepHeader.AF_INET ? "IPv4 (2)" : (b[d] & 0xFF) == HepHeader.AF_INET6
                    ? "IPv6 (10)" : String.valueOf(b[d] & 0xFF)) : "?";
            case HepHeader.CHUNK_PROTOCOL:
                return dl >= 1 ? ipProtocol(b[d] & 0xFF) : "?";
            case HepHeader.CHUNK_SRC_IP4:
            case HepHeader.CHUNK_DST_IP4:
                return dl == 4 ? IpFormat.format(b, d, 4) : "?";
            case HepHeader.CHUNK_SRC_IP6:
            case HepHeader.CHUNK_DST_IP6:
                return dl == 16 ? IpFormat.format(b, d, 16) : "?";
            case HepHeader.CHUNK_SRC_PORT:
            case HepHeader.CHUNK_DST_PORT:
                return dl == 2 ? String.valueOf(Be.u16(b, d)) : "?";
            case HepHeader.CHUNK_TS_SEC:
            case HepHeader.CHUNK_TS_USEC:
            case HepHeader.CHUNK_CAPTURE_ID:
                return dl == 4 ? String.valueOf(Be.u32(b, d)) : "?";
            case HepHeader.CHUNK_PROTO_TYPE:
                return dl >= 1 ? protoType(b[d] & 0xFF) : "?";
            case HepHeader.CHUNK_PAYLOAD:
            case HepHeader.CHUNK_COMPRESSED_PAYLOAD:
            case HepHeader.CHUNK_AUTH_KEY:
                return dl + " bytes";
            default:
                return new String(b, d, dl, java.nio.charset.StandardCharsets.ISO_8859_1).replaceAll("\\p{Cntrl}", ".");
        }
    }

    private static String protoType(final int t) {
        final String name = switch (t) {
            case HepHeader.TYPE_SIP -> "SIP";
            case HepHeader.TYPE_RTP -> "RTP";
            case HepHeader.TYPE_RTCP -> "RTCP";
            case HepHeader.TYPE_QOS_REPORT -> "QoS report";
            case HepHeader.TYPE_LOG -> "Log";
            default -> "Unknown";
        };
        return name + " (" + t + ")";
    }

    private static void check(final byte[] b, final int off, final int n, final int end) {
        if (off < 0 || off + n > end || off + n > b.length) {
            throw new ArrayIndexOutOfBoundsException(off + n);
        }
    }
}
