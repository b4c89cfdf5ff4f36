package dev.callscope.dissect.dubbo;

import dev.callscope.dissect.BoundedJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Bodies in serializations other than hessian2, decoded as far as is cheap and safe:
 * <ul>
 * <li>fastjson (6) and gson (16): one JSON text per line (Dubbo's JSON object outputs), parsed by
 *     {@link BoundedJson};</li>
 * <li>kryo (8) and kryo2 (25): the leading strings of a request (dubbo version, service, version,
 *     method) and a response's one-byte kind; the rest stays opaque;</li>
 * <li>fastjson2 (23): length-prefixed JSONB documents, read by {@link Fastjson2Bodies};</li>
 * <li>anything else (java, protobuf, ...): opaque, shown by its serialization's name and size.</li>
 * </ul>
 */
final class OtherBodies {
    private OtherBodies() {
    }

    static Hessian2Bodies.Result decode(final int serialization, final byte[] a, final int off, final int len,
                                        final boolean request, final boolean event, final int status) {
        switch (serialization) {
            case 6:
            case 16:
                return json(a, off, len, request, event, status);
            case 23:
                return Fastjson2Bodies.decode(a, off, len, request, event, status);
            case 8:
            case 25:
                try {
                    return kryo(a, off, len, request, event, status);
                } catch (RuntimeException e) {
                    return new Hessian2Bodies.Result(DubboBody.broken("kryo: " + e), true);
                }
            default:
                return new Hessian2Bodies.Result(DubboBody.NONE, false);
        }
    }

    // ------------------------------------------------------------------ JSON lines

    private static Hessian2Bodies.Result json(final byte[] a, final int off, final int len, final boolean request,
                                              final boolean event, final int status) {
        final Hessian2Bodies.Partial p = new Hessian2Bodies.Partial();
        final String text = new String(a, off, len, StandardCharsets.UTF_8);
        final List<String> lines = new ArrayList<>();
        for (final String l : text.split("\r?\n")) {
            if (!l.isBlank()) {
                lines.add(l.trim());
            }
        }
        int i = 0;
        try {
            if (event) {
                final Object o = lines.isEmpty() ? null : parseJson(lines.get(0));
                p.eventData = o == null ? "null" : Summary.of(o, Hessian2Bodies.MAX_ARGUMENT_CHARS);
            } else if (request) {
                p.dubboVersion = string(parseJson(lines.get(i++)));
                p.service = string(parseJson(lines.get(i++)));
                p.version = string(parseJson(lines.get(i++)));
                p.method = string(parseJson(lines.get(i++)));
                p.parameterTypes = string(parseJson(lines.get(i++)));
                final int n = Descriptors.count(p.parameterTypes);
                if (n < 0) {
                    throw new IllegalArgumentException("unparsable parameter types descriptor");
                }
                p.arguments = new ArrayList<>();
                for (int k = 0; k < n; k++) {
                    final Object arg = parseJson(lines.get(i++));
                    if (k < Hessian2Bodies.MAX_ARGUMENTS) {
                        p.arguments.add(Summary.of(arg, Hessian2Bodies.MAX_ARGUMENT_CHARS));
                    }
                }
                if (i < lines.size()) {
                    p.attachments = Hessian2Bodies.attachments(parseJson(lines.get(i)));
                }
            } else if (status != 20) {
                p.errorMessage = lines.isEmpty() ? null : Summary.text(parseJson(lines.get(0)), 1024);
            } else {
                final Object k = parseJson(lines.get(i++));
                final int kind = k instanceof Number ? ((Number) k).intValue() : -1;
                kind(p, kind);
                if (kind == Hessian2Bodies.RESPONSE_VALUE || kind == Hessian2Bodies.RESPONSE_VALUE_WITH_ATTACHMENTS
                    || kind == Hessian2Bodies.RESPONSE_WITH_EXCEPTION
                    || kind == Hessian2Bodies.RESPONSE_WITH_EXCEPTION_WITH_ATTACHMENTS) {
                    final Object v = parseJson(lines.get(i++));
                    p.value = Summary.of(v, Hessian2Bodies.MAX_ARGUMENT_CHARS);
                    if (p.resultKind.startsWith("exception") && v instanceof Map) {
                        final Object msg = ((Map<?, ?>) v).get("message");
                        p.exceptionMessage = msg == null ? null : Summary.text(msg, 1024);
                    }
                }
                if (p.resultKind.endsWith("+attachments") && i < lines.size()) {
                    p.attachments = Hessian2Bodies.attachments(parseJson(lines.get(i)));
                }
            }
        } catch (RuntimeException e) {
            p.problem = "json: " + (e instanceof IndexOutOfBoundsException ? "body ends early" : e.getMessage());
        }
        return new Hessian2Bodies.Result(p.build(), p.problem != null);
    }

    /** Values one JSON line may hold (an argument, a result, attachments). */
    static final int MAX_JSON_VALUES = 100_000;

    /** One line of a JSON body; an IllegalArgumentException saying what is wrong where when it is not JSON. */
    private static Object parseJson(final String line) {
        try {
            return BoundedJson.parse(line, MAX_JSON_VALUES);
        } catch (BoundedJson.Malformed e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    static void kind(final Hessian2Bodies.Partial p, final int kind) {
        switch (kind) {
            case Hessian2Bodies.RESPONSE_VALUE: p.resultKind = "value"; break;
            case Hessian2Bodies.RESPONSE_NULL_VALUE: p.resultKind = "null"; break;
            case Hessian2Bodies.RESPONSE_WITH_EXCEPTION: p.resultKind = "exception"; break;
            case Hessian2Bodies.RESPONSE_VALUE_WITH_ATTACHMENTS: p.resultKind = "value+attachments"; break;
            case Hessian2Bodies.RESPONSE_NULL_VALUE_WITH_ATTACHMENTS: p.resultKind = "null+attachments"; break;
            case Hessian2Bodies.RESPONSE_WITH_EXCEPTION_WITH_ATTACHMENTS: p.resultKind = "exception+attachments"; break;
            default: throw new IllegalArgumentException("unknown response kind " + kind);
        }
    }

    private static String string(final Object o) {
        return o == null ? null : o instanceof String ? (String) o : Summary.of(o, 256);
    }

    // ------------------------------------------------------------------ kryo

    private static Hessian2Bodies.Result kryo(final byte[] a, final int off, final int len, final boolean request,
                                              final boolean event, final int status) {
        final Hessian2Bodies.Partial p = new Hessian2Bodies.Partial();
        if (event) {
            p.eventData = len <= 1 ? "null" : "<" + len + " bytes>";
        } else if (request) {
            final KryoStrings k = new KryoStrings(a, off, len);
            p.dubboVersion = k.next();
            p.service = k.next();
            p.version = k.next();
            p.method = k.next();
            if (k.problem != null) {
                p.problem = "kryo: " + k.problem;
            }
        } else if (status == 20 && len >= 1) {
            try {
                kind(p, a[off]);
            } catch (IllegalArgumentException e) {
                p.problem = "kryo: " + e.getMessage();
            }
        }
        return new Hessian2Bodies.Result(p.build(), p.problem != null);
    }

    /** Kryo's string encoding: ASCII with the last byte's high bit set, or a flagged varint length then UTF-8. */
    private static final class KryoStrings {
        private final byte[] a;
        private final int end;
        private int pos;
        String problem;

        KryoStrings(final byte[] a, final int off, final int len) {
            this.a = a;
            this.pos = off;
            this.end = off + len;
        }

        String next() {
            if (problem != null) {
                return null;
            }
            if (pos >= end) {
                problem = "body ends early";
                return null;
            }
            final int b = a[pos] & 0xFF;
            if ((b & 0x80) == 0) {
                final StringBuilder sb = new StringBuilder();
                while (pos < end && sb.length() < 4096) {
                    final int c = a[pos++] & 0xFF;
                    sb.append((char) (c & 0x7F));
                    if ((c & 0x80) != 0) {
                        return sb.toString();
                    }
                }
                problem = "unterminated string";
                return null;
            }
            pos++;
            long n = b & 0x3F;
            if ((b & 0x40) != 0) {
                int shift = 6;
                int c;
                do {
                    if (pos >= end || shift > 27) {
                        problem = "bad string length";
                        return null;
                    }
                    c = a[pos++] & 0xFF;
                    n |= (long) (c & 0x7F) << shift;
                    shift += 7;
                } while ((c & 0x80) != 0);
            }
            if (n == 0) {
                return null;
            }
            final long chars = n - 1;
            if (chars > end - pos) {
                problem = "string longer than the body";
                return null;
            }
            // UTF-8 of `chars` characters: at least `chars` bytes; ASCII is the common case
            final StringBuilder sb = new StringBuilder((int) chars);
            while (sb.length() < chars && pos < end) {
                final int c = a[pos] & 0xFF;
                final int w = c < 0x80 ? 1 : c < 0xE0 ? 2 : 3;
                if (pos + w > end) {
                    problem = "string longer than the body";
                    return null;
                }
                sb.append(new String(a, pos, w, StandardCharsets.UTF_8));
                pos += w;
            }
            return sb.toString();
        }
    }
}
