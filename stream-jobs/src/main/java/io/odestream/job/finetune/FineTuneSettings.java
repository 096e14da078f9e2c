package io.odestream.job.finetune;

import io.odestream.finetune.CandidateCheck;
import io.odestream.finetune.FineTuneRound;
import io.odestream.finetune.WindowReservoir;
import io.odestream.latent.LatentOdeTraining;
import java.io.Serializable;
import java.time.Duration;

/**
 * What the fine-tuning job's operators do (serialisable: it travels inside them).
 *
 * @param windowLength       observations per training window
 * @param split              context observations of a window (the rest is the horizon)
 * @param stride             a window starts every this many observations of a series; at least
 *                           windowLength keeps windows disjoint, so a held-out window shares no
 *                           observation with a training window
 * @param batchSize          windows per training iteration
 * @param iterations         training iterations per round at most
 * @param learningRate       Adam's initial rate (small: the round starts from a trained model)
 * @param klWeight           β of the ELBO's KL term (the serving model's training β)
 * @param roundBudget        wall-clock limit of a round's training, so a round never falls behind for long
 * @param roundInterval      processing time between two rounds
 * @param margin             relative held-out improvement a candidate needs to be published
 * @param evaluationSamples  noise draws per held-out window
 * @param capacity           training windows kept at most
 * @param perSeriesCap       windows kept per series at most
 * @param heldOutCapacity    held-out windows kept at most
 * @param heldOutFraction    share of windows held out
 * @param minTrainingWindows fewer and the round is skipped
 * @param minHeldOutWindows  fewer and the round is skipped
 * @param seed               sampling, training and evaluation noise (varied per round)
 * @param trainers           training subtasks: 1 = one trainer ({@link FineTuneTrainer}); more = data-parallel
 *                           shards ({@link ShardTrainer}) whose parameters a {@link RoundCombiner} averages
 * @param everyWindows       also start a round once this many new windows arrived since the last one
 *                           (0 = on the time schedule only; one trainer only: shards round on aligned ticks)
 */
