package dev.callscope.dissect;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one reader of JSON found in packets (Dubbo's fastjson and gson bodies, WebSocket signalling):
 * jackson-core's streaming parser, which only tokenises and never loads a class, bounded by its
 * {@link StreamReadConstraints} (nesting, length of a number, of a string, of a name) and by a count
 * of values. It gives plain values: objects as {@code Map<String, Object>} in document order (of a
 * key given twice the first value is kept), arrays as {@code List<Object>}, strings, numbers as
 * {@code Long} (integers that fit) or {@code Double}, {@code Boolean} and {@code null}.
 *
 * <p>One thing beyond RFC 8259 is read too: names without quotes (fastjson writes the keys of a map of
 * numbers as {@code {1:"a"}}). Anything else malformed (a control character in a string, an unknown
 * escape, a trailing comma, a leading zero), or a bound passed, is a {@link Malformed}.
 */
public final class BoundedJson {
    /** Nesting levels read. */
    public static final int MAX_DEPTH = 32;
    /** Characters of one string or name. */
    public static final int MAX_STRING = 1 << 20;
    /** Digits of one number. */
    public static final int MAX_NUMBER = 100;

    private static final JsonFactory FACTORY = JsonFactory.builder()
        .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(MAX_DEPTH)
            .maxStringLength(MAX_STRING)
            .maxNameLength(MAX_STRING)
            .maxNumberLength(MAX_NUMBER)
            .build())
        .build();

    /** Text that is not one JSON value, or passes a bound; the message says what and where. */
    public static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(final String message) {
            super(message, null, false, false);
        }
    }

    private final JsonParser p;
    private final int maxValues;
    private int values;

    private BoundedJson(final JsonParser p, final int maxValues) {
        this.p = p;
        this.maxValues = maxValues;
    }

    /**
     * The one JSON value of {@code text}, nested at most {@link #MAX_DEPTH} levels and made of at
     * most {@code maxValues} values (an object or an array counts as one, and so does each value
     * in it).
     */
    public static Object parse(final String text, final int maxValues) throws Malformed {
        if (text == null) {
            throw new Malformed("no text");
        }
        try (JsonParser p = FACTORY.createParser(text)) {
            final BoundedJson j = new BoundedJson(p, maxValues);
            final JsonToken first = p.nextToken();
            if (first == null) {
                throw new Malformed("value expected at 0");
            }
            final Object v = j.value(first);
            if (p.nextToken() != null) {
                throw new Malformed("trailing text at " + p.currentTokenLocation().getCharOffset());
            }
            return v;
        } catch (JsonProcessingException e) {
            final long at = e.getLocation() != null ? e.getLocation().getCharOffset() : -1;
            throw new Malformed(e.getOriginalMessage() + (at >= 0 ? " at " + at : ""));
        } catch (IOException e) {
            throw new Malformed(e.getMessage()); // a String source does no I/O
        }
    }

    private Object value(final JsonToken t) throws IOException, Malformed {
        if (t == null) {
            throw new Malformed("text ends early");
        }
        if (++values > maxValues) {
            throw new Malformed("more than " + maxValues + " values at " + p.currentTokenLocation().getCharOffset());
        }
        switch (t) {
            case START_OBJECT: {
                final Map<String, Object> m = new LinkedHashMap<>();
                for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                    final Object v = value(p.nextToken());
                    m.putIfAbsent(name, v);
                }
                return m;
            }
            case START_ARRAY: {
                final List<Object> l = new ArrayList<>();
                for (JsonToken x = p.nextToken(); x != JsonToken.END_ARRAY; x = p.nextToken()) {
                    l.add(value(x));
                }
                return l;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? (Object) p.getValueAsDouble() : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new Malformed("unexpected " + t + " at " + p.currentTokenLocation().getCharOffset());
        }
    }
}
