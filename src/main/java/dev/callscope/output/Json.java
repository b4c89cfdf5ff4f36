package dev.callscope.output;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Collection;
import java.util.function.Function;

/** The one place that configures Jackson: snake_case fields are written by the views themselves. */
public final class Json {
    // no flush of the writer after each value: a JSON Lines run of a day's capture wrote one system
    // call per record; the writers' owners flush (StreamingOutput a few times a second, Main at the end)
    private static final ObjectMapper MAPPER = new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .disable(SerializationFeature.FLUSH_AFTER_WRITE_VALUE)
        .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    // a character outside the BMP is written as its four UTF-8 bytes, as a Writer's encoder would
    private static final ObjectMapper COMPACT = new ObjectMapper(JsonFactory.builder()
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build())
        .disable(SerializationFeature.FLUSH_AFTER_WRITE_VALUE)
        .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    private Json() {
    }

    /**
     * A JSON value written field by field straight to a generator. A record of JSON Lines is written
     * this way without becoming a tree (on a day's capture the trees were a fifth of what a run
     * allocated); {@link #tree} makes a tree of it where one is wanted.
     */
    @FunctionalInterface
    public interface Writable extends JsonSerializable {
        void write(JsonGenerator g) throws IOException;

        @Override
        default void serialize(final JsonGenerator g, final SerializerProvider provider) throws IOException {
            write(g);
        }

        @Override
        default void serializeWithType(final JsonGenerator g, final SerializerProvider provider, final TypeSerializer t)
            throws IOException {
            write(g);
        }
    }

    /** What {@code w} writes, as a tree (for callers that add to it or look into it). */
    public static ObjectNode tree(final Writable w) {
        try (TokenBuffer tb = new TokenBuffer(MAPPER, false)) {
            w.write(tb);
            try (JsonParser p = tb.asParser(MAPPER)) {
                return (ObjectNode) MAPPER.readTree(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A generator of compact JSON over {@code out} for many records: a flush only empties its
     * buffer into {@code out} (the owner of {@code out} decides when that reaches the system), and
     * records are not separated by a space (the caller writes the newline of JSON Lines).
     */
    public static JsonGenerator lineGenerator(final Writer out) throws IOException {
        return lines(COMPACT.getFactory().createGenerator(out));
    }

    /**
     * {@link #lineGenerator(Writer)} writing UTF-8 bytes: the text is encoded once, by the
     * generator, instead of being copied to characters and encoded again by a Writer (8 % of a
     * 100,000-call {@code calls --jsonl} run's samples). A character outside the
     * BMP is its four UTF-8 bytes as before; a lone surrogate, which a Writer replaced by '?', is
     * written as its escape.
     */
    public static JsonGenerator lineGenerator(final OutputStream out) throws IOException {
        return lines(COMPACT.getFactory().createGenerator(out, JsonEncoding.UTF8));
    }

    /**
     * JSON Lines over one generator ({@link #lineGenerator}): each record written whole, with its
     * newline, into the writer's or stream's buffer; the owner of that decides when it reaches the
     * system. Keeps Jackson's types out of the callers' packages.
     */
    public static final class Lines {
        private final JsonGenerator g;

        private Lines(final JsonGenerator g) {
            this.g = g;
        }

        public static Lines of(final Writer out) throws IOException {
            return new Lines(lineGenerator(out));
        }

        public static Lines of(final OutputStream out) throws IOException {
            return new Lines(lineGenerator(out));
        }

        /** One record (a tree or a {@link Writable}) and its newline. */
        public void write(final Object node) throws IOException {
            Json.write(g, node);
            g.writeRaw('\n');
            g.flush();
        }

        public void flush() throws IOException {
            g.flush();
        }
    }

    private static JsonGenerator lines(final JsonGenerator g) {
        g.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.setRootValueSeparator(null);
        return g;
    }

    /** Writes {@code node} (a tree, a {@link Writable}, or anything Jackson serialises) as one value. */
    public static void write(final JsonGenerator g, final Object node) throws IOException {
        if (node instanceof Writable w) {
            w.write(g);
        } else {
            g.writeObject(node);
        }
    }

    /** A field whose value is a number, or null when {@code v} is negative (not known). */
    public static void numberOrNull(final JsonGenerator g, final String name, final double v) throws IOException {
        g.writeFieldName(name);
        if (v < 0) {
            g.writeNull();
        } else {
            g.writeNumber(v);
        }
    }

    /** A field whose value is a number, or null when {@code v} is negative (not known). */
    public static void numberOrNull(final JsonGenerator g, final String name, final long v) throws IOException {
        g.writeFieldName(name);
        if (v < 0) {
            g.writeNull();
        } else {
            g.writeNumber(v);
        }
    }

    /** A field whose value is the text of {@code v}, or null. */
    public static void text(final JsonGenerator g, final String name, final Object v) throws IOException {
        g.writeStringField(name, v == null ? null : v.toString());
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** A node as compact UTF-8 JSON (one line, no indentation): for payloads sent on the network. */
    public static byte[] compactBytes(final JsonNode node) {
        try {
            return COMPACT.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A JSON array whose items are made one at a time while the document is written, so a document
     * of a hundred thousand calls or streams never holds them all as nodes at once. Put it in a tree
     * with {@code putPOJO}; the tree is then for writing only.
     */
    public static <T> JsonSerializable lazyArray(final Collection<T> items, final Function<? super T, ?> node) {
        return new JsonSerializable.Base() {
            @Override
            public void serialize(final JsonGenerator gen, final SerializerProvider provider) throws IOException {
                gen.writeStartArray();
                for (final T item : items) {
                    write(gen, node.apply(item));
                }
                gen.writeEndArray();
            }

            @Override
            public void serializeWithType(final JsonGenerator gen, final SerializerProvider provider, final TypeSerializer t)
                throws IOException {
                serialize(gen, provider);
            }
        };
    }

    /** One indented JSON document followed by a newline. */
    public static void writeDocument(final Writer out, final Object node) {
        try {
            MAPPER.writeValue(out, node);
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One compact JSON record on one line (JSON Lines). */
    public static void writeLine(final Writer out, final Object node) {
        try {
            COMPACT.writeValue(out, node);
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses JSON text (tests and spec files). */
    public static com.fasterxml.jackson.databind.JsonNode parse(final String text) throws IOException {
        return MAPPER.readTree(text);
    }
}
