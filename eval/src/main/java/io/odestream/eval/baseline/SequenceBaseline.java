package io.odestream.eval.baseline;

import io.odestream.latent.LatentOdeTraining.Series;
import io.odestream.nn.Linear;
import io.odestream.nn.Parameters;
import io.odestream.train.Trainer;
import java.util.List;
import java.util.Random;

/**
 * The sequence plumbing of the one-step-ahead baselines ({@link RnnDeltaT}, {@link OdeRnn}): a
 * hidden state that reads a series' observations in time order and a linear readout
 * {@code readout.*}: {@code h → (mean[0..C), logStd[0..C))} of a Gaussian per channel, trained by
 * the masked Gaussian NLL of each observation predicted from those before it. A subclass is only
 * its recurrence (how the state moves over a gap and takes in an observation) and the backward
 * pass through it.
 *
 * <p><b>The prediction convention.</b> The state starts at 0. The prediction at a query time t is
 * the readout of the state after the last observation at or before t, carried forward to t; with
 * no observation at or before t it is the readout of the zero state. The one-step-ahead prediction
 * of observation k (k >= 1) is the state the sequence passes through at t_k just before taking in
 * observation k, so training and prediction read out the same state and cannot drift apart.
 *
 * <p>Values are used in data units (no normalisation); scale the data beforehand if its channels
 * are far from unit size. Scratch buffers grow to the longest series seen. Not thread-safe.
 */
