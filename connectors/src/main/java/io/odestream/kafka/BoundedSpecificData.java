package io.odestream.kafka;

import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.Decoder;
import org.apache.avro.specific.SpecificData;

/**
 * A generated type's Avro data model whose readers decode through {@link BoundedBinaryDecoder}:
 * Avro's {@code BinaryMessageDecoder} builds its readers from the model, and this is the one
 * place a bound can reach them. The readers themselves come from the generated class's own
 * model: Avro's fast reader (about three times faster here, measured on an 8-channel
 * Observation) serves only the exact {@code SpecificData} class, never a subclass such as this.
 * One instance per {@link AvroSerde}, which sets the length of the message it is about to
 * decode; not thread-safe, like the serde.
 */
final class BoundedSpecificData extends SpecificData {

    private final SpecificData generated;
    private int messageLength;

    /** The same class loader and logical-type conversions as the generated class's own model. */
    BoundedSpecificData(SpecificData generated) {
        super(generated.getClassLoader());
        this.generated = generated;
        generated.getConversions().forEach(this::addLogicalTypeConversion);
    }

    void messageLength(int length) {
        this.messageLength = length;
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public DatumReader createDatumReader(Schema writer, Schema reader) {
        DatumReader<Object> resolving = generated.createDatumReader(writer, reader);
        return new DatumReader<Object>() {
            @Override
            public void setSchema(Schema schema) {
                resolving.setSchema(schema);
            }

            @Override
            public Object read(Object reuse, Decoder in) throws IOException {
                return resolving.read(reuse, new BoundedBinaryDecoder((BinaryDecoder) in, messageLength));
            }
        };
    }
}
