package dev.callscope.cli;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Build-time only: runs the common commands on the bundled samples in one JVM, so that
 * {@code -XX:DumpLoadedClassList} records the classes a run loads. The build turns that list into
 * the class-data-sharing archive the launcher uses (see the pom). Output is discarded.
 *
 * <p>Usage: {@code java -cp callscope.jar dev.callscope.cli.CdsTraining SAMPLES_DIR}
 */
public final class CdsTraining {
    private CdsTraining() {
    }

    public static void main(final String[] args) {
        final Path samples = Path.of(args.length > 0 ? args[0] : "samples");
        final String sip = samples.resolve("sip-call.pcap").toString();
        final String dubbo = samples.resolve("dubbo/dubbo-calls.pcap").toString();
        final String webrtc = samples.resolve("webrtc/chromium-loopback.pcap").toString();
        final PrintWriter sink = new PrintWriter(OutputStream.nullOutputStream());
        final String[][] runs = {
            {"read", sip}, {"read", "--json", sip}, {"flows", sip}, {"calls", sip}, {"calls", "--json", sip},
            {"sip", sip}, {"rtp", sip}, {"ladder", sip}, {"dubbo", dubbo}, {"ladder", dubbo}, {"webrtc", webrtc},
        };
        for (final String[] run : runs) {
            if (Files.isReadable(Path.of(run[run.length - 1]))) {
                Main.run(sink, sink, run);
            }
        }
    }
}
