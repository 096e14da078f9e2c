package io.odestream.job.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.demo.DemoModel;
import io.odestream.demo.DemoSetup;
import io.odestream.demo.DemoStream;
import io.odestream.finetune.RegimeChange;
import io.odestream.finetune.WindowCutter;
import io.odestream.job.TestModels;
import io.odestream.job.finetune.FineTuneJob;
import io.odestream.job.finetune.FineTuneSettings;
import io.odestream.job.forecast.ForecastJob;
import io.odestream.job.forecast.ForecastJobConfig;
import io.odestream.job.forecast.UpdaterSettings;
import io.odestream.job.health.ModelHealthSettings;
import io.odestream.job.shadow.ShadowSettings;
import io.odestream.kafka.KafkaSettings;
import io.odestream.kafka.OdeTopic;
import io.odestream.kafka.RecordPublisher;
import io.odestream.kafka.TopicFollower;
import io.odestream.kafka.broker.testing.KafkaBrokerExtension;
import io.odestream.latent.LatentOdeModel;
import io.odestream.registry.ArtifactSigner;
import io.odestream.registry.ArtifactVerifier;
import io.odestream.registry.ModelRegistry;
import io.odestream.registry.RegistryConfig;
import io.odestream.registry.RegistrySnapshot;
import io.odestream.registry.ServingControl;
import io.odestream.registry.testing.TestRegistry;
import io.odestream.schema.AlertKind;
import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.Forecast;
import io.odestream.schema.ForecastPoint;
import io.odestream.schema.ForecastRequest;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import io.odestream.schema.RegistryServingAction;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongPredicate;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Continuous deployment end to end, real broker, two Flink MiniClusters: the forecasting job serves
 * what the registry's pointer names; the fine-tuning job (auto mode) learns the stream's new
 * regime (every frequency doubled) and promotes a better version; the forecasting job swaps to it
 * without a restart and its forecast error on the new regime, measured from the forecasts topic,
 * drops; a rollback swaps back and the error returns to the old version's.
 */
