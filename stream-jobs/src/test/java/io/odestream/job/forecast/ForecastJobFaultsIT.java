package io.odestream.job.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.demo.DemoModel;
import io.odestream.demo.DemoSetup;
import io.odestream.demo.DemoStream;
import io.odestream.job.TestModels;
import io.odestream.job.forecast.ForecastJobConfig.ModelSource;
import io.odestream.kafka.KafkaSettings;
import io.odestream.kafka.OdeTopic;
import io.odestream.kafka.RecordPublisher;
import io.odestream.kafka.TopicFollower;
import io.odestream.kafka.TopicSetup;
import io.odestream.kafka.broker.testing.KafkaBrokerExtension;
import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.Forecast;
import io.odestream.schema.ForecastRequest;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults during a run (issue 19, item 3), each judged by a read_committed consumer against an
 * offline replay of the same stream: every alert once, none more; every forecast request answered
 * once, without error. (a) A task failure injected every couple of seconds through the run, the job
 * micro-batching on the java backend (a batch is applied before every checkpoint barrier, so no
 * checkpoint holds half of one); (b) the broker stopped and started again on the same port and log
 * directory while the stream flows, the job unbatched. The job: a Flink MiniCluster at parallelism 2,
 * restarting from its latest checkpoint on a failure.
 */
class ForecastJobFaultsIT {
    private static final ModelArtifact MODEL = TestModels.sign(DemoModel.bundled());
    static final AtomicInteger INJECTED = new AtomicInteger();
    static final AtomicLong LAST_INJECTED = new AtomicLong();
    static final java.util.concurrent.atomic.AtomicBoolean CHECKPOINTED = new java.util.concurrent.atomic.AtomicBoolean();
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();

