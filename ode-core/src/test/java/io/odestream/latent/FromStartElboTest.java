package io.odestream.latent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.latent.LatentOdeTraining.Series;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.rk.RungeKutta4;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Rubanova et al.'s objective ({@link LatentOdeElbo#evaluateFromStart}): the encoder reads the
 * sequence backwards into z₀ at its first time, the decoder runs from there over every scored
 * observation. Its gradient against central differences of the same loss (fixed RK4 steps, so the
 * adjoint differs from the discrete gradient by O(h⁴)); the reading order against a forward
 * filter over the time-reversed sequence; what each objective reads and scores.
 */
class FromStartElboTest {
    private static final LatentOdeSpec SPEC = LatentOdeSpec.of(2, 3, 4, new int[] {5, 5}, new int[] {6}, 1000.0);

    @Test
    void theReconstructionGradientMatchesFiniteDifferences() {
        LatentOdeElbo.Batch b = LatentOdeElboTest.randomBatch(new Random(4), 2, 7, 3, 2);
        checkAgainstFiniteDifferences(new LatentOdeElbo.Sequences(b.times(), b.values(), b.mask(), 7, 0));
    }

    @Test
    void theExtrapolationGradientMatchesFiniteDifferences() {
        LatentOdeElbo.Batch b = LatentOdeElboTest.randomBatch(new Random(5), 2, 7, 3, 2);
        checkAgainstFiniteDifferences(new LatentOdeElbo.Sequences(b.times(), b.values(), b.mask(), 4, 4));
    }

    /**
     * z₀'s posterior comes from the encoder run over the observations last to first, at times
     * t_last − t_k: exactly what the causal filter's encoder reaches when it is fed the reversed
     * sequence forwards. Read forwards, the same sequence gives another z₀.
     */
    @Test
    void theEncoderReadsTheSequenceBackwards() {
        LatentOdeModel model = LatentOdeModel.create(SPEC, 3);
        LatentOdeElbo elbo = new LatentOdeElbo(model, 1.0);
        LatentOdeElbo.Batch b = LatentOdeElboTest.randomBatch(new Random(6), 1, 6, 3, 2);
        int n = b.times()[0].length;
        double[] t = new double[n];
        for (int k = 0; k < n; k++) {
            t[k] = Math.round(b.times()[0][k] * SPEC.timeUnitMillis()) / SPEC.timeUnitMillis(); // whole ms, as the filter reads them
        }
        double[][] x = b.values()[0];
        double[][] m = b.mask()[0];

        LatentFilter filter = new LatentFilter(model, "reversed", 1);
        long lastMillis = Math.round(t[n - 1] * SPEC.timeUnitMillis());
        FilterState state = filter.start(0);
        for (int k = n - 1; k >= 0; k--) {
            long at = lastMillis - Math.round(t[k] * SPEC.timeUnitMillis());
            boolean[] mask = {m[k][0] != 0, m[k][1] != 0};
            state = filter.update(state, at, new double[] {x[k][0], x[k][1]}, mask);
        }
        double[] expected = readoutOfPosteriorMean(model, state.hidden());

        double[][] atStart = elbo.decodeMean(t, x, m, n, new double[] {t[0]});
        assertArrayEquals(expected, atStart[0], 1e-6, "decoded at t0 = readout(posterior mean of the reversed read)");

        FilterState forward = filter.start(0);
        for (int k = 0; k < n; k++) {
            forward = filter.update(forward, Math.round((t[k] - t[0]) * SPEC.timeUnitMillis()),
                    new double[] {x[k][0], x[k][1]}, new boolean[] {m[k][0] != 0, m[k][1] != 0});
        }
        double[] readForwards = readoutOfPosteriorMean(model, forward.hidden());
        assertTrue(Math.abs(readForwards[0] - atStart[0][0]) + Math.abs(readForwards[1] - atStart[0][1]) > 1e-4,
                "the forward read is another z0: the order is what the test sees");
    }

    /**
     * The predictive mean ({@link LatentOdeElbo#decodePredictiveMean}): no draws decode z₀'s mean; at
     * the first time the flow has not moved z₀, so with this linear readout the draws' mean converges to
     * the readout of z₀'s mean as the draws grow, within the Monte-Carlo error; a seed gives its draws.
     */
    @Test
    void thePredictiveMeanAveragesPosteriorDrawsDecoded() {
        LatentOdeModel model = LatentOdeModel.create(SPEC, 3);
        LatentOdeElbo elbo = new LatentOdeElbo(model, 1.0);
        LatentOdeElbo.Batch b = LatentOdeElboTest.randomBatch(new Random(6), 1, 6, 3, 2);
        double[] t = b.times()[0];
        double[][] x = b.values()[0];
        double[][] m = b.mask()[0];
        int n = t.length;
        double[] queries = {t[0], t[n - 1] + 2.0};

        assertArrayEquals(elbo.decodeMean(t, x, m, n, queries)[1],
                elbo.decodePredictiveMean(t, x, m, n, queries, 0, 5)[1], 0.0, "no draws: z0's mean decoded");
        assertArrayEquals(elbo.decodePredictiveMean(t, x, m, n, queries, 8, 5)[1],
                elbo.decodePredictiveMean(t, x, m, n, queries, 8, 5)[1], 0.0, "a seed gives the same draws");
        assertTrue(!Arrays.equals(elbo.decodePredictiveMean(t, x, m, n, queries, 8, 5)[1],
                elbo.decodePredictiveMean(t, x, m, n, queries, 8, 6)[1]), "another seed, other draws");

        double[] ofMean = elbo.decodeMean(t, x, m, n, queries)[0];
        double spread = 0;
        double[] few = elbo.decodePredictiveMean(t, x, m, n, queries, 4, 7)[0];
        for (int j = 0; j < ofMean.length; j++) {
            spread = Math.max(spread, Math.abs(few[j] - ofMean[j]));
        }
        assertTrue(spread > 1e-3, "the posterior is wide enough for four draws to miss its mean: " + spread);
        int draws = 4096;
        double[] many = elbo.decodePredictiveMean(t, x, m, n, queries, draws, 7)[0];
        for (int j = 0; j < ofMean.length; j++) {
            // four draws miss by ~σ/2, 4 096 by ~σ/64: allow 8 times that
            assertEquals(ofMean[j], many[j], 8 * spread / Math.sqrt(draws / 4.0), "channel " + j);
        }
    }

