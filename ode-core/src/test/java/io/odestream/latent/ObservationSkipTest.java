package io.odestream.latent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.model.InvalidArtifactException;
import io.odestream.model.ModelArtifacts;
import io.odestream.schema.ModelArtifact;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The observation skip as the job serves it ({@link LatentFilter#predict}, {@link PredictiveSummary#served}):
 * what a model artifact carries, what an artifact without one still does, and the skip's arithmetic
 * on the filter state's last observed values.
 */
class ObservationSkipTest {
    private static final long SECOND = 1_000L;
    private static final long[] EDGES = {2 * SECOND, 10 * SECOND};
    private static final LatentOdeSpec SPEC = LatentOdeSpec.of(2, 3, 5, new int[] {7}, new int[] {6}, 1_000.0)
            .withNormalisation(new double[] {10, -3}, new double[] {2, 0.5}).withHorizon(60.0);
    private static final long T0 = 1_700_000_000_000L;

    private static FilterState observed(LatentFilter filter) {
        FilterState state = filter.start(T0);
        state = filter.update(state, T0, new double[] {11, Double.NaN}, null);
        return filter.update(state, T0 + 3 * SECOND, new double[] {9.5, Double.NaN}, null);
    }

    /** A skip of channel-independent coefficients {a, b, c} in every bin, spread 0.25. */
    private static ObservationSkip uniform(double a, double b, double c) {
        int bins = EDGES.length + 2;
        double[][][] beta = new double[2][bins][];
        double[][] spread = new double[2][bins];
        for (int j = 0; j < 2; j++) {
            for (int bin = 0; bin < bins; bin++) {
                beta[j][bin] = new double[] {a, b, c};
                spread[j][bin] = 0.25;
            }
        }
        return new ObservationSkip(EDGES, new double[] {10, -3}, beta, spread);
    }

    @Test
    void ageBinsFollowTheirEdgesAndANeverObservedChannelHasItsOwn() {
        ObservationSkip skip = uniform(1, 0, 0);
        assertEquals(3, skip.neverBin());
        assertEquals(3, skip.bin(-1));
        assertEquals(3, skip.bin(T0, Long.MIN_VALUE));
        assertEquals(0, skip.bin(0));
        assertEquals(0, skip.bin(2 * SECOND));
        assertEquals(1, skip.bin(2 * SECOND + 1));
        assertEquals(1, skip.bin(10 * SECOND));
        assertEquals(2, skip.bin(10 * SECOND + 1));
        assertEquals(0, skip.bin(T0 - 5, T0), "a query before the observation reads as age 0");
    }

    @Test
    void withAEqualToOneAndBAndCZeroTheServedForecastIsTheLastObservedValue() {
        LatentOdeModel model = LatentOdeModel.create(SPEC, 4).withSkip(uniform(1, 0, 0));
        LatentFilter filter = new LatentFilter(model, "m", 1);
        FilterState state = observed(filter);
        long[] times = {state.timeMillis() + SECOND, state.timeMillis() + 30 * SECOND};

        Prediction p = filter.predict(state, times, 8, 3);

        for (int i = 0; i < times.length; i++) {
            assertTrue(p.answered(i));
            assertEquals(9.5, p.mean()[i][0], 0.0, "channel 0's last value, however old");
            assertEquals(-3, p.mean()[i][1], 0.0, "channel 1 was never observed: its fallback, the training mean");
            assertEquals(0.25, p.std()[i][0], 0.0);
            assertEquals(9.5 - 1.6448536269514722 * 0.25, p.q05()[i][0], 1e-12);
            assertEquals(9.5, p.q50()[i][0], 0.0);
            assertEquals(9.5 + 1.6448536269514722 * 0.25, p.q95()[i][0], 1e-12);
        }
        // the served CDF is the skip's Gaussian: its median is the last value
        assertEquals(0.5, filter.predictiveCdf(state, times[0], new double[] {9.5, -3}, 8, 3)[0], 1e-12);
    }

    @Test
    void theSkipCombinesLastValueModelAndConstantPerChannelAndAge() {
        LatentOdeModel plain = LatentOdeModel.create(SPEC, 4);
        LatentFilter alone = new LatentFilter(plain, "m", 1);
        LatentFilter skipped = new LatentFilter(plain.withSkip(uniform(0.5, 0.25, 1.0)), "m", 1);
        FilterState state = observed(alone);
        long[] times = {state.timeMillis() + 5 * SECOND};

        Prediction model = alone.predict(state, times, 8, 3);
        Prediction served = skipped.predict(state, times, 8, 3);

        assertEquals(0.5 * 9.5 + 0.25 * model.mean()[0][0] + 1.0, served.mean()[0][0], 1e-12);
        assertEquals(0.5 * -3 + 0.25 * model.mean()[0][1] + 1.0, served.mean()[0][1], 1e-12);
    }

    @Test
    void anArtifactWithoutASkipLoadsAndIsServedTheModelsOwnMixtureAsBefore(@TempDir Path dir) throws Exception {
        LatentOdeModel model = LatentOdeModel.create(SPEC, 4);
        Path file = dir.resolve("old.avro");
        ModelArtifacts.write(model.toArtifact("m", 1, null, Map.of(), Map.of()), file);
        ModelArtifact artifact = ModelArtifacts.read(file);
        assertFalse(artifact.getSpecJson().contains("skip"), "a spec without a skip is written as before: "
                + artifact.getSpecJson());
        LatentFilter filter = LatentFilter.init(artifact);
        assertNull(filter.model().spec().skip());
        FilterState state = observed(filter);
        long t = state.timeMillis() + 5 * SECOND;

        Prediction p = filter.predict(state, new long[] {t}, 8, 3);

        // the mixture's mean, as the scoring path computes it from the same samples
        double[] mixtureMeans = filter.score(state, t, new double[] {1, 1}, null, 8, 3).predictiveMeans();
        assertArrayEquals(mixtureMeans, p.mean()[0], 1e-12);
        assertTrue(Math.abs(p.mean()[0][0] - 9.5) > 1e-6, "not the last value: the model alone");
    }

    @Test
    void theSkipTravelsInTheArtifactAndIsServedFromIt(@TempDir Path dir) throws Exception {
        ObservationSkip skip = uniform(0.5, 0.25, 1.0);
        LatentOdeModel model = LatentOdeModel.create(SPEC, 4).withSkip(skip);
        Path file = dir.resolve("skip.avro");
        ModelArtifacts.write(model.toArtifact("m", 2, null, Map.of(), Map.of()), file);

        LatentFilter reloaded = LatentFilter.init(ModelArtifacts.read(file));

        assertEquals(skip, reloaded.model().spec().skip());
        assertEquals(model.spec(), reloaded.model().spec());
        LatentFilter original = new LatentFilter(model, "m", 2);
        FilterState state = observed(original);
        long[] times = {state.timeMillis() + 5 * SECOND};
        assertArrayEquals(original.predict(state, times, 8, 3).mean()[0],
                reloaded.predict(observed(reloaded), times, 8, 3).mean()[0], 0.0);
    }

    @Test
    void aStateKeptBeforeLastValuesIsServedTheModelAloneUntilItsNextUpdate() {
        LatentOdeModel plain = LatentOdeModel.create(SPEC, 4);
        LatentFilter alone = new LatentFilter(plain, "m", 1);
        LatentFilter skipped = new LatentFilter(plain.withSkip(uniform(1, 0, 0)), "m", 1);
        FilterState known = observed(skipped);
        FilterState restored = new FilterState("m", 1, known.originMillis(), known.timeMillis(), known.hidden());
        long[] times = {known.timeMillis() + 5 * SECOND};

        assertFalse(restored.knowsLastValues());
        assertArrayEquals(alone.predict(known, times, 8, 3).mean()[0], skipped.predict(restored, times, 8, 3).mean()[0],
                0.0);
        FilterState next = skipped.update(restored, known.timeMillis() + SECOND, new double[] {12, -2}, null);
        assertTrue(next.knowsLastValues());
        assertArrayEquals(new double[] {12, -2}, skipped.predict(next, times, 8, 3).mean()[0], 0.0);
    }

    @Test
    void theFilterStateRemembersEachChannelsLastObservedValueAndWhen() {
        LatentFilter filter = new LatentFilter(LatentOdeModel.create(SPEC, 4), "m", 1);
        FilterState state = filter.start(T0);
        assertArrayEquals(new double[] {Double.NaN, Double.NaN}, state.lastValues(), 0.0);
        state = filter.update(state, T0, new double[] {11, 1}, null);
        state = filter.update(state, T0 + SECOND, new double[] {Double.POSITIVE_INFINITY, 2}, null);
        state = filter.update(state, T0 + 2 * SECOND, new double[] {13, 3}, new boolean[] {true, false});

        assertArrayEquals(new double[] {13, 2}, state.lastValues(), 0.0, "non-finite and masked values are not kept");
        assertArrayEquals(new long[] {T0 + 2 * SECOND, T0 + SECOND}, state.lastObservedMillis());
    }

    @Test
    void aSkipOfTheWrongShapeIsRefusedWithTheReason() {
        ObservationSkip twoChannels = uniform(1, 0, 0);
        InvalidArtifactException width = assertThrows(InvalidArtifactException.class,
                () -> LatentOdeSpec.of(3, 3, 5, new int[] {7}, new int[] {6}, 1_000.0).withSkip(twoChannels));
        assertTrue(width.getMessage().contains("2 channels but the model has 3"), width.getMessage());
        IllegalArgumentException spread = assertThrows(IllegalArgumentException.class, () -> new ObservationSkip(
                EDGES, new double[] {0}, new double[][][] {{{1, 0, 0}, {1, 0, 0}, {1, 0, 0}, {1, 0, 0}}},
                new double[][] {{1, 1, 0, 1}}));
        assertTrue(spread.getMessage().contains("spread 0.0"), spread.getMessage());
        String json = LatentOdeModel.create(SPEC, 4).withSkip(twoChannels).spec().toJson()
                .replace("\"fallback\":[10.0,-3.0]", "\"fallback\":[10.0]");
        InvalidArtifactException bad = assertThrows(InvalidArtifactException.class, () -> LatentOdeSpec.fromJson(json));
        assertTrue(bad.getMessage().contains("one entry per channel"), bad.getMessage());
    }

    @Test
    void odestreamTrainScalesTheAgeBinsByTheTrainingDatasMedianGap() {
        List<LatentOdeTraining.Series> series = List.of(
                new LatentOdeTraining.Series(new long[] {0, 1_000, 2_000, 5_000}, new double[4][2]),
                new LatentOdeTraining.Series(new long[] {0, 1_000}, new double[2][2]));
        assertArrayEquals(new long[] {1_000, 2_000, 4_000, 8_000, 16_000}, SkipFitting.binEdges(series));
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> SkipFitting.binEdges(
                List.of(new LatentOdeTraining.Series(new long[] {0}, new double[1][2]))));
        assertTrue(none.getMessage().contains("no series has two observations"), none.getMessage());
    }

    @Test
    void theCheckTrainPrintsMeasuresTheServedPathWithALastValueSkipAsLastValue() {
        LatentFilter filter = new LatentFilter(LatentOdeModel.create(SPEC, 4), "m", 1);
        List<LatentOdeTraining.Series> series = List.of(new LatentOdeTraining.Series(
                new long[] {T0, T0 + SECOND, T0 + 4 * SECOND, T0 + 30 * SECOND},
                new double[][] {{11, Double.NaN}, {9, -2.5}, {Double.NaN, -3.5}, {12, -2}}));

        SkipFitting.OneStepErrors errors = SkipFitting.compare(filter, ObservationSkip.lastValue(EDGES,
                SPEC.channelMean()), series, 8, 3);

        assertEquals(5, errors.values(), "every observed value after the first observation");
        assertEquals(errors.lastValue(), errors.withSkip(), 1e-12);
        // by hand, in training std: (9−11)/2, (−2.5−(−3))/0.5, (−3.5−(−2.5))/0.5, (12−9)/2, (−2−(−3.5))/0.5
        assertEquals((1 + 1 + 4 + 2.25 + 9) / 5, errors.lastValue(), 1e-12);
        assertTrue(Double.isFinite(errors.modelAlone()) && errors.modelAlone() != errors.lastValue());
    }
}
