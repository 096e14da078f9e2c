package io.odestream.latent;

import io.odestream.ode.Solution;
import io.odestream.ode.SolveOptions;
import io.odestream.ode.adjoint.AdjointMethod;
import io.odestream.ode.adjoint.Gradients;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.rk.ButcherTableau;
import io.odestream.ode.rk.RungeKuttaSolver;
import java.util.SplittableRandom;

/**
 * The training objective of the latent ODE and its gradient, for a batch of windows that each
 * split into a context (encoded causally) and a horizon (predicted):
 * <pre>
 *   h      = ODE-RNN over the context observations      (encoder ODE between them, masked GRU at them)
 *            or RNN encoder                             (masked GRU at them, with the gap Δt as input)
 *   μ, σ   = posterior(h)                               q(z | context) = N(μ, diag σ²)
 *   z(t_s) = μ + σ ⊙ ε,  ε ~ N(0, I)                    (reparameterised, at the last context time t_s)
 *   z(t_j) = latent ODE from t_s to each horizon time
 *   loss   = −(1/W) Σ_windows [ Σ_observed log N(x | readout(z(t_j)), σ_c²) − β KL(q ‖ N(0, I)) ]
 * </pre>
 * Gradients: through the decoder solve by the adjoint method; through the readout, the noise and
 * the posterior head by hand-written VJPs; through the encoder by the adjoint per ODE segment,
 * chained backwards through the GRU jumps (Rubanova et al. 2019; Chen et al. 2018); the RNN encoder
 * is the GRU chain alone. Memory is
 * O(observations), never O(solver steps). Windows of a batch share their observation count and
 * split; their times are their own (per-row solves).
 *
 * <p>{@link #evaluateFromStart} is Rubanova et al.'s objective instead: the encoder reads a whole
 * sequence backwards into z₀ at its first time and the ELBO scores every observation (or those after
 * a cut-off); the eval's paper protocol trains with it, the job never serves it.
 */
public final class LatentOdeElbo {

    /**
     * A batch of W windows in model units: {@code times[w][k]} (non-decreasing, any origin),
     * normalised {@code values[w][k][c]}, {@code mask[w][k][c]} 1 = observed; the first
     * {@code split} observations are the context, the rest the horizon.
     */
    public record Batch(double[][] times, double[][][] values, double[][][] mask, int split) {
        public Batch {
            int n = times[0].length;
            if (split < 1 || split >= n) {
                throw new IllegalArgumentException("split must leave at least one context and one horizon observation: "
                        + "split " + split + " of " + n);
            }
            checkShape(times, values, mask);
        }

        public int windows() {
            return times.length;
        }

        public int observations() {
            return times[0].length;
        }
    }

    /**
     * Sequences read from their first observation ({@link #evaluateFromStart}): W sequences of n
     * observations each, as {@link Batch} lays them out; the encoder reads observations
     * {@code 0..read−1}, the ELBO scores observations {@code scoredFrom..n−1}.
     */
    public record Sequences(double[][] times, double[][][] values, double[][][] mask, int read, int scoredFrom) {
        public Sequences {
            int n = times[0].length;
            if (read < 1 || read > n) {
                throw new IllegalArgumentException("read must be in [1, " + n + "], got " + read);
            }
            if (scoredFrom < 0 || scoredFrom >= n) {
                throw new IllegalArgumentException("scoredFrom must be in [0, " + n + "), got " + scoredFrom);
            }
            checkShape(times, values, mask);
        }
    }

    /** Every row holds as many observations as the first, at non-decreasing times. */
    private static void checkShape(double[][] times, double[][][] values, double[][][] mask) {
        int n = times[0].length;
        for (int w = 0; w < times.length; w++) {
            if (times[w].length != n || values[w].length != n || mask[w].length != n) {
                throw new IllegalArgumentException("window " + w + " has " + times[w].length
                        + " observations; every window of a batch must have " + n);
            }
            for (int k = 1; k < n; k++) {
                if (!(times[w][k] >= times[w][k - 1])) {
                    throw new IllegalArgumentException("window " + w + " times are not sorted at observation " + k);
                }
            }
        }
    }

