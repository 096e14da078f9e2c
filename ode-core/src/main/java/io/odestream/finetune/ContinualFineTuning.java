package io.odestream.finetune;

import io.odestream.latent.LatentOdeModel;
import io.odestream.schema.ModelArtifact;

/**
 * Fine-tuning of one series' model as its stream goes (continual learning): every observation is
 * cut into training windows ({@link WindowCutter}) that fill a {@link WindowReservoir}; every
 * {@code roundEvery} observations a {@link FineTuneRound} trains a candidate from the serving model
 * on the reservoir's windows and the {@link CandidateCheck} judges it on the held-out ones. A
 * candidate that passes becomes the serving model and is handed back to the caller, which scores
 * the observations that follow with it.
 *
 * <p>Which windows a round sees: with {@code recentOnly} the reservoir is cleared after every round,
 * as the fine-tuning job's trainers clear theirs, so each round learns and is checked on the stretch
 * just seen; otherwise the reservoir keeps a uniform sample of every window since the start (the
 * rows the initial model was fitted on included, {@link #remember}), so a candidate is also checked
 * on the series' earlier behaviour. On NAB the first lets a candidate fitted to a quiet stretch
 * collapse its noise and pass a check on equally quiet windows; with the second, candidates still
 * pass whose scores blow up over the thousands of rows the detector's filter runs them for: the
 * check judges 12-row windows from a fresh start, not the served one-step scores (docs/RESULTS.md,
 * NAB: neither way pays there; the prequential guard, {@code prequentialSamples}, checks what is served).
 *
 * <p>Strictly online: a round sees only observations already offered, and the caller offers an
 * observation after it has been scored. Not thread-safe (one per series).
 */
public final class ContinualFineTuning {

    /**
     * @param roundEvery observations between rounds, >= 1 (the first round after that many as well)
     * @param stride     observations between training window starts (the window length: disjoint
     *                   windows, so the held-out ones share no observation with the training ones)
     * @param recentOnly whether a round forgets the windows of earlier periods (see the class comment)
     * @param reservoir  the windows kept for a round (capacity, held-out share, seed)
     * @param round      a round's training (window length and split, iterations, rate), budget and check
     * @param prequentialSamples 0: the round's check decides; otherwise a candidate that passed it must
     *                   also score the period's rows, run as one filter, no worse on average than the
     *                   serving model ({@link PrequentialScore}, this many posterior samples a row)
     */
    public record Config(int roundEvery, int stride, boolean recentOnly, WindowReservoir.Config reservoir,
                         FineTuneRound.Config round, int prequentialSamples) {
        public Config {
            if (prequentialSamples < 0) {
                throw new IllegalArgumentException("prequentialSamples must be >= 0 (0 = off), got " + prequentialSamples);
            }
            if (roundEvery < 1 || stride < 1) {
                throw new IllegalArgumentException("roundEvery and stride must be >= 1 observation, got " + roundEvery
                        + " and " + stride);
            }
            if (reservoir == null || round == null) {
                throw new IllegalArgumentException("reservoir and round configs are required");
            }
        }
    }

    private final Config config;
    private final WindowCutter cutter;
    private final WindowReservoir reservoir;
    private final FineTuneRound round;
    private final int channels;
    // The period's rows, for the prequential check: times and row-major values, `sinceRound` of them.
    private final long[] periodTimes;
    private final double[] periodValues;
    private ModelArtifact serving;
    private int sinceRound;
    private int rounds;
    private int published;

    /**
     * @param seriesId the series (names its windows)
     * @param channels values per observation
     * @param initial  the model serving when the stream starts (e.g. fitted on its first rows)
     */
    public ContinualFineTuning(Config config, String seriesId, int channels, ModelArtifact initial) {
        if (config == null || initial == null) {
            throw new IllegalArgumentException("config and the initial model are required");
        }
        this.config = config;
        int length = config.round().training().windowLength();
        this.cutter = new WindowCutter(seriesId, channels, length, config.round().training().split(), config.stride());
        this.reservoir = new WindowReservoir(config.reservoir());
        this.round = new FineTuneRound(config.round());
        this.serving = initial;
        this.channels = channels;
        boolean prequential = config.prequentialSamples() > 0;
        this.periodTimes = new long[prequential ? config.roundEvery() : 0];
        this.periodValues = new double[prequential ? config.roundEvery() * channels : 0];
    }

    /**
     * Takes an observation already scored (epoch or model milliseconds, values in data units, NaN =
     * missing) and, when it completes a period, runs a round: the new serving model when its
     * candidate passed the check, null otherwise (no round, skipped, or rejected: the serving model
     * stays).
     */
    public ModelArtifact offer(long timeMillis, double[] values) {
        remember(timeMillis, values);
        if (periodTimes.length > 0) {
            periodTimes[sinceRound] = timeMillis;
            System.arraycopy(values, 0, periodValues, sinceRound * channels, channels);
        }
        if (++sinceRound < config.roundEvery()) {
            return null;
        }
        sinceRound = 0;
        FineTuneRound.Result result = round.run(serving, reservoir);
        if (result.decision() == FineTuneRound.Decision.SKIP) {
            return null; // too few windows yet: keep them for the next period
        }
        rounds++;
        if (config.recentOnly()) {
            reservoir.clear();
        }
        if (result.decision() != FineTuneRound.Decision.PUBLISH) {
            return null;
        }
        ModelArtifact candidate = result.candidate().orElseThrow();
        if (periodTimes.length > 0 && !servesNoWorse(candidate)) {
            return null;
        }
        published++;
        serving = candidate;
        return serving;
    }

    /** Whether the candidate's one-step scores of the period's rows are on average no worse than the serving model's. */
    private boolean servesNoWorse(ModelArtifact candidate) {
        int warmUp = config.round().training().windowLength();
        long seed = config.round().check().seed();
        int rows = config.roundEvery();
        double current = PrequentialScore.mean(LatentOdeModel.fromArtifact(serving), periodTimes, periodValues,
                channels, rows, warmUp, config.prequentialSamples(), seed);
        double next = PrequentialScore.mean(LatentOdeModel.fromArtifact(candidate), periodTimes, periodValues,
                channels, rows, warmUp, config.prequentialSamples(), seed);
        return next <= current || (Double.isNaN(current) && Double.isNaN(next));
    }

    /**
     * Keeps an observation's windows for later rounds without counting it toward a period: the rows
     * the initial model was fitted on, offered before the stream's first scored row.
     */
    public void remember(long timeMillis, double[] values) {
        TrainingWindow window = cutter.offer(timeMillis, values);
        if (window != null) {
            reservoir.offer(window);
        }
    }

    /** The model serving now: the initial one or the last candidate that passed. */
    public ModelArtifact serving() {
        return serving;
    }

    /** Rounds trained and checked so far (skipped ones not counted). */
    public int rounds() {
        return rounds;
    }

    /** Rounds whose candidate passed the check and replaced the serving model. */
    public int published() {
        return published;
    }
}
