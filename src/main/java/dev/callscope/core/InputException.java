package dev.callscope.core;

import java.io.IOException;

/**
 * A problem with the user's input (not a bug): missing file, not a capture, truncated file,
 * unknown interface, no permission, bad filter. The CLI turns it into one error line and exit code 3.
 */
public class InputException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What kind of input problem this is, for exit codes and tests. */
    public enum Kind { NOT_FOUND, NOT_A_CAPTURE, TRUNCATED, READ_ERROR, UNKNOWN_INTERFACE, PERMISSION, BAD_FILTER, NO_LIBPCAP, CANNOT_LISTEN, BAD_KEY_LOG }

    private final Kind kind;

    public InputException(final Kind kind, final String message) {
        super(message);
        this.kind = kind;
    }

    public InputException(final Kind kind, final String message, final Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
