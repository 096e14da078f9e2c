package io.odestream.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.odestream.nn.Activation;
import io.odestream.nn.NeuralVectorField;
import io.odestream.ode.DifferentiableVectorField;
import io.odestream.schema.ModelArtifact;
import io.odestream.nn.CubedInputField;
import java.util.Arrays;
import java.util.Map;

/**
 * The spec of a standalone neural vector field {@code f(t, z) = mlp(g(z) [, t])}, model type
 * {@value #MODEL_TYPE}: dimension, hidden layer sizes, activations, whether t is an input, and an
 * input transform g (identity, or the componentwise cube of torchdiffeq's spiral demo).
 */
public record NeuralFieldSpec(int specVersion, int dimension, int[] hidden, Activation hiddenActivation,
                              Activation outputActivation, boolean timeDependent, InputTransform inputTransform) {

    public static final String MODEL_TYPE = "neural-vector-field";
    private static final ObjectMapper JSON = new ObjectMapper();

    public enum InputTransform { IDENTITY, CUBE }

    public NeuralFieldSpec {
        if (specVersion != 1) {
            throw new InvalidArtifactException("neural-vector-field spec version " + specVersion
                    + " is not supported by this odestream (it reads version 1); upgrade odestream");
        }
        if (dimension < 1 || hidden == null || Arrays.stream(hidden).anyMatch(h -> h < 1)) {
            throw new InvalidArtifactException("neural-vector-field spec needs dimension >= 1 and positive hidden "
                    + "sizes, got dimension " + dimension + ", hidden " + Arrays.toString(hidden));
        }
        hidden = hidden.clone();
    }

    @Override
    public int[] hidden() {
        return hidden.clone();
    }

    /** A freshly initialised field of this architecture (seeded). */
    public DifferentiableVectorField newField(long seed) {
        NeuralVectorField network = NeuralVectorField.create(dimension, hidden, hiddenActivation, outputActivation,
                timeDependent, seed);
        return inputTransform == InputTransform.CUBE ? new CubedInputField(network) : network;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write spec as JSON", e);
        }
    }

    public static NeuralFieldSpec fromJson(String json) {
        try {
            return JSON.readValue(json, NeuralFieldSpec.class);
        } catch (JsonProcessingException e) {
            throw new InvalidArtifactException("the model's spec is not a valid neural-vector-field spec: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** An artifact holding {@code field}'s current parameters. */
    public ModelArtifact toArtifact(DifferentiableVectorField field, String modelId, long version, Long parentVersion,
                                    Map<String, Double> metrics, Map<String, String> lineage) {
        return ModelArtifacts.create(modelId, version, parentVersion, MODEL_TYPE, toJson(), field.parameters().clone(),
                metrics, lineage);
    }

    /** The field an artifact describes, with its parameters; checks type and shape. */
    public static DifferentiableVectorField load(ModelArtifact artifact) {
        if (!MODEL_TYPE.equals(artifact.getModelType())) {
            throw new InvalidArtifactException("model " + artifact.getModelId() + " version " + artifact.getVersion()
                    + " is a '" + artifact.getModelType() + "', not a '" + MODEL_TYPE + "'");
        }
        ModelArtifacts.verifyChecksum(artifact, "memory");
        NeuralFieldSpec spec = fromJson(artifact.getSpecJson());
        DifferentiableVectorField field = spec.newField(0);
        double[] parameters = ModelArtifacts.parameters(artifact);
        if (parameters.length != field.parameterCount()) {
            throw new InvalidArtifactException("model " + artifact.getModelId() + " version " + artifact.getVersion()
                    + " has " + parameters.length + " parameters but its spec " + spec + " needs "
                    + field.parameterCount());
        }
        System.arraycopy(parameters, 0, field.parameters(), 0, parameters.length);
        field.parametersChanged();
        return field;
    }

    @Override
    public String toString() {
        return "NeuralFieldSpec[D=" + dimension + ", hidden=" + Arrays.toString(hidden) + ", " + hiddenActivation
                + "/" + outputActivation + (timeDependent ? ", time-dependent" : "") + ", input " + inputTransform + "]";
    }
}