class ContinuousDeploymentIT {
    /** Each request asks, as of one observation, for the next {@value} observations' times. */
    private static final int LOOK_AHEAD = 5;
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void fineTuningDeploysABetterModelTheJobSwapsToAndRollbackSwapsBack(@TempDir Path keys) throws Exception {
        Setup setup = Setup.of("cd-", keys);
        // The new regime, cut by event time: A is served by v1 (and trains v2), B by v2, C after the rollback.
        List<Observation> stream = RegimeChange.newRegimeObservations(4243);
        Phases phases = Phases.of(stream);
        List<Observation> a = phases.a();
        List<Observation> b = phases.b();
        List<Observation> c = phases.c();
        Map<String, double[][]> truth = new HashMap<>();
        List<ForecastRequest> requests = requests(stream, truth);

        ConcurrentLinkedQueue<Forecast> forecasts = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        StreamExecutionEnvironment servingEnv = setup.servingJob(null);
        StreamExecutionEnvironment tuningEnv = setup.tuningJob(RegistryDeployment.Mode.AUTO, a);
        KeyPair pair = setup.pair();
        try (ModelRegistry registry = setup.registryServingTheBundledModel();
             RecordPublisher publisher = new RecordPublisher(setup.serving());
             TopicFollower<Forecast> follower = new TopicFollower<>(setup.serving(), OdeTopic.FORECASTS, Forecast.class,
                     forecasts::add, problems::add)) {
            JobClient servingJob = servingEnv.executeAsync("forecasting (registry pointer)");
            JobClient tuningJob = tuningEnv.executeAsync("fine-tuning (auto)");
            long start;
            Runnable healthy = () -> {
                assertTrue(problems.isEmpty(), "forecasts topic: " + problems);
                assertRunning(servingJob);
            };
            try {
                String probe = a.get(0).getSeriesId();
                awaitServed(publisher, forecasts, healthy, probe, v -> v == DemoModel.VERSION);
                start = System.nanoTime(); // the new regime starts arriving now
                send(publisher, a, requests);

                awaitPromotion(registry);
                double secondsToPromotion = (System.nanoTime() - start) / 1e9;
                cancel(tuningJob); // from here on the registry changes only by this test's hand
                long promoted = registry.snapshot().served(DemoModel.MODEL_ID).orElseThrow().getVersion();
                long newest = registry.snapshot().latest(DemoModel.MODEL_ID).orElseThrow().getVersion();
                awaitServed(publisher, forecasts, healthy, probe, v -> v == promoted);
                double secondsToServed = (System.nanoTime() - start) / 1e9;

                ModelArtifact unpromoted = ArtifactSigner.of(pair).sign(ModelArtifact.newBuilder(
                                registry.snapshot().served(DemoModel.MODEL_ID).orElseThrow())
                        .setVersion(newest + 1).setParentVersion(promoted).setSignature(null).setSigningKeyId(null)
                        .build());
                registry.publish(unpromoted); // published, never promoted: must not be served
                send(publisher, b, requests);
                awaitAnswered(forecasts, healthy, requests, b);

                registry.rollback(DemoModel.MODEL_ID, DemoModel.VERSION, "test: roll back to the bundled model");
                awaitServed(publisher, forecasts, healthy, probe, v -> v == DemoModel.VERSION);
                send(publisher, c, requests);
                publisher.flush();
                awaitAnswered(forecasts, healthy, requests, c);

                Errors v1Before = Errors.of(forecasts, truth, a, DemoModel.VERSION);
                Errors tuned = Errors.of(forecasts, truth, b, promoted);
                Errors v1After = Errors.of(forecasts, truth, c, DemoModel.VERSION);
                System.out.printf(Locale.ROOT, "continuous deployment: v%d promoted %.1f s after the new regime "
                                + "began to arrive, served by the job at %.1f s; forecast MAE (1-%d steps ahead) v1 on A %.4f (%d points), v%d on B "
                                + "%.4f (%d), v1 again on C after rollback %.4f (%d)%n", promoted, secondsToPromotion,
                        secondsToServed, LOOK_AHEAD, v1Before.mae(), v1Before.points(), promoted, tuned.mae(),
                        tuned.points(), v1After.mae(), v1After.points());

                assertEquals(List.of(), List.copyOf(problems));
                assertTrue(forecasts.stream().noneMatch(f -> f.getModelVersion() == newest + 1),
                        "the published but unpromoted version was never served");
                assertTrue(v1Before.points() > 500 && tuned.points() > 200 && v1After.points() > 200,
                        "enough forecasts per phase: " + v1Before + tuned + v1After);
                assertTrue(tuned.mae() < 0.8 * v1Before.mae(), "the fine-tuned model forecasts the new regime "
                        + "at least 20% better: " + tuned.mae() + " vs " + v1Before.mae());
                // Measured: v1 0.565 on A, v2 0.252 on B (55 % lower), v1 0.563 on C, the same in three runs: the
                // round trains on all of phase A's windows in a fixed order. The bounds leave room for the
                // arithmetic of another JVM or CPU.
                assertTrue(Math.abs(v1After.mae() - v1Before.mae()) < 0.2 * v1Before.mae(), "after the rollback the "
                        + "old model's error is back: " + v1After.mae() + " vs " + v1Before.mae() + " before");
                assertTrue(v1After.mae() > 1.1 * tuned.mae(), "and above the fine-tuned model's: "
                        + v1After.mae() + " vs " + tuned.mae());
            } finally {
                cancel(servingJob);
                cancel(tuningJob);
            }
        }
    }

