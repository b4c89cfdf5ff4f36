package dev.callscope.dissect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DissectSpiTest {
    private record Fake(String id, Set<Binding> bindings) implements Dissector {
        @Override
        public Confidence accept(final Payload p, final PacketContext ctx) {
            return Confidence.NO;
        }

        @Override
        public DissectorSession open(final ConversationContext c) {
            return new DissectorSession() {
            };
        }
    }

    @Test
    void decodeAsAcceptsOurFormAndTsharks() {
        assertThat(DecodeAs.parse("udp.port=5070:sip")).isEqualTo(new DecodeAs(Transport.UDP, 5070, "sip"));
        assertThat(DecodeAs.parse("tcp.port==20881,dubbo")).isEqualTo(new DecodeAs(Transport.TCP, 20881, "dubbo"));
        assertThatThrownBy(() -> DecodeAs.parse("udp.port=99999:sip")).hasMessageContaining("over 65535");
        assertThatThrownBy(() -> DecodeAs.parse("sctp:sip")).hasMessageContaining("expected udp.port=PORT:PROTOCOL");
    }

    @Test
    void registrySortsByIdAndBuildsTables() {
        final DissectorRegistry r = DissectorRegistry.of(List.of(
            new Fake("zeta", Set.of(Binding.udpPort(5060), Binding.contentType("Application/SDP"))),
            new Fake("alpha", Set.of(Binding.tcpPort(20880)))));
        assertThat(r.ids()).containsExactly("alpha", "zeta");
        assertThat(r.heuristics()).extracting(Dissector::id).containsExactly("alpha", "zeta");
        assertThat(r.byPort(Transport.UDP, 5060)).extracting(Dissector::id).containsExactly("zeta");
        assertThat(r.byPort(Transport.TCP, 5060)).isEmpty();
        assertThat(r.byContentType("application/sdp; charset=utf-8").id()).isEqualTo("zeta");
    }

    @Test
    void duplicateIdsAreAStartupError() {
        assertThatThrownBy(() -> DissectorRegistry.of(List.of(new Fake("x", Set.of()), new Fake("x", Set.of()))))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("'x'");
    }

    @Test
    void payloadChecksBoundsAndWidensUnsigned() {
        final Payload p = new Payload(new byte[] {0, (byte) 0xff, (byte) 0xfe, 1, 2, 3, 4, 5, 6}, 1, 8);
        assertThat(p.u8(0)).isEqualTo(0xff);
        assertThat(p.u16(0)).isEqualTo(0xfffe);
        assertThat(p.u32(0)).isEqualTo(0xfffe0102L);
        assertThat(p.has(4, 4)).isTrue();
        assertThat(p.has(5, 4)).isFalse();
        assertThatThrownBy(() -> p.u32(5)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(p.indexOf(new byte[] {3, 4}, 0)).isEqualTo(4);
    }
}
