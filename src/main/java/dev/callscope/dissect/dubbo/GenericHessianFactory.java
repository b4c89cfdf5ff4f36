package dev.callscope.dissect.dubbo;

import com.alibaba.com.caucho.hessian.io.AbstractDeserializer;
import com.alibaba.com.caucho.hessian.io.AbstractHessianInput;
import com.alibaba.com.caucho.hessian.io.Deserializer;
import com.alibaba.com.caucho.hessian.io.HessianProtocolException;
import com.alibaba.com.caucho.hessian.io.SerializerFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A hessian-lite {@link SerializerFactory} that never loads, initialises or instantiates a class
 * named by the data: every named type (objects, typed maps, typed lists, arrays) is read into a
 * {@link LinkedHashMap} or {@link ArrayList}, the type name kept under {@link Summary#TYPE_KEY}.
 * Class loading is refused as a second line of defence ({@link #loadSerializedClass} always fails and
 * the class factory is in allow-list mode with nothing allowed).
 */
final class GenericHessianFactory extends SerializerFactory {
    /** Stateless (every deserializer is made per use), so one instance serves every body. */
    static final GenericHessianFactory INSTANCE = new GenericHessianFactory();

    private GenericHessianFactory() {
        super(GenericHessianFactory.class.getClassLoader());
        getClassFactory().setWhitelist(true);
    }

    @Override
    public Class<?> loadSerializedClass(final String className) throws ClassNotFoundException {
        throw new ClassNotFoundException("class loading disabled: " + className);
    }

    @Override
    public Deserializer getDeserializer(final String type) throws HessianProtocolException {
        if (type == null || type.isEmpty()) {
            return null;
        }
        return new Generic(type);
    }

    @Override
    public Deserializer getObjectDeserializer(final String type, final Class cl) throws HessianProtocolException {
        return new Generic(type);
    }

    @Override
    public Deserializer getObjectDeserializer(final String type) throws HessianProtocolException {
        return new Generic(type);
    }

    @Override
    public Deserializer getListDeserializer(final String type, final Class cl) throws HessianProtocolException {
        return new Generic(type);
    }

    @Override
    public Deserializer getListDeserializer(final String type) throws HessianProtocolException {
        return new Generic(type);
    }

    /** Reads any typed value into generic maps and lists. */
    private static final class Generic extends AbstractDeserializer {
        private final String type;

        Generic(final String type) {
            this.type = type;
        }

        @Override
        public Class getType() {
            return Map.class;
        }

        private Map<Object, Object> newMap() {
            final Map<Object, Object> m = new LinkedHashMap<>();
            if (type != null && !type.isEmpty()) {
                m.put(Summary.TYPE_KEY, type);
            }
            return m;
        }

        @Override
        public Object readMap(final AbstractHessianInput in) throws IOException {
            final Map<Object, Object> m = newMap();
            in.addRef(m);
            while (!in.isEnd()) {
                m.put(in.readObject(), in.readObject());
            }
            in.readMapEnd();
            return m;
        }

        @Override
        public Object readMap(final AbstractHessianInput in, final Class<?> k, final Class<?> v) throws IOException {
            return readMap(in);
        }

        @Override
        public Object readObject(final AbstractHessianInput in, final String[] fieldNames) throws IOException {
            final Map<Object, Object> m = newMap();
            in.addRef(m);
            for (final String f : fieldNames) {
                m.put(f, in.readObject());
            }
            return m;
        }

        @Override
        public Object readList(final AbstractHessianInput in, final int length) throws IOException {
            final List<Object> l = new ArrayList<>();
            in.addRef(l);
            while (!in.isEnd()) {
                l.add(in.readObject());
            }
            in.readListEnd();
            return l;
        }

        @Override
        public Object readList(final AbstractHessianInput in, final int length, final Class<?> expected) throws IOException {
            return readList(in, length);
        }

        @Override
        public Object readLengthList(final AbstractHessianInput in, final int length) throws IOException {
            if (length < 0) {
                throw new IOException("negative list length " + length);
            }
            final List<Object> l = new ArrayList<>();
            in.addRef(l);
            for (int i = 0; i < length; i++) {
                l.add(in.readObject());
            }
            return l;
        }

        @Override
        public Object readLengthList(final AbstractHessianInput in, final int length, final Class<?> expected) throws IOException {
            return readLengthList(in, length);
        }
    }
}