    /** One evaluation: the loss and its parts (per window), and what the solves cost. */
    public record Result(double loss, double logLikelihood, double kl, long forwardEvaluations,
                         long backwardEvaluations) {
    }

    private final LatentOdeModel model;
    private final double klWeight;
    private final RungeKuttaSolver solver;
    private final AdjointMethod adjoint;
    private final RungeKuttaSolver encoderSolver;
    private final AdjointMethod encoderAdjoint;

    /** With the model's own solver settings for both directions, and the adjoint's seminorm. */
    public LatentOdeElbo(LatentOdeModel model, double klWeight) {
        this(model, klWeight, io.odestream.ode.rk.Tableaus.byName(model.spec().method()),
                StepControl.adaptive(model.spec().rtol(), model.spec().atol()).build(), true);
    }

    public LatentOdeElbo(LatentOdeModel model, double klWeight, ButcherTableau method, StepControl control,
                         boolean seminorm) {
        if (!(klWeight >= 0)) {
            throw new IllegalArgumentException("KL weight must be >= 0, got " + klWeight);
        }
        this.model = model;
        this.klWeight = klWeight;
        this.solver = new RungeKuttaSolver(method, control);
        this.adjoint = new AdjointMethod(method, control, seminorm);
        this.encoderSolver = solver;
        this.encoderAdjoint = adjoint;
    }

    /**
     * The decoder with the model's own solver settings, the ODE-RNN encoder's segments with
     * {@code encoderMethod} and {@code encoderControl}: Rubanova et al.'s latent ODE solves its
     * encoder with fixed Euler steps (a fiftieth of the time span) and only its decoder adaptively;
     * {@link #decodeMean} reads with the same encoder solver.
     */
    public LatentOdeElbo(LatentOdeModel model, double klWeight, ButcherTableau encoderMethod,
                         StepControl encoderControl) {
        if (!(klWeight >= 0)) {
            throw new IllegalArgumentException("KL weight must be >= 0, got " + klWeight);
        }
        ButcherTableau method = io.odestream.ode.rk.Tableaus.byName(model.spec().method());
        StepControl control = StepControl.adaptive(model.spec().rtol(), model.spec().atol()).build();
        this.model = model;
        this.klWeight = klWeight;
        this.solver = new RungeKuttaSolver(method, control);
        this.adjoint = new AdjointMethod(method, control, true);
        this.encoderSolver = new RungeKuttaSolver(encoderMethod, encoderControl);
        this.encoderAdjoint = new AdjointMethod(encoderMethod, encoderControl, false); // no seminorm with fixed steps
    }

    /**
     * Loss of {@code batch} with noise drawn from {@code seed}; its gradient is ADDED to
     * {@code gradient} (the model's parameter layout).
     */
    public Result evaluate(Batch batch, long seed, double[] gradient) {
        int w = batch.windows();
        int n = batch.observations();
        int split = batch.split();

        // Encoder, forwards (ODE-RNN or RNN), keeping what the backward pass needs.
        EncoderPass encoded = encodeContext(batch.times(), batch.values(), batch.mask(), split);

        // Decoder targets: every window from its last context time to its horizon times.
        int horizon = n - split;
        double[][] targets = new double[w][horizon];
        double[][][] scoredValues = new double[w][][];
        double[][][] scoredMask = new double[w][][];
        for (int r = 0; r < w; r++) {
            for (int j = 0; j < horizon; j++) {
                targets[r][j] = batch.times()[r][split + j] - batch.times()[r][split - 1];
            }
            scoredValues[r] = java.util.Arrays.copyOfRange(batch.values()[r], split, n);
            scoredMask[r] = java.util.Arrays.copyOfRange(batch.mask()[r], split, n);
        }
        return decodeAndDifferentiate(encoded, targets, scoredValues, scoredMask, seed, gradient);
    }

