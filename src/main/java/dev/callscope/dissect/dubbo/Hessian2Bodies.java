package dev.callscope.dissect.dubbo;

import com.alibaba.com.caucho.hessian.io.Hessian2Input;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes hessian2 bodies (serialization id 2) with hessian-lite, Dubbo's own decoder, in the layout
 * of Dubbo's {@code DubboCodec}: a request is dubbo version, service path, service version, method,
 * parameter-types descriptor, one object per argument, then the attachments map; a response is an
 * int kind then the value or exception and, for the "with attachments" kinds, a map; a response
 * whose status is not OK carries only an error string; an event carries one object (null for a
 * heartbeat). Nothing named by the capture is ever loaded or instantiated ({@link GenericHessianFactory}).
 */
final class Hessian2Bodies {
    static final int MAX_ARGUMENTS = 32;
    static final int MAX_ARGUMENT_CHARS = 256;
    static final int MAX_ATTACHMENTS = 64;
    static final int MAX_ATTACHMENT_CHARS = 256;

    static final int RESPONSE_WITH_EXCEPTION = 0;
    static final int RESPONSE_VALUE = 1;
    static final int RESPONSE_NULL_VALUE = 2;
    static final int RESPONSE_WITH_EXCEPTION_WITH_ATTACHMENTS = 3;
    static final int RESPONSE_VALUE_WITH_ATTACHMENTS = 4;
    static final int RESPONSE_NULL_VALUE_WITH_ATTACHMENTS = 5;

    static {
        // hessian-lite's static set-up reflects into java.base (BigInteger, StackTraceElement), which Java 17
        // refuses; it prints each refusal to stderr and carries on. They concern deserializers this decoder
        // never uses (GenericHessianFactory reads every type generically): keep them off the user's terminal.
        final PrintStream err = System.err;
        try {
            System.setErr(new PrintStream(OutputStream.nullOutputStream()));
            Class.forName("com.alibaba.com.caucho.hessian.io.SerializerFactory", true, Hessian2Bodies.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("hessian-lite is missing from the class path", e);
        } finally {
            System.setErr(err);
        }
    }

    private Hessian2Bodies() {
    }

    /** Runs the static set-up above (hessian-lite's, with its complaints kept off stderr) before a first read. */
    static void ensureLoaded() {
        // the class initializer has run once this method runs
    }

    /** Result of one decode: the body, and whether it stopped on an error. */
    record Result(DubboBody body, boolean broken) {
    }

    static Result decode(final byte[] array, final int offset, final int length, final boolean request, final boolean event,
                         final int status) {
        final Partial p = new Partial();
        try {
            final Hessian2Input in = new Hessian2Input(new ByteArrayInputStream(array, offset, length));
            in.setSerializerFactory(GenericHessianFactory.INSTANCE);
            if (event) {
                final Object o = in.readObject();
                p.eventData = o == null ? "null" : Summary.of(o, MAX_ARGUMENT_CHARS);
            } else if (request) {
                request(in, p);
            } else if (status != 20) {
                p.errorMessage = Summary.text(in.readObject(), 1024);
            } else {
                response(in, p);
            }
        } catch (IOException | RuntimeException e) {
            p.problem = "hessian2: " + describe(e);
        } catch (StackOverflowError e) {
            // Deliberate, narrow exception to "never catch Error": hessian-lite is a recursive parser and
            // the nesting depth comes from the capture. Nothing is left half-updated by this call.
            p.problem = "hessian2: nesting too deep";
        } catch (OutOfMemoryError e) {
            // hessian-lite sizes some arrays (class definition field names) from counts in the data; a
            // forged count asks for more than the heap before anything is read. Reported, not fatal.
            p.problem = "hessian2: a count in the body asks for more memory than the heap has";
        }
        return new Result(p.build(), p.problem != null);
    }

    private static String describe(final Throwable e) {
        final String m = e.getMessage();
        final String s = e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
        return s.length() > 200 ? s.substring(0, 200) : s;
    }

    private static void request(final Hessian2Input in, final Partial p) throws IOException {
        p.dubboVersion = in.readString();
        p.service = in.readString();
        p.version = in.readString();
        p.method = in.readString();
        p.parameterTypes = in.readString();
        final int n = Descriptors.count(p.parameterTypes);
        if (n < 0) {
            throw new IOException("unparsable parameter types descriptor");
        }
        p.arguments = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final Object arg = in.readObject();
            if (i < MAX_ARGUMENTS) {
                p.arguments.add(Summary.of(arg, MAX_ARGUMENT_CHARS));
            } else if (i == MAX_ARGUMENTS) {
                p.arguments.add("... " + (n - MAX_ARGUMENTS) + " more");
            }
        }
        p.attachments = attachments(in.readObject());
    }

