package dev.callscope.dissect.http2;

import java.util.List;
import java.util.ServiceLoader;

/**
 * Reads the values a Triple wrapper carries (TripleRequestWrapper args, TripleResponseWrapper data)
 * in a serialization this package does not know: the dubbo package reads hessian2 with the same
 * decoder as the dubbo protocol. Implementations are found with {@link ServiceLoader} in {@code
 * META-INF/services/dev.callscope.dissect.http2.TripleValueDecoder}, so HTTP/2 needs no dubbo code.
 */
public interface TripleValueDecoder {
    /** Whether this decoder reads values serialized as {@code serialization} ("hessian4", "hessian2", ...). */
    boolean handles(String serialization);

    /**
     * One value of {@code len} bytes at {@code off} rendered for people and bounded in length, or null
     * when the bytes do not decode. Must not throw on any input.
     */
    String value(String serialization, byte[] b, int off, int len);

    /** The decoders on the class path, loaded once. */
    static List<TripleValueDecoder> installed() {
        return Installed.ALL;
    }

    /** Holder: loaded on first use. */
    final class Installed {
        static final List<TripleValueDecoder> ALL = ServiceLoader.load(TripleValueDecoder.class,
            TripleValueDecoder.class.getClassLoader()).stream().map(ServiceLoader.Provider::get).toList();

        private Installed() {
        }
    }
}
