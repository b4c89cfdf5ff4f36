package dev.callscope.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.callscope.output.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Records handed to the encoder thread come out in the order given, mixed with those written at once. */
class StreamingOutputOrderTest {

    private static Json.Writable record(final int n) {
        return g -> {
            g.writeStartObject();
            g.writeNumberField("n", n);
            g.writeStringField("thread", Thread.currentThread().getName());
            g.writeEndObject();
        };
    }

    @Test
    void laterAndNowRecordsKeepTheirOrder() throws Exception {
        final StringWriter text = new StringWriter();
        final List<Integer> expected = new ArrayList<>();
        try (StreamingOutput out = new StreamingOutput(OutputTarget.of(null, new PrintWriter(text)), true)) {
            for (int i = 0; i < 5_000; i++) {
                if (i % 97 == 0) {
                    out.line(record(i)); // at once, after every record handed over before it
                } else {
                    out.lineLater(record(i), 1);
                }
                expected.add(i);
            }
            assertThat(out.records()).isEqualTo(5_000);
            out.commit();
        }
        final String[] lines = text.toString().split("\n");
        final List<Integer> seen = new ArrayList<>();
        boolean encoderUsed = false;
        for (final String l : lines) {
            seen.add(Integer.parseInt(l.replaceAll(".*\"n\":(\\d+).*", "$1")));
            encoderUsed |= l.contains("callscope-encode");
        }
        assertThat(seen).isEqualTo(expected);
        assertThat(encoderUsed).as("records were encoded on the second thread").isTrue();
    }

    @Test
    void heavyRecordsAreNotLeftWaitingPastTheWeightBound() throws Exception {
        final StringWriter text = new StringWriter();
        final CountDownLatch release = new CountDownLatch(1);
        try (StreamingOutput out = new StreamingOutput(OutputTarget.of(null, new PrintWriter(text)), true)) {
            out.lineLater(g -> {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                record(0).write(g);
            }, 1);
            final Thread reader = new Thread(() -> {
                out.lineLater(record(1), StreamingOutput.MAX_WEIGHT); // two records, far fewer than a batch,
                out.lineLater(record(2), 1); // past the weight bound: the reader waits for the encoder
            });
            reader.start();
            reader.join(2_000);
            assertThat(reader.isAlive()).as("the reader waits once the weight waiting passes the bound").isTrue();
            release.countDown();
            reader.join(10_000);
            assertThat(reader.isAlive()).isFalse();
            out.commit();
        }
        assertThat(text.toString().split("\n")).hasSize(3);
    }

    @Test
    void aRecordThatFailsToEncodeIsReportedOnTheReadingThread() throws Exception {
        final StringWriter text = new StringWriter();
        try (StreamingOutput out = new StreamingOutput(OutputTarget.of(null, new PrintWriter(text)), true)) {
            out.lineLater(record(1), 1);
            out.lineLater(g -> {
                throw new IllegalStateException("broken record");
            }, 1);
            assertThatThrownBy(out::commit).isInstanceOf(IllegalStateException.class).hasMessage("broken record");
        }
        assertThat(text.toString()).startsWith("{\"n\":1");
    }

    @Test
    void theReaderWaitsWhenTheEncoderIsFarBehind() throws Exception {
        final StringWriter text = new StringWriter();
        final CountDownLatch release = new CountDownLatch(1);
        try (StreamingOutput out = new StreamingOutput(OutputTarget.of(null, new PrintWriter(text)), true)) {
            out.lineLater(g -> {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                record(0).write(g);
            }, 1);
            final Thread reader = new Thread(() -> {
                for (int i = 1; i < (StreamingOutput.QUEUED + 2) * StreamingOutput.BATCH; i++) {
                    out.lineLater(record(i), 1);
                }
            });
            reader.start();
            reader.join(2_000);
            assertThat(reader.isAlive()).as("the reader is held once %d batches wait", StreamingOutput.QUEUED).isTrue();
            release.countDown();
            reader.join(10_000);
            assertThat(reader.isAlive()).isFalse();
            out.commit();
        }
        assertThat(text.toString().split("\n")).hasSize((StreamingOutput.QUEUED + 2) * StreamingOutput.BATCH);
    }
}
