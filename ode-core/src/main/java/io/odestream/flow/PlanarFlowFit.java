package io.odestream.flow;

import io.odestream.ode.control.AdaptiveStep;
import io.odestream.ode.control.FixedStep;
import io.odestream.ode.control.Tolerances;
import io.odestream.ode.rk.DormandPrince54;
import io.odestream.ode.rk.RungeKutta4;
import io.odestream.train.Adam;
import java.util.SplittableRandom;

/**
 * The recipe for fitting a flow to one {@link PlanarDensity} and measuring it against the
 * full-covariance Gaussian, shared by the proof test and {@code odestream eval cnf-2d}: train and
 * test points from fixed seeds, training with RK4 at a fixed step (cheap and deterministic), the
 * test NLL of the trained flow measured with adaptive Dormand–Prince at tight tolerances, i.e. of
 * the continuous model rather than its training discretisation.
 *
 * @param hidden        hidden tanh units
 * @param iterations    Adam steps
 * @param batch         points per step
 * @param learningRate  Adam's learning rate
 * @param trainPoints   training set size
 * @param testPoints    test set size
 */
public record PlanarFlowFit(int hidden, int iterations, int batch, double learningRate, int trainPoints,
                            int testPoints) {
    /** Training step of the fixed-step RK4 solves (10 steps over [0, 1]). */
    public static final double TRAINING_STEP = 0.1;
    private static final long TRAIN_SEED = 1;
    private static final long TEST_SEED = 2;
    private static final long INIT_SEED = 7;
    private static final long BATCH_SEED = 3;
    private static final double GRADIENT_CLIP = 10.0;

    public PlanarFlowFit {
        if (hidden < 1 || iterations < 0 || batch < 1 || !(learningRate > 0) || trainPoints < 3 || testPoints < 1) {
            throw new IllegalArgumentException("invalid flow fit settings: " + hidden + " hidden, " + iterations
                    + " iterations, batch " + batch + ", learning rate " + learningRate + ", " + trainPoints
                    + " train and " + testPoints + " test points");
        }
    }

    /** A fitted flow, its test NLL and the Gaussian's on the same test points (nats per point). */
    public record Result(PlanarDensity density, ContinuousFlow flow, double flowNll, double gaussianNll,
                         double[] testPoints, double seconds) {
        /** How much better the flow is than the Gaussian, nats per point. */
        public double margin() {
            return gaussianNll - flowNll;
        }
    }

    public Result fit(PlanarDensity density, FlowTraining.StepListener progress) {
        long started = System.nanoTime();
        double[] train = density.sample(trainPoints, TRAIN_SEED);
        double[] test = density.sample(testPoints, TEST_SEED);
        CnfField field = new CnfField(2, 0, hidden, TraceMode.EXACT, CnfField.initialParameters(2, 0, hidden,
                INIT_SEED));
        ContinuousFlow training = new ContinuousFlow(field, RungeKutta4.TABLEAU, new FixedStep(TRAINING_STEP));
        new FlowTraining(training, Adam.defaults(), learningRate, GRADIENT_CLIP)
                .fit(train, null, trainPoints, iterations, batch, BATCH_SEED, progress);
        ContinuousFlow accurate = new ContinuousFlow(field, DormandPrince54.TABLEAU,
                AdaptiveStep.builder(Tolerances.of(1e-6, 1e-6)).build());
        double[] logDensity = accurate.logDensity(test, null, testPoints, new SplittableRandom(0));
        double nll = 0;
        for (double v : logDensity) {
            nll -= v / testPoints;
        }
        double gaussian = GaussianDensity.fit(train, trainPoints, 2).meanNll(test, testPoints);
        return new Result(density, accurate, nll, gaussian, test, (System.nanoTime() - started) / 1e9);
    }
}
