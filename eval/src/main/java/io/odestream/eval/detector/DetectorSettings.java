package io.odestream.eval.detector;

import io.odestream.alert.AlertPolicy;
import io.odestream.finetune.CandidateCheck;
import io.odestream.finetune.ContinualFineTuning;
import io.odestream.finetune.FineTuneRound;
import io.odestream.finetune.WindowReservoir;
import io.odestream.latent.LatentOdeTraining;
import java.time.Duration;

/**
 * One set of hyper-parameters for {@link LatentOdeDetector}, the same for every series (NAB's
 * rule: no per-file tuning). What is derived from a series' own fit rows is normalisation, not
 * tuning: the channel mean and std and the model time unit (the median gap between rows).
 *
 * @param latent          latent state size L
 * @param hidden          encoder (filter) state size H
 * @param dynamicsHidden  hidden width of the encoder and decoder dynamics networks (one layer each)
 * @param windowLength    observations per training window
 * @param split           context observations of a training window (the rest is predicted)
 * @param batchSize       windows per training iteration
 * @param iterations      Adam iterations of the per-series fit
 * @param learningRate    initial Adam rate (decays tenfold over the fit)
 * @param klWeight        β of the ELBO's KL term
 * @param samples         posterior samples of the predictive density per scored row
 * @param maxGapSteps     gaps longer than this many typical steps are shortened to it (see LatentOdeDetector.modelClock)
 * @param rtol            solver relative tolerance (absolute: rtol / 100, in normalised units)
 * @param policy          calibration of the raw score and hysteresis (one incident, one alert)
 * @param seed            model initialisation, training windows and predictive samples
 * @param seasonal        how the model is told of the time of day and week (a seasonal baseline fitted
 *                        on the fit rows, then learned online from each row once it is scored); null: not
 */
