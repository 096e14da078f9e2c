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

        public int windows() {
            return times.length;
        }

        public int observations() {
            return times[0].length;
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
    }

    /**
     * Loss of {@code batch} with noise drawn from {@code seed}; its gradient is ADDED to
     * {@code gradient} (the model's parameter layout).
     */
    public Result evaluate(Batch batch, long seed, double[] gradient) {
        LatentOdeSpec spec = model.spec();
        int w = batch.windows();
        int n = batch.observations();
        int split = batch.split();
        int c = spec.channels();
        int l = spec.latent();
        int hSize = spec.hidden();
        long forwardCost = 0;
        long backwardCost = 0;

        // Encoder, forwards (ODE-RNN or RNN), keeping what the backward pass needs.
        EncoderPass encoded = encodeContext(batch);
        forwardCost += encoded.evaluations();
        double[] h = encoded.hidden();
        double[] zeros = new double[w];

        // Posterior and the reparameterised sample at the last context time.
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

        // Decoder: every window from its last context time to its horizon times.
        int horizon = n - split;
        double[][] targets = new double[w][horizon];
        for (int r = 0; r < w; r++) {
            for (int j = 0; j < horizon; j++) {
                targets[r][j] = batch.times()[r][split + j] - batch.times()[r][split - 1];
            }
        }
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
                    if (batch.mask()[r][split + jj][ch] == 0) {
                        continue;
                    }
                    double e = batch.values()[r][split + jj][ch] - mean[idx];
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
        for (int k = split - 1; k >= 0; k--) {
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
            Gradients segment = adjoint.gradientsPerRow(model.encoderDynamics(), encoded.segments()[k], zeros,
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
        return encodeContext(batch).hidden();
    }

    /**
     * Both encoders start from h = 0 at the first context observation (no evolution before it: the
     * filter started at an observation's time has nothing to evolve over either). ODE-RNN: evolve h
     * by the encoder ODE over each gap, then the masked GRU jump. RNN: h stays put, the GRU gets the
     * gap Δt_k = t_k − t_{k−1} as an extra input, Δt_0 = 0 — the {@link LatentFilter}'s rule, where
     * the gap is measured from the state's time, which is the start's origin for the first update.
     */
    private EncoderPass encodeContext(Batch batch) {
        int w = batch.windows();
        int split = batch.split();
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
            gather(batch, k, x[k], m[k], model.spec().channels(), inputs);
            if (ode && k > 0) {
                segments[k] = solver.solvePerRow(model.encoderDynamics(), h, w, zeros, gaps(batch, k));
                cost += segments[k].stats().evaluations();
                h = finalStates(segments[k], hSize);
            }
            if (!ode) {
                for (int r = 0; r < w; r++) {
                    x[k][r * inputs + inputs - 1] = k == 0 ? 0 : batch.times()[r][k] - batch.times()[r][k - 1];
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
    private static void gather(Batch batch, int k, double[] x, double[] m, int c, int width) {
        for (int r = 0; r < batch.windows(); r++) {
            for (int ch = 0; ch < c; ch++) {
                boolean observed = batch.mask()[r][k][ch] != 0 && Double.isFinite(batch.values()[r][k][ch]);
                x[r * width + ch] = observed ? batch.values()[r][k][ch] : 0;
                m[r * width + ch] = observed ? 1 : 0;
            }
        }
    }

    private static double[] gaps(Batch batch, int k) {
        double[] gaps = new double[batch.windows()];
        for (int r = 0; r < gaps.length; r++) {
            gaps[r] = batch.times()[r][k] - batch.times()[r][k - 1];
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
