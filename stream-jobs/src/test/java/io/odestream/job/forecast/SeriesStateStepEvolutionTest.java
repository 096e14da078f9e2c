package io.odestream.job.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.latent.FilterState;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * The series' keyed state gained the step sizes its filter's last score and encoder solves ended
 * with ({@link FilterState#scoreStep}, {@link FilterState#encoderStep}). Checkpoints and savepoints
 * written before hold the older fields only: Flink's POJO serializer must restore them, and the
 * restored series carries no step (0), so its next solves start from the fresh first-step guess as
 * they did before; once it carries steps, they survive the new format.
 */
class SeriesStateStepEvolutionTest {
    private static final Set<String> ADDED = Set.of("scoreStep", "encoderStep");

    @Test
    void stateWrittenBeforeStepsWereCarriedRestoresWithoutACarriedStep() throws Exception {
        PojoSerializer<SeriesState> before = serializerOfTheFieldsBefore();
        SeriesState written = new SeriesState();
        written.modelId = "m";
        written.modelVersion = 3;
        written.originMillis = 1_000;
        written.stateMillis = 5_000;
        written.hidden = new double[] {0.1, -0.2};
        written.lastValues = new double[] {1.5};
        written.lastObservedMillis = new long[] {5_000};
        written.observations = 4;
        DataOutputSerializer out = new DataOutputSerializer(256);
        before.serialize(written, out);
        // what a savepoint keeps: the old serializer's snapshot beside the bytes
        DataOutputSerializer snapshotBytes = new DataOutputSerializer(256);
        TypeSerializerSnapshot.writeVersionedSnapshot(snapshotBytes, before.snapshotConfiguration());
        TypeSerializerSnapshot<SeriesState> oldSnapshot = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(snapshotBytes.getCopyOfBuffer()), getClass().getClassLoader());

        TypeInformation<SeriesState> now = TypeInformation.of(SeriesState.class);
        assertInstanceOf(PojoTypeInfo.class, now, "still a POJO, not Kryo");
        TypeSerializer<SeriesState> current = now.createSerializer(new SerializerConfigImpl());
        TypeSerializerSchemaCompatibility<SeriesState> compatibility =
                current.snapshotConfiguration().resolveSchemaCompatibility(oldSnapshot);
        assertTrue(compatibility.isCompatibleAfterMigration() || compatibility.isCompatibleAsIs(),
                "Flink restores the older state: " + compatibility);

        SeriesState restored = oldSnapshot.restoreSerializer().deserialize(
                new DataInputDeserializer(out.getCopyOfBuffer()));
        FilterState state = restored.filterState("m", 3);
        assertArrayEquals(written.hidden, state.hidden());
        assertEquals(5_000, state.timeMillis());
        assertEquals(0.0, state.scoreStep(), "no carried step: the next score starts from the fresh guess");
        assertEquals(0.0, state.encoderStep(), "nor the next encoder solve");

        FilterState carrying = state.after(6_000, new double[] {0.3, -0.1}, new double[] {2.0}, null, 0.25, 0.5);
        restored.store(carrying);
        DataOutputSerializer migrated = new DataOutputSerializer(256);
        current.serialize(restored, migrated);
        SeriesState again = current.deserialize(new DataInputDeserializer(migrated.getCopyOfBuffer()));
        assertEquals(carrying, again.filterState("m", 3), "written in the new format, its steps kept");
    }

    /** A POJO serializer of SeriesState over the fields it had before the steps: what wrote checkpoints then. */
    private static PojoSerializer<SeriesState> serializerOfTheFieldsBefore() {
        List<Field> fields = new ArrayList<>();
        List<TypeSerializer<?>> serializers = new ArrayList<>();
        for (Field f : SeriesState.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) || ADDED.contains(f.getName())) {
                continue;
            }
            fields.add(f);
            serializers.add(TypeExtractor.createTypeInfo(f.getGenericType()).createSerializer(new SerializerConfigImpl()));
        }
        assertEquals(ADDED.size(), SeriesState.class.getFields().length - fields.size() - 1,
                "every field but the constant NONE and the added ones was there before");
        return new PojoSerializer<>(SeriesState.class, serializers.toArray(new TypeSerializer<?>[0]),
                fields.toArray(new Field[0]), new SerializerConfigImpl());
    }
}