    private static StreamExecutionEnvironment environment(int restarts) {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, restarts);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
        return StreamExecutionEnvironment.createLocalEnvironment(2, conf);
    }

    private static UpdaterSettings updater() {
        return UpdaterSettings.defaults(DemoModel.MODEL_ID, TestModels.VERIFIER).withMonitor(DemoSetup.monitorSettings());
    }

    @Test
    void aTaskFailureEveryTwoSecondsLosesAndRepeatsNothingInMicroBatches() throws Exception {
        KafkaSettings kafka = KAFKA.topics("failures-", "failures-job");
        DemoStream stream = DemoStream.generate(DemoStream.Config.defaults());
        List<ForecastRequest> requests = DemoSetup.requests(stream);
        List<SpecificRecord> inOrder = DemoTraffic.inEventTimeOrder(stream.observations(), requests);
        ForecastJobConfig config = ForecastJobConfig.defaults(kafka, updater()).withModelSource(ModelSource.TOPIC)
                .withCheckpoints(Duration.ofMillis(300), null).withEventTime(Duration.ofSeconds(2), Duration.ofSeconds(10))
                .withMicroBatching(new MicroBatching("java", "cpu", 64, Duration.ofMillis(50)));
        StreamExecutionEnvironment env = environment(10);
        int failures = 3;
        ForecastJob.build(env, config, in -> in.map(new FailEvery(Duration.ofSeconds(2), failures))
                .returns(PosteriorUpdater.INPUT_TYPE).name("fail every 2 s"));

        ConcurrentLinkedQueue<Forecast> forecasts = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<AnomalyAlert> alerts = new ConcurrentLinkedQueue<>();
        JobClient job = null;
        try (RecordPublisher publisher = new RecordPublisher(kafka);
             TopicFollower<Forecast> f = new TopicFollower<>(kafka, OdeTopic.FORECASTS, Forecast.class, forecasts::add,
                     problems::add);
             TopicFollower<AnomalyAlert> a = new TopicFollower<>(kafka, OdeTopic.ALERTS, AnomalyAlert.class, alerts::add,
                     problems::add)) {
            publisher.send(OdeTopic.MODELS, MODEL);
            job = env.executeAsync("forecast job, a failure every 2 s");
            // Live traffic, ~400 records a second until every failure has struck (a restore takes
            // seconds on a loaded machine, and a failure needs records flowing), then ~2 000.
            long started = System.nanoTime();
            DemoTraffic.publishPaced(publisher, inOrder, () -> INJECTED.get() < failures ? 250 : 50);
            double seconds = (System.nanoTime() - started) / 1e9;
            DemoTraffic.endOfStream(stream, 2).forEach(o -> publisher.sendNow(OdeTopic.OBSERVATIONS, o));
            await(() -> forecasts.size() >= requests.size(), "every request answered");
            ExactlyOnceVerdict.quiet(forecasts, alerts);
            System.out.printf("faults (a): %d events sent over %.1f s, %d task failures injected; %d forecasts, "
                    + "%d alerts%n", stream.size(), seconds, INJECTED.get(), forecasts.size(), alerts.size());
        } finally {
            if (job != null) {
                job.cancel().get();
            }
        }
        assertEquals(failures, INJECTED.get(), "every failure struck while the traffic flowed");
        assertExactlyOnce(stream, requests, forecasts, alerts);
    }

    @Test
    void theBrokerStoppedAndStartedAgainMidStreamLosesAndRepeatsNothing(@TempDir Path dir) throws Exception {
        try (RestartableBroker broker = RestartableBroker.start(dir)) {
            KafkaSettings kafka = KafkaSettings.builder(broker.bootstrapServers()).topicPrefix("bounce-")
                    .transactionalIdPrefix("bounce-job").build();
            try (TopicSetup setup = new TopicSetup(kafka)) {
                assertTrue(setup.ensure(TopicSetup.defaultTopics("bounce-", 2, (short) 1)).ok());
            }
            DemoStream stream = DemoStream.generate(DemoStream.Config.defaults());
            List<ForecastRequest> requests = DemoSetup.requests(stream);
            List<SpecificRecord> inOrder = DemoTraffic.inEventTimeOrder(stream.observations(), requests);
            int firstPart = inOrder.size() * 2 / 5;
            ForecastJobConfig config = ForecastJobConfig.defaults(kafka, updater()).withModelSource(ModelSource.TOPIC)
                    .withCheckpoints(Duration.ofMillis(500), null).withEventTime(Duration.ofSeconds(2), Duration.ofSeconds(10));
            StreamExecutionEnvironment env = environment(20);
            ForecastJob.build(env, config);

            ConcurrentLinkedQueue<Forecast> forecasts = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<AnomalyAlert> alerts = new ConcurrentLinkedQueue<>();
            RecordPublisher publisher = new RecordPublisher(kafka);
            JobClient job = null;
            try (TopicFollower<Forecast> f = new TopicFollower<>(kafka, OdeTopic.FORECASTS, Forecast.class,
                    forecasts::add, problems::add);
                 TopicFollower<AnomalyAlert> a = new TopicFollower<>(kafka, OdeTopic.ALERTS, AnomalyAlert.class,
                         alerts::add, problems::add)) {
                publisher.send(OdeTopic.MODELS, MODEL);
                DemoTraffic.publish(publisher, inOrder.subList(0, firstPart));
                job = env.executeAsync("forecast job, broker restarted");
                await(() -> forecasts.size() >= 12, "forecasts before the broker stops");
                // The rest of the stream flows while the broker goes down: the producer buffers and
                // retries, the job's sources and open transactions lose their broker.
                Thread feeder = new Thread(() -> DemoTraffic.publishPaced(publisher,
                        inOrder.subList(firstPart, inOrder.size())));
                feeder.start();
                Thread.sleep(1_500);
                int beforeStop = forecasts.size();
                long stopping = System.nanoTime();
                broker.stop();
                double stopSeconds = (System.nanoTime() - stopping) / 1e9;
                Thread.sleep(2_000);
                long restarting = System.nanoTime();
                broker.startAgain();
                double startSeconds = (System.nanoTime() - restarting) / 1e9;
                await(() -> forecasts.size() > beforeStop, "a forecast committed after the broker came back");
                double firstOutputSeconds = (System.nanoTime() - restarting) / 1e9;
                feeder.join();
                DemoTraffic.endOfStream(stream, 2).forEach(o -> publisher.sendNow(OdeTopic.OBSERVATIONS, o));
                await(() -> forecasts.size() >= requests.size(), "every request answered");
                ExactlyOnceVerdict.quiet(forecasts, alerts);
                System.out.printf("faults (b): broker stopped in %.1f s, down 2 s, up again in %.1f s; first new output "
                        + "%.1f s after its restart; %d forecasts, %d alerts%n", stopSeconds, startSeconds,
                        firstOutputSeconds, forecasts.size(), alerts.size());
            } finally {
                if (job != null) {
                    job.cancel().get();
                }
                publisher.close();
            }
            assertExactlyOnce(stream, requests, forecasts, alerts);
        }
    }

    private void assertExactlyOnce(DemoStream stream, List<ForecastRequest> requests, Collection<Forecast> forecasts,
                                   Collection<AnomalyAlert> alerts) {
        assertTrue(problems.isEmpty(), "topic followers: " + problems);
        ExactlyOnceVerdict.everyRequestAnsweredOnce(requests, forecasts, MODEL.getVersion());
        ExactlyOnceVerdict.alertsOfTheReplay(OfflineReplay.alerts(stream.observations(), MODEL, DemoSetup.alertPolicy(),
                updater().scoreSamples()), alerts);
    }

    private void await(BooleanSupplier condition, String what) throws InterruptedException {
        ExactlyOnceVerdict.await(problems, condition, what);
    }

    /**
     * Passes records through; throws once {@code period} has
     * passed since the previous injected failure (or since the map first opened), until {@code max}
     * failures were injected. The first waits for a completed checkpoint, so that the job restores
     * from one with open transactions behind it; the others strike on the clock, wherever the
     * restored job is (even before its own first checkpoint: it then replays the same input again).
     */
    static final class FailEvery
            extends RichMapFunction<Either<Observation, ForecastRequest>, Either<Observation, ForecastRequest>>
            implements CheckpointListener {
        private final long periodMillis;
        private final int max;

        FailEvery(Duration period, int max) {
            this.periodMillis = period.toMillis();
            this.max = max;
        }

        @Override
        public void open(OpenContext context) {
            LAST_INJECTED.compareAndSet(0, System.currentTimeMillis());
        }

        @Override
        public Either<Observation, ForecastRequest> map(Either<Observation, ForecastRequest> record) throws Exception {
            long now = System.currentTimeMillis();
            long last = LAST_INJECTED.get();
            if (CHECKPOINTED.get() && now - last >= periodMillis && INJECTED.get() < max
                    && LAST_INJECTED.compareAndSet(last, now)) {
                throw new IllegalStateException("injected failure " + INJECTED.incrementAndGet() + " (test)");
            }
            return record;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINTED.set(true);
        }
    }
}
