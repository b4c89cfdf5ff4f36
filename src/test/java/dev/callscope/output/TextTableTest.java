package dev.callscope.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextTableTest {
    private static List<String> lines(final TextTable t) {
        final StringWriter s = new StringWriter();
        try (PrintWriter out = new PrintWriter(s)) {
            t.print(out);
        }
        return List.of(s.toString().split("\n"));
    }

    private static TextTable calls(final int width) {
        return new TextTable(">#", "From", "Source", ">Msgs", "Call-ID")
            .shrink("From", 8, TextTable.Keep.START).shrink("Source", 10, TextTable.Keep.END)
            .shrink("Call-ID", 8, TextTable.Keep.START).drop("Source").width(width)
            .row(1, "sip:alice@example.com", "192.168.100.200:5060", 1234567, "a84b4c76e66710@pc33.atlanta.com")
            .row(22, "sip:bob@b.example", "10.0.0.1:5060", 7, "short");
    }

    @Test
    void withoutAWidthEveryValueIsWhole() {
        final List<String> l = lines(calls(0));
        assertThat(l.get(2)).isEqualTo(" 1  sip:alice@example.com  192.168.100.200:5060  1234567  a84b4c76e66710@pc33.atlanta.com");
        assertThat(l).noneMatch(x -> x.contains(TextTable.ELLIPSIS));
    }

    @Test
    void theWidestShrinkableColumnGivesUpCharactersFirstAndNumbersStayWhole() {
        final int whole = lines(calls(0)).get(2).length();
        final List<String> l = lines(calls(whole - 10));
        assertThat(l).allMatch(x -> x.length() <= whole - 10);
        // Call-ID (31) was the widest: it alone gave up the 10 characters, keeping its start
        assertThat(l.get(2)).isEqualTo(" 1  sip:alice@example.com  192.168.100.200:5060  1234567  a84b4c76e66710@pc33.…");
        assertThat(l.get(0)).startsWith(" #  From                   Source");
    }

    @Test
    void addressesKeepTheirEndAndAColumnIsLeftOutOnlyWhenTheMinimumsDoNotFit() {
        final List<String> l = lines(calls(60));
        assertThat(l).allMatch(x -> x.length() <= 60);
        assertThat(l.get(2)).contains("1234567").contains("  ….100.200:5060  ").startsWith(" 1  sip:alice@exa…  ")
            .endsWith("  a84b4c76e66710…");
        final List<String> narrow = lines(calls(40));
        assertThat(narrow.get(0)).doesNotContain("Source");
        assertThat(narrow).allMatch(x -> x.length() <= 40);
        // the room Source left is shared by the others: From and Call-ID cut to within a character of each other
        assertThat(narrow.get(2)).isEqualTo(" 1  sip:alice@e…  1234567  a84b4c76e667…");
        // minimums hold even when the table cannot fit: numbers and headers are never cut
        final List<String> tiny = lines(calls(20));
        assertThat(tiny.get(2)).isEqualTo(" 1  sip:ali…  1234567  a84b4c7…");
        assertThat(tiny.get(0)).contains("Call-ID");
    }

    @Test
    void streamedRowsAreFittedAsKeptOnes() {
        final StringWriter s = new StringWriter();
        try (PrintWriter out = new PrintWriter(s)) {
            final Object[][] rows = {{1, "sip:alice@example.com", "192.168.100.200:5060", 1234567, "a84b4c76e66710@pc33.atlanta.com"},
                {22, "sip:bob@b.example", "10.0.0.1:5060", 7, "short"}};
            new TextTable(">#", "From", "Source", ">Msgs", "Call-ID")
                .shrink("From", 8, TextTable.Keep.START).shrink("Source", 10, TextTable.Keep.END)
                .shrink("Call-ID", 8, TextTable.Keep.START).drop("Source").width(40).print(out, 2, i -> rows[i]);
        }
        assertThat(s.toString().split("\n")).containsExactlyElementsOf(lines(calls(40)));
    }

    @Test
    void wrapBreaksAtSpacesAndIndentsTheFollowingLines() {
        assertThat(TextTable.wrap("  one two three four", 12, 4)).containsExactly("  one two", "    three", "    four");
        assertThat(TextTable.wrap("short", 3, 2)).containsExactly("short");
        // parts two spaces apart stay together where they fit
        assertThat(TextTable.wrap("a b  c d  e", 7, 0)).containsExactly("a b", "c d  e");
        assertThat(TextTable.wrap("a b c", 0, 2)).containsExactly("a b c");
        assertThat(TextTable.cut("127.0.0.11:5060", 8, TextTable.Keep.END)).isEqualTo("…11:5060");
        assertThat(TextTable.cut("127.0.0.11:5060", 15, TextTable.Keep.END)).isEqualTo("127.0.0.11:5060");
    }
}
