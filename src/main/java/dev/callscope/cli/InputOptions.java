package dev.callscope.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Capture files and how to read and dissect them (shared by the analysis commands). */
public final class InputOptions {
    /** Which file reader to use. */
    public enum Reader { builtin, pcap4j }

    @Parameters(paramLabel = "FILE", arity = "1..*",
        description = "Capture files (pcap or pcapng, optionally gzip-compressed; '-' reads standard input). "
            + "Several files are merged by timestamp.")
    List<String> files = new ArrayList<>();

    @Option(names = "--reader", paramLabel = "READER", defaultValue = "builtin",
        description = "File reader: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). builtin is pure Java and "
            + "needs no libpcap; pcap4j reads through libpcap and is chosen automatically by -f.")
    Reader reader = Reader.builtin;

    @Option(names = {"-f", "--bpf"}, paramLabel = "FILTER",
        description = "BPF capture filter applied while reading (libpcap syntax, e.g. 'udp port 5060'); needs libpcap.")
    String bpf;

    @Option(names = "--keylog", paramLabel = "FILE",
        description = "TLS key log (NSS SSLKEYLOGFILE format, as browsers, OpenSSL and Python write it; repeatable): "
            + "TLS 1.2 and 1.3 over TCP whose secrets it holds are decrypted and analysed as in the clear. "
            + "Keys in a pcapng Decryption Secrets Block are used without it.")
    List<String> keyLogs = new ArrayList<>();

    @Option(names = {"-q", "--quiet"},
        description = "Do not show the progress line. Without it, when stderr is a terminal (and CI is not set), reading "
            + "that lasts more than half a second shows one line on stderr, rewritten in place a few times a second and "
            + "erased at the end: bytes read, the percentage of the input when its size is known, packets/s and SIP calls "
            + "seen.")
    boolean quiet;

    @Mixin
    DissectOptions dissect = new DissectOptions();

    /** The command using these options (to find the shell's in-memory captures, see {@link ShellSession#of}). */
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;
}
