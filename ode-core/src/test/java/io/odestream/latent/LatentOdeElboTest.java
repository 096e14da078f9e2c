package io.odestream.latent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.ode.control.StepControl;
import io.odestream.ode.rk.RungeKutta4;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The ELBO's gradient — adjoint through the decoder, reparameterisation, posterior head, GRU jumps
 * and adjoint encoder segments — against central finite differences of the same loss (same noise).
 * Fixed small RK4 steps make the loss a smooth function of the parameters; the adjoint of the
 * continuous problem then differs from the exact discrete gradient by O(h⁴) ≈ 1e-8. The RNN
 * encoder has no encoder solve: its part of the gradient is the GRU chain alone, exact.
 */
class LatentOdeElboTest {

    @Test
    void theGradientMatchesFiniteDifferences() {
        LatentOdeSpec spec = LatentOdeSpec.of(2, 3, 4, new int[] {6}, new int[] {6}, 1000.0);
        int checked = checkAgainstFiniteDifferences(LatentOdeModel.create(spec, 3), new String[] {
            "encoder.gru.weight_ih", "encoder.gru.weight_hh", "encoder.dynamics.0.weight", "encoder.dynamics.1.bias",
            "posterior.0.weight", "posterior.0.bias", "decoder.dynamics.0.weight", "decoder.dynamics.1.weight",
            "readout.0.weight", "readout.0.bias", "noise.log_sigma"}, new int[0]);
        assertEquals(33, checked);
    }

    /**
     * The RNN encoder: the same check with the GRU chain alone behind the posterior, including the
     * weights of the gap Δt input (column C of weight_ih, whose 3H rows are checked one by one).
     */
    @Test
    void theRnnEncoderGradientMatchesFiniteDifferences() {
        LatentOdeSpec spec = LatentOdeSpec.of(2, 3, 4, new int[0], new int[] {6}, 1000.0)
                .withEncoder(LatentOdeSpec.Encoder.RNN);
        LatentOdeModel model = LatentOdeModel.create(spec, 3);
        assertTrue(model.parameters().slices().stream().noneMatch(s -> s.name().startsWith("encoder.dynamics")),
                "the RNN encoder declares no encoder dynamics");
        int width = 2 * (spec.channels() + 1);
        assertArrayEquals(new int[] {3 * spec.hidden(), width},
                model.parameters().slice("encoder.gru.weight_ih").shape(), "GRU input: C values and Δt, then their C + 1 mask bits");
        int[] gapColumn = new int[3 * spec.hidden()];
        for (int row = 0; row < gapColumn.length; row++) {
            gapColumn[row] = row * width + spec.channels();
        }
        int checked = checkAgainstFiniteDifferences(model, new String[] {"encoder.gru.weight_ih",
            "encoder.gru.weight_hh", "encoder.gru.bias_ih", "encoder.gru.bias_hh", "posterior.0.weight",
            "posterior.0.bias", "decoder.dynamics.0.weight", "decoder.dynamics.1.weight", "readout.0.weight",
            "noise.log_sigma"}, gapColumn);
        assertEquals(30 + 12, checked);
    }

    /**
     * Central differences of the loss (same batch, same noise) against the gradient, at 3 random
     * entries of each slice and at {@code weightIhEntries} of encoder.gru.weight_ih; returns the count.
     */
    private static int checkAgainstFiniteDifferences(LatentOdeModel model, String[] slices, int[] weightIhEntries) {
        LatentOdeElbo elbo = new LatentOdeElbo(model, 1.0, RungeKutta4.TABLEAU, StepControl.fixed(0.01), false);
        LatentOdeElbo.Batch batch = randomBatch(new Random(4), 3, 7, 4, 2);
        double[] gradient = new double[model.parameters().size()];
        LatentOdeElbo.Result result = elbo.evaluate(batch, 99, gradient);
        assertTrue(Double.isFinite(result.loss()));
        double[] theta = model.parameters().values();
        Random pick = new Random(8);
        int checked = 0;
        for (String slice : slices) {
            var s = model.parameters().slice(slice);
            for (int trial = 0; trial < 3; trial++) {
                checkEntry(model, elbo, batch, gradient, s.offset() + pick.nextInt(s.size()), slice, s.offset());
                checked++;
            }
        }
        int weightIh = model.parameters().slice("encoder.gru.weight_ih").offset();
        for (int entry : weightIhEntries) {
            double g = gradient[weightIh + entry];
            assertTrue(g != 0, "the Δt weight " + entry + " has a gradient");
            checkEntry(model, elbo, batch, gradient, weightIh + entry, "encoder.gru.weight_ih", weightIh);
            checked++;
        }
        assertTrue(Arrays.stream(theta).allMatch(Double::isFinite));
        return checked;
    }

