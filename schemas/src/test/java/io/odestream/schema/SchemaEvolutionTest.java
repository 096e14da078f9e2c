package io.odestream.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every topic schema can evolve the way we promise: a v2 that adds a field with a default and
 * drops an optional field is compatible in both directions, and data really crosses over.
 * The v2 schemas are derived from the real ones, so a new schema is covered by adding its
 * example to {@link #examples()}.
 */
class SchemaEvolutionTest {

    /** Generic records with Instant for timestamp-millis, like the generated classes. */
    private static final GenericData GENERIC = new GenericData();

    static {
        GENERIC.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
    }

    static Stream<SpecificRecord> examples() {
        return Stream.of(
                Observation.newBuilder().setSeriesId("pump-7").setEventTime(Instant.ofEpochMilli(1_700_000_000_123L))
                        .setValues(Arrays.asList(1.5, null, -2.0)).setChannels(List.of("a", "b", "c"))
                        .setTags(Map.of("site", "north")).build(),
                ForecastRequest.newBuilder().setRequestId("r-1").setSeriesId("pump-7")
                        .setQueryTimes(List.of(Instant.ofEpochMilli(1_700_000_060_000L), Instant.ofEpochMilli(1_700_000_120_000L)))
                        .setSamples(32).build(),
                Forecast.newBuilder().setRequestId("r-1").setSeriesId("pump-7").setModelVersion(3)
                        .setIssuedAt(Instant.ofEpochMilli(1_700_000_000_500L)).setSamples(32).setChannels(List.of("a"))
                        .setPoints(List.of(ForecastPoint.newBuilder().setTime(Instant.ofEpochMilli(1_700_000_060_000L))
                                .setMean(List.of(1.0)).setStddev(List.of(0.5)).setQ05(List.of(0.2))
                                .setQ50(List.of(1.0)).setQ95(List.of(1.8)).build()))
                        .build(),
                AnomalyAlert.newBuilder().setSeriesId("pump-7").setEventTime(Instant.ofEpochMilli(1_700_000_000_123L))
                        .setKind(AlertKind.ANOMALY).setScore(12.5).setThreshold(9.0)
                        .setObserved(Arrays.asList(4.0, null)).setExpected(List.of(1.0, 2.0))
                        .setExpectedStddev(List.of(0.5, 0.5)).setChannelZScores(List.of(6.0, Double.NaN))
                        .setModelVersion(3).setMessage("spike").build(),
                ModelArtifact.newBuilder().setModelId("sensors").setVersion(4).setCreatedAt(Instant.ofEpochMilli(1_700_000_000_000L))
                        .setParentVersion(3L).setModelType("latent-ode").setSpecJson("{\"latentDim\":4}")
                        .setParameters(List.of(0.1, -0.2, 0.3)).setMetrics(Map.of("val_elbo", -1.25))
                        .setLineage(Map.of("steps", "500")).setChecksum("ab".repeat(32))
                        .setSignature(ByteBuffer.wrap(new byte[] {1, 2, 3})).setSigningKeyId("k1").build(),
                DeadLetter.newBuilder().setSourceTopic("observations").setPartition(2).setOffset(41)
                        .setTimestamp(Instant.ofEpochMilli(1_700_000_000_000L)).setReason(DeadLetterReason.UNDECODABLE)
                        .setDetail("truncated").setKey(ByteBuffer.wrap(new byte[] {7})).setValue(ByteBuffer.wrap(new byte[] {1, 2}))
                        .setExpectedType("io.odestream.schema.Observation").setDeadLetteredAt(Instant.ofEpochMilli(1_700_000_000_001L))
                        .build());
    }

    @ParameterizedTest
    @MethodSource("examples")
    void v2WithAnAddedDefaultedFieldAndWithoutAnOptionalFieldIsCompatibleBothWays(SpecificRecord example) {
        Schema v1 = example.getSchema();
        Schema v2 = evolve(v1, withDefault());

        assertCompatible(v2, v1, "new reader, old writer");
        assertCompatible(v1, v2, "old reader, new writer");
    }

    @ParameterizedTest
    @MethodSource("examples")
    void dataWrittenWithV1ReadsAsV2AndBack(SpecificRecord example) throws IOException {
        Schema v1 = example.getSchema();
        Schema v2 = evolve(v1, withDefault());
        String dropped = droppedOptionalField(v1).name();

        // old writer -> new reader: the added field takes its default, the dropped one is skipped
        GenericRecord asV2 = readGeneric(writeSpecific(example), v1, v2);
        assertEquals("unknown", asV2.get("addedInV2").toString());
        for (Schema.Field f : v2.getFields()) {
            if (!f.name().equals("addedInV2")) {
                assertEquals(GenericData.get().toString(genericField(example, f.name())),
                        GenericData.get().toString(asV2.get(f.name())), "field " + f.name());
            }
        }

        // new writer -> old reader: every shared field survives, the dropped field takes its default
        asV2.put("addedInV2", "from v2");
        SpecificRecord back = readSpecific(writeGeneric(asV2, v2), v2, v1);
        SpecificRecord expected = SpecificData.get().deepCopy(v1, example);
        int droppedPos = v1.getField(dropped).pos();
        expected.put(droppedPos, SpecificData.get().getDefaultValue(v1.getField(dropped)));
        assertEquals(GenericData.get().toString(expected), GenericData.get().toString(back));
    }

    @ParameterizedTest
    @MethodSource("examples")
    void theCheckerRejectsAnAddedFieldWithoutDefault(SpecificRecord example) throws IOException {
        Schema v1 = example.getSchema();
        Schema broken = evolve(v1, new Schema.Field("addedInV2", Schema.create(Schema.Type.STRING), "no default", (Object) null));

        assertEquals(SchemaCompatibilityType.INCOMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(broken, v1).getType(),
                "a reader needing a field old data lacks must be flagged");
        byte[] old = writeSpecific(example);
        assertThrows(AvroTypeException.class, () -> readGeneric(old, v1, broken));
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everySchemaAndFieldIsDocumented(SpecificRecord example) {
        assertDocumented(example.getSchema(), new ArrayList<>());
    }

    private static void assertDocumented(Schema schema, List<String> seen) {
        switch (schema.getType()) {
            case RECORD -> {
                if (seen.contains(schema.getFullName())) {
                    return;
                }
                seen.add(schema.getFullName());
                assertNotNull(schema.getDoc(), "schema " + schema.getFullName() + " has a doc");
                for (Schema.Field f : schema.getFields()) {
                    assertNotNull(f.doc(), "field " + schema.getFullName() + "." + f.name() + " has a doc");
                    assertDocumented(f.schema(), seen);
                }
            }
            case ENUM -> {
                assertNotNull(schema.getDoc(), "enum " + schema.getFullName() + " has a doc");
                assertNotNull(schema.getEnumDefault(), "enum " + schema.getFullName()
                        + " has a default so new symbols do not break old readers");
            }
            case ARRAY -> assertDocumented(schema.getElementType(), seen);
            case MAP -> assertDocumented(schema.getValueType(), seen);
            case UNION -> schema.getTypes().forEach(t -> assertDocumented(t, seen));
            default -> { }
        }
    }

    private static Schema.Field withDefault() {
        return new Schema.Field("addedInV2", Schema.create(Schema.Type.STRING), "added in v2", "unknown");
    }

    /** The first field with a default: the optional field v2 drops. Every topic schema has one. */
    private static Schema.Field droppedOptionalField(Schema v1) {
        return v1.getFields().stream().filter(Schema.Field::hasDefaultValue).findFirst()
                .orElseThrow(() -> new AssertionError(v1.getFullName() + " has no optional field"));
    }

    private static Schema evolve(Schema v1, Schema.Field added) {
        String dropped = droppedOptionalField(v1).name();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : v1.getFields()) {
            if (!f.name().equals(dropped)) {
                fields.add(new Schema.Field(f, f.schema()));
            }
        }
        fields.add(added);
        Schema v2 = Schema.createRecord(v1.getName(), v1.getDoc(), v1.getNamespace(), false, fields);
        assertFalse(v2.getFields().stream().anyMatch(f -> f.name().equals(dropped)));
        assertTrue(v2.getFields().stream().anyMatch(f -> f.name().equals(added.name())));
        return v2;
    }

    private static void assertCompatible(Schema reader, Schema writer, String direction) {
        SchemaCompatibility.SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        assertEquals(SchemaCompatibilityType.COMPATIBLE, result.getType(),
                reader.getFullName() + " " + direction + ": " + result.getDescription());
    }

    private static Object genericField(SpecificRecord record, String name) {
        return record.get(record.getSchema().getField(name).pos());
    }

    private static byte[] writeSpecific(SpecificRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static byte[] writeGeneric(GenericRecord record, Schema schema) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema, GENERIC).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static GenericRecord readGeneric(byte[] bytes, Schema writer, Schema reader) throws IOException {
        GenericDatumReader<GenericRecord> datumReader = new GenericDatumReader<>(writer, reader, GENERIC);
        return datumReader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
    }

    private static SpecificRecord readSpecific(byte[] bytes, Schema writer, Schema reader) throws IOException {
        return new SpecificDatumReader<SpecificRecord>(writer, reader).read(null, DecoderFactory.get().binaryDecoder(bytes, null));
    }
}
