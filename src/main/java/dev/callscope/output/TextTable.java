package dev.callscope.output;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain text table: columns padded to their widest cell, numbers right-aligned.
 *
 * <p>Fitted to a width ({@link #width(int)}, 0: whole values) as sngrep's call list is: while the
 * table is wider than the width, the widest of the columns marked {@link #shrink shrinkable} gives up
 * a character, down to its minimum, and its values are cut with {@code …} (keeping their start or
 * their end, as suits the column); when every shrinkable column is at its minimum and the table is
 * still too wide, the columns marked {@link #drop droppable} are left out in the order given, and the
 * shrinking is done again. Other columns (numbers, times, states) are never cut. A header is never
 * cut: a column's minimum is at least its header's width.
 */
public final class TextTable {
    /** The mark put where a value was cut. */
    public static final String ELLIPSIS = "…";

    /** Which part of a value a shrinkable column keeps when the value is cut. */
    public enum Keep {
        /** The start ({@code sip:alice@exa…}): URIs, Call-IDs, free text. */
        START,
        /** The end ({@code …0.0.11:5060}): addresses (port and last digits), service#method. */
        END
    }

    private final String[] headers;
    private final boolean[] right;
    private final Keep[] keep;
    private final int[] min;
    private final int[] dropRank;
    private final List<String[]> rows = new ArrayList<>();
    private int width;
    private int indent;

    /** Headers; a header starting with '>' is right-aligned (the '>' is not printed). */
    public TextTable(final String... headers) {
        this.headers = new String[headers.length];
        this.right = new boolean[headers.length];
        this.keep = new Keep[headers.length];
        this.min = new int[headers.length];
        this.dropRank = new int[headers.length];
        for (int i = 0; i < headers.length; i++) {
            right[i] = headers[i].startsWith(">");
            this.headers[i] = right[i] ? headers[i].substring(1) : headers[i];
        }
    }

    /**
     * Marks the first column headed {@code header} (without the '>') shrinkable: when the table is
     * too wide its values are cut to no fewer than {@code minWidth} characters, keeping {@code keep}.
     */
    public TextTable shrink(final String header, final int minWidth, final Keep keep) {
        final int i = column(header);
        this.keep[i] = keep;
        this.min[i] = Math.max(minWidth, Math.max(headers[i].length(), ELLIPSIS.length() + 1));
        return this;
    }

    /**
     * Columns left out, first to last, when the shrinkable columns at their minimum still do not
     * fit the width; columns named in one argument joined by '|' ({@code "Source|Destination"}) go
     * together, and so do columns with the same header.
     */
    public TextTable drop(final String... headersFirstToLast) {
        for (int k = 0; k < headersFirstToLast.length; k++) {
            for (final String h : headersFirstToLast[k].split("\\|", -1)) {
                column(h);
                for (int i = 0; i < headers.length; i++) {
                    if (headers[i].equals(h)) {
                        dropRank[i] = headersFirstToLast.length - k;
                    }
                }
            }
        }
        return this;
    }

    /** Fits the table to {@code columns} characters (0 or less: no limit, every value whole). */
    public TextTable width(final int columns) {
        this.width = Math.max(0, columns);
        return this;
    }

    /** Spaces before every line (counted in the width). */
    public TextTable indent(final int spaces) {
        this.indent = Math.max(0, spaces);
        return this;
    }

    private int column(final String header) {
        for (int i = 0; i < headers.length; i++) {
            if (headers[i].equals(header)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no column " + header);
    }

    public TextTable row(final Object... cells) {
        final String[] r = new String[headers.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = i < cells.length && cells[i] != null ? dev.callscope.core.Visible.of(cells[i].toString()) : "";
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
        fit(w);
        header(out, w);
        for (int k = 0; k < n; k++) {
            line(out, cells(row.apply(k), cells), w);
        }
    }

    private String[] cells(final Object[] values, final String[] into) {
        for (int i = 0; i < into.length; i++) {
            into[i] = i < values.length && values[i] != null ? dev.callscope.core.Visible.of(values[i].toString()) : "";
        }
        return into;
    }

    private void header(final PrintWriter out, final int[] w) {
        line(out, headers, w);
        final StringBuilder sep = new StringBuilder(" ".repeat(indent));
        boolean first = true;
        for (int i = 0; i < w.length; i++) {
            if (w[i] < 0) {
                continue;
            }
            if (!first) {
                sep.append("  ");
            }
            first = false;
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
        fit(w);
        header(out, w);
        for (final String[] r : rows) {
            line(out, r, w);
        }
    }

    /**
     * Column widths fitted to {@link #width} in place: -1 for a column left out. Whole widths when
     * there is no width or the table fits.
     */
    void fit(final int[] w) {
        if (width <= 0) {
            return;
        }
        while (minimum(w) > width) {
            int rank = 0;
            for (int i = 0; i < w.length; i++) {
                if (w[i] >= 0) {
                    rank = Math.max(rank, dropRank[i]);
                }
            }
            if (rank == 0) {
                break;
            }
            for (int i = 0; i < w.length; i++) {
                if (dropRank[i] == rank) {
                    w[i] = -1;
                }
            }
        }
        int excess = total(w) - width;
        while (excess > 0) {
            int widest = -1;
            for (int i = 0; i < w.length; i++) {
                if (keep[i] != null && w[i] > min[i] && (widest < 0 || w[i] > w[widest])) {
                    widest = i;
                }
            }
            if (widest < 0) {
                break;
            }
            w[widest]--;
            excess--;
        }
    }

    /** The width of the shown columns at their widths {@code w}. */
    private int total(final int[] w) {
        int t = indent;
        int shown = 0;
        for (final int c : w) {
            if (c >= 0) {
                t += c;
                shown++;
            }
        }
        return t + 2 * Math.max(0, shown - 1);
    }

    /** The width of the shown columns with every shrinkable one at its minimum. */
    private int minimum(final int[] w) {
        final int[] m = w.clone();
        for (int i = 0; i < m.length; i++) {
            if (m[i] >= 0 && keep[i] != null) {
                m[i] = Math.min(m[i], min[i]);
            }
        }
        return total(m);
    }

    /**
     * {@code text} broken at spaces into lines of at most {@code columns} characters, the lines after
     * the first indented by {@code indent} spaces; the text as it is when {@code columns} is 0 or
     * less. Where the text's parts are two spaces apart, lines break between parts, within a part
     * only when it does not fit a line of its own; a word longer than a line stays whole.
     */
    public static List<String> wrap(final String raw, final int columns, final int indent) {
        final String text = dev.callscope.core.Visible.of(raw);
        if (columns <= 0 || text.length() <= columns) {
            return List.of(text);
        }
        int lead = 0;
        while (lead < text.length() && text.charAt(lead) == ' ') {
            lead++;
        }
        final String next = " ".repeat(Math.min(indent, columns / 2));
        final List<String> words = new ArrayList<>();
        final List<String> seps = new ArrayList<>();
        for (final String part : text.substring(lead).split("  +")) {
            final boolean whole = part.length() <= columns - next.length();
            final String[] ws = whole ? new String[] {part} : part.split(" +");
            for (int i = 0; i < ws.length; i++) {
                words.add(ws[i]);
                seps.add(i == 0 ? "  " : " ");
            }
        }
        final List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder(text.substring(0, lead));
        boolean empty = true;
        for (int i = 0; i < words.size(); i++) {
            final String sep = empty ? "" : seps.get(i);
            if (!empty && line.length() + sep.length() + words.get(i).length() > columns) {
                lines.add(line.toString());
                line = new StringBuilder(next);
                empty = true;
            }
            line.append(empty ? "" : sep).append(words.get(i));
            empty = false;
        }
        lines.add(line.toString());
        return lines;
    }

    /** {@code text} cut at {@code columns} characters with {@link #ELLIPSIS} (whole when 0 or less). */
    public static String cutEnd(final String text, final int columns) {
        return columns <= 0 ? text : cut(text, columns, Keep.START);
    }

    /** {@code s} cut to {@code w} characters with {@link #ELLIPSIS}, keeping its start or its end. */
    static String cut(final String s, final int w, final Keep keep) {
        if (s.length() <= w) {
            return s;
        }
        final int kept = Math.max(0, w - ELLIPSIS.length());
        return keep == Keep.END ? ELLIPSIS + s.substring(s.length() - kept) : s.substring(0, kept) + ELLIPSIS;
    }

    private void line(final PrintWriter out, final String[] cells, final int[] w) {
        final StringBuilder sb = new StringBuilder(" ".repeat(indent));
        int last = cells.length - 1;
        while (last > 0 && w[last] < 0) {
            last--;
        }
        boolean first = true;
        for (int i = 0; i < cells.length; i++) {
            if (w[i] < 0) {
                continue;
            }
            if (!first) {
                sb.append("  ");
            }
            first = false;
            final String c = keep[i] != null ? cut(cells[i], w[i], keep[i]) : cells[i];
            final int pad = w[i] - c.length();
            if (right[i]) {
                sb.append(" ".repeat(Math.max(0, pad))).append(c);
            } else {
                sb.append(c);
                if (i < last) {
                    sb.append(" ".repeat(Math.max(0, pad)));
                }
            }
        }
        out.println(sb.toString().stripTrailing());
    }
}
