package dev.callscope.core;

import java.util.regex.Pattern;

/**
 * Regular expressions given by the user (call filters, verify specs) matched under a step budget.
 * java.util.regex backtracks: {@code (.*a){10}$} against a 61-character From takes longer than
 * anyone waits. The text is handed to the matcher behind a {@link CharSequence} that counts the
 * characters the matcher reads and gives up past {@link #STEPS}, so a match ends either with its
 * answer or with {@link TooSlowException}. A usual filter reads each character of a From a few
 * times; a million reads take about 0.3 ms once the matcher is compiled (0.2 to 0.5 s the first
 * time).
 */
public final class RegexBudget {
    /** Characters one match may read. */
    public static final long STEPS = 1_000_000;

    private RegexBudget() {
    }

    /** Whether {@code pattern} is found in {@code text}, within {@link #STEPS} character reads. */
    public static boolean find(final Pattern pattern, final CharSequence text) {
        return find(pattern, text, STEPS);
    }

    /** Whether {@code pattern} is found in {@code text}, within {@code steps} character reads. */
    public static boolean find(final Pattern pattern, final CharSequence text, final long steps) {
        return pattern.matcher(new Counted(text, steps, pattern)).find();
    }

    /** A match that read more characters than its budget allows. */
    public static final class TooSlowException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String pattern;
        private final int length;

        TooSlowException(final String pattern, final int length) {
            this(pattern, length, "pattern '" + pattern + "' takes too long on a text of " + length + " characters; simplify it");
        }

        private TooSlowException(final String pattern, final int length, final String message) {
            super(message, null, false, false);
            this.pattern = pattern;
            this.length = length;
        }

        /** The pattern as the user wrote it. */
        public String pattern() {
            return pattern;
        }

        /** Characters of the text it was matched against. */
        public int length() {
            return length;
        }

        /**
         * The same failure worded for the user: "--from pattern '(.*a){10}$' takes too long on a From
         * of 61 characters; simplify it".
         *
         * @param where what gave the pattern ("--from", "match.from in call.yaml")
         * @param field what the text was ("a From")
         */
        public TooSlowException describe(final String where, final String field) {
            return new TooSlowException(pattern, length, where + " pattern '" + pattern + "' takes too long on " + field + " of "
                + length + " characters; simplify it");
        }
    }

    /** The text, counting reads. */
    private static final class Counted implements CharSequence {
        private final CharSequence text;
        private final Pattern pattern;
        private long left;

        Counted(final CharSequence text, final long steps, final Pattern pattern) {
            this.text = text;
            this.left = steps;
            this.pattern = pattern;
        }

        @Override
        public char charAt(final int index) {
            if (--left < 0) {
                throw new TooSlowException(pattern.pattern(), text.length());
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(final int start, final int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }
}
