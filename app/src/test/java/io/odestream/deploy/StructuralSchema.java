package io.odestream.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A CRD's OpenAPI v3 structural schema as a JSON Schema (draft 4) that refuses what the Kubernetes
 * API server would not keep. JSON Schema allows unknown fields unless told otherwise; the API server
 * prunes them (or, with strict field validation, refuses them), so a misspelled field would silently
 * vanish. Here every object with declared properties gets {@code additionalProperties: false} unless
 * the CRD says {@code x-kubernetes-preserve-unknown-fields}; {@code nullable} becomes a null type.
 */
final class StructuralSchema {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final JsonSchema schema;

    private StructuralSchema(JsonSchema schema) {
        this.schema = schema;
    }

    /** The schema of {@code version} (e.g. v1beta1) in the CRD, with the fields every object has at its root. */
    static StructuralSchema of(JsonNode crd, String version) {
        for (JsonNode entry : crd.at("/spec/versions")) {
            if (version.equals(entry.path("name").asText())) {
                ObjectNode root = entry.at("/schema/openAPIV3Schema").deepCopy();
                ObjectNode properties = (ObjectNode) root.get("properties");
                properties.putObject("apiVersion").put("type", "string");
                properties.putObject("kind").put("type", "string");
                properties.putObject("metadata").put("type", "object");
                tighten(root);
                return new StructuralSchema(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(root));
            }
        }
        throw new AssertionError("the CRD has no version " + version);
    }

    /** What the API server would refuse or drop, one line each ("$.spec.job.upgradeMod: ..."); none: fits. */
    Set<String> problems(Object document) {
        Set<String> problems = new TreeSet<>();
        for (ValidationMessage m : schema.validate(MAPPER.valueToTree(document))) {
            problems.add(m.getMessage());
        }
        return problems;
    }

    private static void tighten(ObjectNode s) {
        JsonNode properties = s.get("properties");
        if (properties instanceof ObjectNode p) {
            p.forEach(child -> tightenIfObject(child));
        }
        tightenIfObject(s.get("items"));
        tightenIfObject(s.get("additionalProperties"));
        tightenIfObject(s.get("not"));
        for (String each : List.of("anyOf", "allOf", "oneOf")) {
            if (s.get(each) instanceof ArrayNode alternatives) {
                alternatives.forEach(StructuralSchema::tightenIfObject);
            }
        }
        boolean preserveUnknown = s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        if (properties != null && !s.has("additionalProperties") && !preserveUnknown) {
            s.put("additionalProperties", false);
        }
        if (s.path("nullable").asBoolean(false) && s.get("type") != null && s.get("type").isTextual()) {
            ArrayNode types = JsonNodeFactory.instance.arrayNode().add(s.get("type").asText()).add("null");
            s.set("type", types);
        }
        // Kubernetes' own keywords, which draft 4 does not know
        List<String> extensions = new ArrayList<>();
        for (Iterator<String> names = s.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (name.startsWith("x-kubernetes-") || name.equals("nullable")) {
                extensions.add(name);
            }
        }
        s.remove(extensions);
    }

    private static void tightenIfObject(JsonNode node) {
        if (node instanceof ObjectNode o) {
            tighten(o);
        }
    }
}
