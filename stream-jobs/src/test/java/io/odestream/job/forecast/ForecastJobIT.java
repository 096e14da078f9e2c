package io.odestream.job.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.alert.AlertPolicy;
import io.odestream.demo.DemoModel;
import io.odestream.demo.DemoSetup;
import io.odestream.demo.DemoStream;
import io.odestream.job.JobRecords;
import io.odestream.job.TestModels;
import io.odestream.job.forecast.ForecastJobConfig.ModelSource;
import io.odestream.kafka.KafkaSettings;
import io.odestream.kafka.OdeTopic;
import io.odestream.kafka.RecordPublisher;
import io.odestream.kafka.TopicFollower;
import io.odestream.kafka.broker.testing.KafkaBrokerExtension;
import io.odestream.latent.FilterState;
import io.odestream.registry.ModelRegistry;
import io.odestream.registry.testing.TestRegistry;
import io.odestream.latent.LatentFilter;
import io.odestream.schema.AlertKind;
import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.Forecast;
import io.odestream.schema.ForecastRequest;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The forecasting job end to end: a real Kafka broker (child process) and a Flink MiniCluster
 * (parallelism 2), the demo's generated stream with injected anomalies, the bundled model.
 */
class ForecastJobIT {
    static final AtomicInteger FAILURES = new AtomicInteger();
    private static final ModelArtifact MODEL = TestModels.sign(DemoModel.bundled());
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    /** What the topic followers (background threads) could not decode or read; checked while waiting. */
    private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();

    private static KafkaSettings topics(String prefix) throws InterruptedException {
        return KAFKA.topics(prefix, prefix + "job");
    }

