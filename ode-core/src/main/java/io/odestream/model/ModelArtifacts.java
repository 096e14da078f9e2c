package io.odestream.model;

import io.odestream.schema.ArtifactDigest;
import io.odestream.schema.ModelArtifact;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Reads, writes and checks {@link ModelArtifact}s: a spec, a flat parameter vector and their
 * SHA-256 checksum, in an Avro container file (the schema travels with the data, so an old
 * artifact stays readable as the schema evolves).
 */
public final class ModelArtifacts {
    private ModelArtifacts() {
    }

    /** A new, unsigned artifact with its checksum computed. */
    public static ModelArtifact create(String modelId, long version, Long parentVersion, String modelType,
                                       String specJson, double[] parameters, Map<String, Double> metrics,
                                       Map<String, String> lineage) {
        List<Double> values = new ArrayList<>(parameters.length);
        for (double p : parameters) {
            values.add(p);
        }
        return ModelArtifact.newBuilder()
                .setModelId(modelId)
                .setVersion(version)
                .setCreatedAt(Instant.now())
                .setParentVersion(parentVersion)
                .setModelType(modelType)
                .setSpecJson(specJson)
                .setParameters(values)
                .setMetrics(Map.copyOf(metrics))
                .setLineage(Map.copyOf(lineage))
                .setChecksum(ArtifactDigest.sha256Hex(modelType, specJson, parameters))
                .build();
    }

    public static void write(ModelArtifact artifact, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (DataFileWriter<ModelArtifact> writer = new DataFileWriter<>(new SpecificDatumWriter<>(ModelArtifact.class))) {
            writer.create(ModelArtifact.getClassSchema(), file.toFile());
            writer.append(artifact);
        }
    }

    /** Reads one artifact and verifies its checksum. */
    public static ModelArtifact read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidArtifactException("model file " + file + " does not exist or is not a file");
        }
        ModelArtifact artifact;
        try (DataFileReader<ModelArtifact> reader =
                     new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(ModelArtifact.class))) {
            if (!reader.hasNext()) {
                throw new InvalidArtifactException("model file " + file + " holds no artifact");
            }
            artifact = reader.next();
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidArtifactException invalid) {
                throw invalid;
            }
            throw new InvalidArtifactException("model file " + file + " is not a readable model artifact ("
                    + e.getMessage() + "); was it written by odestream, and copied completely?", e);
        }
        verifyChecksum(artifact, file.toString());
        return artifact;
    }

    /** Throws when the spec or parameters do not hash to the recorded checksum. */
    public static void verifyChecksum(ModelArtifact artifact, String source) {
        String actual = ArtifactDigest.sha256Hex(artifact);
        if (!actual.equals(artifact.getChecksum())) {
            throw new InvalidArtifactException("model " + artifact.getModelId() + " version " + artifact.getVersion()
                    + " from " + source + " is corrupt or was modified: its checksum says " + artifact.getChecksum()
                    + " but its spec and parameters hash to " + actual + "; re-export it from the registry or the "
                    + "training run that produced it");
        }
    }

    public static double[] parameters(ModelArtifact artifact) {
        List<Double> values = artifact.getParameters();
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
