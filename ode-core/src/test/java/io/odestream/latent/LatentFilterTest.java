package io.odestream.latent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.ode.SolverException;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.rk.DormandPrince54;
import io.odestream.ode.rk.RungeKuttaSolver;
import io.odestream.schema.ModelArtifact;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The streaming filter's contract, on an untrained (randomly initialised) model. */
class LatentFilterTest {
    private static final LatentOdeSpec SPEC = LatentOdeSpec.of(3, 4, 8, new int[] {16}, new int[] {16}, 1000.0);

    private static LatentFilter filter() {
        return new LatentFilter(LatentOdeModel.create(SPEC, 11), "test", 1);
    }

    /** Without carried steps every gap's solve starts as the batch encoder's does: the same state. */
    @Test
    void updatingObservationByObservationReproducesTheBatchEncoder() {
        encodeAsTheBatchEncoder(false, 1e-12);
    }

    /**
     * Each gap's solve starting from the step the last one ended with instead of a fresh guess moves
     * the state by no more than the solver's tolerance: the same encoding, another path of steps.
     */
    @Test
    void carriedStepsKeepTheEncodingWithinTheSolversTolerance() {
        encodeAsTheBatchEncoder(true, SPEC.rtol());
    }

    /** @param tolerance relative to |h| (absolute below 1) */
    private static void encodeAsTheBatchEncoder(boolean carry, double tolerance) {
        LatentFilter filter = filter();
        filter.carryStepSizes(carry);
        Random random = new Random(2);
        int n = 20;
        long[] times = new long[n];
        double[][][] x = new double[1][n][3];
        double[][][] m = new double[1][n][3];
        double[][] gaps = new double[1][n];
        FilterState state = filter.start(1_700_000_000_000L);
        long t = state.timeMillis();
        for (int k = 0; k < n; k++) {
            long gap = 100 + random.nextInt(3000);
            t += gap;
            times[k] = t;
            gaps[0][k] = gap / 1000.0;
            boolean[] mask = new boolean[3];
            double[] values = new double[3];
            for (int j = 0; j < 3; j++) {
                mask[j] = random.nextDouble() < 0.7;
                values[j] = mask[j] ? random.nextGaussian() : Double.NaN;
                x[0][k][j] = mask[j] ? values[j] : 0;
                m[0][k][j] = mask[j] ? 1 : 0;
            }
            state = filter.update(state, t, values, mask);
        }
        LatentOdeModel model = filter.model();
        OdeRnnEncoder batch = new OdeRnnEncoder(model.encoderDynamics(), model.encoderCell(),
                new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(SPEC.rtol(), SPEC.atol()).build()));
        double[] h = batch.encode(new double[SPEC.hidden()], gaps, x, m, 1);
        double[] filtered = state.hidden();
        for (int j = 0; j < h.length; j++) {
            assertEquals(h[j], filtered[j], tolerance * Math.max(1.0, Math.abs(h[j])), "h[" + j + "]");
        }
        assertEquals(carry, state.encoderStep() > 0, "the state carries the step its last solve ended with");
        assertEquals(0, filter.maskedNonFiniteValues(), "masked NaNs are not counted as bad values");
    }

    /**
     * The filter and the ELBO encode with the same rule, for both encoders: a filter started at a
     * window's first time and updated observation by observation reaches the hidden state (hence
     * the posterior) the ELBO's encoder computes for that window's context. The RNN encoder's
     * difference is only the rounding of Δt (epoch-ms gaps vs differences of window times). Without
     * carried steps, as the ELBO's solves start afresh: the same arithmetic.
     */
    @Test
    void updatingObservationByObservationReproducesTheElbosEncoderForBothEncoders() {
        LatentOdeSpec rnn = LatentOdeSpec.of(3, 4, 8, new int[0], new int[] {16}, 1000.0)
                .withEncoder(LatentOdeSpec.Encoder.RNN);
        for (LatentOdeSpec spec : new LatentOdeSpec[] {SPEC, rnn}) {
            LatentFilter filter = new LatentFilter(LatentOdeModel.create(spec, 11), "test", 1);
            filter.carryStepSizes(false);
            Random random = new Random(2);
            int n = 20;
            long origin = 1_700_000_000_000L;
            double[][] times = new double[1][n + 1];
            double[][][] x = new double[1][n + 1][3];
            double[][][] m = new double[1][n + 1][3];
            FilterState state = filter.start(origin);
            long t = origin;
            for (int k = 0; k < n; k++) {
                t += k == 0 ? 0 : 100 + random.nextInt(3000); // the first observation at the origin
                times[0][k] = (t - origin) / 1000.0;
                boolean[] mask = new boolean[3];
                double[] values = new double[3];
                for (int j = 0; j < 3; j++) {
                    mask[j] = random.nextDouble() < 0.7;
                    values[j] = mask[j] ? random.nextGaussian() : Double.NaN;
                    x[0][k][j] = mask[j] ? values[j] : 0;
                    m[0][k][j] = mask[j] ? 1 : 0;
                }
                state = filter.update(state, t, values, mask);
            }
            times[0][n] = times[0][n - 1] + 1; // one horizon point: the batch needs it, the encoder ignores it
            LatentOdeElbo elbo = new LatentOdeElbo(filter.model(), 1.0);
            double[] h = elbo.encode(new LatentOdeElbo.Batch(times, x, m, n));
            assertArrayEquals(h, state.hidden(), 1e-12, spec.encoder().name());
            double[] fromElbo = new double[2 * spec.latent()];
            double[] fromFilter = new double[2 * spec.latent()];
            filter.model().posterior().forward(h, fromElbo, 1);
            filter.model().posterior().forward(state.hidden(), fromFilter, 1);
            assertArrayEquals(fromElbo, fromFilter, 1e-12, spec.encoder().name() + " posterior");
        }
    }

    /**
     * The RNN encoder's hidden state does not move between observations, but the gap reaches it
     * through the GRU: the same observation after a longer gap gives another state, and it costs
     * no solver work.
     */
    @Test
    void theRnnEncoderSeesTheGapAsAnInputAndSolvesNothing() {
        LatentOdeSpec spec = LatentOdeSpec.of(3, 4, 8, new int[0], new int[] {16}, 1000.0)
                .withEncoder(LatentOdeSpec.Encoder.RNN);
        LatentFilter filter = new LatentFilter(LatentOdeModel.create(spec, 11), "test", 1);
        FilterState first = filter.update(filter.start(0), 0, new double[] {1, 0, -1}, null);
        double[] values = {0.5, 0.2, 0.1};
        FilterState soon = filter.update(first, 1_000, values, null);
        FilterState later = filter.update(first, 4_000, values, null);
        assertEquals(0, filter.functionEvaluations(), "no encoder ODE");
        double difference = 0;
        for (int i = 0; i < spec.hidden(); i++) {
            difference += Math.abs(soon.hidden()[i] - later.hidden()[i]);
        }
        assertTrue(difference > 1e-3, "the gap changes the update: |Δh|₁ = " + difference);
        // By hand: the masked GRU on [x, Δt = 4 units] (4000 ms after the state at 0), all inputs observed.
        double[] expected = new double[spec.hidden()];
        filter.model().encoderCell().forward(new double[] {0.5, 0.2, 0.1, 4.0}, new double[] {1, 1, 1, 1},
                first.hidden(), expected, 1);
        assertArrayEquals(expected, later.hidden(), 0.0);
    }

    /** Scoring and predicting work on a fresh state (h = 0, nothing seen) and after updates, with either encoder. */
    @Test
    void scoreAndPredictWorkBeforeTheFirstUpdateForTheRnnEncoder() {
        LatentOdeSpec spec = LatentOdeSpec.of(3, 4, 8, new int[0], new int[] {16}, 1000.0)
                .withEncoder(LatentOdeSpec.Encoder.RNN);
        LatentFilter filter = new LatentFilter(LatentOdeModel.create(spec, 11), "test", 1);
        FilterState fresh = filter.start(5_000);
        Score before = filter.score(fresh, 6_000, new double[] {0.1, 0.2, 0.3}, null, 32, 1);
        assertTrue(Double.isFinite(before.negativeLogDensity()), "score on a fresh state: " + before);
        assertEquals(3, before.observedChannels());
        FilterState updated = filter.update(fresh, 6_000, new double[] {0.1, 0.2, 0.3}, null);
        assertEquals(6_000, updated.timeMillis());
        assertEquals(5_000, updated.originMillis());
        Prediction p = filter.predict(updated, new long[] {5_500, 6_000, 9_000}, 32, 2);
        assertTrue(p.refused()[0].contains("before the series' state"), "5 500 is before the state: " + p.refused()[0]);
        for (int i = 1; i < 3; i++) {
            assertTrue(Arrays.stream(p.mean()[i]).allMatch(Double::isFinite));
        }
        assertTrue(filter.functionEvaluations() > 0, "predicting still solves the latent ODE");
    }

    @Test
    void predictingAtTheStatesTimeReturnsThePosteriorDecoded() {
        LatentFilter filter = filter();
        FilterState state = filter.update(filter.start(0), 500, new double[] {0.3, -1, 2}, null);
        int samples = 64;
        Prediction p = filter.predict(state, new long[] {500}, samples, 7);
        // Independently: z_k = μ + σ ε_k with the same random stream, decoded, mixture moments.
        LatentOdeModel model = filter.model();
        double[] posterior = new double[2 * SPEC.latent()];
        model.posterior().forward(state.hidden(), posterior, 1);
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        double[] z = new double[samples * SPEC.latent()];
        for (int k = 0; k < samples; k++) {
            for (int i = 0; i < SPEC.latent(); i++) {
                z[k * SPEC.latent() + i] = posterior[i] + Math.exp(posterior[SPEC.latent() + i]) * random.nextGaussian();
            }
        }
        double[] decoded = new double[samples * 3];
        model.readout().forward(z, decoded, samples);
        for (int j = 0; j < 3; j++) {
            double mean = 0;
            for (int k = 0; k < samples; k++) {
                mean += decoded[k * 3 + j] / samples;
            }
            assertEquals(mean, p.mean()[0][j], 1e-12, "channel " + j);
        }
    }

    @Test
    void quantilesAreOrderedAndTheSpreadGrowsWithTheHorizon() {
        LatentFilter filter = filter();
        FilterState state = filter.update(filter.start(0), 1000, new double[] {1, 1, 1}, null);
        Prediction p = filter.predict(state, new long[] {5000, 1000, 2000, 20_000}, 200, 3);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 3; j++) {
                assertTrue(p.q05()[i][j] < p.q50()[i][j] && p.q50()[i][j] < p.q95()[i][j], "ordered at " + i + "," + j);
                assertTrue(p.std()[i][j] > 0);
            }
        }
        assertEquals(200, p.samples());
        assertArrayEquals(new long[] {5000, 1000, 2000, 20_000}, p.times(), "answers in the order asked");
    }

    @Test
    void anObservationFarFromThePredictionScoresWorse() {
        LatentFilter filter = filter();
        FilterState state = filter.update(filter.start(0), 1000, new double[] {0.5, 0.5, 0.5}, null);
        Prediction p = filter.predict(state, new long[] {2000}, 256, 1);
        double[] expected = p.mean()[0];
        double[] far = {expected[0] + 10 * p.std()[0][0], expected[1], expected[2]};
        Score typical = filter.score(state, 2000, expected, null, 256, 1);
        Score surprising = filter.score(state, 2000, far, null, 256, 1);
        assertTrue(surprising.negativeLogDensity() > typical.negativeLogDensity() + 20);
        assertEquals(10.0, surprising.zScores()[0], 0.5);
        assertEquals(0.0, typical.zScores()[0], 1e-9);
        Score partial = filter.score(state, 2000, new double[] {far[0], Double.NaN, 1}, new boolean[] {true, true, false},
                256, 1);
        assertEquals(1, partial.observedChannels());
        assertTrue(Double.isNaN(partial.zScores()[1]) && Double.isNaN(partial.zScores()[2]));
    }

    @Test
    void badInputIsRejectedOrMaskedAndTheStateNeverChanges() {
        LatentFilter filter = filter();
        FilterState state = filter.update(filter.start(0), 1000, new double[] {1, 2, 3}, null);
        IllegalArgumentException older = assertThrows(IllegalArgumentException.class,
                () -> filter.update(state, 999, new double[] {1, 2, 3}, null));
        assertTrue(older.getMessage().contains("older than the filter state"), older.getMessage());
        IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
                () -> filter.update(state, 2000, new double[] {1, 2}, null));
        assertTrue(width.getMessage().contains("3 channels"), width.getMessage());
        FilterState masked = filter.update(state, 2000, new double[] {Double.NaN, Double.POSITIVE_INFINITY, 3}, null);
        assertEquals(2, filter.maskedNonFiniteValues());
        FilterState explicit = filter.update(state, 2000, new double[] {0, 0, 3}, new boolean[] {false, false, true});
        assertArrayEquals(explicit.hidden(), masked.hidden(), 0.0, "a non-finite value is a missing value");
        LatentFilter other = new LatentFilter(LatentOdeModel.create(SPEC, 12), "test", 2);
        IllegalArgumentException version = assertThrows(IllegalArgumentException.class,
                () -> other.update(state, 3000, new double[] {1, 2, 3}, null));
        assertTrue(version.getMessage().contains("re-encode"), version.getMessage());
    }

    @Test
    void aSolverFailureThrowsAndLeavesTheStateAsItWas() {
        LatentOdeModel model = LatentOdeModel.create(SPEC, 11);
        // Blow the encoder dynamics up: huge weights make h explode within the gap.
        var weights = model.parameters().slice("encoder.dynamics.1.weight");
        java.util.Arrays.fill(model.parameters().values(), weights.offset(), weights.offset() + weights.size(), 1e200);
        model.parametersChanged();
        LatentFilter filter = new LatentFilter(model, "test", 1);
        FilterState state = filter.update(filter.start(0), 0, new double[] {1, 1, 1}, null);
        FilterState before = state;
        io.odestream.ode.SolverException e = assertThrows(io.odestream.ode.SolverException.class,
                () -> filter.update(before, 60_000, new double[] {1, 1, 1}, null));
        assertTrue(e.getMessage().contains("What to try"), e.getMessage());
        assertEquals(before, state, "the caller's state is untouched (states are immutable)");
        assertEquals(0, state.timeMillis());
    }

    @Test
    void aFilterFromTheArtifactPredictsBitForBitTheSame() {
        LatentFilter filter = filter();
        ModelArtifact artifact = filter.model().toArtifact("test", 1, null, Map.of(), Map.of());
        LatentFilter reloaded = LatentFilter.init(artifact);
        FilterState a = filter.update(filter.start(0), 700, new double[] {1, 0, -1}, null);
        FilterState b = reloaded.update(reloaded.start(0), 700, new double[] {1, 0, -1}, null);
        assertEquals(a, b);
        Prediction pa = filter.predict(a, new long[] {900, 5000}, 32, 9);
        Prediction pb = reloaded.predict(b, new long[] {900, 5000}, 32, 9);
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(pa.mean()[i], pb.mean()[i], 0.0);
            assertArrayEquals(pa.q95()[i], pb.q95()[i], 0.0);
        }
    }

    @Test
    void aPosteriorThatOverflowsIsReportedAsASolverFailureNotAnArgumentError() {
        LatentOdeModel model = LatentOdeModel.create(SPEC, 11);
        for (var slice : model.parameters().slices()) {
            if (slice.name().startsWith("posterior")) {
                java.util.Arrays.fill(model.parameters().values(), slice.offset(), slice.offset() + slice.size(), 1e3);
            }
        }
        model.parametersChanged();
        LatentFilter filter = new LatentFilter(model, "test", 1);
        FilterState state = filter.update(filter.start(1_000), 1_000, new double[] {1, 1, 1}, null);
        SolverException e = assertThrows(SolverException.class,
                () -> filter.score(state, 2_000, new double[] {1, 1, 1}, null, 4, 1));
        assertEquals(SolverException.Reason.NON_FINITE_STATE, e.reason());
        assertTrue(e.getMessage().contains("posterior sample"), e.getMessage());
    }
}
