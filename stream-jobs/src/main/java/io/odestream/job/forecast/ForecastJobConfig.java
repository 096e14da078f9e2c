package io.odestream.job.forecast;

import io.odestream.job.shadow.ShadowSettings;
import io.odestream.kafka.KafkaSettings;
import io.odestream.kafka.ObservationValidator;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateBackendOptions;

/**
 * How the forecasting job runs: where its topics are, how event time is tracked, what the
 * per-series operator does ({@link UpdaterSettings}), and the runtime (checkpoints, state backend,
 * metrics endpoint).
 *
 * @param kafka              brokers, topic prefix, delivery guarantee of the sinks
 * @param groupId            consumer group of the job's sources
 * @param updater            the per-series settings
 * @param outOfOrderness     how far behind the newest event time an event may arrive and still be
 *                           applied in event-time order
 * @param idleness           an observations subtask without observations this long stops holding the
 *                           watermark back; the requests' subtasks hold it this long after each (re)start
 * @param bounded            read each input topic up to its end at start-up, then finish (demo, tests)
 * @param checkpointInterval exactly-once sinks commit at checkpoints, so this bounds output latency
 * @param stateBackend       "hashmap" (heap, default) or "rocksdb" (large key counts)
 * @param checkpointDir      where checkpoints go, retained when the job stops or dies (resume with
 *                           {@code run --restore latest}); null: in memory of the JobManager, lost with it
 * @param prometheusPort     expose the job's metrics on this port for Prometheus; null = off
 * @param modelSource        serve what the registry's pointer names (default) or every artifact on
 *                           the models topic (the demo, a deployment without a registry)
 * @param shadow             shadow mode (null = off): the newest unpromoted version is scored beside
 *                           the served one on a share of the series and promoted if it wins
 * @param microBatching      score and absorb observations and answer forecasts in micro-batches across
 *                           series on a batch backend (null = off: each record is handled in the
 *                           per-series operator as it falls due, on the JVM)
 * @param maxClockSkew       an observation dated further than this ahead of the wall clock is dead-lettered
 *                           (EVENT_TIME_IN_FUTURE) instead of moving its subtask's watermark to its time
 */
