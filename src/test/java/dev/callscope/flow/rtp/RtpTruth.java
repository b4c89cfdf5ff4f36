package dev.callscope.flow.rtp;

import dev.callscope.core.PacketSource;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.tap.Tap;
import dev.callscope.dissect.rtp.RtpDissector;
import dev.callscope.engine.Engine;
import dev.callscope.engine.EngineOptions;
import dev.callscope.pcap.CaptureFiles;
import dev.callscope.testutil.SharedCaptures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the tshark truth files and runs captures through the engine for the RTP tests. */
final class RtpTruth {
    /** One row of tshark 4.0's {@code -z rtp,streams}. */
    record Row(String src, int srcPort, String dst, int dstPort, String ssrc, String payload, long packets, long lost,
               double maxDelta, String maxDeltaText, double meanJitter, double maxJitter, boolean problem) {
        String key() {
            return src + ":" + srcPort + " -> " + dst + ":" + dstPort + " " + ssrc;
        }
    }

    private RtpTruth() {
    }

    static String truth(final Path capture) throws IOException {
        return Files.readString(SharedCaptures.file("truth/" + capture.getFileName() + ".txt"));
    }

    static String section(final String text, final String title) {
        final int i = text.indexOf("=== " + title);
        if (i < 0) {
            return "";
        }
        final int start = text.indexOf('\n', i) + 1;
        final int end = text.indexOf("\n=== ", start);
        return text.substring(start, end < 0 ? text.length() : end);
    }

    /** Whether tshark saw SIP in the capture (then its default section is the reference). */
    static boolean hasSip(final String truth) {
        for (final String line : section(truth, "counts").split("\n")) {
            if (line.startsWith("sip ")) {
                return !line.contains("default=0 ");
            }
        }
        return false;
    }

    static List<Row> streams(final String truth, final boolean heuristic) {
        final List<Row> rows = new ArrayList<>();
        for (final String line : section(truth, "rtp,streams (" + (heuristic ? "heur" : "default") + ")").split("\n")) {
            final String t = line.trim();
            if (t.isEmpty() || t.startsWith("=") || t.startsWith("Start time")) {
                continue;
            }
            final List<String> f = new ArrayList<>(Arrays.asList(t.split("\\s+")));
            final boolean problem = f.get(f.size() - 1).equals("X");
            if (problem) {
                f.remove(f.size() - 1);
            }
            final int n = f.size();
            final String payload = String.join(" ", f.subList(7, n - 9));
            rows.add(new Row(f.get(2), Integer.parseInt(f.get(3)), f.get(4), Integer.parseInt(f.get(5)), f.get(6), payload,
                Long.parseLong(f.get(n - 9)), Long.parseLong(f.get(n - 8)), Double.parseDouble(f.get(n - 4)), f.get(n - 4),
                Double.parseDouble(f.get(n - 2)), Double.parseDouble(f.get(n - 1)), problem));
        }
        return rows;
    }

    static void run(final Path file, final boolean heuristic, final Tap... taps) throws IOException {
        final DissectorRegistry reg = DissectorRegistry.builtIn(Set.of(),
            heuristic ? Map.of(RtpDissector.PREF_HEURISTIC, "true", RtpDissector.PREF_KEEP_PAYLOAD, "true")
                : Map.of(RtpDissector.PREF_KEEP_PAYLOAD, "true"));
        final Engine e = new Engine(reg, EngineOptions.defaults(), List.of(taps));
        try (PacketSource src = CaptureFiles.open(file.toString())) {
            e.run(src);
        }
    }
}
