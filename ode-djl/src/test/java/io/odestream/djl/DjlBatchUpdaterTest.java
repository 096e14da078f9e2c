package io.odestream.djl;

import static io.odestream.djl.Agreement.maxScaledDifference;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.latent.BatchBackend;
import io.odestream.latent.BatchUpdater;
import io.odestream.latent.BatchUpdater.Outcome;
import io.odestream.latent.FilterBatchUpdater;
import io.odestream.latent.FilterState;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.LatentOdeSpec;
import io.odestream.latent.LatentOdeSpec.Encoder;
import io.odestream.latent.ObservationUpdate;
import io.odestream.latent.Score;
import io.odestream.latent.ScoreMode;
import io.odestream.nn.Activation;
import io.odestream.ode.SolverException;
import io.odestream.schema.ModelArtifact;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link DjlBatchUpdater} (a batch's scores in one decoder solve for its sigma-point rows and one per
 * Monte-Carlo sample count, its encoder ODE in one per-row-span solve, one GRU step) against the JVM reference {@link FilterBatchUpdater}
 * ({@code LatentFilter.score} then {@code update}, row by row), same artifact, same rows.
 *
 * <p>Why these bounds. The host code is the same (posterior draws with the same seeds, readout,
 * {@code ObservationScore}, {@code EncoderInput}), and the GRU differs from ode-core's by round-off
 * (≤ 3.3e-16, DjlGruCellTest); what differs is the solves: one step sequence for the whole batch
 * instead of one per row, so the latent samples and the evolved h agree within 100·rtol in
 * {@code |djl − java| / (1 + |java|)} (DjlRowSpanSolverTest, DjlLatentPredictorTest).
 * <ul>
 *   <li>Next hidden state: the GRU of the evolved h; its gates are bounded and h enters a convex
 *       combination, so the bound carries over: {@value #STATE_FACTOR}·rtol. The RNN encoder solves
 *       nothing for an update: round-off only, {@value #ROUND_OFF}.</li>
 *   <li>Scores: a z-score divides an error of the samples' mean by the predictive std, which is at
 *       least the observation noise σ (0.1 in normalised units for these untrained models); −log p
 *       moves by {@code e/σ} per unit error of a sample, e its standardised residual, which relative
 *       to {@code 1 + |−log p|} ≈ {@code 1 + e²/2} is at most {@code 0.71/σ}. Both ≤ 1/σ = 10 times
 *       the samples' bound: {@value #SCORE_FACTOR}·rtol.</li>
 * </ul>
 * Measured on CPU (printed by the tests): at rtol 1e-10, next h 3.9e-10 (ODE-RNN), scores 8.8e-10;
 * at the default rtol 1e-5, next h 1.3e-5, scores 2.6e-4.
 */
class DjlBatchUpdaterTest {
    /** cpu in CI; scripts/gpu-check.sh runs the same tests with -Dodestream.djl.device=gpu:N. */
    private static final String DEVICE = System.getProperty(DjlDevice.DEVICE_PROPERTY, "cpu");
    private static final double TIGHT = 1e-10;
    private static final double STATE_FACTOR = 100;
    private static final double SCORE_FACTOR = 1000;
    private static final double ROUND_OFF = 1e-14;

    static Stream<Arguments> encodersAndSolveSizes() {
        return Stream.of(Arguments.of(Encoder.ODE_RNN, Integer.MAX_VALUE), Arguments.of(Encoder.ODE_RNN, 20),
                Arguments.of(Encoder.RNN, Integer.MAX_VALUE));
    }

    /**
     * Mixed gaps (0, 1 ms … 20 s), masks (all, all-missing-but-one, all missing), NaN and ±Inf values,
     * first observations and rows without a score, sigma-point scores and two Monte-Carlo sample counts,
     * and one series twice in the batch (rows are independent: each is an update of the state it carries).
     */
    @ParameterizedTest(name = "{0}, at most {1} rows per solve")
    @MethodSource("encodersAndSolveSizes")
    void everyRowAgreesWithTheJvmWithinTheSolverTolerance(Encoder encoder, int maxRowsPerSolve) {
        ModelArtifact artifact = artifact(encoder, TIGHT);
        LatentFilter java = LatentFilter.init(artifact);
        List<ObservationUpdate> rows = rows(java, 3L);
        Outcome[] expected = new FilterBatchUpdater(java).scoreAndUpdate(rows);
        Difference worst = new Difference();
        try (DjlBatchUpdater djl = new DjlBatchUpdater(artifact, DjlDevice.parse(DEVICE), maxRowsPerSolve)) {
            Outcome[] got = djl.scoreAndUpdate(rows);
            assertEquals(rows.size(), got.length);
            for (int i = 0; i < got.length; i++) {
                worst.add(got[i], expected[i], "row " + i);
            }
            assertEquals(java.maskedNonFiniteValues(), djl.maskedNonFiniteValues(), "NaN/Inf counted as missing alike");
            System.out.printf("update %s rtol %.0e, <= %d rows per solve: %d rows, max |djl - java|/(1+|java|): "
                            + "next h %.2e, score %.2e; device NFE %d%n", encoder, TIGHT, maxRowsPerSolve, rows.size(),
                    worst.state, worst.score, djl.functionEvaluations());
        }
        assertTrue(worst.state <= stateBound(encoder, TIGHT), "next h: " + worst.state);
        assertTrue(worst.score <= SCORE_FACTOR * TIGHT, "score: " + worst.score);
    }

    /** The next state's bound: the solver's for the ODE-RNN, round-off for the RNN encoder (no solve). */
    private static double stateBound(Encoder encoder, double rtol) {
        return encoder == Encoder.RNN ? ROUND_OFF : STATE_FACTOR * rtol;
    }

    /**
     * At the product's default tolerance (rtol 1e-5) the two differ by their solvers' global errors:
     * the same bounds scaled to rtol, checked for both encoders.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("encoders")
    void atTheArtifactsOwnToleranceTheBoundsScaleWithIt(Encoder encoder) {
        double rtol = 1e-5;
        ModelArtifact artifact = artifact(encoder, rtol);
        LatentFilter java = LatentFilter.init(artifact);
        List<ObservationUpdate> rows = rows(java, 4L);
        Outcome[] expected = new FilterBatchUpdater(java).scoreAndUpdate(rows);
        Difference worst = new Difference();
        try (BatchUpdater djl = BatchBackend.named("djl").updater(artifact, DEVICE)) {
            assertInstanceOf(DjlBatchUpdater.class, djl);
            Outcome[] got = djl.scoreAndUpdate(rows);
            for (int i = 0; i < got.length; i++) {
                worst.add(got[i], expected[i], "row " + i);
            }
        }
        System.out.printf("update %s rtol %.0e: max |djl - java|/(1+|java|): next h %.2e, score %.2e%n", encoder, rtol,
                worst.state, worst.score);
        assertTrue(worst.state <= stateBound(encoder, rtol), "next h: " + worst.state);
        assertTrue(worst.score <= SCORE_FACTOR * rtol, "score: " + worst.score);
    }

    static Stream<Encoder> encoders() {
        return Stream.of(Encoder.ODE_RNN, Encoder.RNN);
    }

    /**
     * The same rows one call each. Where no solve is involved (an RNN encoder's update, an ODE-RNN
     * row with gap 0) a row's next state does not depend on its batch mates beyond round-off. A
     * solve's step sequence is the batch's (its hardest row's), so there a row's result moves with
     * its batch mates, within the solver tolerance: the bounds of the JVM comparison.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("encoders")
    void aRowsResultDoesNotDependOnItsBatchBeyondTheSolverTolerance(Encoder encoder) {
        ModelArtifact artifact = artifact(encoder, TIGHT);
        List<ObservationUpdate> rows = rows(LatentFilter.init(artifact), 5L);
        Difference solved = new Difference();
        double unsolved = 0;
        try (DjlBatchUpdater djl = new DjlBatchUpdater(artifact, DjlDevice.parse(DEVICE))) {
            Outcome[] batched = djl.scoreAndUpdate(rows);
            for (int i = 0; i < rows.size(); i++) {
                Outcome alone = djl.scoreAndUpdate(List.of(rows.get(i)))[0];
                ObservationUpdate u = rows.get(i);
                boolean noSolve = encoder == Encoder.RNN || u.eventTimeMillis() == u.state().timeMillis();
                if (noSolve) {
                    unsolved = Math.max(unsolved, maxScaledDifference(batched[i].next().hidden(), alone.next().hidden()));
                }
                solved.add(batched[i], alone, "row " + i);
            }
        }
        System.out.printf("update %s: batch vs one row per call: without a solve %.2e; with solves: next h %.2e, "
                + "score %.2e%n", encoder, unsolved, solved.state, solved.score);
        assertTrue(unsolved <= ROUND_OFF, "next h without a solve: " + unsolved);
        assertTrue(solved.state <= STATE_FACTOR * TIGHT, "next h: " + solved.state);
        assertTrue(solved.score <= SCORE_FACTOR * TIGHT, "score: " + solved.score);
    }

    /**
     * The sigma-point score (the job's default) on a fixed case: one series after three observations,
     * scored 1.5 s later on every channel, the one channel observed, and two channels. The points are
     * ode-core's (SigmaPoints) and so is the Gaussian of their moments (ObservationScore.gaussian);
     * only the decoder solve is the device's, so −log p, z and the predictive means agree with the JVM
     * within the same {@value #SCORE_FACTOR}·rtol as the Monte-Carlo score: a z divides an error of the
     * points' mean by a predictive std ≥ σ, and −log p moves by e/σ per unit error of a point (the
     * covariance's own error enters the quadratic form at the same order), as above.
     */
    @Test
    void theSigmaPointScoreAgreesWithTheJvmWithinTheSolverTolerance() {
        ModelArtifact artifact = artifact(Encoder.ODE_RNN, TIGHT);
        LatentFilter java = LatentFilter.init(artifact);
        FilterState state = java.start(1_000);
        state = java.update(state, 1_000, new double[] {10.5, -2.1, 0.4}, null);
        state = java.update(state, 2_200, new double[] {9.2, -1.8, 0.9}, null);
        state = java.update(state, 2_900, new double[] {11.8, -2.4, 0.1}, new boolean[] {true, false, true});
        double[] x = {16.0, -1.2, 0.3};
        List<ObservationUpdate> rows = List.of(
                new ObservationUpdate(state, 4_400, x, null, 1, 0, ScoreMode.SIGMA_POINTS),
                new ObservationUpdate(state, 4_400, x, new boolean[] {false, true, false}, 1, 0, ScoreMode.SIGMA_POINTS),
                new ObservationUpdate(state, 4_400, x, new boolean[] {true, false, true}, 1, 0, ScoreMode.SIGMA_POINTS));
        Outcome[] expected = new FilterBatchUpdater(java).scoreAndUpdate(rows);
        Difference worst = new Difference();
        try (DjlBatchUpdater djl = new DjlBatchUpdater(artifact, DjlDevice.parse(DEVICE))) {
            Outcome[] got = djl.scoreAndUpdate(rows);
            for (int i = 0; i < got.length; i++) {
                worst.add(got[i], expected[i], "row " + i);
            }
            assertEquals(List.of(3, 1, 2), Arrays.stream(got).map(o -> o.score().observedChannels()).toList());
        }
        System.out.printf("sigma-point score, rtol %.0e: max |djl - java|/(1+|java|) %.2e (-log p %.4f)%n", TIGHT,
                worst.score, expected[0].score().negativeLogDensity());
        assertTrue(worst.score <= SCORE_FACTOR * TIGHT, "sigma-point score: " + worst.score);
    }

    /**
     * A state whose posterior overflows fails the score solve of its group (8 samples): the group's
     * rows are redone on the JVM, so the broken row reports the failure and its group mates get the
     * JVM's results exactly; the other group (16 samples) keeps its device results.
     */
    @Test
    void aSeriesWhoseScoreFailsLosesOnlyItsOwnUpdate() {
        ModelArtifact artifact = artifact(Encoder.ODE_RNN, TIGHT);
        LatentFilter java = LatentFilter.init(artifact);
        FilterState good = java.update(java.start(0), 1_000, new double[] {10, -2, 0.5}, null);
        double[] huge = new double[good.hidden().length];
        Arrays.fill(huge, 1e300);
        FilterState broken = new FilterState("m", 1, 0, 1_000, huge);
        List<ObservationUpdate> rows = List.of(
                new ObservationUpdate(good, 3_000, new double[] {11, -2, 0.5}, null, 8, 1),
                new ObservationUpdate(broken, 3_000, new double[] {11, -2, 0.5}, null, 8, 2),
                new ObservationUpdate(good, 2_000, new double[] {9, -1, 0.5}, null, 16, 3));
        Outcome[] reference = new FilterBatchUpdater(java).scoreAndUpdate(rows);
        try (BatchUpdater djl = new DjlBatchUpdater(artifact, DjlDevice.parse(DEVICE))) {
            Outcome[] got = djl.scoreAndUpdate(rows);
            assertNotNull(got[1].failure(), "the broken series reports the solver's failure");
            assertEquals(SolverException.Reason.NON_FINITE_STATE, got[1].failure().reason());
            assertNull(got[1].next());
            assertNull(got[1].score());
            assertEquals(reference[0].next(), got[0].next(), "its group mate: redone on the JVM, bit for bit");
            assertEquals(reference[0].score().negativeLogDensity(), got[0].score().negativeLogDensity(), 0.0);
            assertNotNull(got[2].next(), "the other group is answered from the device");
            assertTrue(maxScaledDifference(got[2].next().hidden(), reference[2].next().hidden()) <= STATE_FACTOR * TIGHT);
        }
    }

    /**
     * Encoder dynamics with huge weights (as LatentFilterTest provokes it): the encoder solve of every
     * row with a gap fails on the device and again on the JVM; a row with gap 0 needs no solve and
     * is absorbed.
     */
    @Test
    void aFailingEncoderSolveCostsOnlyTheRowsThatNeededIt() {
        LatentOdeModel model = LatentOdeModel.create(spec(Encoder.ODE_RNN, TIGHT), 7);
        var weights = model.parameters().slice("encoder.dynamics.1.weight");
        Arrays.fill(model.parameters().values(), weights.offset(), weights.offset() + weights.size(), 1e200);
        model.parametersChanged();
        ModelArtifact artifact = model.toArtifact("m", 1, null, Map.of(), Map.of());
        LatentFilter java = LatentFilter.init(artifact);
        FilterState state = java.update(java.start(0), 0, new double[] {10, -2, 0.5}, null);
        List<ObservationUpdate> rows = List.of(
                new ObservationUpdate(state, 60_000, new double[] {11, -2, 0.5}, null, 0, 1),
                new ObservationUpdate(state, 0, new double[] {11, -2, 0.5}, null, 0, 2));
        try (DjlBatchUpdater djl = new DjlBatchUpdater(artifact, DjlDevice.parse(DEVICE))) {
            Outcome[] got = djl.scoreAndUpdate(rows);
            assertNotNull(got[0].failure(), "the row with a gap: " + got[0]);
            assertNotNull(got[1].next(), "the row without one");
            assertEquals(java.update(state, 0, new double[] {11, -2, 0.5}, null).timeMillis(), got[1].next().timeMillis());
        }
    }

    @Test
    void badInputIsRefusedForTheWholeBatchNamingTheRow() {
        ModelArtifact artifact = artifact(Encoder.ODE_RNN, 1e-6);
        LatentFilter java = LatentFilter.init(artifact);
        FilterState state = java.update(java.start(0), 1_000, new double[] {10, -2, 0.5}, null);
        ObservationUpdate fine = new ObservationUpdate(state, 2_000, new double[] {10, -2, 0.5}, null, 4, 1);
        try (DjlBatchUpdater djl = new DjlBatchUpdater(artifact, DjlDevice.parse(DEVICE))) {
            FilterState foreign = new FilterState("other", 3, 0, 0, state.hidden());
            assertRefused(djl, List.of(fine, new ObservationUpdate(foreign, 1, new double[3], null, 0, 1)),
                    "updates[1]", "re-encode");
            assertRefused(djl, List.of(new ObservationUpdate(state, 999, new double[3], null, 0, 1)),
                    "updates[0]", "older than the filter state");
            assertRefused(djl, List.of(fine, fine, new ObservationUpdate(state, 2_000, new double[2], null, 0, 1)),
                    "updates[2]", "3 channels");
            assertRefused(djl, List.of(new ObservationUpdate(state, 2_000, new double[3], new boolean[2], 0, 1)),
                    "updates[0]", "mask has 2 entries");
            assertRefused(djl, Arrays.asList(fine, null), "updates[1] is null", "");
            assertEquals(0, djl.functionEvaluations(), "nothing was solved for a refused batch");
            assertEquals(0, djl.scoreAndUpdate(List.of()).length);
            // gap 0, no score: no solve at all, as LatentFilter.update
            Outcome[] none = djl.scoreAndUpdate(List.of(new ObservationUpdate(state, 1_000, new double[3], null, 0, 1)));
            assertEquals(java.update(state, 1_000, new double[3], null).timeMillis(), none[0].next().timeMillis());
            assertEquals(0, djl.functionEvaluations());
        }
        assertThrows(IllegalArgumentException.class, () -> new DjlBatchUpdater(artifact, null));
        assertThrows(IllegalArgumentException.class, () -> new DjlBatchUpdater(artifact, DjlDevice.parse(DEVICE), 0));
    }

    private static void assertRefused(DjlBatchUpdater djl, List<ObservationUpdate> rows, String row, String why) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> djl.scoreAndUpdate(rows));
        assertTrue(e.getMessage().contains(row) && e.getMessage().contains(why), e.getMessage());
    }

    // ------------------------------------------------------------------ fixtures

    /** C = 3, L = 4, H = 10, non-trivial normalisation, time unit 1 s, untrained (seeded) weights. */
    private static LatentOdeSpec spec(Encoder encoder, double rtol) {
        return new LatentOdeSpec(1, 3, 4, 10, encoder == Encoder.RNN ? new int[0] : new int[] {16}, new int[] {16},
                Activation.TANH, 1000.0, "dopri5", rtol, rtol * 1e-2, new double[] {10.0, -2.0, 0.5},
                new double[] {3.0, 0.5, 1.0}, encoder);
    }

    private static ModelArtifact artifact(Encoder encoder, double rtol) {
        return LatentOdeModel.create(spec(encoder, rtol), 7).toArtifact("m", 1, null, Map.of(), Map.of());
    }

    private static final long[] GAPS = {0, 1, 250, 3_000, 20_000};
    private static final boolean[][] MASKS = {null, {true, false, false}, {false, true, true}, {false, false, true},
            {true, true, true}, {false, false, false}};
    private static final int[] SAMPLES = {0, 8, 16};

    /** 24 series after 0–3 observations each (0: a first observation, no score), then one the same series twice. */
    private static List<ObservationUpdate> rows(LatentFilter java, long seed) {
        Random random = new Random(seed);
        List<ObservationUpdate> rows = new ArrayList<>();
        for (int k = 0; k < 24; k++) {
            long t = 1_700_000_000_000L + random.nextInt(60_000);
            FilterState s = java.start(t);
            int seen = k % 4;
            for (int i = 0; i < seen; i++) {
                t += 200 + random.nextInt(5_000);
                s = java.update(s, t, values(random), new boolean[] {true, random.nextBoolean(), true});
            }
            double[] v = values(random);
            if (k % 7 == 3) {
                v[1] = Double.NaN;
            }
            if (k % 7 == 5) {
                v[2] = k % 2 == 0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            }
            int samples = seen == 0 ? 0 : SAMPLES[k % SAMPLES.length];
            // every second row with 8 "samples" is scored by its sigma points: both kinds in one batch
            ScoreMode mode = k % 6 == 1 ? ScoreMode.SIGMA_POINTS : ScoreMode.MONTE_CARLO;
            rows.add(new ObservationUpdate(s, s.timeMillis() + GAPS[k % GAPS.length], v, MASKS[k % MASKS.length],
                    samples, 500L + k, mode));
        }
        ObservationUpdate again = rows.get(5);
        rows.add(new ObservationUpdate(again.state(), again.eventTimeMillis() + 1_500, values(random), null, 16, 77L));
        return rows;
    }

    private static double[] values(Random random) {
        return new double[] {10 + 3 * random.nextGaussian(), -2 + 0.5 * random.nextGaussian(),
                0.5 + random.nextGaussian()};
    }

    /** The worst scaled differences over next states and scores; what must be equal is asserted. */
    private static final class Difference {
        double state;
        double score;

        void add(Outcome got, Outcome expected, String what) {
            assertNull(got.failure(), what);
            assertNull(expected.failure(), what);
            FilterState a = got.next();
            FilterState b = expected.next();
            assertEquals(b.timeMillis(), a.timeMillis(), what);
            assertEquals(b.originMillis(), a.originMillis(), what);
            assertEquals(b.modelId(), a.modelId(), what);
            assertEquals(b.modelVersion(), a.modelVersion(), what);
            state = Math.max(state, maxScaledDifference(a.hidden(), b.hidden()));
            if (expected.score() == null) {
                assertNull(got.score(), what + ": no score asked for");
                return;
            }
            Score x = got.score();
            Score y = expected.score();
            assertEquals(y.observedChannels(), x.observedChannels(), what);
            score = Math.max(score, finiteDifference(new double[] {x.negativeLogDensity()},
                    new double[] {y.negativeLogDensity()}, what + " -log p"));
            score = Math.max(score, finiteDifference(x.zScores(), y.zScores(), what + " z"));
            score = Math.max(score, finiteDifference(x.predictiveMeans(), y.predictiveMeans(), what + " means"));
        }

        /** NaN (a missing channel) in the same places; the scaled difference of the rest. */
        private static double finiteDifference(double[] a, double[] b, String what) {
            double m = 0;
            for (int i = 0; i < a.length; i++) {
                assertEquals(Double.isNaN(b[i]), Double.isNaN(a[i]), what + "[" + i + "]: NaN where the JVM has NaN");
                if (!Double.isNaN(b[i])) {
                    m = Math.max(m, maxScaledDifference(new double[] {a[i]}, new double[] {b[i]}));
                }
            }
            return m;
        }
    }
}
