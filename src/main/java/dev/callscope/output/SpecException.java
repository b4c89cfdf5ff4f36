package dev.callscope.output;

/** A call-flow spec that cannot be used: where (1-based line and column) and what is wrong. */
public final class SpecException extends Exception {
    private final String source;
    private final int line;
    private final int column;
    private final String problem;

    public SpecException(final String source, final int line, final int column, final String problem) {
        super(source + ":" + line + ":" + column + ": " + problem);
        this.source = source;
        this.line = line;
        this.column = column;
        this.problem = problem;
    }

    public String source() {
        return source;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    public String problem() {
        return problem;
    }
}
