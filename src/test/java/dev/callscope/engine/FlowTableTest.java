package dev.callscope.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.core.FlowKey;
import dev.callscope.dissect.Transport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FlowTableTest {

    private static FlowKey key(final Random rnd, final boolean v6, final int space) {
        final int n = v6 ? 16 : 4;
        final byte[] src = new byte[n];
        final byte[] dst = new byte[n];
        src[0] = 127;
        dst[0] = 127;
        src[n - 1] = (byte) rnd.nextInt(space);
        dst[n - 1] = (byte) rnd.nextInt(space);
        final FlowKey k = new FlowKey();
        k.set(rnd.nextBoolean() ? 17 : 6, src, 5000 + rnd.nextInt(space), dst, 5000 + rnd.nextInt(space), n);
        return k;
    }

    /** Random operations on a small key space (many collisions and removals) against an access-ordered LinkedHashMap. */
    @Test
    void behavesLikeAnAccessOrderedMap() {
        for (final boolean v6 : new boolean[] {false, true}) {
            final Random rnd = new Random(v6 ? 7 : 3);
            final FlowTable table = new FlowTable();
            final Map<FlowKey, Conversation> model = new LinkedHashMap<>(16, 0.75f, true);
            long id = 0;
            for (int step = 0; step < 200_000; step++) {
                final FlowKey probe = key(rnd, v6, 12);
                final int op = rnd.nextInt(10);
                final Conversation expected = model.get(probe); // also moves it to the newest end
                final Conversation got = table.get(probe);
                assertThat(got).as("step %d get %s", step, probe).isSameAs(expected);
                if (got != null) {
                    table.touch(got);
                }
                if (op < 6 && got == null) {
                    final Conversation c = new Conversation(id++, probe.copy(), Transport.UDP, true, step, step);
                    table.put(c);
                    model.put(c.key, c);
                } else if (op < 8 && got != null) {
                    table.remove(got);
                    model.remove(got.key);
                } else if (op == 9 && !model.isEmpty()) {
                    final Conversation eldest = model.values().iterator().next();
                    assertThat(table.eldest()).isSameAs(eldest);
                    table.remove(eldest);
                    model.remove(eldest.key);
                }
                assertThat(table.size()).isEqualTo(model.size());
            }
            final List<Conversation> order = new ArrayList<>(model.values());
            assertThat(table.values()).containsExactlyElementsOf(order);
            for (final Conversation c : order) {
                assertThat(table.get(c.key)).isSameAs(c);
            }
            table.clear();
            assertThat(table.size()).isZero();
            assertThat(table.eldest()).isNull();
            assertThat(table.get(order.isEmpty() ? key(rnd, v6, 12) : order.get(0).key)).isNull();
        }
    }

    @Test
    void growsPastItsInitialCapacityAndFindsEveryKey() {
        final FlowTable table = new FlowTable();
        final List<Conversation> all = new ArrayList<>();
        final byte[] a = {10, 0, 0, 1};
        final byte[] b = {10, 0, 0, 2};
        for (int i = 0; i < 20_000; i++) {
            final FlowKey k = new FlowKey();
            k.set(17, a, 1024 + (i % 60_000), b, 2000 + i / 60_000, 4);
            final Conversation c = new Conversation(i, k.copy(), Transport.UDP, true, i, i);
            table.put(c);
            all.add(c);
        }
        assertThat(table.size()).isEqualTo(20_000);
        for (final Conversation c : all) {
            assertThat(table.get(c.key)).isSameAs(c);
        }
        for (int i = 0; i < all.size(); i += 2) {
            table.remove(all.get(i));
        }
        for (int i = 0; i < all.size(); i++) {
            assertThat(table.get(all.get(i).key)).isSameAs(i % 2 == 0 ? null : all.get(i));
        }
        assertThat(table.eldest()).isSameAs(all.get(1));
    }
}