abstract class SequenceBaseline {
    private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2.0 * Math.PI);

    final int channels;
    final int hidden;
    final double timeScaleMillis;
    final Parameters parameters;
    final Linear readout;

    /** Cotangent of the readout output of the prediction of observation k (row k, k >= 1). */
    private double[][] headCotangents = new double[0][];
    private final double[] head;
    private final double[] zeroState;
    private final double[] queryState;
    private final double[] readoutCotangent;
    /**
     * What the last {@link #loss} cost, in units the subclass picks and adds as it goes (vector-field
     * calls, cell steps), so the trainer can compare models by cost.
     */
    long forwardCost;
    long backwardCost;

    /**
     * @param recurrence the layout with the recurrence's parts already declared; the readout is
     *                   declared last, after them
     */
    SequenceBaseline(int channels, int hidden, double timeScaleMillis, Parameters.Builder recurrence) {
        this.channels = channels;
        this.hidden = hidden;
        this.timeScaleMillis = timeScaleMillis;
        Linear.declare(recurrence, "readout", hidden, 2 * channels);
        this.parameters = recurrence.build();
        this.readout = new Linear(parameters, "readout", hidden, 2 * channels);
        this.head = new double[2 * channels];
        this.zeroState = new double[hidden];
        this.queryState = new double[hidden];
        this.readoutCotangent = new double[hidden];
    }

    /** Runs the whole series through the recurrence, keeping what the predictions and the backward pass read. */
    abstract void runSequence(long[] timesMillis, double[][] values);

    /** The state after the given observation of the last run, carried {@code deltaMillis} (>= 0) on, into out. */
    abstract void carryForward(int observation, long deltaMillis, double[] out);

    /** The state of the last run that is read out as the one-step-ahead prediction of observation k >= 1. */
    abstract double[] predictionState(int k);

    /**
     * Adds dLoss/dθ of the last run, a series of n >= 2 observations, to {@code gradient}; the
     * readout cotangents enter through {@link #addReadoutCotangent}.
     */
    abstract void backward(double[][] values, int n, double[] gradient);

    /** The last {@link #loss} and what it cost, in the trainer's forward and backward counters. */
    final Trainer.Evaluation evaluation(double loss) {
        return new Trainer.Evaluation(loss, forwardCost, backwardCost);
    }

    /** Rejects sizes no model can have, naming the argument; before any layout is built. */
    static void checkSizes(int channels, int hidden) {
        if (channels < 1) {
            throw new IllegalArgumentException("channels must be >= 1, got " + channels);
        }
        if (hidden < 1) {
            throw new IllegalArgumentException("hidden must be >= 1, got " + hidden);
        }
    }

    static void checkTimeScale(double timeScaleMillis) {
        if (!(timeScaleMillis > 0) || !Double.isFinite(timeScaleMillis)) {
            throw new IllegalArgumentException("timeScaleMillis must be a finite number > 0 (the typical gap between "
                    + "observations), got " + timeScaleMillis);
        }
    }

    /**
     * Draws the readout like torch (uniform in ±1/√hidden) after the recurrence's draws, and marks
     * the vector changed.
     */
    final void initialiseReadout(Random random) {
        double bound = 1.0 / Math.sqrt(hidden);
        double[] p = parameters.values();
        for (String name : new String[] {"readout.weight", "readout.bias"}) {
            Parameters.Slice s = parameters.slice(name);
            for (int k = 0; k < s.size(); k++) {
                p[s.offset() + k] = (2.0 * random.nextDouble() - 1.0) * bound;
            }
        }
        parameters.markChanged();
    }

    public final int channels() {
        return channels;
    }

    public final int hidden() {
        return hidden;
    }

    public final double timeScaleMillis() {
        return timeScaleMillis;
    }

    /** The live parameter vector; call {@link Parameters#markChanged()} after writing into it. */
    public final Parameters parameters() {
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
    public final double[][] predict(long[] timesMillis, double[][] values, long[] queryTimesMillis) {
        if (queryTimesMillis == null) {
            throw new IllegalArgumentException("queryTimesMillis must not be null; pass the times to predict at");
        }
        OneStepAhead.checkSeries(timesMillis, values, channels, "timesMillis", "values");
        if (timesMillis.length > 0) {
            runSequence(timesMillis, values);
        }
        double[][] mean = new double[queryTimesMillis.length][channels];
        for (int q = 0; q < queryTimesMillis.length; q++) {
            long t = queryTimesMillis[q];
            int seen = OneStepAhead.countAtOrBefore(timesMillis, t);
            if (seen == 0) {
                readout.forward(zeroState, head, 1);
            } else {
                carryForward(seen - 1, t - timesMillis[seen - 1], queryState);
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
    public final double[][] oneStepAhead(long[] timesMillis, double[][] values) {
        OneStepAhead.checkSeries(timesMillis, values, channels, "timesMillis", "values");
        int n = timesMillis.length;
        double[][] mean = new double[n][channels];
        if (n == 0) {
            return mean;
        }
        runSequence(timesMillis, values);
        readout.forward(zeroState, head, 1);
        System.arraycopy(head, 0, mean[0], 0, channels);
        for (int k = 1; k < n; k++) {
            readout.forward(predictionState(k), head, 1);
            System.arraycopy(head, 0, mean[k], 0, channels);
        }
        return mean;
    }

    /**
     * Masked Gaussian negative log-likelihood of every observed value of every observation k >= 1,
     * predicted one step ahead from the observations before k (teacher forcing), averaged over
     * those values. {@code gradient} (layout of {@link #parameters()}) receives dLoss/dθ; it is
     * accumulated into, as everywhere in io.odestream.nn.
     *
     * @throws IllegalArgumentException if a series is malformed or the batch has no observed value
     *                                  after a series' first observation
     */
    public final double loss(List<Series> batch, double[] gradient) {
        long predicted = OneStepAhead.checkBatch(batch, gradient, parameters.size(), channels);
        double weight = 1.0 / predicted;
        double total = 0;
        forwardCost = 0;
        backwardCost = 0;
        for (Series s : batch) {
            int n = s.timesMillis().length;
            if (n >= 2) {
                total += forwardWithLoss(s.timesMillis(), s.values(), weight);
                backward(s.values(), n, gradient);
            }
        }
        return total * weight;
    }

    /**
     * Runs the sequence and returns the summed NLL of its observed values k >= 1, storing each
     * prediction's readout cotangent (already multiplied by {@code weight}) for the backward pass.
     */
    private double forwardWithLoss(long[] times, double[][] values, double weight) {
        runSequence(times, values);
        if (headCotangents.length < times.length) {
            headCotangents = new double[times.length][2 * channels];
        }
        double sum = 0;
        for (int k = 1; k < times.length; k++) {
            readout.forward(predictionState(k), head, 1);
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

    /**
     * Back-propagates the loss through the readout of the prediction of observation k >= 1: its
     * parameter cotangent into {@code gradient}, its state cotangent added into {@code stateCotangent}.
     */
    final void addReadoutCotangent(int k, double[] stateCotangent, double[] gradient) {
        readout.backward(predictionState(k), headCotangents[k], readoutCotangent, gradient, 1);
        for (int j = 0; j < hidden; j++) {
            stateCotangent[j] += readoutCotangent[j];
        }
    }
}
