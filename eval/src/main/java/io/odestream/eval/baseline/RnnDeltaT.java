package io.odestream.eval.baseline;

import io.odestream.latent.LatentOdeTraining.Series;
import io.odestream.nn.GruCell;
import io.odestream.nn.Linear;
import io.odestream.nn.Parameters;
import io.odestream.train.Adam;
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
 * The first observation has no predecessor and gets only its observation step. The prediction at
 * any query time t is the readout of one time step from the state after the last observation at
 * or before t, with {@code Δt = t − t_last}; with no observation at or before t it is the readout
 * of the initial (zero) state. Training's one-step-ahead prediction of observation k is therefore
 * exactly the prediction at query time t_k from the observations before k: the time step it
 * reads out is the one the sequence takes anyway, so train and predict cannot drift apart.
 *
 * <p>Values are used in data units (no normalisation); scale the data beforehand if its channels
 * are far from unit size. Scratch buffers grow to the longest series seen. Not thread-safe.
 */
public final class RnnDeltaT {
    private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2.0 * Math.PI);

    private final int channels;
    private final int hidden;
    private final int cellInputSize;
    private final double timeScaleMillis;
    private final Parameters parameters;
    private final GruCell cell;
    private final Linear readout;

    /** Cell inputs of the steps of one series (see the class comment for the step layout). */
    private double[][] inputs = new double[0][];
    /** states[i] is the state before step i; states[0] = 0. */
    private double[][] states = new double[0][];
    /** Cotangent of the readout output of the prediction of observation k (row k, k >= 1). */
    private double[][] headCotangents = new double[0][];
    private final double[] head;
    private final double[] queryInput;
    private final double[] queryState;
    private final double[] zeroState;
    private final double[] stateCotangent;
    private final double[] previousCotangent;
    private final double[] readoutCotangent;
    /** GRU steps taken by the forward pass of the last {@link #loss} (the backward takes as many VJPs). */
    private long lastLossCellSteps;

    private RnnDeltaT(int channels, int hidden, double timeScaleMillis) {
        this.channels = channels;
        this.hidden = hidden;
        this.cellInputSize = 2 * channels + 1;
        this.timeScaleMillis = timeScaleMillis;
        Parameters.Builder layout = Parameters.builder();
        GruCell.declare(layout, "gru", cellInputSize, hidden, false);
        Linear.declare(layout, "readout", hidden, 2 * channels);
        this.parameters = layout.build();
        this.cell = new GruCell(parameters, "gru", cellInputSize, hidden, false);
        this.readout = new Linear(parameters, "readout", hidden, 2 * channels);
        this.head = new double[2 * channels];
        this.queryInput = new double[cellInputSize];
        this.queryState = new double[hidden];
        this.zeroState = new double[hidden];
        this.stateCotangent = new double[hidden];
        this.previousCotangent = new double[hidden];
        this.readoutCotangent = new double[hidden];
    }

    /**
     * A model initialised like torch from {@code seed} (every GRU and readout weight and bias
     * uniform in ±1/√hidden).
     *
     * @param timeScaleMillis Δt is fed as {@code Δt / timeScaleMillis}; pick the typical gap so
     *                        the input is of order 1
     */
    public static RnnDeltaT create(int channels, int hidden, double timeScaleMillis, long seed) {
        if (channels < 1) {
            throw new IllegalArgumentException("channels must be >= 1, got " + channels);
        }
        if (hidden < 1) {
            throw new IllegalArgumentException("hidden must be >= 1, got " + hidden);
        }
        if (!(timeScaleMillis > 0) || !Double.isFinite(timeScaleMillis)) {
            throw new IllegalArgumentException("timeScaleMillis must be a finite number > 0 (the typical gap between "
                    + "observations), got " + timeScaleMillis);
        }
        RnnDeltaT model = new RnnDeltaT(channels, hidden, timeScaleMillis);
        Random random = new Random(seed);
        model.cell.initialise(random);
        double bound = 1.0 / Math.sqrt(hidden);
        double[] p = model.parameters.values();
        for (String name : new String[] {"readout.weight", "readout.bias"}) {
            Parameters.Slice s = model.parameters.slice(name);
            for (int k = 0; k < s.size(); k++) {
                p[s.offset() + k] = (2.0 * random.nextDouble() - 1.0) * bound;
            }
        }
        model.parameters.markChanged();
        return model;
    }

    public int channels() {
        return channels;
    }

    public int hidden() {
        return hidden;
    }

    public double timeScaleMillis() {
        return timeScaleMillis;
    }

    /** The live parameter vector; call {@link Parameters#markChanged()} after writing into it. */
    public Parameters parameters() {
        return parameters;
    }

    /**
     * The predicted mean at each query time from the observations at or before it (causal).
     *
     * @param timesMillis      observation times, non-decreasing
     * @param values           values[k][channel], NaN = missing
     * @param queryTimesMillis any times, in any order
     * @return mean[query][channel]
     */
    public double[][] predict(long[] timesMillis, double[][] values, long[] queryTimesMillis) {
        if (queryTimesMillis == null) {
            throw new IllegalArgumentException("queryTimesMillis must not be null; pass the times to predict at");
        }
        checkSeries(timesMillis, values, "timesMillis", "values");
        int n = timesMillis.length;
        if (n > 0) {
            runSequence(timesMillis, values);
        }
        double[][] mean = new double[queryTimesMillis.length][channels];
        for (int q = 0; q < queryTimesMillis.length; q++) {
            long t = queryTimesMillis[q];
            int seen = OneStepAhead.countAtOrBefore(timesMillis, t);
            if (seen == 0) {
                readout.forward(zeroState, head, 1);
            } else {
                // the state after observation seen−1 is states[2·(seen−1) + 1]
                timeInput(queryInput, t - timesMillis[seen - 1]);
                cell.forward(queryInput, states[2 * seen - 1], queryState, 1);
                readout.forward(queryState, head, 1);
            }
            System.arraycopy(head, 0, mean[q], 0, channels);
        }
        return mean;
    }

    /**
     * Row k is the predicted mean of observation k from the observations before it (for
     * k >= 1 exactly {@code predict} on the first k observations at t_k), in one O(n) pass; row 0
     * is the readout of the zero state.
     */
    public double[][] oneStepAhead(long[] timesMillis, double[][] values) {
        checkSeries(timesMillis, values, "timesMillis", "values");
        int n = timesMillis.length;
        double[][] mean = new double[n][channels];
        if (n == 0) {
            return mean;
        }
        runSequence(timesMillis, values);
        readout.forward(zeroState, head, 1);
        System.arraycopy(head, 0, mean[0], 0, channels);
        for (int k = 1; k < n; k++) {
            // states[2k] is the state after observation k−1's time step to t_k: what predict reads out at t_k
            readout.forward(states[2 * k], head, 1);
            System.arraycopy(head, 0, mean[k], 0, channels);
        }
        return mean;
    }

    /**
     * Masked Gaussian negative log-likelihood of every observed value of every observation k >= 1,
     * predicted one step ahead from the observations before k (teacher forcing), averaged over
     * those values. {@code gradient} (layout of {@link #parameters()}) receives dLoss/dθ by
     * back-propagation through time; it is accumulated into, as everywhere in io.odestream.nn.
     *
     * @throws IllegalArgumentException if a series is malformed or the batch has no observed value
     *                                  after a series' first observation
     */
    public double loss(List<Series> batch, double[] gradient) {
        long predicted = OneStepAhead.checkBatch(batch, gradient, parameters.size(), channels);
        double weight = 1.0 / predicted;
        double total = 0;
        lastLossCellSteps = 0;
        for (Series s : batch) {
            if (s.timesMillis().length >= 2) {
                lastLossCellSteps += 2L * s.timesMillis().length - 1;
                total += forwardWithLoss(s.timesMillis(), s.values(), weight);
                backward(s.timesMillis().length, gradient);
            }
        }
        return total * weight;
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
        return OneStepAhead.train(model, model == null ? null : model.parameters(), (batch, gradient) -> {
            double loss = model.loss(batch, gradient);
            // cell steps stand in for the latent ODE's vector-field evaluations: comparable cost counters
            return new Trainer.Evaluation(loss, model.lastLossCellSteps, model.lastLossCellSteps);
        }, series, iterations, batchSize, lr, seed, listener);
    }

    /** Fills inputs and states for all 2n − 1 steps of a series of n >= 1 observations. */
    private void runSequence(long[] times, double[][] values) {
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

    /**
     * Runs the sequence and returns the summed NLL of its observed values k >= 1, storing each
     * prediction's readout cotangent (already multiplied by {@code weight}) for {@link #backward}.
     */
    private double forwardWithLoss(long[] times, double[][] values, double weight) {
        runSequence(times, values);
        double sum = 0;
        for (int k = 1; k < times.length; k++) {
            readout.forward(states[2 * k], head, 1);
            double[] g = headCotangents[k];
            double[] x = values[k];
            for (int j = 0; j < channels; j++) {
                if (Double.isNaN(x[j])) {
                    g[j] = 0.0;
                    g[channels + j] = 0.0;
                    continue;
                }
                double mean = head[j];
                double logStd = head[channels + j];
                double invStd = Math.exp(-logStd);
                double z = (x[j] - mean) * invStd;
                sum += HALF_LOG_TWO_PI + logStd + 0.5 * z * z;
                g[j] = -weight * z * invStd;
                g[channels + j] = weight * (1.0 - z * z);
            }
        }
        return sum;
    }

    /** Back-propagation through time over the steps {@link #forwardWithLoss} left in the buffers. */
    private void backward(int n, double[] gradient) {
        int steps = 2 * n - 1;
        Arrays.fill(stateCotangent, 0.0);
        for (int i = steps - 1; i >= 0; i--) {
            int after = i + 1;
            // states[2k] (k >= 1) is read out as the prediction of observation k
            if (after % 2 == 0) {
                readout.backward(states[after], headCotangents[after / 2], readoutCotangent, gradient, 1);
                for (int j = 0; j < hidden; j++) {
                    stateCotangent[j] += readoutCotangent[j];
                }
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
        headCotangents = new double[observations][2 * channels];
    }

    private void checkSeries(long[] times, double[][] values, String timesName, String valuesName) {
        OneStepAhead.checkSeries(times, values, channels, timesName, valuesName);
    }

    @Override
    public String toString() {
        return "RnnDeltaT(channels=" + channels + ", hidden=" + hidden + ", timeScaleMillis=" + timeScaleMillis + ")";
    }
}
