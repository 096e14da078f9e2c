package io.odestream.bench;

import io.odestream.demo.DemoModel;
import io.odestream.demo.DemoStream;
import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.LatentOdeSpec;
import io.odestream.latent.LatentOdeTraining;
import io.odestream.model.InvalidArtifactException;
import io.odestream.model.ModelArtifacts;
import io.odestream.registry.ArtifactSigner;
import io.odestream.registry.ArtifactVerifier;
import io.odestream.registry.SigningKeys;
import io.odestream.registry.TrustedKeys;
import io.odestream.schema.ModelArtifact;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;

/**
 * The model the benchmark serves, signed with a key generated for the run (the job serves signed
 * models only), and the verifier that trusts that key.
 *
 * @param artifact    signed artifact
 * @param verifier    trusts the run's key
 * @param description what it is, for the report
 */
record BenchModel(ModelArtifact artifact, ArtifactVerifier verifier, String description) {
    /** The demo model's shape (DemoModel: 3 channels, latent 6, encoder state 20, MLPs of one hidden layer of 32). */
    private static final int CHANNELS = 3;
    private static final int LATENT = 6;
    private static final int HIDDEN = 20;
    private static final int UNITS = 32;

    /**
     * {@code file} when given; else the bundled demo model; else, while the bundled resource does not
     * exist yet, an untrained model of the demo's shape normalised to the demo's data (its solver work
     * per event may differ from a trained model's: say so next to any figure measured with it).
     */
    static BenchModel load(Path file) {
        ModelArtifact unsigned;
        String description;
        if (file != null) {
            unsigned = ModelArtifacts.read(file);
            description = "artifact " + file + " (" + unsigned.getModelId() + " v" + unsigned.getVersion() + ")";
        } else {
            try {
                unsigned = DemoModel.bundled();
                description = "bundled demo model (" + unsigned.getModelId() + " v" + unsigned.getVersion() + ")";
            } catch (InvalidArtifactException e) {
                unsigned = untrainedDemoShape();
                description = "UNTRAINED model of the demo's shape (the bundled " + DemoModel.RESOURCE
                        + " is missing: " + e.getMessage() + ")";
            }
        }
        int channels = LatentOdeModel.fromArtifact(unsigned).spec().channels();
        if (channels != CHANNELS) {
            throw new IllegalArgumentException("--model: the benchmark's stream has " + CHANNELS
                    + " channels but the model has " + channels + "; give a model of the demo's 3 channels");
        }
        KeyPair keys = SigningKeys.generate();
        return new BenchModel(ArtifactSigner.of(keys).sign(unsigned),
                new ArtifactVerifier(TrustedKeys.of(keys.getPublic())), description);
    }

    private static ModelArtifact untrainedDemoShape() {
        DemoStream sample = DemoStream.generate(DemoModel.trainingConfig().withSeries(4));
        LatentOdeSpec spec = LatentOdeTraining.normalisedFor(LatentOdeSpec.of(CHANNELS, LATENT, HIDDEN,
                new int[] {UNITS}, new int[] {UNITS}, 1000.0), sample.trainingSeries());
        return LatentOdeModel.create(spec, 17).toArtifact(DemoModel.MODEL_ID, DemoModel.VERSION, null, Map.of(),
                Map.of("trainer", "none: untrained, for the pipeline benchmark until the bundled model exists"));
    }

    String modelId() {
        return artifact.getModelId();
    }
}
