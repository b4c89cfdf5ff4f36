package dev.callscope.output;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
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
    private static final ObjectMapper COMPACT = new ObjectMapper()
        .disable(SerializationFeature.FLUSH_AFTER_WRITE_VALUE)
        .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    private Json() {
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
    public static <T> JsonSerializable lazyArray(final Collection<T> items, final Function<? super T, ? extends JsonNode> node) {
        return new JsonSerializable.Base() {
            @Override
            public void serialize(final JsonGenerator gen, final SerializerProvider provider) throws IOException {
                gen.writeStartArray();
                for (final T item : items) {
                    gen.writeTree(node.apply(item));
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
