package io.odestream.finetune;

import io.odestream.latent.LatentFilter;
import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.LatentOdeTraining;
import io.odestream.schema.ModelArtifact;
import io.odestream.train.Trainer;
import io.odestream.train.TrainingDivergedException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * One fine-tuning round: from the serving model, train a candidate on the training windows
 * ({@link LatentOdeTraining#train}, Adam on the ELBO with adjoint gradients) for at most
 * {@code training.iterations()} iterations and at most {@code budget} of wall-clock time, then
 * judge it against the serving model on the held-out windows ({@link CandidateCheck}). A candidate
 * that passes becomes artifact version parent + 1 with the parent version, the metrics and the
 * lineage of the round. Its metrics name what they measure: the check's ELBO ({@value #HELD_OUT_ELBO},
 * with its β) and the forecasts of the candidate and of the serving version on the same held-out
 * windows ({@link ForecastMetrics}, the serving version's under {@link ForecastMetrics#PARENT}).
 */
public final class FineTuneRound {
    /** Metric key: the candidate check's held-out ELBO loss (β = {@value #ELBO_KL_WEIGHT}). */
    public static final String HELD_OUT_ELBO = "heldout_elbo_loss";
    /** Metric key: the KL weight β of that ELBO. */
    public static final String ELBO_KL_WEIGHT = "heldout_elbo_beta";
    /** Posterior samples per held-out forecast: the shadow evaluator's default. */
    static final int FORECAST_SAMPLES = 16;

    /** What a round decided. */
    public enum Decision {
        /** The candidate passed: publish {@link Result#candidate()}. */
        PUBLISH,
        /** The candidate was trained and failed the check (or training diverged): keep the serving model. */
        REJECT,
        /** Not enough windows for a round: nothing was trained. */
        SKIP
    }

    /**
     * @param training           windows (length, split), batch size, iterations, learning rate, β, seed
     * @param budget             wall-clock limit of the training (checked after every iteration)
     * @param check              margin and held-out evaluation
     * @param minTrainingWindows fewer training windows: skip the round
     * @param minHeldOutWindows  fewer held-out windows: skip the round (a check on a handful is noise)
     */
    public record Config(LatentOdeTraining.Config training, Duration budget, CandidateCheck.Config check,
                         int minTrainingWindows, int minHeldOutWindows) {
        public Config {
            if (training == null || budget == null || check == null) {
                throw new IllegalArgumentException("training, budget and check are required");
            }
            if (budget.isNegative() || budget.isZero()) {
                throw new IllegalArgumentException("budget must be a positive duration, got " + budget);
            }
            if (training.iterations() < 1 || training.batchSize() < 1) {
                throw new IllegalArgumentException("training.iterations and training.batchSize must be >= 1, got "
                        + training.iterations() + " and " + training.batchSize());
            }
            if (minTrainingWindows < 1 || minHeldOutWindows < 1) {
                throw new IllegalArgumentException("minTrainingWindows and minHeldOutWindows must be >= 1, got "
                        + minTrainingWindows + " and " + minHeldOutWindows);
            }
        }
    }

    /**
     * @param decision        what to do
     * @param reason          why, in words with the numbers
     * @param candidate       the artifact to publish (present only for {@link Decision#PUBLISH})
     * @param parentLoss      serving model's held-out loss (NaN when not measured)
     * @param candidateLoss   candidate's held-out loss (NaN when not measured)
     * @param trainLoss       mean training loss of the last tenth of the iterations (NaN when none)
     * @param iterations      iterations run
     * @param budgetSpent     whether training stopped on the wall-clock budget before its iterations
     * @param trainingSeconds time spent training
     * @param seconds         time of the whole round (training and check)
     * @param trainingWindows training windows available
     * @param heldOutWindows  held-out windows the check used
     */
    public record Result(Decision decision, String reason, Optional<ModelArtifact> candidate, double parentLoss,
                         double candidateLoss, double trainLoss, int iterations, boolean budgetSpent,
                         double trainingSeconds, double seconds, int trainingWindows, int heldOutWindows) {
        /** (parent − candidate) / |parent|. */
        public double improvement() {
            return (parentLoss - candidateLoss) / Math.abs(parentLoss);
        }

        /** Windows trained on per second: iterations × batch size / training time. */
        public double windowsPerSecond(int batchSize) {
            return iterations * (double) batchSize / Math.max(trainingSeconds, 1e-9);
        }
    }

    /**
     * What the training half of a round produced ({@link #train}).
     *
     * @param parameters      the trained parameters (the model's layout; owned by the caller)
     * @param iterations      iterations run
     * @param trainLoss       mean training loss of the last tenth of the iterations (NaN when none)
     * @param budgetSpent     whether training stopped on the wall-clock budget before its iterations
     * @param trainingSeconds time spent training
     * @param diverged        why training diverged, null when it did not
     * @param windows         training windows trained on
     * @param fromMillis      earliest training window start (epoch ms)
     * @param toMillis        latest training window end (epoch ms)
     * @param series          ids of the series trained on (for the lineage)
     */
    public record Trained(double[] parameters, int iterations, double trainLoss, boolean budgetSpent,
                          double trainingSeconds, String diverged, int windows, long fromMillis, long toMillis,
                          Set<String> series) {
        public Trained {
            if (parameters == null || series == null) {
                throw new IllegalArgumentException("parameters and series are required");
            }
            series = Set.copyOf(series);
        }
    }

    private final Config config;
    private final LongSupplier nanoClock;

    public FineTuneRound(Config config) {
        this(config, System::nanoTime);
    }

    /** With a clock for the budget (tests). */
    public FineTuneRound(Config config, LongSupplier nanoClock) {
        if (config == null || nanoClock == null) {
            throw new IllegalArgumentException("config and nanoClock are required");
        }
        this.config = config;
        this.nanoClock = nanoClock;
    }

    /** A round over the reservoir's current training and held-out windows. */
    public Result run(ModelArtifact serving, WindowReservoir reservoir) {
        return run(serving, reservoir.trainingWindows(), reservoir.heldOutWindows());
    }

    /** A round whose candidate, if published, is version serving + 1. */
    public Result run(ModelArtifact serving, List<TrainingWindow> trainingWindows, List<TrainingWindow> heldOut) {
        return run(serving, trainingWindows, heldOut, serving.getVersion() + 1);
    }

    /**
     * A round whose candidate, if published, is {@code version} (> the serving version: when newer
     * versions than the serving one exist, e.g. after a rollback, the next free one).
     */
    public Result run(ModelArtifact serving, List<TrainingWindow> trainingWindows, List<TrainingWindow> heldOut,
                      long version) {
        if (serving == null || trainingWindows == null || heldOut == null) {
            throw new IllegalArgumentException("serving, trainingWindows and heldOut are required");
        }
        if (version <= serving.getVersion()) {
            throw new IllegalArgumentException("the candidate's version must be above the serving version "
                    + serving.getVersion() + ", got " + version);
        }
        long start = nanoClock.getAsLong();
        LatentOdeTraining.Config tc = config.training();
        requireShape(trainingWindows, tc, "training");
        requireShape(heldOut, tc, "held-out");
        if (trainingWindows.size() < config.minTrainingWindows() || heldOut.size() < config.minHeldOutWindows()) {
            return new Result(Decision.SKIP, String.format(Locale.ROOT, "%d training and %d held-out windows; a round "
                            + "needs at least %d and %d", trainingWindows.size(), heldOut.size(),
                    config.minTrainingWindows(), config.minHeldOutWindows()), Optional.empty(), Double.NaN, Double.NaN,
                    Double.NaN, 0, false, 0, seconds(start), trainingWindows.size(), heldOut.size());
        }
        LatentOdeModel candidate = LatentOdeModel.fromArtifact(serving); // its own copy of the parameters
        Trained trained = train(candidate, trainingWindows, start);
        return decide(serving, candidate, heldOut, version, trained, start);
    }

    /**
     * The training half of a round (data-parallel trainers run it on their shard and a combiner
     * averages the results): trains a copy of {@code serving} on {@code windows} for at most the
     * config's iterations and budget. No minimum-window check: the caller decides when to train.
     */
    public Trained train(ModelArtifact serving, List<TrainingWindow> windows) {
        if (serving == null || windows == null || windows.isEmpty()) {
            throw new IllegalArgumentException("serving and a non-empty list of windows are required");
        }
        long start = nanoClock.getAsLong();
        requireShape(windows, config.training(), "training");
        return train(LatentOdeModel.fromArtifact(serving), windows, start);
    }

    /**
     * The checking half of a round: judges {@code candidate} (trained from {@code serving}, e.g.
     * the average of data-parallel trainers' parameters) against {@code serving} on
     * {@code heldOut}; a candidate that passes becomes artifact {@code version} with the metrics
     * and lineage of {@code trained}. A diverged training is a REJECT without a check.
     */
    public Result decide(ModelArtifact serving, LatentOdeModel candidate, List<TrainingWindow> heldOut, long version,
                         Trained trained) {
        if (serving == null || candidate == null || heldOut == null || trained == null) {
            throw new IllegalArgumentException("serving, candidate, heldOut and trained are required");
        }
        if (version <= serving.getVersion()) {
            throw new IllegalArgumentException("the candidate's version must be above the serving version "
                    + serving.getVersion() + ", got " + version);
        }
        requireShape(heldOut, config.training(), "held-out");
        // The round started when its training did: round_seconds covers training and check.
        return decide(serving, candidate, heldOut, version, trained,
                nanoClock.getAsLong() - (long) (trained.trainingSeconds() * 1e9));
    }

    private Trained train(LatentOdeModel candidate, List<TrainingWindow> trainingWindows, long start) {
        LatentOdeTraining.Config tc = config.training();
        List<LatentOdeTraining.Series> series = new ArrayList<>(trainingWindows.size());
        long from = Long.MAX_VALUE;
        long to = Long.MIN_VALUE;
        Set<String> ids = new HashSet<>();
        for (TrainingWindow w : trainingWindows) {
            series.add(w.asSeries());
            from = Math.min(from, w.startMillis());
            to = Math.max(to, w.endMillis());
            ids.add(w.seriesId());
        }
        BudgetListener budget = new BudgetListener(tc.iterations(), start + config.budget().toNanos());
        String diverged = null;
        long trainStart = nanoClock.getAsLong();
        try {
            LatentOdeTraining.train(candidate, series, tc, budget);
        } catch (BudgetSpent e) {
            // the budget ran out: the parameters hold the last completed step
        } catch (TrainingDivergedException e) {
            diverged = e.getMessage();
        }
        double trainingSeconds = (nanoClock.getAsLong() - trainStart) / 1e9;
        candidate.parametersChanged();
        return new Trained(candidate.parameters().values(), budget.completed, budget.tailMean(),
                diverged == null && budget.stopped, trainingSeconds, diverged, trainingWindows.size(), from, to, ids);
    }

    private Result decide(ModelArtifact serving, LatentOdeModel candidate, List<TrainingWindow> heldOut, long version,
                          Trained trained, long start) {
        int iterations = trained.iterations();
        double trainLoss = trained.trainLoss();
        double trainingSeconds = trained.trainingSeconds();
        if (trained.diverged() != null) {
            return new Result(Decision.REJECT, trained.diverged(), Optional.empty(), Double.NaN, Double.NaN, trainLoss,
                    iterations, false, trainingSeconds, seconds(start), trained.windows(), heldOut.size());
        }
        LatentOdeModel parent = LatentOdeModel.fromArtifact(serving);
        CandidateCheck.Verdict verdict = new CandidateCheck(config.check()).judge(parent, candidate, heldOut);
        double seconds = seconds(start);
        Optional<ModelArtifact> artifact = Optional.empty();
        if (verdict.publish()) {
            Map<String, Double> metrics = metrics(verdict, trainLoss, iterations, trainingSeconds, seconds,
                    trained.windows(), heldOut.size());
            metrics.putAll(forecast(candidate, serving.getModelId(), version, heldOut).asMetrics(""));
            metrics.putAll(forecast(parent, serving.getModelId(), serving.getVersion(), heldOut)
                    .asMetrics(ForecastMetrics.PARENT));
            artifact = Optional.of(candidate.toArtifact(serving.getModelId(), version,
                    serving.getVersion(), metrics, lineage(serving, trained, heldOut)));
        }
        return new Result(verdict.publish() ? Decision.PUBLISH : Decision.REJECT, verdict.reason(), artifact,
                verdict.parentLoss(), verdict.candidateLoss(), trainLoss, iterations, trained.budgetSpent(),
                trainingSeconds, seconds, trained.windows(), heldOut.size());
    }

    /**
     * The held-out forecast metrics of {@code model} ({@link HeldOutForecast}): the candidate and the
     * serving version on the same windows with the same samples, so that the registry compares them.
     */
    private ForecastMetrics forecast(LatentOdeModel model, String modelId, long version, List<TrainingWindow> heldOut) {
        return HeldOutForecast.of(new LatentFilter(model, modelId, version), heldOut, FORECAST_SAMPLES,
                config.check().seed());
    }

    private Map<String, Double> metrics(CandidateCheck.Verdict verdict, double trainLoss, int iterations,
                                        double trainingSeconds, double seconds, int trainingWindows, int heldOut) {
        Map<String, Double> m = new LinkedHashMap<>();
        // The check's objective, named as what it is: its value depends on β and the windows, so it
        // compares the two models of this round only, never versions across rounds or offline training.
        m.put(HELD_OUT_ELBO, verdict.candidateLoss());
        m.put(ForecastMetrics.PARENT + HELD_OUT_ELBO, verdict.parentLoss());
        m.put(ELBO_KL_WEIGHT, config.check().klWeight());
        m.put("train_loss", trainLoss);
        m.put("iterations", (double) iterations);
        m.put("training_seconds", trainingSeconds);
        m.put("round_seconds", seconds);
        m.put("training_windows", (double) trainingWindows);
        m.put("held_out_windows", (double) heldOut);
        m.put("training_windows_per_second",
                iterations * (double) config.training().batchSize() / Math.max(trainingSeconds, 1e-9));
        return m;
    }

    private Map<String, String> lineage(ModelArtifact serving, Trained trained, List<TrainingWindow> heldOut) {
        long from = trained.windows() == 0 ? Long.MAX_VALUE : trained.fromMillis();
        long to = trained.windows() == 0 ? Long.MIN_VALUE : trained.toMillis();
        Set<String> series = new HashSet<>(trained.series());
        for (TrainingWindow w : heldOut) {
            from = Math.min(from, w.startMillis());
            to = Math.max(to, w.endMillis());
            series.add(w.seriesId());
        }
        int iterations = trained.iterations();
        boolean budgetStopped = trained.budgetSpent();
        LatentOdeTraining.Config tc = config.training();
        Map<String, String> l = new LinkedHashMap<>();
        l.put("trainer", FineTuneRound.class.getName());
        l.put("parent_version", Long.toString(serving.getVersion()));
        l.put("parent_checksum", serving.getChecksum());
        l.put("data_from", Instant.ofEpochMilli(from).toString());
        l.put("data_to", Instant.ofEpochMilli(to).toString());
        l.put("series", Integer.toString(series.size()));
        l.put("training_windows", Integer.toString(trained.windows()));
        l.put("held_out_windows", Integer.toString(heldOut.size()));
        l.put("training", String.format(Locale.ROOT, "window %d, split %d, batch %d, %d of %d iterations%s, lr %.3g, "
                        + "kl weight %.3g, seed %d", tc.windowLength(), tc.split(), tc.batchSize(), iterations,
                tc.iterations(), budgetStopped ? " (wall-clock budget " + config.budget() + " spent)" : "",
                tc.learningRate(), tc.klWeight(), tc.seed()));
        l.put("check", String.format(Locale.ROOT, "margin %.3g, %d noise samples, seed %d", config.check().margin(),
                config.check().samples(), config.check().seed()));
        return l;
    }

    private static void requireShape(List<TrainingWindow> windows, LatentOdeTraining.Config tc, String what) {
        for (TrainingWindow w : windows) {
            if (w.length() != tc.windowLength() || w.split() != tc.split()) {
                throw new IllegalArgumentException(what + " " + w + " does not match the training config (window "
                        + tc.windowLength() + ", split " + tc.split() + "); cut windows with the round's config");
            }
        }
    }

    private double seconds(long startNanos) {
        return (nanoClock.getAsLong() - startNanos) / 1e9;
    }

    /**
     * Thrown from the progress listener to end training when the budget is spent: the
     * {@link Trainer} has no stop hook, and the listener runs after each step, so the parameters
     * are left at a completed step. No stack trace: it is control flow, not an error.
     */
    private static final class BudgetSpent extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BudgetSpent() {
            super("fine-tuning budget spent", null, false, false);
        }
    }

    /** Records the losses and stops training once the deadline has passed. */
    private final class BudgetListener implements Trainer.ProgressListener {
        private final double[] losses;
        private final long deadlineNanos;
        int completed;
        boolean stopped;

        BudgetListener(int iterations, long deadlineNanos) {
            this.losses = new double[iterations];
            this.deadlineNanos = deadlineNanos;
        }

        @Override
        public void report(Trainer.Progress progress) {
            losses[progress.iteration()] = progress.loss();
            completed = progress.iteration() + 1;
            if (completed < losses.length && nanoClock.getAsLong() - deadlineNanos >= 0) {
                stopped = true;
                throw new BudgetSpent();
            }
        }

        /** Mean loss of the last tenth of the completed iterations (one minibatch's loss is noisy). */
        double tailMean() {
            if (completed == 0) {
                return Double.NaN;
            }
            int n = Math.max(1, completed / 10);
            double sum = 0;
            for (int i = completed - n; i < completed; i++) {
                sum += losses[i];
            }
            return sum / n;
        }
    }
}
