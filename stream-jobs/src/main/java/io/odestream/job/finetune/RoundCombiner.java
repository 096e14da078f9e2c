package io.odestream.job.finetune;

import io.odestream.finetune.FineTuneRound;
import io.odestream.finetune.TrainingWindow;
import io.odestream.finetune.WindowReservoir;
import io.odestream.job.deploy.ModelDeployment;
import io.odestream.latent.LatentOdeModel;
import io.odestream.schema.ModelArtifact;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single subtask (keyed by a constant) that closes a data-parallel fine-tuning round: collects
 * the {@link ShardResult}s of a round, averages the parameters trained against the newest serving
 * version (weighted by training windows), judges the average against the serving model on its own
 * held-out windows ({@link FineTuneRound#decide}) and deploys it if it passes; emits one report
 * line per round.
 *
 * <p>A round is decided when all {@code trainers} shards reported, or {@link #waitAfterTick} after
 * the round's tick with what arrived (a slow or failed shard must not stall rounds); later results of a
 * decided round are dropped. The reservoir sees every window but only its held-out part is used
 * (the shards train on the rest); it is cleared after a round that trained. Pending results and
 * the reservoir live in memory: after a restart the rounds in flight are lost, the next ones go on.
 */
public final class RoundCombiner extends KeyedCoProcessFunction<Integer, TrainingWindow, ShardResult, String> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RoundCombiner.class);

    private final FineTuneSettings settings;
    private final ModelDeployment.Factory deploymentFactory;
    private transient WindowReservoir reservoir;
    private transient ModelDeployment deployment;
    private transient TreeMap<Long, List<ShardResult>> pending;
    private transient long lastDecided;
    private transient RoundOutcomes outcomes;

    public RoundCombiner(FineTuneSettings settings, ModelDeployment.Factory deploymentFactory) {
        if (settings == null || deploymentFactory == null) {
            throw new IllegalArgumentException("settings and deploymentFactory are required");
        }
        this.settings = settings;
        this.deploymentFactory = deploymentFactory;
    }

    @Override
    public void open(OpenContext context) {
        reservoir = new WindowReservoir(settings.reservoir());
        deployment = deploymentFactory.open();
        pending = new TreeMap<>();
        lastDecided = Long.MIN_VALUE;
        var metrics = getRuntimeContext().getMetricGroup();
        outcomes = new RoundOutcomes(metrics);
    }

    @Override
    public void processElement1(TrainingWindow window, Context ctx, Collector<String> out) {
        reservoir.offer(window);
    }

    @Override
    public void processElement2(ShardResult result, Context ctx, Collector<String> out) {
        if (result.roundId <= lastDecided) {
            LOG.warn("fine-tune round {} was decided already; dropping the late {}", result.roundId, result);
            return;
        }
        List<ShardResult> round = pending.computeIfAbsent(result.roundId, r -> new ArrayList<>());
        if (round.isEmpty()) {
            ctx.timerService().registerProcessingTimeTimer(result.roundId * settings.roundInterval().toMillis()
                    + waitAfterTick(settings));
        }
        round.add(result);
        if (round.size() >= settings.trainers()) {
            decide(result.roundId, out);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<String> out) {
        long interval = settings.roundInterval().toMillis();
        // Every pending round whose timeout has come (one timer per round; a decided round's is a no-op).
        while (!pending.isEmpty() && pending.firstKey() * interval + waitAfterTick(settings) <= timestamp) {
            decide(pending.firstKey(), out);
        }
    }

    /**
     * How long after a round's tick the combiner waits for missing shards: half an interval, but at
     * least the training budget and 5 s more, so a shard that uses its whole budget is not cut off.
     */
    static long waitAfterTick(FineTuneSettings settings) {
        long interval = settings.roundInterval().toMillis();
        return Math.max(interval / 2, settings.roundBudget().toMillis() + 5_000);
    }

    private void decide(long roundId, Collector<String> out) {
        List<ShardResult> results = pending.remove(roundId);
        lastDecided = Math.max(lastDecided, roundId);
        // Rounds older than this one can no longer complete in order: decide them with what they have.
        while (!pending.isEmpty() && pending.firstKey() < roundId) {
            long older = pending.firstKey();
            out.collect(RoundOutcomes.report(older, combine(older, pending.remove(older))));
        }
        out.collect(RoundOutcomes.report(roundId, combine(roundId, results)));
    }

    /** One round's decision; never throws (a failed round is reported and the next one tries again). */
    String combine(long roundId, List<ShardResult> results) {
        List<ShardResult> trained = new ArrayList<>();
        List<String> notTrained = new ArrayList<>();
        long newest = Long.MIN_VALUE;
        for (ShardResult r : results) {
            if (r.trained()) {
                trained.add(r);
                newest = Math.max(newest, r.servingVersion);
            } else {
                notTrained.add("shard " + r.shard + ": " + r.note);
            }
        }
        Collections.sort(notTrained);
        if (trained.isEmpty()) {
            return outcomes.skip("no shard trained" + (notTrained.isEmpty() ? "" : " (" + String.join("; ",
                    notTrained) + ")") + shards(results.size(), 0, 0));
        }
        List<ShardResult> current = new ArrayList<>();
        for (ShardResult r : trained) {
            if (r.servingVersion == newest) {
                current.add(r);
            } else {
                notTrained.add("shard " + r.shard + ": trained from v" + r.servingVersion + ", not the newest v"
                        + newest + " (dropped)");
            }
        }
        int windows = 0;
        for (ShardResult r : current) {
            windows += r.trainingWindows;
        }
        String stats = shards(results.size(), current.size(), windows)
                + (notTrained.isEmpty() ? "" : " (" + String.join("; ", notTrained) + ")");

        Optional<ModelArtifact> serving;
        long nextVersion;
        try {
            serving = deployment.serving();
            nextVersion = deployment.nextVersion();
        } catch (RuntimeException e) {
            return outcomes.skip("the registry could not be read: " + e.getMessage() + stats);
        }
        if (serving.isEmpty() || serving.get().getVersion() != newest) {
            return outcomes.skip("the shards trained from v" + newest + " but "
                    + serving.map(a -> "v" + a.getVersion()).orElse("no model") + " is served now" + stats);
        }
        ModelArtifact parent = serving.get();
        List<TrainingWindow> heldOut = reservoir.heldOutWindows();
        if (heldOut.size() < settings.minHeldOutWindows()) {
            // keep collecting held-out windows; the shards' training of this round is lost
            return outcomes.skip(String.format(Locale.ROOT, "%d held-out windows; a round needs at least %d%s",
                    heldOut.size(), settings.minHeldOutWindows(), stats));
        }
        FineTuneRound.Result result;
        try {
            LatentOdeModel candidate = LatentOdeModel.fromArtifact(parent);
            double[] values = candidate.parameters().values();
            double[] mean = weightedMean(current);
            if (mean.length != values.length) {
                throw new IllegalArgumentException("the shards' parameters have " + mean.length
                        + " values, the serving model " + values.length);
            }
            System.arraycopy(mean, 0, values, 0, values.length);
            candidate.parametersChanged();
            result = new FineTuneRound(settings.round(roundId)).decide(parent, candidate, heldOut,
                    Math.max(parent.getVersion() + 1, nextVersion), combined(mean, current, windows));
        } catch (RuntimeException e) {
            reservoir.clear(); // held-out windows the serving model cannot take would fail again
            return outcomes.reject("the round failed: " + e + stats);
        }
        reservoir.clear();
        // conclude() puts the result's reason first: the details follow it once
        String details = String.format(Locale.ROOT, " [v%d, %d iterations%s in %.1f s, %d held-out windows]",
                parent.getVersion(), result.iterations(), result.budgetSpent() ? " (budget spent)" : "",
                result.trainingSeconds(), result.heldOutWindows()) + stats;
        return outcomes.conclude(result, deployment, details);
    }

    private String shards(int reported, int trained, int windows) {
        return String.format(Locale.ROOT, " [%d shards: %d reported, %d trained, %d training windows]",
                settings.trainers(), reported, trained, windows);
    }

    /**
     * The mean of the shards' parameter vectors weighted by their training windows: each window
     * counts the same, as in one trainer's batch sampling over all of them.
     */
    static double[] weightedMean(List<ShardResult> results) {
        if (results.isEmpty()) {
            throw new IllegalArgumentException("results must hold at least one trained shard");
        }
        int n = results.get(0).parameters.length;
        double total = 0;
        for (ShardResult r : results) {
            if (r.parameters == null || r.parameters.length != n || r.trainingWindows < 1) {
                throw new IllegalArgumentException("every result needs " + n + " parameters and >= 1 training "
                        + "window; got " + r);
            }
            total += r.trainingWindows;
        }
        double[] mean = new double[n];
        for (ShardResult r : results) {
            double w = r.trainingWindows / total;
            for (int i = 0; i < n; i++) {
                mean[i] += w * r.parameters[i];
            }
        }
        return mean;
    }

    /** The shards' training as one: summed windows, the slowest shard's time, window-weighted loss. */
    private static FineTuneRound.Trained combined(double[] mean, List<ShardResult> shards, int windows) {
        int iterations = 0;
        double seconds = 0;
        double loss = 0;
        boolean budgetSpent = false;
        long from = Long.MAX_VALUE;
        long to = Long.MIN_VALUE;
        Set<String> series = new HashSet<>();
        for (ShardResult r : shards) {
            iterations = Math.max(iterations, r.iterations);
            seconds = Math.max(seconds, r.seconds);
            loss += r.trainLoss * r.trainingWindows / windows;
            budgetSpent |= r.budgetSpent;
            from = Math.min(from, r.dataFromMillis);
            to = Math.max(to, r.dataToMillis);
            if (r.seriesIds != null) {
                series.addAll(List.of(r.seriesIds));
            }
        }
        return new FineTuneRound.Trained(mean, iterations, loss, budgetSpent, seconds, null, windows, from, to,
                series);
    }


    @Override
    public void close() {
        if (deployment != null) {
            deployment.close();
        }
    }
}
