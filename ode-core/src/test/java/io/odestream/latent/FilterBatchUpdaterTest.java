package io.odestream.latent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.nn.FieldPrecision;
import io.odestream.ode.SolverException;
import io.odestream.schema.ModelArtifact;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code java} backend of the micro-batched updates: row by row exactly the unbatched path
 * ({@link LatentFilter#score} on the state before the observation, then {@link LatentFilter#update}),
 * although it solves all series' rows together (grouped step control: each series' rows keep the
 * step control they have alone, and the MLP kernels compute every row as on its own, so the bits are
 * the same); first observations absorbed without a score, and a row the solver fails on costing only
 * that row.
 */
class FilterBatchUpdaterTest {
    private static final LatentOdeSpec SPEC = LatentOdeSpec.of(3, 4, 8, new int[] {16}, new int[] {16}, 1000.0)
            .withNormalisation(new double[] {10.0, -2.0, 0.5}, new double[] {3.0, 0.5, 1.0});
    private static final ModelArtifact ARTIFACT =
            LatentOdeModel.create(SPEC, 5).toArtifact("m", 1, null, Map.of(), Map.of());

    @Test
    void theJavaBackendScoresThenAbsorbsEachRowBitForBitAsTheFilterDoes() {
        BatchUpdater updater = BatchBackend.named("java").updater(ARTIFACT, "cpu");
        assertInstanceOf(FilterBatchUpdater.class, updater);
        LatentFilter filter = LatentFilter.init(ARTIFACT);
        FilterState a = filter.update(filter.start(0), 1_000, new double[] {9.0, -2.5, 1.0}, null);
        FilterState b = filter.update(a, 4_000, new double[] {11.0, Double.NaN, 0.0}, null);
        List<ObservationUpdate> rows = List.of(
                new ObservationUpdate(filter.start(7_000), 7_000, new double[] {10, -2, 0}, null, 0, 1), // first
                new ObservationUpdate(a, 2_500, new double[] {12.0, -1.0, 0.3}, null, 16, 7),
                new ObservationUpdate(b, 4_000, new double[] {8.0, -3.0, Double.POSITIVE_INFINITY}, // gap 0
                        new boolean[] {true, false, true}, 8, 8),
                new ObservationUpdate(b, 9_000, new double[] {Double.NaN, 0, 0}, new boolean[] {true, false, false}, 8, 9),
                new ObservationUpdate(a, 3_000, new double[] {10, -2, 0.5}, null, 0, 3)); // a's series again: allowed

        BatchUpdater.Outcome[] outcomes = updater.scoreAndUpdate(rows);

        assertEquals(rows.size(), outcomes.length);
        for (int i = 0; i < rows.size(); i++) {
            ObservationUpdate u = rows.get(i);
            assertNull(outcomes[i].failure());
            // the unbatched path: its next state carries the step the score's solve ended with
            FilterState expected = FilterBatchUpdater.scoreAndUpdate(filter, u).next();
            assertEquals(expected, outcomes[i].next(), "row " + i + ": the next state, bit for bit");
            if (!u.scored()) {
                assertNull(outcomes[i].score(), "row " + i + " asked for no score");
                continue;
            }
            Score want = filter.score(u.state(), u.eventTimeMillis(), u.values(), u.mask(), u.scoreSamples(), u.seed());
            Score got = outcomes[i].score();
            assertEquals(want.negativeLogDensity(), got.negativeLogDensity(), 0.0, "row " + i);
            assertArrayEquals(want.zScores(), got.zScores(), 0.0, "row " + i);
            assertArrayEquals(want.predictiveMeans(), got.predictiveMeans(), 0.0, "row " + i);
            assertEquals(want.observedChannels(), got.observedChannels());
        }
        // the last scored row had every channel missing (one masked, one NaN): nothing to score
        assertEquals(0, outcomes[3].score().observedChannels());
        assertTrue(Double.isNaN(outcomes[3].score().negativeLogDensity()));
        assertEquals(1, outcomes[2].score().observedChannels(), "mask and +Inf leave one channel");
    }

    /**
     * A state whose posterior overflows fails in the score (a SolverException, LatentFilterTest):
     * that row reports the failure with neither score nor next state, its neighbours are answered.
     */
    @Test
    void aRowTheSolverFailsOnCostsOnlyThatRow() {
        BatchUpdater updater = BatchBackend.named("java").updater(ARTIFACT, null);
        LatentFilter filter = LatentFilter.init(ARTIFACT);
        FilterState good = filter.update(filter.start(0), 1_000, new double[] {10, -2, 0.5}, null);
        double[] huge = new double[SPEC.hidden()];
        Arrays.fill(huge, 1e300);
        FilterState broken = new FilterState("m", 1, 0, 1_000, huge);
        List<ObservationUpdate> rows = new ArrayList<>();
        rows.add(new ObservationUpdate(good, 2_000, new double[] {10, -2, 0.5}, null, 8, 1));
        rows.add(new ObservationUpdate(broken, 2_000, new double[] {10, -2, 0.5}, null, 8, 2));
        rows.add(new ObservationUpdate(good, 3_000, new double[] {11, -2, 0.5}, null, 8, 3));

        BatchUpdater.Outcome[] outcomes = updater.scoreAndUpdate(rows);

        assertNotNull(outcomes[0].next());
        assertNotNull(outcomes[0].score());
        assertNotNull(outcomes[2].next());
        SolverException failure = outcomes[1].failure();
        assertNotNull(failure, "the broken series reports the solver's failure");
        assertEquals(SolverException.Reason.NON_FINITE_STATE, failure.reason());
        assertNull(outcomes[1].next());
        assertNull(outcomes[1].score());
    }

    /**
     * Forty series in one batch, each different: new and warm, gaps from none through minutes to past
     * the horizon, Monte Carlo with K = 8 or 16 and sigma points (three grouped solves), masked and
     * non-finite channels, and one broken state among them. Each row's outcome, the filter's evaluation
     * count and its count of masked values are those of the per-series path.
     */
    /** In both field precisions: the float32 kernel also computes every row as on its own. */
    @ParameterizedTest
    @ValueSource(strings = {"float64", "float32"})
    void aMixedBatchOfManySeriesGivesEverySeriesTheBitsOfItsOwnPath(String precision) {
        LatentFilter reference = initWithFieldPrecision(precision);
        LatentFilter served = initWithFieldPrecision(precision);
        FilterBatchUpdater updater = new FilterBatchUpdater(served);
        SplittableRandom random = new SplittableRandom(21);
        List<ObservationUpdate> rows = new ArrayList<>();
        for (int series = 0; series < 40; series++) {
            long t = series * 137L;
            FilterState state = reference.start(t);
            for (int seen = 0; seen < series % 4; seen++) {
                t += 200 + random.nextInt(3_000);
                // scored after the first: the state carries the steps its score and encoder solves ended with
                state = FilterBatchUpdater.scoreAndUpdate(reference, new ObservationUpdate(state, t, draw(random), null,
                        seen == 0 ? 0 : 8, seen, seen == 2 ? ScoreMode.SIGMA_POINTS : ScoreMode.MONTE_CARLO)).next();
            }
            long gap = switch (series % 5) {
                case 0 -> 0;
                case 1 -> 40;
                case 2 -> 1_500 + random.nextInt(2_000);
                case 3 -> 50_000_000; // far past the horizon: capped there
                default -> random.nextInt(30_000);
            };
            double[] values = draw(random);
            boolean[] mask = null;
            if (series % 7 == 3) {
                values[1] = Double.NaN;
                mask = new boolean[] {true, true, series % 2 == 0};
            }
            boolean first = series % 4 == 0 && series % 8 != 0; // half the new series' first observations
            ScoreMode mode = ScoreMode.values()[series % ScoreMode.values().length];
            rows.add(new ObservationUpdate(state, t + gap, values, mask, first ? 0 : 8 + 8 * (series % 2), series, mode));
        }
        double[] huge = new double[SPEC.hidden()];
        Arrays.fill(huge, 1e300);
        rows.add(17, new ObservationUpdate(new FilterState("m", 1, 0, 1_000, huge), 2_000, new double[] {10, -2, 0.5},
                null, 16, 2));

        assertTrue(rows.stream().anyMatch(u -> u.state().scoreStep() > 0 && u.state().encoderStep() > 0),
                "warm series start from their carried steps");
        assertTrue(rows.stream().anyMatch(u -> u.state().scoreStep() == 0 && u.scored()), "and others from the guess");
        long evaluationsBefore = reference.functionEvaluations();
        long maskedBefore = reference.maskedNonFiniteValues();
        BatchUpdater.Outcome[] expected = new BatchUpdater.Outcome[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            expected[i] = FilterBatchUpdater.scoreAndUpdate(reference, rows.get(i));
        }
        BatchUpdater.Outcome[] got = updater.scoreAndUpdate(rows);

        for (int i = 0; i < rows.size(); i++) {
            assertSameOutcome(expected[i], got[i], "row " + i);
        }
        assertNotNull(got[17].failure(), "the broken series fails alone");
        assertEquals(reference.functionEvaluations() - evaluationsBefore, served.functionEvaluations(),
                "the same vector-field evaluations per series");
        assertEquals(reference.maskedNonFiniteValues() - maskedBefore, served.maskedNonFiniteValues());
        BatchUpdater.Outcome[] again = updater.scoreAndUpdate(rows.subList(3, 9));
        for (int i = 0; i < again.length; i++) {
            assertSameOutcome(expected[3 + i], again[i], "a smaller batch on the reused buffers, row " + (3 + i));
        }
        if (precision.equals("float32")) {
            // the option's point: other arithmetic, nearly the same scores
            LatentFilter float64 = initWithFieldPrecision("float64");
            double worst = 0;
            int differ = 0;
            for (int i = 0; i < rows.size(); i++) {
                BatchUpdater.Outcome inDouble = FilterBatchUpdater.scoreAndUpdate(float64, rows.get(i));
                if (inDouble.score() != null && expected[i].score() != null) {
                    double a = inDouble.score().negativeLogDensity();
                    double b = expected[i].score().negativeLogDensity();
                    differ += a != b ? 1 : 0;
                    worst = Math.max(worst, Math.abs(a - b) / Math.max(1.0, Math.abs(a)));
                }
            }
            System.out.println("float32 against float64 scores: worst relative difference " + worst + ", " + differ
                    + " differ");
            assertTrue(differ > 0, "the float32 filter's arithmetic is not the double one's");
            assertTrue(worst < 1e-2, "float32 moved a score by " + worst + " of it");
        }
    }

    private static LatentFilter initWithFieldPrecision(String precision) {
        String before = System.getProperty(FieldPrecision.PROPERTY);
        System.setProperty(FieldPrecision.PROPERTY, precision);
        try {
            return LatentFilter.init(ARTIFACT);
        } finally {
            if (before == null) {
                System.clearProperty(FieldPrecision.PROPERTY);
            } else {
                System.setProperty(FieldPrecision.PROPERTY, before);
            }
        }
    }

    private static double[] draw(SplittableRandom random) {
        return new double[] {10 + 3 * random.nextGaussian(), -2 + 0.5 * random.nextGaussian(), random.nextGaussian()};
    }

    private static void assertSameOutcome(BatchUpdater.Outcome want, BatchUpdater.Outcome got, String where) {
        if (want.failure() != null) {
            assertNotNull(got.failure(), where);
            assertEquals(want.failure().reason(), got.failure().reason(), where);
            return;
        }
        assertNull(got.failure(), where);
        assertEquals(want.next(), got.next(), where + ": the next state, bit for bit");
        if (want.score() == null) {
            assertNull(got.score(), where);
            return;
        }
        assertEquals(want.score().negativeLogDensity(), got.score().negativeLogDensity(), 0.0, where);
        assertArrayEquals(want.score().zScores(), got.score().zScores(), 0.0, where);
        assertArrayEquals(want.score().predictiveMeans(), got.score().predictiveMeans(), 0.0, where);
        assertEquals(want.score().observedChannels(), got.score().observedChannels(), where);
    }

    @Test
    void badInputIsRefusedAndAnUnknownBackendNamesTheOnesThere() {
        BatchUpdater updater = BatchBackend.named("java").updater(ARTIFACT, "cpu");
        LatentFilter filter = LatentFilter.init(ARTIFACT);
        FilterState state = filter.update(filter.start(0), 1_000, new double[] {10, -2, 0.5}, null);
        FilterState foreign = new FilterState("other", 3, 0, 0, new double[SPEC.hidden()]);
        IllegalArgumentException model = assertThrows(IllegalArgumentException.class, () -> updater.scoreAndUpdate(
                List.of(new ObservationUpdate(foreign, 1, new double[3], null, 0, 1))));
        assertTrue(model.getMessage().contains("re-encode"), model.getMessage());
        IllegalArgumentException older = assertThrows(IllegalArgumentException.class, () -> updater.scoreAndUpdate(
                List.of(new ObservationUpdate(state, 999, new double[3], null, 4, 1))));
        assertTrue(older.getMessage().contains("older than the filter state"), older.getMessage());
        IllegalArgumentException width = assertThrows(IllegalArgumentException.class, () -> updater.scoreAndUpdate(
                List.of(new ObservationUpdate(state, 2_000, new double[2], null, 0, 1))));
        assertTrue(width.getMessage().contains("3 channels"), width.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ObservationUpdate(state, 2_000, new double[3], null, -1, 1));
        assertEquals(0, updater.scoreAndUpdate(List.of()).length);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BatchBackend.named("nope"));
        assertTrue(e.getMessage().contains("'nope'") && e.getMessage().contains("java"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BatchBackend.named("java").updater(ARTIFACT, "gpu:0"));
    }
}