    /** Reconstruction reads and scores every observation; extrapolation reads before the cut-off, scores after. */
    @Test
    void eachObjectiveReadsAndScoresItsObservations() {
        long hour = 3_600_000L;
        Series stay = new Series(new long[] {hour, 10 * hour, 30 * hour, 40 * hour},
                new double[][] {{1, Double.NaN}, {2, 3}, {Double.NaN, 4}, {5, 6}});
        LatentOdeSpec spec = LatentOdeSpec.of(2, 3, 4, new int[] {5}, new int[] {6}, 48 * hour);
        LatentOdeElbo.Sequences all = FromStartTraining.sequenceOf(spec, stay, config(FromStartTraining.Objective.RECONSTRUCTION));
        assertEquals(4, all.read());
        assertEquals(0, all.scoredFrom());
        assertArrayEquals(new double[] {0, 9 / 48.0, 29 / 48.0, 39 / 48.0}, all.times()[0], 1e-12,
                "model time since the first observation");
        assertArrayEquals(new double[] {1, 0}, all.mask()[0][0], "a missing value is masked");
        LatentOdeElbo.Sequences later = FromStartTraining.sequenceOf(spec, stay,
                config(FromStartTraining.Objective.EXTRAPOLATION));
        assertEquals(2, later.read(), "the observations before 24 h");
        assertEquals(2, later.scoredFrom(), "the observations from 24 h on");
        Series early = new Series(new long[] {hour, 2 * hour}, new double[][] {{1, 2}, {3, 4}});
        assertNull(FromStartTraining.sequenceOf(spec, early, config(FromStartTraining.Objective.EXTRAPOLATION)),
                "nothing after the cut-off to score");
    }

    /** The KL weight: off for the first iterations, then 1 − 0.99^(i − 10), as the paper's code anneals it. */
    @Test
    void theKlWeightIsAnnealed() {
        assertEquals(0, FromStartTraining.klWeight(0));
        assertEquals(0, FromStartTraining.klWeight(FromStartTraining.KL_WAIT));
        assertEquals(1 - Math.pow(0.99, 100), FromStartTraining.klWeight(FromStartTraining.KL_WAIT + 100), 1e-15);
    }

    private static FromStartTraining.Config config(FromStartTraining.Objective objective) {
        return new FromStartTraining.Config(1, 1, 0.01, objective, 24 * 3_600_000L, 1, 0);
    }

    private static double[] readoutOfPosteriorMean(LatentOdeModel model, double[] hidden) {
        int l = model.spec().latent();
        double[] posterior = new double[2 * l];
        model.posterior().forward(hidden, posterior, 1);
        double[] out = new double[model.spec().channels()];
        model.readout().forward(Arrays.copyOf(posterior, l), out, 1);
        return out;
    }

    private static void checkAgainstFiniteDifferences(LatentOdeElbo.Sequences sequences) {
        LatentOdeModel model = LatentOdeModel.create(SPEC, 3);
        LatentOdeElbo elbo = new LatentOdeElbo(model, 1.0, RungeKutta4.TABLEAU, StepControl.fixed(0.01), false);
        double[] gradient = new double[model.parameters().size()];
        assertTrue(Double.isFinite(elbo.evaluateFromStart(sequences, 99, gradient).loss()));
        double[] theta = model.parameters().values();
        Random pick = new Random(8);
        for (String slice : new String[] {"encoder.gru.weight_ih", "encoder.gru.weight_hh", "encoder.dynamics.0.weight",
            "encoder.dynamics.2.weight", "posterior.0.weight", "decoder.dynamics.0.weight", "readout.0.weight",
            "readout.0.bias", "noise.log_sigma"}) {
            var s = model.parameters().slice(slice);
            for (int trial = 0; trial < 3; trial++) {
                int i = s.offset() + pick.nextInt(s.size());
                LatentOdeElboTest.checkEntry(model,
                        () -> elbo.evaluateFromStart(sequences, 99, new double[theta.length]).loss(), gradient, i,
                        slice, s.offset());
            }
        }
    }
}
