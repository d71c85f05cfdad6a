package io.procbus.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.VertxModule;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads JSON into data objects with Jackson, strictly: an unknown key, a wrong type (no coercion of {@code "5"} to
 * 5, of 5 to {@code "5"} or of 1.5 to 1), a number out of the field's range, a null for a number or an unknown enum
 * name stops the read with a message naming the key's path ({@code limits.maxProcesses}). The one schema of the
 * configuration files and, through {@link #problem}, of the commands on the bus: the data objects' bean properties.
 */
public final class ConfigReader {

  private static final ObjectMapper MAPPER = mapper();

  private ConfigReader() {
  }

  private static ObjectMapper mapper() {
    ObjectMapper mapper = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .addModule(new VertxModule()) // writes JsonObject, JsonArray and Buffer values into a token buffer
      .addModule(new SimpleModule().addDeserializer(Buffer.class, new Base64UrlBuffer()))
      .build();
    for (CoercionInputShape scalar : List.of(CoercionInputShape.Integer, CoercionInputShape.Float,
      CoercionInputShape.Boolean)) {
      mapper.coercionConfigFor(LogicalType.Textual).setCoercion(scalar, CoercionAction.Fail);
    }
    return mapper;
  }

  /**
   * Reads {@code json} as a {@code type}.
   *
   * @throws IllegalArgumentException naming the offending key and what was wrong with it
   */
  public static <T> T read(JsonObject json, Class<T> type) {
    try {
      return MAPPER.readValue(json.encode(), type);
    } catch (JsonMappingException e) {
      throw new IllegalArgumentException("bad configuration at '" + path(e) + "': " + e.getOriginalMessage(), e);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("bad configuration: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * What is wrong with {@code value}, a JSON value as Vert.x holds it, read strictly as {@code type}; nulls stand
   * for absent fields. The answer starts with the path inside the value, or is {@code null} when nothing is:
   * {@code ".options.stdin.mode must be one of [PIPE, …]"}, {@code " must be a string"},
   * {@code ": unknown field 'comand' (known: […])"}.
   */
  public static String problem(Object value, Type type) {
    try (TokenBuffer tokens = new TokenBuffer(MAPPER, false)) {
      MAPPER.writeValue(tokens, value);
      try (JsonParser parser = tokens.asParser()) {
        MAPPER.readerFor(MAPPER.constructType(type))
          .without(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).readValue(parser);
      }
      return null;
    } catch (UnrecognizedPropertyException e) {
      String at = path(e);
      at = at.endsWith(e.getPropertyName()) ? at.substring(0, at.length() - e.getPropertyName().length()) : at;
      return dotted(at.endsWith(".") ? at.substring(0, at.length() - 1) : at) + ": unknown field '"
        + e.getPropertyName() + "' (known: " + sorted(e.getKnownPropertyIds()) + ")";
    } catch (JacksonException e) {
      return (e instanceof JsonMappingException m ? dotted(path(m)) : "") + " " + expected(e);
    } catch (IOException e) {
      return " cannot be read: " + e.getMessage(); // a token buffer does no I/O
    }
  }

  /** What a field of the type the read failed on must be. */
  private static String expected(JacksonException e) {
    Class<?> type = null;
    for (Throwable t = e; t != null && type == null; t = t.getCause()) {
      type = t instanceof MismatchedInputException m ? m.getTargetType()
        : t instanceof InputCoercionException c ? c.getTargetType() : null;
    }
    if (type == null) {
      return "is wrong: " + e.getOriginalMessage();
    } else if (type.isEnum()) {
      return "must be one of " + Arrays.toString(type.getEnumConstants());
    } else if (type == String.class) {
      return "must be a string";
    } else if (type == boolean.class || type == Boolean.class) {
      return "must be a boolean";
    } else if (type == int.class || type == Integer.class) {
      return "must be an integer in 32-bit range";
    } else if (type == long.class || type == Long.class) {
      return "must be an integer in 64-bit range";
    } else if (type == Buffer.class) {
      return "must be a base64url string";
    } else if (Collection.class.isAssignableFrom(type)) {
      return "must be an array";
    }
    return "must be an object";
  }

  private static String dotted(String path) {
    return path.isEmpty() || path.startsWith("[") ? path : "." + path;
  }

  private static String sorted(Collection<Object> names) {
    return names.stream().map(String::valueOf).sorted().toList().toString();
  }

  /** The dotted path of the key a read failed at: {@code rules[0].shell}. */
  private static String path(JsonMappingException e) {
    return e.getPath().stream()
      .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
      .collect(Collectors.joining(".")).replace(".[", "[");
  }

  /** Bytes as the bus carries them: a base64url string, and nothing else (no number read as its digits). */
  private static final class Base64UrlBuffer extends JsonDeserializer<Buffer> {
    @Override
    public Buffer deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        return (Buffer) ctxt.handleUnexpectedToken(Buffer.class, p);
      }
      try {
        return Buffer.buffer(Base64.getUrlDecoder().decode(p.getText()));
      } catch (IllegalArgumentException e) {
        throw MismatchedInputException.from(p, Buffer.class, "not base64url: " + e.getMessage());
      }
    }
  }
}
