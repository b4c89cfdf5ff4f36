package dev.callscope.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Ctrl-C cancels the running command, not the shell. */
class ShellCancelTest {
    static final CountDownLatch STARTED = new CountDownLatch(1);

    @Command(name = "root", subcommands = {Sleep.class, Echo.class})
    static final class Root implements Runnable {
        @Override
        public void run() {
        }
    }

    @Command(name = "sleep")
    static final class Sleep implements Runnable {
        @Override
        public void run() {
            STARTED.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Command(name = "echo")
    static final class Echo implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().getOut().println("still here");
        }
    }

    @Test
    void ctrlCCancelsTheCommandAndTheShellGoesOn() throws Exception {
        final PipedOutputStream keys = new PipedOutputStream();
        final PipedInputStream in = new PipedInputStream(keys);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final Shell shell = Shell.onStreams(new CommandLine(new Root()), in, out, null, before -> List.of(), () -> "> ");
        final Thread t = new Thread(() -> shell.run(List.of()));
        t.start();
        keys.write("sleep\n".getBytes(StandardCharsets.UTF_8));
        keys.flush();
        assertThat(STARTED.await(10, TimeUnit.SECONDS)).isTrue();
        final long start = System.nanoTime();
        while (!shell.cancelRunning()) {
            Thread.sleep(10);
            assertThat(System.nanoTime() - start).isLessThan(10_000_000_000L);
        }
        keys.write("echo\nexit\n".getBytes(StandardCharsets.UTF_8));
        keys.flush();
        t.join(10_000);
        assertThat(t.isAlive()).isFalse();
        final String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("^C: command cancelled").contains("still here");
        assertThat(System.nanoTime() - start).isLessThan(30_000_000_000L);
    }
}
