package io.odestream.latent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.odestream.model.InvalidArtifactException;
import io.odestream.nn.Activation;
import java.util.Arrays;

/**
 * The architecture of a latent ODE with an ODE-RNN encoder (model type {@value #MODEL_TYPE}), the
 * solver it integrates with, its time unit and the per-channel normalisation learned from the
 * training data — everything besides the parameter vector that a model artifact must carry.
 *
 * @param specVersion           format version of this spec (1)
 * @param channels              C, observed channels
 * @param latent                L, latent state size
 * @param hidden                H, encoder (filter) state size
 * @param encoderDynamicsHidden hidden layer sizes of the encoder's ODE between observations
 * @param decoderDynamicsHidden hidden layer sizes of the latent dynamics
 * @param activation            hidden activation of both dynamics networks
 * @param timeUnitMillis        one unit of model time in epoch milliseconds
 * @param method                solver method name, e.g. "dopri5"
 * @param rtol                  solver relative tolerance
 * @param atol                  solver absolute tolerance
 * @param channelMean           per-channel mean of the training data (values are normalised with it)
 * @param channelStd            per-channel standard deviation of the training data (> 0)
 */
public record LatentOdeSpec(int specVersion, int channels, int latent, int hidden, int[] encoderDynamicsHidden,
                            int[] decoderDynamicsHidden, Activation activation, double timeUnitMillis, String method,
                            double rtol, double atol, double[] channelMean, double[] channelStd) {

    public static final String MODEL_TYPE = "latent-ode";
    private static final ObjectMapper JSON = new ObjectMapper();

    public LatentOdeSpec {
        require(specVersion == 1, "spec version " + specVersion + " is not supported (this odestream reads 1)");
        require(channels >= 1 && latent >= 1 && hidden >= 1, "channels, latent and hidden sizes must be >= 1");
        require(encoderDynamicsHidden != null && decoderDynamicsHidden != null, "dynamics hidden sizes are required");
        require(timeUnitMillis > 0 && Double.isFinite(timeUnitMillis), "timeUnitMillis must be > 0");
        require(rtol > 0 && atol > 0, "solver tolerances must be > 0");
        require(channelMean != null && channelMean.length == channels, "channelMean needs one value per channel");
        require(channelStd != null && channelStd.length == channels, "channelStd needs one value per channel");
        for (int c = 0; c < channels; c++) {
            require(Double.isFinite(channelMean[c]) && channelStd[c] > 0 && Double.isFinite(channelStd[c]),
                    "channel " + c + " has mean " + channelMean[c] + " and std " + channelStd[c]
                            + "; the std must be a finite number > 0");
        }
        encoderDynamicsHidden = encoderDynamicsHidden.clone();
        decoderDynamicsHidden = decoderDynamicsHidden.clone();
        channelMean = channelMean.clone();
        channelStd = channelStd.clone();
    }

    /** A spec with unit normalisation (for models whose data is already normalised). */
    public static LatentOdeSpec of(int channels, int latent, int hidden, int[] encoderHidden, int[] decoderHidden,
                                   double timeUnitMillis) {
        double[] zeros = new double[channels];
        double[] ones = new double[channels];
        Arrays.fill(ones, 1.0);
        return new LatentOdeSpec(1, channels, latent, hidden, encoderHidden, decoderHidden, Activation.TANH,
                timeUnitMillis, "dopri5", 1e-5, 1e-7, zeros, ones);
    }

    public LatentOdeSpec withNormalisation(double[] mean, double[] std) {
        return new LatentOdeSpec(specVersion, channels, latent, hidden, encoderDynamicsHidden, decoderDynamicsHidden,
                activation, timeUnitMillis, method, rtol, atol, mean, std);
    }

    @Override
    public int[] encoderDynamicsHidden() {
        return encoderDynamicsHidden.clone();
    }

    @Override
    public int[] decoderDynamicsHidden() {
        return decoderDynamicsHidden.clone();
    }

    @Override
    public double[] channelMean() {
        return channelMean.clone();
    }

    @Override
    public double[] channelStd() {
        return channelStd.clone();
    }

    double mean(int channel) {
        return channelMean[channel];
    }

    double std(int channel) {
        return channelStd[channel];
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the spec as JSON", e);
        }
    }

    public static LatentOdeSpec fromJson(String json) {
        try {
            return JSON.readValue(json, LatentOdeSpec.class);
        } catch (JsonProcessingException e) {
            throw new InvalidArtifactException("the model's spec is not a valid latent-ode spec: "
                    + e.getOriginalMessage(), e);
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new InvalidArtifactException("latent-ode spec: " + message);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LatentOdeSpec s && s.toJson().equals(toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    @Override
    public String toString() {
        return "LatentOdeSpec[C=" + channels + ", L=" + latent + ", H=" + hidden + ", encoder "
                + Arrays.toString(encoderDynamicsHidden) + ", decoder " + Arrays.toString(decoderDynamicsHidden) + ", "
                + method + " rtol " + rtol + ", time unit " + timeUnitMillis + " ms]";
    }
}
