package dev.callscope.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The progress line: its text, when it is shown, and that it leaves nothing behind. */
class ProgressTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void sizesInBinaryUnits() {
        assertThat(Progress.bytes(0)).isEqualTo("0 B");
        assertThat(Progress.bytes(1023)).isEqualTo("1023 B");
        assertThat(Progress.bytes(1024)).isEqualTo("1.0 KiB");
        assertThat(Progress.bytes(1536)).isEqualTo("1.5 KiB");
        assertThat(Progress.bytes(1024 * 1024 - 1)).isEqualTo("1.0 MiB");
        assertThat(Progress.bytes(432_328_294L)).isEqualTo("412.3 MiB");
        assertThat(Progress.bytes(1_288_490_189L)).isEqualTo("1.2 GiB");
        assertThat(Progress.bytes(5L << 40)).isEqualTo("5.0 TiB");
    }

    @Test
    void countsAndRates() {
        assertThat(Progress.count(0)).isEqualTo("0");
        assertThat(Progress.count(950.4)).isEqualTo("950");
        assertThat(Progress.count(9876)).isEqualTo("9,876");
        assertThat(Progress.count(12_345)).isEqualTo("12.3 k");
        assertThat(Progress.count(99_960)).isEqualTo("100 k");
        assertThat(Progress.count(669_240)).isEqualTo("669 k");
        assertThat(Progress.count(999_990)).isEqualTo("1.0 M");
        assertThat(Progress.count(1_900_000)).isEqualTo("1.9 M");
        assertThat(Progress.count(2.5e9)).isEqualTo("2.5 G");
    }

    @Test
    void percentIsRoundedDownAndCapped() {
        assertThat(Progress.percent(0, 100)).isZero();
        assertThat(Progress.percent(34_999, 100_000)).isEqualTo(34);
        assertThat(Progress.percent(99_999, 100_000)).isEqualTo(99);
        assertThat(Progress.percent(100, 100)).isEqualTo(100);
        assertThat(Progress.percent(150, 100)).isEqualTo(100);
        assertThat(Progress.percent(5, 0)).isZero();
    }

    @Test
    void theLineOfAFileOfKnownSize() {
        assertThat(Progress.line("big.pcap", 432_328_294L, 1_288_490_189L, 3_800_000, 2 * SECOND, 12_345, 80))
            .isEqualTo("reading big.pcap: 412.3 MiB of 1.2 GiB (33 %), 1.9 M packets/s, 12,345 calls");
        assertThat(Progress.line("a.pcap", 2048, 4096, 10, SECOND, 1, 80))
            .isEqualTo("reading a.pcap: 2.0 KiB of 4.0 KiB (50 %), 10 packets/s, 1 call");
    }

    @Test
    void standardInputHasNoPercentAndNoCallsWithoutATracker() {
        assertThat(Progress.line("<stdin>", 5 << 20, -1, 250_000, SECOND / 2, -1, 80))
            .isEqualTo("reading <stdin>: 5.0 MiB, 500 k packets/s");
    }

    @Test
    void withoutAByteCountThePacketsAreCounted() {
        assertThat(Progress.line("x.pcap", -1, -1, 1_234_567, SECOND, -1, 80))
            .isEqualTo("reading x.pcap: 1.2 M packets, 1.2 M packets/s");
    }

    @Test
    void aLongLineDropsReadingThenShortensTheName() {
        final String fits = Progress.line("calls-2k.pcap", 429_600_000L, 466_427_294L, 1_338_480, 2 * SECOND, 2000, 80);
        assertThat(fits).isEqualTo("calls-2k.pcap: 409.7 MiB of 444.8 MiB (92 %), 669 k packets/s, 2,000 calls");
        final String name = "a-very-long-capture-file-name-from-the-production-night-shift-2024-05-01.pcapng";
        final String line = Progress.line(name, 432_328_294L, 1_288_490_189L, 3_800_000, 2 * SECOND, 12_345, 80);
        assertThat(line).hasSize(79).startsWith("...").endsWith("-05-01.pcapng: 412.3 MiB of 1.2 GiB (33 %), 1.9 M packets/s, 12,345 calls");
        assertThat(Progress.line(name, 432_328_294L, 1_288_490_189L, 3_800_000, 2 * SECOND, 12_345, 100))
            .hasSize(99).startsWith("...uction-night-shift-2024-05-01.pcapng: 412.3 MiB");
        assertThat(Progress.line(name, 1, 2, 3, SECOND, 4, 30)).hasSizeLessThanOrEqualTo(29);
        assertThat(Progress.line("short", 1, 2, 3, SECOND, 4, 200)).isEqualTo("reading short: 1 B of 2 B (50 %), 3 packets/s, 4 calls");
    }

    @Test
    void theNameIsTheFileNameOrTheNumberOfFiles() {
        assertThat(Progress.name(source("/data/captures/big.pcap", -1, -1))).isEqualTo("big.pcap");
        assertThat(Progress.name(source("<stdin>", -1, -1))).isEqualTo("<stdin>");
        assertThat(Progress.name(new dev.callscope.pcap.MergedSource(java.util.List.of(source("a", 1, 1), source("b", 1, 1)))))
            .isEqualTo("2 files");
    }

    @Test
    void shownOnlyOnATerminalWithoutQuietOrCi() {
        final Map<String, String> env = new HashMap<>();
        env.put("TERM", "xterm-256color");
        assertThat(TerminalInfo.progress(false, false, env, "/dev/pts/3", "/dev/pts/3")).isTrue();
        assertThat(TerminalInfo.progress(false, false, env, "pipe:[123]", "/dev/tty1")).isTrue();
        // not a terminal: a pipe, a file, /dev/null, or no /proc
        assertThat(TerminalInfo.progress(false, false, env, "/dev/pts/3", "pipe:[4567]")).isFalse();
        assertThat(TerminalInfo.progress(false, false, env, "/dev/pts/3", "/tmp/e")).isFalse();
        assertThat(TerminalInfo.progress(false, false, env, "/dev/pts/3", "/dev/null")).isFalse();
        assertThat(TerminalInfo.progress(false, false, env, null, null)).isFalse();
        // --quiet
        assertThat(TerminalInfo.progress(true, false, env, "/dev/pts/3", "/dev/pts/3")).isFalse();
        // records streamed to the same terminal would be drawn over the line; to a pipe they are fine
        assertThat(TerminalInfo.progress(false, true, env, "/dev/pts/3", "/dev/pts/3")).isFalse();
        assertThat(TerminalInfo.progress(false, true, env, "pipe:[1]", "/dev/pts/3")).isTrue();
        // CI set (non-empty), TERM=dumb
        env.put("CI", "true");
        assertThat(TerminalInfo.progress(false, false, env, "/dev/pts/3", "/dev/pts/3")).isFalse();
        env.put("CI", "");
        assertThat(TerminalInfo.progress(false, false, env, "/dev/pts/3", "/dev/pts/3")).isTrue();
        env.put("TERM", "dumb");
        assertThat(TerminalInfo.progress(false, false, env, "/dev/pts/3", "/dev/pts/3")).isFalse();
    }

    @Test
    void terminalDevices() {
        assertThat(TerminalInfo.isTerminalDevice("/dev/pts/0")).isTrue();
        assertThat(TerminalInfo.isTerminalDevice("/dev/tty2")).isTrue();
        assertThat(TerminalInfo.isTerminalDevice("/dev/console")).isTrue();
        assertThat(TerminalInfo.isTerminalDevice("socket:[88]")).isFalse();
        assertThat(TerminalInfo.isTerminalDevice("/home/u/out.txt")).isFalse();
        assertThat(TerminalInfo.isTerminalDevice(null)).isFalse();
        assertThat(TerminalInfo.columns(Map.of("COLUMNS", "132"))).isEqualTo(132);
        assertThat(TerminalInfo.columns(Map.of("COLUMNS", "x"))).isZero();
        assertThat(TerminalInfo.columns(Map.of())).isZero();
    }

    @Test
    void drawnInPlaceAndErasedAtTheEnd() throws Exception {
        final StringWriter text = new StringWriter();
        final AtomicLong packets = new AtomicLong();
        final PacketSource src = source("/tmp/x.pcap", 1000, 4000);
        final Progress p = new Progress(src, packets::get, () -> 7, new PrintWriter(text), 80, 0, 5, false);
        final long until = System.nanoTime() + 5 * SECOND;
        while (!p.shown() && System.nanoTime() < until) {
            packets.addAndGet(100);
            Thread.sleep(2);
        }
        Thread.sleep(30);
        p.close();
        final String s = text.toString();
        assertThat(s).startsWith("\rreading x.pcap: 1000 B of 3.9 KiB (25 %), ").contains(", 7 calls\033[K")
            .endsWith(Progress.ERASE).doesNotContain("\n");
        assertThat(p.shown()).isFalse();
        p.close(); // idempotent
        Thread.sleep(30);
        assertThat(text.toString()).isEqualTo(s); // nothing after the erase
    }

    @Test
    void nothingForRunsShorterThanTheDelay() throws Exception {
        final StringWriter text = new StringWriter();
        final Progress p = new Progress(source("x.pcap", 1, 2), () -> 1, null, new PrintWriter(text), 80, 500, 250, false);
        Thread.sleep(50);
        p.close();
        Thread.sleep(600);
        assertThat(text.toString()).isEmpty();
        assertThat(Progress.start(true, false, source("x", 1, 2), () -> 1, null, new PrintWriter(text)))
            .isSameAs(Progress.NONE);
        Progress.NONE.close();
    }

    @Test
    void aCommandWritesNothingExtraWhenStderrIsNotATerminal() {
        assumeThat(TerminalInfo.isTerminalDevice(TerminalInfo.fdTarget(2))).as("stderr of the test JVM is not a terminal").isFalse();
        assertThat(Progress.start(false, false, source("x", 1, 2), () -> 1, null, new PrintWriter(new StringWriter())))
            .isSameAs(Progress.NONE);
        final CliTest.Run r = CliTest.run("calls", "samples/sip-call.pcap");
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        final CliTest.Run q = CliTest.run("calls", "--quiet", "samples/sip-call.pcap");
        assertThat(q.err()).isEmpty();
        assertThat(q.out()).isEqualTo(r.out());
        assertThat(CliTest.run("read", "-q", "samples/sip-call.pcap").err()).isEmpty();
    }

    /** A source that reports fixed byte counts and no frames. */
    private static PacketSource source(final String name, final long bytes, final long size) {
        return new PacketSource() {
            @Override
            public boolean next(final RawFrame frame) {
                return false;
            }

            @Override
            public String describe() {
                return name;
            }

            @Override
            public long bytesRead() {
                return bytes;
            }

            @Override
            public long size() {
                return size;
            }

            @Override
            public void close() {
            }
        };
    }
}
