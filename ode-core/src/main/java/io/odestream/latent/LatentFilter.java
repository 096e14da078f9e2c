package io.odestream.latent;

import io.odestream.ode.Solution;
import io.odestream.ode.SolverException;
import io.odestream.ode.VectorField;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.rk.RungeKuttaSolver;
import io.odestream.ode.rk.SolvedEnds;
import io.odestream.ode.rk.Tableaus;
import io.odestream.schema.ModelArtifact;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The streaming face of a latent ODE: a causal filter updated one observation at a time and
 * queried for the predictive distribution at any time — what the Flink operator calls per key.
 *
 * <ul>
 *   <li>{@link #update}: ODE-RNN encoder: evolve h over the gap by the encoder ODE, then the masked
 *       GRU jump; RNN encoder: h stays put, the GRU jump gets the gap as an extra input;</li>
 *   <li>{@link #predict}: sample z ~ q(z | x≤t) = N(μ(h), σ²(h)) K times, integrate the latent ODE to
 *       every query time after the state in one batched solve, decode, and summarise the mixture with
 *       the learned observation noise;</li>
 *   <li>{@link #score}: the predictive density of a new observation at its time, before it updates
 *       the state: from K posterior samples, or deterministically from the posterior's sigma points
 *       ({@link ScoreMode}).</li>
 * </ul>
 * Bad input never corrupts a state: non-finite values are masked (and counted), observations older
 * than the state are rejected with the reason, and a solver failure throws while the caller keeps
 * the previous (immutable) state. Gaps and horizons of any length are safe: {@link ForecastLimits}
 * caps every solve at the model's trained horizon, reverts forecasts beyond it to the training
 * marginal, and refuses points before the state or outside the envelope (per point, with the
 * reason). Not thread-safe: one filter per operator instance.
 */
public final class LatentFilter {

    private final LatentOdeModel model;
    private final String modelId;
    private final long modelVersion;
    private final ForecastLimits limits;
    private final RungeKuttaSolver solver;
    private final int c;
    private final int l;
    private final int h;
    private final boolean encoderDynamics;
    private final AtomicLong maskedNonFinite = new AtomicLong();
    private long evaluations;
    /** Whether solves start from the step sizes a series' state carries ({@link #carryStepSizes}). */
    private boolean carrySteps = true;
    /** The step the last score's decoder solve ended with (0: none), for {@link FilterBatchUpdater}. */
    private double lastScoreStep;
    private final FilterWorkspace work;

    /** A filter under the model's own limits, the default envelope ({@link ForecastLimits#of}). */
    public LatentFilter(LatentOdeModel model, String modelId, long modelVersion) {
        this(model, modelId, modelVersion, ForecastLimits.DEFAULT_ENVELOPE_SIGMAS);
    }

    /**
     * A filter whose forecasts keep to the model's horizon (its spec's, which the encoder is capped at
     * too) and an envelope of {@code envelopeSigmas} training standard deviations.
     */
    public LatentFilter(LatentOdeModel model, String modelId, long modelVersion, double envelopeSigmas) {
        this.model = model;
        this.limits = ForecastLimits.of(model.spec()).withEnvelope(envelopeSigmas);
        this.modelId = modelId;
        this.modelVersion = modelVersion;
        LatentOdeSpec spec = model.spec();
        this.solver = solverFor(spec);
        this.c = spec.channels();
        this.l = spec.latent();
        this.h = spec.hidden();
        this.encoderDynamics = LatentOdeModel.hasEncoderDynamics(spec);
        this.work = new FilterWorkspace(spec, model.encoderCell().inputSize());
    }

    /** The solver of a model's spec, for the filter and for the batched paths that must step as it does. */
    static RungeKuttaSolver solverFor(LatentOdeSpec spec) {
        return new RungeKuttaSolver(Tableaus.byName(spec.method()),
                StepControl.adaptive(spec.rtol(), spec.atol()).build());
    }

    /** A filter for the model an artifact holds (type, checksum and shapes are checked). */
    public static LatentFilter init(ModelArtifact artifact) {
        return new LatentFilter(LatentOdeModel.fromArtifact(artifact), artifact.getModelId(), artifact.getVersion());
    }

    /** As {@link #init(ModelArtifact)}, with an envelope of {@code envelopeSigmas} training standard deviations. */
    public static LatentFilter init(ModelArtifact artifact, double envelopeSigmas) {
        return new LatentFilter(LatentOdeModel.fromArtifact(artifact), artifact.getModelId(), artifact.getVersion(),
                envelopeSigmas);
    }

    /** The horizon and envelope this filter's forecasts keep to. */
    public ForecastLimits limits() {
        return limits;
    }

    public LatentOdeModel model() {
        return model;
    }

    public String modelId() {
        return modelId;
    }

    public long modelVersion() {
        return modelVersion;
    }

    /**
     * Whether a score's and an update's solves start from the step size the series' last ones ended
     * with ({@link FilterState#scoreStep}, {@link FilterState#encoderStep}), and the next state
     * carries the new ones (the default); off, every solve starts from Hairer's first-step guess and
     * states carry no step: the arithmetic before steps were carried, for comparisons.
     */
    public void carryStepSizes(boolean carry) {
        this.carrySteps = carry;
    }

    public boolean carriesStepSizes() {
        return carrySteps;
    }

    /** Observation values that were NaN or infinite and were treated as missing, so far. */
    public long maskedNonFiniteValues() {
        return maskedNonFinite.get();
    }

    /**
     * Vector-field evaluations of every solve this filter has run (encoder and decoder), so far:
     * the caller's per-update cost metric is the difference across a call.
     */
    public long functionEvaluations() {
        return evaluations;
    }

    /** Adds what a batched path ran for this filter's series ({@link BatchedScorer}, {@link BatchedEncoder}). */
    void countEvaluations(long count) {
        evaluations += count;
    }

    /** Adds non-finite values a batched path masked ({@link BatchedEncoder}). */
    void countMaskedNonFinite(int count) {
        if (count > 0) {
            maskedNonFinite.addAndGet(count);
        }
    }

    /** The state of a new series whose first event is at {@code originMillis}: h = 0, nothing seen yet. */
    public FilterState start(long originMillis) {
        return FilterState.fresh(modelId, modelVersion, originMillis, new double[h], c);
    }

    /**
     * Absorbs one observation: evolve to its time (ODE-RNN), then the masked GRU update. The gap is measured
     * from the state's time; for the first update after {@link #start} it is the time since the
     * origin (0 when the first observation is at the origin, as {@link LatentOdeElbo} encodes a
     * window's first observation). The RNN encoder feeds the gap, in model units, to the GRU instead
     * of evolving h over it.
     *
     * @param values C values in the data's units; entries with {@code mask[j] = false} are ignored
     * @param mask   which channels were observed (null: all); non-finite values count as missing
     * @throws IllegalArgumentException for an observation older than the state, or of the wrong width
     * @throws SolverException          when the encoder ODE cannot be solved (the old state stays valid)
     */
    public FilterState update(FilterState state, long eventTimeMillis, double[] values, boolean[] mask) {
        return update(state, eventTimeMillis, values, mask, state.scoreStep());
    }

    /**
     * As {@link #update(FilterState, long, double[], boolean[])}, the next state carrying
     * {@code nextScoreStep}: the step the observation's score solve ended with ({@link #lastScoreStep}).
     */
    FilterState update(FilterState state, long eventTimeMillis, double[] values, boolean[] mask,
                       double nextScoreStep) {
        checkObservation(state, eventTimeMillis, values, mask);
        double encoderStep = carryingStep(state.encoderStep());
        // The RNN encoder's state stays put between observations (the GRU only reads it: no copy needed).
        double[] hidden = state.hiddenView();
        if (encoderDynamics && eventTimeMillis != state.timeMillis()) {
            SolvedEnds s = evolveEncoder(state, eventTimeMillis, encoderStep);
            System.arraycopy(s.finalStates(), 0, work.evolved, 0, h);
            hidden = work.evolved;
            encoderStep = carried(s, 0);
        }
        int nonFinite = EncoderInput.fill(model.spec(), eventTimeMillis - state.timeMillis(), values, mask, work.inputs,
                work.inputMask, 0);
        if (nonFinite > 0) {
            maskedNonFinite.addAndGet(nonFinite);
        }
        model.encoderCell().forward(work.inputs, work.inputMask, hidden, work.next, 1);
        // the state copies what it keeps, so the workspace serves the next event
        return state.after(eventTimeMillis, work.next, values, mask, carryingStep(nextScoreStep), encoderStep);
    }

    /** {@code step} where steps are carried, else 0 (none: a fresh first-step guess). */
    double carryingStep(double step) {
        return carrySteps ? step : 0.0;
    }

    /**
     * The size of the step row {@code row} of {@code s} would have taken next, to carry to the series'
     * next solve where steps are carried; 0 (none) where they are not or no step was chosen.
     */
    double carried(SolvedEnds s, int row) {
        double next = Math.abs(s.nextStep(row));
        return carrySteps && Double.isFinite(next) ? next : 0.0;
    }

    /** The step the last {@link #score} solve ended with, for the next state ({@link #update} with it); 0: none. */
    double lastScoreStep() {
        return lastScoreStep;
    }

    /**
     * The predictive distribution at each query time (any order): answered at and after the state's
     * time, refused (with the reason, per point) before it or where the forecast leaves the envelope.
     * What the job serves: with the model's {@link ObservationSkip}, when it has one, combined with
     * the series' last observed values ({@link PredictiveSummary#served}).
     */
    public Prediction predict(FilterState state, long[] queryTimesMillis, int samples, long seed) {
        return predict(state, queryTimesMillis, samples, seed, true);
    }

    /**
     * As {@link #predict(FilterState, long[], int, long)}; without {@code quantiles} the 5 / 50 / 95 %
     * quantiles of the model's own mixture are not searched for (NaN, unless the skip gives them):
     * for evaluations that read means and spreads of many points, where the bisection dominates.
     */
    public Prediction predict(FilterState state, long[] queryTimesMillis, int samples, long seed, boolean quantiles) {
        checkState(state);
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, got " + samples);
        }
        if (queryTimesMillis.length == 0) {
            throw new IllegalArgumentException("predict needs at least one query time");
        }
        double[][] decoded = decodeSamples(state, queryTimesMillis, samples, seed);
        return PredictiveSummary.served(model, limits, state, queryTimesMillis, decoded, samples, quantiles);
    }

    /**
     * The model's reconstruction at each query time, before or after the state: the latent ODE
     * integrated from the posterior at the state's time backwards and forwards, without the
     * horizon's cap, reversion or envelope. For evaluations that reconstruct a series' observed
     * past from all of it (the interpolation protocol of Rubanova et al. 2019); the job never serves
     * it, because the model was never trained to run backwards ({@link ForecastLimits}).
     */
    public Prediction reconstruct(FilterState state, long[] queryTimesMillis, int samples, long seed) {
        checkState(state);
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, got " + samples);
        }
        if (queryTimesMillis.length == 0) {
            throw new IllegalArgumentException("reconstruct needs at least one query time");
        }
        double[] z0 = posteriorSamples(state, samples, seed);
        int q = queryTimesMillis.length;
        double unit = model.spec().timeUnitMillis();
        double[][] latentAt = new double[q][];
        solveSide(z0, samples, QuerySide.of(queryTimesMillis, state.timeMillis(), unit, true), latentAt);
        solveSide(z0, samples, QuerySide.of(queryTimesMillis, state.timeMillis(), unit, false), latentAt);
        return PredictiveSummary.of(model, null, state.timeMillis(), queryTimesMillis, readout(latentAt, samples),
                samples);
    }

    /**
     * How surprising {@code values} at {@code eventTimeMillis} are, from the state before them:
     * −log of the Monte-Carlo predictive density of the observed channels (data units) and
     * per-channel z-scores. After a gap longer than the model's horizon the observation is scored
     * against the forecast at the horizon (the solve is capped there).
     */
    public Score score(FilterState state, long eventTimeMillis, double[] values, boolean[] mask, int samples, long seed) {
        checkObservation(state, eventTimeMillis, values, mask);
        double[] z0 = work.points(samples);
        PosteriorDraws.draw(posteriorMomentsInto(state, work.moments), l, samples, seed, z0, state);
        double[] decoded = decodeAt(state, eventTimeMillis, z0, samples);
        return ObservationScore.of(model, decoded, samples, values, mask);
    }

    /**
     * As {@link #score(FilterState, long, double[], boolean[], int, long)} under {@code mode}: the
     * Monte-Carlo mixture of {@code samples} seeded draws, or the Gaussian of the posterior's
     * {@link SigmaPoints} decoded at the observation's time ({@link ObservationScore#gaussian}), each
     * solved there or, {@link ScoreMode#MEAN_PATH}, carried along the mean's path
     * ({@link MeanPathPoints}); for the last two {@code samples} and {@code seed} play no part.
     */
    public Score score(FilterState state, long eventTimeMillis, double[] values, boolean[] mask, ScoreMode mode,
                       int samples, long seed) {
        if (mode == ScoreMode.MONTE_CARLO) {
            return score(state, eventTimeMillis, values, mask, samples, seed);
        }
        checkObservation(state, eventTimeMillis, values, mask);
        int points = SigmaPoints.count(l);
        double[] z0 = work.points(points);
        SigmaPoints.fill(posteriorMomentsInto(state, work.moments), l, z0, state);
        double[] decoded;
        if (mode == ScoreMode.MEAN_PATH) {
            decoded = work.carried(points);
            MeanPathPoints.carry(model, z0, points, decodeAt(state, eventTimeMillis, z0, 1), decoded);
        } else {
            decoded = decodeAt(state, eventTimeMillis, z0, points);
        }
        return ObservationScore.gaussian(model, decoded, points, values, mask);
    }

    /**
     * The predictive CDF of each channel at {@code values}, observed at {@code eventTimeMillis}, from
     * the state before it: the probability integral transform of the observation under the same
     * distribution {@link #predict} serves (same samples for the same seed). NaN where a value is
     * not finite. For calibration checks.
     */
    public double[] predictiveCdf(FilterState state, long eventTimeMillis, double[] values, int samples, long seed) {
        checkObservation(state, eventTimeMillis, values, null);
        double[][] decoded = decodeSamples(state, new long[] {eventTimeMillis}, samples, seed);
        return PredictiveSummary.servedCdf(model, limits, state, eventTimeMillis, decoded[0], samples, values);
    }

    /**
     * Readout of K posterior samples at every query time at or after the state: [query][k*C + j],
     * normalised units, solved to at most the horizon; null rows for queries before the state.
     */
    private double[][] decodeSamples(FilterState state, long[] queryTimesMillis, int samples, long seed) {
        return decodeFrom(state, queryTimesMillis, posteriorSamples(state, samples, seed), samples);
    }

    /** As {@link #decodeSamples}, from the given latent points ({@code samples} rows of z0). */
    private double[][] decodeFrom(FilterState state, long[] queryTimesMillis, double[] z0, int samples) {
        double[][] latentAt = new double[queryTimesMillis.length][];
        // One forward solve, capped at the horizon; nothing is solved backwards (never trained).
        solveSide(z0, samples, QuerySide.ahead(queryTimesMillis, state.timeMillis(), model.spec().timeUnitMillis(),
                limits), latentAt);
        return readout(latentAt, samples);
    }

    /**
     * A score's decoding: the {@code rows} latent points z0 solved to the observation's time (capped at
     * the horizon, as {@link #decodeFrom} caps it), from the step the series' last score ended with,
     * and read out: [k*C + j], normalised units, into the workspace (valid until the next call). Keeps
     * the step this solve ends with ({@link #lastScoreStep}). One group of {@code rows} under one step
     * controller: the bits of a shared-control solve of them, without its {@link Solution}.
     *
     * @throws SolverException when the solve fails
     */
    private double[] decodeAt(FilterState state, long eventTimeMillis, double[] z0, int rows) {
        work.end[0] = limits.solveTo((eventTimeMillis - state.timeMillis()) / model.spec().timeUnitMillis());
        SolvedEnds s = solveToEnd(model.decoderDynamics(), z0, rows, carryingStep(state.scoreStep()));
        lastScoreStep = carried(s, 0);
        double[] decoded = work.decoded(rows);
        model.readout().forward(s.finalStates(), decoded, rows);
        return decoded;
    }

    private double[] posteriorSamples(FilterState state, int samples, long seed) {
        double[] z0 = new double[samples * l];
        PosteriorDraws.draw(posteriorMoments(state), l, samples, seed, z0, state);
        return z0;
    }

    /** The posterior head's output at the state: [μ, log σ]. */
    private double[] posteriorMoments(FilterState state) {
        return posteriorMomentsInto(state, new double[2 * l]);
    }

    private double[] posteriorMomentsInto(FilterState state, double[] posterior) {
        model.posterior().forward(state.hiddenView(), posterior, 1);
        return posterior;
    }

    /** [query][k*C + j] from the latent samples at each query; null where nothing was solved. */
    private double[][] readout(double[][] latentAt, int samples) {
        double[][] decoded = new double[latentAt.length][];
        for (int i = 0; i < latentAt.length; i++) {
            if (latentAt[i] != null) {
                decoded[i] = new double[samples * c];
                model.readout().forward(latentAt[i], decoded[i], samples);
            }
        }
        return decoded;
    }

    private void solveSide(double[] z0, int samples, QuerySide side, double[][] latentAt) {
        if (side == null) {
            return;
        }
        Solution s = solver.solve(model.decoderDynamics(), z0, samples, 0.0, side.relative());
        evaluations += s.stats().evaluations();
        for (int n = 0; n < side.index().length; n++) {
            latentAt[side.index()[n]] = s.state(n);
        }
    }

    /**
     * ODE-RNN encoder only: h evolved by the encoder ODE from the state's time to {@code eventTimeMillis},
     * over at most the model's horizon ({@link ForecastLimits#encoderGapUnits}): a gap longer than any the
     * encoder was trained on is carried as the longest it was, so it cannot drive h to extremes.
     */
    private SolvedEnds evolveEncoder(FilterState state, long eventTimeMillis, double firstStep) {
        work.end[0] = ForecastLimits.encoderGapUnits(model.spec(), eventTimeMillis - state.timeMillis());
        return solveToEnd(model.encoderDynamics(), state.hiddenView(), 1, firstStep);
    }

    /**
     * {@code rows} rows of z0 from the state's time (0) to {@code work.end[0]}, one group under one step
     * controller from {@code firstStep} (0: the guess), counted in {@link #functionEvaluations}.
     *
     * @throws SolverException when the solve fails
     */
    private SolvedEnds solveToEnd(VectorField f, double[] z0, int rows, double firstStep) {
        work.firstStep[0] = firstStep;
        SolvedEnds s = solver.solveGroupedToEnds(f, z0, rows, 1, work.start, work.end, work.firstStep);
        if (s.failure(0) != null) {
            throw s.failure(0);
        }
        evaluations += s.evaluations(0);
        return s;
    }

    private void checkState(FilterState state) {
        if (state.modelVersion() != modelVersion || !state.modelId().equals(modelId)) {
            throw new IllegalArgumentException("filter state belongs to model " + state.modelId() + " v"
                    + state.modelVersion() + " but this filter runs " + modelId + " v" + modelVersion
                    + "; re-encode the series' recent observations under the new model");
        }
        if (state.hiddenView().length != h) {
            throw new IllegalArgumentException("filter state has " + state.hiddenView().length
                    + " hidden values, the model needs " + h);
        }
    }

    /**
     * The checks {@link #update} and {@link #score} make before any work, for backends that absorb
     * observations of this filter's model in batches: the state is of this model, the observation
     * not older than it and {@code values} (and {@code mask}, when given) one per channel.
     *
     * @throws IllegalArgumentException naming what is wrong and what to do
     */
    public void checkObservation(FilterState state, long eventTimeMillis, double[] values, boolean[] mask) {
        checkState(state);
        if (eventTimeMillis < state.timeMillis()) {
            throw new IllegalArgumentException("observation at " + eventTimeMillis + " is older than the filter state ("
                    + state.timeMillis() + "); order events before filtering (late events are the stream's job)");
        }
        if (values == null || values.length != c) {
            throw new IllegalArgumentException("observation has " + (values == null ? 0 : values.length)
                    + " values but the model has " + c + " channels");
        }
        if (mask != null && mask.length != c) {
            throw new IllegalArgumentException("mask has " + mask.length + " entries but the model has " + c + " channels");
        }
    }
}
