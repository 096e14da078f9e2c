package io.odestream.latent;

import io.odestream.model.InvalidArtifactException;
import io.odestream.model.ModelArtifacts;
import io.odestream.nn.Activation;
import io.odestream.nn.GruCell;
import io.odestream.nn.Mlp;
import io.odestream.nn.MlpSpec;
import io.odestream.nn.NeuralVectorField;
import io.odestream.nn.Parameters;
import io.odestream.schema.ModelArtifact;
import java.util.Map;
import java.util.Random;

/**
 * A latent ODE with an ODE-RNN or an RNN encoder (Rubanova et al. 2019), as one flat parameter
 * vector whose layout depends on the spec's {@link LatentOdeSpec.Encoder}:
 * <pre>
 *   encoder.gru        masked GRU cell, C observed channels (+ their mask) → H;
 *                      RNN encoder: C + 1 channels, the last the gap Δt (model units, always observed)
 *   encoder.dynamics   ODE-RNN encoder only: dh/dt = f_enc(h), H → … → H, between observations
 *   posterior          h → [μ, log σ] of q(z | x≤t), H → 2L
 *   decoder.dynamics   dz/dt = f_θ(z), L → … → L
 *   readout            z → normalised observation mean, L → C
 *   noise.log_sigma    per-channel observation noise (normalised units), C
 * </pre>
 * Not thread-safe (the layers keep scratch buffers): one model per thread or per operator.
 */
public final class LatentOdeModel {
    private final LatentOdeSpec spec;
    private final Parameters parameters;
    private final GruCell encoderCell;
    private final NeuralVectorField encoderDynamics;
    private final Mlp posterior;
    private final NeuralVectorField decoderDynamics;
    private final Mlp readout;
    private final int noiseOffset;

    private LatentOdeModel(LatentOdeSpec spec, Parameters parameters) {
        this.spec = spec;
        this.parameters = parameters;
        this.encoderCell = new GruCell(parameters, "encoder.gru", encoderInputs(spec), spec.hidden(), true);
        this.encoderDynamics = hasEncoderDynamics(spec)
                ? new NeuralVectorField(new Mlp(encoderSpec(spec), parameters, "encoder.dynamics"), false)
                : null;
        this.posterior = new Mlp(posteriorSpec(spec), parameters, "posterior");
        this.decoderDynamics = new NeuralVectorField(
                new Mlp(decoderSpec(spec), parameters, "decoder.dynamics"), false);
        this.readout = new Mlp(readoutSpec(spec), parameters, "readout");
        this.noiseOffset = parameters.offset("noise.log_sigma");
    }

    /** A freshly initialised model (seeded), observation noise σ = 0.1 in normalised units. */
    public static LatentOdeModel create(LatentOdeSpec spec, long seed) {
        LatentOdeModel model = new LatentOdeModel(spec, layout(spec).build());
        Random random = new Random(seed);
        model.encoderCell.initialise(random);
        if (model.encoderDynamics != null) {
            model.encoderDynamics.mlp().initialise(random);
        }
        model.posterior.initialise(random);
        model.decoderDynamics.mlp().initialise(random);
        model.readout.initialise(random);
        java.util.Arrays.fill(model.parameters.values(), model.noiseOffset, model.noiseOffset + spec.channels(),
                Math.log(0.1));
        model.parametersChanged();
        return model;
    }

