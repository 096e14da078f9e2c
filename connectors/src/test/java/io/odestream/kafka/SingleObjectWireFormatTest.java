package io.odestream.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.odestream.schema.Observation;
import io.odestream.schema.ReleasedSchemas;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

/**
 * The bytes a producer in another language writes, built exactly as docs/RELIABILITY.md
 * ("Schema evolution and security") documents them, byte by byte: the marker C3 01, the
 * CRC-64-AVRO fingerprint of the writer schema's Parsing Canonical Form as 8 little-endian
 * bytes, then the Avro binary body. Neither Avro's encoder nor its fingerprint code builds them;
 * and the bytes the documented Python example wrote (test resources, wire/README.md) decode.
 */
class SingleObjectWireFormatTest {

    private static final Instant T = Instant.ofEpochMilli(1_700_000_000_000L);

    @Test
    void anObservationBuiltByHandDecodesAndIsExactlyWhatTheSerdeWrites() throws Exception {
        ByteArrayOutputStream bytes = header(released("io.odestream.schema.Observation", "Observation.v1.avsc"));
        body(bytes);
        bytes.write(0); // channels: union branch 0, null
        bytes.write(0); // tags: union branch 0, null

        AvroSerde<Observation> serde = new AvroSerde<>(Observation.class);
        Observation expected = Observation.newBuilder().setSeriesId("pump-7").setEventTime(T)
                .setValues(Arrays.asList(1.5, null)).build();
        assertEquals(expected, serde.deserialize(bytes.toByteArray()));
        assertArrayEquals(bytes.toByteArray(), serde.serialize(expected), "the serde writes the documented format");
    }

    @Test
    void aProducerOneVersionAheadIsReadWithItsNewFieldSkippedAndItsDroppedFieldDefaulted() throws Exception {
        ByteArrayOutputStream bytes = header(released("io.odestream.schema.Observation", "Observation.next-test-only.avsc"));
        body(bytes);
        bytes.write(0); // channels: null
        string(bytes, "kPa"); // unit, the field the newer version adds (it has no tags)

        Observation read = new AvroSerde<>(Observation.class).deserialize(bytes.toByteArray());
        assertEquals(Observation.newBuilder().setSeriesId("pump-7").setEventTime(T).setValues(Arrays.asList(1.5, null))
                .setTags(null).build(), read);
    }

    @Test
    void anObservationWrittenByTheDocumentedPythonExampleDecodes() throws Exception {
        byte[] bytes;
        try (InputStream in = getClass().getResourceAsStream("/wire/observation-v1-python-avro-1.11.1.hex")) {
            bytes = HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip());
        }
        Observation read = new AvroSerde<>(Observation.class).deserialize(bytes);
        assertEquals(Observation.newBuilder().setSeriesId("pump-7").setEventTime(Instant.parse("2026-12-06T12:00:00Z"))
                .setValues(Arrays.asList(21.5, null)).setChannels(List.of("temp", "pressure")).build(), read);
    }

    /** seriesId "pump-7", eventTime T, values [1.5, null]: the fields every version shares. */
    private static void body(ByteArrayOutputStream out) {
        string(out, "pump-7");
        varLong(out, T.toEpochMilli());
        varLong(out, 2); // one block of two array items
        out.write(2); // union branch 1: double
        long bits = Double.doubleToLongBits(1.5);
        for (int i = 0; i < 8; i++) {
            out.write((int) (bits >>> (8 * i)) & 0xFF); // little-endian IEEE 754
        }
        out.write(0); // union branch 0: null
        out.write(0); // end of the array
    }

    private static ByteArrayOutputStream header(Schema writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xC3);
        out.write(0x01);
        long fingerprint = crc64Avro(SchemaNormalization.toParsingForm(writer).getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 8; i++) {
            out.write((int) (fingerprint >>> (8 * i)) & 0xFF);
        }
        return out;
    }

    /** The fingerprint algorithm as the Avro specification gives it ("Schema Fingerprints"). */
    static long crc64Avro(byte[] data) {
        final long empty = 0xc15d213aa4d7a795L;
        long[] table = new long[256];
        for (int i = 0; i < 256; i++) {
            long fp = i;
            for (int j = 0; j < 8; j++) {
                fp = (fp >>> 1) ^ (empty & -(fp & 1L));
            }
            table[i] = fp;
        }
        long fp = empty;
        for (byte b : data) {
            fp = (fp >>> 8) ^ table[(int) (fp ^ b) & 0xff];
        }
        return fp;
    }

    /** Zig-zag then base-128 varint, least significant group first. */
    private static void varLong(ByteArrayOutputStream out, long value) {
        long n = (value << 1) ^ (value >> 63);
        while ((n & ~0x7FL) != 0) {
            out.write((int) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        out.write((int) n);
    }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        varLong(out, utf8.length);
        out.writeBytes(utf8);
    }

    private static Schema released(String fullName, String file) {
        return ReleasedSchemas.onClassPath().versionsOf(fullName).stream().filter(r -> r.source().endsWith("/" + file))
                .findFirst().orElseThrow(() -> new AssertionError(file + " is not on the class path")).schema();
    }
}
