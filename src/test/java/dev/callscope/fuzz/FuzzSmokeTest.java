package dev.callscope.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.core.InputException;
import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.pcap.CaptureFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fast, fixed-seed part of the fuzz campaign that runs in {@code mvn verify}: every dissector
 * of the registry gets a few thousand mutated frames through the whole engine and trackers, and
 * the readers get a few hundred mutated pcap and pcapng files (some through the command line) and
 * every truncation of two small files. The long campaign is {@link FuzzCampaignTest} ({@code -Pfuzz}).
 * A failure prints the run seed and each finding's case seed; the inputs are under
 * {@code target/fuzz-findings/}.
 */
class FuzzSmokeTest {
    static final long SEED = 20_240_611L;
    private static final Path FINDINGS = Path.of("target", "fuzz-findings");
    private static Campaign campaign;

    @BeforeAll
    static void start() {
        campaign = new Campaign(SEED, FINDINGS, System.out, 30_000, 0);
    }

    @AfterAll
    static void report() {
        System.out.print(campaign.report());
        campaign.close();
    }

    static Stream<String> dissectors() {
        return DissectorRegistry.builtIn(Set.of()).ids().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dissectors")
    void mutatedTrafficNeverBreaksTheEngine(final String dissector) {
        final PacketFuzzer fuzzer = new PacketFuzzer(FuzzInputs.corpus());
        assertThat(fuzzer.covers(dissector)).as("seeds for %s", dissector).isTrue();
        final Campaign.Stats s = campaign.packets(fuzzer, dissector, 1_500, 24, 16, 120_000_000_000L);
        assertThat(s.mutated()).as("mutated frames for %s", dissector).isGreaterThanOrEqualTo(1_500);
        // most frames reach the dissector: the cases are not all thrown away by the decoder or dispatch
        assertThat(s.reached()).as("frames %s took", dissector).isGreaterThan(s.frames() / 3);
        assertThat(campaign.findings()).as("findings, run seed %d:%n%s", SEED, campaign.report())
            .filteredOn(f -> f.target().equals(dissector)).isEmpty();
    }

    @Test
    void mutatedCaptureFilesGiveAReadOrOneInputError() {
        final Campaign.Stats s = campaign.containers(FuzzInputs.containers(), 500, 25, 10,
            Path.of("target", "fuzz-tmp"), 120_000_000_000L);
        assertThat(s.cases()).isEqualTo(500);
        // both outcomes occur: the mutations neither always break the file nor never do
        assertThat(s.inputErrors()).isBetween(50L, 450L);
        assertThat(campaign.findings()).as("findings, run seed %d:%n%s", SEED, campaign.report())
            .filteredOn(f -> f.level().equals("container")).isEmpty();
    }

    @Test
    void everyTruncationOfASmallFileIsReadOrReported() throws IOException {
        final List<byte[]> seeds = FuzzInputs.containers().seeds();
        // the generated pcap and two-section pcapng files of both byte orders
        for (final byte[] file : seeds.subList(seeds.size() - 8, seeds.size())) {
            final long whole = count(file);
            assertThat(whole).isPositive();
            for (int cut = 0; cut < file.length; cut++) {
                final byte[] part = java.util.Arrays.copyOf(file, cut);
                long n = 0;
                try (PacketSource src = CaptureFiles.open(new ByteArrayInputStream(part), "cut")) {
                    final RawFrame f = new RawFrame();
                    while (src.next(f)) {
                        n++;
                    }
                } catch (InputException e) {
                    assertThat(e.getMessage()).as("cut at %d", cut).startsWith("cut: ").doesNotContain("\n");
                }
                assertThat(n).as("cut at %d", cut).isLessThanOrEqualTo(whole);
            }
        }
    }

    private static long count(final byte[] file) throws IOException {
        long n = 0;
        try (PacketSource src = CaptureFiles.open(new ByteArrayInputStream(file), "whole")) {
            final RawFrame f = new RawFrame();
            while (src.next(f)) {
                n++;
            }
        }
        return n;
    }
}
