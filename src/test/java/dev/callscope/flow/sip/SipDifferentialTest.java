package dev.callscope.flow.sip;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.core.PacketSource;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.dissect.sip.SipMessage;
import dev.callscope.engine.Engine;
import dev.callscope.engine.EngineOptions;
import dev.callscope.pcap.CaptureFiles;
import dev.callscope.testutil.SharedCaptures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every capture under sip/ and mixed/: each SIP message tshark lists (truth files: frame, method or
 * status, CSeq, Call-ID) is found with the same values, tshark's sip,stat counts (messages, resent,
 * requests by method, responses by code) equal ours, and the calls are the Call-IDs.
 */
class SipDifferentialTest {

    static Stream<String> captures() throws IOException {
        final List<String> out = new ArrayList<>();
        for (final String dir : List.of("sip", "mixed")) {
            try (Stream<Path> s = Files.list(SharedCaptures.dir().resolve(dir))) {
                s.map(p -> dir + "/" + p.getFileName()).sorted().forEach(out::add);
            }
        }
        return out.stream();
    }

    static SipCallTracker analyse(final Path file) throws IOException {
        final SipCallTracker t = new SipCallTracker(1_000_000);
        final Engine e = new Engine(DissectorRegistry.builtIn(Set.of()), EngineOptions.defaults(), List.of(t));
        try (PacketSource src = CaptureFiles.open(file.toString())) {
            e.run(src);
        }
        return t;
    }

    private static String section(final String text, final String title) {
        final int i = text.indexOf("=== " + title);
        if (i < 0) {
            return "";
        }
        final int start = text.indexOf('\n', i) + 1;
        final int end = text.indexOf("\n=== ", start);
        return text.substring(start, end < 0 ? text.length() : end);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void sipMessagesStatsAndCallsEqualTshark(final String name) throws IOException {
        final Path file = SharedCaptures.file(name);
        final String truth = Files.readString(SharedCaptures.file("truth/" + file.getFileName() + ".txt"));
        final SipCallTracker t = analyse(file);

        // messages: "frame proto method status cseq cseqmethod callid" (fields may be empty or comma lists)
        final Map<Long, List<SipMessage>> ours = new TreeMap<>();
        for (final SipEntry e : t.messages()) {
            ours.computeIfAbsent(e.message().frame(), k -> new ArrayList<>()).add(e.message());
        }
        final Set<String> theirCalls = new LinkedHashSet<>();
        int listed = 0;
        for (final String line : section(truth, "SIP messages").split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            // the protocol column may hold spaces ("GTP <SIP>"): read the five fields from the right
            final String[] f = java.util.Arrays.copyOf(line.split(" ", -1), Math.max(7, line.split(" ", -1).length));
            for (int k = 0; k < f.length; k++) {
                f[k] = f[k] == null ? "" : f[k]; // the truth writer drops trailing empty fields
            }
            final long frame = Long.parseLong(f[0]);
            final int n0 = f.length;
            final String method0 = f[n0 - 5];
            final String status0 = f[n0 - 4];
            final String[] methods = method0.split(",", -1);
            final String[] statuses = status0.split(",", -1);
            final String[] cseqs = f[n0 - 3].split(",", -1);
            final String[] callIds = f[n0 - 1].split(",", -1);
            if (method0.isEmpty() && status0.isEmpty()) {
                continue; // tshark put "SIP" in the protocol column but read no message (HTTP on port 5060)
            }
            final List<SipMessage> mine = ours.getOrDefault(frame, List.of());
            final int n = Math.max(methods.length, statuses.length);
            assertThat(mine).as("SIP messages in frame %d", frame).hasSize(n);
            for (int i = 0; i < n; i++) {
                final SipMessage m = mine.get(i);
                final String method = i < methods.length ? methods[i] : "";
                if (!method.isEmpty()) {
                    assertThat(m.method()).as("method in frame %d", frame).isEqualTo(method);
                } else {
                    assertThat(m.statusCode()).as("status in frame %d", frame).isEqualTo(Integer.parseInt(statuses[i]));
                }
                if (i < cseqs.length && !cseqs[i].isEmpty()) {
                    assertThat(m.cseq()).as("CSeq in frame %d", frame).isEqualTo(Long.parseLong(cseqs[i]));
                }
                if (i < callIds.length && !callIds[i].isEmpty()) {
                    assertThat(m.callId()).as("Call-ID in frame %d", frame).isEqualTo(callIds[i]);
                    theirCalls.add(callIds[i]);
                }
            }
            listed += n;
        }
        assertThat(t.messages()).as("SIP messages found").hasSize(listed);

        final String stat = section(truth, "sip,stat");
        final Matcher total = Pattern.compile("Number of SIP messages: (\\d+)").matcher(stat);
        assertThat(total.find()).isTrue();
        assertThat((long) t.messages().size()).as("sip,stat messages").isEqualTo(Long.parseLong(total.group(1)));
        final Matcher resent = Pattern.compile("Number of resent SIP messages: (\\d+)").matcher(stat);
        assertThat(resent.find()).isTrue();
        assertThat(t.resentMessages()).as("sip,stat resent").isEqualTo(Long.parseLong(resent.group(1)));
        final Map<Integer, Long> codes = new TreeMap<>();
        final Matcher c = Pattern.compile("SIP (\\d{3}) .*:\\s+(\\d+) Packets").matcher(stat);
        while (c.find()) {
            codes.merge(Integer.parseInt(c.group(1)), Long.parseLong(c.group(2)), Long::sum);
        }
        assertThat(t.responsesByCode()).as("responses by code").isEqualTo(codes);
        final Map<String, Long> methods = new TreeMap<>();
        final Matcher mm = Pattern.compile("\\n  ([A-Z]+)\\s+:\\s+(\\d+) Packets").matcher(stat);
        while (mm.find()) {
            methods.merge(mm.group(1), Long.parseLong(mm.group(2)), Long::sum);
        }
        assertThat(t.requestsByMethod()).as("requests by method").isEqualTo(methods);

        assertThat(t.calls()).extracting(SipCall::callId).as("calls").filteredOn(id -> !id.isEmpty())
            .containsExactlyInAnyOrderElementsOf(theirCalls);
    }
}
