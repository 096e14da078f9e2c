package io.odestream.eval.spiral;

import io.odestream.model.NeuralFieldSpec;
import io.odestream.nn.Activation;
import io.odestream.ode.DifferentiableVectorField;
import io.odestream.ode.Solution;
import io.odestream.ode.adjoint.AdjointMethod;
import io.odestream.ode.adjoint.Gradients;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.rk.DormandPrince54;
import io.odestream.ode.rk.RungeKuttaSolver;
import io.odestream.train.Adam;
import io.odestream.train.LearningRateSchedule;
import io.odestream.train.Trainer;
import java.util.Random;

/**
 * Fits a neural ODE to the spiral with adjoint gradients, the way torchdiffeq's ode_demo does:
 * minibatches of short stretches of the trajectory (20 stretches of 10 consecutive points), the
 * model integrated from each stretch's first point, mean absolute error, the network
 * {@code 2 → 50 (tanh) → 2} applied to {@code z³}.
 *
 * <p>Every tenth point (index ≡ 5 mod 10) is held out: it never enters the loss, and the fit is
 * judged on those points by integrating the whole trajectory from z0, as ode_demo does.
 */
public final class SpiralFit {
    public static final int BATCH = 40;
    public static final int STRETCH = 10;
    private static final int HOLD_OUT_EVERY = 10;
    private static final int HOLD_OUT_PHASE = 5;

    private final SpiralProblem data;
    /** ode_demo's network: 2 → 50 (tanh) → 2 on z³. */
    public static final NeuralFieldSpec SPEC = new NeuralFieldSpec(1, 2, new int[] {50}, Activation.TANH,
            Activation.IDENTITY, false, NeuralFieldSpec.InputTransform.CUBE);

    private final DifferentiableVectorField model;
    private final RungeKuttaSolver solver;
    private final AdjointMethod adjoint;
    private final Random random;
    private final double[] stretchTimes;

    public SpiralFit(SpiralProblem data, long seed) {
        this.data = data;
        this.model = SPEC.newField(seed);
        // ode_demo initialises weights with std 0.1 (not Glorot's ~0.2 here): the network sees z³
        // up to 8, and smaller weights keep its tanh units out of saturation at the start.
        for (int i = 0; i < model.parameterCount(); i++) {
            model.parameters()[i] *= 0.5;
        }
        this.solver = new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(1e-6, 1e-8).build());
        this.adjoint = new AdjointMethod(DormandPrince54.TABLEAU, StepControl.adaptive(1e-6, 1e-8).build(), true);
        this.random = new Random(seed);
        this.stretchTimes = new double[STRETCH];
        for (int i = 0; i < STRETCH; i++) {
            stretchTimes[i] = data.time(i);
        }
    }

    public DifferentiableVectorField model() {
        return model;
    }

    /** Trains with Adam; reports progress through {@code listener}. */
    public Trainer.Result train(int iterations, Trainer.ProgressListener listener) {
        Trainer trainer = new Trainer(new Trainer.Config(iterations, Adam.defaults(),
                LearningRateSchedule.exponential(0.01, 0.1, iterations), 10.0, listener));
        return trainer.train(model.parameters(), this::minibatchLoss);
    }

    /** Mean absolute error of one minibatch, with its gradient by the adjoint method. */
    private Trainer.Evaluation minibatchLoss(int iteration, double[] gradient) {
        model.parametersChanged();
        int usable = SpiralProblem.POINTS - STRETCH;
        double[] z0 = new double[2 * BATCH];
        int[] starts = new int[BATCH];
        for (int b = 0; b < BATCH; b++) {
            starts[b] = random.nextInt(usable);
            z0[2 * b] = data.value(starts[b], 0);
            z0[2 * b + 1] = data.value(starts[b], 1);
        }
        Solution forward = solver.solve(model, z0, BATCH, 0.0, stretchTimes);
        double[][] cotangents = new double[BATCH][2 * STRETCH];
        double loss = 0;
        int used = 0;
        for (int b = 0; b < BATCH; b++) {
            for (int q = 0; q < STRETCH; q++) {
                used += isHeldOut(starts[b] + q) ? 0 : 2;
            }
        }
        double n = used;
        for (int b = 0; b < BATCH; b++) {
            for (int q = 0; q < STRETCH; q++) {
                if (isHeldOut(starts[b] + q)) {
                    continue;
                }
                for (int j = 0; j < 2; j++) {
                    double e = forward.value(b, q, j) - data.value(starts[b] + q, j);
                    loss += Math.abs(e) / n;
                    cotangents[b][2 * q + j] = Math.signum(e) / n;
                }
            }
        }
        Gradients g = adjoint.gradients(model, forward, 0.0, cotangents);
        System.arraycopy(g.parameters(), 0, gradient, 0, gradient.length);
        return new Trainer.Evaluation(loss, forward.stats().evaluations(), g.backward().evaluations());
    }

    static boolean isHeldOut(int index) {
        return index % HOLD_OUT_EVERY == HOLD_OUT_PHASE;
    }

    /**
     * Mean absolute error on the held-out points one stretch ahead: each held-out point predicted
     * from the training point {@code STRETCH/2} steps before it — the horizon the model was trained
     * on, without the phase drift a 25-time-unit integration accumulates.
     */
    public double heldOutShortHorizonError() {
        model.parametersChanged();
        int lag = STRETCH / 2;
        int held = 0;
        double sum = 0;
        RungeKuttaSolver accurate = new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(1e-8, 1e-10).build());
        for (int i = lag; i < SpiralProblem.POINTS; i++) {
            if (!isHeldOut(i)) {
                continue;
            }
            double[] start = {data.value(i - lag, 0), data.value(i - lag, 1)};
            Solution s = accurate.solve(model, start, 1, data.time(i - lag), new double[] {data.time(i)});
            sum += Math.abs(s.value(0, 0, 0) - data.value(i, 0)) + Math.abs(s.value(0, 0, 1) - data.value(i, 1));
            held++;
        }
        return sum / (2.0 * held);
    }

    /** Mean absolute error on the held-out points, integrating from z0 over [0, 25]. */
    public double heldOutError() {
        model.parametersChanged();
        int held = SpiralProblem.POINTS / HOLD_OUT_EVERY;
        double[] times = new double[held];
        for (int k = 0; k < held; k++) {
            times[k] = data.time(HOLD_OUT_EVERY * k + HOLD_OUT_PHASE);
        }
        Solution s = new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(1e-8, 1e-10).build())
                .solve(model, SpiralProblem.Z0.clone(), 1, 0.0, times);
        double sum = 0;
        for (int k = 0; k < held; k++) {
            for (int j = 0; j < 2; j++) {
                sum += Math.abs(s.value(0, k, j) - data.value(HOLD_OUT_EVERY * k + HOLD_OUT_PHASE, j));
            }
        }
        return sum / (2.0 * held);
    }
}