    private static StreamExecutionEnvironment environment(boolean restartOnFailure) {
        Configuration conf = new Configuration();
        if (restartOnFailure) {
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        return env;
    }

    /**
     * Longer than any start-up or restore pause of a source subtask on a loaded machine. With the
     * job's 1 s, a subtask whose partitions were slow to start (a loaded CI machine, a restore) went
     * idle, the other subtask's watermark alone passed the as-of times, and requests were answered
     * before their series' observations had arrived ("no observations"). Bounded runs end every
     * source with the end-of-time watermark, so a long idleness costs these tests nothing.
     */
    private static final Duration IDLENESS = Duration.ofSeconds(30);

    @Test
    void alertsForInjectedAnomaliesAndEveryForecastComeOutExactlyOnceThroughAFailureAndRestore() throws Exception {
        KafkaSettings kafka = topics("e2e-");
        DemoStream stream = DemoStream.generate(DemoStream.Config.defaults());
        List<ForecastRequest> requests = DemoSetup.requests(stream);
        try (RecordPublisher publisher = new RecordPublisher(kafka)) {
            publisher.send(OdeTopic.MODELS, MODEL);
            stream.observations().forEach(o -> publisher.send(OdeTopic.OBSERVATIONS, o));
            requests.forEach(r -> publisher.send(OdeTopic.FORECAST_REQUESTS, r));
        }
        UpdaterSettings updater = UpdaterSettings.defaults(DemoModel.MODEL_ID, TestModels.VERIFIER).withMonitor(DemoSetup.monitorSettings());
        ForecastJobConfig config = ForecastJobConfig.defaults(kafka, updater).withBounded(true).withModelSource(ModelSource.TOPIC)
                .withCheckpoints(Duration.ofMillis(300), null).withEventTime(Duration.ofSeconds(2), IDLENESS);
        StreamExecutionEnvironment env = environment(true);
        ForecastJob.build(env, config, in -> in.map(new FailOnceAfterACheckpoint(stream.size() / 4))
                .returns(PosteriorUpdater.INPUT_TYPE).name("fail once"));
        env.execute("forecast job with one failure");
        assertTrue(FAILURES.get() >= 1, "the job must have failed and restored from a checkpoint");

        List<AnomalyAlert> alerts = readAll(kafka, OdeTopic.ALERTS, AnomalyAlert.class, 1, stream.size());
        List<Forecast> forecasts = readAll(kafka, OdeTopic.FORECASTS, Forecast.class, requests.size(),
                requests.size());

        // Exactly once: every alert of an offline replay of the same stream, none twice, none more.
        List<String> expected = offlineAlerts(stream, updater.alertPolicy(), updater.scoreSamples());
        List<String> got = alerts.stream().filter(a -> a.getKind() == AlertKind.ANOMALY)
                .map(a -> a.getSeriesId() + "@" + a.getEventTime().toEpochMilli()).sorted().toList();
        assertEquals(expected, got, "the job's alerts are the offline filter's, each once");
        assertTrue(alerts.stream().allMatch(a -> a.getKind() == AlertKind.ANOMALY), "no model errors: " + alerts);

        // Every request answered once, from the state as of its time, with the served version.
        assertEquals(requests.stream().map(ForecastRequest::getRequestId).sorted().toList(),
                forecasts.stream().map(Forecast::getRequestId).sorted().toList());
        for (Forecast f : forecasts) {
            assertEquals(null, f.getError(), f.getRequestId());
            assertEquals(MODEL.getVersion(), f.getModelVersion());
            assertEquals(DemoSetup.HORIZONS.length, f.getPoints().size());
        }

        // Detection quality on the injected anomalies. Measured: 29 of 36 found (the misses are mostly
        // jumps on a channel missing at the anomaly's events, or small level shifts), 1 false alarm in
        // ~7100 normal events. The bounds keep a margin for last-bit differences of Math.exp/tanh
        // between JVMs and CPUs, which can flip a decision at the threshold.
        DemoSetup.Detection d = DemoSetup.Detection.of(stream, alerts);
        System.out.printf("e2e: %d events, %d anomalies injected, %d found, %d false alarms, %d alerts%n",
                stream.size(), d.injected(), d.found(), d.falseAlarms(), d.alerts());
        assertTrue(d.found() >= 0.7 * d.injected(), "recall: " + d);
        assertTrue(d.falseAlarms() <= 3, "false alarms: " + d);
    }

    /**
     * A restart without a checkpoint, under the same consumer group: the group's committed offsets
     * on the models and model-serving topics are at their ends (the previous run read them), yet the
     * job serves the promoted model, because those topics are state and are read whole every time.
     */
    @Test
    void aRestartWithoutACheckpointServesTheModelThoughItsGroupCommittedTheEndOfTheModelTopics() throws Exception {
        KafkaSettings kafka = topics("restart-");
        TestRegistry registry = TestRegistry.on(kafka);
        try (ModelRegistry r = registry.connect()) {
            r.publish(registry.signer().sign(DemoModel.bundled()));
            r.promote(DemoModel.MODEL_ID, DemoModel.VERSION, "served before the restart");
        }
        DemoStream stream = DemoStream.generate(DemoStream.Config.defaults().withSeries(2).withSeed(11));
        List<ForecastRequest> requests = DemoSetup.requests(stream);
        try (RecordPublisher publisher = new RecordPublisher(kafka)) {
            stream.observations().forEach(o -> publisher.send(OdeTopic.OBSERVATIONS, o));
            requests.forEach(r -> publisher.send(OdeTopic.FORECAST_REQUESTS, r));
        }
        String group = "restart-job";
        commitEndOffsets(kafka, group, OdeTopic.MODELS, OdeTopic.MODEL_SERVING); // what the previous run left

        UpdaterSettings updater = UpdaterSettings.defaults(DemoModel.MODEL_ID, registry.verifier())
                .withMonitor(DemoSetup.monitorSettings());
        ForecastJobConfig config = ForecastJobConfig.defaults(kafka, updater).withGroupId(group).withBounded(true)
                .withCheckpoints(Duration.ofMillis(300), null).withEventTime(Duration.ofSeconds(2), IDLENESS);
        StreamExecutionEnvironment env = environment(false);
        ForecastJob.build(env, config);
        env.execute("forecast job, restarted without a checkpoint");

        List<Forecast> forecasts = readAll(kafka, OdeTopic.FORECASTS, Forecast.class, requests.size(),
                requests.size());
        assertEquals(requests.size(), forecasts.size(), "every request answered");
        for (Forecast f : forecasts) {
            assertEquals(null, f.getError(), f.getRequestId());
            assertEquals(DemoModel.VERSION, f.getModelVersion());
        }
    }

    /**
     * Parallelism 2, one series: its observations are all on one partition, so one event-time
     * subtask reads observations and the other only requests, which keep coming far more often than
     * the idleness period. The requests-only subtask must go idle, or the updater's event time stays
     * at its minimum and a request with an as-of time is never answered. (The requests start before
     * the job and the idleness, 5 s, is longer than a source's start-up: a subtask idle before its
     * first request stayed idle under Flink's own idleness, and the test would not see the bug.)
     */
    @Test
    void aSubtaskThatReadsOnlyRequestsDoesNotHoldEventTimeBack() throws Exception {
        KafkaSettings kafka = topics("requests-only-");
        DemoStream stream = DemoStream.generate(DemoStream.Config.defaults().withSeries(1).withSeed(3));
        ForecastRequest asOf = DemoSetup.requests(stream).get(0);
        UpdaterSettings updater = UpdaterSettings.defaults(DemoModel.MODEL_ID, TestModels.VERIFIER)
                .withMonitor(DemoSetup.monitorSettings());
        ForecastJobConfig config = ForecastJobConfig.defaults(kafka, updater).withModelSource(ModelSource.TOPIC)
                .withCheckpoints(Duration.ofMillis(200), null).withEventTime(Duration.ofSeconds(1), Duration.ofSeconds(5));
        StreamExecutionEnvironment env = environment(false);
        ForecastJob.build(env, config);
        ConcurrentLinkedQueue<Forecast> forecasts = new ConcurrentLinkedQueue<>();
        // From before the job starts, requests for other series on both partitions, every 200 ms
        // (answered on arrival: no as-of time), far more often than the idleness period.
        AtomicBoolean requesting = new AtomicBoolean(true);
        Thread others = new Thread(() -> {
            try (RecordPublisher p = new RecordPublisher(kafka)) {
                for (int n = 0; requesting.get(); n++) {
                    p.sendNow(OdeTopic.FORECAST_REQUESTS, ForecastRequest.newBuilder().setRequestId("other-" + n)
                            .setSeriesId("other-" + n).setQueryTimes(asOf.getQueryTimes()).build());
                    Thread.sleep(200);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "other requests");
        others.start();
        JobClient job = env.executeAsync("forecast job, a subtask with requests only");
        try (RecordPublisher publisher = new RecordPublisher(kafka);
             TopicFollower<Forecast> f = new TopicFollower<>(kafka, OdeTopic.FORECASTS, Forecast.class, forecasts::add,
                     problems::add)) {
            publisher.sendNow(OdeTopic.MODELS, MODEL);
            stream.observations().forEach(o -> publisher.send(OdeTopic.OBSERVATIONS, o));
            publisher.sendNow(OdeTopic.FORECAST_REQUESTS, asOf);
            await(() -> forecasts.stream().anyMatch(x -> x.getRequestId().equals(asOf.getRequestId())),
                    "the answer to " + asOf.getRequestId());
            Forecast answer = forecasts.stream().filter(x -> x.getRequestId().equals(asOf.getRequestId()))
                    .findFirst().orElseThrow();
            assertEquals(null, answer.getError());
            assertTrue(!answer.getStateTime().isAfter(asOf.getAsOf()),
                    "answered from the state as of its time, no later: " + answer.getStateTime());
        } finally {
            requesting.set(false);
            others.join();
            job.cancel().get();
        }
    }

    /** Commits, for consumer group {@code group}, the end offsets of {@code topics} (read_committed). */
    private static void commitEndOffsets(KafkaSettings kafka, String group, OdeTopic... topics) {
        Properties p = new Properties();
        p.putAll(kafka.clientProperties());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
            for (OdeTopic topic : topics) {
                String name = kafka.topicName(topic);
                List<TopicPartition> partitions = consumer.partitionsFor(name, Duration.ofSeconds(30)).stream()
                        .map(info -> new TopicPartition(name, info.partition())).toList();
                consumer.endOffsets(partitions, Duration.ofSeconds(30)).forEach((tp, end) -> {
                    assertTrue(end > 0, "nothing on " + tp);
                    commits.put(tp, new OffsetAndMetadata(end));
                });
            }
            consumer.commitSync(commits, Duration.ofSeconds(30));
        }
    }

    @Test
    void aModelPublishedMidStreamIsServedWithoutRestartAndABadOneIsRejected() throws Exception {
        KafkaSettings kafka = topics("swap-");
        DemoStream stream = DemoStream.generate(DemoStream.Config.defaults().withSeries(3).withSeed(5));
        UpdaterSettings updater = UpdaterSettings.defaults(DemoModel.MODEL_ID, TestModels.VERIFIER).withMonitor(DemoSetup.monitorSettings());
        ForecastJobConfig config = ForecastJobConfig.defaults(kafka, updater).withModelSource(ModelSource.TOPIC)
                .withCheckpoints(Duration.ofMillis(200), null).withEventTime(Duration.ofSeconds(1), Duration.ofMillis(500));
        StreamExecutionEnvironment env = environment(false);
        ForecastJob.build(env, config);
        ConcurrentLinkedQueue<Forecast> forecasts = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<AnomalyAlert> alerts = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Observation> late = new ConcurrentLinkedQueue<>();
        JobClient job = env.executeAsync("forecast job, model swap");
        try (RecordPublisher publisher = new RecordPublisher(kafka);
             TopicFollower<Forecast> f = new TopicFollower<>(kafka, OdeTopic.FORECASTS, Forecast.class, forecasts::add,
                     problems::add);
             TopicFollower<AnomalyAlert> a = new TopicFollower<>(kafka, OdeTopic.ALERTS, AnomalyAlert.class, alerts::add,
                     problems::add);
             TopicFollower<Observation> l = new TopicFollower<>(kafka, OdeTopic.LATE_OBSERVATIONS, Observation.class,
                     late::add, problems::add)) {
            publisher.sendNow(OdeTopic.MODELS, MODEL);
            stream.observations().forEach(o -> publisher.send(OdeTopic.OBSERVATIONS, o));
            publisher.flush();
            awaitForecast(publisher, forecasts, stream.seriesIds().get(0), answer -> answer.getModelVersion() == 1);

            ModelArtifact v2 = TestModels.sign(ModelArtifact.newBuilder(MODEL).setVersion(2).setParentVersion(1L)
                    .setSignature(null).setSigningKeyId(null).build());
            publisher.sendNow(OdeTopic.MODELS, v2);
            awaitForecast(publisher, forecasts, stream.seriesIds().get(1), answer -> answer.getModelVersion() == 2);

            ModelArtifact unsigned = ModelArtifact.newBuilder(v2).setVersion(3).setSignature(null)
                    .setSigningKeyId(null).build();
            publisher.sendNow(OdeTopic.MODELS, unsigned);
            await(() -> alerts.stream().anyMatch(x -> x.getKind() == AlertKind.MODEL_REJECTED), "rejection alert");
            awaitForecast(publisher, forecasts, stream.seriesIds().get(2), answer -> answer.getModelVersion() == 2);
            AnomalyAlert rejection = alerts.stream().filter(x -> x.getKind() == AlertKind.MODEL_REJECTED).findFirst()
                    .orElseThrow();
            assertTrue(rejection.getMessage().contains("UNSIGNED"), rejection.getMessage());
            assertEquals(3, rejection.getModelVersion());

            // After a quiet spell longer than the idleness timeout, observations out of order within the
            // bound (1 s) are still reordered; only one older than what the series already absorbed is late.
            Thread.sleep(2_000);
            String s0 = stream.seriesIds().get(0);
            long end = stream.config().startMillis() + stream.config().span().toMillis();
            publisher.send(OdeTopic.OBSERVATIONS, TestModels.observation(s0, end + 20_000, 0.1, 0.2, 0.3));
            publisher.send(OdeTopic.OBSERVATIONS, TestModels.observation(s0, end + 19_600, 0.1, 0.2, 0.3));
            publisher.sendNow(OdeTopic.OBSERVATIONS, TestModels.observation(s0, end + 25_000, 0.1, 0.2, 0.3));
            // the watermark passes 20 s: both are applied, in event-time order, and the state is at 20 s
            awaitForecast(publisher, forecasts, s0, answer -> answer.getStateTime().toEpochMilli() == end + 20_000);
            publisher.sendNow(OdeTopic.OBSERVATIONS, TestModels.observation(s0, end + 19_000, 0.1, 0.2, 0.3));
            await(() -> !late.isEmpty(), "the late observation");
            Thread.sleep(1_500);
            assertEquals(List.of(end + 19_000), late.stream().map(o -> o.getEventTime().toEpochMilli()).toList());
        } finally {
            job.cancel().get();
        }
    }

    /**
     * Micro-batching changes how the model's work is grouped, not what it computes. Alerts: the
     * offline replay's, each once (java backend: exactly those; djl: all but decisions that its
     * solver error flips at the threshold). Forecasts: each checked against the filter run offline
     * over its series' observations up to the state time the forecast reports, with the job's seed:
     * on the java backend equal up to round-off, on the djl backend within the solver's error.
     * (Running batches before the checkpoint barrier, which is what keeps them exactly-once through
     * a restore, is PosteriorUpdaterBatchingTest's and ForecastBatcherTest's; an injected failure here
     * did not fire reliably in CI: a third of clean-clone runs finished the input before a
     * checkpoint.) (Which state answers an as-of request depends on how far the observations source
     * has run ahead of the requests source, so two runs of the job need not agree with each other;
     * each must agree with the filter.) The as-of requests of all series fall due together, so the
     * batches see bursts.
     */
    @Test
    void updatesAndForecastsInMicroBatchesAreTheFiltersEachOnce() throws Exception {
        DemoStream stream = DemoStream.generate(DemoStream.Config.defaults());
        List<ForecastRequest> requests = DemoSetup.requests(stream);
        UpdaterSettings updater = UpdaterSettings.defaults(DemoModel.MODEL_ID, TestModels.VERIFIER).withMonitor(DemoSetup.monitorSettings());
        List<String> expectedAlerts = offlineAlerts(stream, updater.alertPolicy(), updater.scoreSamples());

        Outputs onJava = runBounded("batched-", stream, requests,
                new MicroBatching("java", "cpu", 64, Duration.ofMillis(50)), expectedAlerts.size());
        assertEquals(expectedAlerts, anomalyKeys(onJava.alerts()), "java backend: the offline replay's alerts, each once");
        Map<String, Forecast> javaForecasts = answers(onJava.forecasts(), requests);
        double worstJava = 0;
        for (ForecastRequest r : requests) {
            Forecast got = javaForecasts.get(r.getRequestId());
            assertEquals(null, got.getError(), r.getRequestId());
            Forecast expected = offlineForecast(stream, r, got.getStateTime().toEpochMilli(), updater.forecastSamples());
            worstJava = Math.max(worstJava, worstDifference(expected, got));
        }
        // The same code on the same inputs, yet clean-clone CI runs saw differences (not reproduced
        // here): round-off in the state, which the quantiles' bisection (it stops at a bracket of
        // 1e-12 of |centres| + 9σ) turns into up to ~1e-11. A wrong state or seed moves a forecast by
        // ~1e-3 or more, so 1e-9 still tells them apart.
        assertTrue(worstJava <= 1e-9, "java backend vs the filter: " + worstJava);

        // The djl backend (ode-djl, found by name): one PyTorch solve per batch for the scores, one for
        // the encoder, one for the forecasts; same posterior draws, so only the solves differ (one
        // step on rescaled time, the hardest row of a batch sets the steps, so results depend on the
        // batch at the solver's tolerance). A state carries its updates' solver error forward (4e-4
        // after ~600 updates at the demo's rtol 1e-3, measured offline over many batch compositions).
        // Bound 100·rtol (DjlLatentPredictorTest says why) of 1 + |mean| + std: wide predictions (std
        // 30–80 for a few series) move by their spread times the error, not by their mean's.
        Outputs onDjl = runBounded("batched-djl-", stream, requests,
                new MicroBatching("djl", "cpu", 256, Duration.ofMillis(50)), expectedAlerts.size() / 2);
        List<String> djlAlerts = anomalyKeys(onDjl.alerts());
        assertEquals(djlAlerts.size(), new java.util.HashSet<>(djlAlerts).size(), "no alert twice: " + djlAlerts);
        List<String> missed = new ArrayList<>(expectedAlerts);
        missed.removeAll(djlAlerts);
        List<String> extra = new ArrayList<>(djlAlerts);
        extra.removeAll(expectedAlerts);
        Map<String, Forecast> djlForecasts = answers(onDjl.forecasts(), requests);
        double bound = 100 * LatentFilter.init(MODEL).model().spec().rtol();
        double worst = 0;
        String worstAt = "";
        for (ForecastRequest r : requests) {
            Forecast got = djlForecasts.get(r.getRequestId());
            assertEquals(null, got.getError(), r.getRequestId());
            Forecast expected = offlineForecast(stream, r, got.getStateTime().toEpochMilli(), updater.forecastSamples());
            double difference = worstDifference(expected, got, true);
            if (difference > worst) {
                worst = difference;
                worstAt = r.getRequestId() + " (state at " + got.getStateTime() + ")\n  java " + expected.getPoints()
                        + "\n  djl  " + got.getPoints();
            }
        }
        System.out.printf("djl backend in the job: %d alerts (offline %d, missed %s, extra %s); %d forecasts, "
                + "max |djl - java| / (1 + |mean| + std) = %.2e (bound %.0e)%n", djlAlerts.size(), expectedAlerts.size(),
                missed, extra, requests.size(), worst, bound);
        // a flipped decision needs a score within the solver's error of its threshold: rare, never many
        assertTrue(missed.size() + extra.size() <= Math.max(2, expectedAlerts.size() / 10),
                "djl alerts vs the offline replay: missed " + missed + ", extra " + extra);
        // one clean-clone-like run of 8 this session measured 0.34 (the others 8e-4–9e-4), not reproduced
        // since; the message shows which forecast and how, for the next time
        assertTrue(worst <= bound, "djl vs java: " + worst + " at " + worstAt);
    }

    /**
     * {@code run --scorer cnf}: a flow fitted to right-skewed residuals (so it judges otherwise than
     * the Gaussian density) scores every observation in the job, on the per-record path and on the
     * micro-batched one, and the alerts are the offline replay's under that score, each once.
     */
    @Test
    void withTheFlowScorerBothPathsRaiseTheOfflineReplaysAlertsUnderTheFlowsScore() throws Exception {
        DemoStream stream = DemoStream.generate(DemoStream.Config.defaults());
        ResidualFlowFile flow = ResidualFlows.fitted(3, 11);
        UpdaterSettings updater = UpdaterSettings.defaults(DemoModel.MODEL_ID, TestModels.VERIFIER).withMonitor(DemoSetup.monitorSettings());
        List<String> expected = OfflineReplay.alerts(stream.observations(), MODEL, updater.alertPolicy(),
                updater.scoreSamples(), flow.newScorer());
        assertTrue(!expected.isEmpty(), "the flow's score raises alerts on the demo's anomalies");
        assertTrue(!expected.equals(offlineAlerts(stream, updater.alertPolicy(), updater.scoreSamples())),
                "the fixture's flow must judge otherwise than the Gaussian density, or this test proves nothing");

        Outputs plain = runBounded("cnf-", stream, List.of(), null, flow, expected.size());
        assertEquals(expected, anomalyKeys(plain.alerts()), "per-record path: the replay's alerts under the flow");
        Outputs batched = runBounded("cnf-batched-", stream, List.of(),
                new MicroBatching("java", "cpu", 64, Duration.ofMillis(50)), flow, expected.size());
        assertEquals(expected, anomalyKeys(batched.alerts()), "micro-batched path: the replay's alerts under the flow");
    }

    private static List<String> anomalyKeys(List<AnomalyAlert> alerts) {
        assertTrue(alerts.stream().allMatch(a -> a.getKind() == AlertKind.ANOMALY), "no model errors: " + alerts);
        return alerts.stream().map(a -> a.getSeriesId() + "@" + a.getEventTime().toEpochMilli()).sorted().toList();
    }

    /** max |got − expected| / (1 + |expected|) over the points' times, means, std and quantiles. */
    private static double worstDifference(Forecast expected, Forecast got) {
        return worstDifference(expected, got, false);
    }

    /**
     * As {@link #worstDifference(Forecast, Forecast)}; with {@code spreadScaled} each channel's
     * difference is over 1 + |mean| + std of the expected point instead: the solver's error is
     * relative to the size of the sample trajectories, which is |mean| plus their spread, not |mean|
     * alone (a prediction with std 70 and mean 0.4 moved its mean by 0.09 for a state error of 4e-4).
     */
    private static double worstDifference(Forecast expected, Forecast got, boolean spreadScaled) {
        assertEquals(expected.getPoints().size(), got.getPoints().size(), got.getRequestId());
        double worst = 0;
        for (int i = 0; i < expected.getPoints().size(); i++) {
            var e = expected.getPoints().get(i);
            var g = got.getPoints().get(i);
            assertEquals(e.getTime(), g.getTime(), got.getRequestId());
            for (var pair : List.of(List.of(e.getMean(), g.getMean()), List.of(e.getStddev(), g.getStddev()),
                    List.of(e.getQ05(), g.getQ05()), List.of(e.getQ50(), g.getQ50()), List.of(e.getQ95(), g.getQ95()))) {
                for (int j = 0; j < pair.get(0).size(); j++) {
                    double x = pair.get(0).get(j);
                    double scale = spreadScaled ? 1 + Math.abs(e.getMean().get(j)) + e.getStddev().get(j) : 1 + Math.abs(x);
                    worst = Math.max(worst, Math.abs(pair.get(1).get(j) - x) / scale);
                }
            }
        }
        return worst;
    }

    /**
     * The forecast the per-series operator gives for {@code r} from the series' state at
     * {@code stateMillis}: its observations up to then, in event-time order, through a LatentFilter.
     */
    private static Forecast offlineForecast(DemoStream stream, ForecastRequest r, long stateMillis, int samples) {
        LatentFilter filter = LatentFilter.init(MODEL);
        FilterState s = null;
        List<Observation> ordered = new ArrayList<>(stream.observations());
        ordered.sort(java.util.Comparator.comparingLong(o -> o.getEventTime().toEpochMilli()));
        for (Observation o : ordered) {
            long t = o.getEventTime().toEpochMilli();
            if (!o.getSeriesId().equals(r.getSeriesId()) || t > stateMillis) {
                continue;
            }
            boolean[] m = OfflineReplay.observed(o);
            double[] x = OfflineReplay.values(o, m);
            s = filter.update(s == null ? filter.start(t) : s, t, x, m);
        }
        assertTrue(s != null && s.timeMillis() == stateMillis, r.getRequestId() + ": no observation at the state time "
                + stateMillis);
        long[] times = r.getQueryTimes().stream().mapToLong(java.time.Instant::toEpochMilli).toArray();
        return JobRecords.forecast(r.getRequestId(), r.getSeriesId(), MODEL.getVersion(), stateMillis,
                filter.predict(s, times, samples, PosteriorUpdater.seed(r.getRequestId(), stateMillis)), null);
    }

    /** What a bounded run wrote. */
    private record Outputs(List<Forecast> forecasts, List<AnomalyAlert> alerts) {
    }

    /** Runs the bounded job over {@code stream} and {@code requests} on fresh topics; returns what it wrote. */
    private Outputs runBounded(String prefix, DemoStream stream, List<ForecastRequest> requests,
                               MicroBatching batching, int alertsAtLeast) throws Exception {
        return runBounded(prefix, stream, requests, batching, null, alertsAtLeast);
    }

    /** As above, scoring with {@code flow} (null: the Gaussian density). */
    private Outputs runBounded(String prefix, DemoStream stream, List<ForecastRequest> requests,
                               MicroBatching batching, ResidualFlowFile flow, int alertsAtLeast) throws Exception {
        KafkaSettings kafka = topics(prefix);
        try (RecordPublisher publisher = new RecordPublisher(kafka)) {
            publisher.send(OdeTopic.MODELS, MODEL);
            stream.observations().forEach(o -> publisher.send(OdeTopic.OBSERVATIONS, o));
            requests.forEach(r -> publisher.send(OdeTopic.FORECAST_REQUESTS, r));
        }
        UpdaterSettings updater = UpdaterSettings.defaults(DemoModel.MODEL_ID, TestModels.VERIFIER)
                .withMonitor(DemoSetup.monitorSettings()).withResidualFlow(flow);
        ForecastJobConfig config = ForecastJobConfig.defaults(kafka, updater).withBounded(true)
                .withModelSource(ModelSource.TOPIC).withCheckpoints(Duration.ofMillis(300), null)
                .withEventTime(Duration.ofSeconds(2), IDLENESS).withMicroBatching(batching);
        StreamExecutionEnvironment env = environment(false);
        ForecastJob.build(env, config);
        env.execute("forecast job " + prefix);
        return new Outputs(readAll(kafka, OdeTopic.FORECASTS, Forecast.class, requests.size(), requests.size()),
                readAll(kafka, OdeTopic.ALERTS, AnomalyAlert.class, alertsAtLeast, stream.size()));
    }

    /** The forecasts by request id, checking that each request has exactly one. */
    private static Map<String, Forecast> answers(List<Forecast> forecasts, List<ForecastRequest> requests) {
        Map<String, Forecast> byId = new HashMap<>();
        for (Forecast f : forecasts) {
            assertEquals(null, byId.put(f.getRequestId(), f), "answered twice: " + f.getRequestId());
        }
        assertEquals(requests.size(), byId.size(), "every request answered");
        return byId;
    }

    /** Asks for a forecast (answered at once) until an answer for {@code series} satisfies {@code check}. */
    private void awaitForecast(RecordPublisher publisher, ConcurrentLinkedQueue<Forecast> forecasts,
                                      String series, Predicate<Forecast> check) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        int n = 0;
        while (System.currentTimeMillis() < deadline) {
            assertTrue(problems.isEmpty(), "topic followers: " + problems);
            String id = series + "-probe-" + n++;
            // 01:00, after every state of these streams (a time before the state is refused, ForecastLimits)
            publisher.sendNow(OdeTopic.FORECAST_REQUESTS, ForecastRequest.newBuilder().setRequestId(id)
                    .setSeriesId(series).setQueryTimes(List.of(java.time.Instant.parse("2024-01-01T01:00:00Z")))
                    .build());
            Thread.sleep(500);
            if (forecasts.stream().anyMatch(f -> f.getSeriesId().equals(series) && f.getError() == null
                    && check.test(f))) {
                return;
            }
        }
        throw new AssertionError("no forecast for " + series + " as expected; got " + forecasts);
    }

    private void awaitOrGiveUp(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!condition.getAsBoolean() && System.currentTimeMillis() < deadline) {
            assertTrue(problems.isEmpty(), "topic followers: " + problems);
            Thread.sleep(100);
        }
    }

    private void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!condition.getAsBoolean()) {
            assertTrue(problems.isEmpty(), "topic followers: " + problems);
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    /** Everything committed to a topic, waiting until no new record arrived for a while. */
    /**
     * Everything committed to a topic: waits (up to a minute) for at least {@code atLeast} records,
     * then until no new one arrived for 1.5 s. Under load a follower can take seconds to be assigned
     * its partitions, so "quiet for a while" alone could end before the first record.
     */
    private <T extends org.apache.avro.specific.SpecificRecord> List<T> readAll(KafkaSettings kafka,
            OdeTopic topic, Class<T> type, int atLeast, int atMost) throws InterruptedException {
        List<T> out = Collections.synchronizedList(new ArrayList<>());
        try (TopicFollower<T> follower = new TopicFollower<>(kafka, topic, type, out::add,
                problems::add)) {
            // on a timeout the caller's comparison says what is missing, which beats "timed out"
            awaitOrGiveUp(() -> follower.received() >= atLeast);
            long last = -1;
            while (follower.received() != last) {
                last = follower.received();
                Thread.sleep(1500);
            }
        }
        assertTrue(problems.isEmpty(), "topic followers: " + problems);
        assertTrue(out.size() <= atMost, topic + ": " + out.size());
        return new ArrayList<>(out);
    }

    /** The alerts the job must raise, computed without Flink ({@link OfflineReplay}). */
    private static List<String> offlineAlerts(DemoStream stream, AlertPolicy policy, int samples) {
        return OfflineReplay.alerts(stream.observations(), MODEL, policy, samples);
    }

    /**
     * Passes records through; on the first attempt, once a checkpoint has completed and enough records
     * passed, it throws, so the job restores from that checkpoint with open transactions behind it.
     */
    static final class FailOnceAfterACheckpoint
            extends RichMapFunction<Either<Observation, ForecastRequest>, Either<Observation, ForecastRequest>>
            implements CheckpointListener {
        private final int failAfter;
        private transient int seen;
        private transient boolean checkpointCompleted;

        FailOnceAfterACheckpoint(int failAfter) {
            this.failAfter = failAfter;
        }

        @Override
        public void open(OpenContext context) {
            seen = 0;
            checkpointCompleted = false;
        }

        @Override
        public Either<Observation, ForecastRequest> map(Either<Observation, ForecastRequest> record) throws Exception {
            boolean firstAttempt = getRuntimeContext().getTaskInfo().getAttemptNumber() == 0;
            if (firstAttempt && !checkpointCompleted) {
                // So that a checkpoint completes while data still flows: the records trickle once
                // enough have passed (the updater may not slow them: it holds event time until the
                // model arrives, so nothing backs up), and the task thread stays free between them
                // to hear of the completed checkpoint.
                Thread.sleep(seen >= failAfter ? 20 : 1);
            }
            seen++;
            if (firstAttempt && checkpointCompleted && seen >= failAfter) {
                FAILURES.incrementAndGet();
                throw new IllegalStateException("injected failure after " + seen + " records (test)");
            }
            return record;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpointCompleted = true;
        }
    }
}
