package dev.callscope.cli;

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

    /** Lines for picocli's exitCodeList (help and man page). */
    public static final String[] LIST = {
        "0:success",
        "1:a verification failed (verify)",
        "2:usage error (bad option or value; a regular expression that takes too long)",
        "3:input or capture error (missing, unreadable, truncated or non-capture file; unknown interface; no capture permission; "
            + "bad BPF filter; libpcap missing), or output not written (directory, disk full)",
        "4:internal error, or out of memory or stack overflow (raise -Xmx or -Xss with CALLSCOPE_JAVA_OPTS)",
    };

    private ExitCodes() {
    }
}
