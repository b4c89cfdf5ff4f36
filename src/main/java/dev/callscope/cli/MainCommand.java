package dev.callscope.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code callscope}: the root of the command tree (its subcommands are added by {@link Main}). */
@Command(name = "callscope",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
        "Network protocol analyzer for SIP/RTP, Apache Dubbo and WebRTC: reads pcap/pcapng files or captures live, "
            + "reconstructs conversations and calls.",
    },
    footerHeading = "%nEnvironment:%n",
    footer = {"  NO_COLOR   turn colour off", "  CALLSCOPE_JAVA_OPTS   JVM options for the launcher script"})
public final class MainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** The shell's in-memory captures when the tree runs inside {@code callscope shell}; null otherwise. */
    ShellSession session;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Show stack traces of errors.")
    boolean debug;

    /**
     * No command: a short usage on stderr (the whole help is {@code --help}), exit code 2 like any
     * other usage error.
     */
    @Override
    public Integer call() {
        final java.io.PrintWriter err = spec.commandLine().getErr();
        err.println("Usage: callscope COMMAND [OPTIONS] FILE...");
        err.println("Commands: " + String.join(", ", spec.subcommands().keySet().stream()
            .filter(n -> !n.equals("help") && !n.equals("generate-completion")).toList()));
        err.println("  callscope calls capture.pcap     the SIP calls, like sngrep's call list");
        err.println("  callscope ladder capture.pcap    the message ladder of each call");
        err.println("Try 'callscope --help' or 'callscope help COMMAND' for more information.");
        err.flush();
        return ExitCodes.USAGE;
    }
}
