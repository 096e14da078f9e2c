package io.odestream.bench;

import io.odestream.demo.DemoSetup;
import io.odestream.job.forecast.ForecastJob;
import io.odestream.job.forecast.ForecastJobConfig;
import io.odestream.job.forecast.UpdaterSettings;
import io.odestream.kafka.KafkaSettings;
import io.odestream.kafka.OdeTopic;
import io.odestream.kafka.RecordPublisher;
import io.odestream.kafka.TopicFollower;
import io.odestream.schema.AlertKind;
import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.Observation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * One paced run of the unbounded forecasting job, for event→alert latency. Observations are sent at
 * a fixed rate with event time = wall-clock time (as a live sensor would), each one's send instant
 * noted; a follower on the alerts topic (read_committed) notes when each alert arrives; an alert is
 * matched to its observation by series and event time. Only observations sent inside the measured
 * window count: the warm-up before it absorbs JIT and the first fetches, and the tail after it keeps
 * the watermark moving (an event is applied only once a later one has pushed the watermark past it)
 * and leaves time for the last checkpoint's commit.
 *
 * <p>What a latency includes: producer linger and broker append, the source fetch, decode, the
 * watermark wait (the out-of-orderness bound plus up to one watermark interval), the model's
 * score and update, the sink and, for exactly-once, the wait for the next completed checkpoint (on
 * average half the checkpoint interval, plus the commit); then the follower's fetch.
 */
final class LatencyRun {
    /** Arrival of one alert at the follower. */
    private record Arrival(String seriesId, long eventMillis, AlertKind kind, long nanos) {
    }

    /**
     * What one paced run measured.
     *
     * @param latenciesMillis sorted event→alert latencies of the window's anomaly alerts
     * @param maxSendLagMillis how far behind its schedule the producer sent an event at worst
     */
    record Result(DeliveryGuarantee mode, double targetRate, double sentRate, int keys, int windowEvents,
                  int alerts, int atInjected, int injected, long applied, long sent, double[] latenciesMillis,
                  long maxSendLagMillis) {
        double quantile(double q) {
            return Stats.quantile(latenciesMillis, q);
        }
    }

    private LatencyRun() {
    }

    static Result run(String bootstrap, PipelineOptions o, BenchModel model, double rate, DeliveryGuarantee mode,
                      Path checkpointDir, int index) throws Exception {
        String prefix = "lat" + index + "-";
        KafkaSettings kafka = KafkaSettings.builder(bootstrap).topicPrefix(prefix).deliveryGuarantee(mode)
                .transactionalIdPrefix("bench-" + prefix).build();
        Topics.create(kafka, prefix, o.partitions());
        try (RecordPublisher publisher = new RecordPublisher(kafka)) {
            publisher.sendNow(OdeTopic.MODELS, model.artifact());
        }
        ForecastJobConfig config = ForecastJobConfig.defaults(kafka,
                        UpdaterSettings.defaults(model.modelId(), model.verifier()).withMonitor(DemoSetup.monitorSettings()))
                .withGroupId("bench-" + prefix + "job")
                .withModelSource(ForecastJobConfig.ModelSource.TOPIC)
                .withEventTime(o.outOfOrderness(), PipelineBenchmark.IDLENESS)
                .withCheckpoints(o.latencyCheckpoint(), checkpointDir)
                .withStateBackend(o.stateBackend())
                .withMicroBatching(o.microBatching(o.latencyBatching()));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(o.parallelism(),
                CapturedMetrics.install(config.flinkConfiguration()));
        CapturedMetrics.reset();
        ForecastJob.build(env, config);
        PipelineBenchmark.overrideLatencySettings(o, env);
        JobClient job = env.executeAsync("forecast job, paced, " + mode);
        ConcurrentLinkedQueue<Arrival> arrivals = new ConcurrentLinkedQueue<>();
        Map<String, Long> sentNanos = new HashMap<>();
        long sent = 0;
        long maxLag = 0;
        int windowEvents = 0;
        BenchStream stream;
        int keys;
        long windowStart;
        long windowEnd;
        try {
            awaitRunning(job);
            try (TopicFollower<AnomalyAlert> follower = new TopicFollower<>(kafka, OdeTopic.ALERTS, AnomalyAlert.class,
                    a -> arrivals.add(new Arrival(a.getSeriesId(), a.getEventTime().toEpochMilli(), a.getKind(),
                            System.nanoTime())),
                    problem -> System.err.println("latency follower: " + problem));
                 RecordPublisher publisher = new RecordPublisher(kafka)) {
                // The tail keeps events flowing after the window until its last events are out, committed.
                long tailMillis = o.outOfOrderness().toMillis() + 2 * o.latencyCheckpoint().toMillis() + 3000;
                long spanMillis = 1000L * (o.latencyWarmupSeconds() + o.latencySeconds()) + tailMillis;
                // At least two events per series on average, or the series would be mostly first events.
                keys = (int) Math.max(1, Math.min(o.pacedKeys(), rate * spanMillis / 1000.0 / 2));
                long start = System.currentTimeMillis() + 1000;
                stream = BenchStream.generate(keys, start, Duration.ofMillis(spanMillis),
                        Duration.ofMillis(Math.max(1, Math.round(keys * 1000.0 / rate))), o.latencyAnomalyRate(),
                        o.seed() + index, o.latencyJumpScale());
                windowStart = start + 1000L * o.latencyWarmupSeconds();
                windowEnd = windowStart + 1000L * o.latencySeconds();
                for (Observation obs : stream.observations()) {
                    long due = obs.getEventTime().toEpochMilli();
                    long wait;
                    while ((wait = due - System.currentTimeMillis()) > 0) {
                        Thread.sleep(Math.min(wait, 20));
                    }
                    maxLag = Math.max(maxLag, System.currentTimeMillis() - due);
                    if (due >= windowStart && due < windowEnd) {
                        sentNanos.put(BenchStream.key(obs.getSeriesId(), due), System.nanoTime());
                        windowEvents++;
                    }
                    publisher.send(OdeTopic.OBSERVATIONS, obs);
                    sent++;
                }
                publisher.flush();
                Thread.sleep(500); // the follower's last poll
            }
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
        double[] latencies = new double[windowEvents];
        int n = 0;
        int atInjected = 0;
        int injected = 0;
        for (String k : stream.anomalies()) {
            long t = Long.parseLong(k.substring(k.lastIndexOf('@') + 1));
            injected += t >= windowStart && t < windowEnd ? 1 : 0;
        }
        for (Arrival a : arrivals) {
            Long sentAt = a.kind == AlertKind.ANOMALY ? sentNanos.get(BenchStream.key(a.seriesId, a.eventMillis)) : null;
            if (sentAt != null) {
                latencies[n++] = (a.nanos - sentAt) / 1e6;
                atInjected += stream.anomalies().contains(BenchStream.key(a.seriesId, a.eventMillis)) ? 1 : 0;
            }
        }
        latencies = Arrays.copyOf(latencies, n);
        Arrays.sort(latencies);
        return new Result(mode, rate, windowEvents / (double) o.latencySeconds(), keys, windowEvents, n, atInjected,
                injected, CapturedMetrics.counter("observations"), sent, latencies, maxLag);
    }

    private static void awaitRunning(JobClient job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            JobStatus status = job.getJobStatus().get(30, TimeUnit.SECONDS);
            if (status == JobStatus.RUNNING) {
                Thread.sleep(2000); // tasks deployed and sources assigned; the model read and broadcast
                return;
            }
            if (status.isTerminalState() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the paced job did not start: status " + status);
            }
            Thread.sleep(200);
        }
    }
}
