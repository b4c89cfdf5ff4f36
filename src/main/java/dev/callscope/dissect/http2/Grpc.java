package dev.callscope.dissect.http2;

import dev.callscope.dissect.ValueDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * gRPC over HTTP/2 content: percent-decoding of grpc-message, bounded gzip, and what a message holds
 * without its schema: protobuf fields by number and wire type, or Dubbo Triple's wrappers
 * (TripleRequestWrapper: 1 serializeType, 2 args, 3 argTypes; TripleResponseWrapper: 1 serializeType,
 * 2 data, 3 type).
 */
final class Grpc {
    /** Fields listed in a summary. */
    static final int MAX_FIELDS = 16;

    private Grpc() {
    }

    /** "CANCEL (8)"; unknown codes by number. */
    static String errorName(final long code) {
        final String name = GrpcNames.error(code);
        return (name == null ? "error" : name) + " (" + code + ")";
    }

    /** grpc-message is percent-encoded UTF-8 (gRPC over HTTP/2, "Responses"); bad escapes stay as they are. */
    static String percentDecode(final String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        final ByteArrayOutputStream b = new ByteArrayOutputStream(s.length());
        final byte[] in = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '%' && i + 2 < in.length && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
                b.write(hex(in[i + 1]) << 4 | hex(in[i + 2]));
                i += 2;
            } else {
                b.write(in[i]);
            }
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    private static int hex(final byte c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    /** gzip-inflates {@code in} to at most {@code max} bytes; null when it is not gzip or inflates past the bound. */
    static byte[] gunzip(final byte[] in, final int off, final int len, final int max) {
        if (len < 18 || (in[off] & 0xFF) != 0x1f || (in[off + 1] & 0xFF) != 0x8b || in[off + 2] != 8) {
            return null;
        }
        final int flags = in[off + 3] & 0xFF;
        int p = off + 10;
        final int end = off + len;
        if ((flags & 4) != 0) {
            if (p + 2 > end) {
                return null;
            }
            p += 2 + ((in[p] & 0xFF) | (in[p + 1] & 0xFF) << 8);
        }
        for (final int bit : new int[] {8, 16}) {
            if ((flags & bit) != 0) {
                while (p < end && in[p] != 0) {
                    p++;
                }
                p++;
            }
        }
        if ((flags & 2) != 0) {
            p += 2;
        }
        if (p >= end) {
            return null;
        }
        final Inflater inf = new Inflater(true);
        try {
            inf.setInput(in, p, end - p);
            final ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(max, len * 4));
            final byte[] buf = new byte[8192];
            while (!inf.finished()) {
                final int n = inf.inflate(buf);
                if (n == 0) {
                    if (inf.needsInput() || inf.needsDictionary()) {
                        break;
                    }
                    continue;
                }
                if (out.size() + n > max) {
                    return null;
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (final DataFormatException e) {
            return null;
        } finally {
            inf.end();
        }
    }

    /** Values decoded per message side at most (the rest are counted). */
    static final int MAX_VALUES = 16;

    /**
     * What a message holds.
     *
     * @param text for a Triple wrapper "Triple hessian4 request: java.lang.String (1 value, 12 bytes)";
     *     for other protobuf its top-level fields ("protobuf: 1 string 'Ann', 2 varint 42"); "not
     *     protobuf (N bytes)" when the bytes do not parse
     * @param values a Triple wrapper's values as a {@link ValueDecoder} read them (empty when none
     *     reads the serialization; "?" for one that does not decode)
     */
    record Summary(String text, java.util.List<String> values) {
    }

    static String summary(final byte[] b, final int off, final int len, final boolean request) {
        return read(b, off, len, request).text();
    }

    static Summary read(final byte[] b, final int off, final int len, final boolean request) {
        final Proto p = new Proto(b, off, len);
        final StringBuilder fields = new StringBuilder();
        String serialize = null;
        final StringBuilder types = new StringBuilder();
        final java.util.List<int[]> places = new java.util.ArrayList<>(2);
        long payload = 0;
        int payloads = 0;
        int n = 0;
        boolean wrapperShape = true;
        while (p.next()) {
            if (n < MAX_FIELDS) {
                fields.append(n == 0 ? "" : ", ").append(p.field).append(' ').append(p.describe());
            }
            n++;
            if (p.field == 1 && p.wire == 2 && p.printable()) {
                serialize = p.text();
            } else if (p.field == 2 && p.wire == 2) {
                payload += p.len;
                payloads++;
                if (places.size() < MAX_VALUES) {
                    places.add(new int[] {p.at, p.len});
                }
            } else if (p.field == 3 && p.wire == 2 && p.printable()) {
                types.append(types.length() == 0 ? "" : ", ").append(p.text());
            } else {
                wrapperShape = false;
            }
        }
        if (p.bad) {
            return new Summary("not protobuf (" + len + " bytes)", java.util.List.of());
        }
        if (wrapperShape && serialize != null && serialize.matches("[a-z][a-z0-9]{2,20}")) {
            final java.util.List<String> values = values(serialize, b, places, payloads);
            return new Summary(String.format(Locale.ROOT, "Triple %s %s: %s (%d %s, %d bytes)%s", serialize,
                request ? "request" : "response", types.length() == 0 ? "-" : types, payloads, payloads == 1 ? "value" : "values",
                payload, values.isEmpty() ? "" : " = " + String.join(", ", values)), values);
        }
        return new Summary(n == 0 ? "protobuf: empty" : "protobuf: " + fields + (n > MAX_FIELDS ? ", ..." : ""), java.util.List.of());
    }

    private static java.util.List<String> values(final String serialization, final byte[] b, final java.util.List<int[]> places,
                                                 final int total) {
        for (final ValueDecoder d : ValueDecoder.installed()) {
            if (!d.handles(serialization)) {
                continue;
            }
            final java.util.List<String> out = new java.util.ArrayList<>(places.size() + 1);
            for (final int[] at : places) {
                final String v = d.value(serialization, b, at[0], at[1]);
                out.add(v == null ? "?" : v);
            }
            if (total > places.size()) {
                out.add("... " + (total - places.size()) + " more");
            }
            return out;
        }
        return java.util.List.of();
    }

    /** A protobuf field reader over bytes (no schema): number, wire type, and the value's place. */
    private static final class Proto {
        private final byte[] b;
        private int p;
        private final int end;
        int field;
        int wire;
        long value;
        int at;
        int len;
        boolean bad;

        Proto(final byte[] b, final int off, final int len) {
            this.b = b;
            this.p = off;
            this.end = off + len;
        }

        boolean next() {
            if (p >= end || bad) {
                return false;
            }
            final long key = varint();
            if (bad || key >>> 3 == 0) {
                bad = true;
                return false;
            }
            field = (int) Math.min(Integer.MAX_VALUE, key >>> 3);
            wire = (int) (key & 7);
            switch (wire) {
                case 0 -> value = varint();
                case 1 -> skip(8);
                case 5 -> skip(4);
                case 2 -> {
                    final long l = varint();
                    if (bad || l < 0 || l > end - p) {
                        bad = true;
                        return false;
                    }
                    at = p;
                    len = (int) l;
                    p += len;
                }
                default -> bad = true;
            }
            return !bad;
        }

        private void skip(final int n) {
            at = p;
            len = n;
            if (end - p < n) {
                bad = true;
            } else {
                p += n;
            }
        }

        private long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (p >= end) {
                    bad = true;
                    return 0;
                }
                final int x = b[p++] & 0xFF;
                v |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
            bad = true;
            return 0;
        }

        boolean printable() {
            for (int i = at; i < at + len; i++) {
                final int c = b[i] & 0xFF;
                if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                    return false;
                }
            }
            return true;
        }

        String text() {
            return new String(b, at, Math.min(len, 200), StandardCharsets.UTF_8);
        }

        String describe() {
            return switch (wire) {
                case 0 -> "varint " + value;
                case 1 -> "fixed64";
                case 5 -> "fixed32";
                default -> printable() && len > 0 ? "string '" + text() + "'" : "bytes(" + len + ")";
            };
        }
    }
}
