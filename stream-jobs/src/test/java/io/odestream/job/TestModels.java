package io.odestream.job;

import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.LatentOdeSpec;
import io.odestream.registry.ArtifactSigner;
import io.odestream.registry.ArtifactVerifier;
import io.odestream.registry.SigningKeys;
import io.odestream.registry.TrustedKeys;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

/** Small signed latent-ODE artifacts and observations for the job's tests. */
public final class TestModels {
    public static final String MODEL_ID = "test-model";
    public static final KeyPair KEYS = SigningKeys.generate();
    public static final ArtifactVerifier VERIFIER = new ArtifactVerifier(TrustedKeys.of(KEYS.getPublic()));

    private TestModels() {
    }

    public static LatentOdeModel model(int channels, long seed) {
        LatentOdeSpec spec = LatentOdeSpec.of(channels, 3, 6, new int[] {8}, new int[] {8}, 1000.0);
        return LatentOdeModel.create(spec, seed);
    }

    /** A signed artifact of {@code version}: 2 channels, random weights from {@code seed}. */
    public static ModelArtifact signed(long version, long seed) {
        return sign(model(2, seed).toArtifact(MODEL_ID, version, null, Map.of(), Map.of()));
    }

    public static ModelArtifact sign(ModelArtifact artifact) {
        return ArtifactSigner.of(KEYS).sign(artifact);
    }

    /** A signed artifact whose parameter slices named {@code prefix}* are overwritten with {@code value}. */
    public static ModelArtifact withParameters(long version, long seed, String prefix, double value) {
        LatentOdeModel m = model(2, seed);
        for (var s : m.parameters().slices()) {
            if (s.name().startsWith(prefix)) {
                Arrays.fill(m.parameters().values(), s.offset(), s.offset() + s.size(), value);
            }
        }
        m.parametersChanged();
        return sign(m.toArtifact(MODEL_ID, version, null, Map.of(), Map.of()));
    }

    /**
     * An unsigned new version of {@code source} with every readout weight scaled: the same latent
     * dynamics with wrong outputs, a deliberately worse candidate.
     */
    public static ModelArtifact withScaledReadout(ModelArtifact source, long version, double scale) {
        LatentOdeModel m = LatentOdeModel.fromArtifact(source);
        double[] p = m.parameters().values();
        for (var slice : m.parameters().slices()) {
            if (slice.name().startsWith("readout")) {
                for (int i = slice.offset(); i < slice.offset() + slice.size(); i++) {
                    p[i] *= scale;
                }
            }
        }
        m.parametersChanged();
        return m.toArtifact(source.getModelId(), version, source.getVersion(), Map.of(), Map.of());
    }

    public static Observation observation(String series, long timeMillis, Double... values) {
        return Observation.newBuilder().setSeriesId(series).setEventTime(Instant.ofEpochMilli(timeMillis))
                .setValues(Arrays.asList(values)).build();
    }
}
