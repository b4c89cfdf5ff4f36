package dev.callscope.cli;

/** Entry point; the command tree lands with the CLI work. */
public final class Main {
    private Main() {
    }

    public static void main(final String[] args) {
        System.exit(0);
    }
}
