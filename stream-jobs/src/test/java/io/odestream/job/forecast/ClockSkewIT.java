package io.odestream.job.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.demo.DemoModel;
import io.odestream.demo.DemoSetup;
import io.odestream.job.TestModels;
import io.odestream.job.forecast.ForecastJobConfig.ModelSource;
import io.odestream.kafka.KafkaSettings;
import io.odestream.kafka.OdeTopic;
import io.odestream.kafka.RecordPublisher;
import io.odestream.kafka.TopicFollower;
import io.odestream.kafka.TopicSetup;
import io.odestream.kafka.broker.testing.KafkaBrokerExtension;
import io.odestream.schema.DeadLetter;
import io.odestream.schema.DeadLetterReason;
import io.odestream.schema.Forecast;
import io.odestream.schema.ForecastRequest;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One producer with a clock a day ahead, against a real broker and a MiniCluster: with the job's
 * clock-skew bound its record is dead-lettered and the subtask's event time stays with the other
 * producers; without it (a bound of two days) the subtask's watermark jumps a day ahead and a series
 * that starts afterwards is sent to the late topic whole. One partition and parallelism 1, so that
 * every record passes the same watermark generator in the order it was sent.
 */
class ClockSkewIT {
    private static final ModelArtifact MODEL = TestModels.sign(DemoModel.bundled());
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();

    @Test
    void aRecordADayAheadIsDeadLetteredAndTheSeriesAfterItAreApplied() throws Exception {
        Duration jobDefault = ForecastJobConfig.defaults(KafkaSettings.builder("localhost:1").build(), updater())
                .maxClockSkew();
        run("skew-bounded-", jobDefault, (kafka, publisher, forecasts) -> {
            awaitState(publisher, forecasts, "newcomer", newcomerLast);
            awaitState(publisher, forecasts, "steady", steadyLast);
            List<DeadLetter> deadLetters = readAll(kafka, OdeTopic.DEAD_LETTERS, DeadLetter.class, 1);
            assertEquals(1, deadLetters.size(), "the record from the bad clock: " + deadLetters);
            DeadLetter d = deadLetters.get(0);
            assertEquals(DeadLetterReason.EVENT_TIME_IN_FUTURE, d.getReason());
            assertTrue(d.getDetail().contains("bad-clock") && d.getDetail().contains("ahead of the wall clock"),
                    d.getDetail());
            assertEquals(List.of(), readAll(kafka, OdeTopic.LATE_OBSERVATIONS, Observation.class, 0), "nothing late");
        });
    }

    @Test
    void withoutTheBoundTheSameRecordSendsANewSeriesOnItsSubtaskToTheLateTopic() throws Exception {
        run("skew-unbounded-", Duration.ofDays(2), (kafka, publisher, forecasts) -> {
            awaitState(publisher, forecasts, "steady", steadyLast); // steady's own order still holds
            List<Observation> late = readAll(kafka, OdeTopic.LATE_OBSERVATIONS, Observation.class, NEWCOMER_POINTS);
            // every new series after the jump is late whole: the newcomer and the ticker, not steady
            assertEquals(NEWCOMER_POINTS, late.stream().filter(o -> o.getSeriesId().equals("newcomer")).count(),
                    "the new series, all of it: " + late);
            assertEquals(List.of("newcomer", "ticker"),
                    late.stream().map(Observation::getSeriesId).distinct().sorted().toList());
            assertEquals(List.of(), readAll(kafka, OdeTopic.DEAD_LETTERS, DeadLetter.class, 0));
        });
    }

    private static final int NEWCOMER_POINTS = 10;
    /** Longer than the pauses in this test's traffic; also how long the requests' input holds event time after the start. */
    private static final Duration IDLENESS = Duration.ofSeconds(3);
    private long steadyLast;
    private long newcomerLast;

    private static UpdaterSettings updater() {
        return UpdaterSettings.defaults(DemoModel.MODEL_ID, TestModels.VERIFIER).withMonitor(DemoSetup.monitorSettings());
    }

    @FunctionalInterface
    private interface Checks {
        void check(KafkaSettings kafka, RecordPublisher publisher, ConcurrentLinkedQueue<Forecast> forecasts)
                throws Exception;
    }

