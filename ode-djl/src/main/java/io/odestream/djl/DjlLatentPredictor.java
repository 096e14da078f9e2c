package io.odestream.djl;

import io.odestream.latent.FilterState;
import io.odestream.latent.ForecastLimits;
import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.LatentOdeSpec;
import io.odestream.latent.PosteriorDraws;
import io.odestream.latent.Prediction;
import io.odestream.latent.PredictiveSummary;
import io.odestream.latent.QuerySide;
import io.odestream.latent.SigmaPoints;
import io.odestream.nn.Activation;
import io.odestream.nn.Mlp;
import io.odestream.nn.MlpSpec;
import io.odestream.ode.SolverException;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.rk.Tableaus;
import io.odestream.schema.ModelArtifact;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The latent filter's {@code predict} for many series at once: K filter states × S posterior
 * samples decoded in <b>one</b> batched solve on a {@link DjlDevice}, each state with its own time
 * and query times (per-row spans, {@link DjlRowSpanSolver}). What the streaming job calls for a
 * micro-batch of forecast requests on the djl backend; {@link #decode} stops before the summary and
 * gives the decoded samples, which {@link DjlBatchUpdater} scores observations with.
 *
 * <p>Per state it does what {@code LatentFilter.predict} does, in the same order, so that the
 * same seed gives the same posterior draws: μ, log σ = posterior(h) (ode-core's {@link Mlp} on the
 * host), {@code z_k = μ + σ ⊙ ε_k} with ε from {@code new SplittableRandom(seed)} sample-major;
 * the decoder ODE from the state's time to every query time at or after it (capped at the model's
 * horizon, {@code ForecastLimits}; earlier queries are refused, not solved); readout, the observation noise
 * and the mixture's mean/std/quantiles on the host. Only the ODE solve differs: one shared-step
 * solve on rescaled time instead of one solve per state (its error norm the worst row's RMS,
 * {@link WorstRowRmsNorm}, so that no state is solved less accurately than alone), so the forecasts agree with
 * {@code LatentFilter.predict} within the solver's tolerance (see DjlLatentPredictorTest).
 *
 * <p>A solver failure fails the whole batch ({@link SolverException}); the caller may then fall
 * back to per-key {@code LatentFilter.predict} to find the key at fault. Not thread-safe.
 */
public final class DjlLatentPredictor implements AutoCloseable {

    private final LatentOdeModel model;
    private final LatentOdeSpec spec;
    private final ForecastLimits limits;
    private final String modelId;
    private final long modelVersion;
    private final int c;
    private final int l;
    private final int h;
    private final Mlp posterior;
    private final Mlp readout;
    private final DjlMlpField decoder;
    private final DjlRowSpanSolver solver;
    private final DjlDevice device;
    private final int maxRowsPerSolve;
    private long evaluations;

    /** Binds to {@code model}'s live parameters (the decoder's weights go to {@code device}); one solve per call. */
    public DjlLatentPredictor(LatentOdeModel model, String modelId, long modelVersion, DjlDevice device) {
        this(model, modelId, modelVersion, device, Integer.MAX_VALUE);
    }

