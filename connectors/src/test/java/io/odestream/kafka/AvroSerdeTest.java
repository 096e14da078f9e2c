package io.odestream.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.schema.Forecast;
import io.odestream.schema.Observation;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
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
    void randomBodiesBehindAValidHeaderNeverEscapeAsAnythingButUndecodable() {
        AvroSerde<Observation> serde = new AvroSerde<>(Observation.class);
        byte[] header = Arrays.copyOf(serde.serialize((Observation) ExampleRecords.example(OdeTopic.OBSERVATIONS, 1)),
                AvroSerde.HEADER_LENGTH);
        SplittableRandom random = new SplittableRandom(43);
        int undecodable = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = Arrays.copyOf(header, header.length + random.nextInt(0, 64));
            for (int j = header.length; j < bytes.length; j++) {
                bytes[j] = (byte) random.nextInt(256);
            }
            try {
                serde.deserialize(bytes);
            } catch (UndecodableRecordException expected) {
                undecodable++;
            }
        }
        assertTrue(undecodable > 19_000, "random bodies are almost never a valid Observation: " + undecodable);
    }

    @Test
    void aBodyClaimingABillionValuesIsRefusedBeforeAnyAllocation() {
        AvroSerde<Observation> serde = new AvroSerde<>(Observation.class);
        byte[] header = Arrays.copyOf(serde.serialize((Observation) ExampleRecords.example(OdeTopic.OBSERVATIONS, 1)),
                AvroSerde.HEADER_LENGTH);
        // seriesId "a", eventTime 5, then an array block count of 10^9 (zig-zag varint): Avro alone
        // would allocate the list before reading an item, an OutOfMemoryError in a small heap
        byte[] body = {2, 'a', 10, (byte) 0x80, (byte) 0xa8, (byte) 0xd6, (byte) 0xb9, 0x07, 0, 0, 0};
        byte[] bytes = Arrays.copyOf(header, header.length + body.length);
        System.arraycopy(body, 0, bytes, header.length, body.length);
        UndecodableRecordException e = assertThrows(UndecodableRecordException.class, () -> serde.deserialize(bytes));
        assertTrue(e.getMessage().contains("array item count of 1000000000"), e.getMessage());
    }

    @Test
    void plainAvroBinaryWithoutTheHeaderIsUndecodableAndSaysSo() throws Exception {
        Observation o = (Observation) ExampleRecords.example(OdeTopic.OBSERVATIONS, 1);
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(plain, null);
        new SpecificDatumWriter<>(Observation.class).write(o, encoder);
        encoder.flush();
        UndecodableRecordException e = assertThrows(UndecodableRecordException.class,
                () -> new AvroSerde<>(Observation.class).deserialize(plain.toByteArray()));
        assertTrue(e.getMessage().contains("without the Avro single-object header"), e.getMessage());
    }

    @Test
    void aWriterSchemaThatIsNotReleasedIsUndecodableAndNamedByItsFingerprint() {
        byte[] bytes = new AvroSerde<>(Observation.class).serialize((Observation) ExampleRecords.example(OdeTopic.OBSERVATIONS, 1));
        Arrays.fill(bytes, 2, AvroSerde.HEADER_LENGTH, (byte) 0x5A);
        UndecodableRecordException e = assertThrows(UndecodableRecordException.class,
                () -> new AvroSerde<>(Observation.class).deserialize(bytes));
        assertTrue(e.getMessage().contains("5a5a5a5a5a5a5a5a") && e.getMessage().contains("not a released version of Observation"),
                e.getMessage());
    }

    @Test
    void aRecordOfAnotherTopicTypeIsUndecodableAndNamedAsThatType() {
        @SuppressWarnings({"unchecked", "rawtypes"})
        byte[] forecast = new AvroSerde(Forecast.class).serialize(ExampleRecords.example(OdeTopic.FORECASTS, 1));
        UndecodableRecordException e = assertThrows(UndecodableRecordException.class,
                () -> new AvroSerde<>(Observation.class).deserialize(forecast));
        assertTrue(e.getMessage().contains("io.odestream.schema.Forecast"), e.getMessage());
    }

    @Test
    void aTombstoneIsUndecodable() {
        AvroSerde<Observation> serde = new AvroSerde<>(Observation.class);
        assertThrows(UndecodableRecordException.class, () -> serde.deserialize(null));
    }
}