    /**
     * Rubanova et al. 2019's objective (their §4.2 and their code's ODE-RNN encoder run backwards):
     * the encoder reads observations {@code 0..read−1} of each sequence in reverse time order, from
     * the last one back to the first, into q(z₀) at the first observation's time t₀; the decoder
     * solves from t₀ to every observation from {@code scoredFrom} on, and the ELBO scores those.
     * Reconstruction (the paper's interpolation objective): {@code read = n, scoredFrom = 0}, every
     * observed value is scored, including those the encoder read. Extrapolation: {@code read =
     * scoredFrom = } the first-half count. The encoder's field runs forward in reversed time
     * s = t_{read−1} − t, which is the paper's backward solve of dh/dt = f(h) with f's sign absorbed
     * into the learned network. Gradient and loss as {@link #evaluate}.
     */
    public Result evaluateFromStart(Sequences sequences, long seed, double[] gradient) {
        int w = sequences.times().length;
        int n = sequences.times()[0].length;
        int read = sequences.read();
        double[][] times = new double[w][read];
        double[][][] values = new double[w][read][];
        double[][][] mask = new double[w][read][];
        for (int r = 0; r < w; r++) {
            double last = sequences.times()[r][read - 1];
            for (int k = 0; k < read; k++) {
                times[r][k] = last - sequences.times()[r][read - 1 - k];
                values[r][k] = sequences.values()[r][read - 1 - k];
                mask[r][k] = sequences.mask()[r][read - 1 - k];
            }
        }
        EncoderPass encoded = encodeContext(times, values, mask, read);
        int scored = n - sequences.scoredFrom();
        double[][] targets = new double[w][scored];
        double[][][] scoredValues = new double[w][][];
        double[][][] scoredMask = new double[w][][];
        for (int r = 0; r < w; r++) {
            for (int j = 0; j < scored; j++) {
                targets[r][j] = sequences.times()[r][sequences.scoredFrom() + j] - sequences.times()[r][0];
            }
            scoredValues[r] = java.util.Arrays.copyOfRange(sequences.values()[r], sequences.scoredFrom(), n);
            scoredMask[r] = java.util.Arrays.copyOfRange(sequences.mask()[r], sequences.scoredFrom(), n);
        }
        return decodeAndDifferentiate(encoded, targets, scoredValues, scoredMask, seed, gradient);
    }

    /**
     * The posterior mean of z₀ for one sequence read as {@link #evaluateFromStart} reads it, decoded
     * at {@code queryTimes} (≥ the first observation's time, sorted) and read out: the normalised
     * observation means, one row per query. No noise, no gradient: what the paper's evaluation
     * predicts from (its posterior's mean; it averages its MSE over samples instead).
     */
    public double[][] decodeMean(double[] times, double[][] values, double[][] mask, int read, double[] queryTimes) {
        return decodePredictiveMean(times, values, mask, read, queryTimes, 0, 0L);
    }