    @Test
    void inShadowModeTheCandidateWinsOnLiveDataBeforeItIsPromotedAndACorruptedOneNeverIs(@TempDir Path keys)
            throws Exception {
        Setup setup = Setup.of("sh-", keys);
        Phases phases = Phases.of(RegimeChange.newRegimeObservations(4243));
        List<Observation> a = phases.a();
        List<Observation> b = phases.b();
        List<Observation> c = phases.c();

        // A share of 0.7 shadows 3 of these 8 series (by their ids' hash); phase B has ~150 observations per
        // series, so 200 scored observations decide within the phase.
        ShadowSettings shadow = new ShadowSettings(0.7, 200, 0.05, 16, RegistryPromoter.factory(
                KAFKA.bootstrapServers(), setup.registry().modelsTopic(), setup.registry().servingTopic(),
                keys.toString()));
        StreamExecutionEnvironment servingEnv = setup.servingJob(shadow);
        StreamExecutionEnvironment tuningEnv = setup.tuningJob(RegistryDeployment.Mode.MANUAL, a);
        KeyPair pair = setup.pair();

        try (ModelRegistry registry = setup.registryServingTheBundledModel();
             RecordPublisher publisher = new RecordPublisher(setup.serving());
             Outputs outputs = Outputs.follow(setup.serving())) {
            ConcurrentLinkedQueue<Forecast> forecasts = outputs.forecasts();
            ConcurrentLinkedQueue<AnomalyAlert> alerts = outputs.alerts();
            ConcurrentLinkedQueue<String> problems = outputs.problems();
            JobClient servingJob = servingEnv.executeAsync("forecasting (registry pointer, shadow mode)");
            JobClient tuningJob = tuningEnv.executeAsync("fine-tuning (manual)");
            Runnable healthy = () -> {
                assertTrue(problems.isEmpty(), "followers: " + problems);
                assertRunning(servingJob);
            };
            try {
                String probe = a.get(0).getSeriesId();
                awaitServed(publisher, forecasts, healthy, probe, v -> v == DemoModel.VERSION);
                send(publisher, a, List.of());
                long candidate = awaitRegistry(registry, healthy, "a published candidate",
                        r -> r.latest(DemoModel.MODEL_ID).map(ModelArtifact::getVersion).orElse(0L) > DemoModel.VERSION)
                        .latest(DemoModel.MODEL_ID).orElseThrow().getVersion();
                cancel(tuningJob);
                assertEquals(DemoModel.VERSION, registry.snapshot().served(DemoModel.MODEL_ID).orElseThrow().getVersion(),
                        "manual mode publishes, it does not promote");

                send(publisher, b, List.of()); // live data for the shadow comparison
                var promoted = awaitRegistry(registry, healthy, "the shadow winner's promotion",
                        r -> r.served(DemoModel.MODEL_ID).orElseThrow().getVersion() == candidate);
                var history = promoted.serving(DemoModel.MODEL_ID).orElseThrow().getHistory();
                String reason = history.get(history.size() - 1).getReason();
                assertTrue(reason.contains("won in shadow mode") && reason.contains("(criterion nll,mae)")
                        && reason.contains("mean NLL") && reason.contains("MAE"), "the promotion records the "
                        + "criterion and both measures: " + reason);
                awaitServed(publisher, forecasts, healthy, probe, v -> v == candidate);
                assertTrue(forecasts.stream().filter(x -> x.getModelVersion() == candidate).count() > 0);

                ModelArtifact corrupted = ArtifactSigner.of(pair).sign(TestModels.withScaledReadout(
                        promoted.served(DemoModel.MODEL_ID).orElseThrow(), candidate + 1, 1.3));
                registry.publish(corrupted);
                send(publisher, c, List.of());
                long deadline = System.currentTimeMillis() + 90_000;
                while (alerts.stream().noneMatch(x -> x.getKind() == AlertKind.MODEL_REJECTED
                        && x.getModelVersion() == candidate + 1)) {
                    healthy.run();
                    assertTrue(System.currentTimeMillis() < deadline, "no shadow verdict for the corrupted version");
                    Thread.sleep(500);
                }
                AnomalyAlert rejection = alerts.stream().filter(x -> x.getKind() == AlertKind.MODEL_REJECTED)
                        .findFirst().orElseThrow();
                System.out.println("shadow mode: " + reason + " | " + rejection.getMessage());
                assertTrue(rejection.getMessage().contains("shadow mode: rejected"), rejection.getMessage());
                assertTrue(rejection.getMessage().contains("MAE worse than the served model's")
                        && rejection.getMessage().contains("mean NLL"), "a candidate whose point forecasts are "
                        + "worse is refused under the default criterion, and both measures are recorded: "
                        + rejection.getMessage());
                assertEquals(candidate, registry.snapshot().served(DemoModel.MODEL_ID).orElseThrow().getVersion(),
                        "the corrupted version lost on live data and is not promoted");
            } finally {
                cancel(servingJob);
                cancel(tuningJob);
            }
        }
    }

