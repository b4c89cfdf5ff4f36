package dev.callscope.samples.dubbofail;

import java.util.concurrent.CompletableFuture;

/** Provider side of FailService. */
public final class FailServiceImpl implements FailService {
    @Override
    public String greet(final int seq, final String name) {
        return "Hello, " + name;
    }

    @Override
    public int add(final int seq, final int a, final int b) {
        return a + b;
    }

    @Override
    public String slow(final int seq, final int ms) {
        sleep(ms);
        return "slept " + ms;
    }

    @Override
    public byte[] echo(final int seq, final byte[] data) {
        return data;
    }

    @Override
    public byte[] big(final int seq, final int size) {
        final byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    @Override
    public CompletableFuture<String> sleepAsync(final int seq, final int ms) {
        sleep(ms);
        return CompletableFuture.completedFuture("slept " + ms + " seq " + seq);
    }

    @Override
    public String store(final int seq, final Object value) {
        return value == null ? "null" : value.getClass().getName();
    }

    @Override
    public Object unserializable(final int seq) {
        return new NotSerializableThing();
    }

    @Override
    public Object providerOnly(final int seq) {
        return new ProviderOnlyThing();
    }

    @Override
    public String ping(final int seq) {
        return "pong " + seq;
    }

    private static void sleep(final int ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