    /**
     * As the other constructor, with the batch cut into solves of at most {@code maxRowsPerSolve}
     * rows (S rows per key and side; a key's rows are never split). Why: on a CPU one solve of
     * 262 144 rows cost 6.6× more per row and evaluation than one of 16 384 rows (DjlPredictBenchmark;
     * its 16–67 MB tensors no longer fit the cache and are allocated afresh by every op; not profiled
     * further), and every row of a solve takes the hardest row's steps, so smaller solves also spend
     * fewer evaluations. On a GPU, one solve (the default).
     */
    public DjlLatentPredictor(LatentOdeModel model, String modelId, long modelVersion, DjlDevice device,
                              int maxRowsPerSolve) {
        if (maxRowsPerSolve < 1) {
            throw new IllegalArgumentException("maxRowsPerSolve must be >= 1, got " + maxRowsPerSolve
                    + "; use Integer.MAX_VALUE for one solve per call");
        }
        this.maxRowsPerSolve = maxRowsPerSolve;
        if (model == null || modelId == null || device == null) {
            throw new IllegalArgumentException("model, modelId and device are required (got model=" + model
                    + ", modelId=" + modelId + ", device=" + device + ")");
        }
        this.model = model;
        this.spec = model.spec();
        this.limits = ForecastLimits.of(spec);
        this.modelId = modelId;
        this.modelVersion = modelVersion;
        this.c = spec.channels();
        this.l = spec.latent();
        this.h = spec.hidden();
        // The layout is LatentOdeModel's (its layer accessors are package-private): same prefixes and specs.
        this.posterior = new Mlp(MlpSpec.of(Activation.IDENTITY, Activation.IDENTITY, h, 2 * l), model.parameters(),
                "posterior");
        this.readout = new Mlp(MlpSpec.of(Activation.IDENTITY, Activation.IDENTITY, l, c), model.parameters(),
                "readout");
        int[] decoderHidden = spec.decoderDynamicsHidden();
        int[] sizes = new int[decoderHidden.length + 2];
        sizes[0] = l;
        System.arraycopy(decoderHidden, 0, sizes, 1, decoderHidden.length);
        sizes[sizes.length - 1] = l;
        this.device = device;
        this.decoder = new DjlMlpField(MlpSpec.of(spec.activation(), Activation.IDENTITY, sizes), model.parameters(),
                "decoder.dynamics", false, device);
        this.solver = new DjlRowSpanSolver(new DjlRungeKutta(Tableaus.byName(spec.method()),
                // worst-row RMS, not batch RMS: each state's forecast as accurate as when solved alone
                StepControl.adaptive(spec.rtol(), spec.atol()).norm(WorstRowRmsNorm.INSTANCE).build()));
    }

    /** A predictor for the model an artifact holds (type, checksum and shapes checked by ode-core); one solve per call. */
    public static DjlLatentPredictor init(ModelArtifact artifact, DjlDevice device) {
        return init(artifact, device, Integer.MAX_VALUE);
    }

    /** As {@link #init(ModelArtifact, DjlDevice)}, with solves of at most {@code maxRowsPerSolve} rows. */
    public static DjlLatentPredictor init(ModelArtifact artifact, DjlDevice device, int maxRowsPerSolve) {
        return new DjlLatentPredictor(LatentOdeModel.fromArtifact(artifact), artifact.getModelId(),
                artifact.getVersion(), device, maxRowsPerSolve);
    }

    public long modelVersion() {
        return modelVersion;
    }

    public DjlDevice device() {
        return device;
    }

    /** Vector-field evaluations of the batched solves so far (each one covers every row of its batch). */
    public long functionEvaluations() {
        return evaluations;
    }

    /**
     * The predictive distribution of each state at its query times, as
     * {@code LatentFilter.predict(states[k], queryTimesMillis[k], samples, seeds[k])} would give it.
     *
     * @param states           K filter states of this predictor's model
     * @param queryTimesMillis per state, at least one query time (any order; those before its time are refused)
     * @param samples          S posterior samples per state (≥ 1)
     * @param seeds            per state, the seed of its posterior draws
     * @throws IllegalArgumentException for mismatched lengths, an empty query list or a state of another model
     * @throws SolverException          when a posterior sample is not finite or the batched solve fails
     */
    public Prediction[] predict(FilterState[] states, long[][] queryTimesMillis, int samples, long[] seeds) {
        double[][][] decoded = decode(states, queryTimesMillis, samples, seeds);
        Prediction[] out = new Prediction[decoded.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = PredictiveSummary.served(model, limits, states[k], queryTimesMillis[k], decoded[k], samples, true);
        }
        return out;
    }