public record DetectorSettings(int latent, int hidden, int dynamicsHidden, int windowLength, int split,
                               int batchSize, int iterations, double learningRate, double klWeight, int samples,
                               int maxGapSteps, double rtol, AlertPolicy policy, long seed,
                               Seasonality seasonal) {

    /** Settings without a seasonal baseline: the model sees the values themselves. */
    public DetectorSettings(int latent, int hidden, int dynamicsHidden, int windowLength, int split, int batchSize,
                            int iterations, double learningRate, double klWeight, int samples, int maxGapSteps,
                            double rtol, AlertPolicy policy, long seed) {
        this(latent, hidden, dynamicsHidden, windowLength, split, batchSize, iterations, learningRate, klWeight,
                samples, maxGapSteps, rtol, policy, seed, null);
    }

    public DetectorSettings {
        positive("latent", latent);
        positive("hidden", hidden);
        positive("dynamicsHidden", dynamicsHidden);
        positive("batchSize", batchSize);
        positive("iterations", iterations);
        positive("samples", samples);
        positive("maxGapSteps", maxGapSteps);
        if (windowLength < 2 || split < 1 || split >= windowLength) {
            throw new IllegalArgumentException("windowLength must be >= 2 and split in [1, windowLength): got windowLength "
                    + windowLength + ", split " + split + " (split = context rows, the rest of a window is predicted)");
        }
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be a finite number > 0, got " + learningRate);
        }
        if (!(klWeight >= 0) || !Double.isFinite(klWeight)) {
            throw new IllegalArgumentException("klWeight must be a finite number >= 0, got " + klWeight);
        }
        if (!(rtol > 0 && rtol < 1)) {
            throw new IllegalArgumentException("rtol must be in (0, 1), got " + rtol);
        }
        if (policy == null) {
            throw new IllegalArgumentException("policy is required (AlertPolicy.defaults() or your own)");
        }
    }

    /**
     * How many recent scores (and values) calibrate the next in the NAB runs: 8640, a month at NAB's
     * 5-minute cadence, the historic window of HTM's anomaly likelihood (Ahmad et al. 2017), taken as
     * it is, not fitted to NAB. Why a month and not the product's default 1000 (3.5 days): a series'
     * ordinary bursts recur over days and weeks, and a surprise the series has already shown in the
     * last month is less of one; with 3.5 days each burst is judged against a history that forgot the
     * last. docs/RESULTS.md, "Calibration window", has the measurement (other lengths included).
     */
    public static final int NAB_CALIBRATION_WINDOW = 8640;

    /** The seed of {@link #defaults()}: the detector's since its first run (docs/RESULTS.md has others). */
    public static final long DEFAULT_SEED = 7;

    /**
     * The settings the NAB figures in docs/RESULTS.md were measured with: a small latent ODE (L = 4,
     * H = 12, one hidden layer of 24) fitted in 150 Adam iterations from a learning rate of 0.03 on
     * windows of 12 rows (8 context, 4 predicted), 16 posterior samples per score, solver rtol 1e-3,
     * gaps capped at 12 steps; and {@link #nabPolicy()}. The rate: at 0.01 (until 2026-12-08) the fit
     * had not converged in its 150 steps, and which label windows a series' model found depended on
     * its seed (the standard figure spread 1.5 points over nine seeds with the noise started at the
     * data, 0.8 at 0.03; docs/RESULTS.md, "The noise the fit starts from").
     */
    public static DetectorSettings defaults() {
        return new DetectorSettings(4, 12, 24, 12, 8, 16, 150, 0.03, 1.0, 16, 12, 1e-3, nabPolicy(), DEFAULT_SEED);
    }

    /**
     * The alert policy of the NAB runs: an 8640-score window ({@link #NAB_CALIBRATION_WINDOW}), an
     * exponential tail on its top 25 (so p resolves below 1/1000), alerts at p ≤ 0.001, normal again at
     * p > 0.01 for 4 hours of event time (NAB's series mostly tick every 5 minutes: ~50 rows). No
     * warm-up rule is needed: the fit rows (≥ 168 of them on NAB) fill the calibration sample before
     * the first scored row. Multi-scale over 30 scores (a change of pattern over ~2.5 hours at NAB's 5
     * minutes is caught though no single row is extreme) and the product's escalation (a larger
     * surprise inside an open incident raises again), and the value-level test (a value outside the
     * series' last 8640, which the filter may already have followed); docs/RESULTS.md has the ablation.
     */
    public static AlertPolicy nabPolicy() {
        return new AlertPolicy(NAB_CALIBRATION_WINDOW, 100, 0.001, Double.POSITIVE_INFINITY, 0.01, 4 * 3_600_000L,
                Double.NEGATIVE_INFINITY, 25).withShortWindow(30)
                .withEscalationNats(AlertPolicy.DEFAULT_ESCALATION_NATS).withValueLevel(true);
    }

    /**
     * Continual learning for this detector's per-series models, with the fine-tuning job's pieces:
     * every {@code roundEvery} rows a round of {@code iterations} Adam steps (a third of the fit's rate)
     * from the serving model on disjoint windows of this detector's shape, a fifth of them held out;
     * the candidate replaces the serving model only when its held-out ELBO is lower (margin 0, 4 noise
     * draws). The windows are those of the rows since the last round ({@code recentOnly}, the
     * fine-tuning job's way) or a uniform sample of every window since the first row, fit rows
     * included. A round needs a batch of training windows and 4 held-out ones; the windows of a
     * shorter period wait for the next. No wall-clock budget: the iterations decide, so the result
     * does not depend on the machine's load.
     */
    public ContinualFineTuning.Config continualLearning(int roundEvery, int iterations, boolean recentOnly,
                                                        boolean prequential) {
        LatentOdeTraining.Config training = new LatentOdeTraining.Config(windowLength, split, batchSize, iterations,
                learningRate / 3, klWeight, seed);
        // room for two periods' windows, so that a skipped period's windows count in the next round
        int windows = 2 * Math.max(batchSize, roundEvery / windowLength);
        WindowReservoir.Config reservoir = new WindowReservoir.Config(windows, windows, Math.max(4, windows / 4), 0.2,
                seed);
        FineTuneRound.Config round = new FineTuneRound.Config(training, Duration.ofDays(1),
                new CandidateCheck.Config(0.0, klWeight, 4, seed), batchSize, 4);
        return new ContinualFineTuning.Config(roundEvery, windowLength, recentOnly, reservoir, round,
                prequential ? 4 : 0);
    }

    /**
     * These settings with another seed: each series' model is initialised, trained and scored from
     * it. The NAB figure moves by several points from one seed to another (docs/RESULTS.md, "How much
     * of the figure is the fit's seed"), so a change is judged over several.
     */
    public DetectorSettings withSeed(long newSeed) {
        return new DetectorSettings(latent, hidden, dynamicsHidden, windowLength, split, batchSize, iterations,
                learningRate, klWeight, samples, maxGapSteps, rtol, policy, newSeed, seasonal);
    }

    /** These settings with {@code config} as the seasonality (null: none). */
    public DetectorSettings withSeasonal(Seasonality config) {
        return new DetectorSettings(latent, hidden, dynamicsHidden, windowLength, split, batchSize, iterations,
                learningRate, klWeight, samples, maxGapSteps, rtol, policy, seed, config);
    }

    LatentOdeTraining.Config trainingConfig() {
        return new LatentOdeTraining.Config(windowLength, split, batchSize, iterations, learningRate, klWeight, seed);
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + value);
        }
    }
}
