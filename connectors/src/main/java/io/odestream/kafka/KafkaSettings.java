package io.odestream.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * How odestream talks to Kafka: where the brokers are, the topic prefix, delivery guarantee of
 * the sinks, and client properties that pass straight through to every consumer, producer and
 * admin client (security: {@code security.*}, {@code sasl.*}, {@code ssl.*}).
 */
public final class KafkaSettings {

    /** Below the broker's default {@code transaction.max.timeout.ms} of 15 minutes. */
    public static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration BROKER_DEFAULT_MAX_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

    private static final Set<String> PASS_THROUGH_PREFIXES = Set.of("security.", "sasl.", "ssl.");

    private final String bootstrapServers;
    private final String topicPrefix;
    private final DeliveryGuarantee deliveryGuarantee;
    private final String transactionalIdPrefix;
    private final Duration transactionTimeout;
    private final Properties clientProperties;

    private KafkaSettings(Builder b) {
        this.bootstrapServers = Objects.requireNonNull(b.bootstrapServers,
                "bootstrap.servers is required (e.g. 127.0.0.1:9092)");
        this.topicPrefix = b.topicPrefix;
        this.deliveryGuarantee = b.deliveryGuarantee;
        this.transactionalIdPrefix = b.transactionalIdPrefix;
        this.transactionTimeout = b.transactionTimeout;
        this.clientProperties = new Properties();
        this.clientProperties.putAll(b.clientProperties);
        if (transactionTimeout.isNegative() || transactionTimeout.isZero()) {
            throw new IllegalArgumentException("transaction.timeout.ms must be positive, got " + transactionTimeout);
        }
    }

    public static Builder builder(String bootstrapServers) {
        return new Builder().bootstrapServers(bootstrapServers);
    }

    /**
     * Reads settings from configuration keys: {@code bootstrap.servers} (required),
     * {@code topic.prefix}, {@code delivery.guarantee} ({@code exactly-once} | {@code at-least-once}
     * | {@code none}), {@code transactional.id.prefix}, {@code transaction.timeout.ms}, and any
     * {@code security.*}, {@code sasl.*}, {@code ssl.*} key (passed to the Kafka clients as is).
     * Any other key is an error, so a typo does not go unnoticed.
     */
    public static KafkaSettings fromMap(Map<String, String> config) {
        Builder b = new Builder();
        Set<String> unknown = new TreeSet<>();
        config.forEach((key, value) -> {
            switch (key) {
                case "bootstrap.servers" -> b.bootstrapServers(value);
                case "topic.prefix" -> b.topicPrefix(value);
                case "delivery.guarantee" -> b.deliveryGuarantee(parseGuarantee(value));
                case "transactional.id.prefix" -> b.transactionalIdPrefix(value);
                case "transaction.timeout.ms" -> b.transactionTimeout(Duration.ofMillis(parseLong(key, value)));
                default -> {
                    if (PASS_THROUGH_PREFIXES.stream().anyMatch(key::startsWith)) {
                        b.clientProperty(key, value);
                    } else {
                        unknown.add(key);
                    }
                }
            }
        });
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown Kafka setting(s) " + unknown + "; allowed: bootstrap.servers, "
                    + "topic.prefix, delivery.guarantee, transactional.id.prefix, transaction.timeout.ms, "
                    + "and security.*, sasl.*, ssl.* client properties");
        }
        return b.build();
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String topicPrefix() {
        return topicPrefix;
    }

    public String topicName(OdeTopic topic) {
        return topic.name(topicPrefix);
    }

    public DeliveryGuarantee deliveryGuarantee() {
        return deliveryGuarantee;
    }

    public String transactionalIdPrefix() {
        return transactionalIdPrefix;
    }

    public Duration transactionTimeout() {
        return transactionTimeout;
    }

    /** A copy of the pass-through client properties, plus bootstrap.servers. */
    public Properties clientProperties() {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.setProperty("bootstrap.servers", bootstrapServers);
        return p;
    }

    private static DeliveryGuarantee parseGuarantee(String value) {
        return switch (value.trim().toLowerCase()) {
            case "exactly-once", "exactly_once" -> DeliveryGuarantee.EXACTLY_ONCE;
            case "at-least-once", "at_least_once" -> DeliveryGuarantee.AT_LEAST_ONCE;
            case "none" -> DeliveryGuarantee.NONE;
            default -> throw new IllegalArgumentException("delivery.guarantee '" + value
                    + "' is not one of exactly-once, at-least-once, none");
        };
    }

    private static long parseLong(String key, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number of milliseconds, got '" + value + "'", e);
        }
    }

    public static final class Builder {
        private String bootstrapServers;
        private String topicPrefix = "";
        private DeliveryGuarantee deliveryGuarantee = DeliveryGuarantee.EXACTLY_ONCE;
        private String transactionalIdPrefix = "odestream";
        private Duration transactionTimeout = DEFAULT_TRANSACTION_TIMEOUT;
        private final Properties clientProperties = new Properties();

        private Builder() {}

        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        public Builder topicPrefix(String topicPrefix) {
            this.topicPrefix = Objects.requireNonNull(topicPrefix);
            return this;
        }

        public Builder deliveryGuarantee(DeliveryGuarantee deliveryGuarantee) {
            this.deliveryGuarantee = Objects.requireNonNull(deliveryGuarantee);
            return this;
        }

        /** Prefix of the sinks' transactional ids; must differ between jobs writing to one cluster. */
        public Builder transactionalIdPrefix(String transactionalIdPrefix) {
            this.transactionalIdPrefix = Objects.requireNonNull(transactionalIdPrefix);
            return this;
        }

        /** Must be below the broker's transaction.max.timeout.ms and above the checkpoint interval. */
        public Builder transactionTimeout(Duration transactionTimeout) {
            this.transactionTimeout = Objects.requireNonNull(transactionTimeout);
            return this;
        }

        /** One client property (e.g. security.protocol, sasl.jaas.config, ssl.truststore.location). */
        public Builder clientProperty(String key, String value) {
            clientProperties.setProperty(key, value);
            return this;
        }

        /** Client properties given by the caller, passed through as they are. */
        public Builder clientProperties(Properties properties) {
            properties.stringPropertyNames().forEach(k -> clientProperties.setProperty(k, properties.getProperty(k)));
            return this;
        }

        public KafkaSettings build() {
            return new KafkaSettings(this);
        }
    }
}
