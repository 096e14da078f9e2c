package io.odestream.job.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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

/**
 * Keyed state as an earlier build wrote it: a POJO serializer over the fields a class had before
 * some were added, and what Flink's POJO schema evolution restores from its bytes and snapshot.
 */
final class StateBefore {
    private StateBefore() {
    }

    /** A POJO serializer of {@code type} without the {@code added} fields: what wrote checkpoints before them. */
    static <T> PojoSerializer<T> serializerWithout(Class<T> type, Set<String> added) {
        List<Field> fields = new ArrayList<>();
        List<TypeSerializer<?>> serializers = new ArrayList<>();
        int constants = 0;
        for (Field f : type.getFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                constants++;
                continue;
            }
            if (added.contains(f.getName())) {
                continue;
            }
            fields.add(f);
            serializers.add(TypeExtractor.createTypeInfo(f.getGenericType()).createSerializer(new SerializerConfigImpl()));
        }
        assertEquals(added.size(), type.getFields().length - fields.size() - constants,
                "every field but the constants and the added ones was there before");
        return new PojoSerializer<>(type, serializers.toArray(new TypeSerializer<?>[0]), fields.toArray(new Field[0]),
                new SerializerConfigImpl());
    }

    /**
     * {@code written} serialised by {@code before}, then restored as a checkpoint restores it: the
     * current POJO serializer resolves the old snapshot as compatible (as is or after migration), and
     * the old snapshot's restore serializer reads the bytes.
     */
    static <T> T restored(Class<T> type, PojoSerializer<T> before, T written) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        before.serialize(written, out);
        // what a savepoint keeps: the old serializer's snapshot beside the bytes
        DataOutputSerializer snapshotBytes = new DataOutputSerializer(256);
        TypeSerializerSnapshot.writeVersionedSnapshot(snapshotBytes, before.snapshotConfiguration());
        TypeSerializerSnapshot<T> oldSnapshot = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(snapshotBytes.getCopyOfBuffer()), StateBefore.class.getClassLoader());
        TypeInformation<T> now = TypeInformation.of(type);
        assertInstanceOf(PojoTypeInfo.class, now, "still a POJO, not Kryo");
        TypeSerializerSchemaCompatibility<T> compatibility =
                current(type).snapshotConfiguration().resolveSchemaCompatibility(oldSnapshot);
        assertTrue(compatibility.isCompatibleAfterMigration() || compatibility.isCompatibleAsIs(),
                "Flink restores the older state: " + compatibility);
        return oldSnapshot.restoreSerializer().deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    /** {@code value} written and read back by the current serializer. */
    static <T> T roundTrip(Class<T> type, T value) throws IOException {
        TypeSerializer<T> serializer = current(type);
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(value, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    private static <T> TypeSerializer<T> current(Class<T> type) {
        return TypeInformation.of(type).createSerializer(new SerializerConfigImpl());
    }
}
