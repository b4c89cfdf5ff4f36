package dev.callscope.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReassemblyBudgetTest {
    private static final int O = ReassemblyBudget.ENTRY_OVERHEAD;
    private final List<String> evicted = new ArrayList<>();

    private final class E extends ReassemblyBudget.Entry {
        final String name;

        E(final String name, final ReassemblyBudget.Kind kind) {
            super(kind);
            this.name = name;
        }

        @Override
        protected void evicted() {
            evicted.add(name);
        }
    }

    @Test
    void theOldestGoesFirstUntilTheNewChargeFits() {
        final ReassemblyBudget b = new ReassemblyBudget(3 * (O + 100));
        final E a = new E("a", ReassemblyBudget.Kind.IP_DATAGRAM);
        final E c = new E("c", ReassemblyBudget.Kind.DTLS_HANDSHAKE);
        final E d = new E("d", ReassemblyBudget.Kind.TCP_OUT_OF_ORDER);
        final E e = new E("e", ReassemblyBudget.Kind.WEBSOCKET_MESSAGE);
        b.atFrame(1);
        assertThat(b.reserve(a, 100)).isTrue();
        b.atFrame(2);
        assertThat(b.reserve(c, 100)).isTrue();
        assertThat(b.reserve(d, 100)).isTrue();
        assertThat(b.used()).isEqualTo(3 * (O + 100));
        // a growing (a is the oldest, but it is not a that needs room from others here: c needs it)
        b.atFrame(3);
        assertThat(b.reserve(c, 50)).isTrue();
        assertThat(evicted).containsExactly("a");
        assertThat(a.pending()).isFalse();
        assertThat(b.used()).isEqualTo(2 * (O + 100) + 50);
        // a newcomer bigger than two entries: the two oldest go
        assertThat(b.reserve(e, 2 * O + 100)).isTrue();
        assertThat(evicted).containsExactly("a", "c", "d");
        assertThat(b.used()).isEqualTo(3 * O + 100);
        assertThat(b.peak()).isEqualTo(3 * (O + 100));
        assertThat(b.drops(ReassemblyBudget.Kind.IP_DATAGRAM)).isEqualTo(1);
        assertThat(b.drops(ReassemblyBudget.Kind.DTLS_HANDSHAKE)).isEqualTo(1);
        assertThat(b.droppedBytes(ReassemblyBudget.Kind.DTLS_HANDSHAKE)).isEqualTo(O + 150);
        assertThat(b.drops()).isEqualTo(3);
        final List<String> notices = new ArrayList<>();
        assertThat(b.drainNotices((kind, bytes, since, frame) -> notices.add(kind + " " + bytes + " " + since + " " + frame)))
            .isZero();
        assertThat(notices).containsExactly("IP_DATAGRAM " + (O + 100) + " 1 3", "DTLS_HANDSHAKE " + (O + 150) + " 2 3",
            "TCP_OUT_OF_ORDER " + (O + 100) + " 2 3");
        assertThat(b.hasNotices()).isFalse();
    }

    @Test
    void anEntryThatIsItselfTheOldestIsToldNo() {
        final ReassemblyBudget b = new ReassemblyBudget(2 * O + 100);
        final E a = new E("a", ReassemblyBudget.Kind.IP_DATAGRAM);
        final E c = new E("c", ReassemblyBudget.Kind.IP_DATAGRAM);
        assertThat(b.reserve(a, 50)).isTrue();
        assertThat(b.reserve(c, 50)).isTrue();
        assertThat(b.reserve(a, 10)).isFalse(); // a is the oldest: it is a that has to go
        assertThat(evicted).isEmpty();
        assertThat(b.used()).isEqualTo(2 * O + 100);
        b.dropped(a);
        assertThat(b.drops(ReassemblyBudget.Kind.IP_DATAGRAM)).isEqualTo(1);
        assertThat(b.used()).isEqualTo(O + 50);
        // alone and too big for the whole budget
        final E big = new E("big", ReassemblyBudget.Kind.TCP_MESSAGE);
        assertThat(b.reserve(big, 2 * O + 101)).isFalse();
        assertThat(evicted).containsExactly("c");
        assertThat(b.used()).isZero();
    }

    @Test
    void releaseGivesBytesBackAndReleaseAllEndsTheEntry() {
        final ReassemblyBudget b = new ReassemblyBudget(10_000);
        final E a = new E("a", ReassemblyBudget.Kind.TCP_MESSAGE);
        b.reserve(a, 1000);
        b.release(a, 400);
        assertThat(a.held()).isEqualTo(O + 600);
        b.release(a, 5000); // never below its bookkeeping while pending
        assertThat(a.held()).isEqualTo(O);
        assertThat(a.pending()).isTrue();
        b.releaseAll(a);
        b.releaseAll(a);
        assertThat(b.used()).isZero();
        assertThat(b.entries()).isZero();
        assertThat(b.peak()).isEqualTo(O + 1000);
    }
}