    /**
     * The posterior samples of each state decoded at its query times, before any summary: what
     * {@link #predict} summarises and what a batched score ({@code ObservationScore}) scores. Same
     * draws, same solve and same readout as {@code predict}.
     *
     * @return {@code [key][query][k·C + j]}: channel j of sample k's readout at
     *         {@code queryTimesMillis[key][query]}, in the model's normalised units; null for a query
     *         before its state
     * @throws IllegalArgumentException as {@link #predict}
     * @throws SolverException          as {@link #predict}
     */
    public double[][][] decode(FilterState[] states, long[][] queryTimesMillis, int samples, long[] seeds) {
        checkBatch(states, queryTimesMillis, samples, seeds);
        return decodeFrom(states, queryTimesMillis, samples,
                (key, z0) -> drawPosteriorSamples(states[key], seeds[key], samples, z0));
    }

    /**
     * As {@link #decode}, from each state's 2L + 1 posterior sigma points (ode-core's
     * {@link SigmaPoints}, the points {@code LatentFilter}'s sigma-point score decodes) instead of
     * seeded samples: what a batched sigma-point score ({@code ObservationScore.gaussian}) scores.
     *
     * @return {@code [key][query][k·C + j]} for the {@code SigmaPoints.count(L)} points k
     * @throws IllegalArgumentException as {@link #predict}
     * @throws SolverException          when a sigma point is not finite or the batched solve fails
     */
    public double[][][] decodeSigmaPoints(FilterState[] states, long[][] queryTimesMillis) {
        int points = SigmaPoints.count(l);
        checkBatch(states, queryTimesMillis, points, new long[states == null ? 0 : states.length]);
        return decodeFrom(states, queryTimesMillis, points,
                (key, z0) -> SigmaPoints.fill(posteriorMoments(states[key]), l, z0, states[key]));
    }

    /** Where a key's latent rows at its state's time come from: seeded draws or sigma points. */
    @FunctionalInterface
    private interface LatentPoints {
        void fill(int key, double[] z0);
    }

    /** The checked batch's points ({@code samples} per key, from {@code points}) solved and read out. */
    private double[][][] decodeFrom(FilterState[] states, long[][] queryTimesMillis, int samples,
                                    LatentPoints points) {
        int keys = states.length;
        double unit = spec.timeUnitMillis();
        List<Side> sides = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            // forwards only, capped at the horizon, as LatentFilter (ForecastLimits); earlier queries are refused
            Side forward = Side.of(k, queryTimesMillis[k], states[k].timeMillis(), unit, limits);
            if (forward != null) {
                sides.add(forward);
            }
        }
        int rows = sides.size() * samples;
        double[] z0 = new double[rows * l];
        double[][] times = new double[rows][];
        double[] sample = new double[samples * l];
        int previousKey = -1;
        for (int s = 0; s < sides.size(); s++) {
            Side side = sides.get(s);
            if (side.key != previousKey) {
                points.fill(side.key, sample);
                previousKey = side.key;
            }
            System.arraycopy(sample, 0, z0, s * samples * l, samples * l);
            Arrays.fill(times, s * samples, (s + 1) * samples, side.relative);
        }
        double[][] latentRows = new double[rows][];
        // whole sides per solve (all of a key's samples together), at most maxRowsPerSolve rows unless one side is more
        int sidesPerSolve = Math.max(1, maxRowsPerSolve / samples);
        for (int first = 0; first < sides.size(); first += sidesPerSolve) {
            int from = first * samples;
            int to = Math.min(sides.size(), first + sidesPerSolve) * samples;
            RowTimeSolution solution = solver.solve(decoder, device, Arrays.copyOfRange(z0, from * l, to * l),
                    to - from, new double[to - from], Arrays.copyOfRange(times, from, to));
            evaluations += solution.stats().evaluations();
            System.arraycopy(solution.states(), 0, latentRows, from, to - from);
        }

