package dev.callscope.dissect.websocket;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, bounded JSON reader (RFC 8259) for signalling messages: objects become
 * {@code Map<String, Object>}, arrays {@code List<Object>}, strings {@code String} (unescaped:
 * {@code \" \\ \/ \b \f \n \r \t &#92;uXXXX}), and every other value (numbers, true, false, null)
 * {@link #SCALAR}. No library, no recursion beyond {@link #MAX_DEPTH} levels, at most
 * {@link #MAX_VALUES} values; anything malformed or over a bound gives null, never an exception.
 */
final class JsonScanner {
    /** Nesting levels read (deeper documents are rejected). */
    static final int MAX_DEPTH = 16;
    /** Values read from one document. */
    static final int MAX_VALUES = 20_000;
    /** Stands for a number, true, false or null. */
    static final Object SCALAR = new Object() {
        @Override
        public String toString() {
            return "scalar";
        }
    };

    private final String s;
    private int pos;
    private int values;

    private JsonScanner(final String s) {
        this.s = s;
    }

    /** The document's top-level value, or null when {@code text} is not one JSON value. */
    static Object parse(final String text) {
        if (text == null) {
            return null;
        }
        final JsonScanner j = new JsonScanner(text);
        try {
            j.ws();
            final Object v = j.value(0);
            if (v == null) {
                return null;
            }
            j.ws();
            return j.pos == text.length() ? v : null;
        } catch (StringIndexOutOfBoundsException e) {
            return null; // ran off the end: truncated document
        }
    }

    private void ws() {
        while (pos < s.length()) {
            final char c = s.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private Object value(final int depth) {
        if (depth > MAX_DEPTH || ++values > MAX_VALUES || pos >= s.length()) {
            return null;
        }
        final char c = s.charAt(pos);
        switch (c) {
            case '{':
                return object(depth);
            case '[':
                return array(depth);
            case '"':
                return string();
            default:
                return scalar();
        }
    }

    private Map<String, Object> object(final int depth) {
        pos++;
        final Map<String, Object> m = new LinkedHashMap<>();
        ws();
        if (s.charAt(pos) == '}') {
            pos++;
            return m;
        }
        while (true) {
            ws();
            if (s.charAt(pos) != '"') {
                return null;
            }
            final String key = string();
            if (key == null) {
                return null;
            }
            ws();
            if (s.charAt(pos) != ':') {
                return null;
            }
            pos++;
            ws();
            final Object v = value(depth + 1);
            if (v == null) {
                return null;
            }
            m.putIfAbsent(key, v);
            ws();
            final char c = s.charAt(pos++);
            if (c == '}') {
                return m;
            }
            if (c != ',') {
                return null;
            }
        }
    }

    private List<Object> array(final int depth) {
        pos++;
        final List<Object> l = new ArrayList<>();
        ws();
        if (s.charAt(pos) == ']') {
            pos++;
            return l;
        }
        while (true) {
            ws();
            final Object v = value(depth + 1);
            if (v == null) {
                return null;
            }
            l.add(v);
            ws();
            final char c = s.charAt(pos++);
            if (c == ']') {
                return l;
            }
            if (c != ',') {
                return null;
            }
        }
    }

    private String string() {
        pos++;
        final StringBuilder b = new StringBuilder();
        while (true) {
            final char c = s.charAt(pos++);
            if (c == '"') {
                return b.toString();
            }
            if (c < 0x20) {
                return null; // control characters must be escaped
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            final char e = s.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    int v = 0;
                    for (int i = 0; i < 4; i++) {
                        final int d = Character.digit(s.charAt(pos++), 16);
                        if (d < 0) {
                            return null;
                        }
                        v = (v << 4) | d;
                    }
                    b.append((char) v); // surrogate pairs come as two escapes and join up by themselves
                }
                default -> {
                    return null;
                }
            }
        }
    }

    private Object scalar() {
        final int start = pos;
        while (pos < s.length()) {
            final char c = s.charAt(pos);
            if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                break;
            }
            pos++;
        }
        final String t = s.substring(start, pos);
        if (t.equals("true") || t.equals("false") || t.equals("null") || t.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
            return SCALAR;
        }
        return null;
    }
}
