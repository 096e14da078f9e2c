package io.odestream.registry;

import io.odestream.schema.ModelArtifact;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The message an artifact's Ed25519 signature is made over. The schema's {@code checksum} covers
 * only the content (modelType, specJson, parameters; see {@link io.odestream.schema.ArtifactDigest}),
 * so a signature over the checksum alone would let anyone relabel a signed model as another
 * version, another model or another parent. The signed message therefore binds every field of
 * the artifact except the signature itself, in this explicit layout (all integers big-endian;
 * {@code str} = int32 byte length + UTF-8 bytes):
 *
 * <pre>
 *   str    "odestream/model-artifact/signature/v1"   domain separation and layout version
 *   str    modelId
 *   int64  version
 *   int8   1 + int64 parentVersion, or 0 when there is no parent
 *   int64  createdAt (epoch ms)
 *   str    modelType
 *   str    checksum (lower-case hex SHA-256 of the content; the verifier recomputes it first)
 *   int32  n, then n x (str key, int64 Double.doubleToLongBits(value))   metrics, keys in String order
 *   int32  n, then n x (str key, str value)                              lineage, keys in String order
 *   str    signingKeyId
 * </pre>
 *
 * Maps are sorted because Avro maps have no order. Not the Avro binary of the record: Avro
 * encodes maps in iteration order, which a reader's HashMap does not preserve.
 */
public final class SignedArtifactBytes {
    static final String DOMAIN = "odestream/model-artifact/signature/v1";

    private SignedArtifactBytes() {
    }

    public static byte[] of(ModelArtifact a) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            str(out, DOMAIN);
            str(out, a.getModelId());
            out.writeLong(a.getVersion());
            if (a.getParentVersion() == null) {
                out.writeByte(0);
            } else {
                out.writeByte(1);
                out.writeLong(a.getParentVersion());
            }
            out.writeLong(a.getCreatedAt().toEpochMilli());
            str(out, a.getModelType());
            str(out, a.getChecksum());
            Map<String, Double> metrics = new TreeMap<>(a.getMetrics());
            out.writeInt(metrics.size());
            for (Map.Entry<String, Double> e : metrics.entrySet()) {
                str(out, e.getKey());
                out.writeLong(Double.doubleToLongBits(e.getValue()));
            }
            Map<String, String> lineage = new TreeMap<>(a.getLineage());
            out.writeInt(lineage.size());
            for (Map.Entry<String, String> e : lineage.entrySet()) {
                str(out, e.getKey());
                str(out, e.getValue());
            }
            str(out, a.getSigningKeyId() == null ? "" : a.getSigningKeyId());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return buffer.toByteArray();
    }

    private static void str(DataOutputStream out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }
}