        double[][][] out = new double[keys][][];
        double[][][] latentAt = new double[keys][][];
        for (int k = 0; k < keys; k++) {
            latentAt[k] = new double[queryTimesMillis[k].length][];
        }
        for (int s = 0; s < sides.size(); s++) {
            Side side = sides.get(s);
            for (int n = 0; n < side.index.length; n++) {
                double[] target = new double[samples * l];
                latentAt[side.key][side.index[n]] = target;
                for (int k = 0; k < samples; k++) {
                    System.arraycopy(latentRows[s * samples + k], n * l, target, k * l, l);
                }
            }
        }
        for (int k = 0; k < keys; k++) {
            out[k] = readout(latentAt[k], samples);
        }
        return out;
    }

    /** The posterior head on the host, then the draws every backend shares (PosteriorDraws). */
    private void drawPosteriorSamples(FilterState state, long seed, int samples, double[] z0) {
        PosteriorDraws.draw(posteriorMoments(state), l, samples, seed, z0, state);
    }

    /** The posterior head's output at the state, on the host: [μ, log σ]. */
    private double[] posteriorMoments(FilterState state) {
        double[] moments = new double[2 * l];
        posterior.forward(state.hidden(), moments, 1);
        return moments;
    }

    /** Readout on the host, as LatentFilter's: [query][k·C + j] from [query][k·L + i]; null rows stay null. */
    private double[][] readout(double[][] latentAt, int samples) {
        double[][] decoded = new double[latentAt.length][];
        for (int i = 0; i < latentAt.length; i++) {
            if (latentAt[i] != null) {
                decoded[i] = new double[samples * c];
                readout.forward(latentAt[i], decoded[i], samples);
            }
        }
        return decoded;
    }

    private int checkBatch(FilterState[] states, long[][] queryTimesMillis, int samples, long[] seeds) {
        if (states == null || queryTimesMillis == null || seeds == null) {
            throw new IllegalArgumentException("states, queryTimesMillis and seeds are required (one entry per key)");
        }
        int keys = states.length;
        if (keys == 0 || queryTimesMillis.length != keys || seeds.length != keys) {
            throw new IllegalArgumentException("states, queryTimesMillis and seeds need the same number (>= 1) of "
                    + "entries, one per key; got " + keys + ", " + queryTimesMillis.length + ", " + seeds.length);
        }
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, got " + samples);
        }
        for (int k = 0; k < keys; k++) {
            FilterState state = states[k];
            if (state == null) {
                throw new IllegalArgumentException("states[" + k + "] is null");
            }
            if (state.modelVersion() != modelVersion || !state.modelId().equals(modelId)) {
                throw new IllegalArgumentException("states[" + k + "] belongs to model " + state.modelId() + " v"
                        + state.modelVersion() + " but this predictor runs " + modelId + " v" + modelVersion
                        + "; re-encode the series' recent observations under the new model");
            }
            if (state.hidden().length != h) {
                throw new IllegalArgumentException("states[" + k + "] has " + state.hidden().length
                        + " hidden values, the model needs " + h);
            }
            if (queryTimesMillis[k] == null || queryTimesMillis[k].length == 0) {
                throw new IllegalArgumentException("queryTimesMillis[" + k + "] is empty; predict needs at least one "
                        + "query time per key");
            }
        }
        return keys;
    }

    /** Closes the decoder's device weights. */
    @Override
    public void close() {
        decoder.close();
    }

    /**
     * One key's queries at or after its state's time, as LatentFilter.solveSide orders them:
     * ascending, relative times in model units capped at the horizon (QuerySide.ahead).
     */
    private record Side(int key, double[] relative, int[] index) {
        static Side of(int key, long[] times, long origin, double unit, ForecastLimits limits) {
            QuerySide side = QuerySide.ahead(times, origin, unit, limits);
            return side == null ? null : new Side(key, side.relative(), side.index());
        }
    }
}
