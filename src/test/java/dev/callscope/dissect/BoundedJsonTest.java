package dev.callscope.dissect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one reader of JSON in packets: values, what it refuses, and its bounds. */
class BoundedJsonTest {

    private static Object parse(final String text) throws BoundedJson.Malformed {
        return BoundedJson.parse(text, 20_000);
    }

    @Test
    void unescapesStrings() throws Exception {
        assertThat(parse("{\"s\":\"a\\r\\n\\\"b\\\\c\\/d\\u00e9\\ud83d\\ude00\\t\"}"))
            .isEqualTo(Map.of("s", "a\r\n\"b\\c/d\u00e9\ud83d\ude00\t"));
    }

    @Test
    void givesPlainValues() throws Exception {
        assertThat(parse(" [1, -2.5e3, true, null, {\"a\":[]}, 12345678901234567890, \"x\"] "))
            .isEqualTo(Arrays.asList(1L, -2500.0, true, null, Map.of("a", List.of()), 1.2345678901234567E19, "x"));
        final Object o = parse("{\"b\":1,\"a\":2,\"b\":3}");
        assertThat(o).isInstanceOf(LinkedHashMap.class);
        assertThat(((Map<?, ?>) o).keySet().stream().map(String::valueOf).toList()).containsExactly("b", "a"); // document order; the first of a key given twice
        assertThat(((Map<?, ?>) o).get("b")).isEqualTo(1L);
        assertThat(parse("null")).isNull();
    }

    @Test
    void readsFastjsonKeysWithoutQuotes() throws Exception {
        assertThat(parse("{1:\"a\",2:\"b\"}")).isEqualTo(Map.of("1", "a", "2", "b"));
    }

    @Test
    void refusesWhatIsNotOneJsonValue() {
        for (final String bad : new String[] {"", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "[1 2]", "\"\\x\"", "\"\\u12\"",
            "\"a\nb\"", "{\"a\":tru}", "{} x", "{\"a\":\"b", "01", "[1,", "'a'"}) {
            assertThatThrownBy(() -> parse(bad)).as(bad).isInstanceOf(BoundedJson.Malformed.class);
        }
        assertThatThrownBy(() -> BoundedJson.parse(null, 1)).isInstanceOf(BoundedJson.Malformed.class);
    }

    @Test
    void boundsNestingValuesAndNumbers() throws Exception {
        assertThatThrownBy(() -> parse("[".repeat(100) + "]".repeat(100))).isInstanceOf(BoundedJson.Malformed.class);
        assertThat(parse("[".repeat(10) + "]".repeat(10))).isNotNull();
        assertThat(parse("[".repeat(BoundedJson.MAX_DEPTH) + "]".repeat(BoundedJson.MAX_DEPTH))).isNotNull();
        assertThatThrownBy(() -> parse("[".repeat(BoundedJson.MAX_DEPTH + 1) + "]".repeat(BoundedJson.MAX_DEPTH + 1)))
            .isInstanceOf(BoundedJson.Malformed.class);
        final String ones = "[" + "1,".repeat(99) + "1]"; // 101 values with the array
        assertThat(BoundedJson.parse(ones, 101)).asList().hasSize(100);
        assertThatThrownBy(() -> BoundedJson.parse(ones, 100)).isInstanceOf(BoundedJson.Malformed.class)
            .hasMessageContaining("more than 100 values");
        assertThatThrownBy(() -> parse("1" + "0".repeat(BoundedJson.MAX_NUMBER + 1))).isInstanceOf(BoundedJson.Malformed.class);
    }

    @Test
    void saysWhereTheTextIsWrong() {
        assertThatThrownBy(() -> parse("{\"a\":1} x")).hasMessageContaining("at ");
        assertThatThrownBy(() -> parse("{\"a\":tru}")).hasMessageContaining("at ");
    }
}
