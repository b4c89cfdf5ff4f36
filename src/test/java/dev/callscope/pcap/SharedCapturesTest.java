package dev.callscope.pcap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.core.LinkType;
import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.testutil.SharedCaptures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Reads every real capture in the shared directory and compares with MANIFEST.tsv (packet count,
 * format) and the capinfos section of truth/&lt;name&gt;.txt (count, first and last packet time,
 * encapsulation). capinfos' "first"/"last" are the earliest and latest timestamps, printed in UTC
 * to the file's precision (microseconds, or nanoseconds for nanosecond files).
 */
class SharedCapturesTest {
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    /**
     * Where capinfos 4.0 is wrong. heplify__sip_ipv6_udp.pcap has six packets with increasing times
     * from 2012 to 2092 (seconds above 2^31); capinfos prints the 2092 time as both first and last
     * with a duration of 0, while {@code tshark -T fields -e frame.time_epoch} lists 1328589362.251758
     * first. The value here is tshark's.
     */
    private static final Map<String, String> FIRST_TIME_PER_TSHARK =
            Map.of("sip/heplify__sip_ipv6_udp.pcap", "2012-02-07 04:36:02.251758");

    /** MANIFEST.tsv columns: file, ..., packets (7th), ..., notes (10th, starting "format: pcap;"). */
    private record Manifest(long packets, String format) {
    }

    private static Map<String, Manifest> manifest(final Path dir) throws IOException {
        final Map<String, Manifest> m = new HashMap<>();
        final List<String> lines = Files.readAllLines(dir.resolve("MANIFEST.tsv"), StandardCharsets.UTF_8);
        for (final String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            final String[] cols = line.split("\t", -1);
            final String notes = cols[9];
            final String format = notes.startsWith("format: ") ? notes.substring(8, notes.indexOf(';')) : "";
            m.put(cols[0], new Manifest(Long.parseLong(cols[6]), format));
        }
        return m;
    }

    private static List<Path> captures(final Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> !dir.relativize(p).startsWith("truth"))
                    .filter(p -> !p.getFileName().toString().equals("MANIFEST.tsv"))
                    .filter(p -> !p.getFileName().toString().endsWith(".md"))
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    @Test
    void everyManifestEntryIsOnDisk() throws IOException {
        final Path dir = SharedCaptures.dir();
        final Map<String, Manifest> m = manifest(dir);
        assertThat(captures(dir).stream().map(p -> dir.relativize(p).toString().replace('\\', '/')))
                .containsExactlyInAnyOrderElementsOf(m.keySet());
    }

    @TestFactory
    Stream<DynamicTest> everyCaptureMatchesManifestAndCapinfos() throws IOException {
        final Path dir = SharedCaptures.dir();
        final Map<String, Manifest> manifest = manifest(dir);
        return captures(dir).stream().map(file -> DynamicTest.dynamicTest(dir.relativize(file).toString(), () -> {
            final String rel = dir.relativize(file).toString().replace('\\', '/');
            long count = 0;
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            final String format;
            final List<CaptureInterface> interfaces;
            try (PacketSource s = CaptureFiles.open(file.toString())) {
                final RawFrame f = new RawFrame();
                while (s.next(f)) {
                    count++;
                    min = Math.min(min, f.tsNanos);
                    max = Math.max(max, f.tsNanos);
                    assertThat(f.capLen).isBetween(0, f.data.length);
                }
                format = s.format();
                interfaces = ((CaptureInfo) s).interfaces();
            }
            final Manifest m = manifest.get(rel);
            assertThat(m).as("MANIFEST entry for %s", rel).isNotNull();
            assertThat(count).as("packets in %s", rel).isEqualTo(m.packets());
            assertThat(format).as("format of %s", rel).isEqualTo(m.format());

            final Path truth = dir.resolve("truth").resolve(file.getFileName() + ".txt");
            if (!Files.isRegularFile(truth)) {
                return;
            }
            final Map<String, String> capinfos = capinfos(truth);
            assertThat(count).as("capinfos packets of %s", rel).isEqualTo(Long.parseLong(capinfos.get("Number of packets")));
            final String first = FIRST_TIME_PER_TSHARK.getOrDefault(rel, capinfos.get("First packet time"));
            assertThat(utc(min, first)).as("first packet time of %s", rel).isEqualTo(first);
            assertThat(utc(max, capinfos.get("Last packet time"))).as("last packet time of %s", rel)
                    .isEqualTo(capinfos.get("Last packet time"));
            final String encapsulation = capinfos.get("File encapsulation");
            if (!encapsulation.startsWith("Per packet")) {
                assertThat(interfaces).extracting(i -> LinkType.name(i.linkType())).as("link types of %s", rel)
                        .containsOnly(encapsulation);
            }
        }));
    }

    /** The "key: value" lines of the "=== capinfos ===" section. */
    private static Map<String, String> capinfos(final Path truth) throws IOException {
        final Map<String, String> map = new HashMap<>();
        boolean in = false;
        for (final String line : Files.readAllLines(truth, StandardCharsets.UTF_8)) {
            if (line.startsWith("===")) {
                in = line.contains("capinfos");
                continue;
            }
            final int colon = line.indexOf(':');
            if (in && colon > 0) {
                map.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        return map;
    }

    /** Formats like capinfos, with as many fraction digits (6 or 9) as {@code like} has. */
    private static String utc(final long nanos, final String like) {
        final int digits = like.length() - like.lastIndexOf('.') - 1;
        final long frac = Math.floorMod(nanos, 1_000_000_000L);
        final String seconds = UTC.format(Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L)));
        return digits == 9 ? seconds + String.format(".%09d", frac) : seconds + String.format(".%06d", frac / 1000);
    }
}
