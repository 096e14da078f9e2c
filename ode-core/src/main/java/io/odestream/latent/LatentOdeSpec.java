package io.odestream.latent;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.odestream.model.InvalidArtifactException;
import io.odestream.nn.Activation;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;

/**
 * The architecture of a latent ODE (model type {@value #MODEL_TYPE}) with an ODE-RNN or an RNN
 * encoder, the solver it integrates with, its time unit and the per-channel normalisation learned
 * from the training data — everything besides the parameter vector that a model artifact must carry.
 *
 * <p>The encoder kind is the last component so that specs written before it existed (JSON without
 * an {@code encoder} field: every older artifact) read as {@link Encoder#ODE_RNN}, the only encoder
 * there was; the spec version stays 1. The ODE-RNN is also written without the field, so its JSON
 * (and so an artifact's checksum) is byte for byte what it was, and a job of an older odestream can
 * still load the ODE-RNN models a newer one publishes; only RNN-encoder specs carry the field.
 *
 * @param specVersion           format version of this spec (1)
 * @param channels              C, observed channels
 * @param latent                L, latent state size
 * @param hidden                H, encoder (filter) state size
 * @param encoderDynamicsHidden hidden layer sizes of the encoder's ODE between observations; empty for
 *                              the RNN encoder, which has no dynamics between observations
 * @param decoderDynamicsHidden hidden layer sizes of the latent dynamics
 * @param activation            hidden activation of both dynamics networks
 * @param timeUnitMillis        one unit of model time in epoch milliseconds
 * @param method                solver method name, e.g. "dopri5"
 * @param rtol                  solver relative tolerance
 * @param atol                  solver absolute tolerance
 * @param channelMean           per-channel mean of the training data (values are normalised with it)
 * @param channelStd            per-channel standard deviation of the training data (> 0)
 * @param encoder               how the context is encoded (null: {@link Encoder#ODE_RNN})
 * @param channelNames          the channels' names in model order, unique and non-blank; null for a model
 *                              whose channels have no names (every artifact written before names existed):
 *                              such a model takes observations by position, whatever names they carry
 * @param horizon               the longest span, in model time units, the model was trained to forecast
 *                              over (measured on its training windows); null when not recorded (older
 *                              artifacts), then {@link ForecastLimits#DEFAULT_HORIZON_UNITS}. Beyond it the
 *                              model's own dynamics are not trusted ({@link ForecastLimits}). Written only
 *                              when set, so older specs keep their JSON and checksums.
 * @param skip                  the GRU-D decay skip fitted after training ({@link ObservationSkip}), in the
 *                              data's units; what the job serves combines it with the model's forecast. Null
 *                              for a model without one (every artifact written before it): served the model
 *                              alone, as before. Written only when set, so older specs keep their JSON.
 * @param warmUp                the z-scores' second moments per kind of score and age of a series, measured once
 *                              over a set of series ({@link WarmUpCalibrator}): a young series is judged by the
 *                              conditional z under them from its first score ({@link SeriesMonitor}). Null for a
 *                              model without them (every artifact written before them): judged as before, by the
 *                              plain largest |z|. Written only when set, so older specs keep their JSON and checksum.
 *
 * <p>Channel names are the data contract of the stream: the job checks each observation's names
 * against them (a permutation is mapped into model order, anything else is refused). Like the
 * encoder, a spec without names is written without the field, so older artifacts keep their JSON and
 * checksum and older readers load newer unnamed specs.
 */
