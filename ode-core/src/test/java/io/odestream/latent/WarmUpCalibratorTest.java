package io.odestream.latent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.alert.AgeBuckets;
import io.odestream.alert.AlertPolicy;
import io.odestream.alert.WarmUpMoments;
import io.odestream.alert.WarmUpThresholds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Measuring the warm-up calibration a model ships: every kind of score the job serves without a
 * residual scorer, per age bucket and over all ages, the same twice, scores of a jump left out, and
 * nothing for a one-channel model.
 */
class WarmUpCalibratorTest {
    private static final MonitorSettings SETTINGS = new MonitorSettings(AlertPolicy.defaults(), 4, 4, 16);
    private static final int SERIES = 12;
    private static final int EVENTS = 9;

    private static LatentOdeModel model(int channels) {
        return LatentOdeModel.create(LatentOdeSpec.of(channels, 3, 6, new int[] {8}, new int[] {8}, 1000.0), 5);
    }

    /** Smooth series of two channels, channel 1 missing at every third event; series 0 jumps at its sixth. */
    private static List<LatentOdeTraining.Series> series(int channels) {
        return series(channels, SERIES);
    }

    private static List<LatentOdeTraining.Series> series(int channels, int count) {
        Random random = new Random(8);
        List<LatentOdeTraining.Series> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            long[] t = new long[EVENTS];
            double[][] x = new double[EVENTS][channels];
            for (int i = 0; i < EVENTS; i++) {
                t[i] = 1_000L * i + random.nextInt(300);
                for (int j = 0; j < channels; j++) {
                    x[i][j] = j == 1 && i % 3 == 2 ? Double.NaN
                            : Math.sin(i / 4.0 + k + j) + 0.05 * random.nextGaussian() + (k == 0 && i == 5 ? 1e3 : 0);
                }
            }
            out.add(new LatentOdeTraining.Series(t, x));
        }
        return out;
    }

    @Test
    void everyKindOfScoreIsMeasuredPerAgeBucketAndOverAllAges() {
        WarmUpCalibration c = WarmUpCalibrator.measure(model(2), series(2), SETTINGS);
        for (ScoreMode mode : WarmUpCalibrator.SCORE_MODES) {
            WarmUpMoments m = c.momentsFor(mode);
            assertNotNull(m, mode.name());
            assertEquals(AgeBuckets.DEFAULT, m.buckets());
            // every series is scored from its second event: one age-0 score each, one age-1 score each
            assertTrue(m.bucket(0).count(0, 0) <= SERIES && m.bucket(0).count(0, 0) >= SERIES - 2,
                    mode + ": age 0 holds about one score per series, " + m.bucket(0).count(0, 0));
            assertTrue(m.bucket(1).count(0, 0) <= SERIES, mode + ": age 1");
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 2; j++) {
                    long sum = 0;
                    for (int b = 0; b < m.buckets().count(); b++) {
                        sum += m.bucket(b).count(i, j);
                    }
                    assertEquals(m.allAges().count(i, j), sum, mode + ": the buckets split the all-ages events");
                }
            }
            assertTrue(m.allAges().count(0, 1) < m.allAges().count(0, 0), mode + ": channel 1 is missing at times");
            assertTrue(m.allAges().count(0, 0) < SERIES * (EVENTS - 1),
                    mode + ": the jump's score is not ordinary: not pooled");
            assertTrue(m.allAges().moment(0, 0) > 0 && m.allAges().moment(0, 0) < 9, mode + ": "
                    + m.allAges().moment(0, 0));
        }
    }

    @Test
    void everyKindOfScoreShipsItsThresholdsWithTheEventsTheyAreOver() {
        // 126 series of 8 scores: 1 008 warm-up scores in all, 126 at age 0, 252 at ages 2-3, 504 from 4 on
        int count = 126;
        WarmUpCalibration c = WarmUpCalibrator.measure(model(2), series(2, count), SETTINGS);
        String json = model(2).spec().withWarmUp(c).toJson();
        for (ScoreMode mode : WarmUpCalibrator.SCORE_MODES) {
            WarmUpThresholds t = c.thresholdsFor(mode);
            assertNotNull(t, mode.name());
            assertEquals(WarmUpCalibrator.FALSE_ALARM_RATE, t.falseAlarmRate());
            assertTrue(t.allAges() >= WarmUpThresholds.FLOOR && Double.isFinite(t.allAges()),
                    mode + ": over 1 008 scores, the all-ages threshold " + t.allAges());
            for (int b = 0; b < AgeBuckets.DEFAULT.count(); b++) {
                assertTrue(Double.isNaN(t.bucket(b)), mode + ": no bucket has 1 000 scores");
            }
        }
        assertTrue(json.contains("\"allAges\":{\"z\":"), json);
        assertTrue(json.contains("\"byAge\":[{\"events\":126},{\"events\":126},{\"events\":252},"
                + "{\"events\":504}]"), "every score is counted, the jump's too: " + json);
        assertTrue(json.contains("\"events\":1008}"), json);
    }

    @Test
    void theThresholdsAreTakenAtTheRateOverTheScoresJudgedAsTheJobJudgesThem() {
        // all ages: one sample of 1 008 judged z; its quantile at the rate, recomputed by judging under the shipped
        // moments what a monitor serving them scores
        int count = 126;
        List<LatentOdeTraining.Series> series = series(2, count);
        WarmUpCalibration c = WarmUpCalibrator.measure(model(2), series, SETTINGS);
        WarmUpCalibration momentsOnly = WarmUpCalibration.of(AgeBuckets.DEFAULT, Map.of(ScoreMode.SIGMA_POINTS,
                c.momentsFor(ScoreMode.SIGMA_POINTS)));
        double[] judged = new double[2_000];
        int n = 0;
        SeriesMonitor monitor = new SeriesMonitor(SETTINGS);
        LatentFilter filter = new LatentFilter(model(2).withWarmUp(momentsOnly), "q", 1);
        io.odestream.alert.ConditionalZ conditional = new io.odestream.alert.ConditionalZ(2);
        WarmUpMoments m = c.momentsFor(ScoreMode.SIGMA_POINTS);
        for (int k = 0; k < count; k++) {
            InMemorySeries s = new InMemorySeries(SETTINGS.alertPolicy().newTrack());
            LatentOdeTraining.Series one = series.get(k);
            for (int i = 0; i < one.timesMillis().length; i++) {
                double[] x = one.values()[i].clone();
                boolean[] observed = new boolean[2];
                for (int j = 0; j < 2; j++) {
                    observed[j] = !Double.isNaN(x[j]);
                    x[j] = observed[j] ? x[j] : 0;
                }
                int age = s.alerts().size;
                SeriesMonitor.Verdict v = monitor.step(s, filter, one.timesMillis()[i], x, observed, 0);
                if (v.score() != null) {
                    double z = m.judged(conditional, v.score().zScores(), age);
                    judged[n++] = Double.isNaN(z) ? SeriesMonitor.maxAbsZ(v.score().zScores()) : z;
                }
            }
        }
        assertEquals(1_008, n);
        double recomputed = WarmUpThresholds.quantile(judged, n, WarmUpCalibrator.FALSE_ALARM_RATE);
        double shipped = c.thresholdsFor(ScoreMode.SIGMA_POINTS).allAges();
        assertEquals(recomputed, shipped, 1e-12, "the scores of a monitor serving the shipped moments, at the rate");
        assertTrue(shipped > WarmUpThresholds.FLOOR, "precondition: the floor did not decide, " + shipped);
    }

    @Test
    void theSameSeriesGiveTheSameCalibration() {
        LatentOdeSpec first = model(2).spec().withWarmUp(WarmUpCalibrator.measure(model(2), series(2), SETTINGS));
        LatentOdeSpec second = model(2).spec().withWarmUp(WarmUpCalibrator.measure(model(2), series(2), SETTINGS));
        assertEquals(first.toJson(), second.toJson());
    }

    @Test
    void aCalibrationTheModelShipsAlreadyDoesNotChangeWhatIsMeasured() {
        LatentOdeModel bare = model(2);
        WarmUpCalibration measured = WarmUpCalibrator.measure(bare, series(2), SETTINGS);
        LatentOdeModel shipping = bare.withWarmUp(SeriesMonitorShippedWarmUpTest.independent(0.01));
        assertEquals(bare.spec().withWarmUp(measured).toJson(),
                bare.spec().withWarmUp(WarmUpCalibrator.measure(shipping, series(2), SETTINGS)).toJson());
    }

    @Test
    void aOneChannelModelHasNothingToConditionOn() {
        assertNull(WarmUpCalibrator.measure(model(1), series(1), SETTINGS));
    }

    @Test
    void seriesOfOneObservationGiveNoScoreToMeasure() {
        List<LatentOdeTraining.Series> single = List.of(new LatentOdeTraining.Series(new long[] {5},
                new double[][] {{1, 2}}));
        assertNull(WarmUpCalibrator.measure(model(2), single, SETTINGS));
        assertNull(WarmUpCalibrator.measure(model(2), List.of(), SETTINGS));
    }

}
