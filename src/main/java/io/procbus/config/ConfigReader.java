package io.procbus.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.vertx.core.json.JsonObject;
import java.util.stream.Collectors;

/**
 * Reads configuration JSON into options data objects with Jackson, strictly: an unknown key, a wrong type
 * (no coercion of {@code "5"} to 5), a null for a number or an unknown enum name stops the read with a
 * message naming the key's path ({@code limits.maxProcesses}).
 */
public final class ConfigReader {

  private static final ObjectMapper MAPPER = JsonMapper.builder()
    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
    .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
    .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
    .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
    .build();

  private ConfigReader() {
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
      String path = e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[");
      throw new IllegalArgumentException("bad configuration at '" + path + "': " + e.getOriginalMessage(), e);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("bad configuration: " + e.getOriginalMessage(), e);
    }
  }
}
