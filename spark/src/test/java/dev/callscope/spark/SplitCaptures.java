package dev.callscope.spark;

import dev.callscope.bench.SyntheticCalls;
import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.pcap.CaptureFiles;
import dev.callscope.pcap.PcapWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Test captures: many synthetic calls with loss and jitter, and the same capture cut into time-ordered files. */
final class SplitCaptures {
    private static final int LINKTYPE_ETHERNET = 1;
    private static final int RTP_AT = 42; // Ethernet, IPv4, UDP

    private SplitCaptures() {
    }

    /**
     * {@code calls} synthetic calls (SIP and two G.711 streams each), with 1 % of the RTP packets
     * lost and each RTP timestamp moved by up to ±5 ms, so the streams have loss and jitter to join.
     */
    static Path whole(final Path dir, final int calls, final double intervalMs, final int rtpMs) throws IOException {
        final Path clean = dir.resolve("clean.pcap");
        SyntheticCalls.write(clean, new SyntheticCalls.Config(calls, intervalMs, rtpMs, 7));
        final Path out = dir.resolve("whole.pcap");
        final SplittableRandom random = new SplittableRandom(11);
        try (PacketSource in = CaptureFiles.open(clean.toString());
             OutputStream os = new BufferedOutputStream(Files.newOutputStream(out));
             PcapWriter w = new PcapWriter(os, LINKTYPE_ETHERNET, 65_535, false, java.nio.ByteOrder.LITTLE_ENDIAN)) {
            final RawFrame f = new RawFrame();
            while (in.next(f)) {
                if (isRtp(f)) {
                    if (random.nextInt(100) == 0) {
                        continue;
                    }
                    final int at = RTP_AT + 4;
                    long ts = ((f.data[at] & 0xFFL) << 24) | ((f.data[at + 1] & 0xFF) << 16) | ((f.data[at + 2] & 0xFF) << 8)
                        | (f.data[at + 3] & 0xFF);
                    ts = (ts + random.nextInt(81) - 40) & 0xFFFF_FFFFL;
                    f.data[at] = (byte) (ts >>> 24);
                    f.data[at + 1] = (byte) (ts >>> 16);
                    f.data[at + 2] = (byte) (ts >>> 8);
                    f.data[at + 3] = (byte) ts;
                    f.data[40] = 0; // UDP checksum: none
                    f.data[41] = 0;
                }
                w.write(f);
            }
        }
        Files.delete(clean);
        return out;
    }

    private static boolean isRtp(final RawFrame f) {
        return f.capLen > RTP_AT + 12 && f.data[23] == 17 && (f.data[RTP_AT] & 0xC0) == 0x80
            && f.capLen == RTP_AT + 12 + SyntheticCalls.SAMPLES_PER_PACKET;
    }

    /** Cuts a capture in two: frames 1 to {@code lastOfFirst} in one file, the rest in the other. */
    static List<Path> cut(final Path whole, final Path dir, final long lastOfFirst) throws IOException {
        final List<Path> files = List.of(dir.resolve("cut-1.pcap"), dir.resolve("cut-2.pcap"));
        final PcapWriter[] w = new PcapWriter[2];
        try (PacketSource in = CaptureFiles.open(whole.toString())) {
            final RawFrame f = new RawFrame();
            long n = 0;
            while (in.next(f)) {
                final int i = ++n <= lastOfFirst ? 0 : 1;
                if (w[i] == null) {
                    w[i] = new PcapWriter(new BufferedOutputStream(Files.newOutputStream(files.get(i))), f.linkType, 262_144, true,
                        java.nio.ByteOrder.LITTLE_ENDIAN);
                }
                w[i].write(f);
            }
        } finally {
            for (final PcapWriter x : w) {
                if (x != null) {
                    x.close();
                }
            }
        }
        return files;
    }

    /** Cuts a capture into {@code n} files of equal time spans, in order. */
    static List<Path> split(final Path whole, final Path dir, final int n) throws IOException {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        try (PacketSource in = CaptureFiles.open(whole.toString())) {
            final RawFrame f = new RawFrame();
            while (in.next(f)) {
                first = Math.min(first, f.tsNanos);
                last = Math.max(last, f.tsNanos);
            }
        }
        final long span = (last - first) / n + 1;
        final List<Path> files = new ArrayList<>();
        final List<PcapWriter> writers = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                final Path p = dir.resolve(String.format("part-%02d.pcap", i));
                files.add(p);
                writers.add(new PcapWriter(new BufferedOutputStream(Files.newOutputStream(p)), LINKTYPE_ETHERNET, 65_535, false, java.nio.ByteOrder.LITTLE_ENDIAN));
            }
            try (PacketSource in = CaptureFiles.open(whole.toString())) {
                final RawFrame f = new RawFrame();
                while (in.next(f)) {
                    writers.get((int) ((f.tsNanos - first) / span)).write(f);
                }
            }
        } finally {
            for (final PcapWriter w : writers) {
                w.close();
            }
        }
        return files;
    }
}
