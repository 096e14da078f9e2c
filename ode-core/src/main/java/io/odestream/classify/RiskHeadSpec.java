package io.odestream.classify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.odestream.model.InvalidArtifactException;
import java.util.Arrays;

/**
 * The spec of a risk head, model type {@value RiskHead#MODEL_TYPE}: which features it reads, how
 * they are z-scored, and the {@link DepthClassifier} that maps them to two classes.
 *
 * @param specVersion 1
 * @param features    what the inputs are: {@value #FILTER_HIDDEN}, the latent filter's hidden state h
 *                    that the forecasting job keeps per series (all of it, in its order)
 * @param kind        {@value #ODE_NET} (ANODE when {@code augment > 0}) or {@value #RES_NET}
 * @param inputs      N, the hidden size H of the model the head was trained on
 * @param width       d, the projected width
 * @param augment     ANODE's extra dimensions (0 for the ODE-Net and the ResNet)
 * @param units       hidden width of the ODE field or of each residual block
 * @param blocks      the ResNet's blocks (0 for an ODE head)
 * @param rtol        the ODE block's tolerances (unused by a ResNet)
 * @param atol        likewise
 * @param mean        per input, the training mean it is centred by
 * @param std         per input, the training standard deviation it is divided by
 */
public record RiskHeadSpec(int specVersion, String features, String kind, int inputs, int width, int augment,
                           int units, int blocks, double rtol, double atol, double[] mean, double[] std) {

    public static final String FILTER_HIDDEN = "filter-hidden-state";
    public static final String ODE_NET = "ode-net";
    public static final String RES_NET = "resnet";
    private static final ObjectMapper JSON = new ObjectMapper();

    public RiskHeadSpec {
        if (specVersion != 1) {
            throw new InvalidArtifactException("risk-head spec version " + specVersion
                    + " is not supported by this odestream (it reads version 1); upgrade odestream");
        }
        if (!FILTER_HIDDEN.equals(features)) {
            throw new InvalidArtifactException("a risk head reads '" + FILTER_HIDDEN + "', this one reads '" + features
                    + "'");
        }
        if (!ODE_NET.equals(kind) && !RES_NET.equals(kind)) {
            throw new InvalidArtifactException("risk-head kind must be '" + ODE_NET + "' or '" + RES_NET + "', got '"
                    + kind + "'");
        }
        if (mean == null || std == null || mean.length != inputs || std.length != inputs) {
            throw new InvalidArtifactException("a risk head over " + inputs + " inputs needs " + inputs
                    + " means and standard deviations, got " + (mean == null ? 0 : mean.length) + " and "
                    + (std == null ? 0 : std.length));
        }
        for (double s : std) {
            if (!(s > 0) || Double.isInfinite(s)) {
                throw new InvalidArtifactException("a risk head's standard deviations must be positive and finite, got "
                        + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] std() {
        return std.clone();
    }

    /** The classifier this spec describes, with fresh parameters (the artifact's are copied in by the caller). */
    DepthClassifier newClassifier() {
        DepthClassifier.Shape shape = new DepthClassifier.Shape(inputs, width, 2);
        return ODE_NET.equals(kind)
                ? DepthClassifier.odeNet(shape, augment, units, rtol, atol, OdeBlock.Gradient.ADJOINT, 0L)
                : DepthClassifier.resNet(shape, blocks, units, 0L);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the risk-head spec as JSON", e);
        }
    }

    public static RiskHeadSpec fromJson(String json) {
        try {
            return JSON.readValue(json, RiskHeadSpec.class);
        } catch (JsonProcessingException e) {
            throw new InvalidArtifactException("the artifact's spec is not a valid risk-head spec: "
                    + e.getOriginalMessage(), e);
        }
    }
}
