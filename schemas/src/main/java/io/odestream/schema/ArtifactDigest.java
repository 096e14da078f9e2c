package io.odestream.schema;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The canonical bytes of a {@link ModelArtifact} and their SHA-256, as the schema's {@code checksum}
 * field defines them: int32 big-endian length + UTF-8 of modelType, the same for specJson, int32
 * parameter count + every parameter as 8 big-endian bytes of {@code Double.doubleToLongBits}.
 * One implementation for everybody who checksums or signs artifacts (ode-core writes them, the
 * registry signs and verifies them), so the definition cannot drift.
 */
public final class ArtifactDigest {
    private ArtifactDigest() {
    }

    public static byte[] canonicalBytes(String modelType, String specJson, double[] parameters) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(16 + 8 * parameters.length + specJson.length());
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            writeString(out, modelType);
            writeString(out, specJson);
            out.writeInt(parameters.length);
            for (double p : parameters) {
                out.writeLong(Double.doubleToLongBits(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return buffer.toByteArray();
    }

    public static byte[] canonicalBytes(ModelArtifact artifact) {
        return canonicalBytes(artifact.getModelType(), artifact.getSpecJson(), toArray(artifact.getParameters()));
    }

    /** Lower-case hex SHA-256 of the canonical bytes. */
    public static String sha256Hex(String modelType, String specJson, double[] parameters) {
        return HexFormat.of().formatHex(sha256(canonicalBytes(modelType, specJson, parameters)));
    }

    public static String sha256Hex(ModelArtifact artifact) {
        return HexFormat.of().formatHex(sha256(canonicalBytes(artifact)));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static double[] toArray(java.util.List<Double> values) {
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
