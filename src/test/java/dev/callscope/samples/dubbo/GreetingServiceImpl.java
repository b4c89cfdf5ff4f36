package dev.callscope.samples.dubbo;

import java.util.concurrent.CompletableFuture;

/** The provider's implementation. */
public final class GreetingServiceImpl implements GreetingService {
    @Override
    public String greet(final String name) {
        return "Hello, " + name;
    }

    @Override
    public int add(final int a, final int b) {
        return a + b;
    }

    @Override
    public String fail(final String why) {
        throw new IllegalStateException(why);
    }

    @Override
    public String slow(final long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "slept " + millis;
    }

    @Override
    public byte[] echo(final byte[] data) {
        return data;
    }

    @Override
    public CompletableFuture<String> greetAsync(final String name) {
        return CompletableFuture.completedFuture("Hi, " + name);
    }

    @Override
    public void note(final String text) {
        // one-way: nothing to answer
    }
}
