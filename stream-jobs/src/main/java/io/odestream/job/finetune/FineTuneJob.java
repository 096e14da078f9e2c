package io.odestream.job.finetune;

import io.odestream.finetune.TrainingWindow;
import io.odestream.job.deploy.ModelDeployment;
import io.odestream.job.forecast.ForecastJob;
import io.odestream.kafka.Decoded;
import io.odestream.kafka.KafkaSettings;
import io.odestream.kafka.KafkaSinks;
import io.odestream.kafka.KafkaSources;
import io.odestream.kafka.ObservationValidator;
import io.odestream.kafka.OdeTopic;
import io.odestream.schema.DeadLetter;
import io.odestream.schema.Observation;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The fine-tuning job, its own Flink job beside {@link ForecastJob}:
 * <pre>
 *  observations ─► keyBy(series) ─► WindowCutterFunction ─► windows
 *  trainers = 1:
 *    windows ─► keyBy(constant) ─► FineTuneTrainer (1 subtask) ─ rounds on a processing-time schedule ─► registry
 *  trainers = P > 1 (data-parallel, parameter averaging per round):
 *    windows ─► keyBy(shard = hash(series) mod P) ─► ShardTrainer (P subtasks) ─► ShardResult ─┐
 *    windows ─► keyBy(constant) ──────────────────────────────────────────────────────────► RoundCombiner
 *                              (1 subtask: held-out check of the weighted average) ─► registry
 *  undecodable or invalid observations ─► dead-letters
 * </pre>
 * A separate job, not a branch of the serving job: a round blocks its operator for up to its budget
 * and would otherwise back-pressure forecasting; the two scale, restart and upgrade independently
 * and meet only through the registry's topics (the serving job swaps to promoted versions through
 * its broadcast path). Flink has no cycles, so the sharded path is a linear pipeline: shards align
 * their rounds on wall-clock ticks of the round interval and all read the serving model from the
 * registry; each trains a copy on its series' windows and the combiner averages what they trained.
 */
public final class FineTuneJob {
    private FineTuneJob() {
    }

    /**
     * @param kafka              brokers and topic names
     * @param groupId            consumer group of the observations source
     * @param settings           windows, reservoir, rounds
     * @param deployment         where the serving model comes from and candidates go
     * @param checkpointInterval checkpoints (source offsets, the cutters' state)
     */
    public record Config(KafkaSettings kafka, String groupId, FineTuneSettings settings,
                         ModelDeployment.Factory deployment, Duration checkpointInterval) {
        public Config {
            if (kafka == null || settings == null || deployment == null) {
                throw new IllegalArgumentException("kafka, settings and deployment are required");
            }
            if (groupId == null || groupId.isBlank()) {
                throw new IllegalArgumentException("groupId must not be blank (e.g. odestream-fine-tune)");
            }
            if (checkpointInterval == null || checkpointInterval.toMillis() < 10) {
                throw new IllegalArgumentException("checkpointInterval must be >= 10 ms, got " + checkpointInterval);
            }
        }
    }

    /** Adds the job to {@code env}; run it with {@code env.execute}. */
    public static void build(StreamExecutionEnvironment env, Config config) {
        env.enableCheckpointing(config.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        Decoded<Observation> observations = new KafkaSources(config.kafka()).read(env, OdeTopic.OBSERVATIONS,
                config.groupId(), Observation.class, ObservationValidator.withDefaults());
        DataStream<TrainingWindow> windows = observations.records()
                .keyBy(Observation::getSeriesId)
                .process(new WindowCutterFunction(config.settings()), WindowCutterFunction.WINDOW_TYPE)
                .uid("window-cutter")
                .name("window cutter");
        FineTuneSettings settings = config.settings();
        DataStream<String> rounds;
        if (settings.trainers() == 1) {
            rounds = windows
                    .keyBy(w -> 0, Types.INT) // one key: one trainer subtask with processing-time timers
                    .process(new FineTuneTrainer(settings, config.deployment()), Types.STRING)
                    .setParallelism(1)
                    .uid("fine-tune-trainer")
                    .name("fine-tune trainer");
        } else {
            int shards = settings.trainers();
            int maxParallelism = env.getMaxParallelism() > 0 ? env.getMaxParallelism()
                    : KeyGroupRangeAssignment.computeDefaultMaxParallelism(shards);
            int[] keys = ShardTrainer.routingKeys(shards, maxParallelism);
            DataStream<ShardResult> trained = windows
                    .keyBy(w -> keys[ShardTrainer.shardOf(w.seriesId(), shards)], Types.INT)
                    .process(new ShardTrainer(settings, config.deployment()), TypeInformation.of(ShardResult.class))
                    .setParallelism(shards)
                    .setMaxParallelism(maxParallelism) // the routing keys were chosen for it
                    .uid("fine-tune-shard-trainer")
                    .name("fine-tune shard trainer");
            rounds = windows
                    .keyBy(w -> 0, Types.INT) // one key: one combiner with processing-time timers
                    .connect(trained.keyBy(r -> 0, Types.INT))
                    .process(new RoundCombiner(settings, config.deployment()), Types.STRING)
                    .setParallelism(1)
                    .uid("fine-tune-round-combiner")
                    .name("fine-tune round combiner");
        }
        rounds.map(RoundOutcomes::stamped).returns(Types.STRING).setParallelism(1).name("round times")
                .print("fine-tune").setParallelism(1).name("round reports");
        observations.deadLetters()
                .sinkTo(new KafkaSinks(config.kafka()).sink(OdeTopic.DEAD_LETTERS, DeadLetter.class))
                .uid("sink-dead-letters").name("dead letters");
    }
}
