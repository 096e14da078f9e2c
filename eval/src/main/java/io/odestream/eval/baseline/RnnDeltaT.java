package io.odestream.eval.baseline;

import io.odestream.latent.LatentOdeTraining.Series;
import io.odestream.nn.GruCell;
import io.odestream.nn.Parameters;
import io.odestream.train.Trainer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The RNN-Δt baseline (Chen et al. 2018; Rubanova et al. 2019): a GRU that reads a series'
 * observations in time order with the elapsed time as an extra input, and a linear readout of a
 * Gaussian (mean and log-std per channel) for the value at a query time.
 *
 * <p><b>Cell input.</b> A plain {@link GruCell} (parameters {@code gru.*}) over the vector
 * {@code [x ⊙ m, m, Δt / timeScaleMillis]} of size {@code 2·channels + 1}, built here because
 * the masked cell has no column for Δt. {@code m[j]} is 1 where channel j is observed and 0
 * where it is missing (NaN); a missing value is never read. The readout is {@code readout.*}:
 * {@code h → (mean[0..C), logStd[0..C))}.
 *
 * <p><b>How time enters (the prediction convention).</b> The state starts at 0. Each
 * observation k is consumed in two cell steps:
 * <ol>
 *   <li>a <i>time step</i> with an all-missing input (x = 0, m = 0) and
 *       {@code Δt = t_k − t_{k−1}}: the state "at time t_k, before seeing x_k";</li>
 *   <li>an <i>observation step</i> with {@code [x_k ⊙ m_k, m_k]} and Δt = 0.</li>
 * </ol>
 * The first observation has no predecessor and gets only its observation step. The state after
 * an observation is carried to a later time t by one time step with {@code Δt = t − t_last}
 * ({@link SequenceBaseline}'s prediction convention), so training's one-step-ahead prediction of
 * observation k reads out the time step to t_k that the sequence takes anyway.
 */
public final class RnnDeltaT extends SequenceBaseline {
    private final int cellInputSize;
    private final GruCell cell;

    /** Cell inputs of the steps of one series (see the class comment for the step layout). */
    private double[][] inputs = new double[0][];
    /** states[i] is the state before step i; states[0] = 0. */
    private double[][] states = new double[0][];
    private final double[] queryInput;
    private final double[] stateCotangent;
    private final double[] previousCotangent;

    private RnnDeltaT(int channels, int hidden, double timeScaleMillis) {
        super(channels, hidden, timeScaleMillis, recurrenceLayout(channels, hidden));
        this.cellInputSize = 2 * channels + 1;
        this.cell = new GruCell(parameters, "gru", cellInputSize, hidden, false);
        this.queryInput = new double[cellInputSize];
        this.stateCotangent = new double[hidden];
        this.previousCotangent = new double[hidden];
    }

    private static Parameters.Builder recurrenceLayout(int channels, int hidden) {
        Parameters.Builder layout = Parameters.builder();
        GruCell.declare(layout, "gru", 2 * channels + 1, hidden, false);
        return layout;
    }

    /**
     * A model initialised like torch from {@code seed} (every GRU and readout weight and bias
     * uniform in ±1/√hidden).
     *
     * @param timeScaleMillis Δt is fed as {@code Δt / timeScaleMillis}; pick the typical gap so
     *                        the input is of order 1
     */
    public static RnnDeltaT create(int channels, int hidden, double timeScaleMillis, long seed) {
        checkSizes(channels, hidden);
        checkTimeScale(timeScaleMillis);
        RnnDeltaT model = new RnnDeltaT(channels, hidden, timeScaleMillis);
        Random random = new Random(seed);
        model.cell.initialise(random);
        model.initialiseReadout(random);
        return model;
    }

    /**
     * Adam (torch defaults) at a constant rate on {@link #loss}, through the same {@link Trainer}
     * loop as the latent ODE (gradient norm clipped at 10). Each iteration draws
     * {@code batchSize} whole series with replacement from those with an observed value after
     * their first observation.
     *
     * @param seed the minibatch draws (training is deterministic for a seed)
     */
    public static Trainer.Result train(RnnDeltaT model, List<Series> series, int iterations, int batchSize,
                                       double lr, long seed, Trainer.ProgressListener listener) {
        return OneStepAhead.train(model, series, iterations, batchSize, lr, seed, listener);
    }

    /** Fills inputs and states for all 2n − 1 steps of a series of n >= 1 observations. */
    @Override
    void runSequence(long[] times, double[][] values) {
        int n = times.length;
        ensureCapacity(n);
        observationInput(inputs[0], values[0]);
        cell.forward(inputs[0], states[0], states[1], 1);
        for (int k = 1; k < n; k++) {
            int timeStep = 2 * k - 1;
            timeInput(inputs[timeStep], times[k] - times[k - 1]);
            cell.forward(inputs[timeStep], states[timeStep], states[timeStep + 1], 1);
            observationInput(inputs[timeStep + 1], values[k]);
            cell.forward(inputs[timeStep + 1], states[timeStep + 1], states[timeStep + 2], 1);
        }
    }

    /** One time step from the state after the observation, which is states[2·observation + 1]. */
    @Override
    void carryForward(int observation, long deltaMillis, double[] out) {
        timeInput(queryInput, deltaMillis);
        cell.forward(queryInput, states[2 * observation + 1], out, 1);
    }

    /** states[2k]: the state after observation k−1's time step to t_k. */
    @Override
    double[] predictionState(int k) {
        return states[2 * k];
    }

    /** Back-propagation through time over the steps the loss's forward pass left in the buffers. */
    @Override
    void backward(double[][] values, int n, double[] gradient) {
        int steps = 2 * n - 1;
        // cell steps stand in for the latent ODE's vector-field evaluations; the forward took as many
        forwardCost += steps;
        backwardCost += steps;
        Arrays.fill(stateCotangent, 0.0);
        for (int i = steps - 1; i >= 0; i--) {
            int after = i + 1;
            // states[2k] (k >= 1) is read out as the prediction of observation k
            if (after % 2 == 0) {
                addReadoutCotangent(after / 2, stateCotangent, gradient);
            }
            cell.vjp(inputs[i], states[i], stateCotangent, null, previousCotangent, gradient, 1);
            System.arraycopy(previousCotangent, 0, stateCotangent, 0, hidden);
        }
    }

    private void timeInput(double[] in, long deltaMillis) {
        Arrays.fill(in, 0.0);
        in[2 * channels] = deltaMillis / timeScaleMillis;
    }

    private void observationInput(double[] in, double[] x) {
        for (int j = 0; j < channels; j++) {
            boolean observed = !Double.isNaN(x[j]);
            // select rather than multiply: a missing value is NaN and NaN·0 is NaN
            in[j] = observed ? x[j] : 0.0;
            in[channels + j] = observed ? 1.0 : 0.0;
        }
        in[2 * channels] = 0.0;
    }

    private void ensureCapacity(int observations) {
        int steps = 2 * observations - 1;
        if (states.length >= steps + 1) {
            return;
        }
        inputs = new double[steps][cellInputSize];
        states = new double[steps + 1][hidden];
    }

    @Override
    public String toString() {
        return "RnnDeltaT(channels=" + channels + ", hidden=" + hidden + ", timeScaleMillis=" + timeScaleMillis + ")";
    }
}
