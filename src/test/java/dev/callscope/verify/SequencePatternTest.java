package dev.callscope.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SequencePatternTest {
    private static List<SequencePattern.Message> msgs(final String... labels) {
        final List<SequencePattern.Message> l = new ArrayList<>();
        for (final String s : labels) {
            final boolean resp = Character.isDigit(s.charAt(0));
            l.add(new SequencePattern.Message(s, resp, resp ? "10.0.0.2:5060" : "10.0.0.1:5060", resp ? "10.0.0.1:5060" : "10.0.0.2:5060"));
        }
        return l;
    }

    private static boolean matches(final String pattern, final String... labels) {
        return SequencePattern.parse(pattern).matches(msgs(labels), Map.of());
    }

    @Test
    void optionalRepeatedAndClassItems() {
        final String p = "INVITE, 100?, 18x*, 200, ACK, BYE, 200";
        assertThat(matches(p, "INVITE", "100", "180", "200", "ACK", "BYE", "200")).isTrue();
        assertThat(matches(p, "INVITE", "180", "183", "180", "200", "ACK", "BYE", "200")).isTrue();
        assertThat(matches(p, "INVITE", "200", "ACK", "BYE", "200")).isTrue();
        assertThat(matches(p, "INVITE", "100", "486", "ACK")).isFalse();
        assertThat(matches(p, "INVITE", "100", "100", "200", "ACK", "BYE", "200")).isFalse();
        assertThat(matches(p, "INVITE", "100", "180", "200", "ACK", "BYE")).as("whole sequence").isFalse();
        assertThat(matches("INVITE, 1xx+, 4xx, ACK", "INVITE", "100", "180", "486", "ACK")).isTrue();
        assertThat(matches("INVITE, 1xx+, 4xx, ACK", "INVITE", "486", "ACK")).isFalse();
        assertThat(matches("invite, 2xx", "INVITE", "202")).as("methods case-insensitive").isTrue();
    }

    @Test
    void participantsConstrainDirection() {
        final SequencePattern p = SequencePattern.parse("a->b INVITE, b->a 200");
        final Map<String, Pattern> ps = Map.of("a", Pattern.compile("^10\\.0\\.0\\.1:"), "b", Pattern.compile("^10\\.0\\.0\\.2:"));
        assertThat(p.matches(msgs("INVITE", "200"), ps)).isTrue();
        assertThat(SequencePattern.parse("b->a INVITE, a->b 200").matches(msgs("INVITE", "200"), ps)).isFalse();
        assertThat(p.participants()).containsExactly("a", "b");
    }

    @Test
    void badItemsNameTheirPosition() {
        assertThatThrownBy(() -> SequencePattern.parse("INVITE, 2x0x")).hasMessageStartingWith("sequence item 2 '2x0x'");
        assertThatThrownBy(() -> SequencePattern.parse("INVITE,, 200")).hasMessageStartingWith("sequence item 2 ''");
        assertThatThrownBy(() -> SequencePattern.parse("INVITE??")).hasMessageStartingWith("sequence item 1");
        assertThat(SequencePattern.parse(" INVITE , 18x * ").toString()).isEqualTo("INVITE, 18x*");
    }

    /** The definition of a match, written as directly as it reads (memoised recursion): the reference for small cases. */
    private static boolean reference(final List<SequencePattern.Item> items, final List<SequencePattern.Message> ms, final int i,
                                     final int j, final Boolean[][] memo) {
        if (memo[i][j] != null) {
            return memo[i][j];
        }
        boolean r;
        if (i == items.size()) {
            r = j == ms.size();
        } else {
            final SequencePattern.Item it = items.get(i);
            final boolean here = j < ms.size() && it.matches(ms.get(j), Map.of());
            r = switch (it.quantifier()) {
                case '?' -> reference(items, ms, i + 1, j, memo) || here && reference(items, ms, i + 1, j + 1, memo);
                case '*' -> reference(items, ms, i + 1, j, memo) || here && reference(items, ms, i, j + 1, memo);
                case '+' -> here && (reference(items, ms, i, j + 1, memo) || reference(items, ms, i + 1, j + 1, memo));
                default -> here && reference(items, ms, i + 1, j + 1, memo);
            };
        }
        memo[i][j] = r;
        return r;
    }

    @Test
    void agreesWithTheDefinitionOnRandomPatternsAndSequences() {
        final Random rnd = new Random(17);
        final String[] whats = {"INVITE", "ACK", "1xx", "180", "2xx", "200"};
        final String[] labels = {"INVITE", "ACK", "100", "180", "200", "202"};
        final String[] quantifiers = {"", "", "?", "*", "+"};
        int matched = 0;
        for (int round = 0; round < 20_000; round++) {
            final List<String> parts = new ArrayList<>();
            for (int i = 1 + rnd.nextInt(6); i > 0; i--) {
                parts.add(whats[rnd.nextInt(whats.length)] + quantifiers[rnd.nextInt(quantifiers.length)]);
            }
            final String[] seq = new String[rnd.nextInt(9)];
            for (int i = 0; i < seq.length; i++) {
                seq[i] = labels[rnd.nextInt(labels.length)];
            }
            final SequencePattern p = SequencePattern.parse(parts);
            final List<SequencePattern.Message> ms = msgs(seq);
            final boolean expected = reference(p.items(), ms, 0, 0, new Boolean[p.items().size() + 1][ms.size() + 1]);
            assertThat(p.matches(ms, Map.of())).as("%s against %s", p, List.of(seq)).isEqualTo(expected);
            matched += expected ? 1 : 0;
        }
        assertThat(matched).as("both verdicts are exercised").isBetween(500, 19_500);
    }

    @Test
    void aCallOfThirtyThousandMessagesIsMatchedWithoutRecursion() {
        final String[] labels = new String[30_003];
        labels[0] = "INVITE";
        labels[1] = "200";
        labels[2] = "ACK";
        java.util.Arrays.fill(labels, 3, labels.length, "INFO");
        final List<SequencePattern.Message> ms = msgs(labels);
        final long t0 = System.nanoTime();
        assertThat(SequencePattern.parse("INVITE, 200, ACK, INFO*").matches(ms, Map.of())).isTrue();
        assertThat(SequencePattern.parse("INVITE, 200, ACK, INFO*, BYE").matches(ms, Map.of())).isFalse();
        assertThat(SequencePattern.parse("INVITE, 200?, ACK*, INFO+, INFO").matches(ms, Map.of())).isTrue();
        labels[20_000] = "BYE";
        assertThat(SequencePattern.parse("INVITE, 200, ACK, INFO*").matches(msgs(labels), Map.of())).isFalse();
        assertThat(System.nanoTime() - t0).as("ns").isLessThan(2_000_000_000L);
    }

    @Test
    void aSequenceOfTwentyThousandItemsIsMatchedWithoutRecursion() {
        final List<String> items = new ArrayList<>();
        final String[] labels = new String[20_000];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 2 == 0 ? "INFO" : "200";
            items.add(labels[i]);
        }
        final SequencePattern exact = SequencePattern.parse(items);
        final long t0 = System.nanoTime();
        assertThat(exact.matches(msgs(labels), Map.of())).isTrue();
        assertThat(exact.matches(msgs(java.util.Arrays.copyOf(labels, labels.length - 1)), Map.of())).as("one short").isFalse();
        // every item optional: the positions from the first INFO* on all stay reachable
        final List<String> optional = items.stream().map(s -> s + "*").toList();
        assertThat(SequencePattern.parse(optional).matches(msgs(java.util.Arrays.copyOf(labels, 1_000)), Map.of())).isTrue();
        assertThat(SequencePattern.parse(String.join(",", optional)).matches(msgs("INFO", "INFO", "ACK"), Map.of())).isFalse();
        assertThat(System.nanoTime() - t0).as("ns").isLessThan(5_000_000_000L);
    }
}
