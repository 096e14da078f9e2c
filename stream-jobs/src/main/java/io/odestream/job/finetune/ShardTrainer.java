package io.odestream.job.finetune;

import io.odestream.finetune.FineTuneRound;
import io.odestream.finetune.TrainingWindow;
import io.odestream.finetune.WindowReservoir;
import io.odestream.job.deploy.ModelDeployment;
import io.odestream.latent.LatentOdeTraining;
import io.odestream.schema.ModelArtifact;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shard of data-parallel fine-tuning (keyed by the shard's key: {@link #shardOf} the series id,
 * routed by {@link FineTuneJob} through {@link #routingKeys} so shards get subtasks of their own): keeps
 * the training windows of its series in a {@link WindowReservoir} and, at every round tick, trains
 * a copy of the model served now on them ({@link FineTuneRound#train}) and emits the parameters as
 * a {@link ShardResult} for the {@link RoundCombiner}, which averages the shards and checks the
 * result on held-out windows. Held-out windows (the same hash everywhere) are never trained on here.
 *
 * <p>Ticks are multiples of {@code roundInterval} of processing time, so every shard's round id
 * (tick / interval) is the same without coordination. Reservoirs live in memory per shard key (a
 * subtask may own several shards); after a restart they refill from the stream. A shard's reservoir
 * is cleared after a round in which it trained.
 */
public final class ShardTrainer extends KeyedProcessFunction<Integer, TrainingWindow, ShardResult> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ShardTrainer.class);

    private final FineTuneSettings settings;
    private final ModelDeployment.Factory deploymentFactory;
    private transient Map<Integer, WindowReservoir> reservoirs;
    private transient ModelDeployment deployment;
    private transient ValueState<Long> nextTick;

    public ShardTrainer(FineTuneSettings settings, ModelDeployment.Factory deploymentFactory) {
        if (settings == null || deploymentFactory == null) {
            throw new IllegalArgumentException("settings and deploymentFactory are required");
        }
        this.settings = settings;
        this.deploymentFactory = deploymentFactory;
    }

    /**
     * The shard of a series among {@code shards}: a mix of {@link String#hashCode} (specified by the
     * JDK, so the same on every machine and run) so neighbouring ids spread out.
     */
    public static int shardOf(String seriesId, int shards) {
        if (seriesId == null || shards < 1) {
            throw new IllegalArgumentException("seriesId is required and shards must be >= 1, got " + shards);
        }
        long z = seriesId.hashCode() * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 31)) * 0xBF58476D1CE4E5B9L;
        return (int) Math.floorMod(z ^ (z >>> 29), (long) shards);
    }

    /**
     * One Flink key per shard such that a {@code shards}-parallel operator with
     * {@code maxParallelism} key groups gets each shard on its own subtask: keying by the shard
     * number itself hashes P keys onto P subtasks and often puts two shards on one subtask, which
     * then trains them one after the other and doubles the round. Key i is the smallest integer
     * that Flink's key-group assignment sends to subtask i.
     */
    public static int[] routingKeys(int shards, int maxParallelism) {
        if (shards < 1 || maxParallelism < shards) {
            throw new IllegalArgumentException("shards must be >= 1 and maxParallelism >= shards, got " + shards
                    + " and " + maxParallelism);
        }
        int[] keys = new int[shards];
        Arrays.fill(keys, -1);
        int found = 0;
        // Every subtask owns at least one key group and every key group some small integers: this ends.
        for (int key = 0; found < shards; key++) {
            int subtask = KeyGroupRangeAssignment.assignKeyToParallelOperator(key, maxParallelism, shards);
            if (keys[subtask] < 0) {
                keys[subtask] = key;
                found++;
            }
        }
        return keys;
    }

    /** The first round tick after {@code nowMillis}: the next multiple of {@code intervalMillis}. */
    static long nextTick(long nowMillis, long intervalMillis) {
        return Math.floorDiv(nowMillis, intervalMillis) * intervalMillis + intervalMillis;
    }

    /** Training windows a shard needs to train: its share of the round's minimum. */
    static int minimumWindows(FineTuneSettings settings) {
        return Math.max(1, (settings.minTrainingWindows() + settings.trainers() - 1) / settings.trainers());
    }

    /** Round {@code roundId}'s config for shard key {@code shard}: the round's training seed + shard. */
    static FineTuneRound.Config shardRound(FineTuneSettings settings, long roundId, int shard) {
        FineTuneRound.Config round = settings.round(roundId);
        LatentOdeTraining.Config t = round.training();
        return new FineTuneRound.Config(new LatentOdeTraining.Config(t.windowLength(), t.split(), t.batchSize(),
                t.iterations(), t.learningRate(), t.klWeight(), t.seed() + shard), round.budget(), round.check(),
                round.minTrainingWindows(), round.minHeldOutWindows());
    }

    @Override
    public void open(OpenContext context) {
        reservoirs = new HashMap<>();
        deployment = deploymentFactory.open();
        nextTick = getRuntimeContext().getState(new ValueStateDescriptor<>("next-tick", Types.LONG));
    }

    @Override
    public void processElement(TrainingWindow window, Context ctx, Collector<ShardResult> out) throws Exception {
        reservoir(ctx.getCurrentKey()).offer(window);
        if (nextTick.value() == null) {
            schedule(nextTick(ctx.timerService().currentProcessingTime(), interval()), ctx);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ShardResult> out) throws Exception {
        int shard = ctx.getCurrentKey();
        ShardResult result = runRound(timestamp / interval(), shard, reservoir(shard), deployment);
        LOG.info("fine-tune shard {}: {}", shard, result);
        out.collect(result);
        schedule(timestamp + interval(), ctx);
    }

    private void schedule(long at, Context ctx) throws Exception {
        nextTick.update(at);
        ctx.timerService().registerProcessingTimeTimer(at);
    }

    private long interval() {
        return settings.roundInterval().toMillis();
    }

    private WindowReservoir reservoir(int shard) {
        return reservoirs.computeIfAbsent(shard, s -> new WindowReservoir(settings.reservoir()));
    }

    /** One shard's round; never throws (a failure is a skipped result, the next round tries again). */
    ShardResult runRound(long roundId, int shard, WindowReservoir reservoir, ModelDeployment deployment) {
        List<TrainingWindow> windows = reservoir.trainingWindows();
        Optional<ModelArtifact> serving;
        try {
            serving = deployment.serving();
        } catch (RuntimeException e) {
            return ShardResult.skipped(roundId, shard, -1, windows.size(),
                    "the registry could not be read: " + e.getMessage());
        }
        if (serving.isEmpty()) {
            return ShardResult.skipped(roundId, shard, -1, windows.size(), "no model is served yet");
        }
        long version = serving.get().getVersion();
        int minimum = minimumWindows(settings);
        if (windows.size() < minimum) {
            return ShardResult.skipped(roundId, shard, version, windows.size(),
                    windows.size() + " training windows; a shard needs at least " + minimum);
        }
        FineTuneRound.Trained trained;
        try {
            trained = new FineTuneRound(shardRound(settings, roundId, shard)).train(serving.get(), windows);
        } catch (RuntimeException e) {
            reservoir.clear(); // windows the serving model cannot take (e.g. another width) would fail again
            return ShardResult.skipped(roundId, shard, version, windows.size(), "training failed: " + e);
        }
        reservoir.clear();
        if (trained.diverged() != null) {
            return ShardResult.skipped(roundId, shard, version, windows.size(), "diverged: " + trained.diverged());
        }
        ShardResult r = new ShardResult();
        r.roundId = roundId;
        r.shard = shard;
        r.servingVersion = version;
        r.parameters = trained.parameters();
        r.trainingWindows = trained.windows();
        r.iterations = trained.iterations();
        r.seconds = trained.trainingSeconds();
        r.trainLoss = trained.trainLoss();
        r.budgetSpent = trained.budgetSpent();
        r.dataFromMillis = trained.fromMillis();
        r.dataToMillis = trained.toMillis();
        r.seriesIds = trained.series().stream().sorted().toArray(String[]::new);
        r.note = "trained";
        return r;
    }

    @Override
    public void close() {
        if (deployment != null) {
            deployment.close();
        }
    }
}
