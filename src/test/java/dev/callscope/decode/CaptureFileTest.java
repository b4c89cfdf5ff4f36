package dev.callscope.decode;

import dev.callscope.core.Limits;
import dev.callscope.core.RawFrame;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Decodes the real shared captures ({@link dev.callscope.testutil.SharedCaptures}; skipped when absent) and compares the frame
 * counts of every link/network/transport/tunnel node of tshark's io,phs tree (the reference outputs in
 * truth/) with the layer paths the decoder produces.
 */
class CaptureFileTest {
    private static final Path DIR = dev.callscope.testutil.SharedCaptures.find().orElse(Path.of("../shared/captures"));
    private static final Set<String> OURS = Set.of("eth", "vlan", "sll", "null", "raw", "ip", "ipv6", "udp", "tcp",
        "gre", "gtp", "ppp", "erspan", "vxlan", "arp", "icmp", "icmpv6", "sctp", "igmp", "ah", "esp", "data");
    private static final Set<String> DATA_PARENTS = Set.of("ip", "ipv6", "eth", "vlan", "sll", "null");
    private static final Set<String> NO_CHILDREN = Set.of("icmp", "icmpv6", "sctp", "data", "arp", "esp");

    @Test
    void layerCountsMatchTsharkProtocolHierarchy() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(DIR.resolve("truth")), "captures not present");
        final List<Path> files;
        try (Stream<Path> s = Files.walk(DIR)) {
            files = s.filter(p -> p.getFileName().toString().matches(".*\\.(pcap|pcapng|cap)$"))
                .sorted().collect(Collectors.toList());
        }
        final List<String> mismatches = new ArrayList<>();
        int checked = 0;
        long frames = 0;
        for (final Path file : files) {
            final Path truth = DIR.resolve("truth").resolve(file.getFileName() + ".txt");
            if (!Files.exists(truth)) {
                continue;
            }
            final PacketDecoder decoder = new PacketDecoder(new Limits());
            final PacketInfo info = new PacketInfo();
            final Map<String, Long> ours = new TreeMap<>();
            final long[] n = {0};
            readFrames(Files.readAllBytes(file), f -> {
                decoder.decode(f, ++n[0], info);
                String path = "";
                String parent = "";
                for (int i = 0; i < info.layerCount; i++) {
                    final String l = info.layers[i];
                    if (!keep(l, parent)) {
                        break;
                    }
                    path = path.isEmpty() ? l : path + ":" + l;
                    ours.merge(path, 1L, Long::sum);
                    if (NO_CHILDREN.contains(l)) {
                        break;
                    }
                    parent = l;
                }
            });
            frames += n[0];
            final Map<String, Long> theirs = phs(Files.readAllLines(truth));
            if (!ours.equals(theirs)) {
                mismatches.add(file.getFileName() + "\n  tshark: " + theirs + "\n  ours:   " + ours + "\n  stats: "
                    + decoder.stats());
            }
            checked++;
        }
        assertThat(checked).isGreaterThan(50);
        assertThat(frames).isGreaterThan(10_000);
        assertThat(mismatches).as(String.join("\n", mismatches)).isEmpty();
    }

    private static boolean keep(final String layer, final String parent) {
        if (!OURS.contains(layer)) {
            return false;
        }
        return !layer.equals("data") || DATA_PARENTS.contains(parent);
    }

    /** Parses the default io,phs section into path -> frames, keeping only the nodes the decoder names. */
    private static Map<String, Long> phs(final List<String> lines) {
        final Map<String, Long> out = new TreeMap<>();
        final String[] stack = new String[64];
        final boolean[] kept = new boolean[64];
        boolean in = false;
        boolean underComment = false;
        for (final String raw : lines) {
            String line = raw;
            if (line.startsWith("=== io,phs (default)")) {
                in = true;
                continue;
            }
            if (!in) {
                continue;
            }
            if (line.startsWith("=====")) {
                break;
            }
            if (line.indexOf("frames:") < 0) {
                continue;
            }
            // tshark puts frames carrying a pcapng comment under a top-level "pkt_comment" node: hoist its children
            if (line.startsWith("pkt_comment ")) {
                underComment = true;
                continue;
            }
            if (line.charAt(0) != ' ') {
                underComment = false;
            } else if (underComment) {
                line = line.substring(2);
            }
            final int frameAt = line.indexOf("frames:");
            int indent = 0;
            while (line.charAt(indent) == ' ') {
                indent++;
            }
            final int depth = indent / 2;
            final String name = line.substring(indent, line.indexOf(' ', indent));
            final long count = Long.parseLong(line.substring(frameAt + 7, line.indexOf(' ', frameAt)));
            stack[depth] = name;
            final String parent = depth == 0 ? "" : stack[depth - 1];
            final boolean parentKept = depth == 0 || (kept[depth - 1] && !NO_CHILDREN.contains(parent));
            kept[depth] = parentKept && keep(name, parent);
            if (kept[depth]) {
                out.merge(String.join(":", java.util.Arrays.copyOf(stack, depth + 1)), count, Long::sum);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- minimal test-only pcap/pcapng reader

    static void readFrames(final byte[] file, final Consumer<RawFrame> sink) {
        final ByteBuffer b = ByteBuffer.wrap(file);
        final int magic = b.getInt(0);
        final RawFrame f = new RawFrame();
        if (magic == 0x0A0D0D0A) {
            readPcapng(b, f, sink);
            return;
        }
        b.order(ByteOrder.BIG_ENDIAN);
        boolean nanos;
        if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) {
            nanos = magic == 0xa1b23c4d;
        } else {
            b.order(ByteOrder.LITTLE_ENDIAN);
            nanos = b.getInt(0) == 0xa1b23c4d;
        }
        final int linkType = b.getInt(20) & 0x0FFFFFFF;
        int pos = 24;
        while (pos + 16 <= file.length) {
            final long sec = b.getInt(pos) & 0xFFFFFFFFL;
            final long frac = b.getInt(pos + 4) & 0xFFFFFFFFL;
            final int cap = b.getInt(pos + 8);
            final int orig = b.getInt(pos + 12);
            if (cap < 0 || pos + 16 + cap > file.length) {
                break;
            }
            emit(f, linkType, sec * 1_000_000_000L + (nanos ? frac : frac * 1000), file, pos + 16, cap, orig, sink);
            pos += 16 + cap;
        }
    }

    private static void readPcapng(final ByteBuffer b, final RawFrame f, final Consumer<RawFrame> sink) {
        final List<int[]> interfaces = new ArrayList<>(); // link type, ts divisor exponent (units per second)
        final List<Long> units = new ArrayList<>();
        int pos = 0;
        final byte[] file = b.array();
        while (pos + 12 <= file.length) {
            if (file[pos] == 0x0A && file[pos + 1] == 0x0D && file[pos + 2] == 0x0D && file[pos + 3] == 0x0A) {
                b.order(ByteOrder.BIG_ENDIAN);
                b.order(b.getInt(pos + 8) == 0x1A2B3C4D ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
                interfaces.clear();
                units.clear();
            }
            final int type = b.getInt(pos);
            final int len = b.getInt(pos + 4);
            if (len < 12 || pos + len > file.length) {
                break;
            }
            if (type == 1) {
                interfaces.add(new int[] {b.getShort(pos + 8) & 0xFFFF});
                long perSecond = 1_000_000L;
                for (int o = pos + 16; o + 4 <= pos + len - 4; ) {
                    final int code = b.getShort(o) & 0xFFFF;
                    final int olen = b.getShort(o + 2) & 0xFFFF;
                    if (code == 0) {
                        break;
                    }
                    if (code == 9 && olen == 1) {
                        final int v = file[o + 4] & 0xFF;
                        perSecond = (v & 0x80) != 0 ? 1L << (v & 0x7F) : (long) Math.pow(10, v);
                    }
                    o += 4 + ((olen + 3) & ~3);
                }
                units.add(perSecond);
            } else if (type == 6) {
                final int ifc = b.getInt(pos + 8);
                final long ts = ((b.getInt(pos + 12) & 0xFFFFFFFFL) << 32) | (b.getInt(pos + 16) & 0xFFFFFFFFL);
                final int cap = b.getInt(pos + 20);
                final int orig = b.getInt(pos + 24);
                if (ifc >= 0 && ifc < interfaces.size() && cap >= 0 && 28 + cap <= len) {
                    final long per = units.get(ifc);
                    final long nanos = (ts / per) * 1_000_000_000L + (ts % per) * 1_000_000_000L / per;
                    emit(f, interfaces.get(ifc)[0], nanos, file, pos + 28, cap, orig, sink);
                }
            } else if (type == 3 && !interfaces.isEmpty()) {
                final int orig = b.getInt(pos + 8);
                final int cap = Math.min(orig, len - 16);
                emit(f, interfaces.get(0)[0], 0, file, pos + 12, cap, orig, sink);
            }
            pos += len;
        }
    }

    private static void emit(final RawFrame f, final int linkType, final long ts, final byte[] file, final int off,
                             final int cap, final int orig, final Consumer<RawFrame> sink) {
        f.ensureCapacity(cap);
        System.arraycopy(file, off, f.data, 0, cap);
        f.linkType = linkType;
        f.tsNanos = ts;
        f.capLen = cap;
        f.origLen = orig;
        sink.accept(f);
    }
}
