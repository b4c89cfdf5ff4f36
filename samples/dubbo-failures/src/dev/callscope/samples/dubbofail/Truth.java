package dev.callscope.samples.dubbofail;

/** One-line truth log records on stdout: "SIDE EPOCH_MS WHAT key=value ...". */
final class Truth {
    private Truth() {
    }

    static synchronized void log(final char side, final String what) {
        System.out.println(side + " " + System.currentTimeMillis() + " " + what);
        System.out.flush();
    }

    /** A message on one line, at most max characters. */
    static String oneLine(final String s, final int max) {
        if (s == null) {
            return "null";
        }
        final String t = s.replace('\r', ' ').replace('\n', ' ').replace('\t', ' ');
        return t.length() <= max ? t : t.substring(0, max) + "...[" + t.length() + " chars]";
    }
}