    private static void response(final Hessian2Input in, final Partial p) throws IOException {
        final int kind = in.readInt();
        final boolean withAttachments;
        switch (kind) {
            case RESPONSE_VALUE:
            case RESPONSE_VALUE_WITH_ATTACHMENTS:
                p.resultKind = "value";
                p.value = Summary.of(in.readObject(), MAX_ARGUMENT_CHARS);
                withAttachments = kind == RESPONSE_VALUE_WITH_ATTACHMENTS;
                break;
            case RESPONSE_NULL_VALUE:
            case RESPONSE_NULL_VALUE_WITH_ATTACHMENTS:
                p.resultKind = "null";
                withAttachments = kind == RESPONSE_NULL_VALUE_WITH_ATTACHMENTS;
                break;
            case RESPONSE_WITH_EXCEPTION:
            case RESPONSE_WITH_EXCEPTION_WITH_ATTACHMENTS:
                p.resultKind = "exception";
                exception(in.readObject(), p);
                withAttachments = kind == RESPONSE_WITH_EXCEPTION_WITH_ATTACHMENTS;
                break;
            default:
                throw new IOException("unknown response kind " + kind);
        }
        if (withAttachments) {
            p.resultKind += "+attachments";
            p.attachments = attachments(in.readObject());
        }
    }

    /** A Throwable read as a generic map: its class name as sent and its detailMessage field. */
    private static void exception(final Object o, final Partial p) {
        if (o instanceof Map) {
            final Map<?, ?> m = (Map<?, ?>) o;
            final Object type = m.get(Summary.TYPE_KEY);
            p.exceptionClass = type == null ? null : type.toString();
            final Object msg = m.get("detailMessage");
            p.exceptionMessage = msg == null ? null : Summary.text(msg, 1024);
        } else {
            p.exceptionMessage = o == null ? null : Summary.of(o, 1024);
        }
        p.value = o == null ? null : Summary.of(o, MAX_ARGUMENT_CHARS);
    }

    static Map<String, String> attachments(final Object o) {
        final Map<String, String> out = new LinkedHashMap<>();
        if (o instanceof Map) {
            for (final Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) {
                if (Summary.TYPE_KEY.equals(e.getKey())) {
                    continue;
                }
                if (out.size() >= MAX_ATTACHMENTS) {
                    out.put("...", (((Map<?, ?>) o).size() - MAX_ATTACHMENTS) + " more");
                    break;
                }
                out.put(Summary.text(e.getKey(), 128), Summary.text(e.getValue(), MAX_ATTACHMENT_CHARS));
            }
        }
        return out;
    }

    /** Fields gathered so far, so that a body that breaks midway still reports what came before. */
    static final class Partial {
        String dubboVersion;
        String service;
        String version;
        String method;
        String parameterTypes;
        List<String> arguments;
        Map<String, String> attachments;
        String resultKind;
        String value;
        String exceptionClass;
        String exceptionMessage;
        String errorMessage;
        String eventData;
        String problem;

        DubboBody build() {
            return new DubboBody(dubboVersion, service, version, method, parameterTypes, arguments, attachments, resultKind,
                value, exceptionClass, exceptionMessage, errorMessage, eventData, problem);
        }
    }
}