    @Test
    void aDegradedServedVersionRaisesModelDegradedAndThePolicyRollsItBackPinned(@TempDir Path keys)
            throws Exception {
        Setup setup = Setup.of("mh-", keys);
        // The regime the bundled model was trained on: v1 forecasts it well; the first half sets its live level.
        List<Observation> stream = DemoStream.generate(RegimeChange.oldRegime(4243).withSeries(4)
                .withSpan(Duration.ofMinutes(4))).observations();
        Phases phases = Phases.of(stream);
        // k = 3 for 20 s of event time, judged after 20 observations per subtask; roll back when degraded.
        ModelHealthSettings guard = ModelHealthSettings.alertOnly().withRule(3, Duration.ofSeconds(20))
                .withObservations(20, 0.1).withPolicy(ModelHealthSettings.OnDegraded.ROLLBACK,
                        RegistryRollback.factory(KAFKA.bootstrapServers(), Map.of(), setup.registry().modelsTopic(),
                                setup.registry().servingTopic(), keys.toString()));
        StreamExecutionEnvironment servingEnv = setup.servingJob(null, guard);
        try (ModelRegistry registry = setup.registryServingTheBundledModel();
             RecordPublisher publisher = new RecordPublisher(setup.serving());
             Outputs outputs = Outputs.follow(setup.serving())) {
            ConcurrentLinkedQueue<Forecast> forecasts = outputs.forecasts();
            ConcurrentLinkedQueue<AnomalyAlert> alerts = outputs.alerts();
            ConcurrentLinkedQueue<String> problems = outputs.problems();
            JobClient servingJob = servingEnv.executeAsync("forecasting (registry pointer, model-health guard)");
            Runnable healthy = () -> {
                assertTrue(problems.isEmpty(), "followers: " + problems);
                assertRunning(servingJob);
            };
            try {
                String probe = phases.a().get(0).getSeriesId();
                awaitServed(publisher, forecasts, healthy, probe, v -> v == DemoModel.VERSION);
                // answered once the watermark passed it: v1 has scored the first half before v2 comes
                Observation lastOfA = phases.a().get(phases.a().size() - 1);
                ForecastRequest endOfA = ForecastRequest.newBuilder().setRequestId("end-of-a").setSeriesId(probe)
                        .setQueryTimes(List.of(lastOfA.getEventTime().plusSeconds(10)))
                        .setAsOf(lastOfA.getEventTime().minusSeconds(5)).build();
                send(publisher, phases.a(), List.of(endOfA));
                long answered = System.currentTimeMillis() + 60_000;
                while (forecasts.stream().noneMatch(x -> x.getRequestId().equals("end-of-a"))) {
                    healthy.run();
                    assertTrue(System.currentTimeMillis() < answered, "the first half was not processed in 60 s");
                    Thread.sleep(200);
                }

                // v2: the served weights perturbed (readout x 6, so that its live error is far above k = 3 times v1's),
                // promoted by an operator
                long degraded = DemoModel.VERSION + 1;
                registry.publish(ArtifactSigner.of(setup.pair()).sign(TestModels.withScaledReadout(
                        registry.snapshot().served(DemoModel.MODEL_ID).orElseThrow(), degraded, 6.0)));
                registry.promote(DemoModel.MODEL_ID, degraded, "retrained (perturbed on purpose)");
                awaitServed(publisher, forecasts, healthy, probe, v -> v == degraded);
                List<Observation> rest = new ArrayList<>(phases.b());
                rest.addAll(phases.c());
                send(publisher, rest, List.of());

                var rolledBack = awaitRegistry(registry, healthy, "the guard's rollback",
                        r -> r.served(DemoModel.MODEL_ID).orElseThrow().getVersion() == DemoModel.VERSION);
                var pointer = rolledBack.serving(DemoModel.MODEL_ID).orElseThrow();
                var change = pointer.getHistory().get(pointer.getHistory().size() - 1);
                assertEquals(RegistryServingAction.ROLLED_BACK, change.getAction());
                assertEquals("model-health guard", change.getChangedBy());
                assertTrue(change.getAutomated(), "recorded as automation");
                assertTrue(change.getReason().contains("degraded") && change.getReason().contains("v2 rolling error"),
                        change.getReason());
                assertTrue(ServingControl.of(pointer).pin().isPresent(), "pinned like an operator's rollback");

                long deadline = System.currentTimeMillis() + 30_000;
                while (alerts.stream().noneMatch(x -> x.getKind() == AlertKind.MODEL_DEGRADED)) {
                    healthy.run();
                    assertTrue(System.currentTimeMillis() < deadline, "no MODEL_DEGRADED alert");
                    Thread.sleep(500);
                }
                AnomalyAlert alert = alerts.stream().filter(x -> x.getKind() == AlertKind.MODEL_DEGRADED)
                        .findFirst().orElseThrow();
                System.out.println("model-health guard: " + alert.getMessage());
                assertEquals(degraded, alert.getModelVersion());
                assertEquals("model:" + DemoModel.MODEL_ID, alert.getSeriesId());
                assertTrue(alert.getMessage().contains("the live error of v1")
                        && alert.getMessage().contains("policy rollback"), alert.getMessage());
                assertTrue(alerts.stream().filter(x -> x.getKind() == AlertKind.MODEL_DEGRADED)
                        .allMatch(x -> x.getModelVersion() == degraded), "v1 is never found degraded");
                awaitServed(publisher, forecasts, healthy, probe, v -> v == DemoModel.VERSION);
            } finally {
                cancel(servingJob);
            }
        }
    }

