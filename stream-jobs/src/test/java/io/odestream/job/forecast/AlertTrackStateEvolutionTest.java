package io.odestream.job.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.alert.AlertTrack;
import java.lang.reflect.Field;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.BooleanSerializer;
import org.apache.flink.api.common.typeutils.base.DoubleSerializer;
import org.apache.flink.api.common.typeutils.base.IntSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.array.DoublePrimitiveArraySerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * The alert track (keyed state inside {@link SeriesState}) gained the producer of its scores
 * (kind, model lineage, version). Checkpoints and savepoints written before carry the eleven older
 * fields only: Flink's POJO serializer must restore them (compatible after migration, the new fields
 * at their defaults), and the restored track, its producer unknown, restarts its calibration at its
 * first score under the restored job rather than mixing its old scores with the new ones.
 */
class AlertTrackStateEvolutionTest {
    /** AlertTrack's fields before the producer was recorded, in the order they were declared. */
    private static final String[] BEFORE = {"recent", "size", "next", "open", "raisedAtMillis", "quietSinceMillis",
        "recentMeans", "surprisals", "surprisalNext", "recentValues", "incidentPeak"};

    @Test
    void stateWrittenBeforeTheProducerFieldsRestoresAndRestartsItsCalibration() throws Exception {
        PojoSerializer<AlertTrack> before = serializerOfTheFieldsBefore();
        AlertTrack written = new AlertTrack(4);
        written.recent = new double[] {3.0, 4.0, 5.0, 0.0};
        written.size = 3;
        written.next = 3;
        written.open = true;
        written.raisedAtMillis = 9_000;
        written.incidentPeak = 7.5;
        DataOutputSerializer out = new DataOutputSerializer(256);
        before.serialize(written, out);
        // what a savepoint keeps: the old serializer's snapshot beside the bytes
        DataOutputSerializer snapshotBytes = new DataOutputSerializer(256);
        TypeSerializerSnapshot.writeVersionedSnapshot(snapshotBytes, before.snapshotConfiguration());
        TypeSerializerSnapshot<AlertTrack> oldSnapshot = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(snapshotBytes.getCopyOfBuffer()), getClass().getClassLoader());

        TypeInformation<AlertTrack> now = TypeInformation.of(AlertTrack.class);
        assertInstanceOf(PojoTypeInfo.class, now, "still a POJO, not Kryo");
        TypeSerializer<AlertTrack> current = now.createSerializer(new SerializerConfigImpl());
        TypeSerializerSchemaCompatibility<AlertTrack> compatibility =
                current.snapshotConfiguration().resolveSchemaCompatibility(oldSnapshot);
        assertTrue(compatibility.isCompatibleAfterMigration() || compatibility.isCompatibleAsIs(),
                "Flink restores the older state: " + compatibility);

        AlertTrack restored = oldSnapshot.restoreSerializer().deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertArrayEquals(written.recent, restored.recent);
        assertEquals(3, restored.history());
        assertTrue(restored.open);
        assertEquals(AlertTrack.UNKNOWN_PRODUCER, restored.producerKind, "nothing recorded what made its scores");
        DataOutputSerializer migrated = new DataOutputSerializer(256);
        current.serialize(restored, migrated);
        AlertTrack again = current.deserialize(new DataInputDeserializer(migrated.getCopyOfBuffer()));
        assertEquals(restored, again, "written again in the new format, nothing lost");

        assertTrue(again.scoresFrom(1, "m".hashCode(), 1), "its first score under the restored job restarts it");
        assertEquals(0, again.history());
        assertTrue(again.open, "its incident stays open");
    }

    /** A POJO serializer of AlertTrack over the older fields only: what wrote checkpoints before the change. */
    private static PojoSerializer<AlertTrack> serializerOfTheFieldsBefore() throws NoSuchFieldException {
        Field[] fields = new Field[BEFORE.length];
        TypeSerializer<?>[] serializers = new TypeSerializer<?>[BEFORE.length];
        for (int i = 0; i < BEFORE.length; i++) {
            fields[i] = AlertTrack.class.getField(BEFORE[i]);
            Class<?> type = fields[i].getType();
            serializers[i] = type == double[].class ? DoublePrimitiveArraySerializer.INSTANCE
                    : type == int.class ? IntSerializer.INSTANCE
                    : type == long.class ? LongSerializer.INSTANCE
                    : type == boolean.class ? BooleanSerializer.INSTANCE
                    : DoubleSerializer.INSTANCE;
        }
        return new PojoSerializer<>(AlertTrack.class, serializers, fields, new SerializerConfigImpl());
    }
}
