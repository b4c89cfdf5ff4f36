package dev.callscope.hep;

import dev.callscope.core.LinkType;
import dev.callscope.core.Limits;
import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.decode.PacketDecoder;
import dev.callscope.decode.PacketInfo;
import dev.callscope.pcap.CaptureFiles;
import dev.callscope.pcap.PcapngWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Test captures of HEP made from the project's samples: every UDP or TCP segment with data on the
 * SIP port is wrapped in HEP (v3 by {@link HepEncoder}, or v2 as Kamailio writes it) as an agent
 * would send it, into a raw-IP pcapng where the collector got it 1 ms later.
 */
final class HepCaptures {
    static final byte[] AGENT = {10, 0, 0, 8};
    static final byte[] COLLECTOR = {10, 0, 0, 9};

    /** One packet with data on port 5060 as the pipeline decoded it. */
    record Sip(long tsNanos, int ipProtocol, byte[] src, byte[] dst, int srcPort, int dstPort, byte[] payload) {
    }

    private HepCaptures() {
    }

    static List<Sip> sipPackets(final Path capture) throws IOException {
        final List<Sip> out = new ArrayList<>();
        final PacketDecoder d = new PacketDecoder(new Limits());
        final PacketInfo info = new PacketInfo();
        try (PacketSource s = CaptureFiles.openAll(List.of(capture.toString()))) {
            final RawFrame f = new RawFrame();
            long n = 0;
            while (s.next(f)) {
                final PacketDecoder.Result r = d.decode(f, ++n, info);
                if ((r != PacketDecoder.Result.UDP && r != PacketDecoder.Result.TCP) || info.payloadLength == 0) {
                    continue;
                }
                final PacketInfo.Transport t = info.transports[info.transportCount - 1];
                if (t.srcPort != 5060 && t.dstPort != 5060) {
                    continue;
                }
                final int alen = t.ipVersion == 6 ? 16 : 4;
                out.add(new Sip(f.tsNanos, r == PacketDecoder.Result.TCP ? 6 : 17, Arrays.copyOf(t.src, alen),
                    Arrays.copyOf(t.dst, alen), t.srcPort, t.dstPort,
                    Arrays.copyOfRange(info.payload, info.payloadOffset, info.payloadOffset + info.payloadLength)));
            }
        }
        return out;
    }

    static byte[] hep3(final Sip p, final long captureId, final String correlation) {
        final HepEncoder e = new HepEncoder(captureId, null);
        final int n = e.encode(p.src().length == 16 ? 6 : 4, p.ipProtocol(), p.src(), p.dst(), p.srcPort(), p.dstPort(),
            p.tsNanos(), 1, p.payload(), 0, p.payload().length,
            correlation == null ? null : correlation.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return Arrays.copyOf(e.buffer(), n);
    }

    /** HEPv2 as Kamailio's siptrace writes it: time and capture id in the agent's (little-endian) order. */
    static byte[] hep2(final Sip p, final int captureId) {
        final int a = p.src().length;
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(2);
        b.write(8 + 2 * a);
        b.write(a == 16 ? 10 : 2);
        b.write(p.ipProtocol());
        b.write(p.srcPort() >>> 8);
        b.write(p.srcPort());
        b.write(p.dstPort() >>> 8);
        b.write(p.dstPort());
        b.writeBytes(p.src());
        b.writeBytes(p.dst());
        final long sec = p.tsNanos() / 1_000_000_000L;
        final long usec = p.tsNanos() % 1_000_000_000L / 1000;
        le32(b, sec);
        le32(b, usec);
        b.write(captureId);
        b.write(captureId >>> 8);
        b.write(0);
        b.write(0);
        b.writeBytes(p.payload());
        return b.toByteArray();
    }

    private static void le32(final ByteArrayOutputStream b, final long v) {
        b.write((int) v);
        b.write((int) (v >>> 8));
        b.write((int) (v >>> 16));
        b.write((int) (v >>> 24));
    }

    /** An IPv4/UDP datagram from the agent to the collector's {@code port} carrying {@code payload}. */
    static byte[] udpToCollector(final int port, final byte[] payload) {
        final int total = 28 + payload.length;
        final byte[] f = new byte[total];
        f[0] = 0x45;
        f[2] = (byte) (total >>> 8);
        f[3] = (byte) total;
        f[8] = 64;
        f[9] = 17;
        System.arraycopy(AGENT, 0, f, 12, 4);
        System.arraycopy(COLLECTOR, 0, f, 16, 4);
        f[20] = (byte) (40_000 >>> 8);
        f[21] = (byte) 40_000;
        f[22] = (byte) (port >>> 8);
        f[23] = (byte) port;
        f[24] = (byte) ((8 + payload.length) >>> 8);
        f[25] = (byte) (8 + payload.length);
        System.arraycopy(payload, 0, f, 28, payload.length);
        return f;
    }

    /** Writes a raw-IP pcapng of the given datagrams, each at its time. */
    static Path write(final Path file, final List<byte[]> datagrams, final List<Long> times) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); PcapngWriter w = new PcapngWriter(os, "test")) {
            w.addInterface(LinkType.RAW, 65_535, "hep");
            final RawFrame f = new RawFrame();
            for (int i = 0; i < datagrams.size(); i++) {
                final byte[] d = datagrams.get(i);
                f.ensureCapacity(d.length);
                System.arraycopy(d, 0, f.data, 0, d.length);
                f.capLen = d.length;
                f.origLen = d.length;
                f.linkType = LinkType.RAW;
                f.tsNanos = times.get(i);
                f.interfaceId = 0;
                w.write(f);
            }
        }
        return file;
    }
}
