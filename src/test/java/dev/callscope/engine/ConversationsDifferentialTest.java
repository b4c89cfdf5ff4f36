package dev.callscope.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.callscope.core.Endpoint;
import dev.callscope.core.PacketSource;
import dev.callscope.tap.ConversationRecord;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.flow.CaptureStats;
import dev.callscope.flow.ConversationTable;
import dev.callscope.pcap.CaptureFiles;
import dev.callscope.testutil.SharedCaptures;
import dev.callscope.testutil.Tshark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every shared capture: our packet count equals capinfos (truth file) and our UDP and TCP
 * conversations equal {@code tshark -q -z conv,udp -z conv,tcp}: the same 5-tuples with the same
 * frames and bytes each way. tshark sometimes splits one 5-tuple into two rows (RTP conversations
 * that SDP set up per direction), so both sides are summed per unordered 5-tuple before comparing.
 * tshark prints bytes as "N bytes" below 10 kB and "N kB" / "N MB" above (integer division), so
 * bytes are compared exactly where tshark prints them exactly and within the unit otherwise.
 */
class ConversationsDifferentialTest {
    private static final Pattern ROW = Pattern.compile(
        "^(\\S+)\\s+<->\\s+(\\S+)\\s+(\\d+)\\s+(\\d+ (?:bytes|kB|MB|GB))\\s+(\\d+)\\s+(\\d+ (?:bytes|kB|MB|GB))\\s+.*$");
    private static final Pattern PACKETS = Pattern.compile("Number of packets:\\s+(\\d+)");

    static Stream<String> captures() throws IOException {
        final Path dir = SharedCaptures.dir();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                .map(p -> dir.relativize(p).toString())
                .filter(n -> !n.startsWith("truth") && !n.endsWith(".md") && !n.endsWith(".tsv"))
                .sorted().toList().stream();
        }
    }

    /** Per unordered 5-tuple: frames and bytes from the lower endpoint to the higher, and back. */
    private record Totals(long framesLoHi, long framesHiLo, String bytesLoHi, String bytesHiLo) {
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void packetCountsAndConversationsEqualTshark(final String name) throws Exception {
        final Path file = SharedCaptures.file(name);
        final CaptureStats stats = new CaptureStats(0);
        final ConversationTable table = new ConversationTable(ConversationTable.Sort.START, 0);
        final Engine engine = new Engine(DissectorRegistry.of(List.of()), EngineOptions.defaults(), List.of(stats, table));
        try (PacketSource src = CaptureFiles.open(file.toString())) {
            engine.run(src);
        }
        final Path truth = SharedCaptures.file("truth/" + file.getFileName() + ".txt");
        final Matcher m = PACKETS.matcher(Files.readString(truth));
        assertThat(m.find()).isTrue();
        assertThat(stats.packets()).as("packets (capinfos)").isEqualTo(Long.parseLong(m.group(1)));

        assumeTrue(Tshark.sameAsTruth(), "tshark " + Tshark.TRUTH_VERSION + "x is not installed");
        final String extra = name.contains("sip_ipv4_tcp_fragmented") ? "tcp.port==6060,sip" : null;
        final String out = extra == null
            ? Tshark.run(file, "-q", "-z", "conv,udp", "-z", "conv,tcp")
            : Tshark.run(file, "-d", extra, "-q", "-z", "conv,udp", "-z", "conv,tcp");
        final Map<String, long[]> theirs = new TreeMap<>();
        final Map<String, long[]> theirBytes = new TreeMap<>();
        String transport = null;
        for (final String line : out.split("\n")) {
            if (line.startsWith("UDP Conversations")) {
                transport = "udp";
            } else if (line.startsWith("TCP Conversations")) {
                transport = "tcp";
            }
            final Matcher r = ROW.matcher(line);
            if (!r.matches() || transport == null) {
                continue;
            }
            // "<-" is B to A, "->" is A to B
            final String a = r.group(1);
            final String b = r.group(2);
            final boolean aLow = compare(a, b) <= 0;
            final String key = transport + " " + (aLow ? a + " " + b : b + " " + a);
            final long fAB = Long.parseLong(r.group(5));
            final long fBA = Long.parseLong(r.group(3));
            final long[] t = theirs.computeIfAbsent(key, k -> new long[2]);
            t[aLow ? 0 : 1] += fAB;
            t[aLow ? 1 : 0] += fBA;
            // bytes as [low, high] bounds per direction (a row in kB or MB hides up to 999 units)
            final long[] bt = theirBytes.computeIfAbsent(key, k -> new long[4]);
            addBounds(bt, aLow ? 0 : 2, r.group(6));
            addBounds(bt, aLow ? 2 : 0, r.group(4));
        }
        final Map<String, long[]> ours = new TreeMap<>();
        for (final ConversationRecord c : table.rows()) {
            if (c.key().protocol() != 6 && c.key().protocol() != 17) {
                continue; // tshark's conv,udp and conv,tcp tables only
            }
            final String ka = tshark(c.key().endpointA());
            final String kb = tshark(c.key().endpointB());
            final boolean aLow = compare(ka, kb) <= 0;
            final String key = c.key().transportName() + " " + (aLow ? ka + " " + kb : kb + " " + ka);
            // key's A->B counts
            final long pAB = c.aIsKeyA() ? c.packetsAtoB() : c.packetsBtoA();
            final long pBA = c.aIsKeyA() ? c.packetsBtoA() : c.packetsAtoB();
            final long bAB = c.aIsKeyA() ? c.bytesAtoB() : c.bytesBtoA();
            final long bBA = c.aIsKeyA() ? c.bytesBtoA() : c.bytesAtoB();
            final long[] t = ours.computeIfAbsent(key, k -> new long[4]);
            t[aLow ? 0 : 1] += pAB;
            t[aLow ? 1 : 0] += pBA;
            t[aLow ? 2 : 3] += bAB;
            t[aLow ? 3 : 2] += bBA;
        }
        assertThat(ours.keySet()).as("conversations").containsExactlyInAnyOrderElementsOf(theirs.keySet());
        for (final Map.Entry<String, long[]> e : ours.entrySet()) {
            final long[] t = theirs.get(e.getKey());
            final long[] o = e.getValue();
            assertThat(new long[] {o[0], o[1]}).as("frames each way of %s", e.getKey()).containsExactly(t[0], t[1]);
            final long[] b = theirBytes.get(e.getKey());
            assertThat(o[2]).as("bytes lower to higher endpoint of %s", e.getKey()).isBetween(b[0], b[1]);
            assertThat(o[3]).as("bytes higher to lower endpoint of %s", e.getKey()).isBetween(b[2], b[3]);
        }
    }

    /** tshark's endpoint text: the address (IPv6 without brackets), a colon, the port. */
    private static String tshark(final Endpoint e) {
        return e.host() + ":" + e.port();
    }

    private static int compare(final String a, final String b) {
        return a.compareTo(b);
    }

    /** Adds the range of byte counts that tshark's text ("4288 bytes", "12 kB") stands for. */
    private static void addBounds(final long[] bounds, final int at, final String text) {
        final String[] p = text.split(" ");
        final long v = Long.parseLong(p[0]);
        final long unit = switch (p[1]) {
            case "kB" -> 1000L;
            case "MB" -> 1_000_000L;
            case "GB" -> 1_000_000_000L;
            default -> 1L;
        };
        bounds[at] += v * unit;
        bounds[at + 1] += v * unit + unit - 1;
    }

}
