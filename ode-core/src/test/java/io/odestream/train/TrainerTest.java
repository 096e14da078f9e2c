package io.odestream.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The training loop, optimisers, clipping and schedules, on objectives with known answers. */
class TrainerTest {

    /** L(θ) = Σ c_i (θ_i − target_i)², minimum at target. */
    private static final double[] TARGET = {1.0, -2.0, 0.5};
    private static final double[] CURVATURE = {1.0, 10.0, 0.1};

    private static Trainer.Evaluation quadratic(double[] theta, double[] gradient) {
        double loss = 0;
        for (int i = 0; i < theta.length; i++) {
            double e = theta[i] - TARGET[i];
            loss += CURVATURE[i] * e * e;
            gradient[i] = 2 * CURVATURE[i] * e;
        }
        return new Trainer.Evaluation(loss, 0, 0);
    }

    @Test
    void adamFindsTheMinimumOfAQuadratic() {
        double[] theta = {0, 0, 0};
        Trainer trainer = new Trainer(new Trainer.Config(3000, Adam.defaults(), LearningRateSchedule.constant(0.05),
                Double.POSITIVE_INFINITY, Trainer.ProgressListener.silent()));
        Trainer.Result result = trainer.train(theta, (it, g) -> quadratic(theta, g));
        assertArrayEquals(TARGET, theta, 1e-3);
        assertTrue(result.finalLoss() < 1e-6, "final loss " + result.finalLoss());
        assertTrue(result.losses()[0] > 100 * result.finalLoss());
    }

    @Test
    void adamsFirstStepMovesEveryParameterByTheLearningRate() {
        // With bias correction, m̂ = g and v̂ = g² after one step: θ moves by lr·g/(|g| + ε).
        double[] theta = {0, 0, 0};
        Adam adam = Adam.defaults();
        double[] g = {3.0, -0.001, 50.0};
        adam.step(theta, g, 0.1);
        assertArrayEquals(new double[] {-0.1, 0.1, -0.1}, theta, 1e-6);
    }

    @Test
    void sgdWithMomentumAccumulatesVelocity() {
        double[] theta = {0};
        Sgd sgd = new Sgd(0.5);
        sgd.step(theta, new double[] {1}, 0.1); // v = 1, θ = −0.1
        sgd.step(theta, new double[] {1}, 0.1); // v = 1.5, θ = −0.25
        assertEquals(-0.25, theta[0], 1e-15);
    }

    @Test
    void trainingIsDeterministic() {
        double[] a = {0.3, 0.3, 0.3};
        double[] b = {0.3, 0.3, 0.3};
        Trainer.Config config = new Trainer.Config(200, Adam.defaults(), LearningRateSchedule.exponential(0.1, 0.99, 1),
                1.0, Trainer.ProgressListener.silent());
        new Trainer(config).train(a, (it, g) -> quadratic(a, g));
        Trainer.Config again = new Trainer.Config(200, Adam.defaults(), LearningRateSchedule.exponential(0.1, 0.99, 1),
                1.0, Trainer.ProgressListener.silent());
        new Trainer(again).train(b, (it, g) -> quadratic(b, g));
        assertArrayEquals(a, b, 0.0);
    }

    @Test
    void gradientsAreClippedToTheMaximumNorm() {
        double[] g = {3, 4};
        double before = GradientClipping.clipByNorm(g, 1.0);
        assertEquals(5.0, before);
        assertEquals(1.0, GradientClipping.norm(g), 1e-15);
        assertArrayEquals(new double[] {0.6, 0.8}, g, 1e-15);
    }

    @Test
    void aNonFiniteLossStopsTrainingAndKeepsTheLastFiniteParameters() {
        double[] theta = {1.0};
        List<Double> seen = new ArrayList<>();
        Trainer trainer = new Trainer(new Trainer.Config(10, Sgd.plain(), LearningRateSchedule.constant(0.1),
                Double.POSITIVE_INFINITY, p -> seen.add(p.loss())));
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> trainer.train(theta, (it, g) -> {
            g[0] = 1.0;
            return new Trainer.Evaluation(it < 3 ? 1.0 : Double.NaN, 0, 0);
        }));
        assertEquals(3, e.iteration());
        assertEquals(1.0 - 3 * 0.1, theta[0], 1e-15, "three updates, none from the NaN iteration");
        assertEquals(3, seen.size());
        assertTrue(e.getMessage().contains("What to try"), e.getMessage());
    }

    @Test
    void theProgressLineSaysWhatAUserNeeds() {
        String line = new Trainer.Progress(9, 100, 0.125, 2.5, 44, 88, 310.0, 1e-3).line();
        assertEquals("iter 10/100  loss 0.125000  |grad| 2.500e+00  NFE fwd 44 bwd 88  310.0 it/s  lr 1.00e-03", line);
    }

    @Test
    void exponentialDecayHalvesOnSchedule() {
        LearningRateSchedule s = LearningRateSchedule.exponential(0.1, 0.5, 100);
        assertEquals(0.1, s.at(0), 1e-15);
        assertEquals(0.05, s.at(100), 1e-15);
        assertEquals(0.025, s.at(200), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.constant(-1));
    }
}
