package dev.callscope.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.core.IpFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpTextTest {

    @ParameterizedTest
    @CsvSource({
        "10.0.0.1, 10.0.0.1",
        "0.0.0.0, 0.0.0.0",
        "255.255.255.255, 255.255.255.255",
        "2001:db8::1, 2001:db8::1",
        "::, ::",
        "::1, ::1",
        "fe80:0:0:0:21a:a0ff:fe07:32e0, fe80::21a:a0ff:fe07:32e0",
        "FD00:183:1:1:1886:9040:8605:32B8, fd00:183:1:1:1886:9040:8605:32b8",
        "::ffff:192.0.2.1, ::ffff:192.0.2.1",
        "64:ff9b::192.0.2.33, 64:ff9b::c000:221",
        "fe80::1%eth0, fe80::1",
        "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8",
        "1::, 1::",
    })
    void parsesLiterals(final String text, final String formatted) {
        final byte[] a = IpText.parse(text);
        assertThat(a).as(text).isNotNull();
        assertThat(IpFormat.format(a, 0, a.length)).isEqualTo(formatted);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.04a", "1..2.3", "1:2:3:4:5:6:7:8:9",
        "1:::2", "1::2::3", ":1::", "12345::", "g::1", "host.example.com", "$", "1.2.3.4/24", "::1.2.3",
        "1:2:3:4:5:6:7:1.2.3.4", "1111.1.1.1"})
    void rejectsEverythingElse(final String text) {
        assertThat(IpText.parse(text)).as(text).isNull();
    }

    @Test
    void hostNamesAndUnspecified() {
        assertThat(IpText.looksLikeHostName("host.atlanta.example.com")).isTrue();
        assertThat(IpText.looksLikeHostName("10.0.0.1")).isFalse();
        assertThat(IpText.looksLikeHostName("$")).isFalse();
        assertThat(IpText.isUnspecified(IpText.parse("0.0.0.0"))).isTrue();
        assertThat(IpText.isUnspecified(IpText.parse("::"))).isTrue();
        assertThat(IpText.isUnspecified(IpText.parse("::1"))).isFalse();
    }
}
