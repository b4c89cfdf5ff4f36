package dev.callscope.hep;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class UdpDropsTest {
    @Test
    void readsTheDropsColumnOfTheLineWithThePort() {
        final String line = "  812: 0100007F:4AA4 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 "
            + "123456 2 0000000000000000 4711";
        assertThat(UdpDrops.drops(line, 0x4AA4)).isEqualTo(4711);
        assertThat(UdpDrops.drops(line, 9060)).isEqualTo(-1);
        assertThat(UdpDrops.drops("  sl  local_address rem_address   st", 9060)).isEqualTo(-1);
        assertThat(UdpDrops.drops("", 9060)).isEqualTo(-1);
    }

    @Test
    void aBoundSocketIsListedWithNoDrops() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            // Linux lists every bound UDP socket; elsewhere -1
            final long d = UdpDrops.of(s.getLocalPort());
            if (new java.io.File("/proc/net/udp").canRead()) {
                assertThat(d).isZero();
            } else {
                assertThat(d).isEqualTo(-1);
            }
        }
    }
}
