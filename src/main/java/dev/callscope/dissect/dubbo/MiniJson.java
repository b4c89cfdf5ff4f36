package dev.callscope.dissect.dubbo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, bounded JSON reader for the JSON texts of Dubbo's fastjson and gson serializations
 * (dissectors may not use Jackson). Gives maps, lists, strings, numbers (as Long or Double),
 * booleans and null; nesting is capped at {@link #MAX_DEPTH}; errors are IllegalArgumentException.
 */
final class MiniJson {
    static final int MAX_DEPTH = 32;
    private final String s;
    private int i;

    private MiniJson(final String s) {
        this.s = s;
    }

    static Object parse(final String text) {
        final MiniJson j = new MiniJson(text);
        final Object v = j.value(0);
        j.ws();
        if (j.i != text.length()) {
            throw new IllegalArgumentException("trailing text at " + j.i);
        }
        return v;
    }

    private void ws() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }

    private IllegalArgumentException err(final String what) {
        return new IllegalArgumentException(what + " at " + i);
    }

    private Object value(final int depth) {
        if (depth > MAX_DEPTH) {
            throw err("nesting too deep");
        }
        ws();
        if (i >= s.length()) {
            throw err("value expected");
        }
        final char c = s.charAt(i);
        switch (c) {
            case '{': {
                i++;
                final Map<Object, Object> m = new LinkedHashMap<>();
                ws();
                if (i < s.length() && s.charAt(i) == '}') {
                    i++;
                    return m;
                }
                while (true) {
                    ws();
                    final Object k = value(depth + 1);
                    ws();
                    expect(':');
                    m.put(k instanceof String ? k : String.valueOf(k), value(depth + 1));
                    ws();
                    if (i < s.length() && s.charAt(i) == ',') {
                        i++;
                        continue;
                    }
                    expect('}');
                    return m;
                }
            }
            case '[': {
                i++;
                final List<Object> l = new ArrayList<>();
                ws();
                if (i < s.length() && s.charAt(i) == ']') {
                    i++;
                    return l;
                }
                while (true) {
                    l.add(value(depth + 1));
                    ws();
                    if (i < s.length() && s.charAt(i) == ',') {
                        i++;
                        continue;
                    }
                    expect(']');
                    return l;
                }
            }
            case '"':
                return string();
            case 't':
                return word("true", Boolean.TRUE);
            case 'f':
                return word("false", Boolean.FALSE);
            case 'n':
                return word("null", null);
            default:
                return number();
        }
    }

    private void expect(final char c) {
        if (i >= s.length() || s.charAt(i) != c) {
            throw err("'" + c + "' expected");
        }
        i++;
    }

    private Object word(final String w, final Object v) {
        if (!s.startsWith(w, i)) {
            throw err("bad literal");
        }
        i += w.length();
        return v;
    }

    private Object number() {
        final int start = i;
        while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        final String n = s.substring(start, i);
        if (n.isEmpty()) {
            throw err("unexpected character");
        }
        try {
            if (n.indexOf('.') < 0 && n.indexOf('e') < 0 && n.indexOf('E') < 0 && n.length() < 19) {
                return Long.parseLong(n);
            }
            return Double.parseDouble(n);
        } catch (NumberFormatException e) {
            throw err("bad number");
        }
    }

    private String string() {
        i++;
        final StringBuilder sb = new StringBuilder();
        while (i < s.length()) {
            final char c = s.charAt(i++);
            if (c == '"') {
                return sb.toString();
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (i >= s.length()) {
                break;
            }
            final char e = s.charAt(i++);
            switch (e) {
                case 'n': sb.append('\n'); break;
                case 't': sb.append('\t'); break;
                case 'r': sb.append('\r'); break;
                case 'b': sb.append('\b'); break;
                case 'f': sb.append('\f'); break;
                case 'u':
                    if (i + 4 > s.length()) {
                        throw err("bad escape");
                    }
                    try {
                        sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    } catch (NumberFormatException x) {
                        throw err("bad escape");
                    }
                    i += 4;
                    break;
                default: sb.append(e);
            }
        }
        throw err("unterminated string");
    }
}
