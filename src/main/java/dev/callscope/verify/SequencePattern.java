package dev.callscope.verify;

import dev.callscope.core.RegexBudget;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An expected SIP message sequence such as {@code INVITE, 100?, 18x*, 200, ACK, BYE, 200}: request
 * methods and response codes, where {@code x} in a code is any digit ({@code 18x}, {@code 2xx}),
 * optionally prefixed by participants ({@code uac->uas INVITE}) and followed by a quantifier:
 * {@code ?} optional, {@code *} any number, {@code +} at least one. Matches the whole sequence.
 */
public final class SequencePattern {
    private static final Pattern ITEM = Pattern.compile(
        "^(?:([A-Za-z_][\\w-]*)\\s*->\\s*([A-Za-z_][\\w-]*)\\s*:?\\s+)?([A-Za-z][A-Za-z-]*|[1-6][0-9xX]{2})\\s*([?*+])?$");

    /**
     * One expected message.
     *
     * @param from participant name or null
     * @param to participant name or null
     * @param what a method ("INVITE") or a code pattern ("18x")
     * @param quantifier '1', '?', '*' or '+'
     */
    public record Item(String from, String to, String what, char quantifier) {
        public boolean response() {
            return Character.isDigit(what.charAt(0));
        }

        public boolean matches(final Message m, final Map<String, Pattern> participants) {
            if (response() != m.response()) {
                return false;
            }
            if (response()) {
                for (int i = 0; i < 3; i++) {
                    final char c = what.charAt(i);
                    if (c != 'x' && c != m.label().charAt(i)) {
                        return false;
                    }
                }
            } else if (!what.equalsIgnoreCase(m.label())) {
                return false;
            }
            return endpoint(from, m.src(), participants) && endpoint(to, m.dst(), participants);
        }

        private static boolean endpoint(final String name, final String ep, final Map<String, Pattern> participants) {
            if (name == null) {
                return true;
            }
            final Pattern p = participants.get(name);
            try {
                return p != null && RegexBudget.find(p, ep);
            } catch (RegexBudget.TooSlowException e) {
                throw e.describe("participants." + name, "an endpoint");
            }
        }

        @Override
        public String toString() {
            return (from != null ? from + "->" + to + " " : "") + what + (quantifier == '1' ? "" : String.valueOf(quantifier));
        }
    }

    /**
     * An actual message: its label is the method of a request or the 3-digit code of a response.
     *
     * @param src sender as "ip:port"
     * @param dst receiver as "ip:port"
     */
    public record Message(String label, boolean response, String src, String dst) {
    }

    private final List<Item> items;

    private SequencePattern(final List<Item> items) {
        this.items = List.copyOf(items);
    }

    /**
     * Parses a comma-separated pattern, or throws IllegalArgumentException naming the bad item and
     * its 1-based position.
     */
    public static SequencePattern parse(final String text) {
        return parse(Arrays.asList(text.split(",")));
    }

    /** Parses one item per element. */
    public static SequencePattern parse(final List<String> parts) {
        final List<Item> items = new ArrayList<>();
        int n = 0;
        for (final String raw : parts) {
            n++;
            final String s = raw.trim();
            final Matcher m = ITEM.matcher(s);
            if (!m.matches()) {
                throw new IllegalArgumentException("sequence item " + n + " '" + s + "' is not a SIP method or a "
                    + "response code (like INVITE, 200, 18x, 2xx), optionally with ?, * or + and a 'a->b' prefix");
            }
            final String what = m.group(3);
            items.add(new Item(m.group(1), m.group(2),
                Character.isDigit(what.charAt(0)) ? what.toLowerCase(Locale.ROOT) : what.toUpperCase(Locale.ROOT),
                m.group(4) == null ? '1' : m.group(4).charAt(0)));
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException("empty sequence");
        }
        return new SequencePattern(items);
    }

    public List<Item> items() {
        return items;
    }

    /** Participant names the items use. */
    public List<String> participants() {
        final List<String> l = new ArrayList<>();
        for (final Item i : items) {
            for (final String p : new String[] {i.from(), i.to()}) {
                if (p != null && !l.contains(p)) {
                    l.add(p);
                }
            }
        }
        return l;
    }

    /**
     * Whether {@code messages} is exactly a sequence this pattern describes. A simulation of the
     * pattern as a nondeterministic automaton whose states are item positions (position {@code i}:
     * items before {@code i} are done), advanced one message at a time: no recursion, time at most
     * messages × items, memory two sets of positions.
     */
    public boolean matches(final List<Message> messages, final Map<String, Pattern> participants) {
        final int k = items.size();
        // the positions reachable after the messages so far, without duplicates (a stamp per position)
        int[] current = new int[k + 1];
        int[] next = new int[k + 1];
        final int[] stamp = new int[k + 1];
        int round = 1;
        int size = close(0, current, 0, stamp, round);
        for (final Message m : messages) {
            round++;
            int nextSize = 0;
            for (int s = 0; s < size; s++) {
                final int i = current[s];
                if (i == k) {
                    continue;
                }
                final Item it = items.get(i);
                if (!it.matches(m, participants)) {
                    continue;
                }
                switch (it.quantifier()) {
                    case '*' -> nextSize = close(i, next, nextSize, stamp, round);
                    case '+' -> {
                        nextSize = close(i, next, nextSize, stamp, round); // one more of it is required
                        nextSize = close(i + 1, next, nextSize, stamp, round);
                    }
                    default -> nextSize = close(i + 1, next, nextSize, stamp, round);
                }
            }
            if (nextSize == 0) {
                return false;
            }
            final int[] t = current;
            current = next;
            next = t;
            size = nextSize;
        }
        return stamp[k] == round;
    }

    /**
     * Adds position {@code i} and the positions after it that optional items ({@code ?}, {@code *})
     * lead to without a message to {@code set}; returns the new size.
     */
    private int close(final int from, final int[] set, final int size, final int[] stamp, final int round) {
        int n = size;
        for (int i = from; i <= items.size(); i++) {
            if (stamp[i] == round) {
                break; // already there, and so is everything it leads to
            }
            stamp[i] = round;
            set[n++] = i;
            if (i == items.size()) {
                break;
            }
            final char q = items.get(i).quantifier();
            if (q != '?' && q != '*') {
                break;
            }
        }
        return n;
    }

    @Override
    public String toString() {
        final List<String> s = new ArrayList<>();
        items.forEach(i -> s.add(i.toString()));
        return String.join(", ", s);
    }
}
