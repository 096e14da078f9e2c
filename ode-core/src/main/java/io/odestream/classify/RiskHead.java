package io.odestream.classify;

import io.odestream.model.InvalidArtifactException;
import io.odestream.model.ModelArtifacts;
import io.odestream.schema.ModelArtifact;
import java.nio.file.Path;
import java.util.Map;

/**
 * A trained risk head ready to score: z-scores a series' hidden state by its training statistics and
 * returns the classifier's probability of the positive class. Written and read as a checksummed
 * {@link ModelArtifact} of type {@value #MODEL_TYPE} ({@link RiskHeadSpec} as its spec), so it
 * travels and is verified like the served models.
 *
 * <p>Not thread-safe (the classifier's and this head's scratch): one per operator instance.
 */
public final class RiskHead {
    public static final String MODEL_TYPE = "risk-head";

    private final RiskHeadSpec spec;
    private final String headId;
    private final DepthClassifier classifier;
    private final double[] mean;
    private final double[] std;
    private final double[] scaled;
    private final double[] probabilities = new double[2];

    private RiskHead(RiskHeadSpec spec, String headId, DepthClassifier classifier) {
        this.spec = spec;
        this.headId = headId;
        this.classifier = classifier;
        this.mean = spec.mean();
        this.std = spec.std();
        this.scaled = new double[spec.inputs()];
    }

    /** The artifact of a trained {@code classifier} whose inputs were z-scored by {@code spec}'s statistics. */
    public static ModelArtifact toArtifact(RiskHeadSpec spec, DepthClassifier classifier, String headId, long version,
                                           Map<String, Double> metrics, Map<String, String> lineage) {
        if (classifier.parameterCount() != spec.newClassifier().parameterCount()
                || classifier.shape().inputs() != spec.inputs()) {
            throw new IllegalArgumentException("the classifier (" + classifier.description() + ", "
                    + classifier.parameterCount() + " parameters) is not the one its spec describes");
        }
        return ModelArtifacts.create(headId, version, null, MODEL_TYPE, spec.toJson(), classifier.parameters().clone(),
                metrics, lineage);
    }

    /** The head an artifact describes; checks its type, checksum and parameter count. */
    public static RiskHead load(ModelArtifact artifact) {
        String what = "risk head " + artifact.getModelId() + " version " + artifact.getVersion();
        if (!MODEL_TYPE.equals(artifact.getModelType())) {
            throw new InvalidArtifactException(what + " is a '" + artifact.getModelType() + "', not a '" + MODEL_TYPE
                    + "' (write one with odestream eval mortality --save-head)");
        }
        ModelArtifacts.verifyChecksum(artifact, "memory");
        RiskHeadSpec spec = RiskHeadSpec.fromJson(artifact.getSpecJson());
        DepthClassifier classifier = spec.newClassifier();
        double[] parameters = ModelArtifacts.parameters(artifact);
        if (parameters.length != classifier.parameterCount()) {
            throw new InvalidArtifactException(what + " has " + parameters.length + " parameters but its spec needs "
                    + classifier.parameterCount());
        }
        System.arraycopy(parameters, 0, classifier.parameters(), 0, parameters.length);
        classifier.parametersChanged();
        return new RiskHead(spec, artifact.getModelId() + "/" + artifact.getVersion(), classifier);
    }

    /** Reads, verifies and loads the head in {@code file}. */
    public static RiskHead read(Path file) {
        return load(ModelArtifacts.read(file));
    }

    public RiskHeadSpec spec() {
        return spec;
    }

    /** {@code modelId/version} of the artifact, as RiskScore records name it. */
    public String headId() {
        return headId;
    }

    /**
     * Refuses a model whose hidden state is not the size the head was trained on: the head would read
     * the wrong features, or past them.
     *
     * @param hidden the served model's hidden size H
     * @param model  the model, for the message
     */
    public void requireInputs(int hidden, String model) {
        if (hidden != spec.inputs()) {
            throw new IllegalArgumentException("risk head " + headId + " reads a hidden state of " + spec.inputs()
                    + " values, but " + model + " keeps " + hidden + " per series; train the head on this model's "
                    + "filter (odestream eval mortality --save-head) or serve the model it was trained on");
        }
    }

    /** The probability of the positive class for one hidden state (its first {@code inputs} values). */
    public double probability(double[] hidden) {
        for (int j = 0; j < scaled.length; j++) {
            scaled[j] = (hidden[j] - mean[j]) / std[j];
        }
        classifier.probabilities(scaled, 1, probabilities);
        return probabilities[1];
    }

    /** Probabilities for rows × inputs raw hidden states, as {@link #probability} gives them one by one. */
    public double[] probabilities(double[] hidden, int rows) {
        double[] out = new double[rows];
        double[] row = new double[spec.inputs()];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(hidden, r * row.length, row, 0, row.length);
            out[r] = probability(row);
        }
        return out;
    }
}
