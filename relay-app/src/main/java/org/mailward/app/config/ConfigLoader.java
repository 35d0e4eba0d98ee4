package org.mailward.app.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Loads {@link MailwardConfig}: built-in defaults ({@code mailward-defaults.yaml}),
 * then the operator's YAML file, then environment overrides, then binding and
 * validation. Environment variables {@code MAILWARD_<SEGMENT>__<SEGMENT>...} override
 * one key each; segments match keys case-insensitively, ignoring '-' and '_'
 * ({@code MAILWARD_SPOOL__MIN_FREE_SPACE=1GB} sets {@code spool.minFreeSpace}).
 * Every error names the key and its source.
 */
public final class ConfigLoader {
  public static final String ENV_PREFIX = "MAILWARD_";
  private static final String DEFAULTS = "mailward-defaults.yaml";
  private static final String TENANT_DEFAULTS = "tenantDefaults";

  private final ObjectMapper yaml;

  public ConfigLoader() {
    SimpleModule units = new SimpleModule("mailward-units");
    units.addDeserializer(Duration.class, new DurationDeserializer());
    this.yaml = JsonMapper.builder(new YAMLFactory())
        .addModule(units)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
        .build();
  }

  /** Built-in defaults only (the embedded configuration of {@code bin/mailward start}). */
  public MailwardConfig defaults(Map<String, String> env) {
    return load(null, env);
  }

  /**
   * @param file the operator's YAML file, or null for defaults only
   * @param env the environment (System.getenv() in production)
   */
  public MailwardConfig load(Path file, Map<String, String> env) {
    String source = file == null ? "built-in defaults" : file.toString();
    ObjectNode tree = readDefaults();
    if (file != null) {
      JsonNode user = readUser(file);
      merge(tree, user, "", source);
    }
    Map<String, String> origins = applyEnvironment(tree, env);
    applyTenantDefaults(tree);
    try {
      return yaml.treeToValue(tree, MailwardConfig.class);
    } catch (UnrecognizedPropertyException e) {
      String key = path(e);
      throw new ConfigException(key, origins.getOrDefault(key, source), "unknown key (known keys here: "
          + e.getKnownPropertyIds() + ")");
    } catch (JsonMappingException e) {
      String key = path(e);
      if (rootCause(e) instanceof InvalidValue iv) {
        key = key.isEmpty() ? iv.key() : key + "." + iv.key();
      }
      throw new ConfigException(key, origins.getOrDefault(key, source), problem(e));
    } catch (JsonProcessingException e) {
      throw new ConfigException("", source, e.getOriginalMessage());
    }
  }

  /** Every leaf key of the built-in defaults, dotted (list entries as {@code key[]}). */
  public List<String> defaultKeys() {
    List<String> keys = new ArrayList<>();
    collect(readDefaults(), "", keys);
    return keys;
  }

  private static void collect(JsonNode node, String prefix, List<String> out) {
    if (node.isObject() && node.size() > 0) {
      node.fields().forEachRemaining(e -> collect(e.getValue(), prefix + (prefix.isEmpty() ? "" : ".") + e.getKey(), out));
    } else if (node.isArray() && node.size() > 0 && node.get(0).isObject()) {
      collect(node.get(0), prefix + "[]", out);
    } else {
      out.add(prefix);
    }
  }

