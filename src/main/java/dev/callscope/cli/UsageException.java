package dev.callscope.cli;

/** A bad option value found after parsing; reported as one line with exit code 2. */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(final String message) {
        super(message);
    }
}
