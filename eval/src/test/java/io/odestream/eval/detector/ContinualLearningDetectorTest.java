package io.odestream.eval.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.finetune.ContinualFineTuning;
import io.odestream.finetune.FineTuneRound;
import io.odestream.finetune.WindowReservoir;
import io.odestream.latent.ScoreMode;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The detector with continual learning on a series whose pattern drifts after its fit rows (the
 * sine's period halves and its level rises): fine-tuned on the rows since the last round (the
 * fine-tuning job's way), the model follows the drift where the frozen one cannot; the refreshed
 * models only ever learn from rows already scored, and nothing changes before the first refreshed
 * model serves.
 */
class ContinualLearningDetectorTest {
    static final int ROWS = 450;
    static final int FIT = 150;
    static final int DRIFT = 200;
    static final int EVERY = 100;
    static final DetectorSettings FAST = LatentOdeDetectorTest.FAST;
    static final ContinualFineTuning.Config LEARNING = shortSeries(FAST.continualLearning(EVERY, 20, true, false));
    static final LatentOdeDetector DETECTOR = new LatentOdeDetector(FAST).withScoreMode(ScoreMode.MONTE_CARLO);
    static long[] times;
    static double[] values;
    static DetectorOutput frozen;
    static DetectorOutput learning;

    @BeforeAll
    static void runBoth() {
        times = new long[ROWS];
        values = new double[ROWS];
        Random random = new Random(9);
        for (int i = 0; i < ROWS; i++) {
            times[i] = 1_600_000_000_000L + i * LatentOdeDetectorTest.STEP;
            double period = i < DRIFT ? 96.0 : 48.0;
            double level = i < DRIFT ? 10 : 13;
            values[i] = level + 3 * Math.sin(2 * Math.PI * i / period) + 0.2 * random.nextGaussian();
        }
        // Monte Carlo: the claim below was established on its density. Under the sigma-point score (the
        // default) the fine-tuned model's last 100 rows score worse on this case, 2.58 nats against the
        // frozen model's 2.38 (docs/RESULTS.md, "Continual learning"); continual learning is off by default.
        frozen = DETECTOR.run(times, values, FIT);
        learning = DETECTOR.withContinualLearning(LEARNING).run(times, values, FIT);
    }

    @Test
    void theFineTunedModelFollowsTheDriftBetterThanTheFrozenOne() {
        assertEquals(0, frozen.fineTuningRounds());
        assertTrue(learning.fineTuningRounds() >= 1, "rounds: " + learning.fineTuningRounds());
        assertTrue(learning.modelSwaps() >= 1, "at least one candidate passed its check");
        double frozenMean = mean(frozen.rawScore(), ROWS - 100, ROWS);
        double learningMean = mean(learning.rawScore(), ROWS - 100, ROWS);
        assertTrue(learningMean < frozenMean, "mean negative log density of the last 100 rows: fine-tuned "
                + learningMean + ", frozen " + frozenMean);
    }

    @Test
    void rowsBeforeTheFirstRoundAreScoredAsWithoutLearning() {
        for (int i = 0; i < FIT + EVERY; i++) {
            assertEquals(frozen.rawScore()[i], learning.rawScore()[i], "raw score of row " + i);
            assertEquals(frozen.anomalyScore()[i], learning.anomalyScore()[i], "anomaly score of row " + i);
        }
    }

    @Test
    void refreshedModelsLearnOnlyFromRowsAlreadyScored() {
        int changedFrom = 380; // after the period ends at rows 250 and 350
        int rows = changedFrom + 20;
        double[] changedFuture = Arrays.copyOf(values, rows);
        for (int i = changedFrom; i < rows; i++) {
            changedFuture[i] = -changedFuture[i] * 5;
        }
        DetectorOutput other = DETECTOR.withContinualLearning(LEARNING)
                .run(Arrays.copyOf(times, rows), changedFuture, FIT);
        for (int i = 0; i < changedFrom; i++) {
            assertEquals(learning.rawScore()[i], other.rawScore()[i], "raw score of row " + i);
            assertEquals(learning.anomalyScore()[i], other.anomalyScore()[i], "anomaly score of row " + i);
        }
    }

    /**
     * The detector's continual learning with a third of the windows held out and rounds from 2 held-out
     * windows: a period of 100 rows cuts only 8 windows, too few for the shipped fifth and minimum of 4.
     */
    private static ContinualFineTuning.Config shortSeries(ContinualFineTuning.Config shipped) {
        WindowReservoir.Config r = shipped.reservoir();
        FineTuneRound.Config round = shipped.round();
        return new ContinualFineTuning.Config(shipped.roundEvery(), shipped.stride(), shipped.recentOnly(),
                new WindowReservoir.Config(r.capacity(), r.perSeriesCap(), r.heldOutCapacity(), 1.0 / 3, r.seed()),
                new FineTuneRound.Config(round.training(), round.budget(), round.check(), round.minTrainingWindows(), 2),
                shipped.prequentialSamples());
    }

    private static double mean(double[] xs, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += xs[i];
        }
        return sum / (to - from);
    }
}
