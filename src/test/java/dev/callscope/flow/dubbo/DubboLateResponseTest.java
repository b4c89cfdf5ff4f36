package dev.callscope.flow.dubbo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.flow.webrtc.WebrtcTestRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A response after the consumer's own deadline is a late response (samples/dubbo-failures, a real
 * Dubbo 3.2.16 consumer and provider): the consumer failed the call with a timeout at its
 * {@code timeout} attachment while the provider answered later. Truth: the programs' own log.
 */
class DubboLateResponseTest {
    private static final Pattern CALL = Pattern.compile(
        "^CALL seq=\\d+ method=\\S+ timeout=(\\d+).* outcome=(\\S+).*provider: req_id=(-?\\d+) .*timeout_attachment=(\\d+)");

    @Test
    void lateResponsesAreTheCallsTheConsumerTimedOut() throws Exception {
        final Path dir = Path.of("samples/dubbo-failures");
        final Map<Long, String> outcome = new HashMap<>();
        final Map<Long, Long> timeout = new HashMap<>();
        for (final String l : Files.readAllLines(dir.resolve("dubbo-late-response.truth.log"))) {
            final Matcher m = CALL.matcher(l);
            if (m.find()) {
                outcome.put(Long.parseLong(m.group(3)), m.group(2));
                timeout.put(Long.parseLong(m.group(3)), Long.parseLong(m.group(4)));
            }
        }
        assertThat(outcome).hasSize(9);
        final DubboTracker t = new DubboTracker();
        WebrtcTestRuns.run(dir.resolve("dubbo-late-response.pcap"), t);
        final List<DubboExchange> xs = t.exchanges();
        assertThat(xs).hasSize(outcome.size());
        for (final DubboExchange x : xs) {
            final long id = x.request().requestId();
            // every response came (status OK): the late one only after the consumer gave up
            assertThat(x.response()).isNotNull();
            assertThat(x.timeoutNanos()).isEqualTo(timeout.get(id) * 1_000_000L);
            assertThat(x.late()).as("request %d: consumer saw %s", id, outcome.get(id))
                .isEqualTo(outcome.get(id).equals("TimeoutException"));
        }
        assertThat(t.totals().lateResponses()).isEqualTo(outcome.values().stream().filter("TimeoutException"::equals).count())
            .isEqualTo(1);
        assertThat(t.methods()).filteredOn(m -> m.serviceMethod().endsWith("#slow")).singleElement()
            .satisfies(m -> assertThat(m.late()).isEqualTo(1));
    }
}