public record LatentOdeSpec(int specVersion, int channels, int latent, int hidden, int[] encoderDynamicsHidden,
                            int[] decoderDynamicsHidden, Activation activation, double timeUnitMillis, String method,
                            double rtol, double atol, double[] channelMean, double[] channelStd,
                            @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = OdeRnnIsOmitted.class)
                            Encoder encoder,
                            @JsonInclude(JsonInclude.Include.NON_NULL) List<String> channelNames,
                            @JsonInclude(JsonInclude.Include.NON_NULL) Double horizon,
                            @JsonInclude(JsonInclude.Include.NON_NULL) ObservationSkip skip,
                            @JsonInclude(JsonInclude.Include.NON_NULL) WarmUpCalibration warmUp) {

    public static final String MODEL_TYPE = "latent-ode";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The encoder of q(z | x≤t). Both are causal, run forwards over the observations with a masked
     * GRU jump at each; they differ in what happens between observations.
     */
    public enum Encoder {
        /** Rubanova et al.'s ODE-RNN: the hidden state evolves by a neural ODE over every gap. */
        ODE_RNN,
        /**
         * A GRU that sees the gap instead: the hidden state stays put between observations and the
         * GRU gets the model time elapsed since the previous update as one extra, always-observed
         * input ("Latent ODE (RNN enc.)" of Rubanova et al. 2019, run causally).
         */
        RNN
    }

    /** Jackson's value filter for {@code encoder}: true means "leave the field out". */
    static final class OdeRnnIsOmitted {
        @Override
        public boolean equals(Object value) {
            return value == Encoder.ODE_RNN;
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }

    /** The canonical constructor; Jackson uses it, so a missing {@code encoder} field arrives as null. */
    @JsonCreator
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
        if (encoder == null) {
            encoder = Encoder.ODE_RNN;
        }
        require(encoder != Encoder.RNN || encoderDynamicsHidden.length == 0,
                "the RNN encoder has no dynamics between observations, so encoderDynamicsHidden must be empty, got "
                        + Arrays.toString(encoderDynamicsHidden) + " (withEncoder(RNN) drops them)");
        if (channelNames != null) {
            require(channelNames.size() == channels, "channelNames names " + channelNames.size() + " channels but the "
                    + "model has " + channels + "; name each channel once, in model order");
            for (String name : channelNames) {
                require(name != null && !name.isBlank(), "channelNames " + channelNames + " has an empty name");
            }
            require(new HashSet<>(channelNames).size() == channels, "channelNames " + channelNames
                    + " names a channel twice; names must be unique to map observations by name");
            channelNames = List.copyOf(channelNames);
        }
        require(horizon == null || (horizon > 0 && Double.isFinite(horizon)),
                "horizon must be a finite number of time units > 0 (or absent), got " + horizon);
        require(skip == null || skip.channels() == channels, "the observation skip has "
                + (skip == null ? 0 : skip.channels()) + " channels but the model has " + channels);
        require(warmUp == null || warmUp.channels() == channels, "the warm-up calibration has "
                + (warmUp == null ? 0 : warmUp.channels()) + " channels but the model has " + channels);
        encoderDynamicsHidden = encoderDynamicsHidden.clone();
        decoderDynamicsHidden = decoderDynamicsHidden.clone();
        channelMean = channelMean.clone();
        channelStd = channelStd.clone();
    }

    /** A spec without channel names or a recorded horizon, the signature from before either existed. */
    public LatentOdeSpec(int specVersion, int channels, int latent, int hidden, int[] encoderDynamicsHidden,
                         int[] decoderDynamicsHidden, Activation activation, double timeUnitMillis, String method,
                         double rtol, double atol, double[] channelMean, double[] channelStd, Encoder encoder) {
        this(specVersion, channels, latent, hidden, encoderDynamicsHidden, decoderDynamicsHidden, activation,
                timeUnitMillis, method, rtol, atol, channelMean, channelStd, encoder, null, null, null, null);
    }

    /** The spec of the ODE-RNN encoder, the signature from before the encoder kind existed. */
    public LatentOdeSpec(int specVersion, int channels, int latent, int hidden, int[] encoderDynamicsHidden,
                         int[] decoderDynamicsHidden, Activation activation, double timeUnitMillis, String method,
                         double rtol, double atol, double[] channelMean, double[] channelStd) {
        this(specVersion, channels, latent, hidden, encoderDynamicsHidden, decoderDynamicsHidden, activation,
                timeUnitMillis, method, rtol, atol, channelMean, channelStd, Encoder.ODE_RNN, null, null, null, null);
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
                activation, timeUnitMillis, method, rtol, atol, mean, std, encoder, channelNames, horizon, skip,
                warmUp);
    }

    /** This spec with its channels named, in model order ({@code null}: unnamed, taken by position). */
    public LatentOdeSpec withChannelNames(List<String> names) {
        return new LatentOdeSpec(specVersion, channels, latent, hidden, encoderDynamicsHidden, decoderDynamicsHidden,
                activation, timeUnitMillis, method, rtol, atol, channelMean, channelStd, encoder, names, horizon, skip, warmUp);
    }

    /** Whether the channels have names (artifacts written before names existed have none). */
    public boolean namesChannels() {
        return channelNames != null;
    }

    /**
     * This spec with another encoder. Switching to {@link Encoder#RNN} drops the encoder's dynamics
     * sizes (it has none); switching an RNN spec to the ODE-RNN needs them, so it is refused.
     */
    public LatentOdeSpec withEncoder(Encoder kind) {
        if (kind == null) {
            throw new IllegalArgumentException("encoder must be ODE_RNN or RNN, got null");
        }
        if (kind == encoder) {
            return this;
        }
        if (kind == Encoder.ODE_RNN) {
            throw new IllegalArgumentException("an RNN-encoder spec has no encoder dynamics sizes to give an ODE-RNN; "
                    + "build the ODE-RNN spec with its encoderDynamicsHidden instead");
        }
        return new LatentOdeSpec(specVersion, channels, latent, hidden, new int[0], decoderDynamicsHidden,
                activation, timeUnitMillis, method, rtol, atol, channelMean, channelStd, kind, channelNames, horizon, skip, warmUp);
    }

    /** This spec with the forecast horizon its training measured, in model time units (> 0). */
    public LatentOdeSpec withHorizon(double units) {
        return new LatentOdeSpec(specVersion, channels, latent, hidden, encoderDynamicsHidden, decoderDynamicsHidden,
                activation, timeUnitMillis, method, rtol, atol, channelMean, channelStd, encoder, channelNames, units, skip, warmUp);
    }

    /** This spec with an observation skip fitted after training (null: none, the model alone is served). */
    public LatentOdeSpec withSkip(ObservationSkip fitted) {
        return new LatentOdeSpec(specVersion, channels, latent, hidden, encoderDynamicsHidden, decoderDynamicsHidden,
                activation, timeUnitMillis, method, rtol, atol, channelMean, channelStd, encoder, channelNames, horizon,
                fitted, warmUp);
    }

    /**
     * This spec with the warm-up calibration measured on it ({@link WarmUpCalibrator}; null: none, young
     * series judged by the plain largest |z|).
     */
    public LatentOdeSpec withWarmUp(WarmUpCalibration calibration) {
        return new LatentOdeSpec(specVersion, channels, latent, hidden, encoderDynamicsHidden, decoderDynamicsHidden,
                activation, timeUnitMillis, method, rtol, atol, channelMean, channelStd, encoder, channelNames, horizon,
                skip, calibration);
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
        String encoding = encoder == Encoder.RNN ? "encoder RNN"
                : "encoder ODE_RNN " + Arrays.toString(encoderDynamicsHidden);
        return "LatentOdeSpec[C=" + channels + ", L=" + latent + ", H=" + hidden + ", " + encoding + ", decoder "
                + Arrays.toString(decoderDynamicsHidden) + ", "
                + method + " rtol " + rtol + ", time unit " + timeUnitMillis + " ms"
                + (channelNames == null ? "" : ", channels " + channelNames)
                + (horizon == null ? "" : ", horizon " + horizon) + (skip == null ? "" : ", " + skip)
                + (warmUp == null ? "" : ", " + warmUp) + "]";
    }
}
