package io.odestream.latent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.ode.control.StepControl;
import io.odestream.ode.rk.RungeKutta4;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The ELBO's gradient — adjoint through the decoder, reparameterisation, posterior head, GRU jumps
 * and adjoint encoder segments — against central finite differences of the same loss (same noise).
 * Fixed small RK4 steps make the loss a smooth function of the parameters; the adjoint of the
 * continuous problem then differs from the exact discrete gradient by O(h⁴) ≈ 1e-8.
 */
class LatentOdeElboTest {

    @Test
    void theGradientMatchesFiniteDifferences() {
        LatentOdeSpec spec = LatentOdeSpec.of(2, 3, 4, new int[] {6}, new int[] {6}, 1000.0);
        LatentOdeModel model = LatentOdeModel.create(spec, 3);
        LatentOdeElbo elbo = new LatentOdeElbo(model, 1.0, RungeKutta4.TABLEAU, StepControl.fixed(0.01), false);
        LatentOdeElbo.Batch batch = randomBatch(new Random(4), 3, 7, 4, 2);
        double[] gradient = new double[model.parameters().size()];
        LatentOdeElbo.Result result = elbo.evaluate(batch, 99, gradient);
        assertTrue(Double.isFinite(result.loss()));
        double[] theta = model.parameters().values();
        Random pick = new Random(8);
        int checked = 0;
        for (String slice : new String[] {"encoder.gru.weight_ih", "encoder.gru.weight_hh", "encoder.dynamics.0.weight",
            "encoder.dynamics.1.bias", "posterior.0.weight", "posterior.0.bias", "decoder.dynamics.0.weight",
            "decoder.dynamics.1.weight", "readout.0.weight", "readout.0.bias", "noise.log_sigma"}) {
            var s = model.parameters().slice(slice);
            for (int trial = 0; trial < 3; trial++) {
                int i = s.offset() + pick.nextInt(s.size());
                double saved = theta[i];
                double step = 1e-5;
                theta[i] = saved + step;
                model.parametersChanged();
                double up = elbo.evaluate(batch, 99, new double[theta.length]).loss();
                theta[i] = saved - step;
                model.parametersChanged();
                double down = elbo.evaluate(batch, 99, new double[theta.length]).loss();
                theta[i] = saved;
                model.parametersChanged();
                double fd = (up - down) / (2 * step);
                assertEquals(fd, gradient[i], 1e-6 * Math.max(1, Math.abs(fd)), slice + "[" + (i - s.offset()) + "]");
                checked++;
            }
        }
        assertEquals(33, checked);
    }

    static LatentOdeElbo.Batch randomBatch(Random random, int windows, int n, int split, int channels) {
        double[][] times = new double[windows][n];
        double[][][] values = new double[windows][n][channels];
        double[][][] mask = new double[windows][n][channels];
        for (int w = 0; w < windows; w++) {
            double t = random.nextDouble();
            for (int k = 0; k < n; k++) {
                t += 0.05 + 0.3 * random.nextDouble();
                times[w][k] = t;
                for (int c = 0; c < channels; c++) {
                    mask[w][k][c] = random.nextDouble() < 0.8 ? 1 : 0;
                    values[w][k][c] = mask[w][k][c] == 1 ? Math.sin(t + c) + 0.1 * random.nextGaussian() : Double.NaN;
                }
            }
        }
        return new LatentOdeElbo.Batch(times, values, mask, split);
    }
}