  private ObjectNode readDefaults() {
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(DEFAULTS)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULTS + " missing from the class path");
      }
      return (ObjectNode) yaml.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private JsonNode readUser(Path file) {
    if (!Files.isReadable(file)) {
      throw new ConfigException("", file.toString(), "file not found or not readable");
    }
    try {
      JsonNode node = yaml.readTree(file.toFile());
      if (node == null || node.isMissingNode() || node.isNull()) {
        return yaml.createObjectNode();
      }
      if (!node.isObject()) {
        throw new ConfigException("", file.toString(), "the top level must be a mapping of keys");
      }
      return node;
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      throw new ConfigException("", file.toString(), "not valid YAML" + where + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException("", file.toString(), "cannot read: " + e.getMessage());
    }
  }

  /** Deep-merges {@code over} into {@code base}; mappings merge, everything else replaces. */
  private static void merge(ObjectNode base, JsonNode over, String prefix, String source) {
    Iterator<Map.Entry<String, JsonNode>> it = over.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode existing = base.get(e.getKey());
      if (existing instanceof ObjectNode eo && e.getValue().isObject()) {
        merge(eo, e.getValue(), prefix + e.getKey() + ".", source);
      } else if (existing instanceof ObjectNode && !e.getValue().isObject() && !e.getValue().isNull()) {
        throw new ConfigException(prefix + e.getKey(), source, "must be a mapping of keys");
      } else {
        base.set(e.getKey(), e.getValue());
      }
    }
  }

  private static Map<String, String> applyEnvironment(ObjectNode tree, Map<String, String> env) {
    Map<String, String> origins = new HashMap<>();
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      if (!e.getKey().startsWith(ENV_PREFIX)) {
        continue;
      }
      String var = e.getKey();
      String[] segments = var.substring(ENV_PREFIX.length()).split("__");
      ObjectNode node = tree;
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < segments.length; i++) {
        String key = findKey(node, segments[i]);
        if (key == null) {
          throw new ConfigException(String.join(".", keys) + (keys.isEmpty() ? "" : ".") + segments[i].toLowerCase(Locale.ROOT),
              "environment variable " + var, "no such key");
        }
        keys.add(key);
        if (i == segments.length - 1) {
          JsonNode old = node.get(key);
          if (old != null && old.isContainerNode()) {
            throw new ConfigException(String.join(".", keys), "environment variable " + var,
                "names a section, not a single key");
          }
          node.set(key, scalar(old, e.getValue()));
        } else if (node.get(key) instanceof ObjectNode child) {
          node = child;
        } else {
          throw new ConfigException(String.join(".", keys), "environment variable " + var, "is not a section");
        }
      }
      origins.put(String.join(".", keys), "environment variable " + var);
    }
    return origins;
  }

  private static JsonNode scalar(JsonNode old, String value) {
    if (old != null && old.isBoolean()) {
      if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
        return com.fasterxml.jackson.databind.node.BooleanNode.valueOf(Boolean.parseBoolean(value));
      }
    } else if (old != null && old.isIntegralNumber() && value.matches("-?\\d+")) {
      return com.fasterxml.jackson.databind.node.LongNode.valueOf(Long.parseLong(value));
    } else if (old != null && old.isFloatingPointNumber() && value.matches("-?\\d+(\\.\\d+)?")) {
      return com.fasterxml.jackson.databind.node.DoubleNode.valueOf(Double.parseDouble(value));
    }
    return TextNode.valueOf(value);
  }

  private static String findKey(ObjectNode node, String segment) {
    String want = squash(segment);
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (squash(n).equals(want)) {
        return n;
      }
    }
    return null;
  }

  private static String squash(String s) {
    return s.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
  }

  private static void applyTenantDefaults(ObjectNode tree) {
    JsonNode defaults = tree.remove(TENANT_DEFAULTS);
    JsonNode tenants = tree.get("tenants");
    if (!(tenants instanceof ArrayNode list) || !(defaults instanceof ObjectNode d)) {
      return;
    }
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i) instanceof ObjectNode t) {
        ObjectNode merged = d.deepCopy();
        merge(merged, t, "tenants[" + i + "].", "tenants");
        list.set(i, merged);
      }
    }
  }

  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static Throwable rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }

  private static String problem(JsonMappingException e) {
    Throwable root = rootCause(e);
    if (root instanceof IllegalArgumentException) {
      return root.getMessage();
    }
    String msg = e.getOriginalMessage();
    int nl = msg.indexOf('\n');
    return nl > 0 ? msg.substring(0, nl) : msg;
  }
}
