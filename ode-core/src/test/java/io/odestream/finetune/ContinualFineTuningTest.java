package io.odestream.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.LatentOdeTraining;
import io.odestream.schema.ModelArtifact;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Continual learning of one series' model on a noisy sine stream, from an untrained model: rounds
 * run every period and no earlier, a candidate that passes its check becomes the serving model, one
 * that does not leaves the serving model in place, and a period too short to fill a round keeps its
 * windows for the next. The tiny model of {@link FineTuneRoundTest} and a few iterations keep it fast.
 */
class ContinualFineTuningTest {
    static final int LENGTH = FineTuneRoundTest.TRAINING.windowLength();
    static final LatentOdeTraining.Config TRAINING = new LatentOdeTraining.Config(LENGTH,
            FineTuneRoundTest.TRAINING.split(), 8, 30, 0.02, 0.1, 3);
    /** Rows between rounds: 12 windows of 8 rows. */
    static final int PERIOD = 12 * LENGTH;

    @Test
    void aRoundRunsEveryPeriodAndItsPassingCandidateServesTheRowsAfterIt() {
        ModelArtifact initial = untrained();
        ContinualFineTuning learner = new ContinualFineTuning(config(PERIOD, 0.0, 6, 2), "s", 1, initial);
        double[] x = new double[1];
        for (int i = 0; i < PERIOD - 1; i++) {
            x[0] = sine(i);
            assertNull(learner.offer(time(i), x), "no round before the period's end, row " + i);
        }
        assertEquals(0, learner.rounds());
        x[0] = sine(PERIOD - 1);
        ModelArtifact refreshed = learner.offer(time(PERIOD - 1), x);

        assertNotNull(refreshed, "an untrained model is beaten on the sine's held-out windows");
        assertEquals(1, learner.rounds());
        assertEquals(1, learner.published());
        assertSame(refreshed, learner.serving());
        assertEquals(initial.getVersion() + 1, refreshed.getVersion());
        assertEquals(initial.getVersion(), refreshed.getParentVersion());
        // the next round starts from the refreshed model and from the rows after the first round only
        for (int i = PERIOD; i < 2 * PERIOD - 1; i++) {
            x[0] = sine(i);
            assertNull(learner.offer(time(i), x), "row " + i);
        }
        assertEquals(1, learner.rounds());
    }

    @Test
    void thePrequentialGuardRefusesACandidateWhoseServedScoresAreWorseThoughItsHeldOutElboIsBetter() {
        ModelArtifact initial = untrained();
        ContinualFineTuning unguarded = new ContinualFineTuning(config(PERIOD, 0.0, 6, 2), "s", 1, initial);
        ContinualFineTuning guarded = new ContinualFineTuning(config(PERIOD, 0.0, 6, 2, true, 2), "s", 1, initial);
        long[] times = new long[PERIOD];
        double[] values = new double[PERIOD];
        double[] x = new double[1];
        ModelArtifact candidate = null;
        for (int i = 0; i < PERIOD; i++) {
            times[i] = time(i);
            values[i] = sine(i);
            x[0] = values[i];
            candidate = unguarded.offer(times[i], x);
            assertNull(guarded.offer(times[i], x), "row " + i);
        }
        assertNotNull(candidate, "without the guard the candidate passes the held-out check");
        assertEquals(1, guarded.rounds());
        assertEquals(0, guarded.published());
        assertSame(initial, guarded.serving());
        // the same candidate (same windows, seeds and training), run over the period's rows as one filter
        double serving = PrequentialScore.mean(LatentOdeModel.fromArtifact(initial), times, values, 1, PERIOD, LENGTH,
                2, 21);
        double refused = PrequentialScore.mean(LatentOdeModel.fromArtifact(candidate), times, values, 1, PERIOD, LENGTH,
                2, 21);
        assertTrue(refused > serving, "mean one-step score of the period's rows: candidate " + refused + ", serving "
                + serving);
    }

