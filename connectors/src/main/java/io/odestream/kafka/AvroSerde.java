package io.odestream.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro binary encoding (no header, no schema id: the topic fixes the schema, see
 * connectors/README.md) of one generated record type. Reuses its encoder, decoder and buffer,
 * so it is not thread-safe: one instance per operator instance.
 */
public final class AvroSerde<T extends SpecificRecord> {

    private final Class<T> type;
    private final SpecificDatumWriter<T> writer;
    private final SpecificDatumReader<T> reader;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
    private BinaryEncoder encoder;
    private BinaryDecoder decoder;

    public AvroSerde(Class<T> type) {
        this.type = type;
        SpecificData model = SpecificData.getForClass(type);
        this.writer = new SpecificDatumWriter<>(SpecificData.get().getSchema(type), model);
        this.reader = new SpecificDatumReader<>(SpecificData.get().getSchema(type), SpecificData.get().getSchema(type), model);
    }

    public Class<T> type() {
        return type;
    }

    public byte[] serialize(T record) {
        buffer.reset();
        encoder = EncoderFactory.get().binaryEncoder(buffer, encoder);
        try {
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + type.getSimpleName() + " " + record, e);
        }
        return buffer.toByteArray();
    }

    /**
     * Decodes one record; every way the bytes can be wrong (truncated, trailing garbage, bad
     * lengths, bad union or enum indices, invalid UTF-8) ends in {@link UndecodableRecordException}.
     */
    public T deserialize(byte[] bytes) throws UndecodableRecordException {
        if (bytes == null) {
            throw new UndecodableRecordException("the value is null (a tombstone), expected a " + type.getSimpleName());
        }
        decoder = DecoderFactory.get().binaryDecoder(bytes, decoder);
        BoundedBinaryDecoder bounded = new BoundedBinaryDecoder(decoder, bytes.length);
        T record;
        try {
            record = reader.read(null, bounded);
            if (!bounded.isEnd()) {
                throw new UndecodableRecordException(bytes.length + " bytes hold a " + type.getSimpleName()
                        + " followed by trailing bytes: not a " + type.getSimpleName() + " in Avro binary encoding");
            }
        } catch (UndecodableRecordException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Avro signals malformed input with EOFException, AvroRuntimeException, ArrayIndexOutOfBounds,
            // NegativeArraySize, ClassCast...: all mean the same thing here.
            throw new UndecodableRecordException("cannot decode " + bytes.length + " bytes as "
                    + type.getSimpleName() + " (Avro binary): " + e, e);
        }
        return record;
    }
}
