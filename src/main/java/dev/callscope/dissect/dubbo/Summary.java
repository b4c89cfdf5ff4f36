package dev.callscope.dissect.dubbo;

import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Bounded one-line text for a decoded value (generic maps, lists, strings, numbers): strings quoted,
 * typed objects as {@code Type{field=value}}, byte arrays by size, everything cut at a character
 * budget and a depth, cycles shown as {@code <ref>}.
 */
final class Summary {
    /** Key under which generic maps carry the type name the capture gave (never a loaded class). */
    static final String TYPE_KEY = "$type";
    private static final int MAX_DEPTH = 6;
    private static final int MAX_ITEMS = 16;

    private Summary() {
    }

    static String of(final Object value, final int maxChars) {
        final StringBuilder sb = new StringBuilder();
        append(sb, value, maxChars, 0, new IdentityHashMap<>());
        if (sb.length() > maxChars) {
            sb.setLength(Math.max(0, maxChars - 3));
            sb.append("...");
        }
        return sb.toString();
    }

    private static void append(final StringBuilder sb, final Object v, final int max, final int depth,
                               final IdentityHashMap<Object, Boolean> seen) {
        if (sb.length() > max) {
            return;
        }
        if (v == null) {
            sb.append("null");
        } else if (v instanceof CharSequence) {
            final CharSequence s = (CharSequence) v;
            sb.append('"');
            final int n = Math.min(s.length(), Math.max(0, max - sb.length() + 1));
            for (int i = 0; i < n; i++) {
                final char c = s.charAt(i);
                sb.append(c < 0x20 ? ' ' : c);
            }
            if (n < s.length()) {
                sb.append("...");
            }
            sb.append('"');
        } else if (v instanceof JsonbReader.Note) {
            sb.append(((JsonbReader.Note) v).text());
        } else if (v instanceof byte[]) {
            sb.append("<").append(((byte[]) v).length).append(" bytes>");
        } else if (v instanceof Number || v instanceof Boolean || v instanceof Character) {
            sb.append(v);
        } else if (v instanceof java.util.Date) {
            sb.append("Date(").append(((java.util.Date) v).getTime()).append(')');
        } else if (v instanceof Map) {
            if (seen.put(v, Boolean.TRUE) != null || depth >= MAX_DEPTH) {
                sb.append(depth >= MAX_DEPTH ? "{...}" : "<ref>");
                return;
            }
            final Map<?, ?> m = (Map<?, ?>) v;
            final Object type = m.get(TYPE_KEY);
            if (type != null) {
                sb.append(shortType(type.toString()));
            }
            sb.append('{');
            int i = 0;
            for (final Map.Entry<?, ?> e : m.entrySet()) {
                if (TYPE_KEY.equals(e.getKey())) {
                    continue;
                }
                if (i > 0) {
                    sb.append(", ");
                }
                if (i++ >= MAX_ITEMS || sb.length() > max) {
                    sb.append("...");
                    break;
                }
                sb.append(e.getKey() instanceof CharSequence ? e.getKey().toString() : String.valueOf(e.getKey())).append('=');
                append(sb, e.getValue(), max, depth + 1, seen);
            }
            sb.append('}');
            seen.remove(v);
        } else if (v instanceof Collection || v instanceof Object[]) {
            if (seen.put(v, Boolean.TRUE) != null || depth >= MAX_DEPTH) {
                sb.append(depth >= MAX_DEPTH ? "[...]" : "<ref>");
                return;
            }
            final Iterable<?> it = v instanceof Collection ? (Collection<?>) v : java.util.Arrays.asList((Object[]) v);
            sb.append('[');
            int i = 0;
            for (final Object o : it) {
                if (i > 0) {
                    sb.append(", ");
                }
                if (i++ >= MAX_ITEMS || sb.length() > max) {
                    sb.append("...");
                    break;
                }
                append(sb, o, max, depth + 1, seen);
            }
            sb.append(']');
            seen.remove(v);
        } else if (v.getClass().isArray()) {
            sb.append('<').append(java.lang.reflect.Array.getLength(v)).append(' ')
                .append(v.getClass().getComponentType().getName()).append("s>");
        } else {
            // a value hessian-lite made itself (BigDecimal, UUID, ...): its text, never its class's own code
            sb.append(v.getClass().getSimpleName()).append('(').append(v).append(')');
        }
    }

    /** "com.example.User" shown as "User". */
    static String shortType(final String type) {
        final int dot = type.lastIndexOf('.');
        return dot >= 0 && dot < type.length() - 1 ? type.substring(dot + 1) : type;
    }

    /** A string value as it is (cut at {@code maxChars}), anything else summarised. */
    static String text(final Object value, final int maxChars) {
        if (value instanceof CharSequence) {
            final String s = value.toString();
            return s.length() > maxChars ? s.substring(0, Math.max(0, maxChars - 3)) + "..." : s;
        }
        return of(value, maxChars);
    }
}