    /**
     * As {@link #decodeMean}, but with {@code samples} > 0 the mean of the read-out decodings of that
     * many draws of z₀ from its posterior (noise from {@code seed}): a Monte-Carlo estimate of the
     * predictive mean E[x(t)], which is what minimises the expected squared error. Decoding z₀'s mean
     * instead takes the mean through the decoder's non-linear flow, which is not the predictive mean
     * where the posterior is wide (a short context, a long horizon). {@code samples} 0: z₀'s mean.
     */
    public double[][] decodePredictiveMean(double[] times, double[][] values, double[][] mask, int read,
                                           double[] queryTimes, int samples, long seed) {
        if (samples < 0) {
            throw new IllegalArgumentException("samples must be >= 0 (0: the posterior mean of z0), got " + samples);
        }
        int l = model.spec().latent();
        double[] reversedTimes = new double[read];
        double[][] reversedValues = new double[read][];
        double[][] reversedMask = new double[read][];
        for (int k = 0; k < read; k++) {
            reversedTimes[k] = times[read - 1] - times[read - 1 - k];
            reversedValues[k] = values[read - 1 - k];
            reversedMask[k] = mask[read - 1 - k];
        }
        double[] h = encodeContext(new double[][] {reversedTimes}, new double[][][] {reversedValues},
                new double[][][] {reversedMask}, read).hidden();
        double[] posterior = new double[2 * l];
        model.posterior().forward(h, posterior, 1);
        int rows = Math.max(1, samples);
        double[] z0 = new double[rows * l];
        SplittableRandom random = new SplittableRandom(seed);
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < l; i++) {
                double noise = samples == 0 ? 0 : Math.exp(posterior[l + i]) * random.nextGaussian();
                z0[r * l + i] = posterior[i] + noise;
            }
        }
        double[] relative = new double[queryTimes.length];
        for (int q = 0; q < relative.length; q++) {
            relative[q] = queryTimes[q] - times[0];
        }
        double[][] outputTimes = new double[rows][];
        java.util.Arrays.fill(outputTimes, relative);
        Solution decoded = solver.solvePerRow(model.decoderDynamics(), z0, rows, new double[rows], outputTimes,
                SolveOptions.DEFAULT);
        for (int r = 0; r < rows; r++) {
            if (decoded.failure(r) != null) {
                throw decoded.failure(r);
            }
        }
        int c = model.spec().channels();
        double[][] out = new double[relative.length][c];
        double[] z = new double[l];
        double[] x = new double[c];
        for (int q = 0; q < relative.length; q++) {
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < l; i++) {
                    z[i] = decoded.value(r, q, i);
                }
                model.readout().forward(z, x, 1);
                for (int j = 0; j < c; j++) {
                    out[q][j] += x[j] / rows;
                }
            }
        }
        return out;
    }

    /**
     * From the encoder's final states: the posterior, the reparameterised sample z₀, the decoder
     * from z₀ (at time 0) to each row's {@code targets}, the likelihood of the observed
     * {@code scoredValues} there and the KL; then the whole gradient back to the encoder.
     */
    private Result decodeAndDifferentiate(EncoderPass encoded, double[][] targets, double[][][] scoredValues,
                                          double[][][] scoredMask, long seed, double[] gradient) {
        LatentOdeSpec spec = model.spec();
        int w = targets.length;
        int c = spec.channels();
        int l = spec.latent();
        int hSize = spec.hidden();
        long forwardCost = encoded.evaluations();
        long backwardCost = 0;
        double[] h = encoded.hidden();
        double[] zeros = new double[w];

        // Posterior and the reparameterised sample at the decoder's start (the last context time; read
        // backwards, the first observation's).
        double[] posterior = new double[w * 2 * l];
        model.posterior().forward(h, posterior, w);
        SplittableRandom random = new SplittableRandom(seed);
        double[] eps = new double[w * l];
        double[] z0 = new double[w * l];
        double kl = 0;
        for (int r = 0; r < w; r++) {
            for (int i = 0; i < l; i++) {
                double mu = posterior[r * 2 * l + i];
                double sigma = Math.exp(posterior[r * 2 * l + l + i]);
                eps[r * l + i] = random.nextGaussian();
                z0[r * l + i] = mu + sigma * eps[r * l + i];
                kl += 0.5 * (sigma * sigma + mu * mu - 1) - posterior[r * 2 * l + l + i];
            }
        }

        // Decoder: every row from z0 to its targets.
        int horizon = targets[0].length;
        Solution decoded = solver.solvePerRow(model.decoderDynamics(), z0, w, zeros, targets, SolveOptions.DEFAULT);
        forwardCost += decoded.stats().evaluations();
        for (int r = 0; r < w; r++) {
            if (decoded.failure(r) != null) {
                throw decoded.failure(r);
            }
        }

        // Likelihood, and its cotangents through the readout to the decoder's outputs.
        double logLikelihood = 0;
        double[][] zCotangent = new double[w][horizon * l];
        double[] zj = new double[w * l];
        double[] mean = new double[w * c];
        double[] gMean = new double[w * c];
        double[] gz = new double[w * l];
        double[] sigma = new double[c];
        int noise = model.parameters().offset("noise.log_sigma");
        for (int j = 0; j < c; j++) {
            sigma[j] = model.noiseSigma(j);
        }
        for (int jj = 0; jj < horizon; jj++) {
            for (int r = 0; r < w; r++) {
                for (int i = 0; i < l; i++) {
                    zj[r * l + i] = decoded.value(r, jj, i);
                }
            }
            model.readout().forward(zj, mean, w);
            for (int r = 0; r < w; r++) {
                for (int ch = 0; ch < c; ch++) {
                    int idx = r * c + ch;
                    gMean[idx] = 0;
                    if (scoredMask[r][jj][ch] == 0) {
                        continue;
                    }
                    double e = scoredValues[r][jj][ch] - mean[idx];
                    double s2 = sigma[ch] * sigma[ch];
                    logLikelihood += -0.5 * e * e / s2 - Math.log(sigma[ch]) - 0.5 * Math.log(2 * Math.PI);
                    gMean[idx] = -e / s2 / w;
                    gradient[noise + ch] += (1 - e * e / s2) / w;
                }
            }
            model.readout().vjp(zj, gMean, gz, gradient, w);
            for (int r = 0; r < w; r++) {
                System.arraycopy(gz, r * l, zCotangent[r], jj * l, l);
            }
        }

        // Back through the decoder (adjoint), the sample and the posterior head.
        Gradients decoderGradients = adjoint.gradientsPerRow(model.decoderDynamics(), decoded, zeros, zCotangent);
        backwardCost += decoderGradients.backward().evaluations();
        add(decoderGradients.parameters(), gradient);
        double[] gPosterior = new double[w * 2 * l];
        for (int r = 0; r < w; r++) {
            for (int i = 0; i < l; i++) {
                double mu = posterior[r * 2 * l + i];
                double s = Math.exp(posterior[r * 2 * l + l + i]);
                double gZ = decoderGradients.initialState()[r * l + i];
                gPosterior[r * 2 * l + i] = gZ + klWeight * mu / w;
                gPosterior[r * 2 * l + l + i] = gZ * s * eps[r * l + i] + klWeight * (s * s - 1) / w;
            }
        }
        double[] gh = new double[w * hSize];
        model.posterior().vjp(h, gPosterior, gh, gradient, w);

        // Back through the encoder: GRU jump, then the segment before it (adjoint), observation by
        // observation. The RNN encoder has no segments: the cotangent passes from jump to jump (Δt is data).
        double[] ghBefore = new double[w * hSize];
        for (int k = encoded.x().length - 1; k >= 0; k--) {
            model.encoderCell().vjp(encoded.x()[k], encoded.m()[k], encoded.beforeJump()[k], gh, null, ghBefore,
                    gradient, w);
            if (k == 0) {
                break; // the initial state h = 0 is not learned
            }
            if (encoded.segments() == null) {
                double[] swap = gh;
                gh = ghBefore;
                ghBefore = swap;
                continue;
            }
            double[][] cotangent = new double[w][];
            for (int r = 0; r < w; r++) {
                cotangent[r] = java.util.Arrays.copyOfRange(ghBefore, r * hSize, (r + 1) * hSize);
            }
            Gradients segment = encoderAdjoint.gradientsPerRow(model.encoderDynamics(), encoded.segments()[k], zeros,
                    cotangent);
            backwardCost += segment.backward().evaluations();
            add(segment.parameters(), gradient);
            gh = segment.initialState();
        }
        double loss = -(logLikelihood - klWeight * kl) / w;
        return new Result(loss, logLikelihood / w, kl / w, forwardCost, backwardCost);
    }

    /**
     * The encoder's forward pass over the context, keeping what its backward pass needs: the GRU
     * inputs and pre-jump state of every observation and (ODE-RNN) every segment's solve —
     * O(observations) memory.
     *
     * @param x           GRU inputs per context observation, W × (GRU input width)
     * @param m           their masks
     * @param beforeJump  the hidden states the GRU jumps from, W×H each
     * @param segments    ODE-RNN: the solve before each observation k ≥ 1; RNN: null
     * @param hidden      the final hidden states, W×H
     * @param evaluations vector-field evaluations of the segment solves
     */
    private record EncoderPass(double[][] x, double[][] m, double[][] beforeJump, Solution[] segments,
                               double[] hidden, long evaluations) {
    }

    /**
     * The encoder's final hidden states over the context of {@code batch}, W×H: what the posterior
     * head reads, and what a {@link LatentFilter} started at each window's first time reaches.
     */
    double[] encode(Batch batch) {
        return encodeContext(batch.times(), batch.values(), batch.mask(), batch.split()).hidden();
    }

    /**
     * Both encoders start from h = 0 at the first context observation (no evolution before it: the
     * filter started at an observation's time has nothing to evolve over either). ODE-RNN: evolve h
     * by the encoder ODE over each gap, then the masked GRU jump. RNN: h stays put, the GRU gets the
     * gap Δt_k = t_k − t_{k−1} as an extra input, Δt_0 = 0 — the {@link LatentFilter}'s rule, where
     * the gap is measured from the state's time, which is the start's origin for the first update.
     */
    private EncoderPass encodeContext(double[][] times, double[][][] values, double[][][] mask, int split) {
        int w = times.length;
        int hSize = model.spec().hidden();
        int inputs = model.encoderCell().inputSize();
        boolean ode = LatentOdeModel.hasEncoderDynamics(model.spec());
        double[][] x = new double[split][w * inputs];
        double[][] m = new double[split][w * inputs];
        double[][] beforeJump = new double[split][];
        Solution[] segments = ode ? new Solution[split] : null;
        double[] h = new double[w * hSize];
        double[] zeros = new double[w];
        long cost = 0;
        for (int k = 0; k < split; k++) {
            gather(values, mask, k, x[k], m[k], model.spec().channels(), inputs);
            if (ode && k > 0) {
                segments[k] = encoderSolver.solvePerRow(model.encoderDynamics(), h, w, zeros, gaps(times, k));
                cost += segments[k].stats().evaluations();
                h = finalStates(segments[k], hSize);
            }
            if (!ode) {
                for (int r = 0; r < w; r++) {
                    x[k][r * inputs + inputs - 1] = k == 0 ? 0 : times[r][k] - times[r][k - 1];
                    m[k][r * inputs + inputs - 1] = 1;
                }
            }
            beforeJump[k] = h;
            double[] next = new double[w * hSize];
            model.encoderCell().forward(x[k], m[k], h, next, w);
            h = next;
        }
        return new EncoderPass(x, m, beforeJump, segments, h, cost);
    }

    /** Observation k's channels into rows of {@code width} (≥ C; columns past C are the caller's). */
    private static void gather(double[][][] values, double[][][] mask, int k, double[] x, double[] m, int c,
                               int width) {
        for (int r = 0; r < values.length; r++) {
            for (int ch = 0; ch < c; ch++) {
                boolean observed = mask[r][k][ch] != 0 && Double.isFinite(values[r][k][ch]);
                x[r * width + ch] = observed ? values[r][k][ch] : 0;
                m[r * width + ch] = observed ? 1 : 0;
            }
        }
    }

    private static double[] gaps(double[][] times, int k) {
        double[] gaps = new double[times.length];
        for (int r = 0; r < gaps.length; r++) {
            gaps[r] = times[r][k] - times[r][k - 1];
        }
        return gaps;
    }

    private static double[] finalStates(Solution s, int d) {
        double[] out = new double[s.rows() * d];
        for (int r = 0; r < s.rows(); r++) {
            if (s.failure(r) != null) {
                throw s.failure(r);
            }
            System.arraycopy(s.rowFinal(r), 0, out, r * d, d);
        }
        return out;
    }

    private static void add(double[] from, double[] into) {
        for (int i = 0; i < into.length; i++) {
            into[i] += from[i];
        }
    }
}
