package io.odestream.kafka;

import io.odestream.schema.ReleasedSchemas;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The one serde of every odestream topic: Avro single-object encoding of one generated record
 * type. A value is the marker {@code C3 01}, the writer schema's 8-byte CRC-64-AVRO fingerprint
 * (little-endian) and the Avro binary body. Writing uses this build's schema; reading finds the
 * writer's schema by its fingerprint among the {@link ReleasedSchemas released versions} of the
 * type and resolves it to this build's, so producers one version behind or ahead share a topic
 * (docs/RELIABILITY.md, "Schema evolution and security"). Reuses its encoder, decoder and
 * buffers, so it is not thread-safe: one instance per operator instance.
 */
public final class AvroSerde<T extends SpecificRecord> {

    /** Bytes before the body: the 2-byte marker and the 8-byte fingerprint. */
    static final int HEADER_LENGTH = 10;

    private final Class<T> type;
    private final ReleasedSchemas released;
    private final BoundedSpecificData model;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;
    private final UnsynchronizedByteStreams.Output buffer = new UnsynchronizedByteStreams.Output();
    private final UnsynchronizedByteStreams.Input input = new UnsynchronizedByteStreams.Input();

    /** Reads every version released on the class path. */
    public AvroSerde(Class<T> type) {
        this(type, ReleasedSchemas.onClassPath());
    }

    /**
     * @throws IllegalStateException if a released version of the type cannot be read as this
     *     build's schema: such a build must not start
     */
    public AvroSerde(Class<T> type, ReleasedSchemas released) {
        this.type = type;
        this.released = released;
        Schema schema = SpecificData.get().getSchema(type);
        this.model = new BoundedSpecificData(SpecificData.getForClass(type));
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema, released.storeFor(schema));
    }

    public Class<T> type() {
        return type;
    }

    public byte[] serialize(T record) {
        buffer.reset();
        try {
            encoder.encode(record, buffer);
        } catch (IOException | RuntimeException e) {
            throw new UncheckedIOException("cannot encode " + type.getSimpleName() + " " + record,
                    e instanceof IOException io ? io : new IOException(e));
        }
        return buffer.toByteArray();
    }

    /**
     * Decodes one record; every way the bytes can be wrong (no single-object header, a writer
     * schema that is not a released version of the type, truncated, trailing garbage, bad
     * lengths, bad union or enum indices, invalid UTF-8) ends in {@link UndecodableRecordException}.
     */
    public T deserialize(byte[] bytes) throws UndecodableRecordException {
        if (bytes == null) {
            throw new UndecodableRecordException("the value is null (a tombstone), expected a " + type.getSimpleName());
        }
        input.reset(bytes);
        model.messageLength(bytes.length);
        T record;
        try {
            record = decoder.decode(input, null);
        } catch (BadHeaderException e) {
            throw new UndecodableRecordException(bytes.length + " bytes without the Avro single-object header"
                    + " (C3 01 and the writer schema's 8-byte fingerprint) that every odestream record starts with:"
                    + " plain Avro binary, another format or random bytes, not a " + type.getSimpleName(), e);
        } catch (MissingSchemaException e) {
            throw new UndecodableRecordException(unknownWriter(bytes), e);
        } catch (RuntimeException e) {
            // Avro signals malformed input with AvroRuntimeException (an EOFException inside),
            // ArrayIndexOutOfBounds, NegativeArraySize, ClassCast...: all mean the same thing here.
            throw new UndecodableRecordException("cannot decode " + bytes.length + " bytes as "
                    + type.getSimpleName() + " written with schema " + hex(writerFingerprint(bytes)) + ": " + e, e);
        } catch (IOException e) {
            throw new UndecodableRecordException("cannot decode " + bytes.length + " bytes as " + type.getSimpleName()
                    + ": " + e, e);
        }
        if (input.available() > 0) {
            throw new UndecodableRecordException(bytes.length + " bytes hold a " + type.getSimpleName() + " followed by "
                    + input.available() + " trailing bytes: not one " + type.getSimpleName() + " in Avro single-object encoding");
        }
        return record;
    }

    private String unknownWriter(byte[] bytes) {
        long fingerprint = writerFingerprint(bytes);
        String name = SpecificData.get().getSchema(type).getFullName();
        Optional<ReleasedSchemas.Release> other = released.find(fingerprint);
        String known = String.join(", ", released.versionsOf(name).stream().map(ReleasedSchemas.Release::fingerprintHex).toList());
        return "written with schema " + hex(fingerprint) + ", which is not a released version of " + type.getSimpleName()
                + other.map(r -> " but of " + r.schema().getFullName() + ": a record of another type on this topic?")
                        .orElse(": a producer ahead of this job must have its schema released to the job first"
                                + " (a file listed in " + ReleasedSchemas.INDEX + " on the class path)")
                + "; known versions: " + known;
    }

    /** The fingerprint field of a header Avro accepted, for messages only (Avro did the decoding). */
    private static long writerFingerprint(byte[] bytes) {
        long fingerprint = 0;
        for (int i = HEADER_LENGTH - 1; i >= 2 && i < bytes.length; i--) {
            fingerprint = (fingerprint << 8) | (bytes[i] & 0xFF);
        }
        return fingerprint;
    }

    private static String hex(long fingerprint) {
        return String.format("%016x", fingerprint);
    }
}
