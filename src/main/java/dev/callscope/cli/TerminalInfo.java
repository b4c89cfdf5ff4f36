package dev.callscope.cli;

/** Whether standard output is a terminal, whether colour is wanted, and how wide the terminal is. */
final class TerminalInfo {
    private TerminalInfo() {
    }

    static boolean isTerminal() {
        return System.console() != null;
    }

    /** Colour only on a terminal, never with NO_COLOR set or TERM=dumb. */
    static boolean colour() {
        return isTerminal() && System.getenv("NO_COLOR") == null && !"dumb".equals(System.getenv("TERM"));
    }

    /** Terminal width from COLUMNS, or 120 on a terminal, or 0 (no limit) when output is piped. */
    static int width() {
        final String cols = System.getenv("COLUMNS");
        if (cols != null) {
            try {
                final int w = Integer.parseInt(cols.trim());
                if (w > 20) {
                    return w;
                }
            } catch (NumberFormatException ignored) {
                // fall through
            }
        }
        return isTerminal() ? 120 : 0;
    }
}
