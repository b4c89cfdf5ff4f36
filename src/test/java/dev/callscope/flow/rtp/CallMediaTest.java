package dev.callscope.flow.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.core.Endpoint;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Media endpoints from SDP text: address literals only, never a name lookup. */
class CallMediaTest {
    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "[2001:db8::1]", "2001:db8::1", "::1", "::ffff:10.0.0.1", " 192.168.1.255 "})
    void literalsAreRead(final String address) {
        final Endpoint e = CallMedia.endpoint(address, 5004);
        assertThat(e).isNotNull();
        assertThat(e.port()).isEqualTo(5004);
    }

    /** The bytes are those of the packets the media comes in: an IPv4-mapped address is its IPv4 host. */
    @org.junit.jupiter.api.Test
    void addressesAreTheHostsOfThePackets() {
        assertThat(CallMedia.endpoint("::ffff:10.0.0.1", 5004)).isEqualTo(new Endpoint(new byte[] {10, 0, 0, 1}, 5004));
        assertThat(CallMedia.endpoint("[2001:db8::1]", 6000).toString()).isEqualTo("[2001:db8::1]:6000");
        assertThat(CallMedia.endpoint("010.000.000.001", 6000)).isEqualTo(new Endpoint(new byte[] {10, 0, 0, 1}, 6000));
        assertThat(CallMedia.endpoint("10.0.0.1", 0)).isNull();
        assertThat(CallMedia.endpoint("10.0.0.1", 65536)).isNull();
    }

    /**
     * Not literals: the JDK would resolve the first ones in the DNS (the fuzz campaign found a run
     * waiting seconds on "c=IN IP4 256.0.0.12") and read the last ones in their legacy forms.
     */
    @ParameterizedTest
    @ValueSource(strings = {"256.0.0.12", "10.0.0.1a", "cafe", "dead.beef", ".::1", "1.2.3.4.5", "", "1.2.3", "167772161",
        "0x7f.1", "1::g"})
    void otherTextIsNeverLookedUp(final String address) {
        assertThat(CallMedia.endpoint(address, 5004)).isNull();
    }
}