    private static void checkEntry(LatentOdeModel model, LatentOdeElbo elbo, LatentOdeElbo.Batch batch,
                                   double[] gradient, int i, String slice, int sliceOffset) {
        checkEntry(model, () -> elbo.evaluate(batch, 99, new double[gradient.length]).loss(), gradient, i, slice,
                sliceOffset);
    }

    /** Central difference of {@code loss} in parameter {@code i} against {@code gradient[i]}. */
    static void checkEntry(LatentOdeModel model, java.util.function.DoubleSupplier loss, double[] gradient, int i,
                           String slice, int sliceOffset) {
        double[] theta = model.parameters().values();
        double saved = theta[i];
        double step = 1e-5;
        theta[i] = saved + step;
        model.parametersChanged();
        double up = loss.getAsDouble();
        theta[i] = saved - step;
        model.parametersChanged();
        double down = loss.getAsDouble();
        theta[i] = saved;
        model.parametersChanged();
        double fd = (up - down) / (2 * step);
        assertEquals(fd, gradient[i], 1e-6 * Math.max(1, Math.abs(fd)), slice + "[" + (i - sliceOffset) + "]");
    }

    /**
     * Training with the RNN encoder (same loop, same ELBO) on noisy sines: the validation loss falls
     * from its start to below what the best constant predictor could reach.
     */
    @Test
    void trainingTheRnnEncoderModelLowersTheLoss() {
        List<LatentOdeTraining.Series> data = new ArrayList<>();
        Random random = new Random(5);
        for (int s = 0; s < 12; s++) {
            double phase = 2 * Math.PI * random.nextDouble();
            long[] times = new long[30];
            double[][] values = new double[30][1];
            long t = 0;
            for (int k = 0; k < 30; k++) {
                t += 200 + random.nextInt(400);
                times[k] = t;
                values[k][0] = 3 + 2 * Math.sin(phase + t / 1000.0) + 0.05 * random.nextGaussian();
            }
            data.add(new LatentOdeTraining.Series(times, values));
        }
        LatentOdeSpec spec = LatentOdeTraining.normalisedFor(LatentOdeSpec.of(1, 2, 8, new int[0], new int[] {12},
                1000.0).withEncoder(LatentOdeSpec.Encoder.RNN), data);
        LatentOdeModel model = LatentOdeModel.create(spec, 6);
        LatentOdeTraining.Config config = new LatentOdeTraining.Config(12, 6, 8, 150, 0.02, 1.0, 7);
        double before = LatentOdeTraining.validationLoss(model, data, config, 4, 11);
        LatentOdeTraining.train(model, data, config, p -> { });
        double after = LatentOdeTraining.validationLoss(model, data, config, 4, 11);
        // The best constant-in-time predictor of normalised data, N(0, 1), costs ½ log(2πe) ≈ 1.42 nats per
        // point; the loss (per window: 6 horizon points, plus a KL ≥ 0) must beat it, not just fall.
        double constantPredictor = 6 * 0.5 * Math.log(2 * Math.PI * Math.E);
        assertTrue(after < constantPredictor && after < 0.05 * before, "validation loss " + before + " -> " + after
                + ", constant predictor " + constantPredictor);
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
