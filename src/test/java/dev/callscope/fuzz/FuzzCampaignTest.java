package dev.callscope.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.core.InputException;
import dev.callscope.dissect.DecodeAs;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.pcap.CaptureFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The long fuzz campaign, excluded from {@code mvn verify} by its tag and run with
 * {@code mvn -o test -Pfuzz} (a forked JVM with a 128 MiB heap). Every dissector of the registry
 * gets {@code fuzz.frames} mutated frames (default 10^6), then the readers get {@code fuzz.files}
 * mutated files; the report gives frames per dissector, time and findings, and the test fails on
 * any finding. Properties: {@code fuzz.seed} (default: drawn and printed), {@code fuzz.frames},
 * {@code fuzz.files}, {@code fuzz.minutes} (time cap of the whole run), {@code fuzz.targets}
 * (comma-separated dissector ids, or "container"). See docs/fuzzing.md.
 *
 * <p>{@link #replay} runs one finding again: {@code -Dfuzz.replay=FILE} (its .txt beside it gives
 * the configuration) or {@code -Dfuzz.caseSeed=S -Dfuzz.target=ID}.
 */
@Tag("fuzz")
class FuzzCampaignTest {
    private static final Path FINDINGS = Path.of("target", "fuzz-findings");

    @Test
    void campaign() throws IOException {
        // -Dfuzz.minutes caps the whole run (default 28); each target stops at its budget or at its share of the time left
        final long seed = Long.getLong("fuzz.seed", new java.security.SecureRandom().nextLong() & Long.MAX_VALUE);
        final long frames = Long.getLong("fuzz.frames", 1_000_000L);
        final long files = Long.getLong("fuzz.files", 100_000L);
        final long minutes = Long.getLong("fuzz.minutes", 28L);
        // the container level first, then the dissectors, the slowest (SIP's text framing) last: when the time
        // cap cuts a target short, it is one of those, and the report says so
        final List<String> targets = new ArrayList<>(List.of("container"));
        targets.addAll(DissectorRegistry.builtIn(Set.of()).ids());
        for (final String slow : List.of("sdp", "sip")) {
            if (targets.remove(slow)) {
                targets.add(slow);
            }
        }
        final String only = System.getProperty("fuzz.targets", "");
        if (!only.isBlank()) {
            targets.retainAll(Arrays.asList(only.split(",")));
        }
        System.out.printf(Locale.ROOT, "fuzz campaign: run seed %d, %d mutated frames per dissector, %d files, targets %s,"
            + " at most %d minutes, max heap %d MiB%n", seed, frames, files, targets, minutes, Runtime.getRuntime().maxMemory() >> 20);
        final long deadline = System.nanoTime() + minutes * 60_000_000_000L;
        final Campaign c = new Campaign(seed, FINDINGS, System.out, 60_000, Long.getLong("fuzz.slowMillis", 2_000L));
        try {
            final PacketFuzzer fuzzer = new PacketFuzzer(FuzzInputs.corpus());
            for (int i = 0; i < targets.size(); i++) {
                final String t = targets.get(i);
                if (c.hung()) {
                    break;
                }
                // what is left of the time, shared by the targets still to come
                final long share = Math.max(0, deadline - System.nanoTime()) / (targets.size() - i);
                final Campaign.Stats s = t.equals("container")
                    ? c.containers(FuzzInputs.containers(), files, 200, 50, Path.of("target", "fuzz-tmp"), share)
                    : c.packets(fuzzer, t, frames, 32, 64, share);
                System.out.printf(Locale.ROOT, "  %s: %d cases, %d frames (%d mutated) in %.1f s%n", t, s.cases(), s.frames(),
                    s.mutated(), s.nanos() / 1e9);
            }
        } finally {
            c.close();
        }
        final String report = c.report();
        System.out.print(report);
        Files.createDirectories(FINDINGS);
        Files.writeString(FINDINGS.resolve("report-" + seed + ".txt"), report);
        assertThat(c.findings()).as("findings of run seed %d:%n%s", seed, report).isEmpty();
        assertThat(c.hung()).isFalse();
    }

    @Test
    void replay() throws IOException {
        final String file = System.getProperty("fuzz.replay");
        final String caseSeed = System.getProperty("fuzz.caseSeed");
        Assumptions.assumeTrue(file != null || caseSeed != null, "-Dfuzz.replay=FILE or -Dfuzz.caseSeed=S -Dfuzz.target=ID");
        final Pipeline.Outcome o;
        if (file != null) {
            final Path p = Path.of(file);
            final Path txt = p.resolveSibling(p.getFileName().toString().replaceAll("(-min)?\\.pcap(ng)?$", "") + ".txt");
            int config = 0;
            final List<DecodeAs> rules = new ArrayList<>();
            if (Files.isRegularFile(txt)) {
                for (final String line : Files.readAllLines(txt, StandardCharsets.UTF_8)) {
                    if (line.startsWith("config: ")) {
                        config = Integer.parseInt(line.substring(8).trim());
                    } else if (line.startsWith("decode-as: ") && !line.substring(11).isBlank()) {
                        for (final String r : line.substring(11).split(",")) {
                            rules.add(DecodeAs.parse(r));
                        }
                    }
                }
            }
            System.out.println("replaying " + p + " with config " + config + ", decode-as " + rules);
            o = Pipeline.run(CaptureFiles.open(file), rules, config, true);
        } else {
            final String target = System.getProperty("fuzz.target", "sip");
            final long s = Long.parseLong(caseSeed);
            if (target.equals("container")) {
                final ContainerFuzzer.Input in = FuzzInputs.containers().next(s);
                System.out.println("replaying container case " + s + ": " + in.how());
                Pipeline.Outcome r;
                try {
                    r = Pipeline.run(CaptureFiles.open(new ByteArrayInputStream(in.bytes()), in.name()), List.of(), (int) (s & 7), true);
                } catch (InputException e) {
                    System.out.println("input error: " + e.getMessage());
                    r = new Pipeline.Outcome(null, List.of(), List.of(), -1, java.util.Map.of(), 0);
                }
                o = r;
            } else {
                final PacketCase c = new PacketFuzzer(FuzzInputs.corpus()).next(target, s, Integer.getInteger("fuzz.steps", 32));
                System.out.println("replaying " + c.describe());
                o = Pipeline.run(new ListSource(c.frames()), c.rules, c.config, true);
            }
        }
        o.caught().forEach(b -> {
            System.out.println(b.dissector() + "." + b.method() + " threw:");
            b.error().printStackTrace(System.out);
        });
        o.bugs().forEach(a -> System.out.println("anomaly " + a));
        if (o.escaped() != null) {
            o.escaped().printStackTrace(System.out);
        }
        System.out.println(o.frames() + " frames, by protocol " + o.byProtocol());
        assertThat(o.clean()).as("see the stack traces above").isTrue();
    }
}
