package io.odestream.eval.baseline;

import io.odestream.latent.LatentOdeTraining.Series;
import io.odestream.latent.OdeRnnEncoder;
import io.odestream.nn.Activation;
import io.odestream.nn.GruCell;
import io.odestream.nn.Mlp;
import io.odestream.nn.MlpSpec;
import io.odestream.nn.Parameters;
import io.odestream.ode.DifferentiableVectorField;
import io.odestream.ode.Solution;
import io.odestream.ode.adjoint.AdjointMethod;
import io.odestream.ode.adjoint.Gradients;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.rk.ButcherTableau;
import io.odestream.ode.rk.RungeKuttaSolver;
import io.odestream.ode.rk.Tableaus;
import io.odestream.train.Trainer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The ODE-RNN baseline as a stand-alone predictive model (Rubanova et al. 2019, Alg. 1): a hidden
 * state that evolves by a neural ODE between observations and jumps by a masked GRU update at
 * each one, with a linear readout of a Gaussian (mean and log-std per channel) for the values.
 *
 * <p>The recurrence itself (evolve over the gap, then jump) is ode-core's {@link OdeRnnEncoder},
 * the latent ODE's encoder, run one row at a time; what is the baseline's own is the backward pass
 * through it (the readout and the loss are {@link SequenceBaseline}'s).
 *
 * <p><b>Parts.</b> {@code dynamics.*}: the MLP {@code dh/dt = f(h)}, H → dynamicsHidden… → H,
 * tanh hidden layers, identity output, autonomous. {@code gru.*}: a masked {@link GruCell} over
 * {@code [x ⊙ m, m]}, m[j] = 1 where channel j is observed, 0 where it is missing (NaN, never
 * read). {@code readout.*}: {@code h → (mean[0..C), logStd[0..C))}. Time enters the ODE as
 * {@code Δt / timeScaleMillis}; the solver is adaptive dopri5 with the tolerances given at
 * creation, in both directions (the adjoint with the seminorm).
 *
 * <p><b>The prediction convention</b> is {@link SequenceBaseline}'s: the first observation updates
 * the zero state directly (there is no earlier time to evolve from), the state after an
 * observation is carried to a later time by the ODE, and the one-step-ahead prediction of
 * observation k is the readout of the state evolved from t_{k−1} to t_k, just before its GRU jump.
 *
 * <p><b>Gradient.</b> Back-propagation through the readout and the GRU jumps by their VJPs, and
 * through every ODE segment by the adjoint method, chained backwards observation by observation
 * (as the latent ODE's encoder is): memory is O(observations), not O(solver steps). The
 * dynamics' slices come first in the parameter vector so the adjoint integrates only their
 * cotangent, not the GRU's and the readout's (which would be zero but cost as much per step).
 *
 * <p>Series are processed one at a time (one-row solves).
 */
public final class OdeRnn extends SequenceBaseline {
    private static final String METHOD = "dopri5";

    private final int[] dynamicsHidden;
    private final double rtol;
    private final double atol;
    private final DynamicsField dynamics;
    private final GruCell cell;
    private final OdeRnnEncoder encoder;
    private final AdjointMethod adjoint;

    /** before[k]: the state just before observation k's GRU jump (before[0] = 0). */
    private double[][] before = new double[0][];
    /** after[k]: the state just after observation k's GRU jump. */
    private double[][] after = new double[0][];
    /** segments[k] (k >= 1): the solve from t_{k−1} to t_k, or null when the gap is 0. */
    private Solution[] segments = new Solution[0];
    private final double[] mask;
    private final double[] stateCotangent;
    private final double[] jumpCotangent;

    private OdeRnn(int channels, int hidden, int[] dynamicsHidden, double timeScaleMillis, double rtol, double atol) {
        super(channels, hidden, timeScaleMillis, recurrenceLayout(channels, hidden, dynamicsHidden));
        this.dynamicsHidden = dynamicsHidden.clone();
        this.rtol = rtol;
        this.atol = atol;
        int dynamicsCount = 0;
        for (Parameters.Slice s : parameters.slices()) {
            if (s.name().startsWith("dynamics.")) {
                dynamicsCount += s.size();
            }
        }
        Mlp mlp = new Mlp(dynamicsSpec(hidden, dynamicsHidden), parameters, "dynamics");
        this.dynamics = new DynamicsField(mlp, parameters, dynamicsCount);
        this.cell = new GruCell(parameters, "gru", channels, hidden, true);
        ButcherTableau method = Tableaus.byName(METHOD);
        StepControl control = StepControl.adaptive(rtol, atol).build();
        this.encoder = new OdeRnnEncoder(dynamics, cell, new RungeKuttaSolver(method, control));
        this.adjoint = new AdjointMethod(method, control, true);
        this.mask = new double[channels];
        this.stateCotangent = new double[hidden];
        this.jumpCotangent = new double[hidden];
    }

    private static Parameters.Builder recurrenceLayout(int channels, int hidden, int[] dynamicsHidden) {
        Parameters.Builder layout = Parameters.builder();
        // first, so that the dynamics own the leading [0, P_dynamics) of the vector (see DynamicsField)
        Mlp.declare(layout, "dynamics", dynamicsSpec(hidden, dynamicsHidden));
        GruCell.declare(layout, "gru", channels, hidden, true);
        return layout;
    }

    /**
     * A model initialised from {@code seed}: the GRU and the readout like torch (uniform in
     * ±1/√hidden), the dynamics MLP Glorot-uniform with zero biases.
     *
     * @param dynamicsHidden  hidden layer sizes of the dynamics MLP (may be empty: a linear field)
     * @param timeScaleMillis the ODE runs over {@code Δt / timeScaleMillis}; pick the typical gap
     * @param rtol            relative tolerance of the forward and adjoint solves (1e-3 trains fine)
     * @param atol            absolute tolerance of the forward and adjoint solves (1e-4 trains fine)
     */
    public static OdeRnn create(int channels, int hidden, int[] dynamicsHidden, double timeScaleMillis, double rtol,
                                double atol, long seed) {
        checkSizes(channels, hidden);
        if (dynamicsHidden == null) {
            throw new IllegalArgumentException("dynamicsHidden must not be null; pass the dynamics MLP's hidden layer "
                    + "sizes, e.g. {32} (an empty array gives a linear field)");
        }
        for (int i = 0; i < dynamicsHidden.length; i++) {
            if (dynamicsHidden[i] < 1) {
                throw new IllegalArgumentException("dynamicsHidden[" + i + "] must be >= 1, got " + dynamicsHidden[i]);
            }
        }
        checkTimeScale(timeScaleMillis);
        if (!(rtol > 0) || !Double.isFinite(rtol)) {
            throw new IllegalArgumentException("rtol must be a finite number > 0 (e.g. 1e-3), got " + rtol);
        }
        if (!(atol > 0) || !Double.isFinite(atol)) {
            throw new IllegalArgumentException("atol must be a finite number > 0 (e.g. 1e-4), got " + atol);
        }
        OdeRnn model = new OdeRnn(channels, hidden, dynamicsHidden, timeScaleMillis, rtol, atol);
        Random random = new Random(seed);
        model.dynamics.mlp.initialise(random);
        model.cell.initialise(random);
        model.initialiseReadout(random);
        return model;
    }

    public int[] dynamicsHidden() {
        return dynamicsHidden.clone();
    }

    public double rtol() {
        return rtol;
    }

    public double atol() {
        return atol;
    }

    /**
     * Adam (torch defaults) at a constant rate on {@link #loss}, through the same {@link Trainer}
     * loop as the latent ODE and {@link RnnDeltaT} (gradient norm clipped at 10). Each iteration
     * draws {@code batchSize} whole series with replacement from those with an observed value
     * after their first observation. The trainer's evaluation counts are the forward and adjoint
     * vector-field calls.
     *
     * @param seed the minibatch draws (training is deterministic for a seed)
     */
    public static Trainer.Result train(OdeRnn model, List<Series> series, int iterations, int batchSize, double lr,
                                       long seed, Trainer.ProgressListener listener) {
        return OneStepAhead.train(model, series, iterations, batchSize, lr, seed, listener);
    }

    /**
     * Fills before[0..n) and after[0..n) (and segments[1..n)) for the n observations: evolve over
     * the gap, then jump.
     */
    @Override
    void runSequence(long[] times, double[][] values) {
        int n = times.length;
        ensureCapacity(n);
        Arrays.fill(before[0], 0.0);
        for (int k = 0; k < n; k++) {
            if (k > 0) {
                segments[k] = evolve(after[k - 1], times[k] - times[k - 1], before[k]);
            }
            fillMask(values[k]);
            encoder.jump(values[k], mask, before[k], after[k], 1);
        }
    }

    @Override
    void carryForward(int observation, long deltaMillis, double[] out) {
        evolve(after[observation], deltaMillis, out);
    }

    /** The state evolved from t_{k−1} to t_k, just before observation k's GRU jump. */
    @Override
    double[] predictionState(int k) {
        return before[k];
    }

    /**
     * {@code out = h evolved by the ODE over deltaMillis}; returns the solve (null for a zero gap,
     * where the state is copied: no solve, and the backward pass is the identity).
     */
    private Solution evolve(double[] h, long deltaMillis, double[] out) {
        if (deltaMillis == 0) {
            System.arraycopy(h, 0, out, 0, hidden);
            return null;
        }
        if (deltaMillis < 0) {
            throw new IllegalStateException("negative gap " + deltaMillis + " ms; times were checked to be sorted");
        }
        Solution s = encoder.evolve(h, new double[] {deltaMillis / timeScaleMillis}, out, 1);
        forwardCost += s.stats().evaluations();
        return s;
    }

    /**
     * Backwards over what the loss's forward pass left in the buffers: for k = n−1 … 1, the GRU
     * jump k, plus the readout of before[k] (its cotangent enters at the END of segment k), then
     * the adjoint of segment k; finally jump 0. The last jump feeds no prediction and is skipped.
     */
    @Override
    void backward(double[][] values, int n, double[] gradient) {
        int dynamicsCount = dynamics.parameterCount();
        Arrays.fill(stateCotangent, 0.0); // dLoss/d after[n−1]: nothing reads it
        for (int k = n - 1; k >= 1; k--) {
            if (k < n - 1) {
                fillMask(values[k]);
                cell.vjp(values[k], mask, before[k], stateCotangent, null, jumpCotangent, gradient, 1);
            } else {
                Arrays.fill(jumpCotangent, 0.0);
            }
            addReadoutCotangent(k, jumpCotangent, gradient);
            if (segments[k] == null) {
                System.arraycopy(jumpCotangent, 0, stateCotangent, 0, hidden);
                continue;
            }
            Gradients g = adjoint.gradients(dynamics, segments[k], 0.0, new double[][] {jumpCotangent.clone()});
            backwardCost += g.backward().evaluations();
            double[] dTheta = g.parameters();
            for (int i = 0; i < dynamicsCount; i++) {
                gradient[i] += dTheta[i];
            }
            System.arraycopy(g.initialState(), 0, stateCotangent, 0, hidden);
        }
        fillMask(values[0]);
        // before[0] = 0 is not learned: only the parameter cotangent of jump 0 is needed
        cell.vjp(values[0], mask, before[0], stateCotangent, null, null, gradient, 1);
    }

    private void fillMask(double[] x) {
        for (int j = 0; j < channels; j++) {
            mask[j] = Double.isNaN(x[j]) ? 0.0 : 1.0;
        }
    }

    private void ensureCapacity(int observations) {
        if (before.length >= observations) {
            return;
        }
        before = new double[observations][hidden];
        after = new double[observations][hidden];
        segments = new Solution[observations];
    }

    private static MlpSpec dynamicsSpec(int hidden, int[] dynamicsHidden) {
        int[] sizes = new int[dynamicsHidden.length + 2];
        sizes[0] = hidden;
        System.arraycopy(dynamicsHidden, 0, sizes, 1, dynamicsHidden.length);
        sizes[sizes.length - 1] = hidden;
        return new MlpSpec(sizes, Activation.TANH, Activation.IDENTITY);
    }

    @Override
    public String toString() {
        return "OdeRnn(channels=" + channels + ", hidden=" + hidden + ", dynamicsHidden="
                + Arrays.toString(dynamicsHidden) + ", timeScaleMillis=" + timeScaleMillis + ", rtol=" + rtol
                + ", atol=" + atol + ")";
    }

    /**
     * The autonomous field {@code dh/dt = mlp(h)} seen by the solver and the adjoint, with only the
     * dynamics' own parameters: the MLP's slices are the leading {@code count} entries of the
     * model's vector, so its VJPs land inside a {@code count}-long cotangent and the adjoint's
     * augmented state is {@code 2H + count} wide instead of {@code 2H + P_model}.
     * {@link #parameters()} is the model's whole vector (the adjoint never reads it); the field's
     * own parameters are its first {@code count} entries.
     */
    private static final class DynamicsField implements DifferentiableVectorField {
        private final Mlp mlp;
        private final Parameters parameters;
        private final int count;
        private final int d;
        private final double[] rowZ;
        private final double[] rowA;
        private final double[] rowAz;

        DynamicsField(Mlp mlp, Parameters parameters, int count) {
            for (Parameters.Slice s : parameters.slices()) {
                if (s.name().startsWith("dynamics.") && s.offset() + s.size() > count) {
                    throw new IllegalStateException("dynamics slice " + s + " lies outside the leading " + count);
                }
            }
            this.mlp = mlp;
            this.parameters = parameters;
            this.count = count;
            this.d = mlp.outputSize();
            this.rowZ = new double[d];
            this.rowA = new double[d];
            this.rowAz = new double[d];
        }

        @Override
        public int dimension() {
            return d;
        }

        @Override
        public int parameterCount() {
            return count;
        }

        @Override
        public double[] parameters() {
            return parameters.values();
        }

        @Override
        public void parametersChanged() {
            parameters.markChanged();
        }

        @Override
        public void evaluate(double[] t, double[] z, double[] dz, int rows) {
            mlp.forward(z, dz, rows);
        }

        @Override
        public void vjp(double[] t, double[] z, double[] a, double[] az, double[] aTheta, int rows) {
            mlp.vjp(z, a, az, aTheta, rows);
        }

        @Override
        public void vjpPerRow(double[] t, double[] z, double[] a, double[] az, double[] aThetaRows, int rows) {
            for (int r = 0; r < rows; r++) {
                System.arraycopy(z, r * d, rowZ, 0, d);
                System.arraycopy(a, r * d, rowA, 0, d);
                mlp.vjp(rowZ, rowA, rowAz, aThetaRows, r * count, 1);
                System.arraycopy(rowAz, 0, az, r * d, d);
            }
        }
    }
}
