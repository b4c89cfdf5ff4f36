package dev.callscope.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class RegexBudgetTest {
    /** 61 characters, 45 of them 'a', not ending in 'a': (.*a){10}$ tries every way to pick ten of them. */
    static final String FROM = "sip:" + "a".repeat(45) + "@example.com";

    @Test
    void ordinaryPatternsGiveTheirAnswer() {
        assertThat(RegexBudget.find(Pattern.compile("alice"), "sip:alice@example.com")).isTrue();
        assertThat(RegexBudget.find(Pattern.compile("^sip:bob@"), "sip:alice@example.com")).isFalse();
        assertThat(RegexBudget.find(Pattern.compile("(.*a){10}$"), "a".repeat(12))).isTrue();
        assertThat(RegexBudget.find(Pattern.compile(""), "")).isTrue();
    }

    @Test
    @Timeout(10)
    void aBacktrackingPatternStopsAtTheBudget() {
        assertThat(FROM).hasSize(61);
        final long t0 = System.nanoTime();
        assertThatThrownBy(() -> RegexBudget.find(Pattern.compile("(.*a){10}$"), FROM))
            .isInstanceOfSatisfying(RegexBudget.TooSlowException.class, e -> {
                assertThat(e.pattern()).isEqualTo("(.*a){10}$");
                assertThat(e.length()).isEqualTo(61);
                assertThat(e.describe("--from", "a From").getMessage())
                    .isEqualTo("--from pattern '(.*a){10}$' takes too long on a From of 61 characters; simplify it");
            });
        assertThat((System.nanoTime() - t0) / 1_000_000).as("ms").isLessThan(2_000);
    }

    @Test
    void theBudgetCountsCharacterReads() {
        final Pattern p = Pattern.compile("b");
        assertThat(RegexBudget.find(p, "aaaab", 5)).isTrue();
        assertThatThrownBy(() -> RegexBudget.find(p, "aaaab", 4)).isInstanceOf(RegexBudget.TooSlowException.class);
    }
}
