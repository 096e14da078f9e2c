package io.odestream.kafka.broker.testing;

import io.odestream.kafka.KafkaSettings;
import io.odestream.kafka.TopicSetup;
import io.odestream.kafka.TopicSetupReport;
import io.odestream.kafka.broker.EmbeddedKafkaBroker;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real broker ({@link EmbeddedKafkaBroker}, in a child JVM) per integration-test class,
 * started before the class's first test and stopped after its last:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
 * }</pre>
 *
 * The field must be static: a broker takes seconds to start, so the tests of a class share it and
 * keep apart by topic prefix ({@link #topics}). {@code @Nested} classes use their outer class's
 * broker. Shipped to the other modules in connectors' test-jar.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {
    private EmbeddedKafkaBroker broker;
    /** The class whose beforeAll started the broker; only its afterAll stops it. */
    private String owner;

    @Override
    public void beforeAll(ExtensionContext context) {
        if (broker == null) {
            broker = EmbeddedKafkaBroker.start();
            owner = context.getUniqueId();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null && context.getUniqueId().equals(owner)) {
            try {
                broker.close();
            } finally {
                broker = null;
                owner = null;
            }
        }
    }

    /** The running broker. */
    public EmbeddedKafkaBroker broker() {
        if (broker == null) {
            throw new IllegalStateException("no broker is running: register the KafkaBrokerExtension on a static "
                    + "field with @RegisterExtension, and use it from tests (not from a static initialiser)");
        }
        return broker;
    }

    public String bootstrapServers() {
        return broker().bootstrapServers();
    }

    /**
     * Settings for topics named {@code prefix + name} on this broker, with transactional ids under
     * {@code transactionalIdPrefix}, and odestream's default topics created (2 partitions).
     */
    public KafkaSettings topics(String prefix, String transactionalIdPrefix) throws InterruptedException {
        KafkaSettings settings = KafkaSettings.builder(bootstrapServers()).topicPrefix(prefix)
                .transactionalIdPrefix(transactionalIdPrefix).build();
        try (TopicSetup setup = new TopicSetup(settings)) {
            TopicSetupReport report = setup.ensure(TopicSetup.defaultTopics(prefix, 2, (short) 1));
            if (!report.ok()) {
                throw new IllegalStateException("could not create the topics with prefix '" + prefix + "': " + report);
            }
        }
        return settings;
    }
}