public record FineTuneSettings(int windowLength, int split, int stride, int batchSize, int iterations,
                               double learningRate, double klWeight, Duration roundBudget, Duration roundInterval,
                               double margin, int evaluationSamples, int capacity, int perSeriesCap,
                               int heldOutCapacity, double heldOutFraction, int minTrainingWindows,
                               int minHeldOutWindows, long seed, int trainers, int everyWindows)
        implements Serializable {
    /** The defaults' minimums of a round (fewer windows and the round is skipped, saying so), for --help too. */
    public static final int MIN_TRAINING_WINDOWS = 64;
    public static final int MIN_HELD_OUT_WINDOWS = 16;
    /** The defaults' share of windows held out for the candidate check, in percent. */
    public static final int HELD_OUT_PERCENT = 20;

    public FineTuneSettings {
        if (stride < 1) {
            throw new IllegalArgumentException("stride must be >= 1 observation, got " + stride);
        }
        if (trainers < 1) {
            throw new IllegalArgumentException("trainers must be >= 1 (1 = a single trainer subtask), got "
                    + trainers);
        }
        if (everyWindows < 0 || everyWindows > 0 && trainers > 1) {
            throw new IllegalArgumentException("everyWindows must be >= 0 (0 = rounds on the time schedule only), and "
                    + "needs a single trainer (data-parallel rounds run on aligned wall-clock ticks), got "
                    + everyWindows + " with " + trainers + " trainers");
        }
        if (roundInterval == null || roundInterval.toMillis() < 1) {
            throw new IllegalArgumentException("roundInterval must be a positive duration, got " + roundInterval);
        }
        // The rest is checked by the ode-core configs they build: fail here, at job build time, not in a task.
        // (The record's fields are not assigned yet inside this constructor: build them from the parameters.)
        new WindowReservoir.Config(capacity, perSeriesCap, heldOutCapacity, heldOutFraction, seed);
        roundConfig(windowLength, split, batchSize, iterations, learningRate, klWeight, roundBudget, margin,
                evaluationSamples, minTrainingWindows, minHeldOutWindows, seed, 0);
    }

    /**
     * The demo model's windows (16 observations, 10 of context, disjoint), 200 iterations at rate 0.005 per
     * round within 60 s, every 5 minutes, 5 % margin; 512 training and 64 held-out windows, at most
     * 32 per series, a fifth held out; one trainer subtask.
     */
    public static FineTuneSettings defaults() {
        return new FineTuneSettings(16, 10, 16, 16, 200, 0.005, 0.1, Duration.ofSeconds(60), Duration.ofMinutes(5),
                0.05, 2, 512, 32, 64, HELD_OUT_PERCENT / 100.0, MIN_TRAINING_WINDOWS, MIN_HELD_OUT_WINDOWS, 20240601L,
                1, 0);
    }

    /**
     * About how many windows must arrive before a round can train: enough that the held-out share
     * reaches {@link #minHeldOutWindows()} and the rest {@link #minTrainingWindows()} (80 by default).
     */
    public int windowsForARound() {
        return (int) Math.ceil(Math.max(minTrainingWindows / (1 - heldOutFraction),
                minHeldOutWindows / heldOutFraction) - 1e-9);
    }

    public WindowReservoir.Config reservoir() {
        return new WindowReservoir.Config(capacity, perSeriesCap, heldOutCapacity, heldOutFraction, seed);
    }

    /** Round {@code n}'s configuration: fresh training noise each round, the same held-out noise. */
    public FineTuneRound.Config round(long n) {
        return roundConfig(windowLength, split, batchSize, iterations, learningRate, klWeight, roundBudget, margin,
                evaluationSamples, minTrainingWindows, minHeldOutWindows, seed, n);
    }

    private static FineTuneRound.Config roundConfig(int windowLength, int split, int batchSize, int iterations,
                                                    double learningRate, double klWeight, Duration budget,
                                                    double margin, int samples, int minTraining, int minHeldOut,
                                                    long seed, long n) {
        if (split < 1 || split >= windowLength) {
            throw new IllegalArgumentException("split must leave at least one context and one horizon observation: "
                    + "split " + split + " of windowLength " + windowLength);
        }
        LatentOdeTraining.Config training = new LatentOdeTraining.Config(windowLength, split, batchSize, iterations,
                learningRate, klWeight, seed + 1 + n);
        return new FineTuneRound.Config(training, budget, new CandidateCheck.Config(margin, klWeight, samples, seed),
                minTraining, minHeldOut);
    }

    public FineTuneSettings withRounds(Duration interval, Duration budget, int iterationsPerRound) {
        return new FineTuneSettings(windowLength, split, stride, batchSize, iterationsPerRound, learningRate, klWeight,
                budget, interval, margin, evaluationSamples, capacity, perSeriesCap, heldOutCapacity, heldOutFraction,
                minTrainingWindows, minHeldOutWindows, seed, trainers, everyWindows);
    }

    public FineTuneSettings withMargin(double value) {
        return new FineTuneSettings(windowLength, split, stride, batchSize, iterations, learningRate, klWeight,
                roundBudget, roundInterval, value, evaluationSamples, capacity, perSeriesCap, heldOutCapacity,
                heldOutFraction, minTrainingWindows, minHeldOutWindows, seed, trainers, everyWindows);
    }

    public FineTuneSettings withMinimumWindows(int training, int heldOut) {
        return new FineTuneSettings(windowLength, split, stride, batchSize, iterations, learningRate, klWeight,
                roundBudget, roundInterval, margin, evaluationSamples, capacity, perSeriesCap, heldOutCapacity,
                heldOutFraction, training, heldOut, seed, trainers, everyWindows);
    }

    /** Also a round once {@code count} new windows arrived since the last round (0 = time schedule only). */
    public FineTuneSettings withRoundEveryWindows(int count) {
        return new FineTuneSettings(windowLength, split, stride, batchSize, iterations, learningRate, klWeight,
                roundBudget, roundInterval, margin, evaluationSamples, capacity, perSeriesCap, heldOutCapacity,
                heldOutFraction, minTrainingWindows, minHeldOutWindows, seed, trainers, count);
    }

    /** {@code count} training subtasks (data-parallel with parameter averaging when above 1). */
    public FineTuneSettings withTrainers(int count) {
        return new FineTuneSettings(windowLength, split, stride, batchSize, iterations, learningRate, klWeight,
                roundBudget, roundInterval, margin, evaluationSamples, capacity, perSeriesCap, heldOutCapacity,
                heldOutFraction, minTrainingWindows, minHeldOutWindows, seed, count, everyWindows);
    }
}
