package io.odestream.kafka;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * Avro binary decoding of one message that refuses any length or item count the message cannot
 * possibly hold. Avro trusts the lengths in the data and allocates before reading: four random
 * bytes claiming a 500-million-item array are an OutOfMemoryError, not an exception (found by
 * {@code AvroSerdeTest}). In our schemas every string, byte sequence and collection item takes
 * at least one byte, so no count can exceed the message length.
 */
final class BoundedBinaryDecoder extends Decoder {

    private final BinaryDecoder in;
    private final long maxLength;

    BoundedBinaryDecoder(BinaryDecoder in, int messageLength) {
        this.in = in;
        this.maxLength = messageLength;
    }

    boolean isEnd() throws IOException {
        return in.isEnd();
    }

    private long checked(long count, String what) {
        if (count < 0 || count > maxLength) {
            throw new AvroRuntimeException("malformed data: " + what + " of " + count + " in a message of "
                    + maxLength + " bytes");
        }
        return count;
    }

    private int length(String what) throws IOException {
        return (int) checked(in.readLong(), what);
    }

    @Override
    public void readNull() throws IOException {
        in.readNull();
    }

    @Override
    public boolean readBoolean() throws IOException {
        return in.readBoolean();
    }

    @Override
    public int readInt() throws IOException {
        return in.readInt();
    }

    @Override
    public long readLong() throws IOException {
        return in.readLong();
    }

    @Override
    public float readFloat() throws IOException {
        return in.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
        return in.readDouble();
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int length = length("string length");
        Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(length);
        in.readFixed(result.getBytes(), 0, length);
        return result;
    }

    @Override
    public String readString() throws IOException {
        byte[] bytes = new byte[length("string length")];
        in.readFixed(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void skipString() throws IOException {
        in.skipFixed(length("string length"));
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        byte[] bytes = new byte[length("bytes length")];
        in.readFixed(bytes);
        return ByteBuffer.wrap(bytes);
    }

    @Override
    public void skipBytes() throws IOException {
        in.skipFixed(length("bytes length"));
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        in.readFixed(bytes, start, length);
    }

    @Override
    public void skipFixed(int length) throws IOException {
        in.skipFixed(length);
    }

    @Override
    public int readEnum() throws IOException {
        return in.readEnum();
    }

    @Override
    public long readArrayStart() throws IOException {
        return checked(in.readArrayStart(), "array item count");
    }

    @Override
    public long arrayNext() throws IOException {
        return checked(in.arrayNext(), "array item count");
    }

    @Override
    public long skipArray() throws IOException {
        return checked(in.skipArray(), "array item count");
    }

    @Override
    public long readMapStart() throws IOException {
        return checked(in.readMapStart(), "map entry count");
    }

    @Override
    public long mapNext() throws IOException {
        return checked(in.mapNext(), "map entry count");
    }

    @Override
    public long skipMap() throws IOException {
        return checked(in.skipMap(), "map entry count");
    }

    @Override
    public int readIndex() throws IOException {
        return in.readIndex();
    }
}
