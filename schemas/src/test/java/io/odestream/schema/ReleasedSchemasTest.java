package io.odestream.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The released versions are the contract with every producer and consumer that is not this
 * build: each schema this build writes is one of them, and any two versions of a type can read
 * each other's data (the rules {@link SchemaEvolutionTest} checks for a change, held across every
 * version ever released).
 */
class ReleasedSchemasTest {

    static Stream<Class<?>> topicTypes() {
        return Stream.of(Observation.class, ForecastRequest.class, Forecast.class, AnomalyAlert.class,
                ModelArtifact.class, DeadLetter.class, RegistryServing.class, RiskScore.class);
    }

    @ParameterizedTest
    @MethodSource("topicTypes")
    void theSchemaThisBuildWritesIsAReleasedVersion(Class<?> type) {
        Schema current = SpecificData.get().getSchema(type);
        long fingerprint = ReleasedSchemas.fingerprint(current);
        assertTrue(ReleasedSchemas.onClassPath().versionsOf(current.getFullName()).stream()
                        .anyMatch(r -> r.fingerprint() == fingerprint),
                current.getFullName() + " (fingerprint " + String.format("%016x", fingerprint) + ") changed without a"
                        + " release: add it as a new file " + type.getSimpleName() + ".vN.avsc to "
                        + ReleasedSchemas.INDEX + "'s directory and list it in the index; never edit a released file");
    }

    @ParameterizedTest
    @MethodSource("topicTypes")
    void everyReleasedVersionReadsEveryOtherAndTheCurrentOne(Class<?> type) {
        Schema current = SpecificData.get().getSchema(type);
        List<Schema> versions = Stream.concat(Stream.of(current),
                ReleasedSchemas.onClassPath().versionsOf(current.getFullName()).stream().map(ReleasedSchemas.Release::schema))
                .toList();
        for (Schema reader : versions) {
            for (Schema writer : versions) {
                SchemaCompatibility.SchemaPairCompatibility result =
                        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
                assertEquals(SchemaCompatibilityType.COMPATIBLE, result.getType(), result.getDescription());
            }
        }
    }

    @Test
    void aStoreHoldsOnlyTheVersionsOfItsOwnType() {
        ReleasedSchemas released = ReleasedSchemas.onClassPath();
        long forecast = ReleasedSchemas.fingerprint(Forecast.getClassSchema());
        long observation = ReleasedSchemas.fingerprint(Observation.getClassSchema());
        var store = released.storeFor(Observation.getClassSchema());
        assertEquals(Observation.getClassSchema().getFullName(), store.findByFingerprint(observation).getFullName());
        assertEquals(null, store.findByFingerprint(forecast), "a Forecast on the observations topic is not resolved");
        assertEquals("io.odestream.schema.Forecast", released.find(forecast).orElseThrow().schema().getFullName(),
                "but it can still be named in the error");
    }

    @Test
    void indexesAnywhereOnTheClassPathAddVersions(@TempDir Path dir) throws IOException {
        Schema v2 = new Schema.Parser().parse(observationV2("{\"name\": \"unit\", \"type\": \"string\", \"default\": \"\", \"doc\": \"added\"}"));
        try (URLClassLoader loader = withIndex(dir, v2.toString(true), ReleasedSchemas.fingerprint(v2))) {
            ReleasedSchemas released = ReleasedSchemas.load(loader);
            assertEquals(List.of(ReleasedSchemas.fingerprint(v2)),
                    released.versionsOf("io.odestream.schema.Observation").stream().map(ReleasedSchemas.Release::fingerprint).toList());
            assertEquals(ReleasedSchemas.fingerprint(v2),
                    ReleasedSchemas.fingerprint(released.storeFor(Observation.getClassSchema())
                            .findByFingerprint(ReleasedSchemas.fingerprint(v2))));
        }
    }

    @Test
    void aBuildThatCannotReadAReleasedVersionRefusesToStart(@TempDir Path dir) throws IOException {
        // a released writer whose seriesId is an int: no reader expecting a string can resolve it
        String broken = observationV2("{\"name\": \"unit\", \"type\": \"string\", \"default\": \"\", \"doc\": \"added\"}")
                .replace("\"name\": \"seriesId\", \"type\": \"string\"", "\"name\": \"seriesId\", \"type\": \"int\"");
        try (URLClassLoader loader = withIndex(dir, broken, ReleasedSchemas.fingerprint(new Schema.Parser().parse(broken)))) {
            ReleasedSchemas released = ReleasedSchemas.load(loader);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> released.storeFor(Observation.getClassSchema()));
            assertTrue(e.getMessage().contains("seriesId") || e.getMessage().contains("int"), e.getMessage());
        }
    }

    @Test
    void aReleasedFileEditedAfterItsReleaseIsRefused(@TempDir Path dir) throws IOException {
        String released = observationV2("{\"name\": \"unit\", \"type\": \"string\", \"default\": \"\", \"doc\": \"added\"}");
        long fingerprint = ReleasedSchemas.fingerprint(new Schema.Parser().parse(released));
        String edited = released.replace("\"name\": \"unit\"", "\"name\": \"units\"");
        try (URLClassLoader loader = withIndex(dir, edited, fingerprint)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ReleasedSchemas.load(loader));
            assertTrue(e.getMessage().contains("never edited"), e.getMessage());
        }
    }

    @Test
    void theIndexOfThisModuleIsWellFormedAndEveryLineLoads() throws IOException {
        long lines;
        try (InputStream in = ReleasedSchemas.class.getClassLoader().getResourceAsStream(ReleasedSchemas.INDEX)) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
        }
        List<ReleasedSchemas.Release> all = ReleasedSchemas.onClassPath().all();
        assertEquals(lines, all.size(), "every line of the index loads, each release listed once");
        topicTypes().forEach(type -> assertTrue(all.stream().anyMatch(r -> r.schema().getFullName().equals(
                SpecificData.get().getSchema(type).getFullName())), type + " has a released version"));
    }

    /** A class loader that sees only {@code dir}, holding an index with one schema file. */
    private static URLClassLoader withIndex(Path dir, String schemaJson, long fingerprint) throws IOException {
        Path released = dir.resolve(ReleasedSchemas.INDEX).getParent();
        Files.createDirectories(released);
        Files.writeString(released.resolve("Observation.v2.avsc"), schemaJson);
        Files.writeString(released.resolve("index"), "# test\nObservation.v2.avsc " + String.format("%016x", fingerprint) + "\n");
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, null);
    }

    private static String observationV2(String addedField) {
        return """
                {"type": "record", "name": "Observation", "namespace": "io.odestream.schema", "doc": "v2", "fields": [
                  {"name": "seriesId", "type": "string", "doc": "id"},
                  {"name": "eventTime", "type": {"type": "long", "logicalType": "timestamp-millis"}, "doc": "t"},
                  {"name": "values", "type": {"type": "array", "items": ["null", "double"]}, "doc": "v"},
                  {"name": "channels", "type": ["null", {"type": "array", "items": "string"}], "default": null, "doc": "c"},
                  %s
                ]}""".formatted(addedField);
    }
}
