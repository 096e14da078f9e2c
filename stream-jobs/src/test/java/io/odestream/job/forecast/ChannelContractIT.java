package io.odestream.job.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.job.TestModels;
import io.odestream.job.forecast.ForecastJobConfig.ModelSource;
import io.odestream.kafka.AvroSerde;
import io.odestream.kafka.KafkaSettings;
import io.odestream.kafka.OdeTopic;
import io.odestream.kafka.RecordPublisher;
import io.odestream.kafka.TopicFollower;
import io.odestream.kafka.broker.testing.KafkaBrokerExtension;
import io.odestream.latent.LatentOdeModel;
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
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The data contract by name through the whole job (real broker, MiniCluster at parallelism 2): a
 * model that names its channels, producers that send them in either order, one of the wrong width and
 * one with a channel the model does not know. The first two are forecast alike; the others reach the
 * dead-letter topic with their reason, their origin topic and their values.
 */
class ChannelContractIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    private static final List<String> NAMES = List.of("temp", "pressure");
    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();

    private static ModelArtifact namedModel() {
        LatentOdeModel m = TestModels.model(2, 11);
        LatentOdeModel named = LatentOdeModel.create(m.spec().withChannelNames(NAMES), 11);
        System.arraycopy(m.parameters().values(), 0, named.parameters().values(), 0, m.parameters().size());
        named.parametersChanged();
        return TestModels.sign(named.toArtifact(TestModels.MODEL_ID, 1, null, Map.of(), Map.of()));
    }

    private static Observation observation(String series, long t, List<String> channels, Double... values) {
        Observation o = TestModels.observation(series, t, values);
        o.setChannels(channels);
        return o;
    }

    @Test
    void namedChannelsInEitherOrderAreForecastAlikeAndMisfitsAreDeadLettersWithTheirValues() throws Exception {
        KafkaSettings kafka = KAFKA.topics("names-", "names-job");
        Observation wide = observation("wide", T0 + 1_000, null, 1.0, 2.0, 3.0);
        Observation unknown = observation("unknown", T0 + 1_000, List.of("temp", "wind"), 1.0, 2.0);
        try (RecordPublisher publisher = new RecordPublisher(kafka)) {
            publisher.send(OdeTopic.MODELS, namedModel());
            for (int k = 1; k <= 5; k++) {
                double temp = 20 + k;
                double pressure = 1.0 - 0.1 * k;
                publisher.send(OdeTopic.OBSERVATIONS, observation("in-order", T0 + k * 1_000L, NAMES, temp, pressure));
                publisher.send(OdeTopic.OBSERVATIONS, observation("swapped", T0 + k * 1_000L,
                        List.of("pressure", "temp"), pressure, temp));
            }
            publisher.send(OdeTopic.OBSERVATIONS, wide);
            publisher.send(OdeTopic.OBSERVATIONS, unknown);
            for (String series : List.of("in-order", "swapped")) {
                // the same request id: the same Monte-Carlo draws, so equal states give equal answers
                publisher.send(OdeTopic.FORECAST_REQUESTS, ForecastRequest.newBuilder().setRequestId("q")
                        .setSeriesId(series).setAsOf(Instant.ofEpochMilli(T0 + 6_000))
                        .setQueryTimes(List.of(Instant.ofEpochMilli(T0 + 8_000))).build());
            }
        }
        UpdaterSettings updater = UpdaterSettings.defaults(TestModels.MODEL_ID, TestModels.VERIFIER).withSamples(32, 8);
        ForecastJobConfig config = ForecastJobConfig.defaults(kafka, updater).withBounded(true)
                .withModelSource(ModelSource.TOPIC).withCheckpoints(Duration.ofMillis(300), null)
                .withEventTime(Duration.ofSeconds(2), Duration.ofSeconds(30));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
        ForecastJob.build(env, config);
        env.execute("channel contract");

        List<Forecast> forecasts = readAll(kafka, OdeTopic.FORECASTS, Forecast.class, 2);
        assertEquals(2, forecasts.size(), forecasts.toString());
        for (Forecast f : forecasts) {
            assertNull(f.getError(), f.getError());
            assertEquals(NAMES, f.getChannels());
        }
        assertEquals(forecasts.get(0).getPoints(), forecasts.get(1).getPoints(),
                "the swapped producer's series is the in-order one's, bit for bit");

        List<DeadLetter> dead = readAll(kafka, OdeTopic.DEAD_LETTERS, DeadLetter.class, 2);
        assertEquals(2, dead.size(), dead.toString());
        AvroSerde<Observation> serde = new AvroSerde<>(Observation.class);
        for (DeadLetter d : dead) {
            assertEquals(kafka.topicName(OdeTopic.OBSERVATIONS), d.getSourceTopic());
            byte[] bytes = new byte[d.getValue().remaining()];
            d.getValue().duplicate().get(bytes);
            Observation o = serde.deserialize(bytes);
            if (o.getSeriesId().equals("wide")) {
                assertEquals(DeadLetterReason.CHANNEL_COUNT_MISMATCH, d.getReason());
                assertEquals(wide, o);
            } else {
                assertEquals(DeadLetterReason.CHANNEL_NAMES_MISMATCH, d.getReason());
                assertEquals(unknown, o);
            }
        }
    }

    private <T extends org.apache.avro.specific.SpecificRecord> List<T> readAll(KafkaSettings kafka, OdeTopic topic,
            Class<T> type, int expected) throws InterruptedException {
        List<T> out = Collections.synchronizedList(new ArrayList<>());
        try (TopicFollower<T> follower = new TopicFollower<>(kafka, topic, type, out::add, problems::add)) {
            await(() -> follower.received() >= expected);
            Thread.sleep(1_500); // nothing more may come
        }
        assertTrue(problems.isEmpty(), "topic followers: " + problems);
        List<T> sorted = new ArrayList<>(out);
        sorted.sort((a, b) -> a.toString().compareTo(b.toString()));
        return sorted;
    }

    private static void await(BooleanSupplier done) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < until) {
            Thread.sleep(200);
        }
    }
}