public record ForecastJobConfig(KafkaSettings kafka, String groupId, UpdaterSettings updater,
                                Duration outOfOrderness, Duration idleness, boolean bounded,
                                Duration checkpointInterval, String stateBackend, Path checkpointDir,
                                Integer prometheusPort, ModelSource modelSource,
                                ShadowSettings shadow, MicroBatching microBatching, Duration maxClockSkew) {

    /** Where the job takes the model it serves from. */
    public enum ModelSource {
        /** The version the registry's serving pointer names: `odestream models promote/rollback` decide. */
        REGISTRY,
        /** Every artifact on the models topic is a deployment (the demo, a job without a registry). */
        TOPIC
    }

    public ForecastJobConfig {
        require(kafka != null, "kafka settings are required");
        require(groupId != null && !groupId.isBlank(), "groupId must not be blank");
        require(updater != null, "updater settings are required");
        require(outOfOrderness != null && !outOfOrderness.isNegative(), "outOfOrderness must be >= 0");
        require(idleness != null && !idleness.isNegative() && !idleness.isZero(), "idleness must be > 0");
        require(checkpointInterval != null && checkpointInterval.toMillis() >= 10,
                "checkpointInterval must be >= 10 ms (exactly-once output is committed at checkpoints)");
        require("hashmap".equals(stateBackend) || "rocksdb".equals(stateBackend),
                "stateBackend must be 'hashmap' or 'rocksdb', got '" + stateBackend + "'");
        require(prometheusPort == null || (prometheusPort > 0 && prometheusPort < 65536),
                "prometheusPort must be a TCP port or null");
        require(modelSource != null, "modelSource is required (REGISTRY or TOPIC)");
        require(maxClockSkew != null && !maxClockSkew.isNegative(), "maxClockSkew must be >= 0");
        require(shadow == null || modelSource == ModelSource.REGISTRY,
                "shadow mode needs modelSource REGISTRY: its candidates are the versions published but not promoted");
    }

    public static ForecastJobConfig defaults(KafkaSettings kafka, UpdaterSettings updater) {
        return new ForecastJobConfig(kafka, "odestream-forecast", updater, Duration.ofSeconds(5),
                Duration.ofSeconds(10), false, Duration.ofSeconds(10), "hashmap", null, null, ModelSource.REGISTRY,
                null, null, ObservationValidator.DEFAULT_MAX_FUTURE_SKEW);
    }

    public ForecastJobConfig withGroupId(String id) {
        return new ForecastJobConfig(kafka, id, updater, outOfOrderness, idleness, bounded, checkpointInterval,
                stateBackend, checkpointDir, prometheusPort, modelSource, shadow, microBatching, maxClockSkew);
    }

    public ForecastJobConfig withUpdater(UpdaterSettings settings) {
        return new ForecastJobConfig(kafka, groupId, settings, outOfOrderness, idleness, bounded, checkpointInterval,
                stateBackend, checkpointDir, prometheusPort, modelSource, shadow, microBatching, maxClockSkew);
    }

    public ForecastJobConfig withEventTime(Duration outOfOrder, Duration idle) {
        return new ForecastJobConfig(kafka, groupId, updater, outOfOrder, idle, bounded, checkpointInterval,
                stateBackend, checkpointDir, prometheusPort, modelSource, shadow, microBatching, maxClockSkew);
    }

    public ForecastJobConfig withBounded(boolean b) {
        return new ForecastJobConfig(kafka, groupId, updater, outOfOrderness, idleness, b, checkpointInterval,
                stateBackend, checkpointDir, prometheusPort, modelSource, shadow, microBatching, maxClockSkew);
    }

    public ForecastJobConfig withCheckpoints(Duration interval, Path dir) {
        return new ForecastJobConfig(kafka, groupId, updater, outOfOrderness, idleness, bounded, interval,
                stateBackend, dir, prometheusPort, modelSource, shadow, microBatching, maxClockSkew);
    }

    public ForecastJobConfig withStateBackend(String backend) {
        return new ForecastJobConfig(kafka, groupId, updater, outOfOrderness, idleness, bounded, checkpointInterval,
                backend, checkpointDir, prometheusPort, modelSource, shadow, microBatching, maxClockSkew);
    }

    public ForecastJobConfig withPrometheusPort(Integer port) {
        return new ForecastJobConfig(kafka, groupId, updater, outOfOrderness, idleness, bounded, checkpointInterval,
                stateBackend, checkpointDir, port, modelSource, shadow, microBatching, maxClockSkew);
    }

    public ForecastJobConfig withModelSource(ModelSource source) {
        return new ForecastJobConfig(kafka, groupId, updater, outOfOrderness, idleness, bounded, checkpointInterval,
                stateBackend, checkpointDir, prometheusPort, source, shadow, microBatching, maxClockSkew);
    }

    public ForecastJobConfig withShadow(ShadowSettings settings) {
        return new ForecastJobConfig(kafka, groupId, updater, outOfOrderness, idleness, bounded, checkpointInterval,
                stateBackend, checkpointDir, prometheusPort, modelSource, settings, microBatching, maxClockSkew);
    }

    public ForecastJobConfig withMicroBatching(MicroBatching batching) {
        return new ForecastJobConfig(kafka, groupId, updater, outOfOrderness, idleness, bounded, checkpointInterval,
                stateBackend, checkpointDir, prometheusPort, modelSource, shadow, batching, maxClockSkew);
    }

    public ForecastJobConfig withMaxClockSkew(Duration skew) {
        return new ForecastJobConfig(kafka, groupId, updater, outOfOrderness, idleness, bounded, checkpointInterval,
                stateBackend, checkpointDir, prometheusPort, modelSource, shadow, microBatching, skew);
    }

    /** The Flink configuration to create the execution environment (or the cluster) with. */
    public Configuration flinkConfiguration() {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, stateBackend);
        if (checkpointDir != null) {
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir.toUri().toString());
            // Kept when the job is cancelled or its process dies, so that `run --restore latest` can
            // resume from them (a checkpoint of a job that failed for good is kept either way).
            conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                    ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        }
        if (prometheusPort != null) {
            conf.setString("metrics.reporter.prom.factory.class",
                    "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
            conf.setString("metrics.reporter.prom.port", prometheusPort.toString());
        }
        return conf;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