    /** The model an artifact describes; checks type, checksum and parameter count. */
    public static LatentOdeModel fromArtifact(ModelArtifact artifact) {
        if (!LatentOdeSpec.MODEL_TYPE.equals(artifact.getModelType())) {
            throw new InvalidArtifactException("model " + artifact.getModelId() + " version " + artifact.getVersion()
                    + " is a '" + artifact.getModelType() + "', not a '" + LatentOdeSpec.MODEL_TYPE + "'");
        }
        ModelArtifacts.verifyChecksum(artifact, "artifact " + artifact.getModelId() + "/" + artifact.getVersion());
        LatentOdeSpec spec = LatentOdeSpec.fromJson(artifact.getSpecJson());
        Parameters.Builder layout = layout(spec);
        double[] values = ModelArtifacts.parameters(artifact);
        if (values.length != layout.size()) {
            throw new InvalidArtifactException("model " + artifact.getModelId() + " version " + artifact.getVersion()
                    + " has " + values.length + " parameters but its spec " + spec + " needs " + layout.size());
        }
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new InvalidArtifactException("model " + artifact.getModelId() + " version "
                        + artifact.getVersion() + " has a non-finite parameter at index " + i + " (" + values[i] + ")");
            }
        }
        LatentOdeModel model = new LatentOdeModel(spec, layout.wrap(values));
        model.parametersChanged();
        return model;
    }

    public ModelArtifact toArtifact(String modelId, long version, Long parentVersion, Map<String, Double> metrics,
                                    Map<String, String> lineage) {
        return ModelArtifacts.create(modelId, version, parentVersion, LatentOdeSpec.MODEL_TYPE, spec.toJson(),
                parameters.values().clone(), metrics, lineage);
    }

    /**
     * This model with an observation skip in its spec (null: none) and a copy of its parameters: what
     * {@code odestream train} writes after fitting the skip around the trained model.
     */
    public LatentOdeModel withSkip(ObservationSkip skip) {
        LatentOdeModel out = new LatentOdeModel(spec.withSkip(skip), layout(spec).wrap(parameters.values().clone()));
        out.parametersChanged();
        return out;
    }

    /**
     * This model with a warm-up calibration in its spec (null: none) and a copy of its parameters: what
     * {@link WarmUpCalibrator} measures on it, to ship in its artifact.
     */
    public LatentOdeModel withWarmUp(WarmUpCalibration calibration) {
        LatentOdeModel out = new LatentOdeModel(spec.withWarmUp(calibration),
                layout(spec).wrap(parameters.values().clone()));
        out.parametersChanged();
        return out;
    }

    /** Refreshes what the layers derive from the parameters, after they were changed in place. */
    public void parametersChanged() {
        parameters.markChanged();
        if (encoderDynamics != null) {
            encoderDynamics.parametersChanged();
        }
        decoderDynamics.parametersChanged();
    }

    static Parameters.Builder layout(LatentOdeSpec spec) {
        Parameters.Builder layout = Parameters.builder();
        GruCell.declare(layout, "encoder.gru", encoderInputs(spec), spec.hidden(), true);
        if (hasEncoderDynamics(spec)) {
            Mlp.declare(layout, "encoder.dynamics", encoderSpec(spec));
        }
        Mlp.declare(layout, "posterior", posteriorSpec(spec));
        Mlp.declare(layout, "decoder.dynamics", decoderSpec(spec));
        Mlp.declare(layout, "readout", readoutSpec(spec));
        layout.add("noise.log_sigma", spec.channels());
        return layout;
    }

    /** Whether the hidden state evolves by an ODE between observations (ODE-RNN) or stays put (RNN). */
    static boolean hasEncoderDynamics(LatentOdeSpec spec) {
        return spec.encoder() == LatentOdeSpec.Encoder.ODE_RNN;
    }

    /** The GRU's input channels: the observed ones, plus the gap Δt for the RNN encoder. */
    static int encoderInputs(LatentOdeSpec spec) {
        return hasEncoderDynamics(spec) ? spec.channels() : spec.channels() + 1;
    }

    private static MlpSpec encoderSpec(LatentOdeSpec spec) {
        return MlpSpec.of(spec.activation(), Activation.IDENTITY, sizes(spec.hidden(), spec.encoderDynamicsHidden(), spec.hidden()));
    }

    private static MlpSpec decoderSpec(LatentOdeSpec spec) {
        return MlpSpec.of(spec.activation(), Activation.IDENTITY, sizes(spec.latent(), spec.decoderDynamicsHidden(), spec.latent()));
    }

    private static MlpSpec posteriorSpec(LatentOdeSpec spec) {
        return MlpSpec.of(Activation.IDENTITY, Activation.IDENTITY, spec.hidden(), 2 * spec.latent());
    }

    private static MlpSpec readoutSpec(LatentOdeSpec spec) {
        return MlpSpec.of(Activation.IDENTITY, Activation.IDENTITY, spec.latent(), spec.channels());
    }

    private static int[] sizes(int in, int[] hidden, int out) {
        int[] sizes = new int[hidden.length + 2];
        sizes[0] = in;
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = out;
        return sizes;
    }

    public LatentOdeSpec spec() {
        return spec;
    }

    public Parameters parameters() {
        return parameters;
    }

    GruCell encoderCell() {
        return encoderCell;
    }

    /** The encoder's ODE between observations; only an ODE-RNN-encoder model has one. */
    NeuralVectorField encoderDynamics() {
        if (encoderDynamics == null) {
            throw new IllegalStateException("an RNN-encoder model has no encoder dynamics (spec " + spec + ")");
        }
        return encoderDynamics;
    }

    Mlp posterior() {
        return posterior;
    }

    NeuralVectorField decoderDynamics() {
        return decoderDynamics;
    }

    Mlp readout() {
        return readout;
    }

    /** Observation noise σ of channel c, in normalised units. */
    double noiseSigma(int channel) {
        return Math.exp(parameters.values()[noiseOffset + channel]);
    }

    /** Sets channel c's observation noise σ (normalised units, &gt; 0), e.g. where training starts it. */
    void setNoiseSigma(int channel, double sigma) {
        if (!(sigma > 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("noise sigma must be finite and > 0, got " + sigma);
        }
        parameters.values()[noiseOffset + channel] = Math.log(sigma);
        parametersChanged();
    }
}
