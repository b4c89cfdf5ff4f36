package dev.callscope.output;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain text table: columns padded to their widest cell, numbers right-aligned. */
public final class TextTable {
    private final String[] headers;
    private final boolean[] right;
    private final List<String[]> rows = new ArrayList<>();

    /** Headers; a header starting with '>' is right-aligned (the '>' is not printed). */
    public TextTable(final String... headers) {
        this.headers = new String[headers.length];
        this.right = new boolean[headers.length];
        for (int i = 0; i < headers.length; i++) {
            right[i] = headers[i].startsWith(">");
            this.headers[i] = right[i] ? headers[i].substring(1) : headers[i];
        }
    }

    public TextTable row(final Object... cells) {
        final String[] r = new String[headers.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = i < cells.length && cells[i] != null ? cells[i].toString() : "";
        }
        rows.add(r);
        return this;
    }

    public int size() {
        return rows.size();
    }

    /**
     * Prints {@code n} rows made by {@code row} (its cells as for {@link #row}) without keeping them:
     * one pass for the column widths, one to print, each row's strings made and dropped twice. For
     * long tables (a row per SIP message of a day's capture), where keeping every cell's string at
     * once was most of the memory and of the collector's work.
     */
    public void print(final PrintWriter out, final int n, final java.util.function.IntFunction<Object[]> row) {
        final int[] w = new int[headers.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = headers[i].length();
        }
        final String[] cells = new String[headers.length];
        for (int k = 0; k < n; k++) {
            cells(row.apply(k), cells);
            for (int i = 0; i < w.length; i++) {
                w[i] = Math.max(w[i], cells[i].length());
            }
        }
        header(out, w);
        for (int k = 0; k < n; k++) {
            line(out, cells(row.apply(k), cells), w);
        }
    }

    private String[] cells(final Object[] values, final String[] into) {
        for (int i = 0; i < into.length; i++) {
            into[i] = i < values.length && values[i] != null ? values[i].toString() : "";
        }
        return into;
    }

    private void header(final PrintWriter out, final int[] w) {
        line(out, headers, w);
        final StringBuilder sep = new StringBuilder();
        for (int i = 0; i < w.length; i++) {
            if (i > 0) {
                sep.append("  ");
            }
            sep.append("-".repeat(w[i]));
        }
        out.println(sep);
    }

    public void print(final PrintWriter out) {
        final int[] w = new int[headers.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = headers[i].length();
            for (final String[] r : rows) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        header(out, w);
        for (final String[] r : rows) {
            line(out, r, w);
        }
    }

    private void line(final PrintWriter out, final String[] cells, final int[] w) {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                sb.append("  ");
            }
            final String c = cells[i];
            final int pad = w[i] - c.length();
            if (right[i]) {
                sb.append(" ".repeat(pad)).append(c);
            } else {
                sb.append(c);
                if (i < cells.length - 1) {
                    sb.append(" ".repeat(pad));
                }
            }
        }
        out.println(sb.toString().stripTrailing());
    }
}
