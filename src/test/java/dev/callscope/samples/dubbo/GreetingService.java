package dev.callscope.samples.dubbo;

import java.util.concurrent.CompletableFuture;

/** The service the sample provider exports over the dubbo protocol. */
public interface GreetingService {
    String greet(String name);

    int add(int a, int b);

    /** Always throws IllegalStateException with {@code why} as its message. */
    String fail(String why);

    /** Sleeps {@code millis} before answering (longer than the consumer's timeout in the sample). */
    String slow(long millis);

    /** Returns {@code data} (the sample sends more than 64 KiB). */
    byte[] echo(byte[] data);

    /** Asynchronous: a burst of these shares TCP segments. */
    CompletableFuture<String> greetAsync(String name);

    /** Called one-way (return=false): no response on the wire. */
    void note(String text);
}
