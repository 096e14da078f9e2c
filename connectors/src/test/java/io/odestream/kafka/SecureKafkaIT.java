package io.odestream.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.kafka.broker.EmbeddedKafkaBroker;
import io.odestream.kafka.broker.testing.SecuredKafka;
import io.odestream.schema.DeadLetter;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker that lets strangers in nowhere: SASL/SCRAM-SHA-512 over TLS (a certificate made for
 * this test), ACLs that give the job read on its inputs and write on its outputs only. The job
 * connects with credentials from a client configuration file; a wrong password and a missing
 * ACL fail in seconds with a message that says what to change; the job's user cannot write to
 * the models topic; and no password reaches any log, the Kafka clients' configuration dumps at
 * INFO included.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecureKafkaIT {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

    private static final String PREFIX = "sec-";
    private static final String JOB_USER = "forecast-job";
    private static final String GROUP = "forecast-job-group";
    private static final String TRANSACTIONS = "forecast-job-tx";
    private static final Map<OdeTopic, Set<AclOperation>> JOB_NEEDS = new EnumMap<>(Map.of(
            OdeTopic.OBSERVATIONS, Set.of(AclOperation.READ),
            OdeTopic.FORECAST_REQUESTS, Set.of(AclOperation.READ),
            OdeTopic.MODELS, Set.of(AclOperation.READ),
            OdeTopic.MODEL_SERVING, Set.of(AclOperation.READ),
            OdeTopic.LATE_OBSERVATIONS, Set.of(AclOperation.WRITE),
            OdeTopic.FORECASTS, Set.of(AclOperation.WRITE),
            OdeTopic.ALERTS, Set.of(AclOperation.WRITE),
            OdeTopic.DEAD_LETTERS, Set.of(AclOperation.WRITE)));

    private static final StringWriter LOG = new StringWriter();
    private static final String JOB_PASSWORD = SecuredKafka.secret();

    @TempDir
    static Path dir;

    private static SecuredKafka kafka;
    private static EmbeddedKafkaBroker broker;
    private static WriterAppender capture;
    private static KafkaSettings admin;
    private static Path jobConfig;

    @BeforeAll
    static void secureBroker() throws Exception {
        captureLogs();
        kafka = SecuredKafka.start(dir);
        broker = kafka.broker();
        admin = kafka.adminWithTopics(PREFIX);
        kafka.addUser(JOB_USER, JOB_PASSWORD);
        for (Map.Entry<OdeTopic, Set<AclOperation>> need : JOB_NEEDS.entrySet()) {
            for (AclOperation op : need.getValue()) {
                kafka.allow(JOB_USER, ResourceType.TOPIC, admin.topicName(need.getKey()), PatternType.LITERAL, op);
            }
        }
        kafka.allow(JOB_USER, ResourceType.GROUP, GROUP, PatternType.PREFIXED, AclOperation.READ);
        kafka.allow(JOB_USER, ResourceType.TRANSACTIONAL_ID, TRANSACTIONS, PatternType.PREFIXED, AclOperation.WRITE);
        jobConfig = kafka.clientConfig(JOB_USER, JOB_PASSWORD);
        awaitCredentials();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (capture != null) {
            ((LoggerContext) LogManager.getContext(false)).getConfiguration().getRootLogger().removeAppender("capture");
        }
    }

    @Test
    @Order(1)
    void theJobReadsAndWritesItsTopicsOverTlsWithTheCredentialsOfItsConfigurationFile() throws Exception {
        KafkaSettings job = jobSettings(jobConfig);
        new KafkaAccessCheck(job, Duration.ofSeconds(10)).verify(JOB_NEEDS);

        AvroSerde<Observation> serde = new AvroSerde<>(Observation.class);
        List<ProducerRecord<byte[], byte[]>> input = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Observation o = ExampleRecords.observation("s" + (i % 3), System.currentTimeMillis() - 1_000 + i, 1.0 * i, 2.0);
            input.add(new ProducerRecord<>(admin.topicName(OdeTopic.OBSERVATIONS), OdeTopic.OBSERVATIONS.keyOf(o), serde.serialize(o)));
        }
        TopicIO.produce(broker.bootstrapServers(), input);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(200);
        KafkaSinks sinks = new KafkaSinks(job);
        Decoded<Observation> decoded = KafkaSources.decode(env.fromSource(
                new KafkaSources(job).builder(OdeTopic.OBSERVATIONS, GROUP).setBounded(OffsetsInitializer.latest()).build(),
                WatermarkStrategy.noWatermarks(), "observations"), Observation.class,
                new ObservationValidator(Duration.ofDays(1), ExpectedChannels.exactly(2)));
        decoded.records().sinkTo(sinks.sink(OdeTopic.LATE_OBSERVATIONS, Observation.class));
        decoded.deadLetters().sinkTo(sinks.sink(OdeTopic.DEAD_LETTERS, DeadLetter.class));
        env.execute("secured");

        assertEquals(20, TopicIO.readAll(broker.bootstrapServers(), admin.topicName(OdeTopic.LATE_OBSERVATIONS),
                "read_committed").size(), "every observation through the job, over SASL_SSL");
    }

    @Test
    @Order(2)
    void aWrongPasswordFailsFastAndSaysWhoseCredentialsWereRefused() throws Exception {
        Path wrong = kafka.clientConfig(JOB_USER, "not-" + JOB_PASSWORD);
        long started = System.nanoTime();
        KafkaAccessException e = assertThrows(KafkaAccessException.class,
                () -> new KafkaAccessCheck(jobSettings(wrong), Duration.ofSeconds(10)).verify(JOB_NEEDS));
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 10, "fails fast, not at the timeout");
        assertTrue(e.getMessage().contains("refused the credentials of user '" + JOB_USER + "'"), e.getMessage());
        assertFalse(e.getMessage().contains(JOB_PASSWORD), "the message holds no password");
    }

    @Test
    @Order(3)
    void aMissingAclFailsFastAndNamesThePermissionToGrant() {
        Map<OdeTopic, Set<AclOperation>> needs = new EnumMap<>(JOB_NEEDS);
        needs.put(OdeTopic.MODELS, Set.of(AclOperation.READ, AclOperation.WRITE));
        KafkaAccessException e = assertThrows(KafkaAccessException.class,
                () -> new KafkaAccessCheck(jobSettings(jobConfig), Duration.ofSeconds(10)).verify(needs));
        assertTrue(e.getMessage().contains("does not allow User:" + JOB_USER + " to WRITE topic '" + PREFIX + "models'"),
                e.getMessage());
        assertFalse(e.getMessage().contains("READ topic"), "only what is missing: " + e.getMessage());
    }

    @Test
    @Order(4)
    void aProducerWithoutRightsCannotWriteToTheModelsTopic() {
        ModelArtifact forged = (ModelArtifact) ExampleRecords.example(OdeTopic.MODELS, 1);
        RecordPublisher publisher = new RecordPublisher(jobSettings(jobConfig));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> publisher.sendNow(OdeTopic.MODELS, forged));
        assertTrue(e.getMessage().contains("TopicAuthorizationException"), e.getMessage());
        assertThrows(IllegalStateException.class, publisher::close, "closing reports the refused write again");
        assertEquals(0, TopicIO.readAll(broker.bootstrapServers(), admin.topicName(OdeTopic.MODELS), "read_uncommitted").size(),
                "nothing reached the models topic");
    }

    @Test
    @Order(5)
    void noSecretAppearsInAnyLog() {
        String clientLogs = LOG.toString();
        assertTrue(clientLogs.contains("sasl.jaas.config = [hidden]"),
                "the clients' configuration dumps were captured (else this test proves nothing)");
        String brokerLog = broker.logTail(Integer.MAX_VALUE);
        for (String secret : List.of(JOB_PASSWORD, kafka.storePassword())) {
            assertFalse(clientLogs.contains(secret), "a password in the clients' log");
            assertFalse(brokerLog.contains(secret), "a password in the broker's log");
        }
    }

    private static KafkaSettings jobSettings(Path config) {
        return KafkaSettings.builder(broker.secureBootstrapServers()).topicPrefix(PREFIX).transactionalIdPrefix(TRANSACTIONS)
                .clientProperties(KafkaClientConfigFile.load(config)).build();
    }

    /** SCRAM credentials and ACLs reach the broker through its metadata log: wait until they apply. */
    private static void awaitCredentials() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                new KafkaAccessCheck(jobSettings(jobConfig), Duration.ofSeconds(5)).verify(JOB_NEEDS);
                return;
            } catch (KafkaAccessException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.sleep(200);
            }
        }
    }

    /** Everything the Kafka clients and odestream log, the clients' INFO configuration dumps included. */
    private static void captureLogs() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configurator.setLevel("org.apache.kafka", Level.INFO);
        Configuration config = context.getConfiguration();
        capture = WriterAppender.newBuilder().setName("capture").setTarget(LOG)
                .setLayout(PatternLayout.newBuilder().withPattern("%p %c - %m%n").build()).build();
        capture.start();
        config.addAppender(capture);
        config.getRootLogger().addAppender(capture, Level.ALL, null);
        config.getLoggerConfig("org.apache.kafka").addAppender(capture, Level.ALL, null);
        config.getLoggerConfig("org.apache.kafka").setAdditive(false);
        context.updateLoggers();
    }
}
