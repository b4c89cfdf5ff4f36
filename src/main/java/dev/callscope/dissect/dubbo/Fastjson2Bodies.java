package dev.callscope.dissect.dubbo;

import java.util.ArrayList;
import java.util.Map;

/**
 * Bodies in Dubbo's fastjson2 serialization (id 23). Dubbo's {@code FastJson2ObjectOutput} writes
 * every value (each string, the response kind, each argument, the attachments map) as its own JSONB
 * document behind a 4-byte big-endian length; the values come in the layout of {@link Hessian2Bodies}
 * (request: dubbo version, service, version, method, parameter types, arguments, attachments;
 * response: kind, value or exception, attachments; non-OK status: an error string; event: one value).
 * Each document is read by {@link JsonbReader}; nothing named by the capture is loaded.
 */
final class Fastjson2Bodies {
    private Fastjson2Bodies() {
    }

    /** Never throws: what could be read is kept and the rest becomes the body's problem. */
    static Hessian2Bodies.Result decode(final byte[] a, final int off, final int len, final boolean request,
                                        final boolean event, final int status) {
        final Hessian2Bodies.Partial p = new Hessian2Bodies.Partial();
        final Values in = new Values(a, off, len);
        try {
            if (event) {
                final Object o = in.more() ? in.next() : null;
                p.eventData = o == null ? "null" : Summary.of(o, Hessian2Bodies.MAX_ARGUMENT_CHARS);
            } else if (request) {
                request(in, p);
            } else if (status != 20) {
                p.errorMessage = Summary.text(in.next(), 1024);
            } else {
                response(in, p);
            }
        } catch (JsonbReader.Malformed e) {
            p.problem = "fastjson2: " + e.getMessage();
        } catch (RuntimeException e) {
            // not expected (JsonbReader turns every failure into Malformed); a dissector must carry on regardless
            p.problem = "fastjson2: " + e.getClass().getSimpleName();
        } catch (StackOverflowError e) {
            // Narrow exception to "never catch Error": JsonbReader recurses at most MAX_DEPTH levels, which
            // fits any sane stack; should a thread's stack be tiny, the frame is reported, not lost.
            p.problem = "fastjson2: nesting too deep";
        }
        return new Hessian2Bodies.Result(p.build(), p.problem != null);
    }

    private static void request(final Values in, final Hessian2Bodies.Partial p) {
        p.dubboVersion = string(in.next());
        p.service = string(in.next());
        p.version = string(in.next());
        p.method = string(in.next());
        p.parameterTypes = string(in.next());
        final int n = Descriptors.count(p.parameterTypes);
        if (n < 0) {
            throw new JsonbReader.Malformed("unparsable parameter types descriptor");
        }
        p.arguments = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final Object arg = in.next();
            if (i < Hessian2Bodies.MAX_ARGUMENTS) {
                p.arguments.add(Summary.of(arg, Hessian2Bodies.MAX_ARGUMENT_CHARS));
            } else if (i == Hessian2Bodies.MAX_ARGUMENTS) {
                p.arguments.add("... " + (n - Hessian2Bodies.MAX_ARGUMENTS) + " more");
            }
        }
        if (in.more()) {
            p.attachments = Hessian2Bodies.attachments(in.next());
        }
    }

    private static void response(final Values in, final Hessian2Bodies.Partial p) {
        final Object k = in.next();
        if (!(k instanceof Number)) {
            throw new JsonbReader.Malformed("response kind is not a number: " + Summary.of(k, 64));
        }
        final int kind = ((Number) k).intValue();
        try {
            OtherBodies.kind(p, kind);
        } catch (IllegalArgumentException e) {
            throw new JsonbReader.Malformed(e.getMessage());
        }
        if (kind == Hessian2Bodies.RESPONSE_VALUE || kind == Hessian2Bodies.RESPONSE_VALUE_WITH_ATTACHMENTS) {
            p.value = Summary.of(in.next(), Hessian2Bodies.MAX_ARGUMENT_CHARS);
        } else if (kind == Hessian2Bodies.RESPONSE_WITH_EXCEPTION
            || kind == Hessian2Bodies.RESPONSE_WITH_EXCEPTION_WITH_ATTACHMENTS) {
            exception(in.next(), p);
        }
        if (p.resultKind.endsWith("+attachments")) {
            p.attachments = Hessian2Bodies.attachments(in.next());
        }
    }

    /** A Throwable read as a generic map: its type name as sent and its message field. */
    private static void exception(final Object o, final Hessian2Bodies.Partial p) {
        if (o instanceof Map) {
            final Map<?, ?> m = (Map<?, ?>) o;
            final Object type = m.get(Summary.TYPE_KEY);
            p.exceptionClass = type == null ? null : type.toString();
            Object msg = m.get("detailMessage");
            if (msg == null) {
                msg = m.get("message");
            }
            p.exceptionMessage = msg == null ? null : Summary.text(msg, 1024);
        } else {
            p.exceptionMessage = o == null ? null : Summary.text(o, 1024);
        }
        p.value = o == null ? null : Summary.of(o, Hessian2Bodies.MAX_ARGUMENT_CHARS);
    }

    private static String string(final Object o) {
        return o == null ? null : o instanceof String ? (String) o : Summary.of(o, 256);
    }

    /** The body as a sequence of length-prefixed JSONB documents. */
    private static final class Values {
        private final byte[] a;
        private final int end;
        private int pos;

        Values(final byte[] a, final int off, final int len) {
            this.a = a;
            this.pos = off;
            this.end = off + len;
        }

        boolean more() {
            return pos < end;
        }

        Object next() {
            if (end - pos < 4) {
                throw new JsonbReader.Malformed(pos == end ? "body ends early" : "truncated value length");
            }
            final int n = ((a[pos] & 0xFF) << 24) | ((a[pos + 1] & 0xFF) << 16) | ((a[pos + 2] & 0xFF) << 8) | (a[pos + 3] & 0xFF);
            pos += 4;
            if (n <= 0 || n > end - pos) {
                throw new JsonbReader.Malformed("value length " + Integer.toUnsignedString(n) + " with " + (end - pos)
                    + " bytes left");
            }
            final int start = pos;
            pos += n;
            return JsonbReader.read(a, start, n);
        }
    }
}