    private static RegistrySnapshot awaitRegistry(ModelRegistry registry, Runnable healthy, String what,
                                                  java.util.function.Predicate<RegistrySnapshot> done)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            healthy.run();
            RegistrySnapshot now = registry.snapshot();
            if (done.test(now)) {
                return now;
            }
            Thread.sleep(1_000);
        }
        throw new AssertionError("the registry shows no " + what + " within 120 s");
    }

    /**
     * Topics under one prefix, a signing key pair written to {@code keys} (trusted by the job), the
     * registry on the prefix's models and model-serving topics, and the two jobs' environments.
     */
    private record Setup(KafkaSettings serving, KafkaSettings tuning, KeyPair pair, RegistryConfig registry,
                         ArtifactVerifier verifier, Path keys, String prefix) {
        static Setup of(String prefix, Path keys) throws Exception {
            KafkaSettings serving = KAFKA.topics(prefix, prefix + "serving");
            KafkaSettings tuning = KafkaSettings.builder(KAFKA.bootstrapServers()).topicPrefix(prefix)
                    .transactionalIdPrefix(prefix + "tuning").build();
            TestRegistry signed = TestRegistry.on(serving).writeKeys(keys, "fine-tune");
            return new Setup(serving, tuning, signed.pair(), signed.config(), signed.verifier(), keys, prefix);
        }

        /** The forecasting job in registry mode, shadow mode on when {@code shadow} is given. */
        StreamExecutionEnvironment servingJob(ShadowSettings shadow) {
            return servingJob(shadow, null);
        }

        /** ... and the model-health guard when {@code guard} is given. */
        StreamExecutionEnvironment servingJob(ShadowSettings shadow, ModelHealthSettings guard) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, new Configuration());
            ForecastJobConfig config = ForecastJobConfig.defaults(serving,
                            UpdaterSettings.defaults(DemoModel.MODEL_ID, verifier).withMonitor(DemoSetup.monitorSettings())
                                    .withHealthGuard(guard))
                    .withGroupId(prefix + "serving").withCheckpoints(Duration.ofMillis(500), null)
                    .withEventTime(Duration.ofSeconds(1), Duration.ofMillis(500));
            ForecastJob.build(env, shadow == null ? config : config.withShadow(shadow));
            return env;
        }

        /**
         * The fine-tuning job: one round once every window of {@code phase} is in (the timed rounds are
         * 10 minutes apart), so the round trains on the same windows in every run whatever the machine's
         * pace. On a 3 s schedule the first round trained on however many windows had arrived, and the
         * candidate's error on the new regime ranged from 0.25 to 0.47 between runs.
         */
        StreamExecutionEnvironment tuningJob(RegistryDeployment.Mode mode, List<Observation> phase) {
            FineTuneSettings settings = FineTuneSettings.defaults()
                    .withRounds(Duration.ofMinutes(10), Duration.ofSeconds(120), 40).withMinimumWindows(64, 16);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration());
            FineTuneJob.build(env, new FineTuneJob.Config(tuning, prefix + "tuning", settings
                    .withRoundEveryWindows(windowsCut(phase, settings)),
                    RegistryDeployment.factory(KAFKA.bootstrapServers(), registry.modelsTopic(),
                            registry.servingTopic(), keys.toString(), "fine-tune", keys.toString(),
                            DemoModel.MODEL_ID, mode), Duration.ofSeconds(1)));
            return env;
        }

        /** How many training windows the fine-tuning job cuts from {@code observations}. */
        private static int windowsCut(List<Observation> observations, FineTuneSettings settings) {
            Map<String, WindowCutter> cutters = new HashMap<>();
            int windows = 0;
            for (Observation o : observations) {
                WindowCutter cutter = cutters.computeIfAbsent(o.getSeriesId(), id -> new WindowCutter(id,
                        o.getValues().size(), settings.windowLength(), settings.split(), settings.stride()));
                double[] values = o.getValues().stream().mapToDouble(x -> x == null ? Double.NaN : x).toArray();
                windows += cutter.offer(o.getEventTime().toEpochMilli(), values) == null ? 0 : 1;
            }
            return windows;
        }

        /** The registry with the bundled model published and promoted (version 1). */
        ModelRegistry registryServingTheBundledModel() {
            ModelRegistry r = ModelRegistry.connect(registry, verifier);
            r.publish(ArtifactSigner.of(pair).sign(DemoModel.bundled()));
            r.promote(DemoModel.MODEL_ID, DemoModel.VERSION, "the bundled model");
            return r;
        }
    }

    /** The forecasting job's forecasts and alerts as they are committed, and what the followers could not read. */
    private record Outputs(ConcurrentLinkedQueue<Forecast> forecasts, ConcurrentLinkedQueue<AnomalyAlert> alerts,
                           ConcurrentLinkedQueue<String> problems, TopicFollower<Forecast> forecastFollower,
                           TopicFollower<AnomalyAlert> alertFollower) implements AutoCloseable {
        static Outputs follow(KafkaSettings serving) throws InterruptedException {
            ConcurrentLinkedQueue<Forecast> forecasts = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<AnomalyAlert> alerts = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
            TopicFollower<Forecast> f = new TopicFollower<>(serving, OdeTopic.FORECASTS, Forecast.class,
                    forecasts::add, problems::add);
            try {
                return new Outputs(forecasts, alerts, problems, f, new TopicFollower<>(serving, OdeTopic.ALERTS,
                        AnomalyAlert.class, alerts::add, problems::add));
            } catch (RuntimeException e) {
                f.close();
                throw e;
            }
        }

        @Override
        public void close() throws InterruptedException {
            alertFollower.close();
            forecastFollower.close();
        }
    }

    /** The stream cut by event time: the first half, the third quarter, the last quarter. */
    private record Phases(List<Observation> a, List<Observation> b, List<Observation> c) {
        static Phases of(List<Observation> stream) {
            long t0 = stream.get(0).getEventTime().toEpochMilli();
            long span = stream.get(stream.size() - 1).getEventTime().toEpochMilli() - t0;
            return new Phases(between(stream, t0, t0 + span / 2), between(stream, t0 + span / 2, t0 + 3 * span / 4),
                    between(stream, t0 + 3 * span / 4, Long.MAX_VALUE));
        }
    }

    /** Cancels a job that may have ended already (its MiniCluster gone); never hides the test's own failure. */
    private static void cancel(JobClient job) {
        try {
            job.cancel().get();
        } catch (Exception alreadyEnded) {
            // nothing left to stop
        }
    }

    /** Fails with the job's own error when it stopped (a failed job otherwise just answers nothing). */
    private static void assertRunning(JobClient job) {
        try {
            if (job.getJobStatus().get().isTerminalState()) {
                job.getJobExecutionResult().get();
                throw new AssertionError("the job " + job.getJobID() + " ended");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError("the job " + job.getJobID() + " failed", e.getCause());
        }
    }

    private static List<Observation> between(List<Observation> stream, long from, long to) {
        return stream.stream().filter(o -> o.getEventTime().toEpochMilli() >= from
                && o.getEventTime().toEpochMilli() < to).toList();
    }

    /**
     * For every 4th observation of each series, a request as of its time for the times of the
     * series' next {@link #LOOK_AHEAD} observations, whose values are the truth to compare with.
     */
    private static List<ForecastRequest> requests(List<Observation> stream, Map<String, double[][]> truth) {
        Map<String, List<Observation>> bySeries = new HashMap<>();
        stream.forEach(o -> bySeries.computeIfAbsent(o.getSeriesId(), k -> new ArrayList<>()).add(o));
        List<ForecastRequest> out = new ArrayList<>();
        bySeries.forEach((series, observations) -> {
            for (int k = 4; k + LOOK_AHEAD < observations.size(); k += 4) {
                String id = series + "@" + k;
                List<Instant> times = new ArrayList<>();
                double[][] values = new double[LOOK_AHEAD][];
                for (int j = 1; j <= LOOK_AHEAD; j++) {
                    Observation next = observations.get(k + j);
                    times.add(next.getEventTime());
                    values[j - 1] = next.getValues().stream().mapToDouble(v -> v == null ? Double.NaN : v).toArray();
                }
                truth.put(id, values);
                out.add(ForecastRequest.newBuilder().setRequestId(id).setSeriesId(series).setQueryTimes(times)
                        .setAsOf(observations.get(k).getEventTime()).build());
            }
        });
        return out;
    }

    /**
     * A phase's requests, then its observations. Each request must be waiting in the job before the
     * watermark passes its as-of time, or it is answered from the state as it is then (the job keeps
     * no history of states); the watermark moves only with observations, so requests go first.
     */
    private static void send(RecordPublisher publisher, List<Observation> phase, List<ForecastRequest> requests)
            throws InterruptedException {
        long from = phase.get(0).getEventTime().toEpochMilli();
        long to = phase.get(phase.size() - 1).getEventTime().toEpochMilli();
        requests.stream().filter(r -> r.getAsOf().toEpochMilli() >= from && r.getAsOf().toEpochMilli() <= to)
                .forEach(r -> publisher.send(OdeTopic.FORECAST_REQUESTS, r));
        publisher.flush();
        Thread.sleep(2_000); // the requests' source reads them meanwhile
        phase.forEach(o -> publisher.send(OdeTopic.OBSERVATIONS, o));
        publisher.flush();
    }

    private static void awaitPromotion(ModelRegistry registry) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 180_000;
        while (System.currentTimeMillis() < deadline) {
            var served = registry.snapshot().served(DemoModel.MODEL_ID);
            if (served.isPresent() && served.get().getVersion() > DemoModel.VERSION) {
                return;
            }
            Thread.sleep(1_000);
        }
        throw new AssertionError("fine-tuning promoted no version within 180 s");
    }

    /** Asks (answered at once) until the job answers for {@code series} with a version {@code check} accepts. */
    private static void awaitServed(RecordPublisher publisher, ConcurrentLinkedQueue<Forecast> forecasts,
                                    Runnable healthy, String series, LongPredicate check)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 90_000;
        java.util.Set<String> sent = new java.util.HashSet<>(); // answers to earlier waits do not count
        for (int n = 0; System.currentTimeMillis() < deadline; n++) {
            healthy.run();
            String id = "probe-" + System.nanoTime() + "-" + n;
            sent.add(id);
            publisher.sendNow(OdeTopic.FORECAST_REQUESTS, ForecastRequest.newBuilder().setRequestId(id)
                    .setSeriesId(series).setQueryTimes(List.of(Instant.ofEpochMilli(1_704_067_500_000L))).build());
            Thread.sleep(500);
            // an answer names the served version, even one that says the series is unknown yet
            if (forecasts.stream().anyMatch(f -> sent.contains(f.getRequestId()) && check.test(f.getModelVersion()))) {
                return;
            }
        }
        throw new AssertionError("the job did not answer for " + series + " with the expected version in 90 s");
    }

    /**
     * Until every request of the phase is answered. The phase's last requests wait for the watermark
     * to pass their as-of time, which the next phase's data (or the probes' idleness) moves.
     */
    private static void awaitAnswered(ConcurrentLinkedQueue<Forecast> forecasts,
                                      Runnable healthy, List<ForecastRequest> requests,
                                      List<Observation> phase) throws InterruptedException {
        long from = phase.get(0).getEventTime().toEpochMilli();
        long to = phase.get(phase.size() - 1).getEventTime().toEpochMilli();
        java.util.Set<String> ids = new java.util.HashSet<>();
        requests.stream().filter(r -> r.getAsOf().toEpochMilli() >= from && r.getAsOf().toEpochMilli() <= to - 5_000)
                .forEach(r -> ids.add(r.getRequestId()));
        long deadline = System.currentTimeMillis() + 90_000;
        List<Forecast> answers = List.of();
        while (System.currentTimeMillis() < deadline) {
            healthy.run();
            answers = forecasts.stream().filter(f -> ids.contains(f.getRequestId())).toList();
            if (answers.size() >= ids.size()) {
                return;
            }
            Thread.sleep(500);
        }
        long failed = answers.stream().filter(f -> f.getError() != null).count();
        throw new AssertionError("only " + answers.size() + " of the phase's " + ids.size() + " requests were answered "
                + "in 90 s (" + failed + " with an error, e.g. " + answers.stream().filter(f -> f.getError() != null)
                .map(Forecast::getError).findFirst().orElse("none") + ")");
    }

    /** Mean absolute error of the answers of one version to the requests as of one phase's times. */
    private record Errors(double mae, long points) {
        static Errors of(ConcurrentLinkedQueue<Forecast> forecasts, Map<String, double[][]> truth,
                         List<Observation> phase, long version) {
            long from = phase.get(0).getEventTime().toEpochMilli();
            long to = phase.get(phase.size() - 1).getEventTime().toEpochMilli();
            double sum = 0;
            long n = 0;
            for (Forecast f : forecasts) {
                double[][] actual = truth.get(f.getRequestId());
                if (actual == null || f.getError() != null || f.getModelVersion() != version
                        || f.getStateTime().toEpochMilli() < from || f.getStateTime().toEpochMilli() > to) {
                    continue;
                }
                for (int j = 0; j < actual.length; j++) {
                    ForecastPoint p = f.getPoints().get(j);
                    for (int ch = 0; ch < actual[j].length; ch++) {
                        if (!Double.isNaN(actual[j][ch])) {
                            sum += Math.abs(p.getMean().get(ch) - actual[j][ch]);
                            n++;
                        }
                    }
                }
            }
            return new Errors(n == 0 ? Double.NaN : sum / n, n);
        }
    }
}
