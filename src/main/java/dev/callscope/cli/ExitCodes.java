package dev.callscope.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;

/** Process exit codes, the same for every command (documented in --help and the man page). */
public final class ExitCodes {
    public static final int OK = 0;
    /** A verification failed (callscope verify). */
    public static final int VERIFY_FAILED = 1;
    /** Bad usage: unknown option, bad value, bad spec, a regular expression that takes too long. */
    public static final int USAGE = 2;
    /**
     * Input, capture or output error: missing or unreadable file, not a capture, truncated file, unknown
     * interface, no permission, bad BPF filter, libpcap missing; output that cannot be written (a
     * directory, a full disk, a closed stdout; not a reader that went away).
     */
    public static final int INPUT = 3;
    /** Internal error (a bug in callscope), or out of memory or stack overflow ({@link Fatal}). */
    public static final int INTERNAL = 4;

    /** What each code means for every command (help and man page). */
    private static final Map<Integer, String> SHARED = Map.of(
        OK, "success",
        VERIFY_FAILED, "a verification failed (verify)",
        USAGE, "usage error (bad option or value; a regular expression that takes too long)",
        INPUT, "input or capture error (missing, unreadable, truncated or non-capture file; unknown interface; no capture "
            + "permission; bad BPF filter; libpcap missing), or output not written (directory, disk full)",
        INTERNAL, "internal error, or out of memory or stack overflow (raise -Xmx or -Xss with CALLSCOPE_JAVA_OPTS)");

    /** What a code also means for one command, said after the shared meaning. */
    private static final Map<String, Map<Integer, String>> MORE = Map.of(
        "verify", Map.of(OK, "every assertion passed", VERIFY_FAILED, "an assertion failed",
            USAGE, "or a bad spec (file:line:column: what is wrong)"),
        "ladder", Map.of(INPUT, "or no call matches --call, no connection --connection, no room --room"),
        "rtp", Map.of(INPUT, "or a WAV file could not be written"),
        "sip", Map.of(INPUT, "or no SIP message in the --raw frame"),
        "show", Map.of(USAGE, "or a frame that is not a number or a range",
            INPUT, "or a frame past the end of the capture (the frames before it are shown)"),
        "webrtc", Map.of(INPUT, "or an --sdp file could not be read"),
        "capture", Map.of(INPUT, "or a HEP address in use or not bindable, or a file not writable"));

    /** The exit codes of {@code command} (the root when null): the shared meanings, and what it adds. */
    static Map<String, String> of(final String command) {
        final Map<String, String> m = new LinkedHashMap<>();
        final Map<Integer, String> more = command == null ? Map.of() : MORE.getOrDefault(command, Map.of());
        for (int code = OK; code <= INTERNAL; code++) {
            if (code == VERIFY_FAILED && command != null && !command.equals("verify")) {
                continue;
            }
            final String extra = more.get(code);
            final String text = extra == null ? SHARED.get(code)
                : extra.startsWith("or ") ? SHARED.get(code) + "; " + extra : extra;
            m.put(Integer.toString(code), text);
        }
        return m;
    }

    /** Sets every command's exit code list in {@code cmd}'s tree. */
    static void document(final CommandLine cmd) {
        final String name = cmd.getParent() == null ? null : cmd.getCommandName();
        cmd.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(of(name));
        for (final CommandLine sub : cmd.getSubcommands().values()) {
            if (sub.getCommand().getClass().getPackageName().equals(ExitCodes.class.getPackageName())) {
                document(sub);
            }
        }
    }

    private ExitCodes() {
    }
}
