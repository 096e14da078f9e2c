package io.odestream.job.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.classify.RiskHead;
import io.odestream.classify.RiskHeadSpec;
import io.odestream.demo.DemoModel;
import io.odestream.demo.DemoSetup;
import io.odestream.demo.DemoStream;
import io.odestream.job.TestModels;
import io.odestream.job.forecast.ForecastJobConfig.ModelSource;
import io.odestream.kafka.AvroSerde;
import io.odestream.kafka.KafkaSettings;
import io.odestream.kafka.OdeTopic;
import io.odestream.kafka.RecordPublisher;
import io.odestream.kafka.broker.testing.KafkaBrokerExtension;
import io.odestream.latent.LatentFilter;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.RiskScore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The forecasting job's risk output end to end (real broker, MiniCluster at parallelism 2, the demo
 * stream and model): with a risk head, every absorbed observation is followed by exactly one committed
 * RiskScore on the given topic, whose probability is the head applied offline to the same filter
 * state ({@link OfflineReplay#riskScores}), on the plain and the micro-batched path alike.
 */
class RiskScoreIT {
    private static final ModelArtifact MODEL = TestModels.sign(DemoModel.bundled());
    private static final Duration IDLENESS = Duration.ofSeconds(30); // bounded runs: see ForecastJobIT.IDLENESS
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void everyAbsorbedObservationGetsOneCommittedRiskScoreEqualToTheHeadAppliedOffline() throws Exception {
        runAndCheck("risk-plain-", RiskHeadSpec.RES_NET, null, 1e-12);
    }

    @Test
    void theMicroBatchedPathEmitsTheSameRiskScores() throws Exception {
        // the batch backend computes the same updates in another order of operations: equal to rounding
        runAndCheck("risk-batched-", RiskHeadSpec.ODE_NET,
                new MicroBatching("java", "cpu", 64, Duration.ofMillis(20)), 1e-9);
    }

    private void runAndCheck(String prefix, String kind, MicroBatching batching, double tolerance) throws Exception {
        KafkaSettings kafka = KAFKA.topics(prefix, prefix + "job");
        String riskTopic = prefix + "risk-scores";
        createTopic(riskTopic);
        DemoStream stream = DemoStream.generate(DemoStream.Config.defaults().withSeries(3)
                .withSpan(Duration.ofMinutes(4)).withWarmup(Duration.ofMinutes(1)).withSeed(5)); // ~700 events: the test's budget
        try (RecordPublisher publisher = new RecordPublisher(kafka)) {
            publisher.send(OdeTopic.MODELS, MODEL);
            stream.observations().forEach(o -> publisher.send(OdeTopic.OBSERVATIONS, o));
        }
        int hidden = LatentFilter.init(MODEL).model().spec().hidden();
        ModelArtifact headArtifact = RiskHeads.seeded(kind, hidden);
        UpdaterSettings updater = UpdaterSettings.defaults(DemoModel.MODEL_ID, TestModels.VERIFIER)
                .withMonitor(DemoSetup.monitorSettings());
        ForecastJobConfig config = ForecastJobConfig.defaults(kafka, updater).withBounded(true)
                .withModelSource(ModelSource.TOPIC).withCheckpoints(Duration.ofMillis(300), null)
                .withEventTime(Duration.ofSeconds(2), IDLENESS).withMicroBatching(batching);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
        ForecastJob.build(env, config, UnaryOperator.identity(), new RiskOutput(headArtifact, riskTopic));
        env.execute("forecast job with a risk head");

        List<RiskScore> scores = readCommitted(riskTopic);
        Map<String, Double> expected = OfflineReplay.riskScores(stream.observations(), MODEL,
                RiskHead.load(headArtifact));
        Map<String, Double> got = new HashMap<>();
        for (RiskScore r : scores) {
            String key = r.getSeriesId() + "@" + r.getEventTime().toEpochMilli();
            assertEquals(null, got.put(key, r.getProbability()), "one score per observation: " + key + " twice");
            assertEquals(MODEL.getVersion(), r.getModelVersion());
            assertEquals(headArtifact.getModelId() + "/" + headArtifact.getVersion(), r.getHeadId());
            assertTrue(r.getProbability() >= 0 && r.getProbability() <= 1, key + ": " + r.getProbability());
        }
        assertEquals(stream.size(), scores.size(), "one risk score per absorbed observation");
        assertEquals(expected.keySet(), got.keySet());
        double spread = 0;
        for (Map.Entry<String, Double> e : expected.entrySet()) {
            assertEquals(e.getValue(), got.get(e.getKey()), tolerance, e.getKey());
            spread = Math.max(spread, Math.abs(e.getValue() - expected.values().iterator().next()));
        }
        assertTrue(spread > 1e-6, "the scores must move with the state, or the comparison shows nothing");
    }

    private static void createTopic(String topic) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        }
    }

    /** Everything committed to the topic (the job has finished: its last transaction is committed). */
    private static List<RiskScore> readCommitted(String topic) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, topic + "-reader");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        AvroSerde<RiskScore> serde = new AvroSerde<>(RiskScore.class);
        List<RiskScore> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long quietSince = System.nanoTime();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && (out.isEmpty() || System.nanoTime() - quietSince < 2e9)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    RiskScore score = serde.deserialize(r.value());
                    assertEquals(score.getSeriesId(), new String(r.key(), StandardCharsets.UTF_8),
                            "keyed by series");
                    out.add(score);
                    quietSince = System.nanoTime();
                }
            }
        }
        return out;
    }
}
