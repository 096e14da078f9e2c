package io.odestream.train.spiral;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.train.Trainer;
import org.junit.jupiter.api.Test;

/**
 * torchdiffeq's ode_demo problem, trained with adjoint gradients. The bounds are relative to the
 * trajectory's own scale: its mean absolute deviation from its mean (0.53) is the error of the best
 * constant predictor.
 */
class SpiralFitTest {

    @Test
    void aNeuralOdeTrainedWithTheAdjointFitsTheSpiral() {
        SpiralProblem data = SpiralProblem.generate();
        SpiralFit fit = new SpiralFit(data, 7);
        double before = fit.heldOutError();
        Trainer.Result result = fit.train(3000, Trainer.ProgressListener.silent());
        double shortHorizon = fit.heldOutShortHorizonError();
        double whole = fit.heldOutError();
        String report = "held-out MAE: whole trajectory " + whole + " (untrained " + before + "), five steps ahead "
                + shortHorizon + "; training loss " + result.finalLoss();
        // Five steps (0.125 time units) ahead the points move by ~0.1–1; the fit must be 10× finer.
        assertTrue(shortHorizon < 0.01, report);
        // Integrated alone from z0 for 25 time units (phase errors accumulate), the fitted trajectory
        // must still be well inside the constant predictor's 0.53 error.
        assertTrue(whole < 0.2, report);
        assertTrue(before > 10 * whole, report);
    }
}
