package io.odestream.djl;

import io.odestream.latent.BatchUpdater;
import io.odestream.latent.EncoderInput;
import io.odestream.latent.ForecastLimits;
import io.odestream.latent.FilterBatchUpdater;
import io.odestream.latent.FilterState;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.LatentOdeSpec;
import io.odestream.latent.ObservationScore;
import io.odestream.latent.ObservationUpdate;
import io.odestream.latent.Score;
import io.odestream.latent.ScoreMode;
import io.odestream.latent.SigmaPoints;
import io.odestream.nn.Activation;
import io.odestream.nn.MlpSpec;
import io.odestream.ode.SolverException;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.rk.Tableaus;
import io.odestream.schema.ModelArtifact;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code djl} backend of the streaming job's micro-batched updates: row by row what
 * {@code LatentFilter.score} (when asked for) then {@code LatentFilter.update} give, for a whole
 * batch in a few device calls:
 * <ol>
 *   <li><b>score</b>, rows with {@code scoreSamples > 0}, grouped by score: the sigma-point rows
 *       ({@link ScoreMode#SIGMA_POINTS}, the default) decoded at every row's event time in one
 *       {@link DjlLatentPredictor#decodeSigmaPoints} solve (ode-core's {@link SigmaPoints}) and scored
 *       on the host by {@link ObservationScore#gaussian}; the Monte-Carlo rows grouped by sample count,
 *       each group's posterior samples decoded in one {@link DjlLatentPredictor#decode} solve (the
 *       filter's seeds and draws) and scored by {@link ObservationScore#of};</li>
 *   <li><b>update</b>: ODE-RNN encoder: every row's h evolved over its own gap (event time − state
 *       time, model units) in one per-row-span solve ({@link DjlRowSpanSolver}); a row with gap 0
 *       keeps h exactly and stays out of it, as in the filter. RNN encoder: no solve, the gap is a
 *       GRU input. Then one masked {@link DjlGruCell} step for all rows, fed by ode-core's
 *       {@link EncoderInput} (the filter's normalisation and masking).</li>
 * </ol>
 * On a CPU a solve takes at most {@link DjlBatchForecaster#CPU_MAX_ROWS_PER_SOLVE} rows (why:
 * there); on a GPU the whole batch.
 *
 * <p>Rows are independent: two rows of one series in a batch are two updates of the states they
 * carry (the job sends at most one per series and call; nothing here relies on it). Bad input is
 * refused for the whole batch before any work, naming the row. A {@link SolverException} of a
 * device solve costs that solve's rows their device result: they are scored and updated on the JVM
 * one by one ({@link FilterBatchUpdater#scoreAndUpdate(LatentFilter, ObservationUpdate)}), so only
 * the series at fault get a failure.
 *
 * <p>Agreement: the host code (draws, readout, score, normalisation) is ode-core's; the solves share
 * one step sequence per batch instead of one per row, so results agree with the JVM within the
 * solver's tolerance, not to round-off, and a row's result depends on its batch mates at that level
 * too (DjlBatchUpdaterTest measures both). Not thread-safe: one per operator subtask.
 */
public final class DjlBatchUpdater implements BatchUpdater {
    private final LatentFilter filter;
    private final LatentOdeModel model;
    private final LatentOdeSpec spec;
    private final String modelId;
    private final long modelVersion;
    private final DjlDevice device;
    private final int maxRowsPerSolve;
    private final DjlLatentPredictor predictor;
    /** The encoder ODE between observations; null for the RNN encoder, which has none. */
    private final DjlMlpField encoderDynamics;
    private final DjlRowSpanSolver encoderSolver;
    private final DjlGruCell cell;
    private long maskedNonFinite;
    private long encoderEvaluations;

    /** An updater for the model in {@code artifact} (checked by ode-core) on {@code device}. */
    public DjlBatchUpdater(ModelArtifact artifact, DjlDevice device) {
        this(artifact, device, device != null && device.isGpu() ? Integer.MAX_VALUE
                : DjlBatchForecaster.CPU_MAX_ROWS_PER_SOLVE);
    }

    /** As the public constructor, with solves of at most {@code maxRowsPerSolve} rows (tests cut batches small). */
    DjlBatchUpdater(ModelArtifact artifact, DjlDevice device, int maxRowsPerSolve) {
        if (artifact == null || device == null) {
            throw new IllegalArgumentException("artifact and device are required (got artifact="
                    + (artifact == null ? "null" : artifact.getModelId()) + ", device=" + device + ")");
        }
        if (maxRowsPerSolve < 1) {
            throw new IllegalArgumentException("maxRowsPerSolve must be >= 1, got " + maxRowsPerSolve
                    + "; use Integer.MAX_VALUE for one solve per batch");
        }
        // One model for the JVM fallback and the device: the artifact is parsed and checked once.
        this.filter = LatentFilter.init(artifact);
        this.model = filter.model();
        this.spec = model.spec();
        this.modelId = artifact.getModelId();
        this.modelVersion = artifact.getVersion();
        this.device = device;
        this.maxRowsPerSolve = maxRowsPerSolve;
        DjlLatentPredictor decoder = null;
        DjlMlpField dynamics = null;
        DjlGruCell gru;
        try {
            decoder = new DjlLatentPredictor(model, modelId, modelVersion, device, maxRowsPerSolve);
            if (spec.encoder() == LatentOdeSpec.Encoder.ODE_RNN) {
                dynamics = new DjlMlpField(encoderDynamicsSpec(spec), model.parameters(), "encoder.dynamics", false,
                        device);
            }
            gru = new DjlGruCell(model.parameters(), "encoder.gru", EncoderInput.width(spec), spec.hidden(), true,
                    device);
        } catch (RuntimeException e) {
            if (decoder != null) {
                decoder.close();
            }
            if (dynamics != null) {
                dynamics.close();
            }
            throw e;
        }
        this.predictor = decoder;
        this.encoderDynamics = dynamics;
        this.cell = gru;
        // worst-row RMS, as the predictor: no series' update is solved less accurately than alone
        this.encoderSolver = new DjlRowSpanSolver(new DjlRungeKutta(Tableaus.byName(spec.method()),
                StepControl.adaptive(spec.rtol(), spec.atol()).norm(WorstRowRmsNorm.INSTANCE).build()));
    }

    /** LatentOdeModel's layout of the encoder ODE (its spec accessor is package-private): H → hidden… → H. */
    private static MlpSpec encoderDynamicsSpec(LatentOdeSpec spec) {
        int[] hidden = spec.encoderDynamicsHidden();
        int[] sizes = new int[hidden.length + 2];
        sizes[0] = spec.hidden();
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = spec.hidden();
        return MlpSpec.of(spec.activation(), Activation.IDENTITY, sizes);
    }

    public DjlDevice device() {
        return device;
    }

    /** Observation values that were not masked out but not finite, taken as missing, so far (JVM fallbacks included). */
    public long maskedNonFiniteValues() {
        return maskedNonFinite + filter.maskedNonFiniteValues();
    }

    /** Vector-field evaluations of the device solves so far (decoder and encoder; each covers its whole batch). */
    public long functionEvaluations() {
        return predictor.functionEvaluations() + encoderEvaluations;
    }

    @Override
    public Outcome[] scoreAndUpdate(List<ObservationUpdate> updates) {
        ObservationUpdate[] rows = checked(updates);
        Outcome[] outcomes = new Outcome[rows.length];
        Score[] scores = new Score[rows.length];
        score(rows, scores, outcomes);
        double[][] hidden = hiddenAtEventTimes(rows, outcomes);
        absorb(rows, hidden, scores, outcomes);
        return outcomes;
    }

    /** The batch as an array, every row checked as LatentFilter checks it, before any work. */
    private ObservationUpdate[] checked(List<ObservationUpdate> updates) {
        if (updates == null) {
            throw new IllegalArgumentException("updates is null; pass an empty list for no updates");
        }
        ObservationUpdate[] rows = updates.toArray(new ObservationUpdate[0]);
        for (int i = 0; i < rows.length; i++) {
            ObservationUpdate u = rows[i];
            if (u == null) {
                throw new IllegalArgumentException("updates[" + i + "] is null");
            }
            try {
                filter.checkObservation(u.state(), u.eventTimeMillis(), u.values(), u.mask());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("updates[" + i + "]: " + e.getMessage(), e);
            }
        }
        return rows;
    }

    /** The score group of the sigma-point rows; a Monte-Carlo row's group is its sample count (≥ 1). */
    private static final int SIGMA_POINT_GROUP = 0;

    /**
     * Scores of the scored rows, one decode for the sigma-point rows and one per Monte-Carlo sample
     * count. A group whose solve fails is done on the JVM, score and update, its outcomes final.
     */
    private void score(ObservationUpdate[] rows, Score[] scores, Outcome[] outcomes) {
        // (group, row) packed in a long and sorted: the groups contiguous, each in batch order, no boxing
        long[] order = new long[rows.length];
        int scored = 0;
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].scored() && rows[i].scoreMode() == ScoreMode.MEAN_PATH) {
                // one decoder row per series: nothing for the engine to batch; the JVM's filter scores and updates it
                outcomes[i] = FilterBatchUpdater.scoreAndUpdate(filter, rows[i]);
            } else if (rows[i].scored()) {
                int group = rows[i].scoreMode() == ScoreMode.SIGMA_POINTS ? SIGMA_POINT_GROUP : rows[i].scoreSamples();
                order[scored++] = (long) group << 32 | i;
            }
        }
        Arrays.sort(order, 0, scored);
        int from = 0;
        while (from < scored) {
            int group = (int) (order[from] >>> 32);
            int to = from;
            while (to < scored && (int) (order[to] >>> 32) == group) {
                to++;
            }
            int keys = to - from;
            FilterState[] states = new FilterState[keys];
            long[][] times = new long[keys][];
            long[] seeds = new long[keys];
            for (int k = 0; k < keys; k++) {
                ObservationUpdate u = rows[(int) order[from + k]];
                states[k] = u.state();
                times[k] = new long[] {u.eventTimeMillis()};
                seeds[k] = u.seed();
            }
            try {
                boolean sigma = group == SIGMA_POINT_GROUP;
                double[][][] decoded = sigma ? predictor.decodeSigmaPoints(states, times)
                        : predictor.decode(states, times, group, seeds);
                for (int k = 0; k < keys; k++) {
                    int row = (int) order[from + k];
                    ObservationUpdate u = rows[row];
                    scores[row] = sigma
                            ? ObservationScore.gaussian(model, decoded[k][0], SigmaPoints.count(spec.latent()),
                                    u.values(), u.mask())
                            : ObservationScore.of(model, decoded[k][0], group, u.values(), u.mask());
                }
            } catch (SolverException e) {
                for (int k = from; k < to; k++) {
                    int row = (int) order[k];
                    outcomes[row] = FilterBatchUpdater.scoreAndUpdate(filter, rows[row]);
                }
            }
            from = to;
        }
    }

    /**
     * Each open row's hidden state at its event time, before the GRU: the ODE-RNN's evolved over the
     * gap (rows with gap 0 and the RNN encoder's: the state's h as it is). Null for rows done on the
     * JVM, here or in {@link #score}.
     */
    private double[][] hiddenAtEventTimes(ObservationUpdate[] rows, Outcome[] outcomes) {
        double[][] hidden = new double[rows.length][];
        int[] moving = new int[rows.length];
        int count = 0;
        for (int i = 0; i < rows.length; i++) {
            if (outcomes[i] != null) {
                continue;
            }
            if (encoderDynamics == null || rows[i].eventTimeMillis() == rows[i].state().timeMillis()) {
                hidden[i] = rows[i].state().hidden();
            } else {
                moving[count++] = i;
            }
        }
        int h = spec.hidden();
        for (int from = 0; from < count; from += maxRowsPerSolve) {
            int to = (int) Math.min(count, (long) from + maxRowsPerSolve);
            int b = to - from;
            double[] z0 = new double[b * h];
            double[][] gaps = new double[b][];
            for (int k = 0; k < b; k++) {
                FilterState s = rows[moving[from + k]].state();
                System.arraycopy(s.hidden(), 0, z0, k * h, h);
                // as LatentFilter.evolveEncoder: long milliseconds over the unit, never epoch millis as a
                // double, capped at the horizon (ForecastLimits)
                gaps[k] = new double[] {ForecastLimits.encoderGapUnits(spec,
                        rows[moving[from + k]].eventTimeMillis() - s.timeMillis())};
            }
            try {
                RowTimeSolution solution = encoderSolver.solve(encoderDynamics, device, z0, b, new double[b], gaps);
                encoderEvaluations += solution.stats().evaluations();
                for (int k = 0; k < b; k++) {
                    hidden[moving[from + k]] = solution.states()[k];
                }
            } catch (SolverException e) {
                for (int k = from; k < to; k++) {
                    outcomes[moving[k]] = FilterBatchUpdater.scoreAndUpdate(filter, rows[moving[k]]);
                }
            }
        }
        return hidden;
    }

    /** One masked GRU step for every row with a hidden state, then each row's outcome. */
    private void absorb(ObservationUpdate[] rows, double[][] hidden, Score[] scores, Outcome[] outcomes) {
        int live = 0;
        for (double[] row : hidden) {
            if (row != null) {
                live++;
            }
        }
        if (live == 0) {
            return;
        }
        int h = spec.hidden();
        int width = EncoderInput.width(spec);
        double[] x = new double[live * width];
        double[] m = new double[live * width];
        double[] before = new double[live * h];
        double[] after = new double[live * h];
        int[] index = new int[live];
        int r = 0;
        for (int i = 0; i < rows.length; i++) {
            if (hidden[i] == null) {
                continue;
            }
            ObservationUpdate u = rows[i];
            index[r] = i;
            System.arraycopy(hidden[i], 0, before, r * h, h);
            maskedNonFinite += EncoderInput.fill(spec, u.eventTimeMillis() - u.state().timeMillis(), u.values(),
                    u.mask(), x, m, r * width);
            r++;
        }
        cell.forward(x, m, before, after, live);
        for (r = 0; r < live; r++) {
            ObservationUpdate u = rows[index[r]];
            FilterState next = u.state().after(u.eventTimeMillis(), Arrays.copyOfRange(after, r * h, (r + 1) * h),
                    u.values(), u.mask());
            outcomes[index[r]] = new Outcome(scores[index[r]], next, null);
        }
    }

    /** Releases the device copies of the weights (decoder, encoder ODE, GRU). */
    @Override
    public void close() {
        try {
            predictor.close();
        } finally {
            try {
                if (encoderDynamics != null) {
                    encoderDynamics.close();
                }
            } finally {
                cell.close();
            }
        }
    }
}
