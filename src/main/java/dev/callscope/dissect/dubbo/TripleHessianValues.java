package dev.callscope.dissect.dubbo;

import com.alibaba.com.caucho.hessian.io.Hessian2Input;
import dev.callscope.dissect.ValueDecoder;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * The hessian2 values inside Triple wrappers (Dubbo 3 names the serialization "hessian4" there, or
 * "hessian2"): each TripleRequestWrapper argument and the TripleResponseWrapper's data is one
 * hessian2 object, read generically as the dubbo protocol's bodies are ({@link Hessian2Bodies}).
 */
public final class TripleHessianValues implements ValueDecoder {
    @Override
    public boolean handles(final String serialization) {
        return "hessian4".equals(serialization) || "hessian2".equals(serialization);
    }

    @Override
    public String value(final String serialization, final byte[] b, final int off, final int len) {
        if (off < 0 || len < 0 || off > b.length - len) {
            return null;
        }
        Hessian2Bodies.ensureLoaded();
        try {
            final Hessian2Input in = new Hessian2Input(new ByteArrayInputStream(b, off, len));
            in.setSerializerFactory(GenericHessianFactory.INSTANCE);
            final Object o = in.readObject();
            if (o instanceof java.util.Map<?, ?> m && m.containsKey("detailMessage") && m.get(Summary.TYPE_KEY) != null) {
                // a Throwable (a tri-exception-code response): its class and message, as the dubbo protocol reports them
                final Object msg = m.get("detailMessage");
                return m.get(Summary.TYPE_KEY) + (msg == null ? "" : ": " + Summary.text(msg, 1024));
            }
            return Summary.of(o, Hessian2Bodies.MAX_ARGUMENT_CHARS);
        } catch (IOException | RuntimeException e) {
            return null;
        } catch (StackOverflowError | OutOfMemoryError e) {
            // as in Hessian2Bodies.decode: a recursive parser fed nesting or counts from the capture
            return null;
        }
    }
}
