package dev.callscope.samples.dubbofail;

import java.util.concurrent.CompletableFuture;

/**
 * The service every capture in samples/dubbo-failures uses. Every method takes the consumer's call
 * sequence number first, so the provider's truth log (TruthFilter) can name the call.
 */
public interface FailService {
    String greet(int seq, String name);

    int add(int seq, int a, int b);

    /** Sleeps {@code ms} on the provider's thread, then answers "slept MS". */
    String slow(int seq, int ms);

    /** Answers the array it received. */
    byte[] echo(int seq, byte[] data);

    /** Answers a new array of {@code size} bytes. */
    byte[] big(int seq, int size);

    /** Asynchronous on the consumer; the provider sleeps {@code ms} on its own thread. */
    CompletableFuture<String> sleepAsync(int seq, int ms);

    /** Takes any object and answers its class name as the provider sees it. */
    String store(int seq, Object value);

    /** Answers an object the provider cannot serialise (NotSerializableThing). */
    Object unserializable(int seq);

    /** Answers an object whose class only the provider has (ProviderOnlyThing). */
    Object providerOnly(int seq);

    String ping(int seq);
}
