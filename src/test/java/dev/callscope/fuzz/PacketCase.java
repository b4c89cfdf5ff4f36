package dev.callscope.fuzz;

import dev.callscope.core.LinkType;
import dev.callscope.core.RawFrame;
import dev.callscope.dissect.DecodeAs;
import dev.callscope.fuzz.SeedCorpus.Flow;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * One packet-level fuzz input: the steps of one or more conversations, which {@link #frames()}
 * turns into link/IP/UDP-or-TCP frames with consistent lengths. TCP sequence numbers follow the
 * bytes sent unless a step says otherwise ({@link Step#seqDelta}), so a stream can be made
 * consistent or not at will. Steps are kept (rather than frames) so that a finding can be minimised
 * by dropping steps and shortening payloads.
 */
final class PacketCase {
    static final int TCP_FIN = 0x01;
    static final int TCP_SYN = 0x02;
    static final int TCP_RST = 0x04;
    static final int TCP_PSH = 0x08;
    static final int TCP_ACK = 0x10;

    /** How a step becomes a frame. */
    enum Kind {
        /** {@link Step#bytes} is the transport payload; headers are built around it. */
        PAYLOAD,
        /** {@link Step#bytes} is a whole frame of link type {@link Step#linkType}, sent as is. */
        FRAME
    }

    /** One frame to send. */
    record Step(Flow flow, Kind kind, boolean fromClient, byte[] bytes, int linkType, int tcpFlags, long seqDelta,
                long gapNanos, boolean mutated) {
        Step withBytes(final byte[] b) {
            return new Step(flow, kind, fromClient, b, linkType, tcpFlags, seqDelta, gapNanos, mutated);
        }
    }

    final String target;
    final long seed;
    final List<DecodeAs> rules;
    /** Link layer for PAYLOAD steps: Ethernet (optionally VLAN-tagged), Linux SLL, raw IP or BSD loopback. */
    final int linkType;
    final boolean vlan;
    /** Which tracker set and limits the case runs with (see {@link Pipeline}). */
    final int config;
    final List<Step> steps;

    PacketCase(final String target, final long seed, final List<DecodeAs> rules, final int linkType, final boolean vlan,
               final int config, final List<Step> steps) {
        this.target = target;
        this.seed = seed;
        this.rules = List.copyOf(rules);
        this.linkType = linkType;
        this.vlan = vlan;
        this.config = config;
        this.steps = List.copyOf(steps);
    }

    PacketCase withSteps(final List<Step> s) {
        return new PacketCase(target, seed, rules, linkType, vlan, config, s);
    }

    long mutatedSteps() {
        return steps.stream().filter(Step::mutated).count();
    }

    /** The frames, numbered from packet time 1,000,000 s on. */
    List<RawFrame> frames() {
        final List<RawFrame> out = new ArrayList<>(steps.size());
        final Map<Flow, long[]> seqs = new IdentityHashMap<>();
        long ts = 1_000_000L * 1_000_000_000L;
        for (final Step s : steps) {
            ts += s.gapNanos();
            final RawFrame f = new RawFrame();
            f.tsNanos = ts;
            if (s.kind() == Kind.FRAME) {
                f.data = s.bytes();
                f.capLen = s.bytes().length;
                f.origLen = f.capLen;
                f.linkType = s.linkType();
            } else {
                final long[] seq = seqs.computeIfAbsent(s.flow(), k -> new long[] {(k.clientIsn() + 1) & 0xFFFFFFFFL,
                    (k.serverIsn() + 1) & 0xFFFFFFFFL});
                f.data = build(s, seq);
                f.capLen = f.data.length;
                f.origLen = f.capLen;
                f.linkType = linkType;
            }
            out.add(f);
        }
        return out;
    }

    private byte[] build(final Step s, final long[] seqs) {
        final Flow fl = s.flow();
        final boolean c = s.fromClient();
        final byte[] src = c ? fl.client() : fl.server();
        final byte[] dst = c ? fl.server() : fl.client();
        final int sport = c ? fl.clientPort() : fl.serverPort();
        final int dport = c ? fl.serverPort() : fl.clientPort();
        final byte[] payload = s.bytes();
        final int transportHeader = fl.tcp() ? 20 : 8;
        final int ipHeader = fl.ipVersion() == 6 ? 40 : 20;
        final int maxPayload = 65_535 - transportHeader - (fl.ipVersion() == 6 ? 0 : ipHeader);
        final int len = Math.min(payload.length, maxPayload);
        final int link = switch (linkType) {
            case LinkType.ETHERNET -> vlan ? 18 : 14;
            case LinkType.LINUX_SLL -> 16;
            case LinkType.NULL -> 4;
            default -> 0;
        };
        final byte[] b = new byte[link + ipHeader + transportHeader + len];
        final int ethType = fl.ipVersion() == 6 ? 0x86dd : 0x0800;
        switch (linkType) {
            case LinkType.ETHERNET -> {
                for (int i = 0; i < 6; i++) {
                    b[i] = (byte) (0x02 + i);
                    b[6 + i] = (byte) (0x12 + i);
                }
                if (vlan) {
                    Mutator.put(b, 12, 2, 0x8100, true);
                    Mutator.put(b, 14, 2, 42, true);
                    Mutator.put(b, 16, 2, ethType, true);
                } else {
                    Mutator.put(b, 12, 2, ethType, true);
                }
            }
            case LinkType.LINUX_SLL -> {
                Mutator.put(b, 2, 2, 1, true);
                Mutator.put(b, 4, 2, 6, true);
                Mutator.put(b, 14, 2, ethType, true);
            }
            case LinkType.NULL -> Mutator.put(b, 0, 4, fl.ipVersion() == 6 ? 24 : 2, false);
            default -> {
            }
        }
        final int ip = link;
        final int proto = fl.tcp() ? 6 : 17;
        if (fl.ipVersion() == 6) {
            b[ip] = 0x60;
            Mutator.put(b, ip + 4, 2, transportHeader + len, true);
            b[ip + 6] = (byte) proto;
            b[ip + 7] = 64;
            System.arraycopy(src, 0, b, ip + 8, 16);
            System.arraycopy(dst, 0, b, ip + 24, 16);
        } else {
            b[ip] = 0x45;
            Mutator.put(b, ip + 2, 2, ipHeader + transportHeader + len, true);
            b[ip + 8] = 64;
            b[ip + 9] = (byte) proto;
            System.arraycopy(src, 0, b, ip + 12, 4);
            System.arraycopy(dst, 0, b, ip + 16, 4);
        }
        final int t = ip + ipHeader;
        Mutator.put(b, t, 2, sport, true);
        Mutator.put(b, t + 2, 2, dport, true);
        if (fl.tcp()) {
            final int d = c ? 0 : 1;
            final int flags = s.tcpFlags() == 0 ? TCP_PSH | TCP_ACK : s.tcpFlags();
            final long seq;
            if ((flags & TCP_SYN) != 0) {
                seq = (d == 0 ? fl.clientIsn() : fl.serverIsn()) & 0xFFFFFFFFL;
            } else {
                seq = (seqs[d] + s.seqDelta()) & 0xFFFFFFFFL;
                if (s.seqDelta() >= 0) {
                    seqs[d] = (seq + len + ((flags & TCP_FIN) != 0 ? 1 : 0)) & 0xFFFFFFFFL;
                }
            }
            Mutator.put(b, t + 4, 4, seq, true);
            Mutator.put(b, t + 8, 4, (flags & TCP_ACK) != 0 ? seqs[1 - d] : 0, true);
            b[t + 12] = 0x50;
            b[t + 13] = (byte) flags;
            Mutator.put(b, t + 14, 2, 65_535, true);
        } else {
            Mutator.put(b, t + 4, 2, 8 + len, true);
        }
        System.arraycopy(payload, 0, b, t + transportHeader, len);
        return b;
    }

    /** A one-line description for reports. */
    String describe() {
        return "target " + target + ", case seed " + seed + ", " + steps.size() + " frames (" + mutatedSteps()
            + " mutated), link type " + linkType + (vlan ? "+vlan" : "") + ", config " + config
            + (rules.isEmpty() ? "" : ", decode-as " + rules);
    }
}