    @Test
    void aCandidateThatIsNotBetterByTheMarginLeavesTheServingModel() {
        ModelArtifact initial = untrained();
        // a margin of 99 % of the serving loss: no 30-iteration candidate can pass it
        ContinualFineTuning learner = new ContinualFineTuning(config(PERIOD, 0.99, 6, 2), "s", 1, initial);
        double[] x = new double[1];
        for (int i = 0; i < PERIOD; i++) {
            x[0] = sine(i);
            assertNull(learner.offer(time(i), x), "row " + i);
        }
        assertEquals(1, learner.rounds(), "the round was trained and checked");
        assertEquals(0, learner.published());
        assertSame(initial, learner.serving());
    }

    @Test
    void aPeriodTooShortForARoundKeepsItsWindowsForTheNext() {
        // 3 windows a period; a round needs 5 training windows and 1 held-out one
        ContinualFineTuning learner = new ContinualFineTuning(config(3 * LENGTH, 0.0, 5, 1), "s", 1, untrained());
        double[] x = new double[1];
        int rows = 0;
        while (learner.rounds() == 0 && rows < 40 * LENGTH) {
            x[0] = sine(rows);
            learner.offer(time(rows), x);
            rows++;
        }
        assertEquals(1, learner.rounds(), "windows of skipped periods add up to a round");
        assertTrue(rows > 3 * LENGTH, "the first period alone is too short: round after " + rows + " rows");
        assertEquals(0, rows % (3 * LENGTH), "rounds fall on period ends: " + rows);
    }

    @Test
    void rememberedRowsAndEarlierPeriodsFeedEveryRoundUnlessOnlyRecentRowsCount() {
        // one window a period: a round can only run on windows remembered or kept from earlier periods
        for (boolean recentOnly : new boolean[] {false, true}) {
            ContinualFineTuning learner = new ContinualFineTuning(config(LENGTH, 0.0, 6, 2, recentOnly, 0), "s", 1,
                    untrained());
            double[] x = new double[1];
            int row = 0;
            for (; row < 16 * LENGTH; row++) { // the rows the initial model was fitted on
                x[0] = sine(row);
                learner.remember(time(row), x);
            }
            assertEquals(0, learner.rounds(), "remembered rows do not count toward a period");
            for (int end = row + 2 * LENGTH; row < end; row++) {
                x[0] = sine(row);
                learner.offer(time(row), x);
            }
            assertEquals(recentOnly ? 1 : 2, learner.rounds(), recentOnly
                    ? "the first round took the remembered windows, the second period's one window is too few"
                    : "both rounds train on every window kept since the start");
        }
    }

    @Test
    void aConfigWithoutAPeriodIsRejected() {
        ContinualFineTuning.Config valid = config(100, 0.0, 8, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ContinualFineTuning.Config(0, LENGTH, true, valid.reservoir(), valid.round(), 0));
        assertTrue(e.getMessage().contains("roundEvery"), e.getMessage());
    }

    static ContinualFineTuning.Config config(int roundEvery, double margin, int minTraining, int minHeldOut) {
        return config(roundEvery, margin, minTraining, minHeldOut, true, 0);
    }

    static ContinualFineTuning.Config config(int roundEvery, double margin, int minTraining, int minHeldOut,
                                             boolean recentOnly, int prequentialSamples) {
        int windows = roundEvery / LENGTH + 64;
        WindowReservoir.Config reservoir = new WindowReservoir.Config(windows, windows, windows, 0.25, 11);
        FineTuneRound.Config round = new FineTuneRound.Config(TRAINING, Duration.ofMinutes(5),
                new CandidateCheck.Config(margin, 0.1, 2, 21), minTraining, minHeldOut);
        return new ContinualFineTuning.Config(roundEvery, LENGTH, recentOnly, reservoir, round, prequentialSamples);
    }

    static ModelArtifact untrained() {
        return LatentOdeModel.create(FineTuneRoundTest.SPEC, 5).toArtifact("s", 1, null, Map.of(), Map.of());
    }

    /** One row every 0.5 s (the model's time unit is 1 s), a sine of period 8 s. */
    static long time(int i) {
        return FineTuneRoundTest.START + 500L * i;
    }

    static double sine(int i) {
        return 1.5 * Math.sin(2 * Math.PI * i / 16.0) + 0.05 * Math.cos(7.3 * i);
    }
}