    /**
     * Starts the job with the model served first (so that no start-up hold keeps the records waiting
     * in event-time order), then sends: series "steady", the record a day ahead, a new series
     * "newcomer" a moment later, more of "steady", and a point 30 s ahead that carries the watermark past
 * them all.
     */
    private void run(String prefix, Duration maxClockSkew, Checks checks) throws Exception {
        KafkaSettings kafka = KafkaSettings.builder(KAFKA.bootstrapServers()).topicPrefix(prefix)
                .transactionalIdPrefix(prefix + "job").build();
        try (TopicSetup setup = new TopicSetup(kafka)) {
            assertTrue(setup.ensure(TopicSetup.defaultTopics(prefix, 1, (short) 1)).ok());
        }
        ForecastJobConfig config = ForecastJobConfig.defaults(kafka, updater()).withModelSource(ModelSource.TOPIC)
                .withCheckpoints(Duration.ofMillis(200), null).withEventTime(Duration.ofSeconds(1), IDLENESS)
                .withMaxClockSkew(maxClockSkew);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        ForecastJob.build(env, config);
        JobClient job = env.executeAsync("forecast job, one producer's clock a day ahead");
        ConcurrentLinkedQueue<Forecast> forecasts = new ConcurrentLinkedQueue<>();
        try (RecordPublisher publisher = new RecordPublisher(kafka);
             TopicFollower<Forecast> f = new TopicFollower<>(kafka, OdeTopic.FORECASTS, Forecast.class, forecasts::add,
                     problems::add)) {
            publisher.sendNow(OdeTopic.MODELS, MODEL);
            awaitAnswer(publisher, forecasts, "nobody", a -> a.getError() != null && a.getError().contains("never seen"));
            // The requests' input holds event time for the idleness period after the start (RequestsStartUpHold);
            // it started before this answer, so after one more period the observations alone move event time.
            Thread.sleep(IDLENESS.toMillis());
            long now = System.currentTimeMillis();
            for (int i = 0; i < 15; i++) {
                publisher.send(OdeTopic.OBSERVATIONS, point("steady", now - 60_000 + i * 1_000L));
            }
            publisher.send(OdeTopic.OBSERVATIONS, point("bad-clock", now + Duration.ofHours(23).toMillis()));
            publisher.flush();
            Thread.sleep(1_500); // a live stream trickles: watermarks are emitted before the next records
            for (int j = 0; j < NEWCOMER_POINTS; j++) {
                newcomerLast = now - 30_000 + j * 1_000L;
                publisher.send(OdeTopic.OBSERVATIONS, point("newcomer", newcomerLast));
            }
            for (int i = 15; i < 30; i++) {
                steadyLast = now - 60_000 + i * 1_000L;
                publisher.send(OdeTopic.OBSERVATIONS, point("steady", steadyLast));
            }
            publisher.send(OdeTopic.OBSERVATIONS, point("ticker", now + 30_000));
            publisher.flush();
            checks.check(kafka, publisher, forecasts);
        } finally {
            job.cancel().get();
        }
    }

    private void awaitState(RecordPublisher publisher, ConcurrentLinkedQueue<Forecast> forecasts, String series,
                            long stateTime) throws InterruptedException {
        awaitAnswer(publisher, forecasts, series, a -> a.getError() == null
                && a.getStateTime().toEpochMilli() == stateTime);
    }

    /** Asks (answered on arrival) until an answer for {@code series} passes {@code check}. */
    private void awaitAnswer(RecordPublisher publisher, ConcurrentLinkedQueue<Forecast> forecasts, String series,
                             java.util.function.Predicate<Forecast> check) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        for (int n = 0; System.currentTimeMillis() < deadline; n++) {
            assertTrue(problems.isEmpty(), "topic followers: " + problems);
            publisher.sendNow(OdeTopic.FORECAST_REQUESTS, ForecastRequest.newBuilder().setRequestId(series + "-" + n)
                    .setSeriesId(series).setQueryTimes(List.of(Instant.ofEpochMilli(System.currentTimeMillis())))
                    .build());
            Thread.sleep(500);
            if (forecasts.stream().anyMatch(a -> a.getSeriesId().equals(series) && check.test(a))) {
                return;
            }
        }
        throw new AssertionError("no answer for " + series + " as expected; got "
                + forecasts.stream().filter(a -> a.getSeriesId().equals(series)).toList());
    }

    private static Observation point(String series, long t) {
        return TestModels.observation(series, t, 0.1, -0.2, 0.3);
    }

    /** Everything committed to a topic: at least {@code atLeast} records, then quiet for 1.5 s. */
    private <T extends SpecificRecord> List<T> readAll(KafkaSettings kafka, OdeTopic topic, Class<T> type,
                                                       int atLeast) throws InterruptedException {
        List<T> out = Collections.synchronizedList(new ArrayList<>());
        try (TopicFollower<T> follower = new TopicFollower<>(kafka, topic, type, out::add, problems::add)) {
            long deadline = System.currentTimeMillis() + 60_000;
            while (follower.received() < atLeast && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            long last = -1;
            do {
                last = follower.received();
                Thread.sleep(1_500);
            } while (follower.received() != last);
        }
        assertTrue(problems.isEmpty(), "topic followers: " + problems);
        return new ArrayList<>(out);
    }
}
