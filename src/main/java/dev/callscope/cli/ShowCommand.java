package dev.callscope.cli;

import dev.callscope.core.PacketSource;
import dev.callscope.output.FieldTreeView;
import dev.callscope.output.Json;
import dev.callscope.pcap.CaptureFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code callscope show FILE FRAME...}: chosen frames field by field, like {@code tshark -V}. */
@Command(name = "show", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Show frames field by field, like tshark -V: the frame, the link, IP and UDP or TCP headers, then each message "
            + "with every field the dissector reads (SIP start line and headers, the SDP body line by line, RTP, RTCP, "
            + "STUN/TURN, DTLS records, Dubbo, HEP), each with its byte offset and length. For TCP, the frame that "
            + "completes a message also shows the message reassembled. Reading stops at the last frame asked for.",
    },
    footerHeading = "%nExamples:%n",
    footer = {"  callscope show samples/sip-call.pcap 1", "  callscope show -x capture.pcap 5 7-9",
        "  callscope show --json capture.pcap 12 | jq '.[0].tree[2]'"})
public final class ShowCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "A pcap or pcapng file ('-' for standard input).")
    String file;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "FRAME",
        description = "Frame numbers (from 1, as tshark and every callscope command number them) or ranges: 5, 7-9, 3,4.")
    List<String> frames = new ArrayList<>();

    @Option(names = {"-x", "--hex"}, description = "Add the frame's bytes as hex and ASCII (like tshark -x), and those of each "
        + "reassembled message.")
    boolean hex;

    @Option(names = "--keylog", paramLabel = "FILE",
        description = "TLS key log (NSS format; repeatable): messages carried by TLS are shown decrypted.")
    List<String> keyLogs = new java.util.ArrayList<>();

    @Mixin
    DissectOptions dissect;
    @Mixin
    OutputOptions output;
    @Mixin
    LimitOptions limits;

    @Override
    public Integer call() throws Exception {
        final NavigableSet<Long> wanted = FrameDissection.parse(frames);
        final FrameDissection d = new FrameDissection(wanted, dissect, limits.limits())
            .decrypt(KeyLogs.load(keyLogs, limits.limits()));
        final List<FrameDissection.Shown> shown;
        try (PacketSource source = CaptureFiles.openAll(List.of(file))) {
            shown = d.run(source);
        }
        write(spec, output, shown, hex);
        return pastEnd(spec.commandLine().getErr(), wanted, d.read(), file);
    }

    /** Prints the frames in the chosen format. */
    static void write(final CommandSpec spec, final OutputOptions output, final List<FrameDissection.Shown> shown,
                      final boolean hex) throws IOException {
        output.emit(spec,
            out -> {
                final var a = Json.array();
                for (final FrameDissection.Shown s : shown) {
                    a.add(FieldTreeView.frame(s.number(), s.tree(), hexText(s, hex)));
                }
                Json.writeDocument(out, a);
            },
            out -> {
                for (final FrameDissection.Shown s : shown) {
                    Json.writeLine(out, FieldTreeView.frame(s.number(), s.tree(), hexText(s, hex)));
                }
            },
            out -> text(out, shown, hex));
    }

    private static String hexText(final FrameDissection.Shown s, final boolean hex) {
        return hex ? FieldTreeView.hexText(s.frame().data, s.frame().capLen) : null;
    }

    static void text(final PrintWriter out, final List<FrameDissection.Shown> shown, final boolean hex) {
        boolean first = true;
        for (final FrameDissection.Shown s : shown) {
            if (!first) {
                out.println();
            }
            first = false;
            FrameTreeText.write(out, s.tree(), s.frame().data, s.frame().capLen, hex);
        }
    }

    /** One line for the first frame asked for past the end; the exit code. */
    static int pastEnd(final PrintWriter err, final NavigableSet<Long> wanted, final long read, final String what) {
        final Long missing = wanted.higher(read);
        if (missing == null) {
            return ExitCodes.OK;
        }
        err.println("callscope: error: no frame " + missing + ": " + what + " has " + read + " frame" + (read == 1 ? "" : "s"));
        return ExitCodes.INPUT;
    }
}
