package dev.callscope.dissect;

import java.util.List;
import java.util.ServiceLoader;

/**
 * Reads values in an application serialization one dissector knows for another that carries them:
 * the dubbo dissector reads hessian2 for the values inside HTTP/2's Triple wrappers
 * (TripleRequestWrapper args, TripleResponseWrapper data). Implementations are found with {@link
 * ServiceLoader} in {@code META-INF/services/dev.callscope.dissect.ValueDecoder}, so dissectors never
 * import each other.
 */
public interface ValueDecoder {
    /** Whether this decoder reads values serialized as {@code serialization} ("hessian4", "hessian2", ...). */
    boolean handles(String serialization);

    /**
     * One value of {@code len} bytes at {@code off} rendered for people and bounded in length, or null
     * when the bytes do not decode. Must not throw on any input.
     */
    String value(String serialization, byte[] b, int off, int len);

    /** The decoders on the class path, loaded once. */
    static List<ValueDecoder> installed() {
        return Installed.ALL;
    }

    /** Holder: loaded on first use. */
    final class Installed {
        static final List<ValueDecoder> ALL = ServiceLoader.load(ValueDecoder.class,
            ValueDecoder.class.getClassLoader()).stream().map(ServiceLoader.Provider::get).toList();

        private Installed() {
        }
    }
}
