package io.odestream.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.odestream.schema.Observation;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AvroSerdeTest {

    @ParameterizedTest
    @EnumSource(OdeTopic.class)
    @SuppressWarnings({"unchecked", "rawtypes"})
    void everyTopicTypeSurvivesEncodeDecode(OdeTopic topic) throws Exception {
        AvroSerde serde = new AvroSerde(topic.recordType());
        for (SpecificRecordBase record : ExampleRecords.of(topic, 3)) {
            byte[] bytes = serde.serialize(record);
            assertEquals(record.toString(), serde.deserialize(bytes).toString());
            // the reused encoder must not leak bytes from the previous record
            assertArrayEquals(bytes, serde.serialize(serde.deserialize(bytes)));
        }
    }

    @Test
    void everyTruncationOfAValidRecordIsUndecodableNotACrash() {
        AvroSerde<Observation> serde = new AvroSerde<>(Observation.class);
        byte[] full = serde.serialize((Observation) ExampleRecords.example(OdeTopic.OBSERVATIONS, 1));
        for (int length = 0; length < full.length; length++) {
            byte[] truncated = Arrays.copyOf(full, length);
            assertThrows(UndecodableRecordException.class, () -> serde.deserialize(truncated), "length " + length);
        }
    }

    @Test
    void trailingBytesAreUndecodable() {
        AvroSerde<Observation> serde = new AvroSerde<>(Observation.class);
        byte[] full = serde.serialize((Observation) ExampleRecords.example(OdeTopic.OBSERVATIONS, 1));
        byte[] longer = Arrays.copyOf(full, full.length + 3);
        assertThrows(UndecodableRecordException.class, () -> serde.deserialize(longer));
    }

    @Test
    void randomBytesNeverEscapeAsAnythingButUndecodable() {
        AvroSerde<Observation> serde = new AvroSerde<>(Observation.class);
        SplittableRandom random = new SplittableRandom(42);
        int undecodable = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(0, 64)];
            for (int j = 0; j < bytes.length; j++) {
                bytes[j] = (byte) random.nextInt(256);
            }
            try {
                serde.deserialize(bytes);
            } catch (UndecodableRecordException expected) {
                undecodable++;
            }
            // any other exception or error fails the test
        }
        assertEquals(true, undecodable > 19_000, "random bytes are almost never a valid Observation: " + undecodable);
    }

    @Test
    void aTombstoneIsUndecodable() {
        AvroSerde<Observation> serde = new AvroSerde<>(Observation.class);
        assertThrows(UndecodableRecordException.class, () -> serde.deserialize(null));
    }
}
